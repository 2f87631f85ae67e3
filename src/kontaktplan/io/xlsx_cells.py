"""Cell formats the workbook's sheets share: fonts, the header style, dates as ISO."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kontaktplan.io.csvtable import FORMULA_START

DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DD HH:MM"
FONT = {"name": "Calibri", "size": 11}
HEADER_FONT = Font(**FONT, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def append_row(ws: Worksheet, values: list[Any]) -> None:
    """Append values, giving dates and times the ISO number formats."""
    # Cells made here, not looked up after appending: ws.max_row scans every cell.
    row: list[Any] = []
    for value in values:
        if isinstance(value, dt.date):
            cell = Cell(ws, value=value)
            datetime = isinstance(value, dt.datetime)
            cell.number_format = DATETIME_FORMAT if datetime else DATE_FORMAT
            value = cell
        elif isinstance(value, str) and value[:1] in FORMULA_START:
            value = text_cell(ws, value)
        row.append(value)
    ws.append(row)


def text_cell(ws: Worksheet, value: str) -> Cell:
    """A cell that holds ``value`` as text, never as a formula (OWASP CSV injection:
    ``=``, ``+``, ``-``, ``@``, tab, CR start one), marked with Excel's quote prefix so
    that editing it keeps it text; it reads back as the same string."""
    cell = Cell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
