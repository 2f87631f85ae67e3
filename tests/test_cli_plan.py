"""`kontaktplan plan` as a user runs it: files written, exit codes, same seed same plan."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.io import read_scenario
from kontaktplan.validation import validate

runner = CliRunner()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    out = tmp_path_factory.mktemp("office") / "office"
    args = ["scenario", "generate", "--specialists", "3", "--customers-per-specialist", "60"]
    result = runner.invoke(app, [*args, "--seed", "5", "--weeks", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("solver", ["cpsat", "greedy"])
def test_plan_writes_a_valid_scenario_folder_with_plan_json(office, tmp_path, solver):
    out = tmp_path / "plan"
    result = runner.invoke(app, ["plan", str(office), "--out", str(out), "--solver", solver])
    assert result.exit_code == 0, result.output
    assert "deadlines: " in result.output
    loaded = read_scenario(out)
    before = read_scenario(office).scenario
    new = [a for a in loaded.scenario.appointments if a.appointment_id.startswith("P2026")]
    assert new, "the plan books something"
    assert all(a.status.value == "planned" and a.booked_on == before.today for a in new)
    old_rows = {a.appointment_id: a for a in before.appointments}
    kept = {
        a.appointment_id: a for a in loaded.scenario.appointments if a.appointment_id in old_rows
    }
    assert kept == old_rows  # every earlier row unchanged
    assert validate(loaded.scenario, loaded.policy).ok
    figures = json.loads((out / "plan.json").read_text())
    assert figures["bookings"] == len(new)
    assert figures["solver"] == solver
    booked = sum(w["booked"] - w["existing"] for s in figures["specialists"] for w in s["weeks"])
    assert booked == len(new)


def test_same_seed_same_plan_with_two_worker_processes(office, tmp_path):
    files = []
    for run in ("a", "b"):
        out = tmp_path / run
        args = ["plan", str(office), "--out", str(out), "--workers", "2", "--seed", "3", "-q"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        files.append((out / "appointments.csv").read_bytes())
    assert files[0] == files[1]


def test_plan_json_summary_is_machine_readable(office, tmp_path):
    result = runner.invoke(app, ["plan", str(office), "--out", str(tmp_path / "p"), "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["status"] == "OPTIMAL"
    assert summary["gap"] == 0
    assert summary["objective"] == summary["bound"]


def test_plan_bad_input_exits_2_and_writes_nothing(office, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in office.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    text = (broken / "slots.csv").read_text().splitlines()
    text[1] = text[1].replace("T", "X", 1)  # a bad time in data row 1 (file row 2)
    (broken / "slots.csv").write_text("\n".join(text) + "\n")
    out = tmp_path / "never"
    result = runner.invoke(app, ["plan", str(broken), "--out", str(out)])
    assert result.exit_code == 2
    assert "slots.csv, row 2" in result.output
    assert not out.exists()


def test_plan_refuses_to_overwrite_a_folder_that_is_not_a_scenario(office, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["plan", str(office), "--out", str(precious)])
    assert result.exit_code == 2
    assert (precious / "notes.txt").read_text() == "keep me"
