"""The plan command's time against an earlier revision, measured back to back.

Checks out ``--base`` into a temporary worktree (or uses ``--base-tree``, an existing
checkout) and runs ``kontaktplan plan scenarios/jobcenter --weeks N`` with each tree's own
code and bundled office, interleaved (base, this tree, base, this tree ... with the
order swapped every other round), so that the load of a shared machine falls on both
alike. Records per run the wall time and the CPU time of the whole process tree (user
+ system, which the other jobs of a loaded machine disturb much less than the wall
time), and per round the 1-minute load average; prints the medians and their ratios.
Each written plan is checked with the independent validator of its own tree. Results
go to ``benchmarks/results/back_to_back.json``.

    python3 benchmarks/back_to_back.py --base 6eff960 [--weeks 1 --weeks 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(tree: Path, args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the process and its children) and exit code."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kontaktplan", *args],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.stderr.write(proc.stderr.read().decode())
    return wall, usage.ru_utime + usage.ru_stime, code


def _measure(tree: Path, weeks: int, out: Path, time_limit: float) -> dict:
    plan = ["plan", "scenarios/jobcenter", "--out", str(out), "--weeks", str(weeks)]
    wall, cpu, code = _run(tree, [*plan, "--quiet", "--time-limit", str(time_limit)])
    valid = _run(tree, ["validate", str(out), "--quiet"])[2] == 0 if code == 0 else False
    status = json.loads((out / "plan.json").read_text())["status"] if code == 0 else None
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "status": status, "valid": valid}


def summarise(rows: list[dict], weeks_list: list[int]) -> dict[str, dict]:
    """Medians per tree and horizon, their ratios (this / base) and the load average."""
    summary = {}
    for weeks in weeks_list:
        runs = [r for r in rows if r["weeks"] == weeks]
        med = {
            (name, key): round(statistics.median(r[key] for r in runs if r["tree"] == name), 2)
            for name in ("base", "this")
            for key in ("wall_s", "cpu_s")
        }
        summary[f"{weeks}w"] = {
            "base_wall_s": med["base", "wall_s"],
            "this_wall_s": med["this", "wall_s"],
            "wall_ratio": round(med["this", "wall_s"] / med["base", "wall_s"], 3),
            "base_cpu_s": med["base", "cpu_s"],
            "this_cpu_s": med["this", "cpu_s"],
            "cpu_ratio": round(med["this", "cpu_s"] / med["base", "cpu_s"], 3),
            "load1_median": round(statistics.median(r["load1"] for r in runs), 2),
            "load1_range": [round(f(r["load1"] for r in runs), 2) for f in (min, max)],
            "all_optimal": all(r["status"] == "OPTIMAL" for r in runs),
            "all_valid": all(r["valid"] for r in runs),
        }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="6eff960", help="git revision to compare with")
    parser.add_argument("--base-tree", type=Path, help="an existing checkout of the base")
    parser.add_argument("--weeks", type=int, action="append", help="default: 1 and 4")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    weeks_list = args.weeks or [1, 4]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.base_tree
        if base is None:
            base = Path(tmp) / "base"
            subprocess.run(
                ["git", "worktree", "add", "-q", "--detach", str(base), args.base],
                cwd=ROOT,
                check=True,
            )
        trees = {"base": base.resolve(), "this": ROOT}
        try:
            for weeks in weeks_list:
                for r in range(args.rounds):
                    order = ["base", "this"] if r % 2 == 0 else ["this", "base"]
                    for name in order:
                        out = Path(tmp) / f"{name}-{weeks}-{r}"
                        row = _measure(trees[name], weeks, out, args.time_limit)
                        row.update(tree=name, weeks=weeks, round=r, load1=os.getloadavg()[0])
                        rows.append(row)
                        print(json.dumps(row), flush=True)
        finally:
            if args.base_tree is None:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True
                )
    summary = summarise(rows, weeks_list)
    for weeks in weeks_list:
        print(f"{weeks} week(s): {json.dumps(summary[f'{weeks}w'])}")
    out = ROOT / "benchmarks" / "results" / "back_to_back.json"
    this = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    payload = {
        "base": args.base,
        "this": this,
        "rounds": args.rounds,
        "summary": summary,
        "runs": rows,
    }
    out.write_text(json.dumps(payload, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
