"""The commands in a workspace: the same results as on folders, two processes at once,
a process killed mid-commit (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kontaktplan import store
from kontaktplan.cli import app
from kontaktplan.i18n import translator
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.io.csvtable import FILES, table_text
from kontaktplan.validation import validate
from language import foreign_in

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
SOLVE = ["--time-limit", "5", "--workers", "1"]


def kp(*args: str, db: str | None = None, code: int = 0) -> str:
    """Run a command in-process; it must exit with ``code`` (0: succeed). Its output."""
    env = {"KONTAKTPLAN_DB": db} if db else {}
    result = runner.invoke(app, [str(a) for a in args], env=env)
    assert result.exit_code == code, result.output
    return result.output


EXIT_1 = "exit 1"
"""Last item of a step: the command writes its result and exits 1 (an open task that is
due: an escalated appointment whose day has come)."""


def chain(folder: Path | None, db: str | None, steps: list[list[str]]) -> None:
    """The commands one after the other, on a folder (``--out`` the folder) or in place."""
    for step in steps:
        code = 1 if step[-1] == EXIT_1 else 0
        step = step[:-1] if code else step
        if db:
            kp(*step, "-q", db=db, code=code)
        else:
            name, *rest = step
            kp(name, folder, *rest, "--out", folder, "-q", code=code)


def same_folders(a: Path, b: Path) -> None:
    """Byte for byte, file by file; in plan.json every measured ``seconds`` aside (two
    runs of the same command in folder mode differ there as well)."""
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for f in a.iterdir():
        if f.name == ".kontaktplan.json":
            continue  # the writer's manifest: which command wrote the folder, from what
        if f.name == "plan.json":
            assert _timeless(json.loads(f.read_text())) == _timeless(
                json.loads((b / f.name).read_text())
            )
        else:
            assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def _timeless(data):
    if isinstance(data, dict):
        return {k: _timeless(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_timeless(v) for v in data]
    return data


def run_both(db_url: str, source: Path, tmp_path: Path, steps: list[list[str]]) -> Path:
    folder = tmp_path / "folder"
    kp("plan", source, "--out", folder, "--weeks", "1", *SOLVE, "-q")
    chain(folder, None, steps)
    kp("db", "init", "--db", db_url, "-q")
    kp("db", "import", source, "--db", db_url, "-q")
    kp("plan", "--weeks", "1", *SOLVE, "-q", db=db_url)
    chain(None, db_url, steps)
    exported = tmp_path / "exported"
    kp("db", "export", "--out", exported, "--db", db_url, "-q")
    same_folders(folder, exported)
    return exported


TINY_STEPS = [
    ["cancel", "P1"],
    ["absence", "S1", "--from", "2026-12-08", "--to", "2026-12-08"],
    ["noshow", "P2", "--on", "2027-01-31"],  # an outcome is known once it has started
    ["status", "P20261123-00001", "held", "--on", "2027-01-31"],
    ["replan", "--weeks", "1", *SOLVE],
]


def test_export_equals_folder_mode_for_the_disruption_chain(db_url, office, tmp_path):
    # the export writes the canonical form (docs/format.md); folder mode copies an unchanged
    # file as it was: start from a canonical folder, as `scenario generate` writes one
    canonical = write_scenario(read_scenario(office).scenario, tmp_path / "canonical")
    exported = run_both(db_url, canonical, tmp_path, TINY_STEPS)
    ws = store.open_workspace(db_url)
    assert [e.command for e in store.log(ws)] == [
        "import",
        "plan",
        "cancel",
        "absence",
        "noshow",
        "status",
        "replan",
    ]
    ws.dispose()
    assert (exported / "plan.json").is_file()


def test_slot_lists_and_books_in_place_as_on_the_folder(db_url, office, tmp_path):
    """C3 cancels P1 and, on the phone, takes another slot: ``slot C3`` lists in the
    workspace what it lists on the folder, and ``slot C3 --book 1`` books the same row
    (the export equals folder mode); the validator passes."""
    canonical = write_scenario(read_scenario(office).scenario, tmp_path / "canonical")
    steps = [["cancel", "P1"], ["slot", "C3", "--book", "1"]]
    exported = run_both(db_url, canonical, tmp_path, steps)
    scenario = read_scenario(exported)
    [new] = [a for a in scenario.scenario.appointments if a.appointment_id.startswith("S")]
    assert (new.customer_id, new.status.value) == ("C3", "planned")
    assert validate(scenario.scenario, scenario.policy).ok
    ws = store.open_workspace(db_url)
    assert [e.command for e in store.log(ws)][-2:] == ["cancel", "slot"]
    ws.dispose()


def test_group_and_import_outcomes_in_place_as_on_the_folder(db_url, tmp_path):
    """A group session in a free slot of S001 and a file of outcomes (held, a no-show):
    in the workspace the same rows as on the folder (the export equals folder mode), each
    one event; the validator passes."""
    import csv
    import datetime as dt

    from kontaktplan.disruption.bookable import Office

    folder, greedy = tmp_path / "folder", ["--weeks", "1", "--solver", "greedy", "-q"]
    kp("plan", DEMO, "--out", folder, *greedy)
    loaded = read_scenario(folder)
    free = Office(loaded.scenario, loaded.policy).free_slots("S001", dt.date(2026, 12, 7))
    group = ["--specialist", "S001", "--at", f"{free[-1].start:%Y-%m-%dT%H:%M}", "--capacity", "2"]
    with open(folder / "appointments.csv", encoding="utf-8") as f:
        monday = [a["appointment_id"] for a in csv.DictReader(f)
                  if a["status"] == "planned" and a["start"].startswith("2026-12-07")]  # fmt: skip
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(f"appointment_id,status\n{monday[0]},held\n{monday[1]},no_show\n")
    on = ["--on", "2026-12-07T23:00"]
    kp("group", folder, *group, "--out", folder, "-q")
    kp("import", "outcomes", outcomes, folder, *on, "--out", folder, "-q")
    kp("db", "init", "--db", db_url, "-q")
    kp("db", "import", DEMO, "--db", db_url, "-q")
    kp("plan", *greedy, db=db_url)
    kp("group", *group, "-q", db=db_url)
    kp("import", "outcomes", outcomes, *on, "-q", db=db_url)
    exported = tmp_path / "exported"
    kp("db", "export", "--out", exported, "--db", db_url, "-q")
    same_folders(folder, exported)
    ws = store.open_workspace(db_url)
    assert [e.command for e in store.log(ws)] == ["import", "plan", "group", "import_outcomes"]
    ws.dispose()
    done = read_scenario(exported)
    statuses = {a.appointment_id: a.status.value for a in done.scenario.appointments}
    assert (statuses[monday[0]], statuses[monday[1]]) == ("held", "no_show")
    assert sum(a.kind.value == "group_session" for a in done.scenario.appointments) >= 1
    assert validate(done.scenario, done.policy).ok


def test_slot_lists_the_same_offers_in_a_workspace_as_on_its_export(workspace, tmp_path):
    db = workspace.url
    folder = tmp_path / "exported"
    kp("db", "export", "--out", folder, "--db", db, "-q")
    listed = json.loads(kp("slot", "C1", "--json", db=db))
    on_folder = json.loads(kp("slot", folder, "C1", "--json"))
    for got in (listed, on_folder):
        got["figures"].pop("seconds")  # measured
    assert listed == on_folder and len(listed["slots"]) >= 1
    assert "no customer 'C9' in the workspace" in kp("slot", "C9", db=db, code=2)
    assert "no customer 'C9' in customers.csv" in kp("slot", folder, "C9", code=2)
    assert [e.command for e in store.log(workspace)] == ["import"]  # listed only


@pytest.mark.slow
def test_export_equals_folder_mode_on_the_demo_office(db_url, tmp_path):
    run_both(
        db_url,
        DEMO,
        tmp_path,
        [
            ["cancel", "P20261123-00001"],
            ["absence", "S002", "--from", "2026-12-08", "--to", "2026-12-09"],
            ["noshow", "P0001", "--on", "2027-01-31"],
            ["status", "P0002", "held", "--on", "2027-01-31"],
            # S002's appointments nobody could take on 8-9 Dec are still with S002 on
            # 31 Jan: the team lead never acted; replan keeps them and says so (exit 1)
            ["replan", "--weeks", "1", *SOLVE, EXIT_1],
        ],
    )


def test_read_only_commands_work_in_place(workspace, tmp_path):
    db = workspace.url
    assert "hard rules: ok" in kp("validate", db=db)
    result = runner.invoke(app, ["validate", "--json"], env={"KONTAKTPLAN_DB": db})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True
    kp("standby", "--day", "2026-12-07", db=db)
    kp("report", "--out", tmp_path / "r.html", db=db)
    assert (tmp_path / "r.html").read_text().startswith("<!")
    kp("export", "ics", "--out", tmp_path / "ics", db=db)
    assert sorted(p.name for p in (tmp_path / "ics").glob("*.ics")) == ["S1.ics", "S2.ics"]
    assert [e.command for e in store.log(workspace)] == ["import"]  # nothing committed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cancel", "P9"], "no appointment 'P9'"),
        (["cancel", "FOLDER", "P1"], "leave out the folder"),
        (["cancel", "P1", "--out", "x"], "leave out --out"),
        (["status", "P1", "maybe"], "status must be held"),
    ],
)
def test_bad_input_in_a_workspace_exits_2_and_commits_nothing(workspace, args, message):
    result = runner.invoke(app, args, env={"KONTAKTPLAN_DB": workspace.url})
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert store.load(workspace).version == 1


def test_folder_mode_still_needs_out(office):
    result = runner.invoke(app, ["cancel", str(office), "P1"], env={"KONTAKTPLAN_DB": ""})
    assert result.exit_code == 2
    assert "missing option --out" in result.output


def test_undo_and_log_commands(workspace):
    db = workspace.url
    kp("status", "P1", "voided", "--actor", "anna", db=db)
    assert "anna  status" in kp("log", "--actor", "anna", db=db)
    assert "undid event 2 (status by anna)" in kp("undo", "--actor", "ben", db=db)
    result = runner.invoke(app, ["undo", "2"], env={"KONTAKTPLAN_DB": db})
    assert result.exit_code == 2
    assert "undone already" in result.output
    statuses = {
        a.appointment_id: a.status.value for a in store.load(workspace).scenario.appointments
    }
    assert statuses["P1"] == "planned"


def test_commands_in_a_workspace_print_in_german_and_log_in_english(workspace):
    """--lang changes what is printed, never what is stored: the event log keeps the
    English lines (and the German ones beside them) whatever --lang the command had."""
    db = workspace.url
    printed = kp("cancel", "P1", "--on", "30.11.2026", "--lang", "de", db=db)
    printed += kp("status", "P2", "voided", "--lang", "de", db=db)
    printed += kp("replan", "--solver", "greedy", "--workers", "1", "--lang", "de", db=db)
    printed += kp("plan", "--weeks", "1", *SOLVE, "--lang", "de", db=db)
    t = translator("de")
    assert t("action.cancelled") in printed and t("cli.committed", event=4) in printed
    assert "07.12.2026" in printed and "2026-12-07" not in printed
    assert foreign_in(printed, "de") == []
    logged = kp("log", "--lines", "--lang", "en", db=db)
    assert (
        "cancelled: P1 (C3 with S1 2026-12-07 08:00): cancelled by the customer on 2026-11-30"
        in logged
    )
    assert "horizon 2026-" in logged  # the plan's lines, stored in English too
    assert foreign_in(logged, "en") == []


ARGUMENTS = re.compile(r"\w+=\S*")
"""A logged command's arguments, as given: codes in every language."""


