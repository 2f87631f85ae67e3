"""--lang for the validator's words (issue 12, point 13): a violation, a warning and a
public holiday's name read in the output's language, in ``kontaktplan validate`` and in
the report; ``--json`` and the messages as ``str`` stay English.

The hand-made office: S1 with nine hourly slots on Monday 2026-12-07 and one on
Christmas Day; nine bookings of today fill the Monday (the daily cap is 8: ``daily_cap``
broken) and one lies on Christmas Day (``closed_day``).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import MONDAY, appointment, customer, day_slots, scenario, specialist, week
from kontaktplan.cli import app
from kontaktplan.i18n import CATALOGUE, LANGS, Phrase, written
from kontaktplan.i18n.validation import VALIDATION
from kontaktplan.io import write_scenario
from kontaktplan.rules import holiday_cache
from kontaktplan.rules.calendar import Holiday, OfficeCalendar
from kontaktplan.rules.policy import load_policy
from kontaktplan.validation import CLOSED_DAY, DAILY_CAP, validate
from language import foreign_in, page_text

SRC = Path(__file__).parents[1] / "src" / "kontaktplan"
POLICY = load_policy("heilbronn-2025")
CHRISTMAS = dt.date(2026, 12, 25)
runner = CliRunner()
# the English words of the two messages; a German output holds none of them
ENGLISH = r"\b(with|has|appointments|on|cap|is|closed|Christmas|Day|follow_up|in_person)\b"


def broken_office():
    slots = [*day_slots(MONDAY, 9), *day_slots(CHRISTMAS, 1)]
    custs = [customer(f"C{i}") for i in range(1, 11)]
    rows = [appointment(f"C{i}", MONDAY, 7 + i, appointment_id=f"A{i}") for i in range(1, 10)]
    rows.append(appointment("C10", CHRISTMAS, 8, appointment_id="A10"))
    return scenario([specialist()], custs, slots, appointments=rows)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    return write_scenario(broken_office(), tmp_path_factory.mktemp("i18n") / "broken")


def test_every_validation_entry_has_both_languages_with_the_same_fields():
    for key, entry in VALIDATION.items():
        assert set(entry) == set(LANGS), key
        fields = {
            lang: sorted(f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f)
            for lang in LANGS
        }
        assert fields["de"] == fields["en"], key
        assert CATALOGUE[key] == entry, key  # merged into the catalogue


def test_every_validator_sentence_is_in_the_catalogue_and_every_entry_is_used():
    rules = [SRC / "validation" / "rules.py", SRC / "validation" / "disruption_rules.py"]
    code = "\n".join(p.read_text(encoding="utf-8") for p in rules)
    used = set(re.findall(r'"(check\.\w+)"', code))
    assert used == {k for k in VALIDATION if k.startswith("check.")}
    # no rule writes its message as an f-string any more: each one is a Phrase
    assert not re.search(r"(hard|finding|warn|append)\(\s*f\"", code)


def test_messages_are_english_strings_and_say_themselves_in_german():
    report = validate(broken_office(), POLICY)
    by_rule = {v.rule: v.message for v in report.violations}
    assert set(by_rule) == {DAILY_CAP, CLOSED_DAY}
    cap, closed = by_rule[DAILY_CAP], by_rule[CLOSED_DAY]
    assert cap == "S1 has 9 appointments on 2026-12-07 (cap 8)"
    assert written(cap, "de") == "S1 hat 9 Termine am 07.12.2026 (Tageshöchstzahl 8)"
    assert closed == (
        "A10 (C10 with S1, 2026-12-25 08:00-08:45, follow_up, in_person): 2026-12-25 is "
        "closed (Christmas Day, DE-BW)"
    )
    assert written(closed, "de") == (
        "A10 (C10 bei S1, 25.12.2026 08:00-08:45, Folgegespräch, vor Ort): 25.12.2026 ist "
        "geschlossen (Erster Weihnachtstag, DE-BW)"
    )
    # what --json and other programs read: plain English text
    data = report.to_dict()
    assert {v["message"] for v in data["violations"]} == {cap, closed}
    assert all(type(v["message"]) is str for v in data["violations"])


def test_a_report_survives_pickling_in_both_languages():
    report = validate(broken_office(), POLICY)
    again = pickle.loads(pickle.dumps(report))
    for old, new in zip(report.violations, again.violations, strict=True):
        assert isinstance(new.message, Phrase)
        assert new.message == old.message
        assert written(new.message, "de") == written(old.message, "de")


def test_validate_prints_the_violations_in_german(broken):
    result = runner.invoke(app, ["validate", str(broken), "--lang", "de"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "daily_cap: S1 hat 9 Termine am 07.12.2026 (Tageshöchstzahl 8)" in lines
    closed = next(line for line in lines if line.startswith("closed_day: "))
    assert "25.12.2026 ist geschlossen (Erster Weihnachtstag, DE-BW)" in closed
    violations = "\n".join(line for line in lines if line.startswith(("daily_cap", "closed_day")))
    # the rule names are the data format's codes: the sentences after them are German
    assert re.findall(ENGLISH, re.sub(r"^\w+: ", "", violations, flags=re.M)) == []
    assert foreign_in(result.stdout, "de") == []


def test_validate_prints_the_violations_in_english(broken):
    result = runner.invoke(app, ["validate", str(broken), "--lang", "en"])
    assert result.exit_code == 1
    assert "daily_cap: S1 has 9 appointments on 2026-12-07 (cap 8)" in result.stdout
    assert "(Christmas Day, DE-BW)" in result.stdout
    assert foreign_in(result.stdout, "en") == []


def test_validate_json_stays_english_in_german(broken):
    result = runner.invoke(app, ["validate", str(broken), "--json", "--lang", "de"])
    data = json.loads(result.stdout)
    assert "S1 has 9 appointments on 2026-12-07 (cap 8)" in {
        v["message"] for v in data["violations"]
    }


def test_german_report_shows_the_german_violations_and_holiday(broken, tmp_path):
    pages = {}
    for lang in LANGS:
        out = tmp_path / f"{lang}.html"
        result = runner.invoke(app, ["report", str(broken), "--out", str(out), "--lang", lang])
        assert result.exit_code == 0, result.output
        pages[lang] = page_text(out)
    de, en = pages["de"], pages["en"]
    assert "S1 hat 9 Termine am 07.12.2026 (Tageshöchstzahl 8)" in de
    assert "Erster Weihnachtstag" in de and "Christmas" not in de
    assert re.findall(ENGLISH, de) == []
    assert foreign_in(de, "de") == []
    assert "S1 has 9 appointments on 2026-12-07 (cap 8)" in en
    assert "Christmas Day" in en and "Weihnacht" not in en
    assert foreign_in(en, "en") == []


def test_german_validate_words_its_warnings_and_strict_lines(tmp_path):
    # An office booked 8/8/8/1/0 by hand today where the slots allowed 5/5/5/5/5: no hard
    # rule broken, a spread warning that --strict fails on; and nine older bookings on one
    # day of the next week (a daily cap warning among existing bookings).
    slots = [s for d in week() for s in day_slots(d, 8)]
    slots += day_slots(MONDAY + dt.timedelta(days=7), 9)
    custs = [customer(f"C{i:02d}", last=dt.date(2026, 6, 1)) for i in range(34)]
    counts = [8, 8, 8, 1, 0]
    at = [(d, k) for d, n in zip(week(), counts, strict=True) for k in range(n)]
    rows = [appointment(f"C{i:02d}", d, 8 + k) for i, (d, k) in enumerate(at)]
    older = dt.date(2026, 11, 2)
    rows += [
        appointment(f"C{25 + k:02d}", MONDAY + dt.timedelta(days=7), 8 + k, booked_on=older)
        for k in range(9)
    ]
    folder = write_scenario(scenario([specialist()], custs, slots, appointments=rows), tmp_path)
    de = runner.invoke(app, ["validate", str(folder), "--strict", "--all", "--lang", "de"])
    en = runner.invoke(app, ["validate", str(folder), "--strict", "--all", "--lang", "en"])
    assert de.exit_code == en.exit_code == 1
    cap_de = "daily_cap: S1 hat 9 Termine am 14.12.2026 (Tageshöchstzahl 8) (bestehende Buchungen)"
    cap_en = "daily_cap: S1 has 9 appointments on 2026-12-14 (cap 8) (existing bookings)"
    assert f"Warnung: {cap_de}" in de.stderr.splitlines()
    assert f"warning: {cap_en}" in en.stderr.splitlines()
    spread_de = (
        "spread: S1 KW 50/2026: je Tag 8/8/8/1/0 (Spreizung 8); die freien Slots erlaubten "
        "eine Spreizung von 0"
    )
    assert f"streng: {spread_de}" in de.stdout.splitlines()
    assert "streng: 1 Warnung(en) einer strengen Klasse" in de.stdout.splitlines()
    assert "strict: 1 warnings of a strict class" in en.stdout.splitlines()
    for result, lang in ((de, "de"), (en, "en")):
        for text in (result.stdout, result.stderr):
            sentences = re.sub(r"\b(spread|daily_cap): ", "", text)  # the rules' codes
            assert foreign_in(sentences, lang) == [], text
    assert not re.search(r"^(warning|strict):", de.stdout + de.stderr, flags=re.M)


def test_validate_counts_the_violations_it_leaves_out_in_german(tmp_path):
    slots = day_slots(MONDAY, 9)
    custs = [customer(f"C{i}") for i in range(1, 10)]
    # nine bookings in one slot's hour: 36 pairs overlap, 20 shown
    rows = [appointment(f"C{i}", MONDAY, 8, minute=i) for i in range(1, 10)]
    folder = write_scenario(scenario([specialist()], custs, slots, appointments=rows), tmp_path)
    de = runner.invoke(app, ["validate", str(folder), "--lang", "de"]).stdout
    en = runner.invoke(app, ["validate", str(folder), "--lang", "en"]).stdout
    assert re.search(r"^\.\.\. \d+ weitere \(--all zeigt alle\)$", de, flags=re.M)
    assert re.search(r"^\.\.\. \d+ more \(--all lists every one\)$", en, flags=re.M)


# --- public holidays ------------------------------------------------------------------


def test_a_holiday_is_its_english_name_and_says_its_german_one():
    cal = OfficeCalendar(broken_office(), POLICY)
    holiday = cal.holiday(CHRISTMAS)
    assert isinstance(holiday, Holiday)
    assert holiday == "Christmas Day" and holiday.say("en") == "Christmas Day"
    assert holiday.say("de") == "Erster Weihnachtstag"
    assert cal.holiday(dt.date(2027, 1, 6)).say("de") == "Heilige Drei Könige"  # BW
    again = pickle.loads(pickle.dumps(holiday))
    assert again == holiday and again.say("de") == "Erster Weihnachtstag"
    assert json.dumps(holiday) == '"Christmas Day"'
    # a sentence naming it (here replan's) names it in its language
    moved = Phrase("replan.closed", day=CHRISTMAS, why=holiday)
    assert "Christmas Day" in moved and "Erster Weihnachtstag" in moved.say("de")


def test_the_holiday_cache_keeps_each_language_apart(tmp_path, monkeypatch):
    monkeypatch.setenv("KONTAKTPLAN_CACHE", str(tmp_path / "cache"))
    holiday_cache._loaded.clear()
    try:
        en = holiday_cache.holidays_of("DE-BW", 2026)
        de = holiday_cache.holidays_of("DE-BW", 2026, "de")
        assert en[CHRISTMAS] == "Christmas Day" and de[CHRISTMAS] == "Erster Weihnachtstag"
        assert set(en) == set(de)
        [file] = (tmp_path / "cache").rglob("*.json")
        stored = json.loads(file.read_text())
        assert stored["years"]["2026"]["2026-12-25"] == "Christmas Day"
        assert stored["years_de"]["2026"]["2026-12-25"] == "Erster Weihnachtstag"
        holiday_cache._loaded.clear()  # a new command: both read back from the file
        assert holiday_cache.holidays_of("DE-BW", 2026, "de") == de
        assert holiday_cache.holidays_of("DE-BW", 2026) == en
    finally:
        holiday_cache._loaded.clear()
