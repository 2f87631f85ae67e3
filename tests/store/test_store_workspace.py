"""The workspace library: migrations, import, load, commit with optimistic concurrency,
undo, purge, export (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from kontaktplan import store
from kontaktplan.domain import Appointment, Status
from kontaktplan.io import InputError, read_scenario
from kontaktplan.io.csvtable import FILES, table_text
from kontaktplan.store import schema

TABLES = {
    "specialists",
    "customers",
    "slots",
    "absences",
    "appointments",
    "plan_runs",
    "office",
    "events",
    "clocks",
    "alembic_version",
    "users",  # 0002: the web app's users and sessions
    "user_sessions",
}


def _with_status(scenario, appointment_id: str, status: Status):
    rows = tuple(
        a.model_copy(update={"status": status}) if a.appointment_id == appointment_id else a
        for a in scenario.appointments
    )
    return scenario.model_copy(update={"appointments": rows})


def _with_new(scenario, **fields):
    new = Appointment(
        kind="follow_up", mode="in_person", status="planned", booked_on=scenario.today, **fields
    )
    return scenario.model_copy(update={"appointments": (*scenario.appointments, new)})


def _commit(ws, before, after, version, actor="anna", command="test"):
    return store.commit(
        ws,
        before,
        after,
        expected_version=version,
        actor=actor,
        command=command,
        args={},
        lines=[f"{command} by {actor}"],
    )


def _texts(scenario) -> dict[str, str]:
    return {k: table_text(t, getattr(scenario, k)) for k, t in FILES.items()}


def test_migrations_make_every_table_from_an_empty_database(db_url):
    ws = store.init(db_url)
    store.init(db_url).dispose()  # a second init finds the newest layout and does nothing
    assert set(inspect(ws.engine).get_table_names()) == TABLES
    with ws.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
        columns = {c["name"] for c in inspect(conn).get_columns("appointments")}
        logged = {c["name"] for c in inspect(conn).get_columns("events")}
    assert set(Appointment.model_fields) <= columns
    assert {"lines", "lines_de"} <= logged  # 0003: the lines in German beside the English
    ws.dispose()


def test_a_workspace_at_0002_with_events_upgrades_and_still_reads(workspace, migrate):
    """0003 adds ``events.lines_de`` to a workspace that holds events: the office loads as
    before, the old events keep their English lines and have no German ones (German output
    shows the English), and the next event stores both. The workspace at 0002 is this one
    taken back by 0003's downgrade: the rows 0002 held, without the column."""
    s, _, v = store.load(workspace)
    store.commit(
        workspace,
        s,
        _with_status(s, "P1", Status.voided),
        expected_version=v,
        actor="anna",
        command="status",
        args={},
        lines=["voided: P1"],
        lines_de=["storniert: P1"],
    )
    store.undo(workspace, actor="ben")
    logged = [(e.command, e.lines) for e in store.log(workspace)]
    office = _texts(store.load(workspace).scenario)
    migrate(workspace, "0002", down=True)
    with workspace.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert "lines_de" not in {c["name"] for c in inspect(conn).get_columns("events")}
    store.init(workspace.url).dispose()  # what `kontaktplan db init` and the web app run
    old = store.log(workspace)
    assert [(e.command, e.lines) for e in old] == logged
    assert [e.lines_de for e in old] == [None, None, None]
    assert [e.said("de") for e in old] == [e.lines for e in old]
    assert _texts(store.load(workspace).scenario) == office
    s, _, v = store.load(workspace)
    _commit(workspace, s, _with_status(s, "P2", Status.voided), v)
    event = store.undo(workspace, actor="ben")
    new = store.log(workspace)[-1]
    assert new.id == event and new.said("de") == ["Ereignis 4 zurückgenommen (test von anna)"]
    assert new.said("en") == new.lines == ["undid event 4 (test by anna)"]


def test_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path):
    ws = store.init(f"sqlite:///{tmp_path / 'office.db'}")
    assert (tmp_path / "office.db").stat().st_mode & 0o777 == 0o600
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    ws.dispose()


def test_import_then_load_gives_the_folder_scenario(workspace, office):
    scenario, policy, version = store.load(workspace)
    read = read_scenario(office)
    assert version == 1
    assert scenario.meta == read.scenario.meta
    assert policy == read.policy
    assert _texts(scenario) == _texts(read.scenario)
    assert isinstance(scenario.appointments[0].status, Status)


