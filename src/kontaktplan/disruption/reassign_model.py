"""The CP-SAT model of an absence: who takes over each appointment, at its date and time.

RULES.md, "Disruption handling": an absent specialist's appointments are never cancelled;
each keeps its date and time and moves to (1) the named substitute if free and under the
daily cap, otherwise (2) another free specialist of the team, otherwise (3) it is
escalated to the team lead. Which specialist *could* take an appointment (not absent, no
holiday, a working day, nothing booked at that time, video if needed) is decided before
the model; the model chooses among those pairs jointly, so that one busy hour or one
full day does not push an appointment out that a different choice would have kept.

``x[a, s] = 1`` gives appointment ``a`` to specialist ``s`` (only feasible pairs get a
variable). The model is always feasible: leaving an appointment with the absent
specialist (escalation) is a penalty.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

__all__ = ["Move", "ReassignProblem", "ReassignResult", "solve_reassignment"]

_STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class Move:
    """An appointment to hand over: its time, whether the daily cap counts it, who may take it."""

    appointment_id: str
    start: dt.datetime
    end: dt.datetime
    counted: bool  # counts toward the daily cap (not a standby phone consultation)
    options: tuple[str, ...]  # specialists free at this time (feasible pairs only)
    substitute: str | None  # the absent specialist's named substitute (Vertretung)

    @property
    def day(self) -> dt.date:
        return self.start.date()


@dataclass
class ReassignProblem:
    """Plain data: the moves, each option's existing load per day, the cap and the weights.

    ``existing[(s, day)]`` counts the active appointments (not phone consultations) that
    specialist ``s`` already has that day.
    """

    moves: list[Move]
    existing: dict[tuple[str, dt.date], int]
    daily_cap: int
    w_unmoved: int  # per appointment left with the absent specialist (escalated)
    w_not_substitute: int  # per appointment given to someone other than the named substitute
    w_balance: int  # per unit of sum of squared daily loads
    # (specialist, appointment ids): they touch one free slot of the specialist, which
    # holds one appointment (FORMAT.md); at most one of them may go to that specialist
    shared_slots: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class ReassignResult:
    """Who takes which appointment (``assignment``), and the solver's figures."""

    assignment: dict[str, str]
    status: str
    objective: int
    bound: int
    seconds: float
    variables: int
    terms: dict[str, int] = field(default_factory=dict)


