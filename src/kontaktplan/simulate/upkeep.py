"""Keeping a simulated office's calendar going: free slots for the coming weeks from each
specialist's weekly template, and compaction of old history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kontaktplan.domain import Kind, Scenario, Slot, SlotMode, Status
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Policy

__all__ = ["WeeklyTemplate", "compact", "history_days"]

Position = tuple[dt.time, dt.time, SlotMode]


@dataclass(frozen=True)
class WeeklyTemplate:
    """Each specialist's free slots per weekday (the ATV's weekly template).

    Read from the folder's slots: per specialist and weekday, the day with the most slots
    (a day with a blocked slot or a part day is not the template; the latest wins a tie).
    """

    positions: dict[tuple[str, int], tuple[Position, ...]]
    last_day: dt.date  # the last day that has slots already

    @classmethod
    def of(cls, scenario: Scenario) -> WeeklyTemplate:
        days: dict[tuple[str, dt.date], list[Slot]] = {}
        for s in scenario.slots:
            days.setdefault((s.specialist_id, s.day), []).append(s)
        best: dict[tuple[str, int], tuple[int, dt.date, tuple[Position, ...]]] = {}
        for (sid, day), slots in days.items():
            key = (sid, day.weekday())
            score = (len(slots), day)
            if key not in best or score > best[key][:2]:
                positions = tuple(
                    (s.start.time(), s.end.time(), s.mode)
                    for s in sorted(slots, key=lambda s: s.start)
                )
                best[key] = (*score, positions)
        last = max((s.day for s in scenario.slots), default=scenario.today)
        return cls({k: v[2] for k, v in best.items()}, last)

    def extend(
        self, scenario: Scenario, policy: Policy, until: dt.date
    ) -> tuple[Scenario, WeeklyTemplate]:
        """Free slots on the working days after ``last_day`` up to ``until`` (no holiday)."""
        if until <= self.last_day:
            return scenario, self
        cal = OfficeCalendar(scenario, policy)
        new: list[Slot] = []
        day = self.last_day + dt.timedelta(days=1)
        while day <= until:
            if cal.is_working_day(day):
                for sp in scenario.specialists:
                    for start, end, mode in self.positions.get(
                        (sp.specialist_id, day.weekday()), ()
                    ):
                        new.append(
                            Slot(
                                specialist_id=sp.specialist_id,
                                start=dt.datetime.combine(day, start),
                                end=dt.datetime.combine(day, end),
                                mode=mode,
                            )
                        )
            day += dt.timedelta(days=1)
        scenario = scenario.model_copy(update={"slots": (*scenario.slots, *new)})
        return scenario, WeeklyTemplate(self.positions, until)


def history_days(policy: Policy) -> int:
    """How many days of history the due dates need: under an interval rule only the last
    contact (kept in ``last_contact``), so four weeks for the day-to-day checks; under a
    count per period, the whole period plus a month."""
    d = policy.density
    if d.rule == "interval":
        return 28
    return 31 * (d.period_months + 1)


def compact(scenario: Scenario, policy: Policy) -> Scenario:
    """Fold history older than :func:`history_days` into each customer's ``last_contact``
    (and ``last_group_session``) and drop it with the past free slots; due dates stay."""
    cutoff = scenario.today - dt.timedelta(days=history_days(policy))
    old = [a for a in scenario.appointments if a.day < cutoff and a.status is not Status.planned]
    if not old:
        return scenario
    last: dict[str, dt.date] = {}
    group: dict[str, dt.date] = {}
    for a in old:
        if a.status is not Status.held or not policy.is_qualified(a):
            continue
        into = group if a.kind is Kind.group_session else last
        into[a.customer_id] = max(into.get(a.customer_id, a.day), a.day)
    customers = []
    for c in scenario.customers:
        update = {}
        if c.customer_id in last and (
            c.last_contact is None or c.last_contact < last[c.customer_id]
        ):
            update["last_contact"] = last[c.customer_id]
        if c.customer_id in group and (
            c.last_group_session is None or c.last_group_session < group[c.customer_id]
        ):
            update["last_group_session"] = group[c.customer_id]
        customers.append(c.model_copy(update=update) if update else c)
    dropped = {a.appointment_id for a in old}
    kept = tuple(
        a.model_copy(update={"backfill_for": None}) if a.backfill_for in dropped else a
        for a in scenario.appointments
        if a.appointment_id not in dropped
    )
    slots = tuple(s for s in scenario.slots if s.day >= scenario.today)
    return scenario.model_copy(
        update={"customers": tuple(customers), "appointments": kept, "slots": slots}
    )
