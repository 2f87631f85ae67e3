"""The report sheets of the Excel export: a sheet per team, ``overdue``, ``category_review``.

docs/rules.md, "Monitoring": bookings per specialist and day against the daily cap, the
weekly volume against its target, overdue customers, the category review list. Sheet
names, headers and the legend are in one language (``lang``, from :mod:`kontaktplan.i18n`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kontaktplan.domain import Customer, Mode, Scenario, Specialist
from kontaktplan.i18n import Lang, translator
from kontaktplan.io.xlsx_cells import FONT, HEADER_FILL, HEADER_FONT, append_row
from kontaktplan.rules.calendar import OfficeCalendar, week_days
from kontaktplan.rules.policy import Policy, category_review, due_dates
from kontaktplan.validation.figures import deadline_figures, figures_from, overdue_figures

__all__ = [
    "horizon",
    "report_sheet_names",
    "team_sheet_names",
    "team_sheets",
    "write_category_review",
    "write_overdue",
]

OVER_CAP = PatternFill("solid", fgColor="FFC7CE")
OVER_CAP_FONT = Font(**FONT, color="9C0006", bold=True)
BELOW_TARGET = PatternFill("solid", fgColor="FFEB9C")
BELOW_TARGET_FONT = Font(**FONT, color="9C5700", bold=True)
UNAVAILABLE = PatternFill("solid", fgColor="D9D9D9")
CENTER = Alignment(horizontal="center", vertical="center")
BOLD = Font(**FONT, bold=True)
WEEK_START = Border(left=Side(style="thin", color="808080"))
FIRST_DAY_COLUMN = 3  # A specialist_id, B fte
WEEK_WIDTH = 7  # Mon-Fri, target, booked


def horizon(scenario: Scenario, policy: Policy) -> list[dt.date]:
    """Weekdays of the weeks the figures show: from the first week on or after the current
    one (the validator's ``figures_from``) holding a free slot or an active appointment,
    through the week of the last one (at least the current week)."""
    start = figures_from(scenario)
    days = [s.day for s in scenario.slots]
    days += [a.day for a in scenario.appointments if a.is_active]
    days = [d for d in days if d >= start]
    first = min(days, default=start)
    first -= dt.timedelta(days=first.weekday())
    last = max(days, default=first)
    out: list[dt.date] = []
    monday = first
    while monday <= last:
        out += week_days(monday, 5)
        monday += dt.timedelta(days=7)
    return out


@dataclass(frozen=True)
class _Counts:
    """Per specialist: active appointments per day, weekly bookings, free slots per day."""

    per_day: Counter[tuple[str, dt.date]]
    per_week: Counter[tuple[str, dt.date]]
    free: Counter[tuple[str, dt.date]]

    @classmethod
    def of(cls, scenario: Scenario, cal: OfficeCalendar) -> _Counts:
        active = [a for a in scenario.appointments if a.is_active]
        per_day = Counter((a.specialist_id, a.day) for a in active)
        # weekly volume: bookings of the ISO week, phone consultations (standby) not counted
        per_week = Counter(
            (a.specialist_id, a.day - dt.timedelta(days=a.day.weekday()))
            for a in active
            if a.mode is not Mode.phone
        )
        busy: dict[tuple[str, dt.date], list[tuple[dt.datetime, dt.datetime]]] = {}
        for a in active:
            busy.setdefault((a.specialist_id, a.day), []).append((a.start, a.end))
        free: Counter[tuple[str, dt.date]] = Counter()
        for s in scenario.slots:
            key = (s.specialist_id, s.day)
            taken = any(b < s.end and e > s.start for b, e in busy.get(key, ()))
            if not taken and cal.is_available(s.specialist_id, s.day):
                free[key] += 1
        return cls(per_day, per_week, free)


def team_sheet_names(teams: Sequence[str]) -> dict[str, str]:
    """``Team <name>``, without the characters Excel forbids, at most 31 characters, unique."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for team in teams:
        base = ("Team " + re.sub(r"[\[\]:*?/\\]", "_", team))[:31]
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
        taken.add(name.lower())
        out[team] = name
    return out


def report_sheet_names(lang: Lang) -> tuple[str, str]:
    """The names of the overdue and the category review sheets in ``lang``."""
    t = translator(lang)
    return t("xlsx.sheet_overdue"), t("xlsx.sheet_review")


def team_sheets(wb: Workbook, scenario: Scenario, policy: Policy, lang: Lang = "en") -> None:
    """A sheet per team: specialists x days of the planning horizon, weekly target and bookings."""
    cal = OfficeCalendar(scenario, policy)
    days = horizon(scenario, policy)
    counts = _Counts.of(scenario, cal)
    teams = list(dict.fromkeys(s.team for s in scenario.specialists))
    for team, name in team_sheet_names(teams).items():
        members = [s for s in scenario.specialists if s.team == team]
        _team_sheet(wb.create_sheet(name), members, days, counts, cal, policy, lang)


def _day_column(index: int) -> int:
    week, day = divmod(index, 5)
    return FIRST_DAY_COLUMN + week * WEEK_WIDTH + day


def _team_sheet(
    ws: Worksheet,
    members: list[Specialist],
    days: list[dt.date],
    counts: _Counts,
    cal: OfficeCalendar,
    policy: Policy,
    lang: Lang,
) -> None:
    t = translator(lang)
    cap = policy.booking.daily_cap
    mondays = days[::5]
    _team_header(ws, mondays, lang)
    totals: Counter[int] = Counter()
    for row, sp in enumerate(members, start=3):
        sid = sp.specialist_id
        ws.cell(row, 1, sid)
        ws.cell(row, 2, sp.fte)
        for i, day in enumerate(days):
            n = counts.per_day[(sid, day)]
            cell = ws.cell(row, _day_column(i), n)
            totals[cell.column] += n
            if not cal.is_available(sid, day):
                cell.fill = UNAVAILABLE
            if n > cap:
                cell.fill, cell.font = OVER_CAP, OVER_CAP_FONT
        for w, monday in enumerate(mondays):
            col = FIRST_DAY_COLUMN + w * WEEK_WIDTH + 5
            target = cal.week_target(sp, monday).target
            booked = counts.per_week[(sid, monday)]
            ws.cell(row, col, target)
            cell = ws.cell(row, col + 1, booked)
            totals[col] += target
            totals[col + 1] += booked
            if booked < target:
                cell.fill, cell.font = BELOW_TARGET, BELOW_TARGET_FONT
    row = 3 + len(members)
    ws.cell(row, 1, t("xlsx.team_total")).font = BOLD
    ws.cell(row, 2, round(sum(s.fte for s in members), 3)).font = BOLD
    for col in range(FIRST_DAY_COLUMN, FIRST_DAY_COLUMN + len(mondays) * WEEK_WIDTH):
        ws.cell(row, col, totals[col]).font = BOLD
    row = _free_grid(ws, row + 2, members, days, counts, t("xlsx.free_slots"))
    _legend(ws, row + 1, cap, lang)
    for r in ws.iter_rows(min_row=3, min_col=FIRST_DAY_COLUMN):
        for cell in r:
            cell.alignment = CENTER
    for w in range(len(mondays)):
        col = FIRST_DAY_COLUMN + w * WEEK_WIDTH
        for r in range(1, 4 + 2 * len(members) + 2):
            ws.cell(r, col).border = WEEK_START
    _team_widths(ws, members, len(mondays))
    _landscape(ws)


def _landscape(ws: Worksheet) -> None:
    """Print on landscape pages, each repeating the specialists and the day headers."""
    ws.page_setup.orientation = "landscape"
    ws.print_title_cols = "A:B"
    ws.print_title_rows = "1:2"


def _team_header(ws: Worksheet, mondays: list[dt.date], lang: Lang) -> None:
    t = translator(lang)
    weekdays = t("xlsx.weekdays").split()
    for col, label in ((1, t("xlsx.specialist")), (2, t("xlsx.fte"))):
        ws.cell(1, col, label)
        ws.merge_cells(start_row=1, end_row=2, start_column=col, end_column=col)
    for w, monday in enumerate(mondays):
        first = FIRST_DAY_COLUMN + w * WEEK_WIDTH
        friday = monday + dt.timedelta(days=4)
        week = monday.isocalendar().week
        ws.cell(1, first, t("xlsx.week", week=week, monday=monday, friday=friday))
        ws.merge_cells(start_row=1, end_row=1, start_column=first, end_column=first + 6)
        for d, day in enumerate(week_days(monday, 5)):
            ws.cell(2, first + d, f"{weekdays[d]} {day:%d.%m.}")
        ws.cell(2, first + 5, t("xlsx.target"))
        ws.cell(2, first + 6, t("xlsx.booked"))
    for row in ws.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, CENTER
    ws.freeze_panes = ws.cell(3, FIRST_DAY_COLUMN)


def _free_grid(
    ws: Worksheet,
    row: int,
    members: list[Specialist],
    days: list[dt.date],
    counts: _Counts,
    title: str,
) -> int:
    """Free slots per specialist and day, below the bookings; returns the next free row."""
    ws.cell(row, 1, title).font = BOLD
    for r, sp in enumerate(members, start=row + 1):
        ws.cell(r, 1, sp.specialist_id)
        for i, day in enumerate(days):
            ws.cell(r, _day_column(i), counts.free[(sp.specialist_id, day)])
    return row + len(members) + 1


def _legend(ws: Worksheet, row: int, cap: int, lang: Lang) -> None:
    t = translator(lang)
    items = (
        (OVER_CAP, OVER_CAP_FONT, t("xlsx.legend_cap", cap=cap)),
        (BELOW_TARGET, BELOW_TARGET_FONT, t("xlsx.legend_target")),
        (UNAVAILABLE, Font(**FONT), t("xlsx.legend_unavailable")),
    )
    ws.cell(row, 1, t("xlsx.legend")).font = BOLD
    for r, (fill, font, text) in enumerate(items, start=row + 1):
        ws.cell(r, 1).fill = fill
        ws.cell(r, 1).font = font
        ws.cell(r, 2, text)
    for i, key in enumerate(("xlsx.note_cells", "xlsx.note_booked", "xlsx.note_docs"), 1):
        ws.cell(row + len(items) + i, 2, t(key))


def _team_widths(ws: Worksheet, members: list[Specialist], weeks: int) -> None:
    longest = max((len(s.specialist_id) for s in members), default=0)
    ws.column_dimensions["A"].width = max(24, longest + 2)
    ws.column_dimensions["B"].width = 8
    for w in range(weeks):
        first = FIRST_DAY_COLUMN + w * WEEK_WIDTH
        for d in range(5):
            ws.column_dimensions[get_column_letter(first + d)].width = 9
        for d in (5, 6):
            ws.column_dimensions[get_column_letter(first + d)].width = 12


def write_overdue(ws: Worksheet, scenario: Scenario, policy: Policy, lang: Lang = "en") -> None:
    """The overdue customers as the validator counts them (``overdue_figures``: nothing
    planned, due on or before the planning date), longest overdue first."""
    t = translator(lang)
    ws.append(
        [
            t("xlsx.customer"),
            t("xlsx.specialist"),
            t("xlsx.category"),
            t("xlsx.last_contact"),
            t("xlsx.due"),
            t("xlsx.days_overdue"),
        ]
    )
    today = scenario.today
    customers = scenario.customers_by_id
    dues = due_dates(scenario, policy)
    for row in overdue_figures(deadline_figures(scenario, policy), today):
        d = dues[row["customer"]]
        category = customers[d.customer_id].category
        days = (today - d.due).days
        append_row(ws, [d.customer_id, d.specialist_id, category, d.last_contact, d.due, days])


def write_category_review(
    ws: Worksheet, scenario: Scenario, policy: Policy, lang: Lang = "en"
) -> None:
    """The category review list (docs/rules.md, category review)."""
    t = translator(lang)
    ws.append(
        [
            t("xlsx.customer"),
            t("xlsx.specialist"),
            t("xlsx.stored"),
            t("xlsx.expected"),
            t("xlsx.reason"),
        ]
    )
    customers = scenario.customers_by_id
    for r in category_review(scenario, policy):
        why = _review_reason(customers[r.customer_id], policy, lang)
        ws.append([r.customer_id, r.specialist_id, r.stored, r.expected, why])


def _review_reason(c: Customer, policy: Policy, lang: Lang) -> str:
    """Why the stored category contradicts the data, in ``lang``."""
    t = translator(lang)
    profiles = policy.category_review.profiles
    if c.profile and c.profile in profiles:
        return t("review.profile", profile=c.profile, category=profiles[c.profile])
    status = t("review.unemployed" if c.unemployed else "review.not_unemployed")
    age = t("review.under_25" if c.under_25 else "review.over_25")
    return f"{status}, {age}"
