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

from kontaktplan.domain import Kind, Mode, Scenario, Slot
from kontaktplan.planning.candidates import Candidate, DaySlots, SubProblem, candidate, priority
from kontaktplan.planning.matching import booking_mode
from kontaktplan.rules.policy import Due, Policy

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


class _Ledger:
    """What the plan has booked so far, kept current as covers are added."""

    def __init__(
        self,
        bookings: dict[str, list[tuple[str, dt.date]]],
        slots: dict[tuple[str, dt.date], Slot],
    ) -> None:
        self.bookings, self.slots = bookings, slots
        self.used = {sid: {slots[k] for k in pairs} for sid, pairs in bookings.items()}
        self.load = {sid: Counter(d for _, d in pairs) for sid, pairs in bookings.items()}
        self.booked = {cid for pairs in bookings.values() for cid, _ in pairs}

    def add(self, cover: Cover) -> Cover:
        sid, key = cover.specialist_id, (cover.customer_id, cover.day)
        self.bookings[sid].append(key)
        self.slots[key] = cover.slot
        self.used[sid].add(cover.slot)
        self.load[sid][cover.day] += 1
        self.booked.add(cover.customer_id)
        return cover


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
    ledger = _Ledger(bookings, slots)
    out = []
    for due in _missed(subs, dues, ledger.booked):
        own = due.specialist_id
        helpers = _helpers(scenario, own, ledger.load)
        # first in time for the deadline with anyone; failing that, at the earliest
        tries = [(h, role, in_time) for in_time in (True, False) for h, role in helpers]
        for helper, role, in_time in tries:
            got = _book(scenario, policy, by_sid[helper], due, ledger, in_time)
            if got is None:
                continue
            day, slot, cand = got
            why = f"{role} for {own}: no free slot of the own specialist before the deadline "
            why += f"{due.due}" + (
                "" if in_time else "; no one could meet it, booked at the earliest"
            )
            out.append(
                ledger.add(
                    Cover(
                        due.customer_id,
                        own,
                        helper,
                        day,
                        slot,
                        cand.kind,
                        booking_mode(cand, slot),
                        why,
                    )
                )
            )
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
    ledger = _Ledger(bookings, slots)
    out = []
    for sub in subs:
        sid = sub.specialist_id
        for i, week in enumerate(sub.weeks):
            days = [ds for ds in sub.days if ds.week == i]
            short = week.target - week.existing - sum(ledger.load[sid][d.day] for d in days)
            if short <= 0:
                continue
            for due in _team_pool(scenario, policy, sub, dues, ledger.booked):
                got = _book(scenario, policy, sub, due, ledger, False, days)
                if got is None:
                    continue
                day, slot, cand = got
                why = (
                    f"fills the weekly target of {sid} (own customers exhausted); "
                    f"customer of {due.specialist_id}"
                )
                out.append(
                    ledger.add(
                        Cover(
                            due.customer_id,
                            due.specialist_id,
                            sid,
                            day,
                            slot,
                            cand.kind,
                            booking_mode(cand, slot),
                            why,
                        )
                    )
                )
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
    scenario: Scenario,
    policy: Policy,
    sub: SubProblem,
    due: Due,
    ledger: _Ledger,
    in_time: bool,
    days: list[DaySlots] | None = None,
) -> tuple[dt.date, Slot, Candidate] | None:
    """The earliest free fitting slot of ``sub``'s specialist for the customer (on ``days``);
    with ``in_time``, only on or before the customer's deadline."""
    sid = sub.specialist_id
    helper = scenario.specialists_by_id[sid]
    customer = scenario.customers_by_id[due.customer_id]
    days = sub.days if days is None else days
    cand = candidate(scenario, policy, customer, due, days, sub.horizon, helper.video)
    for day in cand.days:
        if in_time and day > due.due:
            return None
        ds = sub.day(day)
        if ledger.load[sid][day] >= ds.capacity:
            continue
        req = cand.requirement(day)
        free = [s for s in ds.slots if s not in ledger.used[sid] and req.fits(s)]
        if free:
            return day, min(free, key=lambda s: (s.minutes - req.minutes, s.start)), cand
    return None
