"""--lang for the disruption and front-desk commands (issue 12, point 13): cancel, absence,
standby, resolve, noshow, status, replan, slot, import outcomes and group print in one
language, dates as the language writes them; what they store (plan.json, the result
folder) is the same in every language, in English.

A planner's day on the bundled demo office, run once in German (``--lang de``) and once
with the default language of an English locale; each step's printed text is checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.disruption.bookable import Office
from kontaktplan.i18n import CATALOGUE, IsoWeek, Listing, Phrase, Weekday, translator, written
from kontaktplan.i18n.disruption import DISRUPTION
from kontaktplan.i18n.simulation import SIMULATION
from kontaktplan.io import read_scenario
from language import foreign_in

DEMO = Path(__file__).parents[1] / "scenarios" / "demo"
SRC = Path(__file__).parents[1] / "src" / "kontaktplan"
runner = CliRunner()
ENGLISH_LOCALE = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
GERMAN_DAY = r"(?<![\d.])\d{2}\.\d{2}\.\d{4}(?![\d.])"
ISO_DAY = r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])"
# words an English sentence can hardly do without; a German output holds none of them
ENGLISH_WORDS = r"\b(the|with|and|of|is|on|for|by|at|to|no|not|has|day|days|due)\b"


def _planned(folder: Path, day: str) -> list[dict[str, str]]:
    with open(folder / "appointments.csv", encoding="utf-8") as f:
        return [a for a in csv.DictReader(f) if a["status"] == "planned" and a["start"][:10] == day]


def _group_time(folder: Path) -> str:
    """A free slot of S001 on the first plannable Monday that a group session fits."""
    loaded = read_scenario(folder)
    office = Office(loaded.scenario, loaded.policy)
    slots = office.free_slots("S001", dt.date(2026, 12, 7))
    return f"{slots[-1].start:%Y-%m-%dT%H:%M}"


def planners_day(work: Path, lang: str | None) -> dict[str, str]:
    """Each step's printed text (stdout, the work folder's path as ``W``), by step name.
    ``lang`` None: no --lang, an English locale."""
    printed: dict[str, str] = {}

    def run(step: str, *args: object) -> None:
        argv = [str(a) for a in args] + (["--lang", lang] if lang else [])
        result = runner.invoke(app, argv, env=None if lang else ENGLISH_LOCALE)
        assert result.exit_code == 0, (step, result.output)
        printed[step] = result.stdout.replace(str(work), "W")

    plan = work / "plan"
    run("plan", "plan", DEMO, "--out", plan, "--solver", "greedy", "--workers", "1")
    monday = _planned(plan, "2026-12-07")
    run("group", "group", plan, "--specialist", "S001", "--at", _group_time(plan),
        "--capacity", "2", "--out", work / "g")  # fmt: skip
    # 10 days ahead: the duty to backfill
    run("cancel", "cancel", plan, monday[0]["appointment_id"], "--on", "2026-11-27",
        "--out", work / "c1")  # fmt: skip
    wednesday = _planned(work / "c1", "2026-12-09")
    run("cancel_fill", "cancel", work / "c1", wednesday[0]["appointment_id"], "--on",
        "2026-12-04", "--fill", "1", "--out", work / "c2")  # fmt: skip
    tuesday = _planned(work / "c2", "2026-12-08")
    run("cancel_short", "cancel", work / "c2", tuesday[0]["appointment_id"], "--on",
        "2026-12-05", "--out", work / "c3")  # fmt: skip
    run("absence", "absence", work / "c3", "S001", "--from", "08.12.2026", "--to",
        "10.12.2026", "--reason", "illness", "--out", work / "a")  # fmt: skip
    run("standby", "standby", work / "a", "--day", "2026-12-08")
    run("standby_none", "standby", work / "a", "--day", "2026-12-13")
    escalated = [a for a in _planned(work / "a", "2026-12-08") if a["specialist_id"] == "S001"]
    run("resolve", "resolve", work / "a", escalated[0]["appointment_id"], "--out", work / "r")
    monday = _planned(work / "r", "2026-12-07")
    run("noshow", "noshow", work / "r", monday[0]["appointment_id"], "--on", "2026-12-07",
        "--out", work / "n")  # fmt: skip
    run("status", "status", work / "n", monday[1]["appointment_id"], "held", "--on",
        "2026-12-07", "--out", work / "s1")  # fmt: skip
    run("status_no_show", "status", work / "s1", monday[2]["appointment_id"], "no_show",
        "--on", "2026-12-07", "--out", work / "s2")  # fmt: skip
    rest = [a["appointment_id"] for a in _planned(work / "s2", "2026-12-07")]
    run("status_day", "status", work / "s2", "--day", "2026-12-07", "--held-except", rest[0],
        "--no-show", rest[1], "--not-held", rest[2], "--on", "2026-12-07",
        "--out", work / "s3")  # fmt: skip
    run("replan", "replan", work / "s3", "--solver", "greedy", "--workers", "1",
        "--out", work / "rp")  # fmt: skip
    run("slot", "slot", work / "rp", "C00001", "--show", "3")
    run("slot_book", "slot", work / "rp", "C00003", "--book", "1", "--out", work / "sl")
    outcomes = work / "outcomes.csv"
    held = _planned(work / "rp", "2026-12-08")[:2]
    outcomes.write_text(
        "appointment_id,status\n" + "".join(f"{a['appointment_id']},held\n" for a in held)
    )
    run("import", "import", "outcomes", outcomes, work / "rp", "--on", "2026-12-08",
        "--out", work / "io")  # fmt: skip
    return printed


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> dict[str, tuple[Path, dict[str, str]]]:
    out = {}
    for lang in ("de", None):
        work = tmp_path_factory.mktemp(lang or "default")
        out[lang or "en"] = (work, planners_day(work, lang))
    return out


STEPS = [
    "group", "cancel", "cancel_fill", "cancel_short", "absence", "standby", "standby_none",
    "resolve", "noshow", "status", "status_no_show", "status_day", "replan", "slot",
    "slot_book", "import",
]  # fmt: skip

# a few words each step's German text must hold (the catalogue's, looked up by key)
GERMAN = {
    "group": ["action.group_session", "outcome.candidates"],
    "cancel": ["action.cancelled", "cancel.duty"],
    "cancel_fill": ["action.backfilled", "rank.unemployed"],
    "cancel_short": ["outcome.candidates", "action.cancelled"],
    "absence": ["action.absence", "action.reassigned", "action.escalated"],
    "standby": ["rank.unemployed"],
    "standby_none": [],
    "resolve": ["action.voided", "action.booked"],
    "noshow": ["action.no_show", "action.phone_consultation", "action.reinvited"],
    "status": ["status.held", "action.next_appointment"],
    "status_no_show": ["status.no_show"],
    "status_day": ["status.held", "status.not_held", "status.no_show"],
    "replan": ["action.escalated"],
    "slot": ["kind.follow_up", "mode.in_person"],
    "slot_book": ["action.booked"],
    "import": ["action.next_appointment"],
}


def _words(text: str) -> str:
    """The text without option names and file names (``--no-next``, ``slots.csv``)."""
    return re.sub(r"--[\w-]+|\S+\.csv|\S+\.json", " ", text)


@pytest.mark.parametrize("step", STEPS)
def test_a_disruption_command_prints_in_german_with_lang_de(day, step):
    _, printed = day["de"]
    text = printed[step]
    assert text.strip(), step
    assert foreign_in(text, "de") == []
    assert re.findall(ENGLISH_WORDS, _words(text)) == []
    assert re.search(GERMAN_DAY, text) and not re.search(ISO_DAY, text)


@pytest.mark.parametrize("step", STEPS)
def test_a_disruption_command_prints_in_english_by_default(day, step):
    _, printed = day["en"]
    text = printed[step]
    assert foreign_in(text, "en") == []
    assert re.search(ISO_DAY, text) and not re.search(GERMAN_DAY, text)


def test_the_german_text_names_what_happened(day):
    """Each step's German words are there: what it did to which row, in German."""
    t = translator("de")
    _, printed = day["de"]
    missing = [
        (step, key)
        for step, keys in GERMAN.items()
        for key in keys
        if t(key).lower() not in printed[step].lower()
    ]
    assert missing == []
    # German weekdays and calendar weeks in the slot list, the dates in German
    assert re.search(r"\b(Mo|Di|Mi|Do|Fr) \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} bei S", printed["slot"])
    assert re.search(r"KW \d+/2026", printed["slot"])
    assert t("standby.none", day="13.12.2026") in printed["standby_none"]


