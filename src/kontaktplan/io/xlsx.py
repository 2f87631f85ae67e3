"""Excel workbooks: the scenario as a report for team leads, and back into a scenario.

Export (:func:`write_xlsx`): a sheet per team (appointments per specialist and day,
weekly target and bookings), ``overdue``, ``category_review``, and the six tables of
docs/format.md as sheets ``scenario``, ``specialists``, ``customers``, ``slots``, ``absences``,
``appointments``, so the workbook is also a complete scenario.

Import (:func:`read_xlsx`): those six sheets, read cell by cell into the same rows the
CSV reader produces (Excel dates, times, numbers and booleans are accepted as well as
text) and checked by the same code; errors name ``FILE.xlsx:sheet``, row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from enum import Enum
from pathlib import Path
from typing import Any, get_args

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from pydantic import ValidationError

from kontaktplan.domain import Scenario, ScenarioMeta
from kontaktplan.i18n import Lang, Phrase
from kontaktplan.i18n.errors import Worded, os_reason, pydantic_reason
from kontaktplan.io.folder import FILES, InputError, Loaded
from kontaktplan.io.tables import (
    Rows,
    build_scenario,
    check_header,
    check_region,
    scenario_policy,
)
from kontaktplan.io.xlsx_cells import (
    HEADER_FILL,
    HEADER_FONT,
    append_row,
)
from kontaktplan.rules.policy import Policy

__all__ = ["META_SHEET", "read_xlsx", "scenario_workbook", "write_xlsx"]

META_SHEET = "scenario"
META_KEYS = ("name", "today", "policy", "region")
# A font without a name falls back to a serif face in some programs: name Excel's default.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# The Excel serial numbers a date column reads as dates (1950-01-01 up to 2100-01-01); any
# other number stays a number and fails as "not a date", as a bare year 2026 should.
SERIAL_DAYS = (18264, 73051)


def _column_types() -> dict[str, type]:
    """Columns holding a date or a date and time, from the domain models' field types."""
    out: dict[str, type] = {}
    for table in FILES.values():
        for name, field in table.model.model_fields.items():
            types = get_args(field.annotation) or (field.annotation,)
            if dt.datetime in types:
                out[name] = dt.datetime
            elif dt.date in types:
                out[name] = dt.date
    return out


COLUMN_TYPES = _column_types()


# --- export ----------------------------------------------------------------------------


def style_header(ws: Worksheet, rows: int = 1) -> None:
    """Bold, shaded header row(s), frozen below them, an auto filter, and column widths."""
    for row in ws.iter_rows(min_row=1, max_row=rows):
        for cell in row:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = ws.cell(row=rows + 1, column=1)
    if ws.max_row > rows and rows == 1:
        ws.auto_filter.ref = ws.dimensions
    fit_columns(ws)


def fit_columns(ws: Worksheet, minimum: int = 8, maximum: int = 45) -> None:
    """Set each column's width to its longest value (dates count as 10, times as 16)."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or type(cell).__name__ == "MergedCell":
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), _shown_length(cell.value))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(maximum, max(minimum, width + 2))


def _shown_length(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return len(str(value))


def cell_value(value: Any) -> Any:
    """A domain value as an Excel cell value: enums as text, unavailabilities as ``Mon;Wed-AM``."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value) or None
    return value


def _write_tables(wb: Workbook, scenario: Scenario) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.append(["key", "value"])
    for key in META_KEYS:
        append_row(ws, [key, getattr(scenario.meta, key)])
    style_header(ws)
    for key, table in FILES.items():
        ws = wb.create_sheet(key)
        rows = getattr(scenario, key)
        columns = table.columns_of(rows)
        ws.append(list(columns))
        for obj in rows:
            append_row(ws, [cell_value(getattr(obj, col)) for col in columns])
        style_header(ws)


