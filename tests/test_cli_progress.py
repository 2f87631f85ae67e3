"""Progress on stderr (plain lines off a terminal, a rich bar on one), --quiet, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.cli import progress as cli_progress

TINY = Path(__file__).parent / "data" / "tiny"
runner = CliRunner()


def test_plan_prints_a_plain_line_per_specialist_off_a_terminal(tmp_path):
    result = runner.invoke(app, ["plan", str(TINY), "--out", str(tmp_path / "p"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert [line.split(":")[0] for line in lines] == ["[1/2] S1", "[2/2] S2"]
    assert "\r" not in result.stderr
    assert "wrote" in result.stdout


def test_plan_quiet_and_json_print_no_progress(tmp_path):
    quiet = runner.invoke(app, ["plan", str(TINY), "--out", str(tmp_path / "q"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and "[1/2]" not in quiet.stderr
    as_json = runner.invoke(app, ["plan", str(TINY), "--out", str(tmp_path / "j"), "--json"])
    assert as_json.exit_code == 0 and "[1/2]" not in as_json.stderr
    assert json.loads(as_json.stdout)["bookings"] >= 1


def test_plan_on_a_terminal_draws_a_progress_bar(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_progress, "_terminal", lambda: True)
    result = runner.invoke(app, ["plan", str(TINY), "--out", str(tmp_path / "p"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "planning" in result.stderr and "2/2" in result.stderr
    assert "[1/2]" not in result.stderr  # no plain lines when the bar is drawn
    assert "wrote" in result.stdout


@pytest.mark.parametrize("terminal", [False, True])
def test_generate_json_summary(tmp_path, monkeypatch, terminal):
    monkeypatch.setattr(cli_progress, "_terminal", lambda: terminal)
    out = tmp_path / "office"
    args = ["scenario", "generate", "--specialists", "2", "--customers-per-specialist", "20"]
    result = runner.invoke(app, [*args, "--seed", "3", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["out"] == str(out) and summary["specialists"] == 2
    assert summary["customers"] == len((out / "customers.csv").read_text().splitlines()) - 1


def test_exports_and_import_print_json_summaries(tmp_path):
    ics = runner.invoke(app, ["export", "ics", str(TINY), "--out", str(tmp_path / "ics"), "--json"])
    assert ics.exit_code == 0, ics.output
    files = json.loads(ics.stdout)["appointments"]
    assert sorted(files) == sorted(p.name for p in (tmp_path / "ics").glob("*.ics"))
    book = tmp_path / "t.xlsx"
    xlsx = runner.invoke(app, ["export", "xlsx", str(TINY), "--out", str(book), "--json"])
    assert xlsx.exit_code == 0, xlsx.output
    assert json.loads(xlsx.stdout)["rows"]["customers"] == 5
    back = runner.invoke(app, ["import", "xlsx", str(book), "--out", str(tmp_path / "b"), "--json"])
    assert back.exit_code == 0, back.output
    summary = json.loads(back.stdout)
    assert (summary["specialists"], summary["customers"], summary["slots"]) == (2, 5, 5)
