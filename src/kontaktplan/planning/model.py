"""The CP-SAT model of one specialist's weekly plan, at day level.

``y[c, d] = 1`` books customer ``c`` on day ``d`` (only eligible pairs get a variable);
the concrete slot is chosen afterwards by :mod:`kontaktplan.planning.matching`. The model is
always feasible: a deadline that cannot be met is a penalty, never an infeasibility.
The objective is exactly :func:`kontaktplan.planning.objective.evaluate` (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from kontaktplan.planning.candidates import Candidate, Requirement, SubProblem
from kontaktplan.planning.objective import evaluate, spread_slopes, wait_per_week

__all__ = ["SolveResult", "solve_subproblem"]


_STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass
class SolveResult:
    """What one subproblem's solve returns (plain data, picklable)."""

    specialist_id: str
    bookings: list[tuple[str, dt.date]]
    status: str
    objective: int
    bound: int
    seconds: float
    variables: int
    extra: dict[str, float] = field(default_factory=dict)


class Variables:
    """``y[c, d]`` for eligible pairs, and ``load[d]``, the new bookings of day ``d``.

    ``load[d] = Σ_c y[c, d]`` is one integer variable per day with candidates: the daily
    cap, the weekly volume and the even spread read it, instead of each repeating the
    day's sum of some hundred ``y`` (the 4-week jobcenter plan solved in 28 % less time).
    """

    def __init__(self, m: cp_model.CpModel, sub: SubProblem) -> None:
        self.y: dict[tuple[str, dt.date], cp_model.IntVar] = {}
        self.by_customer: dict[str, list[tuple[dt.date, cp_model.IntVar]]] = {}
        self.by_day: dict[dt.date, list[tuple[Candidate, cp_model.IntVar]]] = {}
        for cand in sub.candidates:
            cid = cand.customer_id
            for d in cand.days:
                var = m.new_bool_var(f"y[{cid},{d}]")
                self.y[cid, d] = var
                self.by_customer.setdefault(cid, []).append((d, var))
                self.by_day.setdefault(d, []).append((cand, var))
        self.loads: dict[dt.date, cp_model.IntVar] = {}
        for d, items in self.by_day.items():
            self.loads[d] = m.new_int_var(0, len(items), f"load[{d}]")
            m.add(self.loads[d] == sum(v for _, v in items))

    def load(self, day: dt.date) -> cp_model.LinearExprT:
        return self.loads.get(day, 0)


class Constraints:
    """The hard rules of RULES.md, "Booking rules", one method per rule family."""

    def __init__(self, m: cp_model.CpModel, sub: SubProblem, v: Variables) -> None:
        self.m, self.sub, self.v = m, sub, v

    def add_all(self) -> None:
        self._one_contact_unless_chained()
        self._min_days_between_contacts()
        self._daily_cap()
        self._slot_fit()

    def _one_contact_unless_chained(self) -> None:
        """One appointment per customer; each further one only after a contact whose next
        deadline falls inside the horizon (the density rule forces it)."""
        for cand in self.sub.candidates:
            items = self.v.by_customer[cand.customer_id]
            justifying = [v for d, v in items if d in cand.chained]
            if len(items) > 1:
                self.m.add(sum(v for _, v in items) <= 1 + sum(justifying))

    def _min_days_between_contacts(self) -> None:
        """No two contacts of one customer closer than ``min_days_between_contacts``."""
        gap = self.sub.min_gap
        for items in self.v.by_customer.values():
            for i, (d, var) in enumerate(items):
                window = [var] + [w for e, w in items[i + 1 :] if (e - d).days < gap]
                if len(window) > 1:
                    self.m.add_at_most_one(window)

    def _daily_cap(self) -> None:
        """At most ``daily_cap`` appointments a day, and no more than the free slots."""
        for ds in self.sub.days:
            vars_ = self.v.by_day.get(ds.day, [])
            if len(vars_) > ds.capacity:
                self.m.add(self.v.load(ds.day) <= ds.capacity)

    def _slot_fit(self) -> None:
        """The customers booked on a day can be placed into distinct fitting free slots.

        Hall's condition: customers with the same requirement (length, mode, half day)
        fit the same slots, so it suffices that for every set ``S`` of requirements the
        customers booked with a requirement in ``S`` do not outnumber the slots fitting
        any of them. Only sets closed under inclusion of fitting slots can bind.
        """
        for ds in self.sub.days:
            vars_ = self.v.by_day.get(ds.day, [])
            classes: dict[Requirement, list[cp_model.IntVar]] = {}
            for cand, var in vars_:
                classes.setdefault(cand.requirement(ds.day), []).append(var)
            fits = {f: sum(1 << i for i, s in enumerate(ds.slots) if f.fits(s)) for f in classes}
            for group, union in _closed_groups(fits):
                members = [v for f in group for v in classes[f]]
                limit = union.bit_count()
                if len(members) > limit:
                    self.m.add(sum(members) <= limit)


