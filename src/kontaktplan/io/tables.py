"""The scenario tables from any source (CSV folder, Excel workbook) to a :class:`Scenario`.

A thin public layer over the row parsing of :mod:`kontaktplan.io.csvtable` and the
reference checks of :mod:`kontaktplan.io.folder`, so that every reader parses a cell and
reports a bad one the same way. A reader supplies, per table of :data:`FILES`, the rows
as ``(row number, {column: text})`` with the header as row 1, and the name its errors
should carry for each table (e.g. ``"book.xlsx:customers"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import BaseModel

from kontaktplan.domain import ScenarioMeta
from kontaktplan.i18n import Phrase
from kontaktplan.io.csvtable import FILES, InputError, parse_row
from kontaktplan.io.folder import Loaded, _scenario_of, _warnings, check_region, scenario_policy
from kontaktplan.rules.policy import Policy

__all__ = ["Rows", "build_scenario", "check_header", "check_region", "scenario_policy"]

Rows = list[tuple[int, dict[str, str]]]
"""The data rows of one table: ``(row number, {column: cell text})``; the header is row 1."""


def check_header(key: str, header: Iterable[str], source: str) -> None:
    """Raise :class:`InputError` (row 1) for the first required column of table ``key`` missing."""
    present = set(header)
    for col in FILES[key].required:
        if col not in present:
            raise InputError(source, Phrase("err.missing_column"), row=1, column=col)


def build_scenario(
    meta: ScenarioMeta,
    policy: Policy,
    raw: Mapping[str, Rows],
    sources: Mapping[str, str],
    origin: Path,
) -> Loaded:
    """Parse and check the rows of every table exactly as :func:`read_scenario` does.

    ``raw`` maps a table key of :data:`FILES` to its rows (a missing key = no rows);
    ``sources`` maps the key to the name errors and warnings carry instead of the CSV
    file name. ``origin`` becomes :attr:`Loaded.folder` (the file or folder read).
    """
    rename = {FILES[k].file: sources.get(k, FILES[k].file) for k in FILES}
    try:
        parsed: dict[str, list[BaseModel]] = {}
        rows: dict[str, list[int]] = {}
        for key, table in FILES.items():
            items = raw.get(key, [])
            parsed[key] = [parse_row(table, n, v) for n, v in items]
            rows[key] = [n for n, _ in items]
        scenario = _scenario_of(meta, policy, parsed, rows, str(origin))
    except InputError as e:
        raise InputError(rename.get(e.file, e.file), e.message, e.row, e.column) from None
    loaded = Loaded(scenario, policy, origin, rows=rows)
    loaded.warnings = _warnings(scenario, rows, rename["appointments.csv"])
    return loaded
