"""The long fuzzer run (issue 11): mutated scenario folders and output paths against every
command, counted by failure class; writes ``benchmarks/results/fuzz.json``.

    python3 benchmarks/fuzz.py --examples 10000 [--seed 1]

The mutations and properties are those of ``tests/fuzz/fuzzing.py`` (the default test
run tries a fixed 200 of them).
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / p) for p in ("src", "tests/fuzz", "tests")]

from fuzzing import base_folder, cases, run_case  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "fuzz.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kpfb-", dir="/tmp"))
    base = base_folder(work)
    counts: collections.Counter[str] = collections.Counter()
    by_command: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    examples: dict[str, str] = {}
    started = time.perf_counter()

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed)
    @given(case=cases())
    def run(case) -> None:
        root = Path(tempfile.mkdtemp(prefix="c-", dir=work))
        try:
            failure = run_case(case, root, base)
        except Exception as e:  # the harness itself: counted, never hidden
            failure = f"harness error: {type(e).__name__}: {e}"
        finally:
            shutil.rmtree(root, ignore_errors=True)
        cls = "clean" if failure is None else failure.split(":")[0]
        counts[cls] += 1
        by_command[case.command][cls] += 1
        if failure is not None and cls not in examples:
            examples[cls] = f"{failure} | {case.describe()}"[:400]
        if sum(counts.values()) % 200 == 0:
            print(f"{sum(counts.values())} tried: {dict(counts)}", flush=True)

    run()
    shutil.rmtree(work, ignore_errors=True)
    tried = sum(counts.values())
    result = {
        "tried": tried,
        "clean": counts["clean"],
        "failures_by_class": {k: v for k, v in sorted(counts.items()) if k != "clean"},
        "by_command": {k: dict(v) for k, v in sorted(by_command.items())},
        "first_example_of_each_failure": examples,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "command": f"python3 benchmarks/fuzz.py --examples {args.examples} --seed {args.seed}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("tried", "clean", "failures_by_class")}, indent=1))


if __name__ == "__main__":
    main()
