"""Do two revisions plan the same? For refactors that must not change behaviour.

Checks out ``--base`` (a git revision, default ``HEAD``) into a temporary worktree, plans
the bundled offices with it and with the working tree, and compares the written folders
file by file (``plan.json`` without its timings). Prints one line per file and writes
``benchmarks/results/same_plans.json``; exit 1 if any file differs.

    python3 benchmarks/same_plans.py --base 6eff960
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "demo-1w": ["scenarios/demo"],
    "demo-4w": ["scenarios/demo", "--weeks", "4"],
    "jobcenter-1w": ["scenarios/jobcenter"],
}
TIMINGS = {"seconds", "time"}


def _without_timings(data: object) -> object:
    if isinstance(data, dict):
        return {k: _without_timings(v) for k, v in data.items() if k not in TIMINGS}
    if isinstance(data, list):
        return [_without_timings(v) for v in data]
    return data


def _plan(tree: Path, args: list[str], out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "kontaktplan", "plan", *args, "--out", str(out), "--quiet"]
    subprocess.run(command, cwd=tree, env=env, check=True)


def _same(a: Path, b: Path) -> bool:
    if a.name == "plan.json":
        load = json.loads
        return _without_timings(load(a.read_text())) == _without_timings(load(b.read_text()))
    return a.read_bytes() == b.read_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare with")
    args = parser.parse_args()
    results: dict[str, dict[str, bool]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(base), args.base], cwd=ROOT, check=True
        )
        try:
            for name, run in RUNS.items():
                before, after = Path(tmp) / f"{name}-before", Path(tmp) / f"{name}-after"
                _plan(base, run, before)
                _plan(ROOT, run, after)
                files = sorted(
                    {p.name for p in before.iterdir()} | {p.name for p in after.iterdir()}
                )
                results[name] = {
                    f: (before / f).is_file()
                    and (after / f).is_file()
                    and _same(before / f, after / f)
                    for f in files
                }
                for f, same in results[name].items():
                    print(f"{name} {f}: {'same' if same else 'DIFFERENT'}")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True
            )
    out = ROOT / "benchmarks" / "results" / "same_plans.json"
    out.write_text(json.dumps({"base": args.base, "runs": results}, indent=1) + "\n")
    return 0 if all(all(r.values()) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