def test_log_lines_are_in_the_output_language(workspace):
    """log --lines says each action's lines in the output's language: the disruption
    commands', a plan's, an undo's, a purge's and the import's; --json keeps English."""
    db = workspace.url
    kp("cancel", "P1", "--on", "30.11.2026", "-q", db=db)
    kp("absence", "S2", "--from", "2026-12-07", "--to", "2026-12-07", "-q", db=db)
    kp("plan", "--weeks", "1", *SOLVE, "-q", db=db)
    kp("undo", "-q", db=db)
    kp("db", "purge", "--before", "2024-01-01", "-q", db=db)
    de = kp("log", "--lines", "--lang", "de", db=db)
    t = translator("de")
    assert "tiny importiert: {" in de
    assert t("action.cancelled") + ": P1 (C3 bei S1 07.12.2026 08:00)" in de
    assert "Zeitraum " in de and "Fristen: " in de  # the plan's lines
    assert "Ereignis 4 zurückgenommen (plan von " in de
    assert "abgeschlossene Vorgänge vor dem 01.01.2024 entfernt" in de
    assert foreign_in(ARGUMENTS.sub("", de), "de") == []
    en = kp("log", "--lines", "--lang", "en", db=db)
    assert "imported tiny: {" in en and "undid event 4 (plan by " in en
    assert "purged closed history before 2024-01-01" in en
    assert foreign_in(en, "en") == []
    data = json.loads(kp("log", "--json", "--lang", "de", db=db))
    assert [e["lines"] for e in data] == [e.lines for e in store.log(workspace)]
    assert "lines_de" not in data[0]
    assert foreign_in(json.dumps(data, ensure_ascii=False), "en") == []


