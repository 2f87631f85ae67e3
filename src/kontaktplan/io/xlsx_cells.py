"""Cell formats the workbook's sheets share: fonts, the header style, dates as ISO."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

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
        row.append(value)
    ws.append(row)
