"""The scenario folder (FORMAT.md): reading, writing, the German Excel dialect, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import policy_file_beside
from kontaktplan.cli import app
from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Exempt,
    Kind,
    Mode,
    Scenario,
    ScenarioMeta,
    Slot,
    SlotMode,
    Specialist,
    Status,
    Unavailability,
)
from kontaktplan.io import InputError, read_scenario, write_scenario
from kontaktplan.io import folder as folder_module
from kontaktplan.io import output as output_module
from kontaktplan.rules.policy import models_dir

TINY = Path(__file__).parent / "data" / "tiny"

# ---------------------------------------------------------------------------
# Reading and round trips


def test_read_tiny_gives_every_row_with_its_values(tiny):
    s = tiny.scenario
    assert s.meta == ScenarioMeta(
        name="tiny", today=dt.date(2026, 11, 23), policy="heilbronn-2025", region="DE-BW"
    )
    assert tiny.policy.name == "heilbronn-2025"
    assert [sp.specialist_id for sp in s.specialists] == ["S1", "S2"]
    s1, s2 = s.specialists
    assert (s1.fte, s1.substitute_id, s1.video) == (1.0, "S2", True)
    assert (s2.fte, s2.substitute_id, s2.video) == (0.5, None, False)
    c = s.customers_by_id
    assert len(c) == 5
    assert c["C2"].mode is Mode.video
    assert c["C2"].unavailable == (Unavailability(weekday=2, half="AM"),)
    assert c["C3"].last_contact is None
    assert c["C5"].exempt is Exempt.case_management
    assert len(s.slots) == 5
    assert s.slots[2].mode is SlotMode.video
    assert s.absences == (
        Absence(
            specialist_id="S2",
            first_day=dt.date(2026, 12, 8),
            last_day=dt.date(2026, 12, 9),
            reason="leave",
        ),
    )
    a2 = s.appointments[1]
    assert (a2.kind, a2.mode, a2.status) == (Kind.follow_up, Mode.video, Status.held)
    assert tiny.rows["slots"] == [2, 3, 4, 5, 6]


def test_round_trip_of_tiny_is_lossless(tiny, tmp_path):
    out = write_scenario(tiny.scenario, tmp_path / "copy")
    again = read_scenario(out)
    assert again.scenario == tiny.scenario
    assert again.policy == tiny.policy


@pytest.mark.parametrize("one_shot", [False, True])
def test_reading_leaves_the_garbage_collector_on_also_after_bad_input(
    tmp_path, write_folder, tiny_text, tiny, one_shot
):
    assert read_scenario(write_folder(tmp_path / "ok"), one_shot=one_shot).scenario == tiny.scenario
    assert gc.isenabled()
    bad = write_folder(tmp_path / "bad", absences=tiny_text("absences").replace("2026", "x", 1))
    with pytest.raises(InputError):
        read_scenario(bad, one_shot=one_shot)
    assert gc.isenabled()


def test_write_scenario_writes_extra_files_beside_the_tables(tiny, tmp_path):
    out = write_scenario(tiny.scenario, tmp_path / "plan", extra={"plan.json": "{}"})
    assert (out / "plan.json").read_text() == "{}"
    assert read_scenario(out).scenario == tiny.scenario


# Ids may hold anything printable a case system exports, including the CSV separators
# and quotes; they must survive quoting. (Leading/trailing blanks are stripped by design.)
_ID_CHARS = string.ascii_letters + string.digits + ",;\"' -_/.\\"
texts = st.text(_ID_CHARS, min_size=1, max_size=6).filter(lambda s: s == s.strip())
# ids match the policy's id pattern (issue 11.8); free text (team, reason) may hold anything
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,5}", fullmatch=True)
days = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31))
optional_days = st.none() | days
optional_text = st.none() | texts


def _minute_times(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Random valid scenarios over every field, optional ones included."""
    sp_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    specialists = tuple(
        Specialist(
            specialist_id=sid,
            team=draw(texts),
            fte=draw(st.floats(0, 1, exclude_min=True)),
            substitute_id=draw(st.none() | st.sampled_from(sp_ids)),
            video=draw(st.booleans()),
        )
        for sid in sp_ids
    )
    unavailable = st.lists(
        st.builds(
            Unavailability,
            weekday=st.integers(0, 6),
            half=st.sampled_from([None, "AM", "PM"]),
        ),
        max_size=3,
    ).map(tuple)
    cu_ids = draw(st.lists(ids, max_size=5, unique=True))
    customers = tuple(
        Customer(
            customer_id=cid,
            specialist_id=draw(st.sampled_from(sp_ids)),
            category=draw(st.sampled_from(["U25", "K1", "K3"])),
            unemployed=draw(st.booleans()),
            under_25=draw(st.booleans()),
            exempt=draw(st.none() | st.sampled_from(Exempt)),
            last_contact=draw(optional_days),
            profile=draw(optional_text),
            household_id=draw(st.none() | ids),
            agreement_start=draw(optional_days),
            mode=draw(st.sampled_from([None, Mode.in_person, Mode.video])),
            unavailable=draw(unavailable),
            last_group_session=draw(optional_days),
        )
        for cid in cu_ids
    )
    # One slot per (specialist, day, hour) and at most 60 minutes long: never overlapping.
    slot_keys = draw(
        st.lists(
            st.tuples(st.sampled_from(sp_ids), days, st.integers(6, 18)),
            max_size=6,
            unique=True,
        )
    )
    slots = tuple(
        Slot(
            specialist_id=sid,
            start=_minute_times(day, hour * 60),
            end=_minute_times(day, hour * 60 + draw(st.integers(1, 60))),
            mode=draw(st.sampled_from(SlotMode)),
        )
        for sid, day, hour in slot_keys
    )
    absences = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(days)
        absences.append(
            Absence(
                specialist_id=draw(st.sampled_from(sp_ids)),
                first_day=first,
                last_day=first + dt.timedelta(days=draw(st.integers(0, 20))),
                reason=draw(optional_text),
            )
        )
    appointments: list[Appointment] = []
    if customers:
        for aid in draw(st.lists(ids, max_size=5, unique=True)):
            start = _minute_times(draw(days), draw(st.integers(6 * 60, 18 * 60)))
            earlier = [a.appointment_id for a in appointments]
            appointments.append(
                Appointment(
                    appointment_id=aid,
                    customer_id=draw(st.sampled_from([c.customer_id for c in customers])),
                    specialist_id=draw(st.sampled_from(sp_ids)),
                    start=start,
                    end=start + dt.timedelta(minutes=draw(st.integers(1, 120))),
                    kind=draw(st.sampled_from(Kind)),
                    mode=draw(st.sampled_from(Mode)),
                    status=draw(st.sampled_from(Status)),
                    booked_on=draw(optional_days),
                    cancelled_on=draw(optional_days),
                    qualified_exception=draw(st.booleans()),
                    reassigned_from=draw(st.none() | st.sampled_from(sp_ids)),
                    backfill_for=draw(st.none() | st.sampled_from(earlier)) if earlier else None,
                    replaces=draw(st.none() | st.sampled_from(earlier)) if earlier else None,
                )
            )
    meta = ScenarioMeta(
        name=draw(st.text(_ID_CHARS, min_size=1, max_size=10).filter(str.strip)),
        today=draw(days),
    )
    return Scenario(
        meta=meta,
        specialists=specialists,
        customers=customers,
        slots=slots,
        absences=tuple(absences),
        appointments=tuple(appointments),
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_round_trip_of_random_scenarios_is_lossless(scenario, tmp_path):
    out = write_scenario(scenario, tmp_path / "s")
    assert read_scenario(out).scenario == scenario


def _excel_dialect(text: str) -> str:
    """What German Excel writes: ``;`` separated, ``0,5``, ``ja``/``nein``, BOM, CRLF."""
    words = {"true": "ja", "false": "nein"}
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([words.get(c, c.replace(".", ",") if c == "0.5" else c) for c in row])
    return "\ufeff" + buf.getvalue()


def test_german_excel_dialect_reads_the_same_as_the_comma_version(tmp_path, tiny, write_folder):
    tables = {
        stem: _excel_dialect((TINY / f"{stem}.csv").read_text(encoding="utf-8"))
        for stem in ("specialists", "customers", "slots", "absences", "appointments")
    }
    assert "0,5" in tables["specialists"]
    assert ";ja;" in tables["customers"]
    folder = write_folder(tmp_path, **tables)
    assert read_scenario(folder).scenario == tiny.scenario


def test_tables_kept_as_read_are_copied_byte_for_byte(tmp_path, write_folder):
    # A command changes only the files its purpose needs: read in the German dialect,
    # change the appointments; the other tables stay exactly as they were given.
    tables = {
        stem: _excel_dialect((TINY / f"{stem}.csv").read_text(encoding="utf-8"))
        for stem in ("specialists", "customers", "slots", "absences", "appointments")
    }
    loaded = read_scenario(write_folder(tmp_path / "in", **tables))
    a = loaded.scenario.appointments
    changed = loaded.scenario.model_copy(
        update={"appointments": (a[0].model_copy(update={"booked_on": None}), *a[1:])}
    )
    out = write_scenario(changed, tmp_path / "out", read=loaded)
    for stem in ("specialists", "customers", "slots", "absences"):
        assert (out / f"{stem}.csv").read_bytes() == (loaded.folder / f"{stem}.csv").read_bytes()
    written = (out / "appointments.csv").read_text(encoding="utf-8")
    assert written.startswith("appointment_id,customer_id,")  # rewritten, comma-separated
    assert read_scenario(out).scenario == changed


def _status_changed(loaded, appointment_id: str):
    rows = tuple(
        a.model_copy(update={"status": Status.voided}) if a.appointment_id == appointment_id else a
        for a in loaded.scenario.appointments
    )
    return loaded.scenario.model_copy(update={"appointments": rows})


def test_rows_kept_as_read_keep_their_lines(tmp_path, write_folder, tiny_text):
    # A1's line has a blank line after it and ja for a flag: it stays as it was, as the
    # command did not change A1; only A2's line is written anew (canonical form).
    text = tiny_text("appointments").replace(",,false,,\n", ",, ja ,,\n\n", 1)
    loaded = read_scenario(write_folder(tmp_path / "in", appointments=text))
    changed = _status_changed(loaded, "A2")
    out = write_scenario(changed, tmp_path / "out", read=loaded)
    lines = (out / "appointments.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == text.splitlines()[0]
    assert lines[1] == text.splitlines()[1] and lines[1].endswith(",, ja ,,")
    assert lines[2].startswith("A2,") and ",voided," in lines[2] and lines[2].endswith(",false,,")
    assert len(lines) == 3  # the blank line is gone
    assert read_scenario(out).scenario == changed


def test_a_quoted_or_crlf_table_is_written_whole_when_changed(tmp_path, write_folder, tiny_text):
    for text in (
        tiny_text("appointments").replace("A1,", '"A1",', 1),
        tiny_text("appointments").replace("\n", "\r\n"),
    ):
        loaded = read_scenario(write_folder(tmp_path / "in", appointments=text))
        changed = _status_changed(loaded, "A2")
        out = write_scenario(changed, tmp_path / "out", read=loaded)
        written = (out / "appointments.csv").read_bytes()
        assert b'"' not in written and b"\r" not in written  # canonical throughout
        assert read_scenario(out).scenario == changed


def test_table_file_changed_since_reading_is_written_from_the_data(tmp_path, write_folder):
    loaded = read_scenario(write_folder(tmp_path / "in"))
    path = loaded.folder / "customers.csv"
    path.write_text(path.read_text(encoding="utf-8") + "C9,S1,K1,true,false,,,,,,,,\n")
    out = write_scenario(loaded.scenario, tmp_path / "out", read=loaded)
    assert read_scenario(out).scenario == loaded.scenario  # not the edited file


def test_relative_policy_file_travels_with_the_written_folder(tmp_path, write_folder):
    folder = write_folder(tmp_path / "in")
    rules = policy_file_beside(folder, "office.toml")
    loaded = read_scenario(folder)
    out = write_scenario(loaded.scenario, tmp_path / "out", read=loaded)
    assert (out / "office.toml").read_text(encoding="utf-8") == rules
    assert read_scenario(out).policy == loaded.policy


def test_optional_columns_missing_take_their_defaults(tmp_path, write_folder):
    folder = write_folder(
        tmp_path,
        specialists="specialist_id,team,fte,substitute_id\nS1,T1,1,S2\nS2,T1,0.5,\n",
        customers=(
            "customer_id,specialist_id,category,unemployed,under_25,exempt,last_contact\n"
            "C1,S1,K1,true,false,,2026-08-10\n"
        ),
        slots="specialist_id,start,end\nS1,2026-12-07T08:00,2026-12-07T09:00\n",
        absences="specialist_id,first_day,last_day\nS2,2026-12-08,2026-12-09\n",
        appointments=(
            "appointment_id,customer_id,specialist_id,start,end,kind,mode,status,booked_on\n"
            "A1,C1,S1,2026-08-10T08:00,2026-08-10T08:45,follow_up,in_person,held,\n"
        ),
    )
    s = read_scenario(folder).scenario
    assert s.specialists[1].video is True
    c = s.customers[0]
    assert (c.profile, c.household_id, c.agreement_start, c.mode) == (None, None, None, None)
    assert (c.unavailable, c.last_group_session) == ((), None)
    assert s.slots[0].mode is SlotMode.any
    assert s.absences[0].reason is None
    a = s.appointments[0]
    assert (a.booked_on, a.cancelled_on, a.qualified_exception) == (None, None, False)
    assert (a.reassigned_from, a.backfill_for) == (None, None)


def test_optional_files_absent_read_as_empty(tmp_path, write_folder):
    folder = write_folder(tmp_path, absences=None, appointments=None)
    loaded = read_scenario(folder)
    assert loaded.scenario.absences == ()
    assert loaded.scenario.appointments == ()


def test_extra_columns_are_ignored(tmp_path, write_folder, tiny_text, tiny):
    text = tiny_text("slots").replace("mode\n", "mode,room\n", 1)
    folder = write_folder(tmp_path, slots=text)
    assert read_scenario(folder).scenario == tiny.scenario


# ---------------------------------------------------------------------------
# Bad input: one test per case, each naming file, row (1 = header) and column.


def _error(folder: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_scenario(folder)
    return info.value


def _where(e: InputError) -> tuple[str, int | None, str | None]:
    return e.file, e.row, e.column


def test_missing_column_names_the_column_in_the_header(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace(",under_25", "", 1)
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 1, "under_25")


def test_bad_date_names_its_cell(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("2026-07-01", "2026-07-32")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 5, "last_contact")
    assert "2026-07-32" in str(e)


def test_german_date_format_is_a_bad_date(tmp_path, write_folder, tiny_text):
    text = tiny_text("absences").replace("2026-12-09", "09.12.2026")
    e = _error(write_folder(tmp_path, absences=text))
    assert _where(e) == ("absences.csv", 2, "last_day")


def test_bad_time_names_its_cell(tmp_path, write_folder, tiny_text):
    text = tiny_text("slots").replace("2026-12-08T08:00,2026-12-08T09:00", "2026-12-08T25:00,x")
    e = _error(write_folder(tmp_path, slots=text))
    assert _where(e) == ("slots.csv", 4, "start")


def test_time_without_time_of_day_is_a_bad_time(tmp_path, write_folder, tiny_text):
    # A bare date would silently become midnight.
    text = tiny_text("slots").replace("2026-12-07T08:00,2026-12-07T09:00,any", "2026-12-07,x,any")
    e = _error(write_folder(tmp_path, slots=text))
    assert _where(e) == ("slots.csv", 2, "start")


def test_slot_end_not_after_start_names_the_end_column(tmp_path, write_folder, tiny_text):
    text = tiny_text("slots").replace(
        "2026-12-07T09:00,2026-12-07T09:45", "2026-12-07T09:45,2026-12-07T09:45"
    )
    e = _error(write_folder(tmp_path, slots=text))
    assert _where(e) == ("slots.csv", 3, "end")


def test_appointment_end_before_start_names_the_end_column(tmp_path, write_folder, tiny_text):
    text = tiny_text("appointments").replace("2026-11-02T10:45", "2026-11-02T09:45")
    e = _error(write_folder(tmp_path, appointments=text))
    assert _where(e) == ("appointments.csv", 3, "end")


def test_absence_last_day_before_first_day_names_last_day(tmp_path, write_folder, tiny_text):
    text = tiny_text("absences").replace("2026-12-09", "2026-12-07")
    e = _error(write_folder(tmp_path, absences=text))
    assert _where(e) == ("absences.csv", 2, "last_day")


@pytest.mark.parametrize("fte", ["0", "1.5"], ids=["fte_0", "fte_1.5"])
def test_fte_outside_zero_to_one_is_rejected(tmp_path, write_folder, tiny_text, fte):
    text = tiny_text("specialists").replace("S2,T1,0.5", f"S2,T1,{fte}")
    e = _error(write_folder(tmp_path, specialists=text))
    assert _where(e) == ("specialists.csv", 3, "fte")


@pytest.mark.parametrize(
    ("stem", "old", "new", "row", "column"),
    [
        ("specialists", "S1,T1,1,S2", "S1,T1,1,S9", 2, "substitute_id"),
        ("customers", "C4,S2", "C4,S9", 5, "specialist_id"),
        ("slots", "S2,2026-12-08T08:00", "S9,2026-12-08T08:00", 6, "specialist_id"),
        ("absences", "S2,", "S9,", 2, "specialist_id"),
        ("appointments", "A2,C2,S1", "A2,C2,S9", 3, "specialist_id"),
        ("appointments", "false,,\nA2", "false,S9,\nA2", 2, "reassigned_from"),
    ],
    ids=["substitute", "customer", "slot", "absence", "appointment", "reassigned_from"],
)
def test_unknown_specialist_is_rejected(
    tmp_path, write_folder, tiny_text, stem, old, new, row, column
):
    text = tiny_text(stem)
    assert old in text
    e = _error(write_folder(tmp_path, **{stem: text.replace(old, new, 1)}))
    assert _where(e) == (f"{stem}.csv", row, column)
    assert "S9" in str(e)


def test_unknown_customer_in_appointments_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("appointments").replace("A2,C2", "A2,C9")
    e = _error(write_folder(tmp_path, appointments=text))
    assert _where(e) == ("appointments.csv", 3, "customer_id")


def test_unknown_backfill_for_appointment_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("appointments").replace("false,,\n", "false,,A9\n")
    e = _error(write_folder(tmp_path, appointments=text))
    assert _where(e) == ("appointments.csv", 2, "backfill_for")


def test_unknown_replaces_appointment_is_rejected(tmp_path, write_folder, tiny_text):
    lines = tiny_text("appointments").splitlines()
    text = "\n".join([lines[0] + ",replaces", *(f"{line}," for line in lines[1:-1])])
    text += f"\n{lines[-1]},A9\n"
    e = _error(write_folder(tmp_path, appointments=text))
    assert _where(e) == ("appointments.csv", len(lines), "replaces")


def test_duplicate_customer_id_names_the_second_row(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("C4,S2", "C2,S2")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 5, "customer_id")


def test_duplicate_specialist_id_names_the_second_row(tmp_path, write_folder, tiny_text):
    text = tiny_text("specialists") + "S1,T2,1,,true\n"
    e = _error(write_folder(tmp_path, specialists=text))
    assert _where(e) == ("specialists.csv", 4, "specialist_id")


def test_duplicate_appointment_id_names_the_second_row(tmp_path, write_folder, tiny_text):
    text = tiny_text("appointments").replace("A2,C2", "A1,C2")
    e = _error(write_folder(tmp_path, appointments=text))
    assert _where(e) == ("appointments.csv", 3, "appointment_id")


def test_overlapping_slots_of_one_specialist_are_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("slots") + "S1,2026-12-07T08:30,2026-12-07T09:15,any\n"
    e = _error(write_folder(tmp_path, slots=text))
    assert _where(e) == ("slots.csv", 7, "start")


def test_same_slot_times_of_two_specialists_are_fine(tmp_path, write_folder, tiny_text):
    # S1 and S2 both have 2026-12-07 08:00-09:00 in tiny; add another pair.
    text = tiny_text("slots") + (
        "S1,2026-12-09T08:00,2026-12-09T09:00,any\nS2,2026-12-10T08:00,2026-12-10T09:00,any\n"
    )
    assert len(read_scenario(write_folder(tmp_path, slots=text)).scenario.slots) == 7


def test_adjacent_slots_of_one_specialist_do_not_overlap(tmp_path, write_folder, tiny_text):
    text = tiny_text("slots") + "S1,2026-12-07T09:45,2026-12-07T10:30,any\n"
    assert len(read_scenario(write_folder(tmp_path, slots=text)).scenario.slots) == 6


def test_category_unknown_to_the_policy_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("C3,S1,K3", "C3,S1,MP")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 4, "category")
    assert "heilbronn-2025" in str(e)


def test_heilbronn_category_is_unknown_to_ba_2010(tmp_path, write_folder, tiny_text):
    meta = tiny_text("scenario").replace("heilbronn-2025", "ba-2010")
    e = _error(write_folder(tmp_path, scenario=meta))
    assert _where(e) == ("customers.csv", 2, "category")


@pytest.mark.parametrize(
    ("stem", "old", "new", "row", "column"),
    [
        (
            "appointments",
            "A2,C2,S1,2026-11-02T10:00,2026-11-02T10:45,follow_up",
            "A2,C2,S1,2026-11-02T10:00,2026-11-02T10:45,folgegespraech",
            3,
            "kind",
        ),
        ("appointments", "follow_up,video", "follow_up,fax", 3, "mode"),
        ("appointments", "video,held", "video,done", 3, "status"),
        ("customers", "case_management", "FM", 6, "exempt"),
        ("customers", "video,Wed-AM", "phone,Wed-AM", 3, "mode"),
        ("slots", "09:45,in_person", "09:45,phone", 3, "mode"),
    ],
    ids=["kind", "appointment_mode", "status", "exempt", "customer_mode", "slot_mode"],
)
def test_unknown_code_is_rejected(tmp_path, write_folder, tiny_text, stem, old, new, row, column):
    text = tiny_text(stem)
    assert old in text
    e = _error(write_folder(tmp_path, **{stem: text.replace(old, new, 1)}))
    assert _where(e) == (f"{stem}.csv", row, column)


def test_bad_boolean_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("C3,S1,K3,false", "C3,S1,K3,vielleicht")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 4, "unemployed")
    assert "vielleicht" in str(e)


def test_empty_required_boolean_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("C3,S1,K3,false", "C3,S1,K3,")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 4, "unemployed")


