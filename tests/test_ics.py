"""iCalendar export: one .ics per specialist, planned appointments only, Europe/Berlin."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import Appointment, Scenario
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.io.ics import file_names, specialist_calendar, write_ics

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


def test_each_planned_appointment_is_an_event_of_its_specialist(booked, tmp_path):
    counts = write_ics(booked, tmp_path / "ics")
    assert counts == {"S1.ics": 3, "S2.ics": 1}
    for sid in ("S1", "S2"):
        events = read_events(tmp_path / "ics" / f"{sid}.ics")
        planned = [
            a for a in booked.appointments if a.specialist_id == sid and a.status == "planned"
        ]
        assert set(events) == {f"{a.appointment_id}@kontaktplan" for a in planned}
        for a in planned:
            e = events[f"{a.appointment_id}@kontaktplan"]
            assert e.start == a.start.replace(tzinfo=BERLIN)
            assert e.end == a.end.replace(tzinfo=BERLIN)
            assert e["DTSTART"].params["TZID"] == "Europe/Berlin"
            assert e["DTEND"].params["TZID"] == "Europe/Berlin"
            assert str(e["DESCRIPTION"]) == f"Kunde (customer_id): {a.customer_id}"


def test_summary_names_kind_and_mode(booked):
    events = {str(e["UID"]): e for e in specialist_calendar(booked, "S1").walk("VEVENT")}
    assert str(events["P1@kontaktplan"]["SUMMARY"]) == "Erstgespräch (first_interview), in_person"
    assert str(events["P2@kontaktplan"]["SUMMARY"]) == "Folgegespräch (follow_up), video"


def test_times_are_berlin_wall_clock_in_winter_and_summer(booked, tmp_path):
    write_ics(booked, tmp_path)
    events = read_events(tmp_path / "S1.ics")
    winter, summer = events["P1@kontaktplan"].start, events["P4@kontaktplan"].start
    assert (winter.hour, winter.utcoffset()) == (8, dt.timedelta(hours=1))
    assert (summer.hour, summer.minute, summer.utcoffset()) == (14, 30, dt.timedelta(hours=2))


def test_vtimezone_europe_berlin_is_in_every_file_even_without_events(booked, tmp_path):
    no_planned = booked.model_copy(update={"appointments": ()})
    write_ics(no_planned, tmp_path / "empty")
    write_ics(booked, tmp_path / "full")
    for path in [*(tmp_path / "empty").iterdir(), *(tmp_path / "full").iterdir()]:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
        assert cal.get_missing_tzids() == set()
    assert read_events(tmp_path / "empty" / "S1.ics") == {}


def test_held_and_cancelled_appointments_are_not_exported(booked, tmp_path):
    write_ics(booked, tmp_path)
    uids = set(read_events(tmp_path / "S1.ics")) | set(read_events(tmp_path / "S2.ics"))
    assert not uids & {"X1@kontaktplan", "H1@kontaktplan", "A1@kontaktplan", "A2@kontaktplan"}


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
    assert sorted(p.name for p in out.iterdir()) == ["S1.ics", "S2.ics"]
    (out / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"notes\.txt"):
        write_ics(booked, out)
    assert (out / "notes.txt").read_text() == "mine"


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
    assert "S1.ics: 3 appointment(s)" in result.output
    assert "S2.ics: 1 appointment(s)" in result.output
    assert len(read_events(tmp_path / "o" / "S1.ics")) == 3


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
