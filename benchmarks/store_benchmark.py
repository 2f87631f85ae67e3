"""Benchmark of the office workspace (issue 13) on the bundled office, as users run it.

``scenarios/jobcenter`` planned for two weeks (``kontaktplan plan --weeks 2``, ~18k
appointment rows) is imported into a workspace on SQLite and on PostgreSQL (when a server
answers at ``KONTAKTPLAN_TEST_PG``). Whole commands run as subprocesses:

- ``cancel`` with backfill duty, in the workspace and on the folder, taking turns
  (``--repeat`` times each, different bookings; median held to the targets: ≤ 0.25 s and
  ≤ 0.35 × the folder-mode cancel of the same run);
- ``status ... held`` in the workspace (target ≤ 0.2 s);
- both again through the resident process (``kontaktplan resident start``), which keeps
  the program loaded and forks a copy per command: the same command without Python's and
  the libraries' start;
- ``plan --weeks 1`` on the unplanned office, workspace against folder, ``--repeat``
  rounds taking turns, the ratio of the medians (≤ 1.1 ×);
- 8 processes doing 200 random cancels, no-shows and statuses between them, on their own
  and through the resident process: each exits 0 (committed; also after running again
  because a new booking's id was taken meanwhile, counted), 3 (conflict, nothing written)
  or 2 (refused: the booking was changed by an earlier action, e.g. cancelled already);
  the final state must equal the import replayed with every event's changes, and the
  validator must pass. Throughput is reported.

Results go to ``benchmarks/results/store.json`` (or ``--out``).

    python benchmarks/store_benchmark.py [--repeat 5] [--time-limit 5] [--actions 200]
        [--parts single,plan,concurrent,phases] [--out RESULTS.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGETS = {"cancel_s": 0.25, "cancel_ratio": 0.35, "status_s": 0.2, "plan_ratio": 1.1}
PG = os.environ.get("KONTAKTPLAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ON = "2026-12-04"  # every cancellation comes in on this day (10+ days before the bookings)
AFTER = "2026-12-07T23:00"  # outcomes and no-shows of the first planned day come in then


def kp(
    *args: str, db: str | None = None, env: dict | None = None, resident: str | None = None
) -> tuple[float, int, str]:
    """Run ``kontaktplan ARGS`` (in the workspace ``db`` if given; through the resident
    process at the socket ``resident`` if given, else on its own): seconds, exit, stderr."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    environment["KONTAKTPLAN_RESIDENT"] = resident or "off"
    environment.pop("KONTAKTPLAN_DB", None)
    if db:
        environment["KONTAKTPLAN_DB"] = db
    started = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "kontaktplan", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    return time.perf_counter() - started, p.returncode, p.stderr


def must(*args: str, db: str | None = None, resident: str | None = None) -> float:
    seconds, code, err = kp(*args, db=db, resident=resident)
    if code != 0:
        raise SystemExit(f"kontaktplan {' '.join(args)}: exit {code}\n{err}")
    return seconds


LIBRARIES = "import sqlalchemy, pydantic, typer"


def libraries() -> float:
    """Seconds a bare interpreter takes to load the libraries every workspace command
    needs: the floor under any such command."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", LIBRARIES], check=True)
    return time.perf_counter() - started


def compiled() -> None:
    """Byte-compile the package, as ``pip install`` does: the commands are timed as a user
    runs them, not compiling every module on each start (this machine sets
    PYTHONDONTWRITEBYTECODE, so nothing would be cached otherwise)."""
    import compileall

    compileall.compile_dir(ROOT / "src" / "kontaktplan", quiet=1)


def stats(walls: list[float]) -> dict:
    walls = sorted(walls)
    return {
        "wall_s": round(statistics.median(walls), 3),
        "min_s": round(walls[0], 3),
        "max_s": round(walls[-1], 3),
        "samples": len(walls),
    }


def planned(folder: Path) -> list[dict[str, str]]:
    with open(folder / "appointments.csv", newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["status"] == "planned"]


def pg_url(schema: str) -> str | None:
    """A fresh schema on the PostgreSQL server, or None when none answers."""
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG, connect_args={"connect_timeout": 3})
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
    except Exception as e:
        print(f"PostgreSQL skipped: {e}", file=sys.stderr)
        return None
    return f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{schema}"


def drop_schemas() -> None:
    """Leave the PostgreSQL server as found: drop the benchmark's schemas."""
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG, connect_args={"connect_timeout": 3})
        with engine.begin() as conn:
            q = "SELECT schema_name FROM information_schema.schemata"
            for (name,) in conn.execute(text(q)).all():
                if name.startswith("kp_bench_"):
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        engine.dispose()
    except Exception as e:
        print(f"PostgreSQL schemas not dropped: {e}", file=sys.stderr)


