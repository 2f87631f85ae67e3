"""Decomposition: one CP-SAT model per specialist (processes) against one model of the office.

The weekly plan's subproblems are independent (each specialist books only their own
customers), so the monolithic model is their union with one objective. Both are built
from the same rule functions; the time is build + solve, the same machine, the same run.

    python benchmarks/decomposition.py [--scenario demo] [--weeks 1] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from ortools.sat.python import cp_model

from kontaktplan.io import read_scenario
from kontaktplan.planning.candidates import build_subproblems, horizon
from kontaktplan.planning.model import Constraints, Objective, Variables
from kontaktplan.planning.weekly import _solve_all

ROOT = Path(__file__).resolve().parent.parent


def monolithic(subs, time_limit: float, workers: int) -> dict:
    started = time.perf_counter()
    m = cp_model.CpModel()
    terms = []
    for sub in subs:
        v = Variables(m, sub)
        Constraints(m, sub, v).add_all()
        terms += Objective(m, sub, v).add_terms()
    m.minimize(sum(terms))
    built = time.perf_counter() - started
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = 2
    status = solver.solve(m)
    return {
        "how": f"monolithic, {workers} worker(s)",
        "status": solver.status_name(status),
        "objective": round(solver.objective_value),
        "bound": round(solver.best_objective_bound),
        "build_s": round(built, 2),
        "wall_s": round(time.perf_counter() - started, 2),
    }


def decomposed(subs, time_limit: float, workers: int) -> dict:
    started = time.perf_counter()
    results, _ = _solve_all(subs, "cpsat", time_limit, 0, workers, None)
    return {
        "how": f"per specialist, {workers} process(es)",
        "status": "/".join(sorted({r.status for r in results})),
        "objective": sum(r.objective for r in results),
        "bound": sum(r.bound for r in results),
        "wall_s": round(time.perf_counter() - started, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="demo")
    ap.add_argument("--weeks", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/decomposition.json")
    args = ap.parse_args()
    loaded = read_scenario(ROOT / "scenarios" / args.scenario)
    hz = horizon(loaded.scenario, loaded.policy, args.weeks)
    subs = build_subproblems(loaded.scenario, loaded.policy, hz)
    rows = [
        decomposed(subs, args.time_limit, 2),
        decomposed(subs, args.time_limit, 1),
        monolithic(subs, args.time_limit, 2),
        monolithic(subs, args.time_limit, 1),
    ]
    base = rows[0]["wall_s"]
    for r in rows:
        r["ratio_to_decomposed_2"] = round(r["wall_s"] / base, 2)
        print(json.dumps(r), flush=True)
    args.out.write_text(
        json.dumps({"scenario": args.scenario, "weeks": args.weeks, "runs": rows}, indent=1) + "\n"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
