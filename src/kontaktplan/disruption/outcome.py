"""What a disruption command did (:class:`Outcome`), and the steps every command shares:
find a booking, move the planning date, replace a row, number a new booking.

An outcome is recorded in ``plan.json`` (:func:`plan_json`) and printed
(:meth:`Outcome.lines`); each change carries its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import is_
from typing import Any

from kontaktplan.disruption.bookable import Ranked
from kontaktplan.domain import Appointment, Scenario, Status
from kontaktplan.io.plan_log import with_disruption

__all__ = [
    "Change",
    "DisruptionError",
    "Outcome",
    "find",
    "new_id",
    "on_day",
    "plan_json",
    "replace_row",
    "require_planned",
]


class DisruptionError(ValueError):
    """The command cannot apply to this input (unknown id, wrong status, bad date)."""


@dataclass
class Change:
    """One row changed or written, or one appointment escalated, with its reason."""

    action: str
    reason: str
    appointment_id: str | None = None
    customer_id: str | None = None
    specialist_id: str | None = None
    start: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, action: str, a: Appointment, reason: str, **extra: Any) -> Change:
        return cls(action, reason, a.appointment_id, a.customer_id, a.specialist_id, a.start, extra)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "action": self.action,
            "appointment_id": self.appointment_id,
            "customer_id": self.customer_id,
            "specialist_id": self.specialist_id,
            "start": self.start.strftime("%Y-%m-%dT%H:%M") if self.start else None,
            "reason": self.reason,
        }
        return {k: v for k, v in d.items() if v is not None} | self.extra

    def __str__(self) -> str:
        who = " ".join(
            x
            for x in (
                self.appointment_id,
                f"({self.customer_id} with {self.specialist_id}" if self.customer_id else "",
                f"{self.start:%Y-%m-%d %H:%M})" if self.start else ")" if self.customer_id else "",
            )
            if x
        )
        return f"{self.action}: {who}: {self.reason}" if who else f"{self.action}: {self.reason}"


@dataclass
class Outcome:
    """What a disruption command did: the new scenario and everything it changed, and why."""

    command: str
    date: dt.date
    scenario: Scenario
    changes: list[Change] = field(default_factory=list)
    escalations: list[Change] = field(default_factory=list)
    candidates: list[Ranked] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> dict[str, Any]:
        """The record appended to ``plan.json``'s ``disruptions`` list."""
        d: dict[str, Any] = {
            "command": self.command,
            "date": self.date.isoformat(),
            "changes": [c.to_dict() for c in self.changes],
        }
        if self.escalations:
            d["escalations"] = [c.to_dict() for c in self.escalations]
        if self.candidates:
            d["candidates"] = [r.to_dict() for r in self.candidates]
        if self.notes:
            d["notes"] = list(self.notes)
        if self.figures:
            d["figures"] = self.figures
        return d

    def lines(self) -> list[str]:
        """What changed and why, for the terminal."""
        out = [str(c) for c in self.changes]
        if self.candidates:
            out.append("candidates:")
            out += [
                f"  {i}. {r.customer_id} ({r.kind.value}, {r.mode.value}): {', '.join(r.reasons)}"
                for i, r in enumerate(self.candidates, 1)
            ]
        if self.escalations:
            out.append(f"for the team lead ({len(self.escalations)}):")
            for c in self.escalations:
                out.append(f"  {c}")
                out += _proposal_lines(c)
        out += self.notes
        return out


def _proposal_lines(c: Change) -> list[str]:
    """The ranked ways out of an escalation, and how to apply one."""
    if "proposals" not in c.extra:
        return []
    found = c.extra["proposals"]
    if not found:
        return ["    no free time close to it keeps the deadline: the team lead decides"]
    lines = [
        f"    {i}. {p['specialist_id']} {p['start'].replace('T', ' ')}-{p['end'][11:]} "
        f"{p['mode']}: {', '.join(p['reasons'])}"
        for i, p in enumerate(found, 1)
    ]
    return [
        *lines,
        f"    apply one: kontaktplan resolve DIR {c.appointment_id} --choice N --out OUT",
    ]


def plan_json(previous: str | None, outcome: Outcome, base: dict[str, Any] | None = None) -> str:
    """``plan.json`` text: ``previous`` with the outcome appended to ``disruptions``; with
    ``base`` (a replan's plan run) the previous run moves to ``earlier_runs``. Nothing
    recorded is dropped (:mod:`kontaktplan.io.plan_log`)."""
    return with_disruption(previous, outcome.entry(), base)


def find(scenario: Scenario, appointment_id: str) -> Appointment:
    """The appointment with this id; :class:`DisruptionError` if there is none."""
    if (a := scenario.appointment_index.by_id.get(appointment_id)) is not None:
        return a
    raise DisruptionError(f"no appointment {appointment_id!r} in appointments.csv")


def on_day(scenario: Scenario, day: dt.date) -> Scenario:
    """The scenario with its planning date moved forward to ``day`` (never back)."""
    if day <= scenario.today:
        return scenario
    return scenario.model_copy(update={"meta": scenario.meta.model_copy(update={"today": day})})


def replace_row(scenario: Scenario, old: Appointment, *new: Appointment) -> Scenario:
    """``old`` replaced by its changed version (same position), further rows appended."""
    rows = list(scenario.appointments)
    if (row := scenario.appointment_index.by_id.get(old.appointment_id)) is not None:
        rows[next(compress(count(), map(is_, rows, repeat(row))))] = new[0]  # ids are unique
    return scenario.model_copy(update={"appointments": (*rows, *new[1:])})


def new_id(scenario: Scenario, prefix: str, day: dt.date, taken: set[str] | None = None) -> str:
    ids, taken = scenario.appointment_index.by_id, taken or set()
    n = 1
    while (aid := f"{prefix}{day:%Y%m%d}-{n:03d}") in ids or aid in taken:
        n += 1
    return aid


def require_planned(a: Appointment, what: str) -> None:
    if a.status is not Status.planned:
        raise DisruptionError(
            f"{a.appointment_id} has status {a.status.value}; only a planned appointment {what}"
        )