def workspaces(tmp: Path, name: str) -> dict[str, str]:
    out = {"sqlite": f"sqlite:///{tmp / f'{name}.db'}"}
    pg = pg_url(f"kp_bench_{name}")
    if pg:
        out["postgresql"] = pg
    return out


def fresh(url: str, folder: Path) -> float:
    """Init the workspace and import the folder; the import's seconds."""
    must("db", "init", "--db", url, "-q")
    return must("db", "import", str(folder), "--db", url, "-q")


def bench_cancel_status(plan: Path, tmp: Path, repeat: int) -> dict:
    rows = planned(plan)
    later = [r["appointment_id"] for r in rows if r["start"] >= "2026-12-14"]
    first_day = [r["appointment_id"] for r in rows if r["start"].startswith("2026-12-07")]
    rng = random.Random(13)
    result: dict = {}
    dbs = workspaces(tmp, "single")
    for name, url in dbs.items():
        result[name] = {"import_s": round(fresh(url, plan), 3)}
    sock = start_resident()
    folder_walls: list[float] = []
    db_walls: dict[tuple[str, str], list[float]] = {}
    try:
        for _ in range(repeat):
            ident = rng.choice(later)
            later.remove(ident)
            out = tmp / "cancelled"
            shutil.rmtree(out, ignore_errors=True)
            folder_walls.append(
                must("cancel", str(plan), ident, "--on", ON, "--out", str(out), "-q")
            )
            for name, url in dbs.items():
                for how, via in (("", None), ("_resident", sock)):
                    if via:  # another booking: the first one is cancelled now
                        ident = rng.choice(later)
                        later.remove(ident)
                    seconds = must("cancel", ident, "--on", ON, "-q", db=url, resident=via)
                    db_walls.setdefault((name, how), []).append(seconds)
        result["folder_cancel"] = stats(folder_walls)
        folder = result["folder_cancel"]["wall_s"]
        middle = len(first_day) // 2
        for name, url in dbs.items():
            for k, (how, via) in enumerate((("", None), ("_resident", sock))):
                c = stats(db_walls[name, how])
                c["ratio_to_folder"] = round(c["wall_s"] / folder, 3)
                c["meets_target"] = (
                    c["wall_s"] <= TARGETS["cancel_s"]
                    and c["ratio_to_folder"] <= TARGETS["cancel_ratio"]
                )
                some = first_day[middle + k * repeat : middle + (k + 1) * repeat]
                walls = [
                    must("status", i, "held", "--on", AFTER, "-q", db=url, resident=via)
                    for i in some
                ]
                s = stats(walls)
                s["meets_target"] = s["wall_s"] <= TARGETS["status_s"]
                result[name] |= {f"cancel{how}": c, f"status{how}": s}
            result[name]["validate_exit"] = kp("validate", "-q", db=url)[1]
    finally:
        kp("resident", "stop", resident=sock)
    return result


def start_resident() -> str:
    """A resident process (``kontaktplan resident start``) on a socket of its own."""
    sock = os.path.join(tempfile.mkdtemp(prefix="kpr"), "r.sock")
    _, code, err = kp("resident", "start", resident=sock)
    if code != 0:
        raise SystemExit(f"kontaktplan resident start: exit {code}\n{err}")
    return sock


def bench_plan(tmp: Path, time_limit: float, workers: int, repeat: int) -> dict:
    """``plan --weeks 1`` on the unplanned office, in a freshly imported workspace against
    the folder, ``repeat`` rounds taking turns (the solve's time varies from run to run:
    one round alone gave ratios from ×0.66 to ×1.19); the ratio of the medians."""
    office = ROOT / "scenarios" / "jobcenter"
    solve = ["--weeks", "1", "--time-limit", str(time_limit), "--workers", str(workers), "-q"]
    walls: dict[str, list[float]] = {"folder": []}
    for round_ in range(repeat):
        dbs = workspaces(tmp, f"plan{round_}")  # new ones: a plan fills the week
        for name, url in dbs.items():
            walls.setdefault(name, [])
            fresh(url, office)
        order, k = ["folder", *dbs], round_ % (len(dbs) + 1)
        for name in order[k:] + order[:k]:  # each goes first in turn
            if name == "folder":
                out = tmp / "planned1"
                shutil.rmtree(out, ignore_errors=True)
                walls[name].append(must("plan", str(office), "--out", str(out), *solve))
            else:
                walls[name].append(must("plan", *solve, db=dbs[name]))
    folder = stats(walls["folder"])
    result = {"folder": folder}
    for name in dbs:
        s = stats(walls[name])
        s["ratio_to_folder"] = round(s["wall_s"] / folder["wall_s"], 3)
        pairs = zip(walls[name], walls["folder"], strict=True)
        s["round_ratios"] = [round(w / f, 3) for w, f in pairs]
        s["meets_target"] = s["ratio_to_folder"] <= TARGETS["plan_ratio"]
        result[name] = s
    return result