def test_bad_unavailable_weekday_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("customers").replace("Wed-AM", "Mon;Xyz")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 3, "unavailable")
    assert "Xyz" in str(e)


def test_bad_unavailable_half_day_is_rejected_with_a_short_message(
    tmp_path, write_folder, tiny_text
):
    text = tiny_text("customers").replace("Wed-AM", "Wed-Noon")
    e = _error(write_folder(tmp_path, customers=text))
    assert _where(e) == ("customers.csv", 3, "unavailable")
    assert "Noon" in e.message
    assert "\n" not in e.message


def test_row_with_more_cells_than_columns_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("absences") + "S1,2026-12-10,2026-12-10,leave,extra\n"
    e = _error(write_folder(tmp_path, absences=text))
    assert _where(e) == ("absences.csv", 3, None)


def test_column_given_twice_is_rejected(tmp_path, write_folder, tiny_text):
    text = tiny_text("absences").replace("reason", "last_day", 1)
    e = _error(write_folder(tmp_path, absences=text))
    assert _where(e) == ("absences.csv", 1, "last_day")


def test_blank_and_short_rows_keep_the_file_row_numbers(tmp_path, write_folder, tiny_text):
    # Row 3 is blank (only separators), row 4 is empty, row 5 is short (no reason) and
    # fine, row 6 has a bad date: the message must name row 6, not its index among rows.
    text = tiny_text("absences") + ",,,\n\nS1,2026-12-10,2026-12-10\nS1,2026-12-11,x\n"
    e = _error(write_folder(tmp_path, absences=text))
    assert _where(e) == ("absences.csv", 6, "last_day")