def test_what_is_stored_is_the_same_in_every_language(day):
    """plan.json (its log in English) and the result tables do not depend on --lang."""
    (de, _), (en, _) = day["de"], day["en"]

    def timeless(data):
        if isinstance(data, dict):
            return {k: timeless(v) for k, v in data.items() if k != "seconds"}
        if isinstance(data, list):
            return [timeless(v) for v in data]
        return data

    for folder in ("rp", "io", "sl", "g"):
        for f in (de / folder).glob("*.csv"):
            assert f.read_bytes() == (en / folder / f.name).read_bytes(), (folder, f.name)
        log = json.loads((de / folder / "plan.json").read_text(encoding="utf-8"))
        assert timeless(log) == timeless(
            json.loads((en / folder / "plan.json").read_text(encoding="utf-8"))
        )
        # the English record holds no German; its German copy (reason_de, notes_de, for a
        # German report) no English
        english = values_under(log["disruptions"], lambda k: not k.endswith("_de"))
        german = values_under(log["disruptions"], lambda k: k.endswith("_de"))
        assert foreign_in(json.dumps(english, ensure_ascii=False), "en") == []
        assert german and foreign_in(json.dumps(german, ensure_ascii=False), "de") == []


def values_under(data, keep, kept: bool = False) -> list:
    """The plain values in ``data`` whose nearest key ``keep`` accepts."""
    if isinstance(data, dict):
        return [x for k, v in data.items() for x in values_under(v, keep, keep(k))]
    if isinstance(data, list):
        return [x for v in data for x in values_under(v, keep, kept)]
    return [data] if kept else []


