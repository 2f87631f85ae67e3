"""--lang: one language per output (printed text, HTML report, workbook, calendar);
German dates on the command line; solver figures only with --verbose."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import icalendar
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.i18n import CATALOGUE, LANGS, default_lang, translator
from language import foreign_in, fragments, page_text

TINY = Path(__file__).parent / "data" / "tiny"
DEMO = Path(__file__).parents[1] / "scenarios" / "demo"
runner = CliRunner()


def test_every_catalogue_entry_has_both_languages_with_the_same_fields():
    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGS), key
        fields = {
            lang: sorted(f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f)
            for lang in LANGS
        }
        assert fields["de"] == fields["en"], key
    assert len(fragments("de")) > 100 and len(fragments("en")) > 100


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "de_AT.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "de_CH.UTF-8"}, "de"),
    ],
)
def test_default_language_comes_from_the_locale(env, lang):
    assert default_lang(env) == lang


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="de, en"):
        translator("fr")  # type: ignore[arg-type]
    result = runner.invoke(app, ["validate", str(TINY), "--lang", "fr"])
    assert result.exit_code == 2


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("planned") / "plan"
    result = runner.invoke(app, ["plan", str(TINY), "--out", str(out), "--solver", "greedy"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_printed_text_of_the_main_commands_is_in_one_language(lang, planned, tmp_path):
    runs = [
        ["plan", str(TINY), "--out", str(tmp_path / "p"), "--workers", "1"],
        ["validate", str(planned)],
        ["export", "ics", str(planned), "--out", str(tmp_path / "ics")],
        ["export", "xlsx", str(planned), "--out", str(tmp_path / "t.xlsx")],
        ["report", str(planned), "--out", str(tmp_path / "r.html")],
    ]
    for args in runs:
        result = runner.invoke(app, [*args, "--lang", lang])
        assert result.exit_code in (0, 1), result.output
        assert foreign_in(result.stdout, lang) == [], (args[0], result.stdout)
        # the validator's own warnings ("warning: ...") are not this test's subject; the
        # reading warnings and errors are in the output's language (test_i18n_errors.py)
        progress = "\n".join(
            line for line in result.stderr.splitlines() if not line.startswith("warning: ")
        )
        assert foreign_in(progress, lang) == [], (args[0], result.stderr)
    plan = runner.invoke(app, [*runs[0], "--lang", lang]).stdout
    assert ("Fristen:" in plan) == (lang == "de")
    assert ("deadlines:" in plan) == (lang == "en")
    checked = runner.invoke(app, [*runs[1], "--lang", lang]).stdout
    assert ("Team T1 KW 50/2026: " in checked) == (lang == "de")
    assert ("team T1 2026-W50: " in checked) == (lang == "en")
    assert ("07.12.2026" in checked) == (lang == "de")


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_is_in_one_language(lang, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    victim = next(
        line.split(",")[0]
        for line in (folder / "appointments.csv").read_text().splitlines()
        if ",planned," in line
    )
    assert runner.invoke(app, ["cancel", str(folder), victim, "--out", str(folder)]).exit_code == 0
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(folder), "--out", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    text = page_text(out)
    # the reasons of the disruption log are the commands' own words (not translated)
    log = text.split(translator(lang)("report.h_disruptions"))[0]
    assert foreign_in(log, lang) == []
    assert translator(lang)("report.h_overdue") in text


@pytest.mark.parametrize("lang", LANGS)
def test_workbook_report_sheets_are_in_one_language(lang, planned, tmp_path):
    out = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["export", "xlsx", str(planned), "--out", str(out), "--lang", lang])
    wb = openpyxl.load_workbook(out)
    t = translator(lang)
    report_sheets = [ws for ws in wb.worksheets if ws.title.startswith("Team ")]
    report_sheets += [wb[t("xlsx.sheet_overdue")], wb[t("xlsx.sheet_review")]]
    cells = "\n".join(
        str(v) for ws in report_sheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert foreign_in(cells, lang) == []
    assert t("xlsx.legend_target") in cells
    # the six tables keep the folder's column names in every language
    assert next(wb["customers"].iter_rows(values_only=True))[0] == "customer_id"


@pytest.mark.parametrize("lang", LANGS)
def test_calendar_files_are_in_one_language(lang, planned, tmp_path):
    out = tmp_path / "ics"
    assert runner.invoke(app, ["export", "ics", str(planned), "--out", str(out), "--lang", lang])
    for path in out.glob("*.ics"):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        text = "\n".join(
            [str(cal["X-WR-CALNAME"])]
            + [f"{e['SUMMARY']}\n{e['DESCRIPTION']}" for e in cal.walk("VEVENT")]
        )
        assert foreign_in(text, lang) == []


# --- dates as a German office types them ---------------------------------------------


@given(st.dates())
def test_parse_day_reads_german_and_iso_dates_alike(day):
    from kontaktplan.cli.common import parse_day

    assert parse_day(f"{day:%d.%m.%Y}" if day.year >= 1000 else day.isoformat(), "--x") == day
    assert parse_day(f"{day.day}.{day.month}.{day.year:04d}", "--x") == day
    assert parse_day(day.isoformat(), "--x") == day


@pytest.mark.parametrize(
    "text", ["31.02.2026", "2026-13-01", "07/12/2026", "7.12.26", "morgen", ""]
)
def test_a_bad_date_names_the_option_and_exits_2(text, tmp_path):
    result = runner.invoke(app, ["standby", str(TINY), "--day", text])
    assert result.exit_code == 2
    assert f"--day: {text!r} is not a date (DD.MM.YYYY or YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output


def test_german_and_iso_dates_give_the_same_result(planned):
    german = runner.invoke(app, ["standby", str(planned), "--day", "07.12.2026", "--json"])
    iso = runner.invoke(app, ["standby", str(planned), "--day", "2026-12-07", "--json"])
    assert german.exit_code == 0, german.output
    assert german.stdout == iso.stdout
    assert '"day": "2026-12-07"' in german.stdout


def test_generate_takes_a_german_planning_date(tmp_path):
    args = ["scenario", "generate", "--specialists", "1", "--customers-per-specialist", "5"]
    result = runner.invoke(app, [*args, "--today", "01.03.2027", "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    assert "today = 2027-03-01" in (tmp_path / "g" / "scenario.toml").read_text()


# --- solver figures only for those who ask ---------------------------------------------


def test_plan_prints_solver_figures_only_with_verbose(tmp_path):
    args = ["plan", str(TINY), "--workers", "1", "--lang", "en"]
    plain = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    verbose = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--verbose"])
    assert plain.exit_code == verbose.exit_code == 0
    for word in ("objective", "bound", "gap", "OPTIMAL"):
        assert word not in plain.stdout and word not in plain.stderr
        assert word in verbose.stdout
    assert (tmp_path / "a" / "appointments.csv").read_bytes() == (
        tmp_path / "b" / "appointments.csv"
    ).read_bytes()


def test_replan_takes_the_solver_options_of_plan(planned, tmp_path):
    args = ["replan", str(planned), "--out", str(tmp_path / "r"), "--solver", "greedy"]
    result = runner.invoke(app, [*args, "--time-limit", "2", "--seed", "3", "--workers", "1"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        app, ["replan", str(planned), "--out", str(tmp_path / "x"), "--solver", "x"]
    )
    assert bad.exit_code == 2 and not (tmp_path / "x").exists()
