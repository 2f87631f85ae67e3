"""Re-plan after changes (new absences, changed slots, holidays): keep every valid booking,
move the invalid ones, let the weekly plan fill the rest (RULES.md, objective 6).

1. Every planned booking from today on is checked: its specialist absent that day, a
   closed day (weekend, public holiday), or its slot gone (no free slot of its specialist
   holds it any more; reassigned rows, phone consultations and backfills in the time of
   the cancelled appointment are exempt from this check).
2. Bookings of an absent specialist are never voided or moved (RULES.md, Absence: never
   cancelled): they are handed over at the same date and time (the absence model,
   :mod:`kontaktplan.disruption.reassign`), and what nobody can take stays as it is, planned with
   the absent specialist, on the team lead's list (``escalated``). This holds for every
   booking whose specialist is absent that day, also on a closed day (nobody can take
   it then: the team lead decides).
3. The other invalid bookings (closed day, slot gone) are *moved*: the old row gets
   status ``voided`` (the invitation is revoked; the row stays) and the customer gets a
   new booking (``M<date>-nnn``, booked today, normal lead time) in the earliest free
   slot of their own specialist that keeps every booking rule, most urgent deadline
   first. A booking that cannot be moved stays as it is and goes to the team lead's
   list (``not_moved``): no appointment disappears.
4. :func:`kontaktplan.planning.plan` then plans the horizon around all of these
   bookings with the normal objective.
"""

from __future__ import annotations

import datetime as dt

from kontaktplan.disruption.bookable import Office, Ranked
from kontaktplan.disruption.outcome import Change, Outcome, new_id
from kontaktplan.disruption.reassign import reassign
from kontaktplan.disruption.resolve import attach_proposals
from kontaktplan.domain import Appointment, Kind, Scenario, Status
from kontaktplan.i18n import Listing, Phrase, Weekday
from kontaktplan.planning import Plan, SolverName, plan
from kontaktplan.rules.policy import Policy

__all__ = ["invalid_bookings", "replan"]

ABSENT, CLOSED, SLOT_GONE = "absent", "closed", "slot_gone"


def _holds(office: Office, a: Appointment) -> bool:
    if a.reassigned_from is not None or a.kind is Kind.phone_consultation:
        return True
    if any(
        s.start <= a.start and a.end <= s.end
        for s in office.slots.get((a.specialist_id, a.day), ())
    ):
        return True
    old = next(
        (b for b in office.scenario.appointments if b.appointment_id == a.backfill_for), None
    )
    return old is not None and old.start <= a.start and a.end <= old.end


def invalid_bookings(office: Office, *, check_slots: bool) -> list[tuple[Appointment, str, str]]:
    """Planned bookings from today on that can no longer take place: (row, kind, reason);
    ``check_slots``: also those no free slot holds any more."""
    out = []
    cal = office.calendar
    for a in office.scenario.appointments:
        if a.status is not Status.planned or a.day < office.today:
            continue
        if not cal.is_working_day(a.day):
            why = cal.holiday(a.day) or Weekday(a.day, long=True)
            out.append((a, CLOSED, Phrase("replan.closed", day=a.day, why=why)))
        elif cal.is_absent(a.specialist_id, a.day):
            out.append((a, ABSENT, Phrase("replan.absent", specialist=a.specialist_id, day=a.day)))
        elif check_slots and not _holds(office, a):
            out.append((a, SLOT_GONE, Phrase("replan.slot_gone", specialist=a.specialist_id)))
    return out


def _move(out: Outcome, policy: Policy, items: list[tuple[Appointment, str]]) -> int:
    """Void each booking and re-book its customer in the earliest valid slot; returns moved."""
    scenario = out.scenario
    office = Office(scenario, policy)
    for a, _ in items:
        office.remove(a)
    rows = {a.appointment_id: a for a in scenario.appointments}
    new: list[Appointment] = []
    moved = 0
    items.sort(
        key=lambda x: (office.dues.get(x[0].customer_id) is None, _due(office, x[0]), x[0].start)
    )
    for a, why in items:
        c = scenario.customers_by_id[a.customer_id]
        lead = policy.booking.lead_days
        got = (
            Phrase("replan.exempt")
            if c.exempt is not None
            else office.earliest(c, c.specialist_id, office.today, lead, None)
        )
        if isinstance(got, str):
            office.add(a)
            out.escalations.append(Change.of("not_moved", a, Listing((why, got), "; ")))
            continue
        w, kind, mode = got
        aid = new_id(scenario, "M", office.today, {b.appointment_id for b in new})
        r = Ranked(c, office.dues[c.customer_id], kind, mode, 0, (), ())
        booking = office.book(r, aid, w, office.today)
        rows[a.appointment_id] = a.model_copy(update={"status": Status.voided})
        new.append(booking)
        moved += 1
        out.changes.append(
            Change.of(
                "moved",
                a,
                why,
                to=aid,
                new_start=f"{w.start:%Y-%m-%dT%H:%M}",
                new_specialist=w.specialist_id,
            )
        )
    out.scenario = scenario.model_copy(update={"appointments": (*rows.values(), *new)})
    return moved


def _due(office: Office, a: Appointment) -> dt.date:
    due = office.dues.get(a.customer_id)
    return due.due if due else dt.date.max


def replan(
    scenario: Scenario,
    policy: Policy,
    *,
    weeks: int = 1,
    solver: SolverName = "cpsat",
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    check_slots: bool = True,
) -> tuple[Outcome, Plan]:
    """Keep the valid bookings, move the invalid ones, plan the rest of the horizon."""
    out = Outcome("replan", scenario.today, scenario)
    office = Office(scenario, policy)
    invalid = invalid_bookings(office, check_slots=check_slots)
    # an absent specialist's booking is handed over or escalated, never voided (RULES.md)
    absent = [a for a, _, _ in invalid if office.calendar.is_absent(a.specialist_id, a.day)]
    handed = {a.appointment_id for a in absent}
    unmoved = reassign(out, policy, absent, time_limit=time_limit)
    to_move = [(a, why) for a, _, why in invalid if a.appointment_id not in handed]
    moved = _move(out, policy, to_move)
    result = plan(
        out.scenario,
        policy,
        weeks=weeks,
        solver=solver,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
    )
    out.scenario = result.planned_scenario()
    attach_proposals(out, policy)  # the way out of each escalation (kontaktplan resolve)
    out.figures |= {
        "invalid": len(invalid),
        "reassigned": len(absent) - len(unmoved),
        "moved": moved,
        "escalated": len(out.escalations),
        "new_bookings": len(result.bookings),
    }
    out.notes.append(
        Phrase(
            "replan.summary",
            invalid=len(invalid),
            reassigned=len(absent) - len(unmoved),
            moved=moved,
            escalated=len(out.escalations),
            new=len(result.bookings),
        )
    )
    return out, result