def scenario_workbook(scenario: Scenario, policy: Policy, lang: Lang = "en") -> Workbook:
    """The workbook: team sheets, ``overdue``, ``category_review``, then the six tables.

    The report sheets (names, headers, legend) are in ``lang``; the six tables keep the
    column names of the scenario folder (docs/format.md), so the workbook reads back.
    """
    from kontaktplan.io.xlsx_report import (
        report_sheet_names,
        team_sheets,
        write_category_review,
        write_overdue,
    )

    wb = Workbook()
    wb.remove(wb.active)
    team_sheets(wb, scenario, policy, lang)
    overdue, review = report_sheet_names(lang)
    write_overdue(wb.create_sheet(overdue), scenario, policy, lang)
    write_category_review(wb.create_sheet(review), scenario, policy, lang)
    for ws in (wb[overdue], wb[review]):
        style_header(ws)
    _write_tables(wb, scenario)
    stamp = dt.datetime.combine(scenario.today, dt.time(0))
    wb.properties.creator = "kontaktplan"
    wb.properties.title = f"Kontaktplan {scenario.meta.name}"
    wb.properties.created = wb.properties.modified = stamp
    return wb


def is_our_workbook(path: Path) -> bool:
    """True if ``path`` is a workbook this product wrote (its creator is kontaktplan)."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return b"<dc:creator>kontaktplan</dc:creator>" in core


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries carry a fixed time, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        # openpyxl writes worksheets through temporary files, whose mtime would leak into
        # the archive (a test saw the bytes differ across a second boundary)
        with open(filename, "rb") as f:
            self.writestr(str(arcname or filename), f.read(), compress_type, compresslevel)


def workbook_bytes(wb: Workbook) -> bytes:
    """The ``.xlsx`` file of a workbook, byte for byte the same for the same workbook.

    ``openpyxl.save_workbook`` stamps the current time into the file; this keeps the
    workbook's own ``modified`` date and fixed zip entry times instead.
    """
    buf = io.BytesIO()
    archive = _FixedTimeZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return buf.getvalue()


def write_xlsx(
    scenario: Scenario, policy: Policy, path: str | Path, lang: Lang = "en"
) -> dict[str, int]:
    """Write the workbook to ``path``, all or nothing (a temporary file, then renamed).

    Returns the data rows per sheet (for a team sheet: its specialists).
    """
    path = Path(path)
    wb = scenario_workbook(scenario, policy, lang)
    data = workbook_bytes(wb)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        Path(tmp).chmod(0o666 & ~mask)  # mkstemp's file is private (0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return _data_rows(wb, scenario)


def _data_rows(wb: Workbook, scenario: Scenario) -> dict[str, int]:
    from kontaktplan.io.xlsx_report import team_sheet_names

    teams = [s.team for s in scenario.specialists]
    names = team_sheet_names(list(dict.fromkeys(teams)))
    out = {name: teams.count(team) for team, name in names.items()}
    for ws in wb.worksheets:
        # not max_row - 1: freezing the panes below the header creates an empty cell in row 2
        rows = ws.iter_rows(min_row=2, values_only=True)
        out.setdefault(ws.title, sum(1 for row in rows if any(v is not None for v in row)))
    return out


# --- import ----------------------------------------------------------------------------


def read_xlsx(path: str | Path) -> Loaded:
    """Read a scenario from a workbook; raise :class:`InputError` on the first bad input.

    The policy is looked up as in a folder, relative paths from the workbook's folder.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path.name, Phrase("err.no_file_at", path=path))
    if path.suffix.lower() == ".xls":
        raise InputError(path.name, Phrase("err.xls"))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException:
        raise InputError(path.name, Phrase("err.not_xlsx")) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InputError(path.name, Phrase("err.not_xlsx_because", reason=_why(e))) from None
    try:
        sheets = {_sheet_key(name): wb[name] for name in wb.sheetnames}
        source = f"{path.name}:{META_SHEET}"
        if META_SHEET not in sheets:
            raise InputError(source, _missing_sheet(wb))
        meta, where = _read_meta(sheets[META_SHEET], source)
        check_region(meta, source, where.get("region"))
        policy = scenario_policy(meta, path.parent, source, where.get("policy"))
        raw: dict[str, Rows] = {}
        for key, table in FILES.items():
            source = f"{path.name}:{key}"
            if key in sheets:
                raw[key] = _read_sheet(sheets[key], key, source)
            elif table.mandatory_file:
                raise InputError(source, _missing_sheet(wb))
    finally:
        wb.close()
    sources = {key: f"{path.name}:{key}" for key in FILES}
    return build_scenario(meta, policy, raw, sources, path)