def test_blank_and_short_rows_read_as_rows_with_defaults(tmp_path, write_folder, tiny_text):
    text = tiny_text("absences") + ",,,\n\nS1,2026-12-10,2026-12-10\n"
    loaded = read_scenario(write_folder(tmp_path, absences=text))
    assert [(a.specialist_id, a.reason) for a in loaded.scenario.absences] == [
        ("S2", "leave"),
        ("S1", None),
    ]
    assert loaded.rows["absences"] == [2, 5]


def test_empty_file_is_rejected_for_lack_of_a_header(tmp_path, write_folder):
    e = _error(write_folder(tmp_path, absences=""))
    assert _where(e) == ("absences.csv", 1, None)


def test_file_that_is_not_utf8_is_rejected(tmp_path, write_folder, tiny_text):
    folder = write_folder(tmp_path)
    text = tiny_text("absences").replace("leave", "Fortbildung für")
    (folder / "absences.csv").write_bytes(text.encode("cp1252"))
    e = _error(folder)
    assert _where(e) == ("absences.csv", None, None)
    assert "UTF-8" in str(e)


def test_missing_folder_is_rejected(tmp_path):
    e = _error(tmp_path / "nowhere")
    assert e.message == "no such folder"


def test_missing_scenario_toml_is_rejected(tmp_path, write_folder):
    e = _error(write_folder(tmp_path, scenario=None))
    assert _where(e) == ("scenario.toml", None, None)


