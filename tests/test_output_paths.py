"""Nothing a user points --out at is damaged (issue 11.1-11.6, issue 12.5-12.6).

Every writing command runs against a table of bad output paths: each is refused before
any work with exit 2, a message and no traceback, and nothing on the disk changes.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.i18n import LANGS
from kontaktplan.io import output as output_module
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.io.output import Conflict, OutputError, commit, output_folder
from language import foreign_in, without_paths

TINY = Path(__file__).parent / "data" / "tiny"
runner = CliRunner()
SRC = Path(__file__).parents[1] / "src"


def _run(*args: str, lang: str = "en"):
    """The command in-process; in German by the locale (every command, --lang or not)."""
    env = {"LC_ALL": "de_DE.UTF-8"} if lang == "de" else None
    return runner.invoke(app, [str(a) for a in args], env=env)


ERROR = {"de": "Fehler:", "en": "error:"}


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """The tiny office planned with the greedy solver (three planned appointments)."""
    out = tmp_path_factory.mktemp("planned") / "p"
    result = _run("plan", TINY, "--out", out, "--solver", "greedy", "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def workbook(planned, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book") / "book.xlsx"
    assert _run("export", "xlsx", planned, "--out", out).exit_code == 0
    return out


def _snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root``: a regular file's bytes, else its kind and link target."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p.is_symlink():
                out[str(p)] = ("link", os.readlink(p))
            elif p.is_file():
                out[str(p)] = p.read_bytes()
            else:
                out[str(p)] = ("kind", p.lstat().st_mode)
    return out


@pytest.fixture
def place() -> Iterator[Path]:
    # A short folder: a Unix socket path must stay under 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="kp-", dir="/tmp"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _bad_paths(root: Path, scenario: Path) -> dict[str, Path]:
    """Every kind of --out that must be refused, made under ``root``."""
    (root / "file.txt").write_text("mine")
    os.mkfifo(root / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock"))
    sock.close()
    (root / "target").mkdir()
    (root / "link").symlink_to(root / "target")
    (root / "dangling").symlink_to(root / "nowhere")
    (root / "foreign").mkdir()
    (root / "foreign" / "notes.txt").write_text("keep me")
    (root / "x" / "sub").mkdir(parents=True)
    (root / "x" / "thesis.txt").write_text("keep me")
    return {
        "file": root / "file.txt",
        "device": Path("/dev/null"),
        "fifo": root / "fifo",
        "socket": root / "sock",
        "symlink": root / "link",
        "dangling symlink": root / "dangling",
        "foreign folder": root / "foreign",
        "dot": Path("."),
        "x/sub/..": root / "x" / "sub" / "..",
        "under a file": root / "file.txt" / "out",
        "inside the input": scenario / "sub",
        "containing the input": scenario.parent,
    }


def _folder_commands(workbook: Path) -> dict[str, Callable[[Path, Path], list]]:
    return {
        "plan": lambda src, out: ["plan", src, "--out", out, "--solver", "greedy"],
        "cancel": lambda src, out: ["cancel", src, "P20261123-00001", "--out", out],
        "noshow": lambda src, out: ["noshow", src, "P20261123-00001", "--out", out],
        "status": lambda src, out: ["status", src, "P20261123-00001", "voided", "--out", out],
        "absence": lambda src, out: [
            *("absence", src, "S1", "--from", "2026-12-07", "--to", "2026-12-07"),
            *("--out", out),
        ],
        "replan": lambda src, out: ["replan", src, "--out", out],
        "import xlsx": lambda src, out: ["import", "xlsx", workbook, "--out", out],
        "scenario generate": lambda src, out: [
            *("scenario", "generate", "--specialists", "1"),
            *("--customers-per-specialist", "5", "--out", out),
        ],
    }


FOLDER_COMMANDS = [
    "plan",
    "cancel",
    "noshow",
    "status",
    "absence",
    "replan",
    "import xlsx",
    "scenario generate",
]
BAD = [
    "file",
    "device",
    "fifo",
    "socket",
    "symlink",
    "dangling symlink",
    "foreign folder",
    "dot",
    "x/sub/..",
    "under a file",
    "inside the input",
    "containing the input",
]


def _input_copy(planned: Path, root: Path) -> Path:
    scenario = root / "office" / "in"
    shutil.copytree(planned, scenario)
    return scenario


def _check_refused(result, before, root, what, lang="en"):
    assert result.exit_code == 2, (what, result.output)
    assert isinstance(result.exception, SystemExit), (what, result.exception)
    assert ERROR[lang] in result.output and "Traceback" not in result.output, what
    assert foreign_in(without_paths(result.stderr), lang) == [], (what, result.stderr)
    assert _snapshot(root) == before, what
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", FOLDER_COMMANDS)
def test_folder_command_refuses_bad_out_paths(command, lang, planned, workbook, place, monkeypatch):
    scenario = _input_copy(planned, place)
    (place / "office" / "cwd-note.txt").write_text("keep")
    monkeypatch.chdir(place / "office")  # "." is a folder holding the input and a note
    build = _folder_commands(workbook)[command]
    for what, out in _bad_paths(place, scenario).items():
        if command in ("import xlsx", "scenario generate") and what.endswith("the input"):
            continue  # no input folder
        before = _snapshot(place)
        result = _run(*build(scenario, out), lang=lang)
        _check_refused(result, before, place, f"{command}: {what}", lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("command", "suffix"), [("report", ".html"), ("export xlsx", ".xlsx"), ("export ics", "")]
)
def test_file_command_refuses_bad_out_paths(command, suffix, lang, planned, place):
    scenario = _input_copy(planned, place)
    bad = _bad_paths(place, scenario)
    cases = {k: bad[k] for k in ("device", "fifo", "socket", "symlink", "dangling symlink")}
    cases["under a file"] = place / "file.txt" / f"out{suffix}"
    if suffix:
        (place / f"theirs{suffix}").write_text("someone else's")
        cases["someone else's file"] = place / f"theirs{suffix}"
        cases["a folder"] = place / "target"
    else:
        cases["file"] = bad["file"]
    for what, out in cases.items():
        before = _snapshot(place)
        result = _run(*command.split(), scenario, "--out", out, lang=lang)
        _check_refused(result, before, place, f"{command}: {what}", lang)


def test_report_and_workbook_replace_their_own_file_and_others_with_force(planned, tmp_path):
    for command, name in (("report", "r.html"), ("export xlsx", "b.xlsx")):
        out = tmp_path / name
        assert _run(*command.split(), planned, "--out", out).exit_code == 0
        assert _run(*command.split(), planned, "--out", out).exit_code == 0  # its own: replaced
        out.write_text("theirs")
        assert _run(*command.split(), planned, "--out", out).exit_code == 2
        assert out.read_text() == "theirs"
        assert _run(*command.split(), planned, "--out", out, "--force").exit_code == 0


def test_writing_in_place_keeps_the_users_other_files(planned, tmp_path):
    folder = tmp_path / "inself"
    shutil.copytree(planned, folder)
    (folder / "notes.txt").write_text("my notes")
    (folder / "calendars").mkdir()
    (folder / "calendars" / "S1.ics").write_text("BEGIN:VCALENDAR")
    result = _run("cancel", folder, "P20261123-00001", "--on", "2026-11-23", "--out", folder)
    assert result.exit_code == 0, result.output
    assert (folder / "notes.txt").read_text() == "my notes"
    assert (folder / "calendars" / "S1.ics").read_text() == "BEGIN:VCALENDAR"
    rows = read_scenario(folder).scenario.appointments
    assert {a.appointment_id: a.status.value for a in rows}["P20261123-00001"] == "cancelled"


def test_plan_into_the_folder_that_holds_the_input_is_refused(planned, tmp_path):
    outer = tmp_path / "outer"
    shutil.copytree(planned, outer / "week49")
    before = _snapshot(tmp_path)
    result = _run("plan", outer / "week49", "--out", outer, "--solver", "greedy")
    assert result.exit_code == 2 and "contains the input" in result.output
    assert _snapshot(tmp_path) == before


def test_another_commands_result_is_replaced_only_with_force(planned, tmp_path):
    out = tmp_path / "result"
    cancel = ["cancel", planned, "P20261123-00001", "--on", "2026-11-23", "--out", out]
    assert _run(*cancel).exit_code == 0
    assert _run(*cancel).exit_code == 0  # the same command on the same input: a re-run
    before = _snapshot(tmp_path)
    other = ["cancel", planned, "P20261123-00002", "--on", "2026-11-23", "--out", out]
    result = _run(*other)
    assert result.exit_code == 2 and "--force" in result.output
    assert _snapshot(tmp_path) == before
    assert _run(*other, "--force").exit_code == 0
    rows = {a.appointment_id: a.status.value for a in read_scenario(out).scenario.appointments}
    assert rows["P20261123-00002"] == "cancelled" and rows["P20261123-00001"] == "planned"


def test_a_hand_made_scenario_folder_is_replaced_only_with_force(planned, tmp_path):
    out = tmp_path / "hand"
    shutil.copytree(TINY, out)
    (out / "notes.txt").write_text("mine")
    plan = ["plan", planned, "--out", out, "--solver", "greedy", "--quiet"]
    assert _run(*plan).exit_code == 2
    assert _run(*plan, "--force").exit_code == 0
    assert (out / "notes.txt").read_text() == "mine"


def test_a_folder_changed_while_the_command_worked_is_not_written(tiny, tmp_path):
    out = write_scenario(tiny.scenario, tmp_path / "out")
    target = output_folder(out)
    (out / "plan.json").write_text("{}")  # another writer, after our check
    before = _snapshot(tmp_path)
    with pytest.raises(Conflict):
        commit(target, {"scenario.toml": b"x"})
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "changed while this command ran (another command wrote it); nothing was written: "
            "run the command again on the new state",
        ),
        (
            "de",
            "wurde geändert, während dieser Befehl lief (ein anderer Befehl hat geschrieben); "
            "nichts wurde geschrieben: bitte den Befehl auf dem neuen Stand wiederholen",
        ),
    ],
)
def test_the_cli_says_exit_3_when_the_folder_changed_meanwhile(
    lang, said, planned, tmp_path, monkeypatch
):
    folder = tmp_path / "p"
    shutil.copytree(planned, folder)
    from kontaktplan.cli import common as cli

    original = cli.load

    def load_then_someone_writes(path, quiet=False):
        loaded = original(path, quiet)
        (folder / "plan.json").write_text('{"disruptions": []}\n')
        return loaded

    monkeypatch.setattr("kontaktplan.cli.disruption.load", load_then_someone_writes)
    on = ("--on", "2026-11-23", "--out", folder, "--lang", lang)
    result = _run("cancel", folder, "P20261123-00001", *on)
    assert result.exit_code == 3, result.output
    assert result.stderr == f"{ERROR[lang]} {folder} {said}\n"
    assert (folder / "plan.json").read_text() == '{"disruptions": []}\n'


def test_two_cancellations_at_once_into_one_folder_lose_nothing(planned, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(planned, folder)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    ids = ["P20261123-00001", "P20261123-00002"]
    base = [sys.executable, "-m", "kontaktplan", "cancel", str(folder)]
    procs = [
        subprocess.Popen(
            [*base, i, "--on", "2026-11-23", "--out", str(folder), "--quiet"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in ids
    ]
    codes = [p.wait(timeout=60) for p in procs]
    errors = [p.stderr.read().decode() for p in procs]
    assert set(codes) <= {0, 3}, errors
    assert 0 in codes
    rows = {a.appointment_id: a.status.value for a in read_scenario(folder).scenario.appointments}
    for i, code in zip(ids, codes, strict=True):
        assert (rows[i] == "cancelled") == (code == 0), (codes, errors)
    for code, err in zip(codes, errors, strict=True):
        assert code == 0 or "changed while this command ran" in err


def test_a_missing_table_is_not_read_as_empty(planned, tmp_path):
    for make in ("dangling", "folder", "fifo"):
        folder = tmp_path / make
        shutil.copytree(planned, folder)
        path = folder / "appointments.csv"
        path.unlink()
        if make == "dangling":
            path.symlink_to(folder / "gone.csv")
        elif make == "folder":
            path.mkdir()
        else:
            os.mkfifo(path)
        result = _run("plan", folder, "--out", tmp_path / f"out-{make}", "--solver", "greedy")
        assert result.exit_code == 2, (make, result.output)
        assert "appointments.csv" in result.output
        assert not (tmp_path / f"out-{make}").exists()


def test_unknown_columns_are_kept_when_a_table_is_rewritten(planned, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(planned, folder)
    path = folder / "appointments.csv"
    lines = path.read_text().splitlines()
    noted = [lines[0] + ",note"] + [f"{line},note {i}" for i, line in enumerate(lines[1:])]
    path.write_text("\n".join(noted) + "\n")
    out = tmp_path / "out"
    result = _run("cancel", folder, "P20261123-00001", "--on", "2026-11-23", "--out", out)
    assert result.exit_code == 0, result.output
    text = (out / "appointments.csv").read_text().splitlines()
    assert text[0].endswith(",note")
    for i, line in enumerate(lines[1:]):
        assert any(r.startswith(line.split(",")[0] + ",") and r.endswith(f"note {i}") for r in text)
    new = text[len(lines) :]  # a row the cancellation added (a backfill): no note of its own
    assert all(r.endswith(",") for r in new)


def test_an_interrupted_write_of_an_older_version_is_reported(tmp_path):
    shutil.copytree(TINY, tmp_path / ".week.old")
    result = _run("validate", tmp_path / "week")
    assert result.exit_code == 2 and ".week.old" in result.output


def test_output_folder_refuses_a_path_under_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        output_folder(tmp_path / "f" / "out")


def test_a_reader_finishes_a_commit_left_half_done_by_a_killed_writer(tiny, tmp_path):
    out = write_scenario(tiny.scenario, tmp_path / "out")
    changed = tiny.scenario.model_copy(update={"absences": ()})
    code = (
        "import os, sys\n"
        "from kontaktplan.io import output, read_scenario, write_scenario\n"
        "real = output.os.replace\n"
        "n = [0]\n"
        "def killing(a, b):\n"
        "    n[0] += 1\n"
        "    if n[0] == 4: os._exit(9)\n"
        "    return real(a, b)\n"
        "output.os.replace = killing\n"
        f"write_scenario(read_scenario({str(TINY)!r}).scenario.model_copy("
        "update={'absences': ()}), sys.argv[1])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-c", code, str(out)], env=env, check=False)
    assert proc.returncode == 9
    assert (out / output_module.JOURNAL).exists()
    assert read_scenario(out).scenario == changed
    assert not [p for p in out.iterdir() if p.name.startswith(output_module.TMP_PREFIX)]


@pytest.mark.parametrize(
    "args",
    [
        ["cancel", "{p}", "NOPE", "--out", "{o}"],
        ["cancel", "{p}", "A1", "--out", "{o}"],  # held: not planned
        ["cancel", "{p}", "P20261123-00001", "--on", "2026-13-01", "--out", "{o}"],
        ["cancel", "{p}", "P20261123-00001", "--on", "2026-12-31", "--out", "{o}"],
        ["noshow", "{p}", "NOPE", "--out", "{o}"],
        ["noshow", "{p}", "A2", "--out", "{o}"],
        ["status", "{p}", "NOPE", "held", "--out", "{o}"],
        ["status", "{p}", "A1", "held", "--out", "{o}"],
        ["status", "{p}", "P20261123-00001", "maybe", "--out", "{o}"],
        ["absence", "{p}", "S9", "--from", "2026-12-07", "--to", "2026-12-08", "--out", "{o}"],
        ["absence", "{p}", "S1", "--from", "2026-12-09", "--to", "2026-12-08", "--out", "{o}"],
        ["absence", "{p}", "S1", "--from", "x", "--to", "2026-12-08", "--out", "{o}"],
        ["replan", "{p}/nothing", "--out", "{o}"],
        ["import", "xlsx", "{p}/scenario.toml", "--out", "{o}"],
        ["import", "xlsx", "{p}/missing.xlsx", "--out", "{o}"],
        ["standby", "{p}", "--day", "07.13.2026"],
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_every_refusal_of_a_disruption_or_import_is_exit_2_and_writes_nothing(
    args, lang, planned, tmp_path
):
    folder = tmp_path / "p"
    shutil.copytree(planned, folder)
    before = _snapshot(tmp_path)
    filled = [a.format(p=folder, o=tmp_path / "out") for a in args]
    result = _run(*filled, lang=lang)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.output.count(ERROR[lang]) == 1
    assert foreign_in(without_paths(result.stderr), lang) == [], result.stderr
    assert _snapshot(tmp_path) == before


def test_a_users_file_named_like_the_carried_rule_set_is_left_alone(planned, tmp_path):
    folder = tmp_path / "hand"
    shutil.copytree(TINY, folder)
    (folder / "heilbronn-2025.toml").write_text("# my notes on the rules\n")
    result = _run("plan", folder, "--out", folder, "--solver", "greedy", "--quiet")
    assert result.exit_code == 0, result.output
    assert (folder / "heilbronn-2025.toml").read_text() == "# my notes on the rules\n"
    assert read_scenario(folder).policy.name == "heilbronn-2025"
