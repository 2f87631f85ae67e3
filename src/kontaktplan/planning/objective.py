"""The weekly plan's objective, evaluated on any set of bookings (plain Python).

This is the yardstick that compares the greedy baseline with CP-SAT: the CP-SAT model
(``kontaktplan.planning.model``) minimises exactly this sum, and a test checks that its
reported objective equals :func:`evaluate` of its own bookings.

With ``B`` the booked (customer, day) pairs of one specialist, ``W`` the policy weights:

    missed_deadline   W.missed_deadline x #customers whose deadline in the horizon could be
                      met but is not (met: booked on or before it; an overdue customer — no
                      eligible day on or before the deadline — has none left to meet: see
                      overdue_wait), plus one per booked day whose chained next deadline
                      (inside the horizon) has no later booking on or before it
    overdue_wait      per whole week the first booking of a customer lies after their first
                      eligible week (unbooked: every week from it to the horizon's end):
                      for an overdue customer (first interviews too) W.missed_deadline +
                      7 x W.overdue_day + W.overdue_order x priority, for an under-25 one
                      not yet overdue the
                      priority; others nothing. Chained further contacts are never charged.
    target_shortfall  W.target_shortfall x sum over weeks of max(0, target - booked)
    over_target       W.over_target x sum over weeks of max(0, booked - target)
    priority          - sum over bookings of the customer's priority (first interview, U25,
                      unemployed, share of the interval elapsed)
    spread            W.uneven_week x sum over the bookable days of weeks with two or more
                      available days of sum_{k < K} max(0, x - k), x the load above
                      ceil(target / days) or below floor(target / days) (as far as the
                      day's existing bookings and capacity leave it open), K =
                      spread_slopes(W): the k-th appointment away costs k x W.uneven_week
                      up to K, strictly convex, so the most even week costs least
    household         - W.household_together x #pairs of one household booked on one day

``booked`` and ``load`` include the bookings that already existed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from kontaktplan.planning.candidates import Candidate, SubProblem

__all__ = ["TERMS", "evaluate", "spread_slopes", "wait_per_week"]

TERMS = (
    "missed_deadline",
    "overdue_wait",
    "target_shortfall",
    "over_target",
    "priority",
    "spread",
    "household",
)


def wait_per_week(w: dict[str, int], cand: Candidate) -> int:
    """What each week costs that an urgent customer's first booking waits.

    An overdue customer (first interviews are due at once, so overdue too) has no
    deadline left to meet; each week they wait counts like a missed deadline, plus
    7 x ``overdue_day`` and ``overdue_order`` x their priority: overdue customers come
    first at every horizon (RULES.md objective 1), before a deadline that can still be
    met, and among them the order by priority outweighs the volume (a longer horizon
    does not reorder them to gain chained contacts). An under-25
    customer not yet overdue: their priority, so the one-week plan's order by priority
    holds at longer horizons too. Others: nothing.
    """
    if cand.overdue:
        return w["missed_deadline"] + 7 * w["overdue_day"] + w["overdue_order"] * cand.priority
    if cand.customer.under_25:
        return cand.priority
    return 0


def spread_slopes(w: dict[str, int]) -> int:
    """How many appointments away from a day's even share cost more each: the k-th costs
    k x ``uneven_week``, up to the largest k that stays below ``target_shortfall``
    (4 with the bundled weights), so that no booking toward the weekly target is given up
    for an even week (RULES.md, objective 2 before 4); each further one costs as much.

    Growing slopes make the cost strictly convex where loads are, so the most even week
    is the only cheapest one: with two (1x, then 2x for each further one) a week far above
    its target tied 6/6/6/6/8 with 7/7/6/6/6 (x = 1,1,1,1,3 and 2,2,1,1,1 above a share of
    5 both cost 9), and the solver could return either (a generated office, 1 week: 3
    such weeks).
    """
    return max(1, (w["target_shortfall"] - 1) // max(1, w["uneven_week"]))


def evaluate(sub: SubProblem, bookings: Iterable[tuple[str, dt.date]]) -> dict[str, int]:
    """Each objective term (already weighted) of one specialist's bookings, and ``total``."""
    w = sub.weights
    booked: dict[str, list[dt.date]] = {}
    for cid, day in bookings:
        booked.setdefault(cid, []).append(day)
    terms = dict.fromkeys(TERMS, 0)
    week_of = sub.horizon.week_of
    for cand in sub.candidates:
        days = sorted(booked.get(cand.customer_id, []))
        if cand.deadline_in_horizon and not cand.overdue:
            met = any(d <= cand.due.due for d in days)
            terms["missed_deadline"] += w["missed_deadline"] * (not met)
        if cost := wait_per_week(w, cand):
            first = week_of(cand.days[0])
            until = week_of(days[0]) if days else sub.horizon.weeks
            terms["overdue_wait"] += cost * max(0, until - first)
        for d in days:
            nxt = cand.chained.get(d)
            if nxt is not None and not any(d < e <= nxt for e in days):
                terms["missed_deadline"] += w["missed_deadline"]
            terms["priority"] -= cand.priority
    load = Counter(d for days in booked.values() for d in days)
    bookable = {d for cand in sub.candidates for d in cand.days}
    for i, week in enumerate(sub.weeks):
        n = week.existing + sum(load[ds.day] for ds in sub.days if ds.week == i)
        terms["target_shortfall"] += w["target_shortfall"] * max(0, week.target - n)
        terms["over_target"] += w["over_target"] * max(0, n - week.target)
        days = [ds for ds in sub.days if ds.week == i and ds.day in bookable]
        if len([ds for ds in sub.days if ds.week == i]) < 2:
            continue
        low, high = week.even_share(len([ds for ds in sub.days if ds.week == i]))
        off, slopes = 0, spread_slopes(w)
        for ds in days:
            n = ds.existing + load[ds.day]
            top = ds.existing + ds.capacity
            off += sum(max(0, n - high - step) for step in range(min(slopes, top - high)))
            floor = min(low, top)
            off += sum(max(0, floor - step - n) for step in range(min(slopes, floor - ds.existing)))
        terms["spread"] += w["uneven_week"] * off
    for a, b in sub.households():
        terms["household"] -= w["household_together"] * len(
            set(booked.get(a, [])) & set(booked.get(b, []))
        )
    terms["total"] = sum(terms[t] for t in TERMS)
    return terms
