"""Issue 12.13: the error and warning lines follow --lang (and the locale), one language
per output; the English text stays what it was, the exit codes do not change."""

from __future__ import annotations

import errno
import pickle
import re
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import Kind
from kontaktplan.i18n import CATALOGUE, LANGS, Phrase
from kontaktplan.i18n.errors import (
    ERRORS,
    Choices,
    Worded,
    message_of,
    os_reason,
    pydantic_reason,
    toml_reason,
)
from kontaktplan.io import InputError
from language import foreign_in, without_paths

TINY = Path(__file__).parent / "data" / "tiny"
SRC = Path(__file__).parents[1] / "src" / "kontaktplan"
runner = CliRunner()
PREFIX = {"de": "Fehler: ", "en": "error: "}
WARNING = {"de": "Warnung: ", "en": "warning: "}
FAMILIES = ("err.", "warn.", "what.", "group.", "web.", "os.", "pyd.", "toml.", "json.", "utf8.")


def _fields(text: str) -> list[tuple[str, str | None]]:
    return sorted((f, c) for _, f, _, c in string.Formatter().parse(text) if f is not None)


def test_every_error_and_warning_has_both_languages_with_the_same_fields():
    for key, entry in ERRORS.items():
        assert set(entry) == set(LANGS), key
        assert _fields(entry["de"]) == _fields(entry["en"]), key
        assert key.startswith((*FAMILIES, "csv.", "zip.")), key
        assert CATALOGUE[key] is entry, key  # merged, defined once


