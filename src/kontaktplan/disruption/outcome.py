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

from kontaktplan.appointment_index import Edit
from kontaktplan.disruption.bookable import Ranked
from kontaktplan.domain import Appointment, Mode, Scenario, Status
from kontaktplan.i18n import Lang, Phrase, translator, written
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
    "with_rows",
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
            "reason_de": written(self.reason, "de"),  # the report reads it in German
        }
        return {k: v for k, v in d.items() if v is not None} | self.extra

    def __str__(self) -> str:
        return self.say("en")

    def say(self, lang: Lang) -> str:
        """``action: id (customer with specialist start): reason`` in ``lang`` (the action
        and the data's codes as they are in English, the catalogue's words in German)."""
        action = self.action if lang == "en" else translator(lang)(f"action.{self.action}")
        why = written(self.reason, lang)
        if self.customer_id:
            who = Phrase(
                "change.who",
                appointment=self.appointment_id or "",
                customer=self.customer_id,
                specialist=self.specialist_id,
                start=self.start or "",
            ).say(lang)
            return f"{action}: {who.strip()}: {why}"
        if self.appointment_id:
            return f"{action}: {self.appointment_id}: {why}"
        return f"{action}: {why}"


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
            d["notes_de"] = [written(n, "de") for n in self.notes]
        if self.figures:
            d["figures"] = self.figures
        return d

    def lines(self, lang: Lang = "en") -> list[str]:
        """What changed and why, for the terminal, in ``lang`` (``en``: as stored)."""
        t = translator(lang)
        out = [c.say(lang) for c in self.changes]
        if self.candidates:
            out.append(t("outcome.candidates"))
            out += [
                f"  {i}. {r.customer_id} ({written(r.kind, lang)}, {written(r.mode, lang)}): "
                + written(r.reasons, lang)
                for i, r in enumerate(self.candidates, 1)
            ]
        if self.escalations:
            out.append(t("outcome.team_lead", n=len(self.escalations)))
            for c in self.escalations:
                out.append(f"  {c.say(lang)}")
                out += _proposal_lines(c, lang)
        out += [written(n, lang) for n in self.notes]
        return out


def _proposal_lines(c: Change, lang: Lang) -> list[str]:
    """The ranked ways out of an escalation, and how to apply one."""
    if "proposals" not in c.extra:
        return []
    t = translator(lang)
    found = c.extra["proposals"]
    if not found:
        return [t("outcome.no_proposal")]
    lines = []
    for i, p in enumerate(found, 1):
        start, end = dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"])
        mode = written(Mode(p["mode"]), lang)
        lines.append(
            f"    {i}. {p['specialist_id']} {written(start, lang)}-{written(end.time(), lang)} "
            f"{mode}: {written(p['reasons'], lang)}"
        )
    return [*lines, t("outcome.apply", appointment=c.appointment_id)]


def plan_json(previous: str | None, outcome: Outcome, base: dict[str, Any] | None = None) -> str:
    """``plan.json`` text: ``previous`` with the outcome appended to ``disruptions``; with
    ``base`` (a replan's plan run) the previous run moves to ``earlier_runs``. Nothing
    recorded is dropped (:mod:`kontaktplan.io.plan_log`)."""
    return with_disruption(previous, outcome.entry(), base)


def find(scenario: Scenario, appointment_id: str) -> Appointment:
    """The appointment with this id; :class:`DisruptionError` if there is none."""
    if (a := scenario.appointment_index.by_id.get(appointment_id)) is not None:
        return a
    raise DisruptionError(Phrase("err.no_appointment", id=appointment_id))


def on_day(scenario: Scenario, day: dt.date) -> Scenario:
    """The scenario with its planning date moved forward to ``day`` (never back)."""
    if day <= scenario.today:
        return scenario
    return scenario.model_copy(update={"meta": scenario.meta.model_copy(update={"today": day})})


def replace_row(scenario: Scenario, old: Appointment, *new: Appointment) -> Scenario:
    """``old`` replaced by its changed version (same position), further rows appended."""
    rows = list(scenario.appointments)
    places = []
    if (row := scenario.appointment_index.by_id.get(old.appointment_id)) is not None:
        # ids are unique; from the end, where the planned rows are (booked the latest)
        back = next(compress(count(), map(is_, reversed(rows), repeat(row))))
        places.append(len(rows) - 1 - back)
        rows[places[0]] = new[0]
    edited = Edit.note(scenario.appointments, (*rows, *new[1:]), places)
    return scenario.model_copy(update={"appointments": edited})


def with_rows(scenario: Scenario, *new: Appointment) -> Scenario:
    """The scenario with ``new`` rows appended."""
    rows = scenario.appointments
    return scenario.model_copy(update={"appointments": Edit.note(rows, (*rows, *new), ())})


def new_id(scenario: Scenario, prefix: str, day: dt.date, taken: set[str] | None = None) -> str:
    """The first free id ``PREFIXYYYYMMDD-NNN``: taken by none of the office's appointments
    (also those outside a partial scenario) nor by ``taken``."""
    ids, taken = scenario.appointment_index.by_id, (taken or set()) | scenario.ids_elsewhere
    n = 1
    while (aid := f"{prefix}{day:%Y%m%d}-{n:03d}") in ids or aid in taken:
        n += 1
    return aid


def require_planned(a: Appointment, what: str) -> None:
    """:class:`DisruptionError` unless ``a`` is planned; ``what``: the catalogue key of what
    only a planned appointment can undergo (``err.can_be_cancelled``)."""
    if a.status is not Status.planned:
        raise DisruptionError(
            Phrase(
                "err.not_planned", appointment=a.appointment_id, status=a.status, what=Phrase(what)
            )
        )
