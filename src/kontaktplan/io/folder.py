"""Read and write a scenario folder (FORMAT.md).

Reading accepts UTF-8 with or without BOM, comma- or semicolon-separated files (the
German Excel dialect, where decimals are written ``0,5``), booleans ``true/false``,
``1/0``, ``ja/nein``. Every problem is an :class:`InputError` naming file, row and
column. Writing is all-or-nothing: files go to a temporary folder first, which then
replaces the target.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import itertools
import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from operator import attrgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

from kontaktplan.calendar import known_region
from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Scenario,
    ScenarioMeta,
    Slot,
    Specialist,
    parse_unavailable,
)
from kontaktplan.policy import Policy, load_policy

__all__ = [
    "FILES",
    "InputError",
    "Loaded",
    "read_scenario",
    "write_scenario",
]


class InputError(Exception):
    """Bad input: names the file, the row (1 = header) and the column."""

    def __init__(
        self, file: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.row, self.column, self.message = file, row, column, message
        where = file + (f", row {row}" if row else "") + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Table:
    """One CSV file of the folder: its model, required and optional columns."""

    file: str
    model: type[BaseModel]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    mandatory_file: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    @cached_property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.columns)


FILES: dict[str, Table] = {
    "specialists": Table(
        "specialists.csv",
        Specialist,
        ("specialist_id", "team", "fte", "substitute_id"),
        ("video",),
    ),
    "customers": Table(
        "customers.csv",
        Customer,
        (
            "customer_id",
            "specialist_id",
            "category",
            "unemployed",
            "under_25",
            "exempt",
            "last_contact",
        ),
        (
            "profile",
            "household_id",
            "agreement_start",
            "mode",
            "unavailable",
            "last_group_session",
        ),
    ),
    "slots": Table("slots.csv", Slot, ("specialist_id", "start", "end"), ("mode",)),
    "absences": Table(
        "absences.csv",
        Absence,
        ("specialist_id", "first_day", "last_day"),
        ("reason",),
        mandatory_file=False,
    ),
    "appointments": Table(
        "appointments.csv",
        Appointment,
        (
            "appointment_id",
            "customer_id",
            "specialist_id",
            "start",
            "end",
            "kind",
            "mode",
            "status",
            "booked_on",
        ),
        ("cancelled_on", "qualified_exception", "reassigned_from", "backfill_for"),
        mandatory_file=False,
    ),
}

_TRUE = {"true", "1", "ja", "yes", "wahr", "j", "y"}
_FALSE = {"false", "0", "nein", "no", "falsch", "n"}
_BOOL_WORDS = dict.fromkeys(_TRUE, True) | dict.fromkeys(_FALSE, False)


def _bool(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean (true/false, 1/0, ja/nein)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date YYYY-MM-DD") from None


def _datetime(text: str) -> dt.datetime:
    # fromisoformat reads a bare date as midnight; a slot or appointment needs its time.
    try:
        if "T" not in text.replace(" ", "T"):
            raise ValueError
        value = dt.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ValueError(f"{text!r} is not a time YYYY-MM-DDTHH:MM") from None
    if value.tzinfo is not None:
        raise ValueError(f"{text!r}: give local office time without a time zone")
    return value


def _float(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


_PARSERS: dict[str, Callable[[str], Any]] = {
    "fte": _float,
    "video": _bool,
    "unemployed": _bool,
    "under_25": _bool,
    "qualified_exception": _bool,
    "last_contact": _date,
    "agreement_start": _date,
    "last_group_session": _date,
    "first_day": _date,
    "last_day": _date,
    "booked_on": _date,
    "cancelled_on": _date,
    "start": _datetime,
    "end": _datetime,
    "unavailable": parse_unavailable,
}


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _format_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    return str(value)


def _format_datetime(value: dt.datetime) -> str:
    exact = value.second or value.microsecond
    return value.isoformat(timespec="auto" if exact else "minutes")


_FORMAT_BY_TYPE: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "",
    str: lambda v: v,
    bool: lambda v: "true" if v else "false",
    dt.datetime: _format_datetime,
    dt.date: dt.date.isoformat,
    float: repr,
}


def _cell(value: Any) -> str:
    """A cell's text; the type lookup is the fast path of :func:`_format` when writing."""
    fmt = _FORMAT_BY_TYPE.get(type(value))
    return fmt(value) if fmt is not None else _format(value)


