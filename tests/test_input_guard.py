"""What a user types cannot attack the reader of an output (issue 11.7-11.10, 11.11).

Formula injection in xlsx and CSV, pseudonymous ids, free text, the policy lookup and
the policy a written folder carries, the report's embedded JSON, and bounds on dates.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.io import InputError, read_scenario, write_scenario
from kontaktplan.io.output import read_manifest
from kontaktplan.rules.policy import models_dir

TINY = Path(__file__).parent / "data" / "tiny"
runner = CliRunner()

PAYLOADS = ['=HYPERLINK("http://x";"y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _with_reasons(tmp_path, write_folder, tiny_text, reasons: list[str]) -> Path:
    head = tiny_text("absences").splitlines()[0]
    rows = [f"S2,2026-12-{10 + i:02d},2026-12-{10 + i:02d},{r}" for i, r in enumerate(reasons)]
    team = tiny_text("specialists").replace("S2,T1,", "S2,=1+2,")
    return write_folder(tmp_path / "in", absences="\n".join([head, *rows]) + "\n", specialists=team)


def test_formulas_in_text_cells_are_written_as_text_and_the_round_trip_holds(
    tmp_path, write_folder, tiny_text
):
    folder = _with_reasons(tmp_path, write_folder, tiny_text, PAYLOADS)
    scenario = read_scenario(folder).scenario
    book = tmp_path / "book.xlsx"
    assert _run("export", "xlsx", folder, "--out", book).exit_code == 0
    wb = openpyxl.load_workbook(book)  # formulas, not their values
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    values = [c.value for c in wb["absences"]["D"]]
    assert set(PAYLOADS) <= set(values)
    back = tmp_path / "back"
    result = _run("import", "xlsx", book, "--out", back)
    assert result.exit_code == 0, result.output
    assert read_scenario(back).scenario == scenario


def test_formulas_in_csv_cells_are_quoted_and_read_back_unchanged(
    tmp_path, write_folder, tiny_text
):
    folder = _with_reasons(tmp_path, write_folder, tiny_text, PAYLOADS)
    loaded = read_scenario(folder)
    out = write_scenario(loaded.scenario, tmp_path / "out", read=loaded)
    text = (out / "absences.csv").read_text() + (out / "specialists.csv").read_text()
    assert not re.search(r"(^|,)[=+\-@]", text, re.MULTILINE), text
    assert read_scenario(out).scenario == loaded.scenario


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_any_one_line_reason_survives_csv_and_xlsx(tmp_path_factory, reason):
    reason = reason.strip()
    tiny = read_scenario(TINY)
    absence = tiny.scenario.absences[0].model_copy(update={"reason": reason or None})
    scenario = tiny.scenario.model_copy(update={"absences": (absence,)})
    root = tmp_path_factory.mktemp("r")
    out = write_scenario(scenario, root / "out")
    assert read_scenario(out).scenario == scenario
    from kontaktplan.io.xlsx import read_xlsx, write_xlsx

    write_xlsx(scenario, tiny.policy, root / "b.xlsx")
    assert read_xlsx(root / "b.xlsx").scenario == scenario


@pytest.mark.parametrize(
    "bad_id",
    ["Mustermann, Max *01.02.1990 Hauptstr. 5", "x" * 33, "<!--<script", "-C1", "C 1", "=C1"],
)
def test_an_id_that_is_not_pseudonymous_is_bad_input_naming_the_cell(
    bad_id, tmp_path, write_folder, tiny_text
):
    text = tiny_text("customers").replace("C3,S1,", f'"{bad_id}",S1,')
    folder = write_folder(tmp_path / "in", customers=text)
    result = _run("validate", folder)
    assert result.exit_code == 2, result.output
    assert "customers.csv, row 4, column 'customer_id'" in result.output
    assert "id pattern" in result.output


@pytest.mark.parametrize("reason", ["two\nlines", "x" * 201])
def test_free_text_is_one_short_line(reason, tmp_path, write_folder, tiny_text):
    head = tiny_text("absences").splitlines()[0]
    text = f'{head}\nS2,2026-12-08,2026-12-09,"{reason}"\n'
    folder = write_folder(tmp_path / "in", absences=text)
    result = _run("validate", folder)
    assert result.exit_code == 2
    assert "absences.csv, row 2, column 'reason'" in result.output


def test_the_id_pattern_is_a_setting_of_the_policy(tmp_path, write_folder, tiny_text):
    rules = (models_dir() / "heilbronn-2025.toml").read_text()
    rules = rules.replace(
        'id_pattern = "[A-Za-z0-9][A-Za-z0-9._-]{0,31}"', 'id_pattern = "C[0-9]+|S[0-9]+|A[0-9]+"'
    )
    folder = write_folder(tmp_path / "in")
    (folder / "strict.toml").write_text(rules)
    meta = (folder / "scenario.toml").read_text().replace('"heilbronn-2025"', '"strict.toml"')
    (folder / "scenario.toml").write_text(meta)
    assert read_scenario(folder).policy.input.id_pattern == "C[0-9]+|S[0-9]+|A[0-9]+"
    text = (folder / "customers.csv").read_text().replace("C3,S1,", "K-3,S1,")
    (folder / "customers.csv").write_text(text)
    with pytest.raises(InputError, match="id pattern") as e:
        read_scenario(folder)
    assert (e.value.file, e.value.row, e.value.column) == ("customers.csv", 4, "customer_id")


@pytest.mark.parametrize(
    ("table", "old", "new", "where"),
    [
        ("scenario", "today = 2026-11-23", "today = 9999-12-31", ("scenario.toml", None, "today")),
        ("customers", "C1,S1,K1,true,false,,2026-08-10", "C1,S1,K1,true,false,,9999-12-31",
         ("customers.csv", 2, "last_contact")),
        ("appointments", "2026-08-10T08:00,2026-08-10T08:45", "2026-08-10T08:00,9999-12-31T08:45",
         ("appointments.csv", 2, "end")),
        ("appointments", "2026-08-10T08:00,2026-08-10T08:45", "2026-08-10T08:00,2026-08-12T08:45",
         ("appointments.csv", 2, "end")),
    ],
)  # fmt: skip
def test_dates_out_of_range_are_bad_input(
    table, old, new, where, tmp_path, write_folder, tiny_text
):
    text = tiny_text(table)
    assert old in text
    folder = write_folder(tmp_path / "in", **{table: text.replace(old, new)})
    with pytest.raises(InputError) as e:
        read_scenario(folder)
    assert (e.value.file, e.value.row, e.value.column) == where
    result = _run("plan", folder, "--out", tmp_path / "out", "--solver", "greedy")
    assert result.exit_code == 2 and not (tmp_path / "out").exists()


def test_a_latin1_scenario_or_policy_file_is_bad_input(tmp_path, write_folder):
    folder = write_folder(tmp_path / "a")
    (folder / "scenario.toml").write_bytes('name = "Büro"\ntoday = 2026-11-23\n'.encode("latin-1"))
    result = _run("validate", folder)
    assert result.exit_code == 2 and "scenario.toml" in result.output and "UTF-8" in result.output
    folder = write_folder(tmp_path / "b")
    rules = (models_dir() / "heilbronn-2025.toml").read_text().replace("Heilbronn", "Hé")
    (folder / "mine.toml").write_bytes(rules.encode("latin-1"))
    meta = (folder / "scenario.toml").read_text().replace('"heilbronn-2025"', '"mine.toml"')
    (folder / "scenario.toml").write_text(meta)
    result = _run("validate", folder)
    assert result.exit_code == 2 and "mine.toml" in result.output


def test_a_cell_over_the_csv_field_limit_is_bad_input(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("C3,S1,K3", "C3,S1," + "K" * 140_000)
    folder = write_folder(tmp_path / "in", customers=text)
    result = _run("validate", folder)
    assert result.exit_code == 2 and "customers.csv" in result.output


def test_a_policy_in_the_current_folder_is_never_picked_up(tmp_path, write_folder, monkeypatch):
    folder = write_folder(tmp_path / "in")
    shutil.copy(models_dir() / "ba-2010.toml", tmp_path / "heilbronn-2025.toml")
    monkeypatch.chdir(tmp_path)
    assert read_scenario(folder).policy.name == "heilbronn-2025"


def test_a_written_folder_carries_its_policy_and_reads_back_with_it(tiny, tmp_path, monkeypatch):
    out = write_scenario(tiny.scenario, tmp_path / "out")
    carried = out / "heilbronn-2025.toml"
    assert carried.read_bytes() == (models_dir() / "heilbronn-2025.toml").read_bytes()
    manifest = read_manifest(out)
    import hashlib

    assert (
        manifest["files"]["heilbronn-2025.toml"] == hashlib.sha256(carried.read_bytes()).hexdigest()
    )
    # The bundled rule sets gone (or changed by an upgrade): the folder still reads the same.
    monkeypatch.setattr("kontaktplan.rules.policy.models_dir", lambda: tmp_path / "nowhere")
    with pytest.raises(InputError):
        read_scenario(TINY)
    assert read_scenario(out).policy == tiny.policy
    # A copy changed by hand is not taken for the rules the folder was written with.
    carried.write_text(carried.read_text().replace("daily_cap = 8", "daily_cap = 9"))
    with pytest.raises(InputError):
        read_scenario(out)


def test_report_json_block_escapes_markup_and_parses_back(tiny, tmp_path, write_folder, tiny_text):
    team = tiny_text("specialists").replace("S1,T1,", "S1,</script><!--<script>&amp;,")
    folder = write_folder(tmp_path / "in", specialists=team)
    out = tmp_path / "r.html"
    assert _run("report", folder, "--out", out).exit_code == 0
    page = out.read_text()
    block = page.split('<script type="application/json" id="figures">')[1].split("</script>")[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert "</script><!--<script>&amp;" in json.dumps(json.loads(block), ensure_ascii=False)


@pytest.mark.parametrize(
    "args",
    [
        ["scenario", "generate", "--today", "9999-12-20", "--specialists", "1"],
        ["scenario", "generate", "--weeks", "100000", "--specialists", "1"],
        ["scenario", "generate", "--policy", "/etc/hostname.toml", "--specialists", "1"],
        ["scenario", "generate", "--seed", "-1", "--specialists", "1"],
        ["plan", TINY, "--seed", "99999999999999999"],
        ["replan", TINY, "--seed", "-5"],
    ],
)
def test_commands_refuse_extreme_options(args, tmp_path):
    result = _run(*args, "--out", tmp_path / "g")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "g").exists()


def test_absence_dates_outside_the_range_are_refused(tmp_path, write_folder):
    folder = write_folder(tmp_path / "in")
    args = ["absence", folder, "S1", "--from", "0001-01-01", "--to", "9999-12-31"]
    result = _run(*args, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "--from" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("old", "new", "setting"),
    [
        ("lead_days = 10", "lead_days = 1000000000", "booking.lead_days"),
        ("U25 = 1 ", "U25 = 100000000 ", "density"),
        ("daily_cap = 8", "daily_cap = 0", "booking.daily_cap"),
    ],
)
def test_a_policy_out_of_bounds_is_bad_input_naming_file_and_setting(
    old, new, setting, tmp_path, write_folder
):
    folder = write_folder(tmp_path / "in")
    rules = (models_dir() / "heilbronn-2025.toml").read_text()
    (folder / "rules.toml").write_text(rules.replace(old, new))
    meta = (folder / "scenario.toml").read_text().replace('"heilbronn-2025"', '"rules.toml"')
    (folder / "scenario.toml").write_text(meta)
    result = _run("plan", folder, "--out", tmp_path / "out", "--solver", "greedy")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "rules.toml" in result.output and setting in result.output
    assert not (tmp_path / "out").exists()