def _why(e: Exception) -> str:
    """Why a file is no workbook, in the words of the zip reader or the system."""
    if isinstance(e, zipfile.BadZipFile):
        return Worded(str(e), "zip.bad")
    return os_reason(e, str(e)) if isinstance(e, OSError) else str(e)


def _sheet_key(name: str) -> str:
    return name.strip().lower()


def _missing_sheet(wb: Any) -> str:
    return Phrase("err.no_sheet", sheets=list(wb.sheetnames))


def _read_meta(ws: Any, source: str) -> tuple[ScenarioMeta, dict[str, int]]:
    """The ``scenario`` sheet: key/value rows (an optional ``key``/``value`` header first).

    Returns the settings and the row of each key.
    """
    data: dict[str, Any] = {}
    where: dict[str, int] = {}
    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        key = str(cells[0]).strip() if cells and cells[0] is not None else ""
        value = cells[1] if len(cells) > 1 else None
        if not key or (number == 1 and key.lower() == "key"):
            continue
        if key not in META_KEYS:
            known = ", ".join(META_KEYS)
            raise InputError(source, Phrase("err.unknown_key", key=key, known=known), number, "key")
        data[key], where[key] = _meta_value(key, value), number
    try:
        return ScenarioMeta.model_validate(data), where
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else None
        msg = Phrase("err.value_required") if err["type"] == "missing" else pydantic_reason(err)
        raise InputError(source, msg, where.get(key or ""), key) from None


def _meta_value(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "today":
        return _date_value(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        value = from_excel(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _read_sheet(ws: Any, key: str, source: str) -> Rows:
    """A table's rows as ``(row number, {column: text})``, like the CSV reader's."""
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None or all(_blank(c) for c in first):
        raise InputError(source, Phrase("err.empty_sheet"), row=1)
    header = ["" if c is None else str(c).strip() for c in first]
    check_header(key, header, source)
    out: Rows = []
    for number, cells in enumerate(rows, start=2):
        if all(_blank(c) for c in cells):
            continue
        values: dict[str, str] = {}
        for i, cell in enumerate(cells):
            column = header[i] if i < len(header) else ""
            if column:
                values[column] = cell_text(cell, column)
            elif not _blank(cell):
                letter = get_column_letter(i + 1)
                raise InputError(
                    source, Phrase("err.no_header", value=repr(cell), letter=letter), number
                )
        out.append((number, values))
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any, column: str) -> str:
    """An Excel cell as the text a CSV file would hold in ``column``.

    Dates and times become ISO text; in a date or time column a bare number is read as
    an Excel serial date; whole numbers lose their ``.0`` (ids, ``1``/``0`` booleans).
    """
    kind = COLUMN_TYPES.get(column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind is not None and isinstance(value, int | float):
        if not SERIAL_DAYS[0] <= value < SERIAL_DAYS[1]:
            return _number_text(value)  # not a date: the column's parser says so
        value = from_excel(value)
    if isinstance(value, dt.datetime):
        value = _to_second(value)
        if kind is dt.date and value.time() == dt.time(0):
            return value.date().isoformat()
        spec = "minutes" if value.second == 0 else "seconds"
        return value.isoformat(timespec=spec)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value).strip()


def _number_text(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _to_second(value: dt.datetime) -> dt.datetime:
    # An Excel time is a fraction of a day; 08:45 may come back as 08:44:59.999999.
    rounded = value.replace(microsecond=0)
    return rounded + dt.timedelta(seconds=1) if value.microsecond >= 500_000 else rounded