@pytest.mark.parametrize("stem", ["specialists", "customers", "slots"])
def test_missing_mandatory_file_is_rejected(tmp_path, write_folder, stem):
    e = _error(write_folder(tmp_path, **{stem: None}))
    assert _where(e) == (f"{stem}.csv", None, None)
    assert "not found" in str(e)


def test_unknown_policy_name_is_rejected(tmp_path, write_folder, tiny_text):
    meta = tiny_text("scenario").replace("heilbronn-2025", "nowhere-2030")
    e = _error(write_folder(tmp_path, scenario=meta))
    assert _where(e) == ("scenario.toml", None, "policy")
    assert "nowhere-2030" in str(e)


def test_unknown_region_is_rejected(tmp_path, write_folder, tiny_text):
    meta = tiny_text("scenario").replace("DE-BW", "DE-XX")
    e = _error(write_folder(tmp_path, scenario=meta))
    assert _where(e) == ("scenario.toml", None, "region")


def test_bad_today_in_scenario_toml_is_rejected(tmp_path, write_folder, tiny_text):
    meta = tiny_text("scenario").replace("2026-11-23", '"soon"')
    e = _error(write_folder(tmp_path, scenario=meta))
    assert _where(e) == ("scenario.toml", None, "today")


def test_policy_file_beside_the_scenario_is_used(tmp_path, write_folder, tiny_text):
    text = (models_dir() / "heilbronn-2025.toml").read_text()
    (tmp_path / "local.toml").write_text(text.replace("lead_days = 10", "lead_days = 7"))
    meta = tiny_text("scenario").replace('"heilbronn-2025"', '"local.toml"')
    loaded = read_scenario(write_folder(tmp_path, scenario=meta))
    assert loaded.policy.booking.lead_days == 7


