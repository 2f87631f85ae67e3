"""Benchmark of the simulated year (issue 15).

1. One jobcenter-size office (``scenarios/jobcenter``: 60 specialists, 10 640 customers)
   simulated for ``--weeks`` weeks in this process: the time per simulated week against
   the time of the week's ``plan`` in the same run (target: the simulation's overhead
   beyond planning at most 30 %), and the peak memory (RSS) of the process.
   52 weeks take long on a shared 2-core machine; with fewer weeks the year is
   extrapolated from the steady weeks (after the warm-up) and the JSON says so.
2. Eight small synthetic offices (``--small-specialists`` case workers each) as Ray
   tasks on 1 and on 2 workers (target: speed-up at least 1.7 on 2 cores). Ray is started
   before the clock runs, so the speed-up is that of the tasks.

From the measured rate the JSON states what a national run (400 offices, 24 000 case
workers, 52 weeks) takes on N cores. Results go to ``benchmarks/results/simulate.json``.

    python benchmarks/simulate_benchmark.py [--weeks 6] [--small-weeks 4] [--rounds 2]
                                            [--skip-ray] [--skip-jobcenter]

The machine's load average is recorded: on a shared machine other work slows both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kontaktplan.io import read_scenario  # noqa: E402
from kontaktplan.simulate import load_settings, simulate_office  # noqa: E402
from kontaktplan.simulate.backends import Task, run_ray  # noqa: E402
from kontaktplan.simulate.offices import OfficeSpec  # noqa: E402

NATIONAL = {"offices": 400, "specialists": 24_000, "weeks": 52}


def jobcenter(weeks: int, warmup: int) -> dict:
    loaded = read_scenario(ROOT / "scenarios" / "jobcenter")
    settings = load_settings()
    started = time.perf_counter()
    rows, timing, final = simulate_office(
        loaded.scenario, loaded.policy, settings, weeks=weeks, seed=1
    )
    total = time.perf_counter() - started
    steady = slice(min(warmup, weeks - 1), None)
    week_s = timing.week_seconds[steady]
    plan_s = timing.plan_seconds_per_week[steady]
    per_week, plan_per_week = statistics.mean(week_s), statistics.mean(plan_s)
    overhead = (per_week - plan_per_week) / plan_per_week
    density = [r["density"] for r in rows if r["group"] == "all" and r["week"] >= warmup]
    return {
        "scenario": "jobcenter",
        "specialists": len(loaded.scenario.specialists),
        "customers": len(loaded.scenario.customers),
        "weeks": weeks,
        "wall_s": round(total, 1),
        "steady_weeks": len(week_s),
        "seconds_per_week": round(per_week, 2),
        "plan_seconds_per_week": round(plan_per_week, 2),
        "overhead_beyond_plan": round(overhead, 2),
        "overhead_target": 0.30,
        "overhead_met": overhead <= 0.30,
        "week_seconds": [round(x, 2) for x in timing.week_seconds],
        "plan_seconds": [round(x, 2) for x in timing.plan_seconds_per_week],
        "year_s_extrapolated": round(per_week * 52, 0),
        "extrapolated": weeks < 52,
        "peak_mem_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "mean_density_all": round(statistics.mean(density), 3) if density else None,
        "customers_at_end": len(final.customers),
    }


def ray_speedup(n_offices: int, specialists: int, weeks: int, rounds: int) -> dict:
    """Ray on 1 and on 2 workers, taking turns ``rounds`` times (a busy spell of the
    machine falls on both alike); the fastest round of each is compared."""
    import ray

    settings = load_settings()
    offices = [
        OfficeSpec(name=f"small-{i}", specialists=specialists, customers_per_specialist=200, seed=i)
        for i in range(n_offices)
    ]
    tasks = [Task(o, 0, 1, weeks, settings) for o in offices]
    out: dict = {"offices": n_offices, "specialists": specialists, "weeks": weeks}
    walls: dict[int, list[float]] = {1: [], 2: []}
    rows_by_workers = {}
    for _ in range(rounds):
        for workers in (1, 2):
            ray.init(num_cpus=workers, include_dashboard=False, logging_level="ERROR")
            got = []
            started = time.perf_counter()
            run_ray(tasks, got.append)
            walls[workers].append(round(time.perf_counter() - started, 1))
            cpu = sum(r.cpu_seconds for r in got)
            out.setdefault(f"task_cpu_s_{workers}_workers", []).append(round(cpu, 1))
            # busy share of the workers' cores: 1.0 = each worker computed all the time
            out.setdefault(f"cpu_share_{workers}_workers", []).append(
                round(cpu / (walls[workers][-1] * workers), 2)
            )
            ray.shutdown()
            out[f"peak_mib_per_task_{workers}_workers"] = round(max(r.peak_mib for r in got), 1)
            rows_by_workers[workers] = sorted(
                tuple(sorted(row.items())) for r in got for row in r.rows
            )
    for workers in (1, 2):
        out[f"wall_s_{workers}_workers"] = walls[workers]
    out["speedup"] = round(min(walls[1]) / min(walls[2]), 2)
    out["speedup_target"] = 1.7
    out["speedup_met"] = out["speedup"] >= 1.7
    out["same_rows_on_1_and_2_workers"] = rows_by_workers[1] == rows_by_workers[2]
    return out


def local_speedup(n_offices: int, specialists: int, weeks: int, rounds: int) -> dict:
    """The same tasks in local processes on 1 and 2 workers (the default backend), taking
    turns: whether the machine gives a second core at all."""
    from kontaktplan.simulate.backends import run_local

    settings = load_settings()
    offices = [
        OfficeSpec(f"small-{i}", specialists=specialists, customers_per_specialist=200, seed=i)
        for i in range(n_offices)
    ]
    tasks = [Task(o, 0, 1, weeks, settings) for o in offices]
    out: dict = {}
    for _ in range(rounds):
        for workers in (1, 2):
            got = []
            started = time.perf_counter()
            run_local(tasks, got.append, workers=workers)
            wall = time.perf_counter() - started
            cpu = sum(r.cpu_seconds for r in got)
            out.setdefault(f"wall_s_{workers}_workers", []).append(round(wall, 1))
            out.setdefault(f"cpu_share_{workers}_workers", []).append(
                round(cpu / wall / workers, 2)
            )
    out["speedup"] = round(min(out["wall_s_1_workers"]) / min(out["wall_s_2_workers"]), 2)
    return out


def _burn(n: int) -> float:
    started = time.process_time()
    total = 0
    for i in range(n):
        total += i
    return time.process_time() - started


def machine_check(n: int = 15_000_000) -> dict:
    """Pure Python busy loops, two of them, in 1 and in 2 processes: how much of its two
    cores the machine gives this run (2 processes should take about half the wall time)."""
    import multiprocessing as mp

    out: dict = {}
    for workers in (1, 2):
        started = time.perf_counter()
        with mp.Pool(workers) as pool:
            cpu = sum(pool.map(_burn, [n, n]))
        wall = time.perf_counter() - started
        out[f"wall_s_{workers}_processes"] = round(wall, 2)
        out[f"cores_used_{workers}_processes"] = round(cpu / wall, 2)
    out["speedup"] = round(out["wall_s_1_processes"] / out["wall_s_2_processes"], 2)
    return out


def national(job: dict) -> dict:
    """A national run from the jobcenter's rate: seconds per specialist-week, times the
    national specialist-weeks, over N cores (one office-replication per core)."""
    per_specialist_week = job["seconds_per_week"] / job["specialists"]
    core_seconds = per_specialist_week * NATIONAL["specialists"] * NATIONAL["weeks"]
    return {
        **NATIONAL,
        "seconds_per_specialist_week": round(per_specialist_week, 3),
        "core_hours": round(core_seconds / 3600, 1),
        "hours_on_cores": {str(n): round(core_seconds / 3600 / n, 2) for n in (2, 16, 64, 256)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weeks", type=int, default=6)
    ap.add_argument("--small-weeks", type=int, default=4)
    ap.add_argument("--small-specialists", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--skip-jobcenter", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "simulate.json")
    args = ap.parse_args()
    settings = load_settings()
    result: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        },
        "command": "python benchmarks/simulate_benchmark.py " + " ".join(sys.argv[1:]),
    }
    result["machine_check"] = machine_check()
    if not args.skip_ray:
        result["ray"] = ray_speedup(8, args.small_specialists, args.small_weeks, args.rounds)
        result["local"] = local_speedup(8, args.small_specialists, args.small_weeks, args.rounds)
        print(json.dumps(result["ray"], indent=1), flush=True)
    if not args.skip_jobcenter:
        result["jobcenter"] = jobcenter(args.weeks, settings.planning.warmup_weeks)
        result["national"] = national(result["jobcenter"])
    result["machine"]["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    if args.out.is_file() and (args.skip_ray or args.skip_jobcenter):  # keep the other part
        kept = json.loads(args.out.read_text(encoding="utf-8"))
        result = {**kept, **result, "machine": result["machine"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
