"""What the report shows, read from the validator's figures (``validate(...).figures``).

Nothing here counts afresh from the scenario: every number is a figure of the
independent validator (:mod:`kontaktplan.validation.figures`) or a sum of such figures,
so the report can never disagree with ``kontaktplan validate``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kontaktplan.domain import Scenario
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Policy
from kontaktplan.validation.figures import iso_week

__all__ = ["Grid", "bookings_grid", "days_off", "due_by_week", "horizon_mondays", "teams"]

Figures = dict[str, Any]


def horizon_mondays(figures: Figures) -> list[str]:
    """The Mondays (ISO) of the weeks the validator reports, up to the horizon's end."""
    end = figures["horizon_end"]
    return sorted({w["monday"] for w in figures["weeks"] if w["monday"] <= end})


def teams(figures: Figures) -> list[str]:
    """The teams, in the order their first specialist appears."""
    return list(dict.fromkeys(w["team"] for w in figures["weeks"]))


@dataclass(frozen=True)
class Grid:
    """Bookings per specialist (rows) and working day Mon-Fri (columns) of the horizon."""

    specialists: list[str]
    days: list[dt.date]
    counts: list[list[int]]


def bookings_grid(figures: Figures, team: str | None = None) -> Grid:
    """The validator's ``per_day`` counts of every horizon week, side by side."""
    mondays = horizon_mondays(figures)
    days = [dt.date.fromisoformat(m) + dt.timedelta(days=i) for m in mondays for i in range(5)]
    column = {d: i for i, d in enumerate(days)}
    rows: dict[str, list[int]] = {}
    for w in figures["weeks"]:
        if team is not None and w["team"] != team:
            continue
        row = rows.setdefault(w["specialist"], [0] * len(days))
        monday = dt.date.fromisoformat(w["monday"])
        for i, n in enumerate(w["per_day"]):
            day = monday + dt.timedelta(days=i)
            if day in column:
                row[column[day]] = n
    return Grid(list(rows), days, list(rows.values()))


def due_by_week(figures: Figures, daily_cap: int) -> list[dict[str, Any]]:
    """Per horizon week: customers whose deadline falls in it against the weekly targets' sum.

    ``backlog`` (first week only): deadlines before the first plannable Monday, which
    can only be seen in the first week or later. ``due`` counts the deadlines in the
    week, ``planned`` those of them with a qualified contact planned (met or late).
    ``capacity`` is the sum of the specialists' weekly targets, ``ceiling`` the most
    the daily cap allows (``daily_cap`` x available days). From the start of the horizon
    to the end of each week: ``over_target`` more deadlines than the targets can take
    (the volume must exceed the target), ``over_cap`` more than even the daily cap
    allows (deadlines break).
    """
    mondays = [dt.date.fromisoformat(m) for m in horizon_mondays(figures)]
    if not mondays:
        return []
    rows: list[dict[str, Any]] = [
        {
            "week": iso_week(m),
            "monday": m.isoformat(),
            "backlog": 0,
            "due": 0,
            "planned": 0,
            "capacity": 0,
            "ceiling": 0,
        }
        for m in mondays
    ]
    index = {m: i for i, m in enumerate(mondays)}
    for w in figures["weeks"]:
        m = dt.date.fromisoformat(w["monday"])
        if m in index:
            rows[index[m]]["capacity"] += w["target"]
            rows[index[m]]["ceiling"] += daily_cap * w["available_days"]
    for d in figures["deadlines"]:
        due = dt.date.fromisoformat(d["due"])
        monday = due - dt.timedelta(days=due.weekday())
        if due < mondays[0]:
            rows[0]["backlog"] += 1
        elif monday in index:
            row = rows[index[monday]]
            row["due"] += 1
            row["planned"] += d["status"] in ("met", "late")
    needed = capacity = ceiling = 0
    for row in rows:
        needed += row["backlog"] + row["due"]
        capacity += row["capacity"]
        ceiling += row["ceiling"]
        row["due_so_far"] = needed
        row["over_target"] = max(0, needed - capacity)
        row["over_cap"] = max(0, needed - ceiling)
    return rows


def days_off(
    scenario: Scenario, policy: Policy, days: Iterable[dt.date] | None = None
) -> dict[tuple[str, dt.date], str]:
    """(specialist, day) -> ``"off"`` where the specialist cannot be booked (absence, public
    holiday, not a regular weekday): not a figure, it greys out the bookings heatmap.
    ``days``: those of the slots' weeks (Mon-Fri) when None."""
    if days is None:
        mondays = {s.day - dt.timedelta(days=s.day.weekday()) for s in scenario.slots}
        days = [m + dt.timedelta(days=i) for m in sorted(mondays) for i in range(5)]
    cal = OfficeCalendar(scenario, policy)
    days = list(days)
    return {
        (s.specialist_id, d): "off"
        for s in scenario.specialists
        for d in days
        if not cal.is_available(s.specialist_id, d)
    }