def _action(
    url: str, rng: random.Random, later: list[str], first_day: list[str], via: str | None
) -> tuple:
    kind = rng.choice(("cancel", "noshow", "status"))
    if kind == "cancel":
        args = ["cancel", rng.choice(later), "--on", ON]
    elif kind == "noshow":
        args = ["noshow", rng.choice(first_day), "--on", AFTER]
    else:
        outcome = rng.choice(("held", "not_held", "voided"))
        args = ["status", rng.choice(first_day), outcome, "--on", AFTER]
    seconds, code, err = kp(*args, "-q", db=url, resident=via)
    return kind, code, seconds, err


def bench_concurrent(plan: Path, tmp: Path, actions: int, processes: int) -> dict:

    rows = planned(plan)
    later = [r["appointment_id"] for r in rows if r["start"] >= "2026-12-14"]
    first_day = [r["appointment_id"] for r in rows if r["start"].startswith("2026-12-07")]
    result: dict = {}
    sock = start_resident()
    try:
        for how, via in (("", None), ("_resident", sock)):
            for name, url in workspaces(tmp, f"busy{how.strip('_')}").items():
                fresh(url, plan)
                result[f"{name}{how}"] = _busy(url, plan, later, first_day, via, actions, processes)
    finally:
        kp("resident", "stop", resident=sock)
    return result


def _busy(url, plan, later, first_day, via, actions: int, processes: int) -> dict:
    """The same 200 actions from 8 processes at once, on their own or through ``via``."""
    from kontaktplan import store

    rngs = [random.Random(100 + i) for i in range(actions)]
    started = time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:
        done = list(pool.map(lambda r: _action(url, r, later, first_day, via), rngs))
    wall = time.perf_counter() - started
    codes = [c for _, c, _, _ in done]
    tracebacks = sum("Traceback" in err for *_, err in done)
    ws = store.open_workspace(url)
    events = store.log(ws)
    replayed = replay_equals(ws, plan, events)
    ws.dispose()
    committed = codes.count(0)
    return {
        "processes": processes,
        "actions": actions,
        "committed": committed,
        "conflicts": codes.count(3),
        "conflicts_on_a_new_id": sum(
            c == 3 and "the new id" in e.strip().splitlines()[-1] for _, c, _, e in done
        ),  # the error line (none expected: the run again holds the writers' turn)
        "refused": codes.count(2),
        "other_exits": len(codes) - committed - codes.count(3) - codes.count(2),
        "tracebacks": tracebacks,
        "ran_again_new_id_taken": sum("running it again on the new state" in e for *_, e in done),
        "events_after_import": len(events) - 1,
        "every_commit_logged": len(events) - 1 == committed,
        "replay_equals_final_state": replayed,
        "validate_exit": kp("validate", "-q", db=url)[1],
        "wall_s": round(wall, 3),
        "committed_per_s": round(committed / wall, 2),
        "median_action_s": round(statistics.median(s for _, _, s, _ in done), 3),
    }


def replay_equals(ws, plan: Path, events) -> bool:
    """The imported folder with every event's after-images applied, in order, equals the
    workspace's rows (every table, every column, the row order)."""
    from kontaktplan import store
    from kontaktplan.io import read_scenario
    from kontaktplan.store import rows, schema

    start = read_scenario(plan).scenario
    state: dict[str, dict[str, dict]] = {}
    for table in schema.SCENARIO_TABLES:
        objs = getattr(start, table)
        state[table] = {
            k: rows.image({**rows.to_row(table, o), "seq": i})
            for i, (k, o) in enumerate(zip(rows.keys(table, objs), objs, strict=True))
        }
    for e in events[1:]:
        for c in e.changes:
            if c["table"] not in state:
                continue
            if c["after"] is None:
                state[c["table"]].pop(c["key"], None)
            else:
                state[c["table"]][c["key"]] = c["after"]
    final = store.load(ws).scenario
    for table in schema.SCENARIO_TABLES:
        objs = getattr(final, table)
        images = [rows.image(rows.to_row(table, o)) for o in objs]
        expected = sorted(state[table].values(), key=lambda r: r["seq"])
        if [{k: v for k, v in r.items() if k != "seq"} for r in expected] != images:
            return False
    return True