def _closed_groups(fits: dict[Requirement, int]) -> list[tuple[list[Requirement], int]]:
    """Sets of requirements closed under 'fits only slots within the union', with the union.

    Requirements are few per day (length x mode x half day); beyond 10 only chains of
    stricter requirements are taken, and the matching after the solve re-checks.
    """
    reqs = sorted(fits, key=lambda f: (f.minutes, f.in_person_only, f.not_am, f.not_pm))
    if len(reqs) > 10:
        return [([g for g in reqs if _at_least(g, f)], fits[f]) for f in reqs]
    out = []
    seen: set[int] = set()
    for mask in range(1, 1 << len(reqs)):
        union = 0
        for i, f in enumerate(reqs):
            if mask >> i & 1:
                union |= fits[f]
        closed = [f for f in reqs if fits[f] & ~union == 0]
        key = sum(1 << reqs.index(f) for f in closed)
        if key in seen:
            continue
        seen.add(key)
        out.append((closed, union))
    return out


def _at_least(a: Requirement, b: Requirement) -> bool:
    """Every slot that fits ``a`` also fits ``b``."""
    return (
        a.minutes >= b.minutes
        and a.in_person_only >= b.in_person_only
        and a.not_am >= b.not_am
        and a.not_pm >= b.not_pm
    )


