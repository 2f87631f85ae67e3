"""Benchmark of the web app on the bundled jobcenter office (60 specialists), as a browser
or another office system uses it: real HTTP to uvicorn on a free port, a real SQLite
workspace.

- the week board of each team: the server's own time (``Server-Timing``, the page built
  and rendered) and the whole request, against the 300 ms target of issue 14;
- each daily action end to end through the JSON API (what the click sends, committed
  through the store): the preview the planner looks at first (cancel candidates, standby
  list, free slots) and the change itself, against the 0.5 s target.

Several rounds; medians with the fastest and slowest. Every change is made against the
version the client read. The validator checks the office afterwards (no hard rule broken
that was not broken before). Results go to ``benchmarks/results/web.json``.

    python benchmarks/web_benchmark.py [--scenario jobcenter] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kontaktplan.domain import Kind, Status  # noqa: E402
from kontaktplan.validation import validate  # noqa: E402
from kontaktplan.web import WebWorkspace, create_app  # noqa: E402
from kontaktplan.web.auth import add_user  # noqa: E402

TARGETS = {"board_server_ms": 300, "action_s": 0.5}  # issue 14
PASSWORD = "benchmark-passwort"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "n": len(values),
    }


def _timed(call, *args, **kwargs):
    started = time.perf_counter()
    r = call(*args, **kwargs)
    seconds = time.perf_counter() - started
    if r.status_code != 200:
        raise SystemExit(f"{args[0]}: {r.status_code} {r.text[:300]}")
    return seconds, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="jobcenter")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "web.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kp-web-bench-"))
    started = time.perf_counter()
    ws = WebWorkspace(f"sqlite:///{tmp / 'office.db'}")
    ws.import_folder(ROOT / "scenarios" / args.scenario, actor="benchmark")
    import_s = time.perf_counter() - started
    add_user(ws, "bench", "teamlead", PASSWORD)
    before = ws.snapshot().scenario
    broken_before = Counter(v.rule for v in validate(before, ws.snapshot().policy).violations)

    port = _port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    out: dict = {}
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            out = _run(c, ws, before, args.rounds)
    finally:
        server.should_exit = True
    snap = ws.snapshot()
    broken_after = Counter(v.rule for v in validate(snap.scenario, snap.policy).violations)
    new_broken = {r: n - broken_before[r] for r, n in broken_after.items() if n > broken_before[r]}
    result = {
        "scenario": args.scenario,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "specialists": len(before.specialists),
        "appointments": len(before.appointments),
        "import_s": round(import_s, 2),
        "targets": TARGETS,
        **out,
        "validator": {"new_hard_violations": new_broken, "ok": not new_broken},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("machine",)}, indent=1))


def _run(c: httpx.Client, ws: WebWorkspace, sc, rounds: int) -> dict:
    c.post("/login", data={"name": "bench", "password": PASSWORD})
    token = c.post("/api/token", json={"name": "bench", "password": PASSWORD}).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    teams = sorted({s.team for s in sc.specialists})
    week = (sc.today + dt.timedelta(days=14)).isoformat()
    c.get("/board", params={"team": teams[0], "week": week})  # the first load of the office
    server_ms, request_s = [], []
    for _ in range(rounds):
        for team in teams:
            s, r = _timed(c.get, "/board", params={"team": team, "week": week})
            server_ms.append(float(r.headers["Server-Timing"].split("dur=")[1]))
            request_s.append(s)
    times: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    future = sorted(
        (a for a in sc.appointments if a.status is Status.planned and a.day >= sc.today
         and a.kind is not Kind.phone_consultation),
        key=lambda a: (a.start, a.appointment_id),
    )  # fmt: skip
    specialists = sorted({a.specialist_id for a in future})
    used: set[str] = set()
    for i in range(rounds):
        # Absage: the candidates, then the cancellation (backfilled at >= 7 days)
        a = next(x for x in future if x.appointment_id not in used and (x.day - sc.today).days >= 7)
        used.add(a.appointment_id)
        s, r = _timed(c.get, "/api/cancel", params={"appointment_id": a.appointment_id}, headers=h)
        add("cancel_preview", s)
        body = {"appointment_id": a.appointment_id, "version": r.json()["version"]}
        s, _ = _timed(c.post, "/api/cancel", json=body, headers=h)
        add("cancel", s)
        # Nicht erschienen: the standby list, then the no-show on the appointment's day
        a = next(x for x in future if x.appointment_id not in used)
        used.add(a.appointment_id)
        s, r = _timed(c.get, "/api/standby", params={"appointment_id": a.appointment_id}, headers=h)
        add("standby_list", s)
        body = {"appointment_id": a.appointment_id, "version": r.json()["version"]}
        s, _ = _timed(c.post, "/api/noshow", json=body, headers=h)
        add("noshow", s)
        # Ergebnis eines Termins
        a = next(x for x in future if x.appointment_id not in used)
        used.add(a.appointment_id)
        v = c.get("/api/board", headers=h).json()["version"]
        body = {"appointment_id": a.appointment_id, "version": v, "status": "held"}
        s, _ = _timed(c.post, "/api/status", json=body, headers=h)
        add("status", s)
        # Abwesenheit: one specialist, one day with bookings
        sid = specialists[i * 7 % len(specialists)]
        day = next(x.day for x in future if x.specialist_id == sid)
        v = c.get("/api/board", headers=h).json()["version"]
        body = {
            "specialist_id": sid,
            "first": day.isoformat(),
            "last": day.isoformat(),
            "version": v,
        }
        s, _ = _timed(c.post, "/api/absence", json=body, headers=h)
        add("absence", s)
        # Termin finden: the free slots of one customer without a booking, then book one
        cid = _unbooked(ws, i)
        s, r = _timed(c.get, "/api/find", params={"customer_id": cid}, headers=h)
        add("find_slots", s)
        slots = r.json()["slots"]
        if slots:
            body = {"customer_id": cid, "start": slots[0]["start"], "version": r.json()["version"]}
            s, _ = _timed(c.post, "/api/book", json=body, headers=h)
            add("book", s)
    actions = {k: _stats(v) for k, v in times.items()}
    changes = ("cancel", "noshow", "status", "absence", "book")
    return {
        "board": {
            "server_ms": _stats(server_ms),
            "request_s": _stats(request_s),
            "teams": len(teams),
            "within_target": max(server_ms) <= TARGETS["board_server_ms"],
        },
        "actions_s": actions,
        "changes_within_target": {
            k: actions[k]["median"] <= TARGETS["action_s"] for k in changes if k in actions
        },
        "previews_within_target": {
            k: actions[k]["median"] <= TARGETS["action_s"]
            for k in ("cancel_preview", "standby_list", "find_slots")
            if k in actions
        },
    }


def _unbooked(ws: WebWorkspace, i: int) -> str:
    """The i-th non-exempt customer with no planned appointment from today on."""
    sc = ws.snapshot().scenario
    booked = {
        a.customer_id for a in sc.appointments if a.status is Status.planned and a.day >= sc.today
    }
    free = [c.customer_id for c in sc.customers if c.exempt is None and c.customer_id not in booked]
    return free[(i * 37) % len(free)]


if __name__ == "__main__":
    main()
