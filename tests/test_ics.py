"""iCalendar export: one .ics per specialist, Europe/Berlin, stable UIDs that carry changes."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import Appointment, Scenario
from kontaktplan.io import output, read_scenario, write_scenario
from kontaktplan.io.ics import event_uid, file_names, office_key, specialist_calendar, write_ics
from kontaktplan.io.output import Conflict, OutputError, calendar_folder

TINY = Path(__file__).parent / "data" / "tiny"
BERLIN = ZoneInfo("Europe/Berlin")


def appointment(aid: str, cid: str, sid: str, start: str, minutes: int, **kw) -> Appointment:
    begin = dt.datetime.fromisoformat(start)
    fields = {"kind": "follow_up", "mode": "in_person", "status": "planned"} | kw
    return Appointment(
        appointment_id=aid,
        customer_id=cid,
        specialist_id=sid,
        start=begin,
        end=begin + dt.timedelta(minutes=minutes),
        booked_on=dt.date(2026, 11, 23),
        **fields,
    )


@pytest.fixture
def booked() -> Scenario:
    """tiny plus planned appointments in winter (CET) and summer (CEST), one held, one cancelled."""
    tiny = read_scenario(TINY).scenario
    extra = (
        appointment("P1", "C3", "S1", "2026-12-07T08:00", 60, kind="first_interview"),
        appointment("P2", "C2", "S1", "2026-12-08T08:00", 45, mode="video"),
        appointment("P3", "C4", "S2", "2026-12-07T08:00", 45),
        appointment("P4", "C1", "S1", "2027-06-14T14:30", 45),
        appointment("X1", "C1", "S1", "2026-12-07T09:00", 45, status="cancelled"),
        appointment("H1", "C4", "S2", "2026-11-16T08:00", 45, status="held"),
    )
    return Scenario.model_validate(tiny.model_dump() | {"appointments": tiny.appointments + extra})


def read_events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def uid(aid: str) -> str:
    return f"{aid}.tiny@kontaktplan"


def test_each_planned_appointment_is_a_confirmed_event_of_its_specialist(booked, tmp_path):
    counts = write_ics(booked, tmp_path / "ics", "de")
    assert counts == {
        "S1.ics": {"confirmed": 3, "cancelled": 1},
        "S2.ics": {"confirmed": 1, "cancelled": 0},
    }
    for sid in ("S1", "S2"):
        events = read_events(tmp_path / "ics" / f"{sid}.ics")
        planned = [
            a for a in booked.appointments if a.specialist_id == sid and a.status == "planned"
        ]
        assert {uid(a.appointment_id) for a in planned} <= set(events)
        for a in planned:
            e = events[uid(a.appointment_id)]
            assert e.start == a.start.replace(tzinfo=BERLIN)
            assert e.end == a.end.replace(tzinfo=BERLIN)
            assert e["DTSTART"].params["TZID"] == "Europe/Berlin"
            assert e["DTEND"].params["TZID"] == "Europe/Berlin"
            assert (str(e["STATUS"]), int(e["SEQUENCE"])) == ("CONFIRMED", 0)
            assert str(e["DESCRIPTION"]) == f"Kunde {a.customer_id}"


def test_summary_names_customer_kind_and_mode_in_the_chosen_language(booked):
    de = {str(e["UID"]): e for e in specialist_calendar(booked, "S1", "de").walk("VEVENT")}
    assert str(de[uid("P1")]["SUMMARY"]) == "C3: Erstgespräch, vor Ort"
    assert str(de[uid("P2")]["SUMMARY"]) == "C2: Folgegespräch, per Video"
    assert str(de[uid("X1")]["SUMMARY"]) == "[abgesagt] C1: Folgegespräch, vor Ort"
    en = {str(e["UID"]): e for e in specialist_calendar(booked, "S1", "en").walk("VEVENT")}
    assert str(en[uid("P2")]["SUMMARY"]) == "C2: Follow-up, by video"
    assert str(en[uid("X1")]["DESCRIPTION"]) == "Customer C1\nStatus: cancelled"


def test_times_are_berlin_wall_clock_in_winter_and_summer(booked, tmp_path):
    write_ics(booked, tmp_path)
    events = read_events(tmp_path / "S1.ics")
    winter, summer = events[uid("P1")].start, events[uid("P4")].start
    assert (winter.hour, winter.utcoffset()) == (8, dt.timedelta(hours=1))
    assert (summer.hour, summer.minute, summer.utcoffset()) == (14, 30, dt.timedelta(hours=2))


def test_vtimezone_europe_berlin_is_in_every_file_even_without_events(booked, tmp_path):
    no_planned = booked.model_copy(update={"appointments": ()})
    write_ics(no_planned, tmp_path / "empty")
    write_ics(booked, tmp_path / "full")
    for path in [*(tmp_path / "empty").glob("*.ics"), *(tmp_path / "full").glob("*.ics")]:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
        assert cal.get_missing_tzids() == set()
    assert read_events(tmp_path / "empty" / "S1.ics") == {}


def test_cancelled_rows_stay_as_cancelled_events_and_past_history_is_left_out(booked, tmp_path):
    write_ics(booked, tmp_path)
    events = read_events(tmp_path / "S1.ics") | read_events(tmp_path / "S2.ics")
    cancelled = events[uid("X1")]
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 1)
    assert str(cancelled["TRANSP"]) == "TRANSPARENT"
    # held rows before the planning date's week are history, not calendar entries
    assert not set(events) & {uid("H1"), uid("A1"), uid("A2")}


def test_a_voided_row_is_cancelled_and_its_replacement_is_a_new_event(booked):
    rows = {a.appointment_id: a for a in booked.appointments}
    voided = rows["P2"].model_copy(update={"status": "voided"})
    new = appointment("N1", "C2", "S1", "2026-12-09T08:00", 45)
    changed = booked.model_copy(
        update={
            "appointments": (*[a for a in booked.appointments if a is not rows["P2"]], voided, new)
        }
    )
    before = {str(e["UID"]): e for e in specialist_calendar(booked, "S1").walk("VEVENT")}
    after = {str(e["UID"]): e for e in specialist_calendar(changed, "S1").walk("VEVENT")}
    assert set(after) == set(before) | {uid("N1")}
    assert str(after[uid("P2")]["STATUS"]) == "CANCELLED"
    assert int(after[uid("P2")]["SEQUENCE"]) > int(before[uid("P2")]["SEQUENCE"])
    assert str(after[uid("N1")]["STATUS"]) == "CONFIRMED"


def test_a_hand_over_is_cancelled_in_the_old_calendar_and_confirmed_in_the_new(booked):
    rows = {a.appointment_id: a for a in booked.appointments}
    moved = rows["P1"].model_copy(update={"specialist_id": "S2", "reassigned_from": "S1"})
    changed = booked.model_copy(
        update={"appointments": (*[a for a in booked.appointments if a is not rows["P1"]], moved)}
    )
    old = {str(e["UID"]): e for e in specialist_calendar(changed, "S1").walk("VEVENT")}
    new = {str(e["UID"]): e for e in specialist_calendar(changed, "S2", "de").walk("VEVENT")}
    for cal, status, seq in ((old, "CANCELLED", 2), (new, "CONFIRMED", 1)):
        assert (str(cal[uid("P1")]["STATUS"]), int(cal[uid("P1")]["SEQUENCE"])) == (status, seq)
        assert cal[uid("P1")].start == moved.start.replace(tzinfo=BERLIN)
    assert "S2" in str(old[uid("P1")]["SUMMARY"])
    assert str(new[uid("P1")]["DESCRIPTION"]) == "Kunde C3\nübernommen von S1"


def test_uids_are_the_row_and_the_office_so_two_offices_never_collide(booked):
    other = booked.model_copy(update={"meta": booked.meta.model_copy(update={"name": "Süd 2"})})
    assert office_key(booked) == "tiny"
    assert office_key(other) == "sud-2"
    p1 = next(a for a in booked.appointments if a.appointment_id == "P1")
    assert event_uid(p1, office_key(booked)) != event_uid(p1, office_key(other))


def test_output_is_reproducible_with_dtstamp_of_the_planning_date(booked, tmp_path):
    write_ics(booked, tmp_path / "a")
    write_ics(booked, tmp_path / "b")
    assert (tmp_path / "a" / "S1.ics").read_bytes() == (tmp_path / "b" / "S1.ics").read_bytes()
    stamps = {e["DTSTAMP"].dt for e in read_events(tmp_path / "a" / "S1.ics").values()}
    assert stamps == {dt.datetime(2026, 11, 23, tzinfo=dt.UTC)}


def test_a_new_export_replaces_the_old_one_and_keeps_foreign_folders(booked, tmp_path):
    out = tmp_path / "ics"
    out.mkdir()
    (out / "OLD.ics").write_text("stale")
    write_ics(booked, out)
    assert sorted(p.name for p in out.glob("*.ics")) == ["S1.ics", "S2.ics"]
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.txt"):
        write_ics(booked, out)
    assert (out / "notes.txt").read_text() == "mine"


KILLED_EXPORT = """
import os, sys
from kontaktplan.io import output, read_scenario
from kontaktplan.io.ics import write_ics
real, n = output.os.replace, [0]
def killing(a, b):
    n[0] += 1
    if n[0] == int(sys.argv[3]):
        os._exit(9)  # as kill -9: no cleanup runs
    return real(a, b)
