"""Mutation check of the test suite over the rule modules (issue 11): realistic one-line
bugs, one at a time; a mutant is *killed* when the tests of its module fail.

    python3 benchmarks/mutation.py [--per-module N] [--seed S] [--timeout SEC]

Two kinds of mutants:

- *named*: the bugs issue 11 found unnoticed (daily cap off by one, half-day
  unavailability ignored, minimum gap ignored, replan voiding what it cannot move,
  ``cancel --on`` before the planning date, a standby call for an absent specialist,
  the no-show of an exempt customer escalated) and the planner's video booking after a
  no-show (issue 11.12);
- *generated*: a small mutator of our own over the tokens of each module (comparison
  flipped or loosened, ``and``/``or`` swapped, ``not`` dropped, ``True``/``False``
  flipped, an integer constant off by one, ``+``/``-`` swapped), a seeded sample of
  ``--per-module`` per module (every one of them with ``--per-module 0``). Two kinds of
  token are left alone because no mutation of them can change a result: a decorator's
  options (``frozen=True``) and a seed's default (``seed: int = 0``; every seed gives a
  valid result, and a test that needed one seed would pin solver luck).

Each mutant runs in a copy of ``src/`` with the tests that guard its module (``MODULES``:
every test module that checks its stage; ``-x``, a timeout counts as killed). The
samples change when a module changes (they are drawn from its list of mutants), so a
seed tuned against once is no longer a fresh sample. Results:
``benchmarks/results/mutation.json`` (``--out`` for another file).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = "src/kontaktplan"

# The test modules that check each stage: the validator's rules are also checked through
# the planner's trust tests and a planner's day, the disruption commands at the desk.
VALIDATION_TESTS = [
    "tests/test_validate.py",
    "tests/test_validate_disruption.py",
    "tests/test_named_bugs.py",
    "tests/test_plan_trust.py",
    "tests/test_day.py",
]
DISRUPTION_TESTS = [
    "tests/test_named_bugs.py",
    "tests/test_disruption.py",
    "tests/test_desk.py",
    "tests/test_day.py",
]
# module (under src/kontaktplan/) -> the tests that guard it
MODULES: dict[str, list[str]] = {
    "validation/checker.py": VALIDATION_TESTS,
    "validation/rules.py": VALIDATION_TESTS,
    "validation/disruption_rules.py": VALIDATION_TESTS,
    "disruption/bookable.py": DISRUPTION_TESTS,
    "disruption/actions.py": DISRUPTION_TESTS,
    "disruption/outcome.py": DISRUPTION_TESTS,
    "disruption/replan.py": DISRUPTION_TESTS,
    "rules/policy.py": ["tests/test_policy.py"],
    "rules/calendar.py": ["tests/test_calendar.py"],
}

NAMED: list[tuple[str, str, str, str]] = [
    (
        "daily cap off by one",
        "disruption/bookable.py",
        "if self.counted(sid, day) >= self.policy.booking.daily_cap:",
        "if self.counted(sid, day) > self.policy.booking.daily_cap:",
    ),
    (
        "half-day unavailability ignored",
        "disruption/bookable.py",
        "if req is None or not c.available(w.start, end):",
        "if req is None:",
    ),
    ("minimum gap ignored", "disruption/bookable.py", "if day < earliest:", "if False:"),
    (
        "replan voids a booking it cannot move",
        "disruption/replan.py",
        '            office.add(a)\n            out.escalations.append(Change.of("not_moved"',
        '            rows[a.appointment_id] = a.model_copy(update={"status": Status.voided})\n'
        '            out.escalations.append(Change.of("not_moved"',
    ),
    (
        "cancel --on before the planning date",
        "disruption/actions.py",
        "if on < scenario.today:",
        "if False:",
    ),
    (
        "standby call for an absent specialist",
        "disruption/actions.py",
        "    if not office.open_day(w.specialist_id, w.day):\n"
        '        out.notes.append(f"no standby',
        '    if False:\n        out.notes.append(f"no standby',
    ),
    (
        "no-show of an exempt customer escalated",
        "disruption/actions.py",
        "    if c.exempt is not None:\n        out.notes.append(",
        "    if False:\n        out.notes.append(",
    ),
    (
        "plan books video after a no-show hidden by a cancelled re-invitation",
        "planning/candidates.py",
        "    owed = False\n    for a in sorted(history, key=lambda a: a.start):",
        "    last = [a for a in history if a.kind is not Kind.phone_consultation]\n"
        "    return bool(last) and last[-1].status is Status.no_show\n"
        "    for a in sorted(history, key=lambda a: a.start):",
    ),
]
NAMED_TESTS = {"planning/candidates.py": ["tests/test_named_bugs.py"]}

_SWAP = {
    "<": ["<=", ">"],
    "<=": ["<", ">="],
    ">": [">=", "<"],
    ">=": [">", "<="],
    "==": ["!="],
    "!=": ["=="],
    "+": ["-"],
    "-": ["+"],
}


def generated(source: str) -> list[tuple[str, str]]:
    """(description, mutated source) for every token-level mutation of ``source``."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out: list[tuple[str, str]] = []
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, tok in enumerate(tokens):
        (row, col), (erow, ecol) = tok.start, tok.end
        if row <= len(lines) and lines[row - 1].lstrip().startswith("@"):
            continue  # a decorator's options (frozen=True) change no result: equivalent
        a, b = starts[row - 1] + col, starts[erow - 1] + ecol
        here = f"line {row}: "
        replacements: list[str] = []
        if tok.type == tokenize.OP and tok.string in _SWAP:
            prev = tokens[i - 1]
            if tok.string == "-" and prev.type == tokenize.OP and prev.string in "(,=[:":
                continue  # a unary minus
            replacements = _SWAP[tok.string]
        elif tok.type == tokenize.NAME and tok.string in ("and", "or"):
            replacements = ["or" if tok.string == "and" else "and"]
        elif tok.type == tokenize.NAME and tok.string in ("True", "False"):
            replacements = ["False" if tok.string == "True" else "True"]
        elif tok.type == tokenize.NAME and tok.string == "not":
            nxt = tokens[i + 1]
            if nxt.string == "in":
                continue
            replacements = [""]
        elif tok.type == tokenize.NUMBER and tok.string.isdigit() and not _seed_default(tokens, i):
            replacements = [str(int(tok.string) + 1)]
        for new in replacements:
            shown = lines[row - 1].strip()
            out.append(
                (
                    f"{here}{tok.string!r} -> {new!r} in `{shown[:90]}`",
                    source[:a] + new + source[b:],
                )
            )
    return out


