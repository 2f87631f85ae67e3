"""The web app's actions with FastAPI's test client, on a real SQLite (and PostgreSQL)
workspace: each result checked in the store and with the independent validator; bad ids,
stale versions and refused changes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import builders
from builders import MONDAY, TODAY, appointment
from kontaktplan.disruption.slot_finder import slot
from kontaktplan.domain import Kind, Mode, Status
from kontaktplan.validation import validate
from language import foreign_in, html_text
from web_office import (  # noqa: F401  (cheap_argon2: an autouse fixture)
    POLICY,
    cheap_argon2,
    client,
    db_url,
    login,
    office,
    rows,
    token,
    workspace,
)

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.fixture
def ws(tmp_path):
    return workspace(tmp_path / "office.db")


@pytest.fixture
def c(ws):
    return client(ws)


def _ok_against(ws, before):
    """The stored office breaks no hard rule, also against the office before the action."""
    report = validate(ws.snapshot().scenario, POLICY, previous=before)
    assert report.ok, [str(v) for v in report.violations]


# --- board ----------------------------------------------------------------------------
def test_board_counts_bookings_per_day_against_target_and_shades_the_absence(c):
    login(c, "pia")
    page = c.get("/board", params={"team": "T1", "week": "2026-12-07"}).text
    assert "KW 50" in page
    h = token(c, "pia")
    b = c.get("/api/board", params={"team": "T1", "week": "2026-12-07"}, headers=h).json()
    s1, s2 = b["rows"]
    assert s1["per_day"] == [1, 0, 0, 0, 0] and s1["booked"] == 1 and s1["target"] == 25
    assert s2["closed"] == ["Abwesend"] * 5 and s2["target"] == 0
    assert s1["spread"] == 1


def test_day_lists_the_specialists_appointments_with_status(c):
    login(c, "pia")
    page = c.get("/day", params={"specialist": "S1", "day": "23.11.2026"}).text
    assert "N1" in page and "C5" in page and "geplant" in page and "10:00–10:45" in page
    assert c.get("/day", params={"specialist": "NOPE", "day": "23.11.2026"}).status_code == 404


# --- Absage ---------------------------------------------------------------------------
def test_cancel_14_days_ahead_books_the_overdue_customer_into_the_freed_slot(ws, c):
    before = ws.snapshot().scenario
    csrf = login(c, "pia")
    preview = c.get("/cancel", params={"id": "A1"}).text
    assert "Nachbesetzungspflicht" in preview and "überfällig seit 01.11.2026" in preview
    r = c.post("/cancel", data={"csrf": csrf, "id": "A1", "version": "1", "candidate": "C2"})
    assert r.status_code == 200 and "nachbesetzt" in r.text
    got = rows(ws)
    assert got["A1"].status is Status.cancelled and got["A1"].cancelled_on == TODAY
    [new] = [a for a in got.values() if a.backfill_for == "A1"]
    assert (new.customer_id, new.start) == ("C2", dt.datetime(2026, 12, 7, 8))
    _ok_against(ws, before)
    [event] = ws.events(command="cancel")
    assert event.actor == "pia" and event.arguments["appointment_id"] == "A1"
    assert any("backfilled" in line for line in event.lines)


def test_cancel_under_7_days_books_the_candidate_the_planner_chose(tmp_path):
    # today 12-01: A1 on 12-07 is 6 days ahead, no duty. Candidates: C2 (overdue), then
    # C5 (due 01-01; N1 on 11-23 lies in the past) before C3 (due 02-01)
    ws = workspace(
        tmp_path / "o.db",
        office().model_copy(
            update={"meta": office().meta.model_copy(update={"today": dt.date(2026, 12, 1)})}
        ),
    )
    c = client(ws)
    h = token(c, "pia")
    p = c.get("/api/cancel", params={"appointment_id": "A1"}, headers=h).json()
    assert p["backfill_duty"] is False
    assert [x["customer_id"] for x in p["candidates"]][:3] == ["C2", "C5", "C3"]
    r = c.post(
        "/api/cancel", json={"appointment_id": "A1", "version": 1, "candidate": "C5"}, headers=h
    )
    assert r.status_code == 200, r.text
    [new] = [a for a in rows(ws).values() if a.backfill_for == "A1"]
    assert new.customer_id == "C5" and new.start == dt.datetime(2026, 12, 7, 8)
    bad = c.post(
        "/api/cancel", json={"appointment_id": "A1", "version": 2, "candidate": "C9"}, headers=h
    )
    assert bad.status_code == 400


def test_stale_version_is_a_conflict_and_writes_nothing(ws, c):
    # N1 and A1 are both S1's: the store checks the specialists an action changes
    h = token(c, "pia")
    assert (
        c.post(
            "/api/status", json={"appointment_id": "N1", "version": 1, "status": "held"}, headers=h
        ).status_code
        == 200
    )
    r = c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    assert r.status_code == 409 and "changed by pia" in r.json()["detail"]
    assert rows(ws)["A1"].status is Status.planned and ws.version() == 2
    csrf = login(c, "tom")
    page = c.post("/cancel", data={"csrf": csrf, "id": "A1", "version": "1"})
    assert page.status_code == 409 and "Konflikt" in page.text


def test_a_stale_version_at_another_specialist_still_commits(ws, c):
    # H1 is S3's, A1 and its backfill S1's: nothing the cancel relies on changed
    h = token(c, "pia")
    body = {"appointment_id": "H1", "version": 1, "status": "held"}
    assert c.post("/api/status", json=body, headers=h).status_code == 200
    r = c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    assert r.status_code == 200 and ws.version() == 3
    assert (
        c.post("/api/cancel", json={"appointment_id": "N1", "version": 9}, headers=h).status_code
        == 400
    )


def test_bad_ids_answer_404_and_change_nothing(ws, c):
    h = token(c, "pia")
    assert (
        c.post("/api/cancel", json={"appointment_id": "NOPE", "version": 1}, headers=h).status_code
        == 404
    )
    assert (
        c.post("/api/noshow", json={"appointment_id": "NOPE", "version": 1}, headers=h).status_code
        == 404
    )
    assert c.get("/api/find", params={"customer_id": "NOPE"}, headers=h).status_code == 404
    assert c.post("/api/undo/999", headers=token(c, "tom")).status_code == 404
    csrf = login(c, "pia")
    assert c.post("/cancel", data={"csrf": csrf, "id": "NOPE", "version": "1"}).status_code == 404
    assert ws.version() == 1


def test_a_second_outcome_is_refused_with_400(ws, c):
    h = token(c, "pia")
    assert (
        c.post(
            "/api/status", json={"appointment_id": "H1", "version": 1, "status": "held"}, headers=h
        ).status_code
        == 200
    )
    r = c.post(
        "/api/status", json={"appointment_id": "H1", "version": 2, "status": "no_show"}, headers=h
    )
    assert r.status_code == 400 and "already has the outcome held" in r.json()["detail"]


# --- Nicht erschienen, Ergebnisse des Tages -------------------------------------------------
def test_noshow_calls_the_first_standby_customer_and_reinvites_in_person(ws, c):
    before = ws.snapshot().scenario
    h = token(c, "pia")
    standby = c.get("/api/standby", params={"appointment_id": "N1"}, headers=h).json()["standby"]
    assert standby[0]["customer_id"] == "C2"
    r = c.post("/api/noshow", json={"appointment_id": "N1", "version": 1}, headers=h)
    assert r.status_code == 200, r.text
    got = rows(ws)
    assert got["N1"].status is Status.no_show
    [call] = [a for a in got.values() if a.kind is Kind.phone_consultation]
    assert (call.customer_id, call.start) == ("C2", dt.datetime(2026, 11, 23, 10))
    [again] = [a for a in got.values() if a.appointment_id.startswith("R")]
    assert (again.customer_id, again.mode, again.start) == (
        "C5",
        Mode.in_person,
        dt.datetime(2026, 12, 7, 9),
    )
    _ok_against(ws, before)


def test_results_of_the_day_hold_everything_but_the_exception(ws, c):
    before = ws.snapshot().scenario
    csrf = login(c, "pia")
    r = c.post(
        "/day-results",
        data={
            "csrf": csrf,
            "version": "1",
            "specialist": "S3",
            "day": "2026-11-23",
            "status_H2": "no_show",
        },
    )
    assert r.status_code == 200, r.text
    got = rows(ws)
    assert (got["H1"].status, got["H2"].status) == (Status.held, Status.no_show)
    assert rows(ws)["N1"].status is Status.planned  # another specialist's
    # as `kontaktplan status --day` does: the no-show is re-invited in person, at S3's
    # only free slot after the lead time (12-07 08:00)
    again = [a for a in got.values() if a.customer_id == "C7" and a.status is Status.planned]
    assert [(a.start, a.mode, a.appointment_id[0]) for a in again] == [
        (dt.datetime(2026, 12, 7, 8, 0), Mode.in_person, "R")
    ]
    _ok_against(ws, before)
    bad = c.post(
        "/day-results", data={"csrf": csrf, "version": "2", "specialist": "S3", "day": "2026-11-23"}
    )
    assert bad.status_code == 400  # nothing planned left that day


def test_an_outcome_before_the_appointment_has_started_is_refused(tmp_path):
    """As on the command line (issue 12.4): at 17:00 on 11-23, A1 (12-07) cannot have been
    held, alone or in a day's results; it can be voided. Nothing is written on a refusal."""
    ws = workspace(tmp_path / "office.db", clock=lambda: dt.datetime(2026, 11, 23, 17, 0))
    c = client(ws)
    h = token(c, "pia")
    for path, body in (
        ("/api/status", {"appointment_id": "A1", "version": 1, "status": "held"}),
        ("/api/day-results", {"specialist_id": "S1", "day": "2026-12-07", "version": 1}),
    ):
        r = c.post(path, json=body, headers=h)
        assert r.status_code == 400, r.text
        assert "taken place" in r.json()["detail"]
        assert ws.snapshot().version == 1
    held = {"appointment_id": "H1", "version": 1, "status": "held"}
    done = c.post("/api/status", json=held, headers=h)
    assert done.status_code == 200, done.text  # 09:00 today has started
    voided = {"appointment_id": "A1", "version": 2, "status": "voided"}
    assert c.post("/api/status", json=voided, headers=h).status_code == 200
    assert rows(ws)["A1"].status is Status.voided


