"""``plan(scenario, policy, ...) -> Plan``: the weekly plan, CP-SAT or greedy.

Decomposed per specialist (each books only their own customers): the small day-level
models are solved in worker processes, one CP-SAT worker each, and merged. The booked
days are then placed into concrete slots; a day whose placement fails gets a cut and its
specialist is solved again.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from typing import Any, Literal

from kontaktplan.domain import Appointment, Kind, Mode, Scenario, Slot, Status
from kontaktplan.planning.candidates import Horizon, SubProblem, build_subproblems, horizon
from kontaktplan.planning.cover import cover_missed
from kontaktplan.planning.explain import deadline_report, shortfall_reason
from kontaktplan.planning.greedy import solve_greedy
from kontaktplan.planning.matching import booking_mode, match_day
from kontaktplan.planning.model import SolveResult, solve_subproblem
from kontaktplan.planning.objective import evaluate
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Policy, due_dates
from kontaktplan.validation.figures import DEADLINE_STATUSES, figures

__all__ = ["Plan", "plan"]

SolverName = Literal["cpsat", "greedy"]
Progress = Callable[[int, int, SolveResult], None]
MAX_REPAIRS = 3
_BACK_TO_BACK = dt.timedelta(minutes=30)  # at most this pause between two household members


@dataclass
class Plan:
    """The bookings of a weekly plan with its figures, status, objective and bound."""

    scenario: Scenario
    policy: Policy
    bookings: list[Appointment]
    horizon: Horizon
    solver: str
    status: str
    objective: int
    bound: int | None
    seconds: float
    specialists: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    terms: dict[str, int] = field(default_factory=dict)
    covers: list[dict[str, Any]] = field(default_factory=list)
    late_appointments: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def figures(self) -> dict[str, Any]:
        """The independent validator's figures of the planned scenario: the one definition of
        deadlines met, late, missed and open, overdue customers and weekly volume."""
        planned = self.planned_scenario()
        return figures(planned, self.policy, OfficeCalendar(planned, self.policy))

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1, abs(self.objective))

    def planned_scenario(self) -> Scenario:
        """The input scenario with the new bookings added (FORMAT.md, "What a plan writes")."""
        void = {r["appointment_id"] for r in self.late_appointments if r["voided"]}
        kept = tuple(
            a.model_copy(update={"status": Status.voided}) if a.appointment_id in void else a
            for a in self.scenario.appointments
        )
        return self.scenario.model_copy(update={"appointments": (*kept, *self.bookings)})

    def counts(self) -> dict[str, int]:
        """Deadlines met, late, missed, open (as the validator counts them) and overdue."""
        d = self.figures["deadline_counts"]
        return {
            **{k: d[k] for k in ("met", "late", "missed", "open", "open_due_in_horizon")},
            "overdue": len(self.figures["overdue"]),
        }

    def deadline_rows(self) -> list[dict[str, Any]]:
        """The plan's deadline rows (due in the horizon or earlier, with the reason why not
        met), each ``result`` the validator's status; missed first, then late, open, met."""
        status = {d["customer"]: d["status"] for d in self.figures["deadlines"]}
        rows = [{**d, "result": status.get(d["customer_id"], d["result"])} for d in self.deadlines]
        order = {s: i for i, s in enumerate(DEADLINE_STATUSES)}
        return sorted(rows, key=lambda d: (order.get(d["result"], 9), d["due"], d["customer_id"]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "planning_date": self.scenario.today.isoformat(),
            "solver": self.solver,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "horizon": {
                "first_day": self.horizon.first_day.isoformat(),
                "last_day": self.horizon.last_day.isoformat(),
                "weeks": self.horizon.weeks,
            },
            "bookings": len(self.bookings),
            "objective_terms": self.terms,
            "covers": self.covers,
            "late_appointments": self.late_appointments,
            "households": self.households,
            "deadlines_summary": self.counts(),
            "specialists": self.specialists,
            "deadlines": self.deadline_rows(),
        }


def _solve_all(
    subs: list[SubProblem],
    solver: SolverName,
    time_limit: float,
    seed: int,
    workers: int,
    progress: Progress | None,
) -> tuple[list[SolveResult], dict[tuple[str, dt.date], Slot]]:
    if solver == "greedy":
        results, slots = [], {}
        for i, sub in enumerate(subs):
            result, chosen = solve_greedy(sub)
            results.append(result)
            slots.update({(cid, d): s for (cid, d), s in chosen.items()})
            if progress:
                progress(i + 1, len(subs), result)
        return results, slots
    results = []
    kwargs = {"time_limit": time_limit, "seed": seed, "workers": 1}
    if workers > 1 and len(subs) > 1:
        with _pool(workers, subs) as (pool, task):
            futures = [pool.submit(*task(i), **kwargs) for i in range(len(subs))]
            for i, f in enumerate(futures):
                results.append(f.result())
                if progress:
                    progress(i + 1, len(subs), results[-1])
    else:
        for i, sub in enumerate(subs):
            results.append(_solve_from_greedy(sub, **kwargs))
            if progress:
                progress(i + 1, len(subs), results[-1])
    slots: dict[tuple[str, dt.date], Slot] = {}
    for i, (sub, result) in enumerate(zip(subs, results, strict=True)):
        results[i] = _place(sub, result, slots, kwargs)
    return results, slots


_FORKED: list[SubProblem] = []


@contextmanager
def _pool(workers: int, subs: list[SubProblem]):
    """A process pool and how to hand it subproblem ``i``.

    Where processes fork, the workers inherit the subproblems instead of receiving them
    pickled (that cost ~0.3 s in the main process for a 60-specialist office).
    """
    if "fork" in mp.get_all_start_methods():
        _FORKED[:] = subs
        try:
            with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
                yield pool, lambda i: (_solve_forked, i)
        finally:
            _FORKED.clear()
    else:
        with ProcessPoolExecutor(workers) as pool:
            yield pool, lambda i: (_solve_from_greedy, subs[i])


def _solve_forked(i: int, **kwargs: Any) -> SolveResult:
    return _solve_from_greedy(_FORKED[i], **kwargs)


def _solve_from_greedy(sub: SubProblem, **kwargs: Any) -> SolveResult:
    """CP-SAT with the greedy plan as hint: a solution even if the time limit hits first."""
    greedy, _ = solve_greedy(sub)
    return solve_subproblem(sub, hint=greedy.bookings, **kwargs)


def _place(
    sub: SubProblem,
    result: SolveResult,
    slots: dict[tuple[str, dt.date], Slot],
    kwargs: dict[str, Any],
) -> SolveResult:
    """Match each booked day into slots; on failure cut that set and re-solve (rare)."""
    cuts: list[tuple[dt.date, list[str], int]] = []
    by_id = {c.customer_id: c for c in sub.candidates}
    for _ in range(MAX_REPAIRS + 1):
        placed_all: dict[tuple[str, dt.date], Slot] = {}
        failed = False
        days: dict[dt.date, list[str]] = {}
        for cid, d in result.bookings:
            days.setdefault(d, []).append(cid)
        for d, cids in days.items():
            placed, unplaced = match_day(sub.day(d), [by_id[c] for c in cids])
            placed_all.update({(cid, d): s for cid, s in placed.items()})
            if unplaced:
                failed = True
                cuts.append((d, cids, len(placed)))
        if not failed:
            break
        result = solve_subproblem(sub, cuts=cuts, **kwargs)
    if failed:  # give up on the unplaceable few: drop them, the counts stay honest
        result.bookings = sorted(placed_all)
    slots.update(placed_all)
    return result


def _plan_bookings(
    subs: list[SubProblem], results: list[SolveResult], slots
) -> list[tuple[str, str, Slot, Kind, Mode]]:
    """(customer, specialist, slot, kind, mode) of each optimised booking, in slot order."""
    out = []
    for sub, result in zip(subs, results, strict=True):
        by_id = {c.customer_id: c for c in sub.candidates}
        seen: set[str] = set()
        for cid, d in sorted(result.bookings, key=lambda k: slots[k].start):
            cand, slot = by_id[cid], slots[cid, d]
            # a chained second contact follows the first one: a follow-up
            kind = cand.kind if cid not in seen else Kind.follow_up
            seen.add(cid)
            out.append((cid, sub.specialist_id, slot, kind, booking_mode(cand, slot)))
    return out


def _appointments(
    scenario: Scenario, policy: Policy, bookings: list[tuple[str, str, Slot, Kind, Mode]]
) -> list[Appointment]:
    """New ``planned`` rows booked today, numbered ``P<today>-00001`` on past taken ids."""
    prefix = f"P{scenario.today:%Y%m%d}-"
    taken = {a.appointment_id for a in scenario.appointments}
    out, n = [], 0
    for cid, sid, slot, kind, mode in bookings:
        n += 1
        while f"{prefix}{n:05d}" in taken:
            n += 1
        out.append(
            Appointment(
                appointment_id=f"{prefix}{n:05d}",
                customer_id=cid,
                specialist_id=sid,
                start=slot.start,
                end=slot.start + dt.timedelta(minutes=policy.duration(kind)),
                kind=kind,
                mode=mode,
                status=Status.planned,
                booked_on=scenario.today,
            )
        )
    return out


def _specialist_figures(
    sub: SubProblem, result: SolveResult, pairs: list[tuple[str, dt.date]]
) -> dict[str, Any]:
    count: dict[dt.date, int] = {}
    for _, d in pairs:
        count[d] = count.get(d, 0) + 1
    weeks = []
    for i, w in enumerate(sub.weeks):
        days = {
            ds.day.isoformat(): ds.existing + count.get(ds.day, 0)
            for ds in sub.days
            if ds.week == i
        }
        booked = w.existing + sum(count.get(ds.day, 0) for ds in sub.days if ds.week == i)
        week = {
            "monday": w.monday.isoformat(),
            "target": w.target,
            "booked": booked,
            "existing": w.existing,
            "per_day": days,
            "spread": (max(days.values()) - min(days.values())) if days else 0,
        }
        if booked < w.target:
            week["shortfall_reason"] = shortfall_reason(sub, i, booked)
        weeks.append(week)
    return {
        "specialist_id": sub.specialist_id,
        "team": sub.team,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "seconds": round(result.seconds, 3),
        "variables": result.variables,
        "weeks": weeks,
    }


def plan(
    scenario: Scenario,
    policy: Policy,
    *,
    weeks: int = 1,
    solver: SolverName = "cpsat",
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan the first plannable week (and ``weeks - 1`` more) for every specialist.

    ``time_limit`` is per specialist model; ``workers`` processes solve them side by side
    (default: the machine's cores). Same input and seed give the same plan.
    """
    started = time.perf_counter()
    hz = horizon(scenario, policy, weeks)
    dues = _left_to_the_team_lead(scenario, policy, due_dates(scenario, policy))
    subs = build_subproblems(scenario, policy, hz, dues)
    workers = workers or os.cpu_count() or 1
    results, slots = _solve_all(subs, solver, time_limit, seed, workers, progress)
    pairs = {s.specialist_id: list(r.bookings) for s, r in zip(subs, results, strict=True)}
    covers = cover_missed(scenario, policy, subs, pairs, slots, dues)
    covered = [(c.customer_id, c.specialist_id, c.slot, c.kind, c.mode) for c in covers]
    bookings = _appointments(scenario, policy, _plan_bookings(subs, results, slots) + covered)
    terms: dict[str, int] = {}
    for sub, r in zip(subs, results, strict=True):
        for k, v in evaluate(sub, r.bookings).items():
            terms[k] = terms.get(k, 0) + v
    late = _late_appointments(policy, dues, bookings)
    statuses = {r.status for r in results}
    status = "OPTIMAL" if statuses <= {"OPTIMAL"} else "/".join(sorted(statuses))
    return Plan(
        scenario=scenario,
        policy=policy,
        bookings=bookings,
        horizon=hz,
        solver=solver,
        status=status if results else "EMPTY",
        objective=sum(r.objective for r in results),
        bound=None if solver == "greedy" else sum(r.bound for r in results),
        seconds=time.perf_counter() - started,
        specialists=[
            _specialist_figures(s, r, pairs[s.specialist_id])
            for s, r in zip(subs, results, strict=True)
        ],
        deadlines=deadline_report(subs, bookings, dues),
        terms=terms,
        covers=[
            {
                "customer_id": c.customer_id,
                "specialist_id": c.specialist_id,
                "own_specialist_id": c.own,
                "day": c.day.isoformat(),
                "reason": c.reason,
            }
            for c in covers
        ],
        late_appointments=late,
        households=_households(scenario, bookings),
    )


def _left_to_the_team_lead(
    scenario: Scenario, policy: Policy, dues: dict[str, Any]
) -> dict[str, Any]:
    """The due dates the plan works with: a customer whose planned appointment after the
    deadline lies in an absence of its specialist (handed to the team lead, who resolves
    it: an absent specialist's appointment is never cancelled) counts as planned. The plan
    neither books them again nor voids that appointment; before, after a ``replan`` it
    booked them a second time, or voided the team lead's appointment."""
    cal = OfficeCalendar(scenario, policy)
    by_id = scenario.appointment_index.by_id
    out = dict(dues)
    for cid, due in dues.items():
        held = [
            day for aid, day in due.late_planned if cal.is_absent(by_id[aid].specialist_id, day)
        ]
        if held:
            out[cid] = replace(due, planned=min(held), late_planned=())
    return out


def _late_appointments(
    policy: Policy, dues: dict[str, Any], bookings: list[Appointment]
) -> list[dict[str, Any]]:
    """Planned appointments after the customer's deadline (RULES.md: they do not count).

    Each is listed; where the plan booked the customer earlier, it is voided when the
    policy says ``void_late_appointments`` (the new booking replaces it).
    """
    first: dict[str, Appointment] = {}
    for a in sorted(bookings, key=lambda a: a.start):
        first.setdefault(a.customer_id, a)
    out = []
    for cid, due in sorted(dues.items()):
        for aid, day in due.late_planned:
            new = first.get(cid)
            replaced = new is not None and new.day < day
            voided = replaced and policy.booking.void_late_appointments
            if voided:
                why = f"after the deadline {due.due}; replaced by {new.appointment_id} on {new.day}"
            elif replaced:
                why = f"after the deadline {due.due}; kept beside {new.appointment_id} on {new.day}"
            else:
                why = f"after the deadline {due.due}; no earlier slot could be booked"
            out.append(
                {
                    "appointment_id": aid,
                    "customer_id": cid,
                    "day": day.isoformat(),
                    "due": due.due.isoformat(),
                    "voided": voided,
                    "reason": why,
                }
            )
    return out


def _households(scenario: Scenario, bookings: list[Appointment]) -> list[dict[str, Any]]:
    """Households (Bedarfsgemeinschaft) with two or more members booked in this plan:
    whether they got the same day with one specialist, back to back."""
    members: dict[str, list[Appointment]] = {}
    for a in sorted(bookings, key=lambda a: a.start):
        hh = scenario.customers_by_id[a.customer_id].household_id
        if hh:
            members.setdefault(hh, []).append(a)
    out = []
    for hh, items in sorted(members.items()):
        if len({a.customer_id for a in items}) < 2:
            continue
        same = len({(a.specialist_id, a.day) for a in items}) == 1
        adjacent = same and all(b.start - a.end <= _BACK_TO_BACK for a, b in pairwise(items))
        out.append(
            {
                "household_id": hh,
                "customers": [a.customer_id for a in items],
                "specialists": sorted({a.specialist_id for a in items}),
                "days": sorted({a.day.isoformat() for a in items}),
                "same_day": same,
                "back_to_back": adjacent,
            }
        )
    return out
