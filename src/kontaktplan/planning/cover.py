"""Cover (Vertretung) for deadlines the customer's own specialist cannot meet.

The weekly plan books each customer with their own specialist (*Hauptbetreuer*,
RULES.md). A deadline goes to the named substitute, else to the least-loaded free
colleague of the team, only when the own specialist is absent until after it (no
available day from the first bookable day to the deadline; an overdue customer: none
in the horizon's first week). A specialist who is present but full keeps the deadline
and goes over target up to the daily cap first (the optimisation does); only with the
policy's ``cover_when_full`` does such a deadline go to the substitute too. A cover may
take a colleague above the weekly target, never above the daily cap; case managers
(role ``fm``) take no density covers. Colleagues' customers are never used to fill a
week's target: a shortfall is reported with its reason. Runs after the optimisation,
on what it left free.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from kontaktplan.domain import Kind, Mode, Role, Scenario, Slot
from kontaktplan.planning.candidates import Candidate, DaySlots, SubProblem, candidate
from kontaktplan.planning.matching import booking_mode
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Due, Policy

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
    cal = OfficeCalendar(scenario, policy)
    out = []
    for due in _missed(subs, dues, ledger.booked):
        own = due.specialist_id
        absent = _absent_until_deadline(cal, by_sid[own].horizon, own, due)
        if not absent and not policy.booking.cover_when_full:
            continue  # present: the own specialist keeps it (reported as missed or late)
        helpers = _helpers(scenario, own, ledger.load)
        # first in time for the deadline with anyone; failing that, in the earliest week
        tries = [(h, role, in_time) for in_time in (True, False) for h, role in helpers]
        for helper, role, in_time in tries:
            got = _book(scenario, policy, by_sid[helper], due, ledger, in_time)
            if got is None:
                continue
            day, slot, cand = got
            why = f"{role} for {own}: " + (
                "the own specialist is absent until after the deadline "
                if absent
                else "no free slot of the own specialist before the deadline "
            )
            why += f"{due.due}" + (
                "" if in_time else "; no one could meet it, booked in the earliest week"
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


def _helpers(scenario: Scenario, sid: str, load: dict[str, Counter]) -> list[tuple[str, str]]:
    """The substitute first, then the team by ascending load in the horizon."""
    own = scenario.specialists_by_id[sid]
    out = []
    sub = scenario.specialists_by_id.get(own.substitute_id or "")
    if sub is not None and sub.specialist_id != sid and sub.role is not Role.fm:
        out.append((sub.specialist_id, "substitute"))
    team = [
        s.specialist_id
        for s in scenario.specialists
        if s.team == own.team
        and s.specialist_id not in (sid, own.substitute_id)
        and s.role is not Role.fm
    ]
    team.sort(key=lambda t: (sum(load[t].values()), t))
    return out + [(t, "team colleague") for t in team]


def _absent_until_deadline(cal: OfficeCalendar, hz, sid: str, due: Due) -> bool:
    """The own specialist has no available day from the first bookable day up to the
    deadline (an overdue customer: in the horizon's first seven days) for an absence."""
    first = hz.first_day
    until = max(due.due, first + dt.timedelta(days=6))
    days = [first + dt.timedelta(days=i) for i in range((until - first).days + 1)]
    if any(cal.is_available(sid, d) for d in days):
        return False
    return any(cal.is_absent(sid, d) for d in days)


def _book(
    scenario: Scenario,
    policy: Policy,
    sub: SubProblem,
    due: Due,
    ledger: _Ledger,
    in_time: bool,
    days: list[DaySlots] | None = None,
) -> tuple[dt.date, Slot, Candidate] | None:
    """A free fitting slot of ``sub``'s specialist for the customer (on ``days``) in the
    earliest week that has one, on that week's least-booked such day (then the earliest);
    with ``in_time``, only on or before the customer's deadline.

    The week, not the day: waiting inside a week costs an overdue customer nothing
    (RULES.md, objective 1), and the earliest day piled the covers onto the helper's
    Monday and Tuesday (jobcenter, 1 week: S032 7/6/5/5 where 6/6/6/5 was free).
    """
    sid = sub.specialist_id
    helper = scenario.specialists_by_id[sid]
    customer = scenario.customers_by_id[due.customer_id]
    days = sub.days if days is None else days
    cand = candidate(scenario, policy, customer, due, days, sub.horizon, helper.video)
    week_of = sub.horizon.week_of
    options: list[tuple[int, dt.date, Slot]] = []
    for day in cand.days:
        if (in_time and day > due.due) or (options and week_of(day) > week_of(options[0][1])):
            break
        ds = sub.day(day)
        if ledger.load[sid][day] >= ds.capacity:
            continue
        req = cand.requirement(day)
        free = [s for s in ds.slots if s not in ledger.used[sid] and req.fits(s)]
        if free:
            best = min(free, key=lambda s: (s.minutes - req.minutes, s.start))
            options.append((ds.existing + ledger.load[sid][day], day, best))
    if not options:
        return None
    _, day, slot = min(options, key=lambda o: (o[0], o[1]))
    return day, slot, cand