def test_an_old_workspace_is_upgraded_by_db_init_and_its_old_lines_stay_english(workspace, migrate):
    """A workspace at 0002 (before the German lines): the commands point to db init, which
    upgrades it; its old events show their stored English lines also in German output."""
    db = workspace.url
    kp("cancel", "P1", "--on", "30.11.2026", "-q", db=db)
    migrate(workspace, "0002", down=True)
    result = runner.invoke(app, ["log", "--lang", "de"], env={"KONTAKTPLAN_DB": db})
    assert result.exit_code == 2
    assert "älteren Kontaktplan-Version" in result.output and "db init" in result.output
    kp("db", "init", "-q", db=db)
    kp("status", "P2", "voided", "-q", db=db)
    de = kp("log", "--lines", "--lang", "de", db=db)
    assert "cancelled: P1 (C3 with S1 2026-12-07 08:00)" in de  # stored before: English
    assert "Status: P2 (C4 bei S2 07.12.2026 08:00): geplant -> storniert" in de  # since: German


def test_the_workspace_commands_print_in_one_language(workspace, tmp_path):
    """db, log and undo print German under --lang de and English under --lang en; the
    stored lines stay English (log --lines)."""
    db = workspace.url
    kp("cancel", "P1", "--on", "30.11.2026", "-q", db=db)
    de = kp("log", "--lang", "de", db=db) + kp("undo", "--lang", "de", db=db)
    de += kp("log", "--since", "01.01.2026", "--lang", "de", db=db)
    de += kp("db", "export", "--out", tmp_path / "x", "--lang", "de", db=db)
    assert "Ereignis 2 zurückgenommen (cancel von " in de
    assert "Rücknahme von Ereignis 2" in de and "Zeile(n)" in de
    assert "row(s)" not in de and "undo of" not in de
    assert f"geschrieben: {tmp_path / 'x'}" in de
    assert foreign_in(ARGUMENTS.sub("", de), "de") == []
    en = kp("log", "--lang", "en", db=db)
    assert "undo of event 2" in en and "row(s)" in en
    assert foreign_in(en, "en") == []


