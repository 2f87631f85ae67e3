"""Benchmark of the weekly plan: CP-SAT against the greedy baseline, in the same run.

Runs ``kontaktplan plan`` as a user would (a whole command, reading and writing the
folders) on the bundled scenarios, 1- and 4-week horizons, and records wall time, peak
memory, objective, bound, gap, missed deadlines, target shortfall and spread; each plan
is checked with the independent validator. Results go to ``benchmarks/results/plan.json``.

    python benchmarks/plan_benchmark.py [--scenario demo --scenario jobcenter] [--weeks 1 --weeks 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {  # (scenario, weeks) -> (max seconds, max gap) for CP-SAT, from issue 3
    ("demo", 1): (3.0, 0.001),
    ("demo", 4): (3.0 * 4, 0.01),
    ("jobcenter", 1): (15.0, 0.001),
    ("jobcenter", 4): (90.0, 0.01),
}


def run_command(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak resident memory (KiB, the process tree) and exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.read().decode())
    return seconds, usage.ru_maxrss, proc.returncode


def measure(scenario: str, weeks: int, solver: str, out: Path, time_limit: float) -> dict:
    folder = ROOT / "scenarios" / scenario
    cmd = [
        sys.executable,
        "-m",
        "kontaktplan",
        "plan",
        str(folder),
        "--out",
        str(out),
        "--weeks",
        str(weeks),
        "--solver",
        solver,
        "--quiet",
        "--time-limit",
        str(time_limit),
    ]
    seconds, rss, code = run_command(cmd)
    row = {
        "scenario": scenario,
        "weeks": weeks,
        "solver": solver,
        "exit": code,
        "wall_s": round(seconds, 3),
        "peak_mem_mib": round(rss / 1024, 1),
    }
    if code != 0:
        return row
    plan = json.loads((out / "plan.json").read_text())
    weeks_rows = [w for sp in plan["specialists"] for w in sp["weeks"]]
    row.update(
        status=plan["status"],
        objective=plan["objective"],
        bound=plan["bound"],
        gap=plan["gap"],
        bookings=plan["bookings"],
        deadlines=plan["deadlines_summary"],
        missed=plan["deadlines_summary"].get("missed", 0),
        late=plan["deadlines_summary"].get("late", 0),
        shortfall=sum(max(0, w["target"] - w["booked"]) for w in weeks_rows),
        max_spread=max((w["spread"] for w in weeks_rows), default=0),
        mean_spread=round(sum(w["spread"] for w in weeks_rows) / max(1, len(weeks_rows)), 3),
    )
    from kontaktplan.io import read_scenario
    from kontaktplan.planning.objective import TERMS  # noqa: F401  (same objective for both solvers)
    from kontaktplan.validation import validate

    loaded = read_scenario(out)
    report = validate(loaded.scenario, loaded.policy)
    row["violations"] = len(report.violations)
    # the validator's own spread figures: weeks booked today, how many above 1, and how
    # many more uneven than their free slots forced (rule `spread`, issue 10)
    booked = [w for w in report.figures["weeks"] if w.get("new")]
    row["validator_max_spread"] = max((w["spread"] for w in booked), default=0)
    row["weeks_spread_above_1"] = sum(1 for w in booked if w["spread"] > 1)
    row["weeks_uneven_not_forced"] = sum(
        1 for w in booked if w["spread"] > w.get("forced_spread", w["spread"])
    )
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--scenario", action="append", help="bundled scenario(s), default demo+jobcenter"
    )
    ap.add_argument("--weeks", action="append", type=int, help="horizon(s), default 1 and 4")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per specialist model")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "plan.json")
    args = ap.parse_args()
    rows, checks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in args.scenario or ["demo", "jobcenter"]:
            for weeks in args.weeks or [1, 4]:
                pair = {}
                for solver in ("greedy", "cpsat"):
                    row = measure(
                        scenario,
                        weeks,
                        solver,
                        Path(tmp) / f"{scenario}-{weeks}-{solver}",
                        args.time_limit,
                    )
                    rows.append(row)
                    pair[solver] = row
                    print(json.dumps(row), flush=True)
                g, c = pair["greedy"], pair["cpsat"]
                limit_s, limit_gap = TARGETS.get((scenario, weeks), (float("inf"), 1.0))
                checks.append(
                    {
                        "scenario": scenario,
                        "weeks": weeks,
                        "time_ratio_cpsat_vs_greedy": round(
                            c["wall_s"] / max(1e-9, g["wall_s"]), 2
                        ),
                        "wall_s_ok": c["wall_s"] <= limit_s,
                        "gap_ok": c.get("gap") is not None and c["gap"] <= limit_gap,
                        "missed_not_worse": c.get("missed", 1e9) <= g.get("missed", 0),
                        "shortfall_not_worse": c.get("shortfall", 1e9) <= g.get("shortfall", 0),
                        "objective_better": c.get("objective", 1e18) < g.get("objective", 0),
                        "both_validate": c.get("violations") == 0 and g.get("violations") == 0,
                    }
                )
                print(json.dumps(checks[-1]), flush=True)
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # other jobs on the machine inflate the wall times: the load when the run ended
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "runs": rows,
        "checks": checks,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")
    return (
        0
        if all(
            all(
                v
                for k, v in c.items()
                if k.endswith("_ok")
                or k.endswith("worse")
                or k.endswith("better")
                or k.startswith("both")
            )
            for c in checks
        )
        else 1
    )


if __name__ == "__main__":
    raise SystemExit(main())
