"""Cover (Vertretung) for deadlines the customer's own specialist cannot meet.

The weekly plan books each customer with their own specialist (continuity, RULES.md
objective 5). Where that leaves a deadline missed — the specialist is absent, or their
days before the deadline are full — the customer is booked with the named substitute,
else with the least-loaded free colleague of the team, before the deadline (overdue
customers: at the earliest). Deadlines outrank continuity and the volume (objectives 1
and 2 before 5), so a cover may take a colleague above the weekly target, never above
the daily cap. Likewise a specialist whose own customers cannot fill a week's target
takes the most urgent unbooked customers of the team (:func:`fill_volume`). Both run
after the optimisation, on what it left free.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from kontaktplan.candidates import SubProblem, candidate, priority
from kontaktplan.domain import Kind, Mode, Scenario, Slot
from kontaktplan.matching import booking_mode
from kontaktplan.policy import Due, Policy

__all__ = ["Cover", "cover_missed", "fill_volume"]


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


def fill_volume(
    scenario: Scenario,
    policy: Policy,
    subs: list[SubProblem],
    bookings: dict[str, list[tuple[str, dt.date]]],
    slots: dict[tuple[str, dt.date], Slot],
    dues: dict[str, Due],
) -> list[Cover]:
    """Fill weeks below target with unbooked customers of team colleagues, by priority.

    The optimisation already booked every own customer it could; what is left short
    (a small caseload, own customers not bookable that week) takes the team's customers
    with the highest priority (RULES.md objective 2 before continuity, 5).
    """
    used = {sid: {slots[k] for k in pairs} for sid, pairs in bookings.items()}
    load = {sid: Counter(d for _, d in pairs) for sid, pairs in bookings.items()}
    booked = {cid for pairs in bookings.values() for cid, _ in pairs}
    out = []
    for sub in subs:
        sid = sub.specialist_id
        for i, week in enumerate(sub.weeks):
            days = [ds for ds in sub.days if ds.week == i]
            short = week.target - week.existing - sum(load[sid][d.day] for d in days)
            if short <= 0:
                continue
            for due in _team_pool(scenario, policy, sub, dues, booked):
                got = _book(scenario, policy, sub, due, used[sid], load[sid], False, days)
                if got is None:
                    continue
                day, slot, cand = got
                out.append(
                    Cover(
                        due.customer_id,
                        due.specialist_id,
                        sid,
                        day,
                        slot,
                        cand.kind,
                        booking_mode(cand, slot),
                        f"fills the weekly target of {sid} (own customers exhausted); "
                        f"customer of {due.specialist_id}",
                    )
                )
                bookings[sid].append((due.customer_id, day))
                slots[due.customer_id, day] = slot
                booked.add(due.customer_id)
                short -= 1
                if short <= 0:
                    break
    return out


def _team_pool(
    scenario: Scenario, policy: Policy, sub: SubProblem, dues: dict[str, Due], booked: set[str]
) -> list[Due]:
    """Unbooked, bookable customers of the specialist's team colleagues, by priority."""
    team = {
        s.specialist_id
        for s in scenario.specialists
        if s.team == sub.team and s.specialist_id != sub.specialist_id
    }
    pool = [
        d
        for d in dues.values()
        if d.specialist_id in team and d.planned is None and d.customer_id not in booked
    ]
    first = sub.horizon.first_day
    rank = {
        d.customer_id: priority(policy, scenario.customers_by_id[d.customer_id], d, first)
        for d in pool
    }
    pool.sort(key=lambda d: (-rank[d.customer_id], d.due, d.customer_id))
    return pool


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
    scenario,
    policy,
    sub: SubProblem,
    due: Due,
    used: set[Slot],
    load: Counter,
    in_time: bool,
    days: list | None = None,
):
    """The earliest free fitting slot of ``sub``'s specialist for the customer (on ``days``)."""
    helper = scenario.specialists_by_id[sub.specialist_id]
    customer = scenario.customers_by_id[due.customer_id]
    days = sub.days if days is None else days
    cand = candidate(scenario, policy, customer, due, days, sub.horizon, helper.video)
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