def _sniff(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _read_cells(path: Path, table: Table) -> tuple[list[str], list[int], list[list[str]]]:
    """The header, the file row numbers of the non-blank rows, and their stripped cells
    column by column (short rows padded with empty cells)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(table.file, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text)))
    if not rows:
        raise InputError(table.file, "empty file: a header row is required", row=1)
    header = [h.strip() for h in rows[0]]
    for col in table.required:
        if col not in header:
            raise InputError(table.file, "missing column", row=1, column=col)
    for col in table.columns:
        if header.count(col) > 1:
            raise InputError(table.file, "column given twice", row=1, column=col)
    width, body = len(header), rows[1:]
    if not body:
        return header, [], [[] for _ in header]
    if max(map(len, body)) > width:
        number, cells = next((n, r) for n, r in enumerate(body, start=2) if len(r) > width)
        raise InputError(table.file, f"{len(cells)} cells but {width} columns", number)
    if min(map(len, body)) < width:
        body = [r + [""] * (width - len(r)) for r in body]
    columns = [list(map(str.strip, col)) for col in zip(*body, strict=True)]
    filled = list(map(any, zip(*columns, strict=True)))
    numbers = [n for n, keep in enumerate(filled, start=2) if keep]
    if len(numbers) < len(body):
        columns = [list(itertools.compress(col, filled)) for col in columns]
    return header, numbers, columns


_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?")


def _fast_column(col: str, cells: list[str]) -> list[Any] | None:
    """A column converted for pydantic where every cell has the plain form, else None.

    Dates and times in exactly ``YYYY-MM-DD`` / ``YYYY-MM-DDTHH:MM`` are left for pydantic
    to parse; anything else sends the table down the cell-by-cell path with its messages.
    """
    parser = _PARSERS.get(col)
    if parser is None:
        return cells
    if parser is _date or parser is _datetime:
        pattern = _DATE_TEXT if parser is _date else _DATETIME_TEXT
        return cells if all(not c or pattern.fullmatch(c) for c in cells) else None
    if parser is _bool:
        words = _BOOL_WORDS
        out = [words.get(c.lower(), c) if c else c for c in cells]
        return None if any(isinstance(v, str) and v for v in out) else out
    try:
        return [parser(c) if c else c for c in cells]
    except ValueError:
        return None


def _parse_fast(
    table: Table, header: list[str], columns: list[list[str]], count: int
) -> list[BaseModel] | None:
    """All rows at once, column by column; None where any cell needs the careful path.

    An empty cell stands for the field's default, so every row is a dict of the same
    keys, built without a Python loop per cell; an empty required cell (no default)
    takes the careful path, which names it.
    """
    fields = table.model.model_fields
    names, converted = [], []
    for h, cells in zip(header, columns, strict=True):
        if h not in table.column_set or not any(cells):
            continue  # an empty column: every row takes the field's default
        values = _fast_column(h, cells)
        if values is None:
            return None
        if "" in values:
            default = fields[h].get_default(call_default_factory=True)
            if default is PydanticUndefined:
                return None
            values = [default if v == "" else v for v in values]
        names.append(h)
        converted.append(values)
    rows = zip(*converted, strict=True) if converted else itertools.repeat((), count)
    datas = list(map(dict, map(zip, itertools.repeat(names), rows)))
    try:
        return _adapter(table.model).validate_python(datas)
    except ValidationError:
        return None


def _read_table(path: Path, table: Table) -> tuple[list[BaseModel], list[int]]:
    """The table's models and their file row numbers (fast path, else cell by cell)."""
    header, numbers, columns = _read_cells(path, table)
    fast = _parse_fast(table, header, columns, len(numbers))
    if fast is not None:
        return fast, numbers
    raw = [
        (n, {h: c for h, c in zip(header, cells, strict=True) if h and c})
        for n, cells in zip(numbers, zip(*columns, strict=True), strict=True)
    ]
    return _parse_table(table, raw), numbers


def _row_data(table: Table, number: int, values: dict[str, str]) -> dict[str, Any]:
    """The row's cells parsed into Python values (dates, numbers, booleans)."""
    data: dict[str, Any] = {}
    columns = table.column_set
    for col, text in values.items():
        if text == "" or col not in columns:
            continue
        parser = _PARSERS.get(col)
        try:
            data[col] = parser(text) if parser else text
        except ValueError as e:
            raise InputError(table.file, str(e), number, col) from None
    return data


def _parse_row(table: Table, number: int, values: dict[str, str]) -> BaseModel:
    data = _row_data(table, number, values)
    try:
        return table.model.model_validate(data)
    except ValidationError as e:
        raise _row_error(table, number, values, data, e) from None


def _row_error(
    table: Table, number: int, values: dict[str, str], data: dict[str, Any], e: ValidationError
) -> InputError:
    err = e.errors()[0]
    col = str(err["loc"][0]) if err["loc"] else None
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "value required"
    elif col in data or col is None:
        shown = values.get(col, "") if col else ""
        msg = f"{msg} (got {shown!r})" if shown else msg
    return InputError(table.file, msg, number, col)


@cache
def _adapter(model: type[BaseModel]) -> TypeAdapter:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _parse_table(table: Table, raw: list[tuple[int, dict[str, str]]]) -> list[BaseModel]:
    """All rows of a table, validated in one call (a third of the per-row time)."""
    datas = [_row_data(table, n, v) for n, v in raw]
    try:
        return _adapter(table.model).validate_python(datas)
    except ValidationError as e:
        i = e.errors()[0]["loc"][0]
        number, values = raw[i]
        inner = _first_row_error(table, datas[i])
        raise _row_error(table, number, values, datas[i], inner) from None


def _first_row_error(table: Table, data: dict[str, Any]) -> ValidationError:
    try:
        table.model.model_validate(data)
    except ValidationError as e:
        return e
    raise AssertionError("batch and row validation disagree")


@dataclass
class Loaded:
    """A scenario read from a folder, with its policy and the warnings found on the way."""

    scenario: Scenario
    policy: Policy
    folder: Path
    warnings: list[str] = field(default_factory=list)
    rows: dict[str, list[int]] = field(default_factory=dict)
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Size and modification time of each table file read, by table key."""


def _read_meta(folder: Path) -> ScenarioMeta:
    path = folder / "scenario.toml"
    if not path.is_file():
        raise InputError("scenario.toml", f"not found in {folder}")
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise InputError("scenario.toml", str(e)) from None
    try:
        meta = ScenarioMeta.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else None
        raise InputError("scenario.toml", err["msg"], column=key) from None
    if not known_region(meta.region):
        raise InputError(
            "scenario.toml",
            f"unknown region {meta.region!r} (a country or country-subdivision code, e.g. DE-BW)",
            column="region",
        )
    return meta


@contextmanager
def _bulk(one_shot: bool):
    """No cyclic garbage collection while tens of thousands of rows are made: they hold
    no cycles, and the collector's passes over them cost a third of the reading time.
    ``one_shot``: also keep them out of later passes (``gc.freeze``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if one_shot:
            gc.freeze()
        if was_enabled:
            gc.enable()


def read_scenario(folder: str | Path, *, one_shot: bool = False) -> Loaded:
    """Read a scenario folder; raise :class:`InputError` on the first bad input.

    ``one_shot`` is for a command that ends soon after: everything read so far is moved
    out of the garbage collector's sight for the rest of the process (``gc.freeze``),
    which saves a pass over every row (~30 ms on a 60-specialist office). A notebook
    or a library caller keeps the default.
    """
    with _bulk(one_shot):
        return _read_scenario(Path(folder))


def scenario_policy(meta: ScenarioMeta, base: Path, source: str, row: int | None = None) -> Policy:
    """The scenario's policy (a name, or a path relative to ``base``); a missing or bad
    policy file is an :class:`InputError` naming ``source`` and ``row`` of the setting."""
    try:
        return load_policy(meta.policy, base=base)
    except FileNotFoundError as e:
        raise InputError(source, str(e), row, "policy") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(meta.policy, f"invalid policy file: {e}") from None
    except ValidationError as e:
        err = e.errors()[0]
        setting = ".".join(str(part) for part in err["loc"])
        raise InputError(meta.policy, f"invalid policy file: {setting}: {err['msg']}") from None


def _read_scenario(folder: Path) -> Loaded:
    if not folder.is_dir():
        raise InputError(str(folder), "no such folder")
    meta = _read_meta(folder)
    policy = scenario_policy(meta, folder, "scenario.toml")
    parsed: dict[str, list[BaseModel]] = {}
    rows: dict[str, list[int]] = {}
    stamps: dict[str, tuple[int, int]] = {}
    for key, table in FILES.items():
        path = folder / table.file
        if not path.is_file():
            if table.mandatory_file:
                raise InputError(table.file, f"not found in {folder}")
            parsed[key], rows[key] = [], []
            continue
        stat = path.stat()
        stamps[key] = (stat.st_size, stat.st_mtime_ns)
        parsed[key], rows[key] = _read_table(path, table)
    scenario = _scenario_of(meta, policy, parsed, rows, str(folder))
    loaded = Loaded(scenario, policy, folder, rows=rows, stamps=stamps)
    loaded.warnings = _warnings(scenario, rows)
    return loaded


def _scenario_of(
    meta: ScenarioMeta,
    policy: Policy,
    parsed: dict[str, list[BaseModel]],
    rows: dict[str, list[int]],
    source: str,
) -> Scenario:
    """The scenario of the parsed tables; :class:`InputError` with file and row for an
    unknown category, a duplicate id, an unknown reference or overlapping slots."""
    _check_categories(parsed, rows, policy)
    try:
        return Scenario(meta=meta, **{k: tuple(v) for k, v in parsed.items()})
    except ValidationError as e:
        # The scenario's own checks found a bad id or reference: find its file and row.
        _check_references(parsed, rows)
        msg = e.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(source, msg) from None


def _check_unique(key: str, column: str, parsed, rows) -> set[str]:
    seen: dict[str, int] = {}
    for obj, number in zip(parsed[key], rows[key], strict=True):
        value = getattr(obj, column)
        if value in seen:
            raise InputError(
                FILES[key].file,
                f"duplicate id {value!r} (first in row {seen[value]})",
                number,
                column,
            )
        seen[value] = number
    return set(seen)


def _check_references(parsed, rows) -> None:
    """Raise the first duplicate id, unknown reference or slot overlap, with its row."""
    specialists = _check_unique("specialists", "specialist_id", parsed, rows)
    customers = _check_unique("customers", "customer_id", parsed, rows)
    appointments = _check_unique("appointments", "appointment_id", parsed, rows)
    refs = {
        "specialists": ("substitute_id",),
        "customers": ("specialist_id",),
        "slots": ("specialist_id",),
        "absences": ("specialist_id",),
        "appointments": ("specialist_id", "reassigned_from"),
    }
    for key, columns in refs.items():
        for obj, number in zip(parsed[key], rows[key], strict=True):
            for col in columns:
                value = getattr(obj, col)
                if value is not None and value not in specialists:
                    raise InputError(FILES[key].file, f"unknown specialist {value!r}", number, col)
    for obj, number in zip(parsed["appointments"], rows["appointments"], strict=True):
        if obj.customer_id not in customers:
            raise InputError(
                "appointments.csv", f"unknown customer {obj.customer_id!r}", number, "customer_id"
            )
        if obj.backfill_for is not None and obj.backfill_for not in appointments:
            raise InputError(
                "appointments.csv",
                f"unknown appointment {obj.backfill_for!r}",
                number,
                "backfill_for",
            )
    _check_slot_overlaps(parsed["slots"], rows["slots"])


def _check_categories(parsed, rows, policy: Policy) -> None:
    known = set(policy.categories)
    for obj, number in zip(parsed["customers"], rows["customers"], strict=True):
        if obj.category not in known:
            raise InputError(
                "customers.csv",
                f"unknown category {obj.category!r} for policy {policy.name} "
                f"(known: {', '.join(sorted(known))})",
                number,
                "category",
            )


def _check_slot_overlaps(slots: list[Slot], rows: list[int]) -> None:
    by_specialist: dict[str, list[tuple[Slot, int]]] = {}
    for s, n in zip(slots, rows, strict=True):
        by_specialist.setdefault(s.specialist_id, []).append((s, n))
    for items in by_specialist.values():
        items.sort(key=lambda x: x[0].start)
        for (a, na), (b, nb) in itertools.pairwise(items):
            if b.start < a.end:
                raise InputError(
                    "slots.csv",
                    f"slot overlaps the slot in row {na} of specialist {a.specialist_id}",
                    nb,
                    "start",
                )


def _warnings(scenario: Scenario, rows: dict[str, list[int]]) -> list[str]:
    out: list[str] = []
    if not scenario.slots:
        return out
    absences: dict[str, list] = {}
    for a in scenario.absences:
        absences.setdefault(a.specialist_id, []).append(a)
    for s, n in zip(scenario.slots, rows["slots"], strict=True):
        if any(a.covers(s.day) for a in absences.get(s.specialist_id, ())):
            out.append(
                f"slots.csv, row {n}: free slot on {s.day} lies in an absence of "
                f"{s.specialist_id}; the absence wins, the slot is not used"
            )
    slot_days = {(s.specialist_id, s.day) for s in scenario.slots}
    span = (min(s.day for s in scenario.slots), max(s.day for s in scenario.slots))
    orphans = [
        (a, n)
        for a, n in zip(scenario.appointments, rows["appointments"], strict=True)
        if a.status.value == "held"
        and span[0] <= a.day <= span[1]
        and (a.specialist_id, a.day) not in slot_days
    ]
    for a, n in orphans[:5]:
        out.append(
            f"appointments.csv, row {n}: held appointment on {a.day} on a day without a "
            f"slot of {a.specialist_id}; kept as history"
        )
    if len(orphans) > 5:
        out.append(f"appointments.csv: {len(orphans) - 5} more held appointments without slot")
    return out


def _check_replaceable(folder: Path) -> None:
    if folder.is_file():
        raise InputError(str(folder), "is a file; give a folder to write the scenario to")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "scenario.toml").is_file():
        raise InputError(str(folder), "exists and is not a scenario folder; refusing to replace it")


def _policy_copy(scenario: Scenario, source: str | Path | None) -> dict[str, str]:
    """The policy file to carry along when ``scenario.toml`` names it by a relative path."""
    name = Path(scenario.meta.policy)
    if source is None or name.suffix != ".toml" or name.is_absolute() or ".." in name.parts:
        return {}
    path = Path(source) / name
    return {name.as_posix(): path.read_text(encoding="utf-8")} if path.is_file() else {}


def _table_text(table: Table, objects: Iterable[BaseModel]) -> str:
    """The CSV text of a table, built column by column (a tenth of a second for 18k rows).

    A column whose cells need no quoting is joined as it is; the others go through the
    csv module, which quotes what has to be quoted.
    """
    values = list(map(attrgetter(*table.columns), objects))
    if not values:
        return ",".join(table.columns) + "\n"
    columns = [_column_text(col) for col in zip(*values, strict=True)]
    if any(_NEEDS_QUOTES.search("".join(col)) for col in columns):
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(zip(*columns, strict=True))
        return buf.getvalue()
    lines = map(",".join, zip(*columns, strict=True))
    return ",".join(table.columns) + "\n" + "\n".join(lines) + "\n"


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def _column_text(values: tuple[Any, ...]) -> Sequence[str]:
    """The cells of one column. Dates, times, codes and flags repeat: each distinct value
    is formatted once (a column of 18k start times has a few hundred)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return values
    if kinds <= {str, type(None)}:
        return [v or "" for v in values]
    if len(kinds - {type(None)}) > 1:
        return list(map(_cell, values))
    texts = {v: _cell(v) for v in set(values)}
    return list(map(texts.__getitem__, values))


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(text, ensure_ascii=False)


def _meta_text(meta: ScenarioMeta) -> str:
    return (
        f"name = {_toml_string(meta.name)}\n"
        f"today = {meta.today.isoformat()}\n"
        f"policy = {_toml_string(meta.policy)}\n"
        f"region = {_toml_string(meta.region)}\n"
    )


def write_scenario(
    scenario: Scenario,
    folder: str | Path,
    extra: dict[str, str] | None = None,
    read: Loaded | None = None,
) -> Path:
    """Write the scenario (and ``extra`` files, name -> text) as a folder, all or nothing.

    An existing folder is replaced only after every file has been written, and only if
    it is a scenario folder (holds ``scenario.toml``) or empty: nothing else is ever
    overwritten. ``read`` is what the scenario was made from: a policy file named by a
    relative path in ``scenario.toml`` is copied along from its folder, so the written
    folder reads back on its own; and a table the scenario still holds as it was read
    is copied byte for byte (a command changes only the files its purpose needs).
    """
    folder = Path(folder)
    _check_replaceable(folder)
    source = read.folder if read is not None else None
    extra = {**_policy_copy(scenario, source), **(extra or {})}
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        _usual_permissions(tmp)
        (tmp / "scenario.toml").write_text(_meta_text(scenario.meta), encoding="utf-8")
        for key, table in FILES.items():
            rows = getattr(scenario, key)
            if (kept := _as_read(key, rows, read)) is not None:
                shutil.copyfile(kept, tmp / table.file)
            else:
                (tmp / table.file).write_text(_table_text(table, rows), encoding="utf-8")
        for name, text in extra.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")
        _swap(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _as_read(key: str, rows: tuple[BaseModel, ...], read: Loaded | None) -> Path | None:
    """The file table ``key`` was read from, if ``rows`` are exactly what was read from it
    (the very same tuple) and the file has not changed since."""
    if read is None or key not in read.stamps or rows is not getattr(read.scenario, key):
        return None
    path = read.folder / FILES[key].file
    try:
        stat = path.stat()
    except OSError:
        return None
    return path if (stat.st_size, stat.st_mtime_ns) == read.stamps[key] else None


def _usual_permissions(folder: Path) -> None:
    """mkdtemp makes a private (0700) folder; give it what ``mkdir`` would."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _swap(new: Path, folder: Path) -> None:
    """Put ``new`` in place of ``folder``; if that fails, the old folder is put back."""
    if not folder.exists():
        os.replace(new, folder)
        return
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(folder, old)
    try:
        os.replace(new, folder)
    except BaseException:
        os.replace(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