def test_invalid_policy_file_names_the_file_and_the_setting(tmp_path, write_folder, tiny_text):
    text = (models_dir() / "heilbronn-2025.toml").read_text()
    (tmp_path / "local.toml").write_text(text.replace("lead_days = 10", "lead_days = -1"))
    meta = tiny_text("scenario").replace('"heilbronn-2025"', '"local.toml"')
    e = _error(write_folder(tmp_path, scenario=meta))
    assert e.file == "local.toml"
    assert "booking.lead_days" in str(e)


def test_policy_file_that_is_not_toml_is_input_error(tmp_path, write_folder, tiny_text):
    (tmp_path / "local.toml").write_text("name = \n")
    meta = tiny_text("scenario").replace('"heilbronn-2025"', '"local.toml"')
    e = _error(write_folder(tmp_path, scenario=meta))
    assert e.file == "local.toml"


# ---------------------------------------------------------------------------
# Odd but real data: warnings, not errors


def test_free_slot_inside_an_absence_is_not_used_and_not_warned_about(tiny):
    # tiny: S2 is absent 2026-12-08..09 and has a free slot on 2026-12-08 (row 6). Every
    # absence recorded by `kontaktplan absence` lies over slots: no warning per slot.
    assert not [w for w in tiny.warnings if w.startswith("slots.csv")]
    slots = tiny.scenario.slots
    assert any(s.specialist_id == "S2" and s.day == dt.date(2026, 12, 8) for s in slots)