# -- several processes -----------------------------------------------------------------


def _start(db: str, *args: str, pause: float | None = None, where: str = "in") -> subprocess.Popen:
    env = {**os.environ, "KONTAKTPLAN_DB": db, "PYTHONPATH": str(ROOT / "src")}
    if pause is not None:
        env[f"KONTAKTPLAN_PAUSE_{where.upper()}_COMMIT"] = str(pause)
    return subprocess.Popen(
        [sys.executable, "-m", "kontaktplan", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_pause(p: subprocess.Popen, where: str = "in") -> None:
    deadline = time.monotonic() + 60
    assert p.stderr is not None
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if f"pausing {where} commit" in line:
            return
        if not line and p.poll() is not None:
            break
    pytest.fail(f"the command did not reach its commit: {p.communicate()}")


@pytest.fixture
def demo_workspace(db_url):
    ws = store.init(db_url)
    store.import_folder(ws, DEMO, actor="importer")
    yield ws
    ws.dispose()


def test_two_planners_backfilling_the_same_slot_one_booking_one_conflict(demo_workspace):
    db = demo_workspace.url
    first = _start(db, "cancel", "P0027", "--actor", "anna", pause=3)
    _wait_for_pause(first)  # anna's transaction is open; ben reads the office before it
    second = _start(db, "cancel", "P0027", "--actor", "ben")
    out2, err2 = second.communicate(timeout=120)
    out1, _ = first.communicate(timeout=120)
    assert first.returncode == 0, out1
    assert second.returncode == 3, (out2, err2)
    assert "changed by anna at" in err2 and "run again" in err2
    scenario = store.load(demo_workspace).scenario
    backfills = [a for a in scenario.appointments if a.backfill_for == "P0027"]
    assert len(backfills) == 1
    assert [e.actor for e in store.log(demo_workspace)] == ["importer", "anna"]
    report = validate(scenario, store.load(demo_workspace).policy)
    assert report.ok, report.violations[:3]


def test_two_cancellations_at_once_elsewhere_both_commit_though_both_numbered_b001(
    demo_workspace,
):
    """Anna's and Ben's cancellations (at S007 and at S002) each backfill, and each
    numbers its new booking B20261123-001 on its snapshot. Nothing Anna read changed
    when Ben committed first, only the id was taken: her cancellation runs again on the
    new state (saying so) and commits with the next id; no conflict for the user."""
    db = demo_workspace.url
    first = _start(db, "cancel", "P0027", "--actor", "anna", pause=2, where="before")
    _wait_for_pause(first, "before")  # anna's work is done on the old snapshot
    kp("cancel", "P0005", "--actor", "ben", "-q", db=db)
    out1, err1 = first.communicate(timeout=120)
    assert first.returncode == 0, (out1, err1)
    assert "the new id B20261123-001 (appointments) was taken meanwhile by ben" in err1
    assert "running it again on the new state" in err1
    scenario, policy, _ = store.load(demo_workspace)
    backfills = {a.backfill_for: a for a in scenario.appointments if a.backfill_for}
    assert backfills["P0005"].appointment_id == "B20261123-001"
    assert backfills["P0005"].specialist_id == "S002"
    assert backfills["P0027"].appointment_id == "B20261123-002"
    assert backfills["P0027"].specialist_id == "S007"
    assert [e.actor for e in store.log(demo_workspace)] == ["importer", "ben", "anna"]
    report = validate(scenario, policy)
    assert report.ok, report.violations[:3]


def test_a_process_killed_mid_commit_leaves_the_workspace_as_before(demo_workspace):
    db = demo_workspace.url
    before = store.load(demo_workspace)
    texts = {k: table_text(t, getattr(before.scenario, k)) for k, t in FILES.items()}
    p = _start(db, "cancel", "P0027", pause=60)
    _wait_for_pause(p)  # every row is written, the event appended, nothing committed
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    after = store.load(demo_workspace)
    assert after.version == before.version
    assert {k: table_text(t, getattr(after.scenario, k)) for k, t in FILES.items()} == texts
    assert [e.command for e in store.log(demo_workspace)] == ["import"]
    p = _start(db, "cancel", "P0027")  # the lock died with the process: the next one commits
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert [e.command for e in store.log(demo_workspace)] == ["import", "cancel"]


@pytest.mark.parametrize(
    ("cancelled", "plan_exit"),
    [
        ("P2", 0),  # at S2, for whom the plan booked nothing: both commit
        ("P1", 3),  # at S1, whose week the plan booked: the plan must run again
    ],
)
def test_a_long_plan_does_not_block_a_cancellation(workspace, cancelled, plan_exit):
    db = workspace.url
    plan = _start(db, "plan", "--weeks", "1", *SOLVE, "-q", pause=8, where="before")
    _wait_for_pause(plan, "before")  # solved on the snapshot, not yet committed
    kp("cancel", cancelled, "-q", db=db)
    assert plan.poll() is None  # the cancellation committed while the plan was running
    _, err = plan.communicate(timeout=120)
    assert plan.returncode == plan_exit, err
    commands = [e.command for e in store.log(workspace)]
    if plan_exit == 3:
        assert "changed by" in err and "run again" in err
        assert commands == ["import", "cancel"]
        kp("plan", "--weeks", "1", *SOLVE, "-q", db=db)  # again, on the new state
    else:
        assert commands == ["import", "cancel", "plan"]
    scenario, policy, _ = store.load(workspace)
    assert validate(scenario, policy).ok


def test_a_writer_waits_for_the_turn_only_as_long_as_told_then_exit_3_nothing_written(
    demo_workspace,
):
    """A command stopped while it held the writers' turn (here: this test holds it) does
    not hold up the others for ever: after KONTAKTPLAN_LOCK_WAIT seconds a cancel and an
    undo end with exit 3, saying why, and write nothing; once the turn is free the same
    cancel commits."""
    from kontaktplan.store.changes import taking_turn

    db = demo_workspace.url
    env = {**os.environ, "KONTAKTPLAN_DB": db, "KONTAKTPLAN_LOCK_WAIT": "1"}
    env["PYTHONPATH"] = str(ROOT / "src")

    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "kontaktplan", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    kp("cancel", "P0005", "--actor", "ben", "-q", db=db)  # something to undo
    before = store.load(demo_workspace).scenario.appointments
    with taking_turn(demo_workspace):
        started = time.monotonic()
        cancel, undo = run("cancel", "P0027", "--actor", "anna"), run("undo")
        waited = time.monotonic() - started
    for p in (cancel, undo):
        assert p.returncode == 3, (p.stdout, p.stderr)
        assert "held the workspace for writing for over 1 s" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr
    assert waited < 30  # each gave up after about a second, not the default 30
    assert store.load(demo_workspace).scenario.appointments == before
    assert [e.actor for e in store.log(demo_workspace)] == ["importer", "ben"]
    again = run("cancel", "P0027", "--actor", "anna", "-q")
    assert again.returncode == 0, again.stderr
    assert [e.actor for e in store.log(demo_workspace)] == ["importer", "ben", "anna"]


@pytest.mark.parametrize("value", ["abc", "0", "-5", "99999", "nan"])
def test_a_bad_lock_wait_is_refused_with_its_name_and_nothing_written(demo_workspace, value):
    db = demo_workspace.url
    env = {**os.environ, "KONTAKTPLAN_DB": db, "KONTAKTPLAN_LOCK_WAIT": value}
    env["PYTHONPATH"] = str(ROOT / "src")
    p = subprocess.run(
        [sys.executable, "-m", "kontaktplan", "cancel", "P0027"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert f"KONTAKTPLAN_LOCK_WAIT={value}: expected a number of seconds" in p.stderr
    assert "Traceback" not in p.stderr
    assert [e.actor for e in store.log(demo_workspace)] == ["importer"]


def test_export_of_an_empty_workspace_is_refused_and_writes_nothing(db_url, tmp_path):
    """The export loads the office once; a workspace with no office yet is exit 2."""
    kp("db", "init", "--db", db_url, "-q")
    said = kp("db", "export", "--out", tmp_path / "out", "--db", db_url, code=2)
    assert "--db: the workspace is empty (fill it with: kontaktplan db import DIR)" in said
    assert not (tmp_path / "out").exists()