class Objective:
    """Minimise the terms of :func:`kontaktplan.planning.objective.evaluate`:

    ``W_miss·(missed + chained_missed) + 7·W_od·Σ weeks waited + W_short·Σ shortfall
    + W_over·Σ over_target − Σ priority·y + W_uneven·Σ_days Σ_{k<K} max(0, x_d − k)
    − W_household·Σ household pairs on one day``, ``x_d`` a day's load away from its
    week's even share and ``K`` :func:`~kontaktplan.planning.objective.spread_slopes`.
    """

    def __init__(self, m: cp_model.CpModel, sub: SubProblem, v: Variables) -> None:
        self.m, self.sub, self.v, self.w = m, sub, v, sub.weights
        self.terms: list[cp_model.LinearExprT] = []

    def add_terms(self) -> list[cp_model.LinearExprT]:
        """The weighted terms of every objective family (to minimise their sum)."""
        self._missed_deadline()
        self._urgent_wait()
        self._weekly_volume()
        self._priority()
        self._even_spread()
        self._households()
        return self.terms

    def set(self) -> None:
        self.m.minimize(sum(self.add_terms()))

    def _missed_deadline(self) -> None:
        """(1) Every deadline that can still be met is met (an overdue customer's cannot:
        their urgency is the waiting cost of :meth:`_urgent_wait`)."""
        for cand in self.sub.candidates:
            items = self.v.by_customer[cand.customer_id]
            if cand.deadline_in_horizon and not cand.overdue:
                in_time = [v for d, v in items if d <= cand.due.due]
                miss = self.m.new_bool_var(f"miss[{cand.customer_id}]")
                self.m.add(sum(in_time) + miss >= 1)
                self.terms.append(self.w["missed_deadline"] * miss)
            for d, nxt in cand.chained.items():
                later = [v for e, v in items if d < e <= nxt]
                miss = self.m.new_bool_var(f"chain_miss[{cand.customer_id},{d}]")
                self.m.add(self.v.y[cand.customer_id, d] <= sum(later) + miss)
                self.terms.append(self.w["missed_deadline"] * miss)

    def _urgent_wait(self) -> None:
        """(1) Overdue customers first, at any horizon: per whole week the *first* booking of
        an urgent customer waits after their first eligible week (unbooked: every week of
        the horizon). Days inside a week cost nothing, and a chained further contact is
        never charged. See :func:`kontaktplan.planning.objective.wait_per_week`."""
        week_of = self.sub.horizon.week_of
        urgent = sorted(
            (c for c in self.sub.candidates if wait_per_week(self.w, c)),
            key=lambda c: c.customer_id,
        )
        weeks = self.sub.horizon.weeks
        for cand in urgent:
            week_cost = wait_per_week(self.w, cand)
            items = self.v.by_customer[cand.customer_id]
            first = week_of(cand.days[0])
            if not cand.chained:  # at most one booking: the wait is linear in y
                self.terms.append(week_cost * (weeks - first))
                self.terms += [-week_cost * (weeks - week_of(d)) * v for d, v in items]
                continue
            for k in range(first, weeks):
                booked = self.m.new_bool_var(f"booked_by[{cand.customer_id},{k}]")
                self.m.add(booked <= sum(v for d, v in items if week_of(d) <= k))
                self.terms += [week_cost, -week_cost * booked]

    def _weekly_volume(self) -> None:
        """(2) Each week reaches the target; above it only where a deadline needs it."""
        for i, week in enumerate(self.sub.weeks):
            days = [ds.day for ds in self.sub.days if ds.week == i]
            booked = week.existing + sum(self.v.load(d) for d in days)
            top = week.existing + sum(ds.capacity for ds in self.sub.days if ds.week == i)
            short = self.m.new_int_var(0, max(0, week.target), f"short[{i}]")
            over = self.m.new_int_var(0, max(0, top), f"over[{i}]")
            self.m.add(short >= week.target - booked)
            self.m.add(over >= booked - week.target)
            self.terms += [self.w["target_shortfall"] * short, self.w["over_target"] * over]

    def _priority(self) -> None:
        """(3) The volume goes to first interviews, U25, unemployed, the longest waiting."""
        for cand in self.sub.candidates:
            for _, v in self.v.by_customer[cand.customer_id]:
                self.terms.append(-cand.priority * v)

    def _even_spread(self) -> None:
        """(4) Even weeks, judged both ways: each day's load away from the even share of
        its week (above ``ceil(target / days)`` or below ``floor``) costs ``uneven_week``
        for the first appointment, k times that for the k-th, up to
        :func:`~kontaktplan.planning.objective.spread_slopes` (one variable per slope). A
        strictly convex cost per day with the week's total fixed is least only where the
        days are as even as the slots allow (spread <= 1), also in a week far over or under
        its target; and unlike a max - min term it keeps the LP tight (the demo office:
        1.4 s instead of 5 s). Two slopes tied uneven weeks far above the target with even
        ones; four cost the 4-week jobcenter plan ~7 % more CPU time."""
        for i, week in enumerate(self.sub.weeks):
            days = [ds for ds in self.sub.days if ds.week == i]
            if len(days) < 2:
                continue
            low, high = week.even_share(len(days))
            slopes = spread_slopes(self.w)
            for ds in days:
                if not self.v.by_day.get(ds.day):
                    continue
                load = ds.existing + self.v.load(ds.day)
                top = ds.existing + ds.capacity
                for step in range(min(slopes, top - high)):
                    over = self.m.new_int_var(0, top, f"above_share[{ds.day},{step}]")
                    self.m.add(over >= load - high - step)
                    self.terms.append(self.w["uneven_week"] * over)
                floor = min(low, top)
                for step in range(min(slopes, floor - ds.existing)):
                    under = self.m.new_int_var(0, floor, f"below_share[{ds.day},{step}]")
                    self.m.add(under >= floor - step - load)
                    self.terms.append(self.w["uneven_week"] * under)

    def _households(self) -> None:
        """(5) Customers of one household due together: the same day (then back to back)."""
        for a, b in self.sub.households():
            days_a = dict(self.v.by_customer[a])
            for d, vb in self.v.by_customer[b]:
                va = days_a.get(d)
                if va is None:
                    continue
                both = self.m.new_bool_var(f"household[{a},{b},{d}]")
                self.m.add(both <= va)
                self.m.add(both <= vb)
                self.terms.append(-self.w["household_together"] * both)