def test_import_of_bad_folder_leaves_the_workspace_empty(db_url, write_folder, tmp_path):
    bad = write_folder(
        tmp_path / "bad", slots="specialist_id,start,end\nS9,2026-12-07T08:00,2026-12-07T09:00\n"
    )
    ws = store.init(db_url)
    with pytest.raises(InputError, match=r"slots\.csv, row 2"):
        store.import_folder(ws, bad)
    with pytest.raises(store.StoreError, match="empty"):
        store.load(ws)
    ws.dispose()


def test_second_import_is_refused(workspace, office):
    with pytest.raises(store.StoreError, match="already holds"):
        store.import_folder(workspace, office)


def test_commit_writes_the_changed_row_and_one_event(workspace):
    before, _, v = store.load(workspace)
    after = _with_status(before, "P1", Status.voided)
    event = _commit(workspace, before, after, v)
    assert event == 2
    scenario, _, version = store.load(workspace)
    assert version == 2
    assert {a.appointment_id: a.status for a in scenario.appointments}["P1"] is Status.voided
    assert _texts(scenario) == _texts(after)
    with workspace.engine.connect() as conn:
        t = schema.appointments
        stamped = dict(conn.execute(select(t.c.key, t.c.changed_in)).all())
        assert stamped == {"A0": 1, "A1": 1, "A2": 1, "P1": 2, "P2": 1}
    (e,) = [e for e in store.log(workspace) if e.id == 2]
    assert e.actor == "anna"
    assert [(c["table"], c["key"]) for c in e.changes] == [("appointments", "P1")]
    assert (e.changes[0]["before"]["status"], e.changes[0]["after"]["status"]) == (
        "planned",
        "voided",
    )


def test_two_actions_on_the_same_specialist_second_gets_conflict_and_changes_nothing(workspace):
    snap = store.load(workspace)
    first = _with_status(snap.scenario, "P1", Status.voided)
    second = _with_new(
        snap.scenario,
        appointment_id="B1",
        customer_id="C1",
        specialist_id="S1",
        start=dt.datetime(2026, 12, 8, 8),
        end=dt.datetime(2026, 12, 8, 8, 45),
    )
    _commit(workspace, snap.scenario, first, snap.version, actor="anna")
    with pytest.raises(store.Conflict, match=r"changed by anna at .*run again") as e:
        _commit(workspace, snap.scenario, second, snap.version, actor="ben")
    assert e.value.event_id == 2
    scenario, _, version = store.load(workspace)
    assert version == 2
    assert [a.appointment_id for a in scenario.appointments] == ["A0", "A1", "A2", "P1", "P2"]


def test_actions_on_different_specialists_both_commit(workspace):
    snap = store.load(workspace)
    _commit(workspace, snap.scenario, _with_status(snap.scenario, "P1", Status.voided), 1)
    _commit(workspace, snap.scenario, _with_status(snap.scenario, "P2", Status.voided), 1)
    scenario, _, version = store.load(workspace)
    assert version == 3
    statuses = {a.appointment_id: a.status.value for a in scenario.appointments}
    assert (statuses["P1"], statuses["P2"]) == ("voided", "voided")


def test_a_new_id_taken_meanwhile_is_a_conflict(workspace):
    snap = store.load(workspace)
    times = {"start": dt.datetime(2026, 12, 8, 8), "end": dt.datetime(2026, 12, 8, 8, 45)}
    one = _with_new(
        snap.scenario, appointment_id="B1", customer_id="C1", specialist_id="S1", **times
    )
    two = _with_new(
        snap.scenario, appointment_id="B1", customer_id="C4", specialist_id="S2", **times
    )
    _commit(workspace, snap.scenario, one, 1)
    with pytest.raises(store.Conflict, match="new id B1"):
        _commit(workspace, snap.scenario, two, 1)


def test_new_rows_go_to_the_end_in_the_order_committed(workspace):
    snap = store.load(workspace)
    times = {"start": dt.datetime(2026, 12, 8, 8), "end": dt.datetime(2026, 12, 8, 8, 45)}
    one = _with_new(
        snap.scenario, appointment_id="B2", customer_id="C1", specialist_id="S1", **times
    )
    two = _with_new(
        snap.scenario, appointment_id="B1", customer_id="C4", specialist_id="S2", **times
    )
    _commit(workspace, snap.scenario, one, 1)
    _commit(workspace, snap.scenario, two, 1)
    scenario, _, _ = store.load(workspace)
    assert [a.appointment_id for a in scenario.appointments][-2:] == ["B2", "B1"]