# --- Abwesenheit ----------------------------------------------------------------------
def test_absence_escalates_and_the_team_lead_accepts_the_proposal(ws, c):
    before = ws.snapshot().scenario
    h = token(c, "pia")
    r = c.post(
        "/api/absence",
        json={"specialist_id": "S1", "first": "2026-12-07", "last": "2026-12-07", "version": 1},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert [e["appointment_id"] for e in r.json()["escalations"]] == ["A1"]
    esc = c.get("/api/escalated", headers=h).json()["escalated"]
    assert esc == [
        {
            "appointment_id": "A1",
            "specialist_id": "S1",
            "start": "2026-12-07T08:00:00",
            "team": "T1",
            "proposals": ["S3"],
        }
    ]
    body = {"appointment_id": "A1", "specialist_id": "S3", "version": 2}
    assert c.post("/api/handover", json=body, headers=h).status_code == 403  # a planner
    r = c.post("/api/handover", json=body, headers=token(c, "tom"))
    assert r.status_code == 200, r.text
    a1 = rows(ws)["A1"]
    assert (a1.specialist_id, a1.reassigned_from, a1.start) == (
        "S3",
        "S1",
        dt.datetime(2026, 12, 7, 8),
    )
    _ok_against(ws, before)


# --- Termin finden --------------------------------------------------------------------
def test_find_lists_free_slots_earliest_first_and_books_one(ws, c):
    before = ws.snapshot().scenario
    h = token(c, "pia")
    slots = c.get("/api/find", params={"customer_id": "C3"}, headers=h).json()["slots"]
    assert [s["start"] for s in slots] == ["2026-12-07T09:00:00"]  # 08:00 holds A1
    _, offers = slot(before, POLICY, "C3")  # what `kontaktplan slot` lists, in its order
    assert [s["specialist_id"] + s["start"][:16] for s in slots] == [
        o.specialist_id + o.start.isoformat()[:16] for o in offers
    ]
    r = c.post(
        "/api/book",
        json={"customer_id": "C3", "start": "2026-12-07T09:00", "version": 1},
        headers=h,
    )
    assert r.status_code == 200, r.text
    [new] = [a for a in rows(ws).values() if a.customer_id == "C3"]
    assert new.booked_on == TODAY and new.status is Status.planned
    _ok_against(ws, before)
    taken = {"customer_id": "C2", "start": "2026-12-07T08:00", "version": 2}  # A1's slot
    r = c.post("/api/book", json=taken, headers=h)
    assert r.status_code == 400 and "no free slot" in r.json()["detail"]


# --- plan draft -----------------------------------------------------------------------
def test_plan_draft_is_solved_shown_and_published(ws, c):
    before = ws.snapshot().scenario
    h = token(c, "pia")
    d = c.post("/api/plan", json={"weeks": 1}, headers=h).json()
    for _ in range(300):
        d = c.get(f"/api/plan/{d['id']}", headers=h).json()
        if d["state"] != "running":
            break
        time.sleep(0.1)
    assert d["state"] == "ready", d
    assert ws.version() == 1  # a draft writes nothing
    login(c, "pia")
    assert "Entwurf" in c.get("/board", params={"draft": d["id"], "week": "2026-12-07"}).text
    said = _said(c.get(f"/plan/{d['id']}"))
    assert "Entwurf fertig" in said and "Fristen: eingehalten" in said
    assert foreign_in(said, "de") == []
    r = c.post(f"/api/plan/{d['id']}/publish", headers=h)
    assert r.status_code == 200 and ws.version() == 2
    new = [
        a
        for a in rows(ws).values()
        if a.booked_on == TODAY
        and a.appointment_id not in {x.appointment_id for x in before.appointments}
    ]
    assert len(new) == d["summary"]["bookings"] > 0
    _ok_against(ws, before)
    [event] = ws.events(command="plan")  # its line in the log: English, and German beside
    assert event.lines[0].startswith(f"plan: {len(new)} bookings, ")
    assert event.said("de")[0].startswith(f"Planung: {len(new)} neue Termine, ")
    assert foreign_in(event.lines[0], "en") == [] and foreign_in(event.said("de")[0], "de") == []
    assert c.post(f"/api/plan/{d['id']}/publish", headers=h).status_code == 404


def test_publishing_a_draft_after_a_change_at_its_specialist_is_a_conflict(ws, c):
    # the draft books S1's overdue C2 on 12-07; meanwhile N1 (S1) gets its outcome
    h = token(c, "pia")
    d = c.post("/api/plan", json={"weeks": 1}, headers=h).json()
    c.post("/api/status", json={"appointment_id": "N1", "version": 1, "status": "held"}, headers=h)
    for _ in range(300):
        if c.get(f"/api/plan/{d['id']}", headers=h).json()["state"] != "running":
            break
        time.sleep(0.1)
    assert c.post(f"/api/plan/{d['id']}/publish", headers=h).status_code == 409
    assert ws.version() == 2


# --- log and undo -----------------------------------------------------------------------
def test_undo_by_the_team_lead_restores_the_rows_and_refuses_twice(ws, c):
    before = ws.snapshot().scenario
    h = token(c, "pia")
    c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    [event] = c.get("/api/events", params={"command": "cancel"}, headers=h).json()["events"]
    assert event["actor"] == "pia"
    assert c.post(f"/api/undo/{event['id']}", headers=h).status_code == 403
    t = token(c, "tom")
    r = c.post(f"/api/undo/{event['id']}", headers=t)
    assert r.status_code == 200, r.text
    dump = [a.model_dump() for a in ws.snapshot().scenario.appointments]
    assert dump == [a.model_dump() for a in before.appointments]
    assert c.post(f"/api/undo/{event['id']}", headers=t).status_code == 409
    assert [
        e["actor"]
        for e in c.get("/api/events", params={"actor": "tom"}, headers=t).json()["events"]
    ] == ["tom"]


def test_undo_is_refused_when_a_later_event_changed_the_same_rows(ws, c):
    h, t = token(c, "pia"), token(c, "tom")
    c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    backfill = next(a for a in rows(ws).values() if a.backfill_for == "A1")
    c.post("/api/cancel", json={"appointment_id": backfill.appointment_id, "version": 2}, headers=h)
    first = c.get("/api/events", params={"command": "cancel"}, headers=h).json()["events"][-1]
    r = c.post(f"/api/undo/{first['id']}", headers=t)
    assert r.status_code == 409 and "was changed by event" in r.json()["detail"]


def test_log_page_filters_and_shows_berlin_time(ws, c):
    h = token(c, "pia")
    c.post("/api/status", json={"appointment_id": "H1", "version": 1, "status": "held"}, headers=h)
    login(c, "tom")
    page = c.get("/log", params={"actor": "pia"}).text
    assert "Status" in page and "rückgängig" in page and "Import" not in page.split("<tbody>")[1]


def test_the_log_page_says_each_actions_lines_in_german_and_the_api_in_english(ws, c):
    """The 'Was und warum' column: the lines each action printed, stored in German beside
    the English (a disruption's reasons and escalation, an undo, the import)."""
    h = token(c, "pia")
    body = {"specialist_id": "S1", "first": "2026-12-07", "last": "2026-12-07", "version": 1}
    assert c.post("/api/absence", json=body, headers=h).status_code == 200
    noshow = {"appointment_id": "N1", "version": 2}
    assert c.post("/api/noshow", json=noshow, headers=h).status_code == 200
    assert c.post("/api/undo/3", headers=token(c, "tom")).status_code == 200
    login(c, "tom")
    said = _said(c.get("/log"))
    assert "Ereignis 3 zurückgenommen (noshow von pia)" in said
    assert "nicht erschienen: N1 (C5 bei S1 23.11.2026 10:00)" in said
    assert "Teamleitung" in said and "importiert" in said
    assert foreign_in(said, "de") == []
    events = c.get("/api/events", headers=h).json()["events"]
    english = " ".join(line for e in events for line in e["lines"])
    assert "undid event 3 (noshow by pia)" in english and "imported " in english
    assert foreign_in(english, "en") == []


# --- lists, report, downloads, docs -----------------------------------------------------
def test_lists_report_and_downloads(c):
    login(c, "vera")
    assert "Überfällige Kunden" in c.get("/lists").text
    assert c.get("/report").status_code == 200
    x = c.get("/download/xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    ics = c.get("/download/ics", params={"specialist": "S1"})
    assert ics.status_code == 200 and b"BEGIN:VCALENDAR" in ics.content and b"C1" in ics.content
    assert c.get("/download/ics").content[:2] == b"PK"
    docs = c.get("/api/docs").text
    assert "/api/cancel" in docs and "cdn" not in docs.lower()
    assert c.get("/api/openapi.json").json()["paths"]["/api/noshow"]


def test_the_snapshot_kept_after_a_commit_equals_the_store_loaded_afresh(ws, c):
    from kontaktplan import store

    h = token(c, "pia")
    c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    c.post("/api/noshow", json={"appointment_id": "N1", "version": 2}, headers=h)
    body = {"specialist_id": "S3", "first": "2026-12-07", "last": "2026-12-07", "version": 3}
    assert c.post("/api/absence", json=body, headers=h).status_code == 200
    kept, fresh = ws.snapshot(), store.load(ws.store, plan_json=True)
    assert kept.version == fresh.version == 4
    assert kept.scenario.model_dump() == fresh.scenario.model_dump()
    assert ws.plan_json() == json.loads(fresh.plan_json)
    assert [d["command"] for d in ws.plan_json()["disruptions"]] == ["cancel", "noshow", "absence"]


def test_cancel_conflict_and_undo_on_sqlite_and_postgresql(db_url, tmp_path):  # noqa: F811
    ws = workspace(tmp_path / "o.db", url=db_url)
    before = ws.snapshot().scenario
    c = client(ws)
    h, t = token(c, "pia"), token(c, "tom")
    r = c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    assert r.status_code == 200, r.text
    [new] = [a for a in rows(ws).values() if a.backfill_for == "A1"]
    assert new.customer_id == "C2"
    stale = c.post("/api/noshow", json={"appointment_id": "N1", "version": 1}, headers=h)
    assert stale.status_code == 409  # S1 changed in event 2
    assert c.post(f"/api/undo/{r.json()['event']}", headers=t).status_code == 200
    dump = [a.model_dump() for a in ws.snapshot().scenario.appointments]
    assert dump == [a.model_dump() for a in before.appointments]
    assert [e.actor for e in ws.events()][:2] == ["tom", "pia"]


def test_a_web_cancel_whose_new_id_was_taken_meanwhile_runs_again_and_commits(
    db_url,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """Pia cancels A1 (S1) in the browser while Ben cancels A3 (S3, another team) on the
    command line. Both backfill on 11-23, both number the new booking B20261123-001;
    Ben commits first, between Pia's reading and her commit. Nothing Pia read changed,
    only the id was taken: her cancellation runs again and commits as B20261123-002,
    no conflict for her (as the command line does it)."""
    last = dt.date(2026, 7, 1)  # C9: overdue, S3's first backfill candidate
    sc = office(
        builders.customer("C8", "S3", last=dt.date(2026, 10, 1)),
        builders.customer("C9", "S3", last=last),
        extra_appointments=[
            appointment(
                "C8", MONDAY, 8, sid="S3", appointment_id="A3", booked_on=dt.date(2026, 11, 20)
            )
        ],
    )
    ws = workspace(tmp_path / "o.db", sc, url=db_url)
    before = ws.snapshot().scenario
    c = client(ws)
    csrf = login(c, "pia")
    commit = ws.commit

    def ben_first(*args, **kwargs):  # Ben's command, a real process, commits now
        monkeypatch.setattr(ws, "commit", commit)
        env = {**os.environ, "KONTAKTPLAN_DB": ws.url, "PYTHONPATH": str(SRC)}
        ben = subprocess.run(
            [sys.executable, "-m", "kontaktplan", "cancel", "A3", "--actor", "ben", "-q"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ben.returncode == 0, ben.stderr
        return commit(*args, **kwargs)

    monkeypatch.setattr(ws, "commit", ben_first)
    r = c.post("/cancel", data={"csrf": csrf, "id": "A1", "version": "1", "candidate": "C2"})
    assert r.status_code == 200, r.text
    got = rows(ws)
    assert got["B20261123-001"].backfill_for == "A3"
    assert (got["B20261123-001"].customer_id, got["B20261123-001"].specialist_id) == ("C9", "S3")
    assert got["B20261123-002"].backfill_for == "A1"
    assert (got["B20261123-002"].customer_id, got["B20261123-002"].specialist_id) == ("C2", "S1")
    assert [e.actor for e in ws.events()] == ["pia", "ben", "test"]
    _ok_against(ws, before)


def test_a_writer_holding_the_turn_too_long_is_a_409_in_german_and_english(
    db_url,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """While a stopped command holds the writers' turn, a click waits
    KONTAKTPLAN_LOCK_WAIT seconds, then answers 409 saying why; nothing is written."""
    from kontaktplan import store
    from kontaktplan.store.changes import taking_turn

    monkeypatch.setenv("KONTAKTPLAN_LOCK_WAIT", "1")
    ws = workspace(tmp_path / "o.db", url=db_url)
    c = client(ws)
    csrf, h = login(c, "pia"), token(c, "pia")
    stopped = store.open_workspace(ws.url)
    with taking_turn(stopped):
        page = c.post("/cancel", data={"csrf": csrf, "id": "A1", "version": "1"})
        api = c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    stopped.dispose()
    assert page.status_code == api.status_code == 409
    assert "hält den Arbeitsbereich seit über 1 s zum Schreiben" in html_text(page.text)
    assert "held the workspace for writing for over 1 s" in api.json()["detail"]
    assert rows(ws)["A1"].status is Status.planned
    assert [e.command for e in ws.events()] == ["import"]


def test_results_of_the_day_through_the_api(ws, c):
    h = token(c, "pia")
    body = {
        "specialist_id": "S3",
        "day": "2026-11-23",
        "version": 1,
        "exceptions": {"H1": "not_held"},
    }
    r = c.post("/api/day-results", json=body, headers=h)
    assert r.status_code == 200, r.text
    got = rows(ws)
    assert (got["H1"].status, got["H2"].status) == (Status.not_held, Status.held)
    bad = {**body, "version": 2, "exceptions": {"A1": "held"}}
    assert c.post("/api/day-results", json=bad, headers=h).status_code == 400


def test_a_draft_can_be_discarded_and_then_not_published(ws, c):
    h = token(c, "pia")
    d = c.post("/api/plan", json={"weeks": 1}, headers=h).json()
    for _ in range(300):
        if c.get(f"/api/plan/{d['id']}", headers=h).json()["state"] != "running":
            break
        time.sleep(0.1)
    assert c.post(f"/api/plan/{d['id']}/discard", headers=h).json()["state"] == "discarded"
    assert c.post(f"/api/plan/{d['id']}/publish", headers=h).status_code == 404
    assert ws.version() == 1
    login(c, "pia")
    assert c.get("/board", params={"draft": d["id"]}).status_code == 404


def test_the_team_lead_undoes_on_the_log_page(ws, c):
    h = token(c, "pia")
    r = c.post(
        "/api/status", json={"appointment_id": "H1", "version": 1, "status": "held"}, headers=h
    )
    csrf = login(c, "tom")
    page = c.post(f"/undo/{r.json()['event']}", data={"csrf": csrf})
    assert page.status_code == 200 and "rückgängig gemacht" in page.text
    assert rows(ws)["H1"].status is Status.planned
    assert c.post("/undo/1", data={"csrf": csrf}).status_code == 409  # the import


# --- one language per output (issue 12.13) ---------------------------------------------
def _said(response) -> str:
    """The visible text of a page or fragment, its white space collapsed."""
    return " ".join(html_text(response.text).split())


REFUSED = {
    # name: (page request, status, the German on the page, the API request, its English)
    "a bad candidate": (
        ("post", "/cancel", {"id": "A1", "version": "1", "candidate": "C9"}),
        400,
        "ab 7 Tagen vorher wird der beste Kandidat sofort eingeladen (Nachbesetzungspflicht)",
        ("/api/cancel", {"appointment_id": "A1", "version": 1, "candidate": "C9"}),
        "at 7 days or more the best candidate is invited at once (backfill duty)",
    ),
    "an outcome on a future appointment": (
        ("post", "/day-results", {"specialist": "S1", "day": "2026-12-07", "version": "1"}),
        400,
        "A1 beginnt 07.12.2026 08:00, nach 23.11.2026 17:00: ein Ergebnis (stattgefunden) "
        "wird gesetzt, wenn der Termin stattgefunden hat",
        ("/api/day-results", {"specialist_id": "S1", "day": "2026-12-07", "version": 1}),
        "A1 starts 2026-12-07 08:00, after 2026-11-23 17:00: an outcome (held) is set once",
    ),
    "an exception that is no appointment of the day": (
        (
            "post",
            "/day-results",
            {"specialist": "S3", "day": "2026-11-23", "version": "1"} | {"status_A1": "no_show"},
        ),
        400,
        "'A1' ist kein geplanter Termin von S3 am 23.11.2026",
        (
            "/api/day-results",
            {"specialist_id": "S3", "day": "2026-11-23", "version": 1}
            | {"exceptions": {"A1": "no_show"}},
        ),
        "'A1' is no planned appointment of S3 on 2026-11-23",
    ),
    "an unknown appointment": (
        ("get", "/cancel", {"id": "NOPE"}),
        404,
        "kein Termin 'NOPE' in appointments.csv",
        ("/api/cancel", {"appointment_id": "NOPE", "version": 1}),
        "no appointment 'NOPE' in appointments.csv",
    ),
    "an unknown specialist": (
        (
            "post",
            "/absence",
            {"specialist": "S9", "first": "07.12.2026", "last": "07.12.2026"} | {"version": "1"},
        ),
        404,
        "unbekannte Fachkraft 'S9' (nicht in specialists.csv)",
        (
            "/api/absence",
            {"specialist_id": "S9", "first": "2026-12-07", "last": "2026-12-07"} | {"version": 1},
        ),
        "unknown specialist 'S9' (not in specialists.csv)",
    ),
    "a slot that cannot be booked": (
        ("post", "/book", {"customer": "C2", "start": "2026-12-07T08:00", "version": "1"}),
        400,
        "kein freier Slot von S1 am 07.12.2026 08:00, in den C2 gebucht werden kann",
        ("/api/book", {"customer_id": "C2", "start": "2026-12-07T08:00", "version": 1}),
        "no free slot of S1 at 2026-12-07 08:00 that C2 can be booked into",
    ),
    "a handover nobody waits for": (
        ("post", "/handover", {"id": "A1", "specialist": "S3", "version": "1"}),
        400,
        "'A1' wartet nicht auf die Teamleitung",
        ("/api/handover", {"appointment_id": "A1", "specialist_id": "S3", "version": 1}),
        "'A1' is not waiting for the team lead",
    ),
    "a version the office never had": (
        ("post", "/noshow", {"id": "N1", "version": "7"}),
        400,
        "Stand 7 ist unbekannt (die Dienststelle ist bei Stand 1)",
        ("/api/noshow", {"appointment_id": "N1", "version": 7}),
        "version 7 is unknown (the office is at 1)",
    ),
    "an event that cannot be undone": (
        ("post", "/undo/1", {}),
        409,
        "Ereignis 1 (import) kann nicht rückgängig gemacht werden",
        ("/api/undo/1", None),
        "event 1 (import) cannot be undone",
    ),
    "an event that is not in the log": (
        ("post", "/undo/99", {}),
        404,
        "kein Ereignis 99 im Protokoll",
        ("/api/undo/99", None),
        "no event 99 in the log",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_action_says_why_in_german_on_the_page_and_in_english_in_the_api(tmp_path, case):
    (method, path, data), code, german, (api, body), english = REFUSED[case]
    ws = workspace(tmp_path / "office.db", clock=lambda: dt.datetime(2026, 11, 23, 17, 0))
    c = client(ws)
    csrf = login(c, "tom")
    if method == "get":
        page = c.get(path, params=data)
    else:
        page = c.post(path, data={"csrf": csrf, **data})
    assert page.status_code == code, page.text
    said = _said(page)
    assert german in said
    assert foreign_in(said, "de") == []
    r = c.post(api, json=body, headers=token(c, "tom"))
    assert r.status_code == code and english in r.json()["detail"]
    assert ws.version() == 1


def test_a_conflict_names_who_changed_what_in_german(ws, c):
    h = token(c, "pia")
    body = {"appointment_id": "N1", "version": 1, "status": "held"}
    assert c.post("/api/status", json=body, headers=h).status_code == 200
    csrf = login(c, "tom")
    page = c.post("/cancel", data={"csrf": csrf, "id": "A1", "version": "1"})
    said = _said(page)
    assert page.status_code == 409
    assert "Konflikt: Fachkraft S1 wurde von pia um" in said and "(Ereignis 2)" in said
    assert foreign_in(said, "de") == []
    r = c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}, headers=h)
    assert r.status_code == 409 and "specialist S1 was changed by pia" in r.json()["detail"]


def test_the_library_refusals_on_the_find_page_are_german(ws, c):
    login(c, "pia")
    for customer, german in (
        ("NOPE", "unbekannter Kunde 'NOPE'"),
        ("C1", "C1 hat schon A1 am 07.12.2026 bei S1: eine künftige Buchung je Kunde"),
    ):
        said = _said(c.get("/find", params={"customer": customer}))
        assert german in said and foreign_in(said, "de") == []


def test_the_reasons_on_the_daily_pages_are_german(ws, c):
    """The library's reasons (ranked candidates, changes, escalations, notes) and the
    words around them: nothing of the English catalogue on the page."""
    csrf = login(c, "tom")
    pages = {
        "cancel": c.get("/cancel", params={"id": "A1"}),
        "noshow": c.get("/noshow", params={"id": "N1"}),
        "find": c.get("/find", params={"customer": "C3"}),
        "day results": c.post(
            "/day-results",
            data={"csrf": csrf, "version": "1", "specialist": "S3", "day": "2026-11-23"},
        ),
        "absence": c.post(
            "/absence",
            data={"csrf": csrf, "version": "2", "specialist": "S1", "first": "07.12.2026"}
            | {"last": "07.12.2026"},
        ),
        "board": c.get("/board", params={"team": "T1", "week": "2026-12-07"}),
        "lists": c.get("/lists"),
    }
    said = {name: _said(r) for name, r in pages.items()}
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(said, 200), said
    english = {name: foreign_in(text, "de") for name, text in said.items()}
    assert english == {name: [] for name in said}
    assert "überfällig seit 01.11.2026, arbeitslos" in said["cancel"]
    assert "Nachrücker für N1" in said["noshow"]
    assert "eigene Fachkraft S1, vor der Frist 01.02.2027, KW 50/2026" in said["find"]
    assert "nächster Termin N2" in said["day results"]  # a change the page had no word for
    assert "niemand zu dieser Zeit frei: S2 abwesend" in said["absence"]
    assert "tom (Teamleitung)" in said["board"]


def test_the_team_leads_handover_is_german_on_the_page_and_stored_in_english(ws, c):
    h = token(c, "pia")
    body = {"specialist_id": "S1", "first": "2026-12-07", "last": "2026-12-07", "version": 1}
    assert c.post("/api/absence", json=body, headers=h).status_code == 200
    csrf = login(c, "tom")
    data = {"csrf": csrf, "version": "2", "id": "A1", "specialist": "S3"}
    said = _said(c.post("/handover", data=data))
    assert "S1 abwesend; von der Teamleitung tom an S3 übergeben" in said
    assert foreign_in(said, "de") == []
    [event] = ws.events(command="handover")
    assert event.lines == [
        "reassigned: A1 (C1 with S3 2026-12-07 08:00): S1 absent; handed to S3 by the team lead tom"
    ]


def test_a_malformed_form_is_refused_in_german_on_a_page_and_in_english_by_the_api(ws, c):
    csrf = login(c, "pia")
    page = c.post("/noshow", data={"csrf": csrf, "id": "N1", "version": "x"})
    assert page.status_code == 422 and "version: muss eine ganze Zahl sein" in page.text
    fragment = c.post(
        "/noshow", data={"csrf": csrf, "id": "N1", "version": "x"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text
    said = _said(fragment)
    assert said == "Nicht möglich: version: muss eine ganze Zahl sein"
    r = c.post(
        "/api/noshow", json={"appointment_id": "N1", "version": "x"}, headers=token(c, "pia")
    )
    assert r.status_code == 422 and "valid integer" in r.json()["detail"][0]["msg"]