output.os.replace = killing
write_ics(read_scenario(sys.argv[1]).scenario, sys.argv[2])
"""


_OURS = (output.MANIFEST, output.LOCK)


def _calendars(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.ics")}


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_an_export_killed_at_any_step_leaves_whole_files_and_the_next_run_finishes_it(
    booked, tmp_path, step
):
    """Renames: 1 the journal, 2-3 S1.ics and S2.ics, 4 the manifest; S3.ics (old) goes."""
    s3 = booked.specialists[0].model_copy(update={"specialist_id": "S3", "substitute_id": None})
    rows = [
        a.model_copy(update={"status": "cancelled"}) if a.appointment_id == "P2" else a
        for a in booked.appointments
    ]
    before = booked.model_copy(
        update={"specialists": (*booked.specialists, s3), "appointments": tuple(rows)}
    )
    write_ics(before, tmp_path / "old")
    write_ics(booked, tmp_path / "new")
    old, new = _calendars(tmp_path / "old"), _calendars(tmp_path / "new")
    out = tmp_path / "ics"
    write_ics(before, out)
    source = write_scenario(booked, tmp_path / "scenario")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    args = [sys.executable, "-c", KILLED_EXPORT, str(source), str(out), str(step)]
    assert subprocess.run(args, env=env, check=False).returncode == 9
    for name, data in _calendars(out).items():
        assert data in (old.get(name), new.get(name)), name  # every file whole
    calendar_folder(out)  # what the next export checks first: it finishes the write
    expected = old if step == 1 else new
    assert _calendars(out) == expected
    assert sorted(p.name for p in out.iterdir()) == sorted([*expected, *_OURS])  # no leftovers
    result = CliRunner().invoke(app, ["export", "ics", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _calendars(out) == new


def test_an_export_into_a_folder_changed_since_it_was_checked_writes_nothing(booked, tmp_path):
    out = tmp_path / "ics"
    target = calendar_folder(out)
    out.mkdir()
    (out / "S1.ics").write_bytes(b"another export")
    with pytest.raises(Conflict):
        write_ics(booked, out, target=target)
    assert _calendars(out) == {"S1.ics": b"another export"}
    assert not (out / output.MANIFEST).exists()


def test_file_names_stay_inside_the_folder_and_are_unique():
    names = file_names(["S1", "../etc/x", "a/b", "a_b", ".hidden"])
    assert names == {
        "S1": "S1.ics",
        "../etc/x": "_._etc_x.ics",
        "a/b": "a_b.ics",
        "a_b": "a_b-2.ics",
        ".hidden": "_hidden.ics",
    }


def test_cli_export_ics_writes_files_and_counts_events(booked, tmp_path):
    folder = write_scenario(booked, tmp_path / "scenario")
    result = CliRunner().invoke(app, ["export", "ics", str(folder), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "S1.ics: 3 appointment(s), 1 cancelled" in result.output
    assert "S2.ics: 1 appointment(s), 0 cancelled" in result.output
    assert len(read_events(tmp_path / "o" / "S1.ics")) == 4


def test_cli_export_ics_bad_input_exits_2_and_writes_nothing(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for f in TINY.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    text = (folder / "customers.csv").read_text().replace("2026-08-10", "2026-13-10")
    (folder / "customers.csv").write_text(text)
    result = CliRunner().invoke(app, ["export", "ics", str(folder), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "customers.csv, row 2, column 'last_contact'" in result.output
    assert not (tmp_path / "o").exists()


def test_cli_export_ics_refuses_a_folder_with_other_files(booked, tmp_path):
    folder = write_scenario(booked, tmp_path / "scenario")
    result = CliRunner().invoke(app, ["export", "ics", str(folder), "--out", str(folder)])
    assert result.exit_code == 2
    assert "other files than .ics" in result.output
    assert (folder / "customers.csv").is_file()


def test_export_folder_gets_the_usual_permissions(booked, tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    write_ics(booked, tmp_path / "ics")
    assert stat.S_IMODE((tmp_path / "ics").stat().st_mode) == 0o777 & ~mask


CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["P1", "P2", "P3", "P4"]),
        st.sampled_from(["cancelled", "voided", "held", "no_show", "hand_over"]),
    ),
    max_size=6,
)


SPECIALISTS = ("S1", "S2", "S3")


def _apply(scenario: Scenario, aid: str, change: str, been: dict[str, set[str]]) -> Scenario:
    """One change as the commands make it: an outcome on a planned row, or a hand-over to a
    specialist the row has not been with (an absence never hands a row back)."""
    rows = list(scenario.appointments)
    i = next(k for k, a in enumerate(rows) if a.appointment_id == aid)
    a = rows[i]
    if a.status != "planned":
        return scenario
    if change == "hand_over":
        been.setdefault(aid, {a.specialist_id})
        free = [s for s in SPECIALISTS if s not in been[aid]]
        if not free:
            return scenario
        been[aid].add(free[0])
        rows[i] = a.model_copy(
            update={"specialist_id": free[0], "reassigned_from": a.specialist_id}
        )
    else:
        rows[i] = a.model_copy(update={"status": change})
    return scenario.model_copy(update={"appointments": tuple(rows)})


def _events(scenario: Scenario) -> dict[tuple[str, str], icalendar.Event]:
    return {
        (sid, str(e["UID"])): e
        for sid in SPECIALISTS
        for e in specialist_calendar(scenario, sid).walk("VEVENT")
    }


# the scenario is frozen (pydantic), so one fixture value serves every example
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=CHANGES)
def test_changes_never_lower_a_sequence_and_a_changed_event_gets_a_higher_one(booked, changes):
    s3 = booked.specialists[0].model_copy(update={"specialist_id": "S3", "substitute_id": None})
    scenario = booked.model_copy(update={"specialists": (*booked.specialists, s3)})
    before = _events(scenario)
    been: dict[str, set[str]] = {}
    for aid, change in changes:
        scenario = _apply(scenario, aid, change, been)
        after = _events(scenario)
        for key, e in after.items():
            if key in before:
                assert int(e["SEQUENCE"]) >= int(before[key]["SEQUENCE"])
                if int(e["SEQUENCE"]) == int(before[key]["SEQUENCE"]):
                    assert e.to_ical() == before[key].to_ical()
        rows = {a.appointment_id: a for a in scenario.appointments}
        for (sid, u), e in after.items():
            a = rows[u.split(".")[0]]
            gone = a.status in ("cancelled", "voided") or a.specialist_id != sid
            assert (str(e["STATUS"]) == "CANCELLED") == gone
            assert e.start == a.start.replace(tzinfo=BERLIN)
        before = after
