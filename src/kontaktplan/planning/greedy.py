"""The hand-planning baseline: earliest deadline first, into the earliest free slot.

This is how a planner books by hand: take the customer whose next contact is due
soonest, give them a free slot of their own specialist in the earliest week that has one
and respects every hard rule (daily cap, minimum gap, customer availability, slot length
and mode), on the least loaded day of that week that keeps the deadline; stop a week
when its target is reached. Every figure of the CP-SAT plan is compared with it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import time

from kontaktplan.domain import Slot
from kontaktplan.planning.candidates import SubProblem
from kontaktplan.planning.matching import booking_mode
from kontaktplan.planning.model import SolveResult
from kontaktplan.planning.objective import evaluate

__all__ = ["solve_greedy"]


def solve_greedy(sub: SubProblem) -> tuple[SolveResult, dict[tuple[str, dt.date], Slot]]:
    """Book one specialist's horizon greedily; returns the result and the chosen slots."""
    started = time.perf_counter()
    used: set[Slot] = set()
    load = {ds.day: 0 for ds in sub.days}
    week_booked = [w.existing for w in sub.weeks]
    by_id = {c.customer_id: c for c in sub.candidates}
    queue = [(c.due.due, c.customer_id, sub.horizon.first_day) for c in sub.candidates]
    heapq.heapify(queue)
    chosen: dict[tuple[str, dt.date], Slot] = {}
    while queue:
        _, cid, earliest = heapq.heappop(queue)
        cand = by_id[cid]
        options = []  # (week, day) where a fitting slot is free
        for day in cand.days:
            ds = sub.day(day)
            if day < earliest or load[day] >= ds.capacity:
                continue
            if week_booked[ds.week] >= sub.weeks[ds.week].target:
                continue
            req = cand.requirement(day)
            free = [s for s in ds.slots if s not in used and req.fits(s)]
            if free:
                options.append((ds.week, day, free))
        if not options:
            continue
        # the earliest week; inside it the least loaded day that keeps the deadline
        # (a planner spreads the week evenly: RULES.md, even spread)
        week = options[0][0]
        inside = [o for o in options if o[0] == week]
        in_time = [o for o in inside if o[1] <= cand.due.due] or inside
        _, day, free = min(in_time, key=lambda o: (load[o[1]] + sub.day(o[1]).existing, o[1]))
        ds = sub.day(day)
        slot = min(free, key=lambda s: (booking_mode(cand, s) is not cand.mode, s.start))
        used.add(slot)
        load[day] += 1
        week_booked[ds.week] += 1
        chosen[cid, day] = slot
        nxt = cand.chained.get(day)
        if nxt is not None:
            heapq.heappush(queue, (nxt, cid, day + dt.timedelta(days=sub.min_gap)))
    bookings = sorted(chosen)
    score = evaluate(sub, bookings)["total"]
    result = SolveResult(
        specialist_id=sub.specialist_id,
        bookings=bookings,
        status="GREEDY",
        objective=score,
        bound=score,
        seconds=time.perf_counter() - started,
        variables=0,
    )
    return result, chosen
