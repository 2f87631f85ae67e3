"""Cover (Vertretung) for deadlines the customer's own specialist cannot meet.

The weekly plan books each customer with their own specialist (continuity, RULES.md
objective 5). Where that leaves a deadline missed — the specialist is absent, or their
days before the deadline are full — the customer is booked with the named substitute,
else with the least-loaded free colleague of the team, before the deadline (overdue
customers: at the earliest). Deadlines outrank continuity and the volume (objectives 1
and 2 before 5), so a cover may take a colleague above the weekly target, never above
the daily cap. This runs after the optimisation, on what it left free.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from kontaktplan.candidates import SubProblem, candidate
from kontaktplan.domain import Kind, Mode, Scenario, Slot
from kontaktplan.matching import booking_mode
from kontaktplan.policy import Due, Policy

__all__ = ["Cover", "cover_missed"]


@dataclass(frozen=True)
class Cover:
    """A booking with another specialist than the customer's own, and why."""

    customer_id: str
    own: str
    specialist_id: str
    day: dt.date
    slot: Slot
    kind: Kind
    mode: Mode
    reason: str


def _missed(subs: list[SubProblem], dues: dict[str, Due], booked: set[str]) -> list[Due]:
    last = subs[0].horizon.last_day
    return sorted(
        (
            d
            for d in dues.values()
            if d.due <= last and d.planned is None and d.customer_id not in booked
        ),
        key=lambda d: (d.due, d.customer_id),
    )


def cover_missed(
    scenario: Scenario,
    policy: Policy,
    subs: list[SubProblem],
    bookings: dict[str, list[tuple[str, dt.date]]],
    slots: dict[tuple[str, dt.date], Slot],
    dues: dict[str, Due],
) -> list[Cover]:
    """Book the customers whose deadline in the horizon their own specialist missed.

    ``bookings`` are the plan's (customer, day) pairs per specialist, ``slots`` the slot
    of each; both are extended with the covers.
    """
    if not subs:
        return []
    by_sid = {s.specialist_id: s for s in subs}
    used = {sid: {slots[k] for k in pairs} for sid, pairs in bookings.items()}
    load = {sid: Counter(d for _, d in pairs) for sid, pairs in bookings.items()}
    booked = {cid for pairs in bookings.values() for cid, _ in pairs}
    out = []
    for due in _missed(subs, dues, booked):
        own = scenario.specialists_by_id[due.specialist_id]
        helpers = _helpers(scenario, own.specialist_id, load)
        # first in time for the deadline with anyone; failing that, at the earliest
        tries = [(h, role, in_time) for in_time in (True, False) for h, role in helpers]
        for helper, role, in_time in tries:
            sub = by_sid[helper]
            got = _book(scenario, policy, sub, due, used[helper], load[helper], in_time)
            if got is None:
                continue
            day, slot, cand = got
            mode = booking_mode(cand, slot)
            out.append(
                Cover(
                    due.customer_id,
                    own.specialist_id,
                    helper,
                    day,
                    slot,
                    cand.kind,
                    mode,
                    f"{role} for {own.specialist_id}: no free slot of the own specialist "
                    f"before the deadline {due.due}"
                    + ("" if in_time else "; no one could meet it, booked at the earliest"),
                )
            )
            bookings[helper].append((due.customer_id, day))
            slots[due.customer_id, day] = slot
            break
    return out


def _helpers(scenario: Scenario, sid: str, load: dict[str, Counter]) -> list[tuple[str, str]]:
    """The substitute first, then the team by ascending load in the horizon."""
    own = scenario.specialists_by_id[sid]
    out = []
    if own.substitute_id and own.substitute_id != sid:
        out.append((own.substitute_id, "substitute"))
    team = [
        s.specialist_id
        for s in scenario.specialists
        if s.team == own.team and s.specialist_id not in (sid, own.substitute_id)
    ]
    team.sort(key=lambda t: (sum(load[t].values()), t))
    return out + [(t, "team colleague") for t in team]


def _book(
    scenario, policy, sub: SubProblem, due: Due, used: set[Slot], load: Counter, in_time: bool
):
    helper = scenario.specialists_by_id[sub.specialist_id]
    customer = scenario.customers_by_id[due.customer_id]
    cand = candidate(scenario, policy, customer, due, sub.days, sub.horizon, helper.video)
    for day in cand.days:
        if in_time and day > due.due:
            return None
        ds = sub.day(day)
        if load[day] >= ds.capacity:
            continue
        req = cand.requirement(day)
        free = [s for s in ds.slots if s not in used and req.fits(s)]
        if free:
            slot = min(free, key=lambda s: (s.minutes - req.minutes, s.start))
            used.add(slot)
            load[day] += 1
            return day, slot, cand
    return None