def test_every_error_phrase_the_product_builds_is_in_the_catalogue():
    """A key is checked where it is written: an error path no test reaches must not end in
    a KeyError instead of its message."""
    pattern = re.compile(r'"((?:err|warn|what|group|web)\.[a-z_]+)"')
    used = {
        m[1]
        for path in SRC.rglob("*.py")
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 150
    assert sorted(used - set(CATALOGUE)) == []


def test_the_web_apps_refusals_and_reasons_are_in_both_languages():
    """Issue 12.13 for the web app: what it refuses and why (``web.*``) is said in German
    on its pages and in English by its API, with the same fields."""
    pattern = re.compile(r'"(web\.[a-z_]+)"')
    used = {
        m[1]
        for path in (SRC / "web").glob("*.py")
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 10
    assert sorted(used - set(ERRORS)) == []
    for key in used:
        assert _fields(ERRORS[key]["de"]) == _fields(ERRORS[key]["en"]), key
        assert ERRORS[key]["de"] != ERRORS[key]["en"] or key == "web.plan_failed", key


# --- the phrases and the words from outside the product --------------------------------


def test_an_input_error_is_its_english_line_and_says_it_in_german():
    e = InputError("customers.csv", Phrase("err.missing_column"), 1, "under_25")
    assert str(e) == "customers.csv, row 1, column 'under_25': missing column"
    assert message_of(e).say("de") == "customers.csv, Zeile 1, Spalte 'under_25': Spalte fehlt"
    assert str(InputError("slots.csv", "as the library said it")) == (
        "slots.csv: as the library said it"
    )


def test_words_from_outside_keep_their_english_and_have_a_german_text():
    gone = os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory"))
    assert gone == "No such file or directory"
    assert gone.say("de") == "Datei oder Ordner nicht gefunden"
    odd = os_reason(OSError(errno.ENOLINK, "Link has been severed"))
    assert odd.say("de") == odd == "Link has been severed"  # no entry: the English words
    toml = toml_reason(ValueError("Invalid value (at line 2, column 9)"))
    assert toml == "Invalid value (at line 2, column 9)"
    assert toml.say("de") == "ungültiger Wert (in Zeile 2, Spalte 9)"


def test_pydantic_messages_stay_as_pydantic_wrote_them_and_are_german_too():
    class Row(BaseModel):
        kind: Kind
        fte: float = 1

    with pytest.raises(ValidationError) as bad:
        Row(kind="chat")
    err = bad.value.errors()[0]
    said = pydantic_reason(err)
    assert said == err["msg"]
    assert said.say("de") == (
        "erlaubt ist 'first_interview', 'follow_up', 'group_session' oder 'phone_consultation'"
    )
    assert Choices(["a", "b"]).say("de") == "'a' oder 'b'" and Choices(["a"]) == "'a'"


def test_phrases_from_outside_survive_pickling_as_an_error_does_between_processes():
    for phrase in (
        Worded("Permission denied", "os.EACCES"),
        Choices(["ifk", "fm"]),
        Phrase("err.at", where="x.csv", message=Worded("Is a directory", "os.EISDIR")),
    ):
        back = pickle.loads(pickle.dumps(phrase))
        assert back == phrase and back.say("de") == phrase.say("de")
    error = pickle.loads(pickle.dumps(ValueError(Phrase("err.no_file"))))
    assert message_of(error).say("de") == "keine solche Datei"


# --- bad input, printed ----------------------------------------------------------------


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    return edit


def _latin1(folder: Path) -> None:
    text = (folder / "customers.csv").read_text(encoding="utf-8")
    (folder / "customers.csv").write_bytes(text.replace("K3", "Kö").encode("latin-1"))


def _drop_scenario(folder: Path) -> None:
    (folder / "scenario.toml").unlink()


BAD_INPUT = {
    # what: (change to the tiny folder, command after DIR, German text, English text)
    "a boolean": (
        _replace("customers.csv", "C1,S1,K1,true", "C1,S1,K1,vielleicht"),
        ["validate"],
        "customers.csv, Zeile 2, Spalte 'unemployed': 'vielleicht' ist kein Wahrheitswert",
        "customers.csv, row 2, column 'unemployed': 'vielleicht' is not a boolean",
    ),
    "a missing column": (
        _replace("slots.csv", "specialist_id,start,end,mode", "specialist_id,start,ende,mode"),
        ["validate"],
        "slots.csv, Zeile 1, Spalte 'end': Spalte fehlt",
        "slots.csv, row 1, column 'end': missing column",
    ),
    "a kind": (
        _replace("appointments.csv", "follow_up,in_person", "chat,in_person"),
        ["validate"],
        "Spalte 'kind': erlaubt ist 'first_interview', 'follow_up', 'group_session' oder "
        "'phone_consultation' (erhalten: 'chat')",
        "column 'kind': Input should be 'first_interview', 'follow_up', 'group_session' or "
        "'phone_consultation' (got 'chat')",
    ),
    "a share over one": (
        _replace("specialists.csv", "S1,T1,1,", "S1,T1,2,"),
        ["validate"],
        "specialists.csv, Zeile 2, Spalte 'fte': darf höchstens 1 sein (erhalten: '2')",
        "specialists.csv, row 2, column 'fte': Input should be less than or equal to 1 (got '2')",
    ),
    "an unknown specialist": (
        _replace("customers.csv", "C4,S2", "C4,S9"),
        ["validate"],
        "customers.csv, Zeile 5, Spalte 'specialist_id': unbekannte Fachkraft 'S9'",
        "customers.csv, row 5, column 'specialist_id': unknown specialist 'S9'",
    ),
    "a half day": (
        _replace("customers.csv", "Wed-AM", "Wed-XX"),
        ["validate"],
        "unbekannter halber Tag 'XX' in 'Wed-XX' (AM oder PM, z. B. Wed-AM)",
        "unknown half day 'XX' in 'Wed-XX' (use AM or PM, e.g. Wed-AM)",
    ),
    "an absence ending before it starts": (
        _replace("absences.csv", "2026-12-08,2026-12-09", "2026-12-08,2026-12-05"),
        ["validate"],
        "Spalte 'last_day': last_day darf nicht vor first_day liegen (erhalten: '2026-12-05')",
        "column 'last_day': last_day must be on or after first_day (got '2026-12-05')",
    ),
    "not UTF-8": (
        _latin1,
        ["validate"],
        "customers.csv: kein UTF-8-Text (ungültiges Startbyte bei Byte",
        "customers.csv: not UTF-8 text (invalid start byte at byte",
    ),
    "no scenario.toml": (
        _drop_scenario,
        ["validate"],
        "scenario.toml: nicht gefunden in",
        "scenario.toml: not found in",
    ),
    "bad TOML": (
        _replace("scenario.toml", "today = 2026-11-23", "today = "),
        ["validate"],
        "scenario.toml: ungültiger Wert (in Zeile 2, Spalte 9)",
        "scenario.toml: Invalid value (at line 2, column 9)",
    ),
    "a day out of range": (
        _replace("scenario.toml", "today = 2026-11-23", "today = 1900-01-01"),
        ["validate"],
        "scenario.toml, Spalte 'today': Datum außerhalb von 01.01.1950 .. 31.12.2100",
        "scenario.toml, column 'today': date outside 1950-01-01 .. 2100-12-31",
    ),
    "a date option": (
        None,
        ["standby", "--day", "31.02.2026"],
        "--day: '31.02.2026' ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT, z. B. 07.12.2026)",
        "--day: '31.02.2026' is not a date (DD.MM.YYYY or YYYY-MM-DD, e.g. 07.12.2026)",
    ),
    "an unknown appointment": (
        None,
        ["cancel", "NOPE", "--on", "2026-11-23", "--out", "{tmp}/out"],
        "kein Termin 'NOPE' in appointments.csv",
        "no appointment 'NOPE' in appointments.csv",
    ),
    "a held appointment": (
        None,
        ["noshow", "A2", "--out", "{tmp}/out"],
        "A2 hat den Status stattgefunden; nur ein geplanter Termin kann versäumt werden",
        "A2 has status held; only a planned appointment can be missed",
    ),
    "an outcome": (
        None,
        ["status", "A1", "maybe", "--out", "{tmp}/out"],
        "das Ergebnis muss held, not_held, no_show oder voided sein, nicht 'maybe'",
        "status must be held, not_held, no_show or voided, not 'maybe'",
    ),
    "--out a file": (
        None,
        ["plan", "--out", "{tmp}/mine.txt"],
        "mine.txt: --out ist eine Datei; bitte einen Ordner angeben, in den das Szenario",
        "mine.txt: --out is a file; give a folder to write the scenario to",
    ),
    "--out someone else's report": (
        None,
        ["report", "--out", "{tmp}/mine.html"],
        "--out gibt es schon, und kontaktplan hat die Datei nicht geschrieben; mit --force",
        "--out exists and was not written by kontaktplan; give --force to replace it",
    ),
}


def _bad_run(what: str, tmp_path: Path, lang: str | None, env: dict | None = None):
    edit, args, _, _ = BAD_INPUT[what]
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    for f in TINY.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    if edit is not None:
        edit(folder)
    (tmp_path / "mine.txt").write_text("mine")
    (tmp_path / "mine.html").write_text("mine")
    filled = [a.format(tmp=tmp_path) for a in args]
    command = [filled[0], str(folder), *filled[1:]]
    option = ["--lang", lang] if lang else []
    return runner.invoke(app, [*command, *option], env=env)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("what", sorted(BAD_INPUT))
def test_bad_input_is_named_in_the_language_of_the_output(what, lang, tmp_path):
    result = _bad_run(what, tmp_path, lang)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX[lang]), result.stderr
    expected = BAD_INPUT[what][2 if lang == "de" else 3]
    assert expected in lines[0]
    assert foreign_in(without_paths(result.stderr), lang) == [], result.stderr
    if lang == "de":
        assert BAD_INPUT[what][3] not in result.stderr
        for word in (" row ", " column ", " is not ", " must ", "Input should", " (got "):
            assert word not in lines[0], (word, lines[0])


@pytest.mark.parametrize("what", ["a boolean", "a date option", "--out a file"])
def test_a_german_locale_without_lang_gives_german_errors(what, tmp_path):
    result = _bad_run(what, tmp_path, None, env={"LC_ALL": "de_DE.UTF-8"})
    assert result.exit_code == 2
    assert result.stderr.startswith(PREFIX["de"]) and BAD_INPUT[what][2] in result.stderr
    english = _bad_run(what, tmp_path / "again", "en", env={"LC_ALL": "de_DE.UTF-8"})
    assert english.stderr.startswith(PREFIX["en"])  # --lang wins over the locale


# --- warnings ----------------------------------------------------------------------------


@pytest.fixture
def history_without_slot(write_folder, tiny_text, tmp_path) -> Path:
    """S2 held an appointment on 08.12.2026, a day it has no slot (a reading warning)."""
    slots = tiny_text("slots").replace("S2,2026-12-08T08:00,2026-12-08T08:45,any\n", "")
    held = "A3,C4,S2,2026-12-08T10:00,2026-12-08T10:45,follow_up,in_person,held,2026-11-20,,,,\n"
    return write_folder(tmp_path / "in", slots=slots, appointments=tiny_text("appointments") + held)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "de",
            "Warnung: appointments.csv, Zeile 4: stattgefundener Termin am 08.12.2026 an "
            "einem Tag ohne Slot von S2; als Verlauf behalten",
        ),
        (
            "en",
            "warning: appointments.csv, row 4: held appointment on 2026-12-08 on a day "
            "without a slot of S2; kept as history",
        ),
    ],
)
def test_a_reading_warning_is_in_the_language_of_the_output(history_without_slot, lang, line):
    result = runner.invoke(
        app,
        [
            "export",
            "ics",
            str(history_without_slot),
            "--out",
            str(history_without_slot.parent / "ics"),
            "--lang",
            lang,
        ],
    )
    assert result.exit_code == 0, result.output
    assert line in result.stderr.splitlines()


