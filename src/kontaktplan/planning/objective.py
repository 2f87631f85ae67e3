"""The weekly plan's objective, evaluated on any set of bookings (plain Python).

This is the yardstick that compares the greedy baseline with CP-SAT: the CP-SAT model
(``kontaktplan.planning.model``) minimises exactly this sum, and a test checks that its
reported objective equals :func:`evaluate` of its own bookings.

With ``B`` the booked (customer, day) pairs of one specialist, ``W`` the policy weights:

    missed_deadline   W.missed_deadline x #customers whose deadline in the horizon is not met
                      (met: booked on or before the deadline; an overdue customer — no eligible
                      day on or before the deadline — counts as missed when not booked at all),
                      plus one per booked day whose chained next deadline (inside the horizon)
                      has no later booking on or before it
    overdue_wait      W.overdue_day x sum over bookings of overdue customers of
                      (day - the customer's first eligible day) in days, and the whole
                      horizon's length for an overdue customer left unbooked (so overdue
                      customers come first among equal misses)
    target_shortfall  W.target_shortfall x sum over weeks of max(0, target - booked)
    over_target       W.over_target x sum over weeks of max(0, booked - target)
    priority          - sum over bookings of the customer's priority (first interview, U25,
                      unemployed, share of the interval elapsed)
    spread            W.over_daily_target x sum over days of max(0, load - ceil(target / days))

``booked`` and ``load`` include the bookings that already existed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from kontaktplan.planning.candidates import SubProblem

__all__ = ["TERMS", "evaluate"]

TERMS = (
    "missed_deadline",
    "overdue_wait",
    "target_shortfall",
    "over_target",
    "priority",
    "spread",
)


def evaluate(sub: SubProblem, bookings: Iterable[tuple[str, dt.date]]) -> dict[str, int]:
    """Each objective term (already weighted) of one specialist's bookings, and ``total``."""
    w = sub.weights
    booked: dict[str, list[dt.date]] = {}
    for cid, day in bookings:
        booked.setdefault(cid, []).append(day)
    terms = dict.fromkeys(TERMS, 0)
    for cand in sub.candidates:
        days = sorted(booked.get(cand.customer_id, []))
        if cand.deadline_in_horizon:
            met = any(d <= cand.due.due for d in days) if not cand.overdue else bool(days)
            terms["missed_deadline"] += w["missed_deadline"] * (not met)
            if cand.overdue and not met:
                terms["overdue_wait"] += w["overdue_day"] * sub.horizon.days
        for d in days:
            nxt = cand.chained.get(d)
            if nxt is not None and not any(d < e <= nxt for e in days):
                terms["missed_deadline"] += w["missed_deadline"]
            if cand.overdue:
                terms["overdue_wait"] += w["overdue_day"] * (d - cand.days[0]).days
            terms["priority"] -= cand.priority
    load = Counter(d for days in booked.values() for d in days)
    for i, week in enumerate(sub.weeks):
        n = week.existing + sum(load[ds.day] for ds in sub.days if ds.week == i)
        terms["target_shortfall"] += w["target_shortfall"] * max(0, week.target - n)
        terms["over_target"] += w["over_target"] * max(0, n - week.target)
    for ds in sub.days:
        daily = sub.weeks[ds.week].daily_target
        terms["spread"] += w["over_daily_target"] * max(0, ds.existing + load[ds.day] - daily)
    terms["total"] = sum(terms[t] for t in TERMS)
    return terms
