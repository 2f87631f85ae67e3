"""A way out of an absence escalation (RULES.md, "Absence of a specialist", step 3).

An appointment whose specialist is absent and that nobody could take at the same time
stays planned with the absent specialist, on the team lead's list. For each such
appointment the team lead gets ranked proposals (:func:`proposals`): the own specialist
back from the absence, the named substitute or a colleague of the team, at another
time close to it (``resolve_days`` before or after, at least ``short_notice_days``
after today: the customer is asked by phone), never later than the customer's deadline
when the escalated appointment kept it; in the customer's mode, else by
video or by phone with the documented exception where the policy counts them as
qualified contacts. :func:`resolve` applies one: the escalated appointment is
``voided`` with its reason, the new one is booked (``replaces`` names the old one).
Nothing is ever cancelled: ``cancelled`` is the customer's word, not the office's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kontaktplan.disruption.bookable import Office, Window
from kontaktplan.disruption.outcome import (
    Change,
    DisruptionError,
    Outcome,
    find,
    new_id,
    replace_row,
)
from kontaktplan.domain import Appointment, Kind, Mode, Scenario, SlotMode, Status
from kontaktplan.i18n import Phrase
from kontaktplan.rules.policy import Policy

__all__ = ["Proposal", "attach_proposals", "escalated", "proposals", "resolve"]


@dataclass(frozen=True)
class Proposal:
    """A new time for an escalated appointment: who, when, how, and why this rank."""

    specialist_id: str
    start: dt.datetime
    end: dt.datetime
    kind: Kind
    mode: Mode
    qualified_exception: bool
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "specialist_id": self.specialist_id,
            "start": self.start.strftime("%Y-%m-%dT%H:%M"),
            "end": self.end.strftime("%Y-%m-%dT%H:%M"),
            "kind": self.kind.value,
            "mode": self.mode.value,
            "qualified_exception": self.qualified_exception,
            "reasons": list(self.reasons),
        }

    def __str__(self) -> str:
        how = "phone (documented exception)" if self.qualified_exception else self.mode.value
        return (
            f"{self.specialist_id} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}, "
            f"{self.kind.value}, {how}: {', '.join(self.reasons)}"
        )


def escalated(
    scenario: Scenario, policy: Policy, office: Office | None = None
) -> list[Appointment]:
    """The open tasks of the team lead: planned appointments from today on whose
    specialist is absent that day, in order of time."""
    cal = (office or Office(scenario, policy)).calendar
    return sorted(
        (
            a
            for a in scenario.appointments
            if a.status is Status.planned
            and a.day >= scenario.today
            and cal.is_absent(a.specialist_id, a.day)
        ),
        key=lambda a: (a.start, a.appointment_id),
    )


def _escalated(scenario: Scenario, office: Office, appointment_id: str) -> Appointment:
    a = find(scenario, appointment_id)
    if a.status is not Status.planned:
        what = Phrase("err.can_be_resolved")
        raise DisruptionError(
            Phrase("err.not_planned", appointment=appointment_id, status=a.status, what=what)
        )
    if not office.calendar.is_absent(a.specialist_id, a.day):
        raise DisruptionError(
            Phrase(
                "err.not_absent", appointment=appointment_id, specialist=a.specialist_id, day=a.day
            )
        )
    if a.day < scenario.today:
        what = Phrase(
            "err.before_today", appointment=appointment_id, day=a.day, today=scenario.today
        )
        raise DisruptionError(what)
    return a


def _specialists(scenario: Scenario, a: Appointment) -> list[tuple[str, str]]:
    """(specialist, who: the catalogue key) in the order of RULES.md: own specialist (back
    from the absence), the named substitute, then the team."""
    own = scenario.specialists_by_id[a.specialist_id]
    out = [(own.specialist_id, "resolve.own")]
    if own.substitute_id and own.substitute_id != own.specialist_id:
        out.append((own.substitute_id, "resolve.substitute"))
    taken = {sid for sid, _ in out}
    out += [
        (s.specialist_id, "resolve.colleague")
        for s in scenario.specialists
        if s.team == own.team and s.specialist_id not in taken
    ]
    return out


def _modes(office: Office, sid: str, w: Window) -> list[tuple[Mode | None, bool, str]]:
    """(forced mode, phone exception, reason) to try in ``w``: the customer's own mode
    first, then video and phone where the policy counts them as qualified contacts."""
    qc = office.policy.qualified_contact
    out: list[tuple[Mode | None, bool, str]] = [(None, False, "")]
    specialist = office.scenario.specialists_by_id[sid]
    if Mode.video in qc.modes and specialist.video and w.mode is not SlotMode.in_person:
        out.append((Mode.video, False, Phrase("resolve.video")))
    if qc.phone_with_exception and w.mode is not SlotMode.video:
        out.append((Mode.phone, True, Phrase("resolve.phone")))
    return out


def proposals(
    scenario: Scenario, policy: Policy, appointment_id: str, office: Office | None = None
) -> list[Proposal]:
    """Ranked new times for the escalated appointment ``appointment_id`` (best first,
    ``proposals_listed`` of them); :class:`DisruptionError` if it is not escalated."""
    office = office or Office(scenario, policy)
    a = _escalated(scenario, office, appointment_id)
    c = scenario.customers_by_id[a.customer_id]
    d = policy.disruption
    due = office.dues.get(c.customer_id)
    limit = a.day + dt.timedelta(days=d.resolve_days)
    kept: str = ""
    if due is not None and a.day <= due.due:
        limit, kept = min(limit, due.due), Phrase("resolve.kept", due=due.due)
    elif due is not None:
        kept = Phrase("resolve.late", due=due.due)
    first = max(
        scenario.today + dt.timedelta(days=d.short_notice_days),
        a.day - dt.timedelta(days=d.resolve_days),
    )
    office.remove(a)  # it is voided when a proposal is applied
    try:
        found = _search(office, a, first, limit, kept)
    finally:
        office.add(a)
    found.sort(key=lambda item: item[0])
    seen: set[tuple[str, dt.datetime]] = set()
    out = []
    for _, p in found:
        if (p.specialist_id, p.start) not in seen:
            seen.add((p.specialist_id, p.start))
            out.append(p)
    return out[: d.proposals_listed]


def _search(
    office: Office, a: Appointment, first: dt.date, last: dt.date, kept: str
) -> list[tuple[tuple[Any, ...], Proposal]]:
    c = office.scenario.customers_by_id[a.customer_id]
    lead = office.policy.disruption.short_notice_days
    today = office.scenario.today
    out = []
    for rank_sid, (sid, who) in enumerate(_specialists(office.scenario, a)):
        day = first
        while day <= last:
            for s in office.free_slots(sid, day):
                w = Window(sid, s.start, s.end, s.mode)
                for rank_mode, (mode, exception, how) in enumerate(_modes(office, sid, w)):
                    got = office.booking(c, w, today, lead, mode=mode)
                    if isinstance(got, str):
                        continue
                    kind, mode_, end = got
                    shift = abs((w.start - a.start).total_seconds())
                    reasons = [Phrase(who, specialist=sid), _when(a, w.start)]
                    reasons += [r for r in (how, kept) if r]
                    key = (abs((day - a.day).days), rank_mode, rank_sid, shift, w.start)
                    out.append(
                        (key, Proposal(sid, w.start, end, kind, mode_, exception, tuple(reasons)))
                    )
                    break  # the customer's own mode where it fits, else the next one
            day += dt.timedelta(days=1)
    return out


def _when(a: Appointment, start: dt.datetime) -> Phrase:
    days = (start.date() - a.day).days
    if days == 0:
        minutes = int((start - a.start).total_seconds() // 60)
        key = "resolve.later" if minutes >= 0 else "resolve.earlier"
        return Phrase(key, minutes=abs(minutes))
    key = "resolve.days_later" if days > 0 else "resolve.days_earlier"
    return Phrase(key, days=abs(days))


def resolve(scenario: Scenario, policy: Policy, appointment_id: str, choice: int = 1) -> Outcome:
    """Apply proposal ``choice`` (1 = the best) for the escalated ``appointment_id``: the
    old appointment ``voided`` with its reason, the new one booked today (``replaces``)."""
    office = Office(scenario, policy)
    options = proposals(scenario, policy, appointment_id, office)
    old = find(scenario, appointment_id)
    if not options:
        days = policy.disruption.resolve_days
        raise DisruptionError(Phrase("err.no_option", appointment=appointment_id, days=days))
    if not 1 <= choice <= len(options):
        raise DisruptionError(Phrase("err.choice", n=len(options), choice=choice))
    p = options[choice - 1]
    today = scenario.today
    new = Appointment(
        appointment_id=new_id(scenario, "E", today),
        customer_id=old.customer_id,
        specialist_id=p.specialist_id,
        start=p.start,
        end=p.end,
        kind=p.kind,
        mode=p.mode,
        status=Status.planned,
        booked_on=today,
        qualified_exception=p.qualified_exception,
        replaces=old.appointment_id,
    )
    voided = old.model_copy(update={"status": Status.voided})
    out = Outcome("resolve", today, replace_row(scenario, old, voided, new))
    out.changes.append(
        Change.of(
            "voided",
            voided,
            Phrase(
                "resolve.voided",
                specialist=old.specialist_id,
                day=old.day,
                new=new.appointment_id,
                choice=choice,
            ),
        )
    )
    out.changes.append(
        Change.of(
            "booked",
            new,
            Phrase("resolve.booked", appointment=old.appointment_id, reasons=p.reasons),
        )
    )
    return out


def attach_proposals(out: Outcome, policy: Policy) -> None:
    """Give every escalation of ``out`` that is still open in ``out.scenario`` its ranked
    proposals (``extra["proposals"]``: printed by the command, kept in ``plan.json``)."""
    office = Office(out.scenario, policy)
    open_tasks = {a.appointment_id for a in escalated(out.scenario, policy, office)}
    for change in out.escalations:
        if change.appointment_id in open_tasks:
            found = proposals(out.scenario, policy, change.appointment_id, office)
            change.extra["proposals"] = [p.to_dict() for p in found]