def test_a_workbooks_warning_names_its_sheet_in_the_locales_language(history_without_slot):
    book = history_without_slot.parent / "book.xlsx"
    assert (
        runner.invoke(
            app, ["export", "xlsx", str(history_without_slot), "--out", str(book)]
        ).exit_code
        == 0
    )
    out = history_without_slot.parent / "back"
    result = runner.invoke(
        app, ["import", "xlsx", str(book), "--out", str(out)], env={"LC_ALL": "de_DE.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert "Warnung: book.xlsx:appointments, Zeile 4: stattgefundener Termin am 08.12.2026" in (
        result.stderr
    )


# --- the workspace ------------------------------------------------------------------------


def test_workspace_errors_follow_the_locale(tmp_path):
    german = {"LC_ALL": "de_DE.UTF-8"}
    missing = tmp_path / "nowhere.db"
    result = runner.invoke(app, ["log", "--db", str(missing)], env=german)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Fehler: --db: kein Arbeitsbereich unter {missing} (anlegen mit: kontaktplan db init)\n"
    )
    db = str(tmp_path / "office.db")
    assert runner.invoke(app, ["db", "init", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["undo", "--db", db], env=german)
    assert result.exit_code == 2
    assert result.stderr == (
        "Fehler: der Arbeitsbereich ist leer (füllen mit: kontaktplan db import DIR)\n"
    )
    result = runner.invoke(app, ["validate", "--db", db, "--lang", "en"])
    assert result.stderr == (
        "error: --db: the workspace is empty (fill it with: kontaktplan db import DIR)\n"
    )