def bench_phases(plan: Path, tmp: Path, repeat: int) -> dict:
    """Where a command's time goes, in one process: reading the folder against loading
    the workspace, the library's cancel, writing the folder against committing (garbage
    collection tuned as the command line tunes it)."""
    import gc

    from kontaktplan import store
    from kontaktplan.disruption import cancel, plan_json
    from kontaktplan.io import read_scenario, write_scenario

    rows = planned(plan)
    later = [r["appointment_id"] for r in rows if r["start"] >= "2026-12-14"]
    result = {}
    gc.set_threshold(100_000, 50, 100)  # as the command line sets it (kontaktplan.cli.main)
    for name, url in workspaces(tmp, "phases").items():
        fresh(url, plan)
        ws = store.open_workspace(url)
        phases = ("read", "load", "load_part", "cancel", "write", "commit")
        t: dict[str, list[float]] = {k: [] for k in phases}
        for i in range(repeat):
            gc.collect()
            started = time.perf_counter()
            loaded = read_scenario(plan, one_shot=True)  # as a command reads it
            t["read"].append(time.perf_counter() - started)
            gc.unfreeze()
            started = time.perf_counter()
            store.load(ws)
            t["load"].append(time.perf_counter() - started)
            started = time.perf_counter()  # what cancel loads: the teams it touches
            snap = store.load(ws, teams=store.teams_of(ws, later[i]))
            t["load_part"].append(time.perf_counter() - started)
            started = time.perf_counter()
            outcome = cancel(snap.scenario, snap.policy, later[i], snap.scenario.today)
            t["cancel"].append(time.perf_counter() - started)
            out = tmp / "phase-out"
            started = time.perf_counter()
            text = plan_json(None, outcome)
            write_scenario(outcome.scenario, out, extra={"plan.json": text}, read=loaded)
            t["write"].append(time.perf_counter() - started)
            started = time.perf_counter()
            store.commit(
                ws, snap.scenario, outcome.scenario, expected_version=snap.version, actor="b",
                command="cancel", args={}, lines=outcome.lines(),
                plan_json_update={"disruption": outcome.entry()},
            )  # fmt: skip
            t["commit"].append(time.perf_counter() - started)
        ws.dispose()
        result[name] = {k: round(statistics.median(v), 3) for k, v in t.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument(
        "--parts",
        default="single,plan,concurrent,phases",
        help="Which parts to run (comma-separated; default all).",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "store.json",
        help="The results file (default benchmarks/results/store.json).",
    )
    parser.add_argument(
        "--phases-only",
        type=Path,
        metavar="PLANNED",
        help="Only the in-process phases, on this planned folder; merged into the results.",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kp-store-bench-"))
    out = args.out
    if args.phases_only:
        try:
            data = json.loads(out.read_text()) if out.is_file() else {}
            data["phases_in_process"] = bench_phases(args.phases_only, tmp, args.repeat)
            data["phases_load_average"] = os.getloadavg()[0]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            drop_schemas()
        out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(data["phases_in_process"], indent=1))
        return
    try:
        plan = tmp / "jobcenter-planned"
        plan_s = must(
            "plan", str(ROOT / "scenarios" / "jobcenter"), "--out", str(plan), "--weeks", "2",
            "--time-limit", str(args.time_limit), "--workers", str(args.workers), "-q",
        )  # fmt: skip
        compiled()
        startup = stats([kp("--version")[0] for _ in range(args.repeat)])
        floor = stats([libraries() for _ in range(args.repeat)])
        parts = set(args.parts.split(","))
        result = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "load_average_at_start": os.getloadavg()[0],
            "targets": TARGETS,
            "setup": {"plan_2_weeks_s": round(plan_s, 3), "planned_rows": len(planned(plan))},
            "startup": {"command": "kontaktplan --version", **startup},
            "libraries": {"command": f"python -c '{LIBRARIES}'", **floor},
        }
        if "single" in parts:
            result["single"] = bench_cancel_status(plan, tmp, args.repeat)
        if "plan" in parts:
            result["plan_1_week"] = bench_plan(tmp, args.time_limit, args.workers, args.repeat)
        if "concurrent" in parts:
            result["concurrent"] = bench_concurrent(plan, tmp, args.actions, args.processes)
        if "phases" in parts:
            result["phases_in_process"] = bench_phases(plan, tmp, args.repeat)
        result["load_average_at_end"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        drop_schemas()
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