def test_undo_restores_the_rows_and_is_refused_while_a_later_event_changed_them(workspace):
    s1, _, v1 = store.load(workspace)
    first = _commit(workspace, s1, _with_status(s1, "P1", Status.held), v1)
    s2, _, v2 = store.load(workspace)
    second = _commit(workspace, s2, _with_status(s2, "P1", Status.voided), v2, actor="ben")
    with pytest.raises(store.StoreError, match=f"changed by event {second} .*ben"):
        store.undo(workspace, first, actor="anna")
    assert store.load(workspace).version == second  # the refused undo wrote nothing
    store.undo(workspace, actor="anna")  # the last action: event `second`
    store.undo(workspace, first, actor="anna")
    scenario, _, version = store.load(workspace)
    assert version == second + 2
    assert _texts(scenario) == _texts(s1)
    undos = [e for e in store.log(workspace) if e.undoes]
    assert [(e.undoes, e.actor) for e in undos] == [(second, "anna"), (first, "anna")]
    with pytest.raises(store.StoreError, match="undone already"):
        store.undo(workspace, first, actor="anna")
    with pytest.raises(store.StoreError, match="cannot be undone"):
        store.undo(workspace, 1, actor="anna")


def test_log_filters_by_actor_and_day(workspace):
    s, _, v = store.load(workspace)
    _commit(workspace, s, _with_status(s, "P1", Status.voided), v, actor="ben")
    assert [e.actor for e in store.log(workspace, actor="ben")] == ["ben"]
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert store.log(workspace, since=tomorrow) == []
    assert len(store.log(workspace, since=dt.date(2020, 1, 1))) == 2


def test_purge_keeps_the_retention_period_and_removes_older_closed_history(workspace):
    # today 2026-11-23, retention 730 days: the latest allowed --before is 2024-11-23
    with pytest.raises(store.StoreError, match=r"retention period of 730 days.*2024-11-23"):
        store.purge(workspace, dt.date(2025, 1, 1), actor="lead")
    s, _, v = store.load(workspace)
    _commit(workspace, s, _with_status(s, "P1", Status.voided), v)
    event = store.purge(workspace, dt.date(2024, 1, 1), actor="lead")
    scenario, _, _ = store.load(workspace)
    assert [a.appointment_id for a in scenario.appointments] == ["A1", "A2", "P1", "P2"]
    assert [(a.first_day.year, a.reason) for a in scenario.absences] == [(2026, "leave")]
    purge = store.log(workspace)[-1]
    assert (purge.id, purge.command, purge.actor) == (event, "purge", "lead")
    assert {(c["table"], c["key"]) for c in purge.changes} == {
        ("appointments", "A0"),
        ("absences", "S2|2023-03-01|2023-03-03"),
    }
    with pytest.raises(store.StoreError, match="cannot be undone"):
        store.undo(workspace, event, actor="lead")


def test_export_writes_a_private_folder_that_reads_back_as_the_workspace(workspace, tmp_path):
    s, _, v = store.load(workspace)
    after = _with_status(s, "P1", Status.voided)
    store.commit(
        workspace,
        s,
        after,
        expected_version=v,
        actor="a",
        command="status",
        args={},
        lines=[],
        plan_json_update={"disruption": {"command": "status", "changes": []}},
    )
    out = store.export(workspace, tmp_path / "out")
    assert out.stat().st_mode & 0o777 == 0o700
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in out.iterdir())
    back = read_scenario(out)
    assert _texts(back.scenario) == _texts(after)
    assert (out / "plan.json").read_text() == (
        '{\n "disruptions": [\n  {\n   "command": "status",\n   "changes": []\n  }\n ]\n}\n'
    )


def test_a_failure_inside_the_transaction_leaves_nothing(workspace, monkeypatch):
    s, _, v = store.load(workspace)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kontaktplan.store.changes._tick", broken)
    with pytest.raises(RuntimeError):
        _commit(workspace, s, _with_status(s, "P1", Status.voided), v)
    scenario, _, version = store.load(workspace)
    assert version == 1
    assert _texts(scenario) == _texts(s)
    assert [e.id for e in store.log(workspace)] == [1]