def solve_subproblem(
    sub: SubProblem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    cuts: list[tuple[dt.date, list[str], int]] | None = None,
    hint: list[tuple[str, dt.date]] | None = None,
) -> SolveResult:
    """Build and solve one specialist's model; ``cuts`` limit sets of customers on a day.

    Where the density rule chains a further contact inside the horizon, in two phases:
    first each customer gets at most one contact, which fixes the week by which every
    urgent customer is booked; then the whole objective is minimised with those weeks
    as latest weeks (:func:`_urgent_no_later`). Overdue customers first (RULES.md,
    objective 1) thus also holds against their own further contacts: in one model, a
    longer horizon booked an overdue under-25 customer a week later, so that the
    next contact fell after the horizon's end or into a week with a free place (issue
    10.2). The second phase starts from the first one's plan; ``time_limit`` covers both.
    """
    started = time.perf_counter()
    no_later: dict[str, int] | None = None
    if any(cand.chained for cand in sub.candidates):
        single = replace(sub, candidates=[replace(c, chained={}) for c in sub.candidates])
        first = _solve(single, time_limit, seed, workers, cuts, hint)
        no_later = _urgent_weeks(sub, first.bookings)
        hint = first.bookings
        time_limit = max(0.0, time_limit - (time.perf_counter() - started))
    result = _solve(sub, time_limit, seed, workers, cuts, hint, no_later)
    result.seconds = time.perf_counter() - started
    return result


def _urgent_weeks(sub: SubProblem, bookings: list[tuple[str, dt.date]]) -> dict[str, int]:
    """The week of each urgent customer's first booking (urgent: a waiting cost)."""
    first: dict[str, dt.date] = {}
    for cid, day in sorted(bookings):
        first.setdefault(cid, day)
    urgent = {c.customer_id for c in sub.candidates if wait_per_week(sub.weights, c)}
    return {cid: sub.horizon.week_of(day) for cid, day in first.items() if cid in urgent}


def _urgent_no_later(
    m: cp_model.CpModel, sub: SubProblem, v: Variables, weeks: dict[str, int]
) -> None:
    """(1) Overdue customers first, before further contacts: each urgent customer is
    booked by the week the plan with one contact per customer booked them in."""
    week_of = sub.horizon.week_of
    for cid, week in weeks.items():
        m.add(sum(var for d, var in v.by_customer[cid] if week_of(d) <= week) >= 1)


def _solve(
    sub: SubProblem,
    time_limit: float,
    seed: int,
    workers: int,
    cuts: list[tuple[dt.date, list[str], int]] | None,
    hint: list[tuple[str, dt.date]] | None,
    no_later: dict[str, int] | None = None,
) -> SolveResult:
    """One CP-SAT solve of ``sub``'s model."""
    started = time.perf_counter()
    m = cp_model.CpModel()
    v = Variables(m, sub)
    Constraints(m, sub, v).add_all()
    for day, customers, limit in cuts or []:
        m.add(sum(v.y[c, day] for c in customers) <= limit)
    if no_later:
        _urgent_no_later(m, sub, v, no_later)
    Objective(m, sub, v).set()
    if hint is not None:
        chosen = set(hint)
        for key, var in v.y.items():
            m.add_hint(var, key in chosen)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # The deadline covers and the daily capacities must be in the LP: at the default
    # level a single worker's bound stayed at "all deadlines met" and it did not prove
    # optimality in 10 s; at level 2 the same models are optimal in ~0.2 s (demo office).
    solver.parameters.linearization_level = 2
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # The model is feasible by design (every booking is optional), so this is the
        # time limit before a first solution: keep the hint, honestly labelled.
        if hint is None:
            raise RuntimeError(f"CP-SAT: {_STATUS.get(status, status)} for {sub.specialist_id}")
        return SolveResult(
            specialist_id=sub.specialist_id,
            bookings=sorted(hint),
            status=f"{_STATUS.get(status, status)}+HINT",
            objective=evaluate(sub, hint)["total"],
            bound=round(solver.best_objective_bound),
            seconds=time.perf_counter() - started,
            variables=len(v.y),
        )
    bookings = sorted(key for key, var in v.y.items() if solver.boolean_value(var))
    return SolveResult(
        specialist_id=sub.specialist_id,
        bookings=bookings,
        status=_STATUS[status],
        objective=round(solver.objective_value),
        bound=round(solver.best_objective_bound),
        seconds=time.perf_counter() - started,
        variables=len(v.y),
    )
