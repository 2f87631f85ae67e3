"""Hand an absent specialist's appointments over, keeping date and time (RULES.md).

Builds the plain-data :class:`~kontaktplan.disruption.reassign_model.ReassignProblem` (which
specialist could take which appointment), solves it, and writes the result into an
:class:`~kontaktplan.disruption.Outcome`: moved rows carry the new ``specialist_id`` and
``reassigned_from``; what cannot move stays where it is, planned, and goes to the team
lead's list with the reason.

Decisions: a specialist can take an appointment on a day they work (a regular weekday of
theirs, no holiday, not absent) when nothing of theirs overlaps it and the daily cap
leaves room; no free slot is needed (a substitute's calendar is not all in slots.csv).
A video appointment moves only to a specialist who can hold video: changing it to in
person would change the invitation, so it is escalated instead. Weights come from the
policy: ``missed_deadline`` per escalated appointment, ``moved_booking`` per appointment
given to someone other than the named substitute, ``over_daily_target`` per unit of the
sum of squared daily loads (balance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kontaktplan.disruption.bookable import Office
from kontaktplan.domain import Appointment, Kind, Mode
from kontaktplan.i18n import Listing, Phrase

if TYPE_CHECKING:
    from kontaktplan.disruption.outcome import Outcome
    from kontaktplan.rules.policy import Policy

__all__ = ["reassign", "why_cannot_take"]


def why_cannot_take(office: Office, a: Appointment, sid: str, cap: int) -> str | None:
    """Why ``sid`` cannot take ``a`` at its time (existing bookings only), or None: the
    hand-over's check, also the web app's for a team lead's hand-over."""
    day = a.day
    sp = office.scenario.specialists_by_id[sid]
    if not office.calendar.is_working_day(day):
        return Phrase("reassign.closed", day=day)
    if office.calendar.is_absent(sid, day):
        return Phrase("reassign.absent")
    if day.weekday() not in office.calendar.regular_weekdays(sid):
        return Phrase("reassign.weekday")
    if a.mode is Mode.video and not sp.video:
        return Phrase("reassign.no_video")
    if (other := office.conflict(sid, a.start, a.end)) is not None:
        return Phrase("reassign.busy", appointment=other.appointment_id)
    if a.kind is not Kind.phone_consultation and office.counted(sid, day) >= cap:
        return Phrase("reassign.cap")
    return None


def reassign(
    out: Outcome,
    policy: Policy,
    affected: list[Appointment],
    *,
    time_limit: float = 10.0,
    escalate: bool = True,
) -> list[Appointment]:
    """Move ``affected`` (of absent specialists) in ``out.scenario``; returns the unmoved.

    With ``escalate`` the unmoved go to ``out.escalations``; a replan tries them further.
    """
    from kontaktplan.disruption.outcome import Change
    from kontaktplan.disruption.reassign_model import Move, ReassignProblem, solve_reassignment

    if not affected:
        return []
    scenario = out.scenario
    office = Office(scenario, policy)
    for a in affected:
        office.remove(a)
    cap = policy.booking.daily_cap
    moves, why = [], {}
    for a in affected:
        absent = scenario.specialists_by_id[a.specialist_id]
        pool = [s.specialist_id for s in scenario.specialists if s.team == absent.team]
        if absent.substitute_id:
            pool.insert(0, absent.substitute_id)
        pool = [s for s in dict.fromkeys(pool) if s != a.specialist_id]
        reasons = {s: why_cannot_take(office, a, s, cap) for s in pool}
        options = tuple(s for s, r in reasons.items() if r is None)
        why[a.appointment_id] = reasons
        counted = a.kind is not Kind.phone_consultation
        moves.append(Move(a.appointment_id, a.start, a.end, counted, options, absent.substitute_id))
    existing = {(s, mv.day): office.counted(s, mv.day) for mv in moves for s in mv.options}
    shared: dict[tuple[str, object], list[str]] = {}
    for mv in moves:
        for sid in mv.options:
            for slot in office.slots_touching(sid, mv.start, mv.end):
                shared.setdefault((sid, slot), []).append(mv.appointment_id)
    w = policy.weights
    problem = ReassignProblem(
        moves,
        existing,
        cap,
        w.missed_deadline,
        w.moved_booking,
        w.over_daily_target,
        shared_slots=[(sid, tuple(ids)) for (sid, _), ids in shared.items() if len(ids) > 1],
    )
    result = solve_reassignment(problem, time_limit=time_limit)
    out.figures.setdefault("reassignment", []).append(
        {
            "status": result.status,
            "objective": result.objective,
            "bound": result.bound,
            "seconds": round(result.seconds, 3),
            "variables": result.variables,
            "terms": result.terms,
        }
    )
    rows = {a.appointment_id: a for a in scenario.appointments}
    unmoved = []
    for a in affected:
        to = result.assignment.get(a.appointment_id)
        if to is None:
            unmoved.append(a)
            if escalate:
                team = scenario.specialists_by_id[a.specialist_id].team
                reason = _escalation(why[a.appointment_id])
                out.escalations.append(Change.of("escalated", a, reason, team=team))
            continue
        new = a.model_copy(update={"specialist_id": to, "reassigned_from": a.specialist_id})
        rows[a.appointment_id] = new
        sub = scenario.specialists_by_id[a.specialist_id].substitute_id
        role = "reassign.to_substitute" if to == sub else "reassign.to_team"
        out.changes.append(
            Change.of(
                "reassigned",
                new,
                Phrase(role, absent=a.specialist_id, to=to),
                reassigned_from=a.specialist_id,
            )
        )
    out.scenario = scenario.model_copy(update={"appointments": tuple(rows.values())})
    return unmoved


def _escalation(reasons: dict[str, str | None]) -> str:
    """Why nobody takes the appointment: each candidate specialist's reason."""
    if not reasons:
        return Phrase("reassign.nobody")
    parts = [Listing((s, r or Phrase("reassign.needed")), " ") for s, r in reasons.items()]
    return Phrase("reassign.nobody_free", reasons=Listing(parts, "; "))