def test_url_without_workspace_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="kontaktplan db init"):
        store.open_workspace(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()
    create_engine("sqlite://").dispose()


def _clash(ids_only: bool) -> store.Conflict:
    return store.Conflict(7, "ben", dt.datetime(2026, 11, 23, 9), "B20261123-001", ids_only)


@pytest.mark.parametrize(
    ("clashes", "runs", "raised"),
    [
        ([], 1, False),  # commits at once
        ([True, True], 3, False),  # new ids taken twice: the third run commits
        ([False], 1, True),  # something it read changed: the user decides
        ([True, False], 2, True),  # a real clash on the second run
        ([True] * store.RUNS, store.RUNS, True),  # still taken after the last run
    ],
)
def test_a_long_action_runs_again_on_its_own_while_its_only_clash_is_a_new_id(
    monkeypatch, clashes, runs, raised
):
    """A plan (no turn): up to RUNS runs, a random moment before each new one."""
    import kontaktplan.store.changes as changes

    waits: list[float] = []
    monkeypatch.setattr(changes.time, "sleep", waits.append)
    left, told = list(clashes), []

    def action() -> str:
        if left:
            raise _clash(left.pop(0))
        return "committed"

    if raised:
        with pytest.raises(store.Conflict) as e:
            store.running_again(action, told.append)
        assert e.value.ids_only is clashes[runs - 1]
    else:
        assert store.running_again(action, told.append) == "committed"
    assert len(clashes) - len(left) == (runs if raised else runs - 1)
    assert len(told) == len(waits) == runs - 1  # each new run said, after a wait
    assert all(0 <= w <= 0.1 * run for run, w in enumerate(waits, 1))


def _void(ws, which, actor: str) -> int:
    """Void the appointment ``which(appointments)`` picks, as one committed action."""
    snap = store.load(ws)
    old = which(snap.scenario.appointments)
    done = [a.model_copy(update={"status": Status.voided}) if a is old else a
            for a in snap.scenario.appointments]  # fmt: skip
    after = snap.scenario.model_copy(update={"appointments": done})
    said = [f"voided {old.appointment_id}"]
    return store.commit(ws, snap.scenario, after, expected_version=snap.version, actor=actor,
                        command="void", args={}, lines=said)  # fmt: skip


def test_an_action_runs_again_holding_the_turn_and_another_writer_waits_for_it(workspace):
    """A quick action whose new id was taken runs again once, holding the writers'
    turn: a writer in another thread (its own engine) waits until the action has
    committed, then commits after it; nothing is lost."""
    import threading

    scenario, _, version = store.load(workspace)
    first, last = scenario.appointments[0], scenario.appointments[-1]
    assert first.specialist_id != last.specialist_id
    other, done = store.open_workspace(workspace.url), {}
    ben = threading.Thread(target=lambda: done.update(event=_void(other, lambda a: a[-1], "ben")))
    runs: list[bool] = []

    def action() -> int:
        runs.append(getattr(workspace._held, "conn", None) is not None)
        if len(runs) == 1:  # another action took the new id between reading and commit
            raise store.Conflict(version, "carl", dt.datetime(2026, 1, 1), "B-001", True)
        ben.start()
        ben.join(1.5)
        assert ben.is_alive(), "Ben committed while Anna held the turn"
        return _void(workspace, lambda a: a[0], "anna")

    told: list[store.Conflict] = []
    event = store.running_again(action, told.append, turn=lambda: store.turn(workspace))
    ben.join(60)
    other.dispose()
    assert runs == [False, True] and len(told) == 1
    assert (event, done["event"]) == (version + 1, version + 2)
    after = {a.appointment_id: a.status for a in store.load(workspace).scenario.appointments}
    assert after[first.appointment_id] is after[last.appointment_id] is Status.voided
    assert [e.actor for e in store.log(workspace)][-2:] == ["anna", "ben"]


def test_a_real_clash_is_not_run_again_in_a_turn(workspace):
    runs = []

    def action():
        runs.append(1)
        raise _clash(False)

    with pytest.raises(store.Conflict):
        store.running_again(action, turn=lambda: store.turn(workspace))
    assert runs == [1]