class _Model:
    """Variables, constraints (one method per rule family) and objective."""

    def __init__(self, p: ReassignProblem) -> None:
        self.p = p
        self.m = cp_model.CpModel()
        self.x: dict[tuple[str, str], cp_model.IntVar] = {}
        for mv in p.moves:
            for s in mv.options:
                self.x[mv.appointment_id, s] = self.m.new_bool_var(f"x[{mv.appointment_id},{s}]")
        self.moved = {
            mv.appointment_id: sum(self.x[mv.appointment_id, s] for s in mv.options)
            for mv in p.moves
        }
        self.loads: dict[tuple[str, dt.date], list[cp_model.IntVar]] = {}
        for mv in p.moves:
            if mv.counted:
                for s in mv.options:
                    self.loads.setdefault((s, mv.day), []).append(self.x[mv.appointment_id, s])

    def constraints(self) -> None:
        self._at_most_once()
        self._no_overlap()
        self._one_per_slot()
        self._daily_cap()

    def _at_most_once(self) -> None:
        """Each appointment goes to at most one specialist (none = escalated)."""
        for mv in self.p.moves:
            if len(mv.options) > 1:
                self.m.add_at_most_one(self.x[mv.appointment_id, s] for s in mv.options)

    def _no_overlap(self) -> None:
        """A specialist holds one appointment at a time (FORMAT.md, a slot holds one)."""
        by_specialist: dict[str, list[Move]] = {}
        for mv in self.p.moves:
            for s in mv.options:
                by_specialist.setdefault(s, []).append(mv)
        for s, moves in by_specialist.items():
            moves.sort(key=lambda mv: mv.start)
            for i, a in enumerate(moves):
                for b in moves[i + 1 :]:
                    if b.start >= a.end:
                        break
                    self.m.add_at_most_one(
                        [self.x[a.appointment_id, s], self.x[b.appointment_id, s]]
                    )

    def _one_per_slot(self) -> None:
        """A free slot of a specialist holds one appointment, even without overlap in time."""
        for s, ids in self.p.shared_slots:
            self.m.add_at_most_one(self.x[a, s] for a in ids)

    def _daily_cap(self) -> None:
        """At most ``daily_cap`` appointments a day per specialist, existing ones included."""
        for (s, day), xs in self.loads.items():
            room = self.p.daily_cap - self.p.existing.get((s, day), 0)
            if len(xs) > room:
                self.m.add(sum(xs) <= max(0, room))

    def objective(self) -> dict[str, cp_model.LinearExprT]:
        """Minimise ``W_unmoved·Σ(1 − moved_a) + W_sub·Σ x[a,s≠sub(a)] + W_bal·Σ load[s,d]²``.

        ``load[s,d]`` = existing + moved counted appointments of ``s`` on ``d``: squared, so
        each further appointment costs more on a fuller day and the team's load evens out.
        The weights are far apart (lexicographic): as many moved as possible, then the
        named substitute, then balance. The square is counted in steps (:meth:`_day_load`).
        """
        p = self.p
        unmoved = sum(1 - self.moved[mv.appointment_id] for mv in p.moves)
        not_sub = sum(
            self.x[mv.appointment_id, s] for mv in p.moves for s in mv.options if s != mv.substitute
        )
        balance = sum(self._day_load(s, day, xs) for (s, day), xs in self.loads.items())
        terms = {"unmoved": unmoved, "not_substitute": not_sub, "balance": balance}
        self.m.minimize(
            p.w_unmoved * terms["unmoved"]
            + p.w_not_substitute * terms["not_substitute"]
            + p.w_balance * terms["balance"]
        )
        return terms

    def _day_load(self, s: str, day: dt.date, xs: list[cp_model.IntVar]) -> cp_model.LinearExprT:
        """``load² − base²`` of ``s`` on ``day`` as a sum of steps: the k-th appointment of
        the day costs ``2k − 1`` (``k² − (k−1)²``), one boolean per k above the existing
        ``base``, as many of them true as appointments moved there (the cap is
        :meth:`_daily_cap`'s).

        The steps cost more the higher they go, so the cheapest are the lowest: the sum is
        the square's increase exactly, and linear. The first version multiplied the load
        by itself; its bound was weak and a sick spell with 200 hand-overs ran into the
        time limit (issue 15), where this one proves the same optimum in a fraction of a
        second.
        """
        base = self.p.existing.get((s, day), 0)
        steps = [
            self.m.new_bool_var(f"step[{s},{day},{k}]") for k in range(base + 1, base + len(xs) + 1)
        ]
        self.m.add(sum(steps) == sum(xs))
        for lower, higher in itertools.pairwise(steps):
            self.m.add_implication(higher, lower)  # the k-th only after the (k-1)-th
        return sum((2 * k - 1) * y for k, y in enumerate(steps, start=base + 1))


def solve_reassignment(
    problem: ReassignProblem, *, time_limit: float = 10.0, seed: int = 0, workers: int = 1
) -> ReassignResult:
    """Build and solve the absence model; returns appointment id -> new specialist."""
    started = time.perf_counter()
    model = _Model(problem)
    model.constraints()
    terms = model.objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model.m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # by design the model is always feasible (every move is optional)
        raise RuntimeError(f"CP-SAT returned {_STATUS.get(status, status)} for the reassignment")
    assignment = {a: s for (a, s), var in model.x.items() if solver.boolean_value(var)}
    return ReassignResult(
        assignment=assignment,
        status=_STATUS[status],
        objective=round(solver.objective_value),
        bound=round(solver.best_objective_bound),
        seconds=time.perf_counter() - started,
        variables=len(model.x),
        terms={k: v if isinstance(v, int) else round(solver.value(v)) for k, v in terms.items()},
    )