def _seed_default(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """Token ``i`` is the default of a seed (``seed: int = 0``, ``seed=0``): every seed
    gives a valid result, so another default breaks no rule (an equivalent mutant)."""
    before = [t.string for t in tokens[max(0, i - 4) : i]]
    return "seed" in before and before[-1] == "="


def run_tests(src: Path, tests: list[str], timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(src), "KONTAKTPLAN_CACHE": str(src.parent / "cache")}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return "killed (timeout)"
    return "survived" if proc.returncode == 0 else "killed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-module", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--skip-named", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/mutation.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kpmut-"))
    src = work / "src"
    shutil.copytree(ROOT / "src", src)
    shutil.copytree(ROOT / "models", work / "models")  # the bundled rule sets, found from src
    for tests in sorted({tuple(t) for t in [*MODULES.values(), *NAMED_TESTS.values()]}):
        # the unmutated copy must pass, or every mutant would count as killed
        if run_tests(src, list(tests), args.timeout) != "survived":
            sys.exit(f"the tests {' '.join(tests)} fail without any mutation: fix them first")
    started = time.perf_counter()
    rng = random.Random(args.seed)
    results: dict = {"named": [], "generated": {}}

    def one(module: str, text: str, tests: list[str]) -> str:
        path = src / "kontaktplan" / module
        original = path.read_text(encoding="utf-8")
        path.write_text(text, encoding="utf-8")
        try:
            return run_tests(src, tests, args.timeout)
        finally:
            path.write_text(original, encoding="utf-8")

    if not args.skip_named:
        for name, module, old, new in NAMED:
            text = (ROOT / PKG / module).read_text(encoding="utf-8")
            assert text.count(old) == 1, (name, text.count(old))
            tests = NAMED_TESTS.get(module, MODULES.get(module, []))
            verdict = one(module, text.replace(old, new), tests)
            results["named"].append({"bug": name, "module": module, "result": verdict})
            print(f"named: {name}: {verdict}", flush=True)

    for module, tests in MODULES.items():
        text = (ROOT / PKG / module).read_text(encoding="utf-8")
        mutants = generated(text)
        total = len(mutants)
        if args.per_module:
            mutants = rng.sample(mutants, min(args.per_module, total))
        rows = []
        for desc, mutated in mutants:
            verdict = one(module, mutated, tests)
            rows.append({"mutant": desc, "result": verdict})
            print(f"{module}: {verdict}: {desc}", flush=True)
        killed = sum(r["result"].startswith("killed") for r in rows)
        results["generated"][module] = {
            "mutants_in_module": total,
            "tried": len(rows),
            "killed": killed,
            "survivors": [r["mutant"] for r in rows if r["result"] == "survived"],
        }
    shutil.rmtree(work, ignore_errors=True)
    tried = sum(m["tried"] for m in results["generated"].values())
    killed = sum(m["killed"] for m in results["generated"].values())
    named_killed = sum(r["result"].startswith("killed") for r in results["named"])
    results["summary"] = {
        "named_killed": f"{named_killed} of {len(results['named'])}",
        "generated_tried": tried,
        "generated_killed": killed,
        "generated_score": round(killed / tried, 3) if tried else None,
        "sample": "all"
        if not args.per_module
        else f"{args.per_module} per module, seed {args.seed}",
        "seconds": round(time.perf_counter() - started),
        "command": " ".join(["python3", "benchmarks/mutation.py", *sys.argv[1:]]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results["summary"], indent=1))


if __name__ == "__main__":
    main()
