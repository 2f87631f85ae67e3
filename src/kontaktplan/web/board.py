"""The week board: per team, specialists x days of one week, from the validator's figures.

Bookings per day, weekly target and booked come from
:func:`kontaktplan.validation.figures.week_figures` (the independent validator, as in the
HTML report), counted from the shown week's Monday; which days are closed (absence,
public holiday, not a regular weekday) from the office calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kontaktplan.domain import Appointment, Scenario
from kontaktplan.rules.calendar import OfficeCalendar, first_plannable_monday, week_days
from kontaktplan.rules.policy import Policy
from kontaktplan.validation.figures import iso_week, week_figures


@dataclass
class DayCell:
    day: dt.date
    booked: int
    closed: str | None  # "Abwesend", a holiday's German name, "kein Arbeitstag", or None
    over_cap: bool


@dataclass
class BoardRow:
    specialist_id: str
    target: int
    booked: int
    spread: int
    days: list[DayCell]

    @property
    def short(self) -> bool:
        return self.booked < self.target


@dataclass
class Board:
    team: str
    teams: list[str]
    monday: dt.date
    week: str
    days: list[dt.date]
    holidays: dict[dt.date, str]
    rows: list[BoardRow] = field(default_factory=list)
    daily_cap: int = 8

    @property
    def target(self) -> int:
        return sum(r.target for r in self.rows)

    @property
    def booked(self) -> int:
        return sum(r.booked for r in self.rows)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def default_monday(scenario: Scenario, policy: Policy) -> dt.date:
    """The week of the planning date when it has bookings, else the first plannable week."""
    monday = monday_of(scenario.today)
    end = monday + dt.timedelta(days=7)
    if any(a.is_active and monday <= a.day < end for a in scenario.appointments):
        return monday
    return first_plannable_monday(scenario.today, policy.booking.lead_days)


def teams(scenario: Scenario) -> list[str]:
    return sorted({s.team for s in scenario.specialists})


def _from_monday(scenario: Scenario, policy: Policy, monday: dt.date) -> Scenario:
    """The scenario with a planning date whose first plannable Monday is ``monday``: the
    validator's week figures start there (only the figures are counted on it)."""
    today = monday - dt.timedelta(days=policy.booking.lead_days)
    meta = scenario.meta.model_copy(update={"today": today})
    return scenario.model_copy(update={"meta": meta})


def build_board(scenario: Scenario, policy: Policy, team: str, monday: dt.date) -> Board:
    """The board of ``team`` for the week of ``monday``."""
    cal = OfficeCalendar(scenario, policy)
    shifted = _from_monday(scenario, policy, monday)
    figures = {
        w["specialist"]: w
        for w in week_figures(shifted, policy, cal)
        if w["monday"] == monday.isoformat() and w["team"] == team
    }
    days = week_days(monday, 5)
    cap = policy.booking.daily_cap
    board = Board(
        team=team,
        teams=teams(scenario),
        monday=monday,
        week=iso_week(monday),
        days=days,
        holidays={d: h.say("de") for d in days if (h := cal.holiday(d))},
        daily_cap=cap,
    )
    for sp in scenario.specialists:
        if sp.team != team:
            continue
        sid = sp.specialist_id
        f = figures.get(sid)
        per_day = f["per_day"] if f else [0] * 5
        target = f["target"] if f else cal.week_target(sp, monday).target
        cells = [
            DayCell(d, n, _closed(cal, sid, d), n > cap) for d, n in zip(days, per_day, strict=True)
        ]
        board.rows.append(
            BoardRow(sid, target, f["booked"] if f else 0, f["spread"] if f else 0, cells)
        )
    return board


def _closed(cal: OfficeCalendar, sid: str, day: dt.date) -> str | None:
    if (h := cal.holiday(day)) is not None:
        return h.say("de")
    if cal.is_absent(sid, day):
        return "Abwesend"
    if day.weekday() not in cal.regular_weekdays(sid):
        return "kein Arbeitstag"
    return None


def day_appointments(scenario: Scenario, specialist_id: str, day: dt.date) -> list[Appointment]:
    """Every appointment row of the specialist that day, in order of start."""
    return sorted(
        (a for a in scenario.appointments if a.specialist_id == specialist_id and a.day == day),
        key=lambda a: (a.start, a.appointment_id),
    )