def test_held_appointment_on_a_day_without_slot_is_a_warning(tmp_path, write_folder, tiny_text):
    slots = tiny_text("slots") + "S1,2026-12-11T08:00,2026-12-11T09:00,any\n"
    appointments = tiny_text("appointments") + (
        "A3,C1,S1,2026-12-09T08:00,2026-12-09T08:45,follow_up,in_person,held,2026-11-20,,,,\n"
    )
    loaded = read_scenario(write_folder(tmp_path, slots=slots, appointments=appointments))
    [warning] = [w for w in loaded.warnings if w.startswith("appointments.csv")]
    assert "row 4" in warning
    assert len(loaded.scenario.appointments) == 3


def test_tiny_has_no_appointment_warning(tiny):
    assert not [w for w in tiny.warnings if w.startswith("appointments.csv")]


# ---------------------------------------------------------------------------
# Writing is all or nothing


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _changed(tiny) -> Scenario:
    return tiny.scenario.model_copy(update={"absences": ()})


def test_write_failing_midway_leaves_existing_folder_unchanged(tiny, tmp_path, monkeypatch):
    target = write_scenario(tiny.scenario, tmp_path / "out", extra={"note.txt": "keep"})
    before = _snapshot(target)
    original = folder_module.table_text

    def failing(table, objects):
        if table.file == "slots.csv":
            raise OSError("disk full")
        return original(table, objects)

    monkeypatch.setattr(folder_module, "table_text", failing)
    with pytest.raises(OSError, match="disk full"):
        write_scenario(_changed(tiny), target)
    assert _snapshot(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_write_cut_off_while_moving_files_in_is_finished_by_the_next_read(
    tiny, tmp_path, monkeypatch
):
    target = write_scenario(tiny.scenario, tmp_path / "out")
    original = output_module.os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # the journal, then two files moved in: cut off here
            raise OSError("killed")
        return original(src, dst)

    monkeypatch.setattr(output_module.os, "replace", failing)
    with pytest.raises(OSError, match="killed"):
        write_scenario(_changed(tiny), target)
    monkeypatch.undo()
    assert (target / output_module.JOURNAL).exists()
    assert read_scenario(target).scenario.absences == ()
    assert [p.name for p in target.iterdir() if p.name.startswith(".kontaktplan.t")] == []
    assert not (target / output_module.JOURNAL).exists()


def test_temporary_folder_of_a_write_cut_off_before_its_journal_is_removed(tiny, tmp_path):
    target = write_scenario(tiny.scenario, tmp_path / "out")
    before = _snapshot(target)
    leftover = target / f"{output_module.TMP_PREFIX}x1"
    leftover.mkdir()
    (leftover / "slots.csv").write_text("half")
    assert read_scenario(target).scenario == tiny.scenario
    assert not leftover.exists()
    assert _snapshot(target) == before


def test_write_replaces_an_existing_folder(tiny, tmp_path):
    target = write_scenario(tiny.scenario, tmp_path / "out", extra={"old.txt": "x"})
    write_scenario(_changed(tiny), target)
    assert read_scenario(target).scenario.absences == ()
    assert not (target / "old.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_written_folder_has_the_usual_permissions(tiny, tmp_path):
    # mkdtemp creates 0700 folders; a plan shared in the office must not inherit that.
    umask = os.umask(0)
    os.umask(umask)
    target = write_scenario(tiny.scenario, tmp_path / "out")
    assert target.stat().st_mode & 0o777 == 0o777 & ~umask


def test_scenario_name_with_quotes_survives_the_toml(tiny, tmp_path):
    scenario = tiny.scenario.model_copy(
        update={"meta": tiny.scenario.meta.model_copy(update={"name": 'Team "Nord" \\ 2'})}
    )
    out = write_scenario(scenario, tmp_path / "q")
    assert read_scenario(out).scenario.meta.name == 'Team "Nord" \\ 2'


def test_times_with_seconds_survive_the_round_trip(tiny, tmp_path):
    slot = tiny.scenario.slots[0]
    moved = slot.model_copy(update={"end": slot.end - dt.timedelta(seconds=30)})
    scenario = tiny.scenario.model_copy(update={"slots": (moved, *tiny.scenario.slots[1:])})
    out = write_scenario(scenario, tmp_path / "sec")
    assert read_scenario(out).scenario == scenario


# ---------------------------------------------------------------------------
# Command line


def test_cli_validate_on_bad_folder_exits_2_and_names_file_row_column(
    tmp_path, write_folder, tiny_text
):
    text = tiny_text("customers").replace("C3,S1,K3,false", "C3,S1,K3,vielleicht")
    folder = write_folder(tmp_path / "bad", customers=text)
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "customers.csv, row 4, column 'unemployed'" in result.output


def test_cli_generate_with_bad_today_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "gen"
    result = CliRunner().invoke(
        app, ["scenario", "generate", "--out", str(out), "--today", "31.11.2026"]
    )
    assert result.exit_code == 2  # 23.11.2026 is a date (TT.MM.JJJJ); 31 November is none
    assert "--today" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_cells_off_the_plain_form_take_the_careful_path_to_the_same_scenario(
    tmp_path, tiny, tiny_text, write_folder
):
    # A time written with a space and a basic-format date are not the plain form the
    # column-wise reader hands to pydantic: the table is read cell by cell, same result.
    slots = tiny_text("slots").replace("2026-12-07T08:00", "2026-12-07 08:00", 1)
    customers = tiny_text("customers").replace("2026-08-10", "20260810", 1)
    assert slots != tiny_text("slots") and customers != tiny_text("customers")
    folder = write_folder(tmp_path, slots=slots, customers=customers)
    assert read_scenario(folder).scenario == tiny.scenario