def test_the_locale_decides_without_lang(day):
    work, _ = day["de"]
    result = runner.invoke(
        app, ["standby", str(work / "a"), "--day", "08.12.2026"], env={"LANG": "de_DE.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert foreign_in(result.stdout, "de") == [] and re.search(GERMAN_DAY, result.stdout)


# --- the catalogue and its phrases -------------------------------------------------------


def test_the_disruption_and_simulation_words_are_in_the_catalogue():
    parts = [DISRUPTION, SIMULATION]
    assert all(CATALOGUE[key] == part[key] for part in parts for key in part)


def test_every_phrase_the_disruption_library_builds_is_in_the_catalogue():
    """Keys are checked where they are written, so a branch no test reaches cannot raise
    KeyError in front of a user."""
    prefixes = {key.split(".")[0] for key in DISRUPTION} - {"said"}
    pattern = re.compile(rf'"((?:{"|".join(sorted(prefixes))})\.[a-z_]+)"')
    used = {
        m[1]
        for folder in ("disruption", "cli")
        for path in (SRC / folder).glob("*.py")
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 90
    assert sorted(used - set(CATALOGUE)) == []


def test_a_phrase_is_its_english_text_and_says_it_in_german():
    p = Phrase("cancel.cancelled", on=dt.date(2026, 12, 7), ahead=3)
    assert p == (
        "cancelled by the customer on 2026-12-07, 3 days ahead; the customer keeps the "
        "deadline and is booked by the next plan"
    )
    assert json.dumps([p]) == json.dumps([str(p)])
    assert p.say("de").startswith("vom Kunden am 07.12.2026 abgesagt, 3 Tage vorher")
    nested = Phrase("noshow.standby", appointment="A1", reasons=(Phrase("rank.unemployed"), "U25"))
    assert nested.say("de") == "Nachrücker für A1: arbeitslos, U25"
    assert Listing(["S1", Phrase("reassign.absent")], " ").say("de") == "S1 abwesend"


def test_a_phrase_survives_pickling_and_copying():
    import copy
    import pickle

    p = Listing([Phrase("rank.due", due=dt.date(2026, 12, 7)), "U25"], "; ")
    for q in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p)):
        assert q == p and q.say("de") == "fällig 07.12.2026; U25"


@pytest.mark.parametrize(
    ("value", "de", "en"),
    [
        (dt.date(2026, 12, 7), "07.12.2026", "2026-12-07"),
        (dt.datetime(2026, 12, 7, 8, 15), "07.12.2026 08:15", "2026-12-07 08:15"),
        (Weekday(dt.date(2026, 12, 7)), "Mo", "Mon"),
        (Weekday(dt.date(2026, 12, 12), long=True), "Samstag", "Saturday"),
        (IsoWeek(dt.date(2026, 1, 1)), "KW 1/2026", "2026-W01"),
        (("S1", 3), "S1, 3", "S1, 3"),
    ],
)
def test_a_field_is_written_as_the_language_writes_it(value, de, en):
    assert (written(value, "de"), written(value, "en")) == (de, en)


def test_kinds_modes_and_statuses_are_codes_in_english_and_words_in_german():
    from kontaktplan.domain import Kind, Mode, Status

    assert written(Kind.follow_up, "en") == "follow_up"
    assert written(Kind.follow_up, "de") == "Folgegespräch"
    assert written(Mode.in_person, "de") == "vor Ort"
    assert written(Status.no_show, "de") == "nicht erschienen"
