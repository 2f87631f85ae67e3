"""Why a deadline was missed or a weekly target not reached, in words a planner reads.

RULES.md: a deadline that cannot be met, or a target that cannot be reached, is not an
infeasible model; it is reported per customer or specialist with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kontaktplan.domain import Appointment
from kontaktplan.planning.candidates import Candidate, SubProblem
from kontaktplan.rules.policy import Due

__all__ = ["deadline_report", "shortfall_reason"]


def _why_not_booked(sub: SubProblem, cand: Candidate | None, cid: str, due: dt.date) -> str:
    hz = sub.horizon
    if cand is None:
        reason = sub.not_candidates.get(cid, "not bookable")
        if reason == "no eligible day in the horizon":
            return _why_no_day(sub, due, hz.last_day)
        return reason
    if due < hz.first_day:
        return (
            f"overdue since {due}, before the first plannable day {hz.first_day}; "
            "all free slots in the horizon went to other customers"
        )
    if not any(d <= due for d in cand.days):
        return _why_no_day(sub, due, due)
    return (
        f"capacity: the {sum(1 for d in cand.days if d <= due)} eligible days up to {due} "
        "were filled with more urgent customers (daily cap, weekly target)"
    )


def _why_no_day(sub: SubProblem, due: dt.date, until: dt.date) -> str:
    hz = sub.horizon
    if until < hz.first_day:
        return f"deadline {due} lies before the first plannable day {hz.first_day} (lead time)"
    days = [ds for ds in sub.days if ds.day <= until]
    if not days:
        return (
            f"specialist {sub.specialist_id} has no available day from {hz.first_day} to {until} "
            "(absence, holidays, part-time days)"
        )
    if not any(ds.slots for ds in days):
        return f"no free slot of {sub.specialist_id} from {hz.first_day} to {until}"
    if not any(ds.capacity for ds in days):
        return f"every day of {sub.specialist_id} up to {until} is at the daily cap"
    return (
        "no free slot fits the customer before the deadline "
        "(length, mode, the customer's unavailable days, or the minimum gap since the last contact)"
    )


def _why_late(sub: SubProblem, cand: Candidate | None, cid: str, due: Due) -> str:
    hz = sub.horizon
    first = hz.bookable or hz.first_day
    gap = ""
    if hz.first_day > first:
        gap = f" (no free slot in the office before {hz.first_day})"
    if due.first_interview:
        return f"first interview: due at once, the lead time allows {first} at the earliest{gap}"
    if due.due < first:
        return f"overdue since {due.due}; the lead time allows {first} at the earliest{gap}"
    return _why_not_booked(sub, cand, cid, due.due)


def deadline_report(
    subs: list[SubProblem], bookings: list[Appointment], dues: dict[str, Due]
) -> list[dict[str, Any]]:
    """Each customer whose deadline falls in the horizon (or earlier): met, late or missed."""
    if not subs:
        return []
    last = subs[0].horizon.last_day
    first: dict[str, Appointment] = {}
    for a in sorted(bookings, key=lambda a: a.start):
        first.setdefault(a.customer_id, a)
    by_specialist = {s.specialist_id: s for s in subs}
    cands = {c.customer_id: c for s in subs for c in s.candidates}
    out = []
    for cid, due in sorted(dues.items(), key=lambda kv: kv[1].due):
        if due.due > last:
            continue
        sub = by_specialist[due.specialist_id]
        row: dict[str, Any] = {
            "customer_id": cid,
            "specialist_id": due.specialist_id,
            "due": due.due.isoformat(),
            "first_interview": due.first_interview,
        }
        booking = first.get(cid)
        booked = due.planned or (booking.day if booking else None)
        if booking is not None and booking.specialist_id != due.specialist_id:
            row["covered_by"] = booking.specialist_id
        if booked is not None:
            row["booked"] = booked.isoformat()
            row["result"] = "met" if booked <= due.due else "late"
            if booked > due.due:
                row["reason"] = _why_late(sub, cands.get(cid), cid, due)
        else:
            row["result"] = "missed"
            row["reason"] = _why_not_booked(sub, cands.get(cid), cid, due.due)
        out.append(row)
    return out


def shortfall_reason(sub: SubProblem, week: int, booked: int) -> str:
    """Why a specialist's week stays below its target."""
    days = [ds for ds in sub.days if ds.week == week]
    capacity = sum(ds.existing + ds.capacity for ds in days)
    bookable = sum(1 for c in sub.candidates if any(sub.day(d).week == week for d in c.days))
    if not days:
        return "no available day this week (absence, holidays)"
    if capacity <= booked:
        return f"only {capacity} bookable slots this week (free slots, daily cap)"
    return f"only {bookable} customers could be booked this week (eligible, not yet booked)"
