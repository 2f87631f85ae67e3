"""The front desk: outcomes only once an appointment has started, the next appointment at
the end of a held contact, a day's outcomes at once, a slot for one customer, group
sessions. Each scenario is small and its answer worked out by hand in the docstring;
every result is checked with the independent validator."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import MONDAY, TODAY, appointment, customer, day_slots, scenario, slot, specialist
from kontaktplan.cli import app
from kontaktplan.disruption import DisruptionError, noshow, set_status
from kontaktplan.disruption.bookable import Office
from kontaktplan.disruption.desk import record_day, record_outcomes
from kontaktplan.disruption.group import group_session
from kontaktplan.disruption.slot_finder import find_slots
from kontaktplan.disruption.slot_finder import slot as find_and_book
from kontaktplan.domain import (
    Absence,
    Appointment,
    Kind,
    Mode,
    Scenario,
    SlotMode,
    Status,
    parse_unavailable,
)
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.rules.policy import due_dates, load_policy
from kontaktplan.validation import validate

POLICY = load_policy("heilbronn-2025")
TUESDAY = MONDAY + dt.timedelta(days=1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def appt(aid: str, cid: str, start: dt.datetime, sid: str = "S1", **kw) -> Appointment:
    kw.setdefault("booked_on", d(11, 1))  # an older booking, not one of this planning date
    return appointment(
        cid, start.date(), start.hour, start.minute, sid=sid, appointment_id=aid, **kw
    )


def rows(s: Scenario) -> dict[str, Appointment]:
    return {a.appointment_id: a for a in s.appointments}


def new_rows(new: Scenario, old: Scenario) -> list[Appointment]:
    before = {a.appointment_id for a in old.appointments}
    return [a for a in new.appointments if a.appointment_id not in before]


def violations(new: Scenario, old: Scenario, policy=POLICY) -> list:
    return validate(new, policy, previous=old).violations


def with_volume(n: int):
    """heilbronn-2025 with a weekly volume of ``n`` per full-time specialist."""
    return POLICY.model_copy(
        update={"booking": POLICY.booking.model_copy(update={"weekly_volume_per_fte": n})}
    )


# --- 12.4: an outcome needs the appointment to have started ---------------------------------


def _one() -> Scenario:
    """A1: C1 with S1 on Monday 12-07 08:00-08:45 (booked 11-01)."""
    return scenario(
        [specialist("S1")],
        [customer("C1")],
        [slot(MONDAY, 8)],
        appointments=[appt("A1", "C1", at(MONDAY, 8))],
    )


@pytest.mark.parametrize("status", [Status.held, Status.not_held, Status.no_show])
def test_outcome_before_the_appointment_started_is_refused(status):
    s = _one()
    with pytest.raises(DisruptionError, match="starts 2026-12-07 08:00, after 2026-12-07 07:59"):
        set_status(s, POLICY, "A1", status, now=at(MONDAY, 7, 59))


@pytest.mark.parametrize("status", [Status.held, Status.not_held, Status.no_show])
def test_outcome_once_the_appointment_started_is_accepted(status):
    s = _one()
    out = set_status(s, POLICY, "A1", status, now=at(MONDAY, 8))
    assert rows(out.scenario)["A1"].status is status
    assert out.scenario.today == MONDAY
    assert not violations(out.scenario, s)


def test_voided_is_accepted_before_the_appointment():
    s = _one()
    out = set_status(s, POLICY, "A1", Status.voided, now=at(TODAY, 9))
    assert rows(out.scenario)["A1"].status is Status.voided
    assert out.scenario.today == TODAY  # voiding moves no planning date


def test_cli_mistyped_id_and_future_outcome_change_nothing(tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_scenario(_one(), folder)
    for args in (["NOPE", "held", "--on", "2026-12-07"], ["A1", "held", "--on", "2026-12-06"]):
        r = CliRunner().invoke(app, ["status", str(folder), *args, "--out", str(folder)])
        assert r.exit_code == 2, r.output
    assert (
        "no appointment 'NOPE'"
        in CliRunner()
        .invoke(
            app, ["status", str(folder), "NOPE", "held", "--on", "2026-12-07", "--out", str(out)]
        )
        .output
    )
    assert not out.exists()
    again = read_scenario(folder).scenario
    assert again.today == TODAY and rows(again)["A1"].status is Status.planned


def test_cli_default_now_is_the_real_clock(tmp_path: Path):
    """An appointment 20 days after the real date has not started: refused without --on."""
    today = dt.date.today()
    later = today + dt.timedelta(days=20)
    s = scenario(
        [specialist("S1")],
        [customer("C1")],
        [slot(later, 8)],
        appointments=[appt("A1", "C1", at(later, 8), booked_on=today)],
        today=today,
    )
    folder, out = tmp_path / "in", tmp_path / "out"
    write_scenario(s, folder)
    r = CliRunner().invoke(app, ["status", str(folder), "A1", "held", "--out", str(out)])
    assert r.exit_code == 2 and "has taken place" in r.output
    r = CliRunner().invoke(app, ["status", str(folder), "A1", "voided", "--out", str(out)])
    assert r.exit_code == 0, r.output


# --- 10.9: the next appointment at the end of a held contact --------------------------------


def _next_case(policy=POLICY, extra: list[Appointment] = ()) -> Scenario:
    """C1 (K1) is held on Mon 12-07: new deadline 2027-04-07. Booked on 12-07, the lead
    time allows 12-17 at the earliest, the minimum gap (14 days) 12-21. S1's slots: Thu 12-17,
    Fri 12-18 (too early), Mon 12-21, Tue 12-22 (week 52), Mon 12-28, Tue 12-29 (week 53)."""
    days = [d(12, 17), d(12, 18), d(12, 21), d(12, 22), d(12, 28), d(12, 29)]
    slots = [s for day in days for s in day_slots(day, 3)]
    others = [customer(f"X{i}", last=d(10, 1)) for i in range(6)]
    return scenario(
        [specialist("S1")],
        [customer("C1"), *others],
        [slot(MONDAY, 8), *slots],
        appointments=[appt("A1", "C1", at(MONDAY, 8)), *extra],
    )


def test_held_books_the_next_contact_in_the_latest_week_on_its_emptiest_day():
    """Week 53 (12-28..01-01: 4 working days, target 20) is the latest before the deadline;
    Mon 12-28 already holds X0's appointment, Tue 12-29 none: Tue 12-29 08:00."""
    s = _next_case(extra=[appt("B1", "X0", at(d(12, 28), 9))])
    out = set_status(s, POLICY, "A1", Status.held, now=at(MONDAY, 9))
    [new] = new_rows(out.scenario, s)
    assert (new.customer_id, new.start, new.kind, new.booked_on) == (
        "C1",
        at(d(12, 29), 8),
        Kind.follow_up,
        MONDAY,
    )
    assert not violations(out.scenario, s)
    assert any(c.action == "next_appointment" for c in out.changes)


def test_held_skips_a_week_at_its_target():
    """Volume 5 a week: week 53's target is 4 (4 working days); four bookings fill it, so
    week 52 (target 4, Mon-Thu; 25/26 are holidays) takes it: Mon 12-21 has one, Tue 12-22
    none -> Tue 12-22 08:00."""
    policy = with_volume(5)
    full = [
        appt(f"B{i}", f"X{i}", at(day, 10))
        for i, day in enumerate([d(12, 28)] * 2 + [d(12, 29)] * 2)
    ]
    s = _next_case(policy, [*full, appt("B9", "X5", at(d(12, 21), 9))])
    out = set_status(s, policy, "A1", Status.held, now=at(MONDAY, 9))
    [new] = new_rows(out.scenario, s)
    assert new.start == at(d(12, 22), 8)
    assert not violations(out.scenario, s, policy)


def test_held_books_nothing_when_every_week_before_the_deadline_is_at_its_target():
    """Volume 1 a week: weeks 52 and 53 have a target of 1 each (4 working days x 1/5,
    rounded half up: 0.8 -> 1); one booking in each fills them."""
    policy = with_volume(1)
    full = [appt("B1", "X0", at(d(12, 21), 10)), appt("B2", "X1", at(d(12, 28), 10))]
    s = _next_case(policy, full)
    out = set_status(s, policy, "A1", Status.held, now=at(MONDAY, 9))
    assert not new_rows(out.scenario, s)
    assert any("at its weekly target" in n for n in out.notes)


def test_held_with_no_next_books_nothing():
    s = _next_case()
    out = set_status(s, POLICY, "A1", Status.held, now=at(MONDAY, 9), next_contact=False)
    assert not new_rows(out.scenario, s)
    assert any("--no-next" in n for n in out.notes)


def test_held_with_a_booking_ahead_books_no_second():
    s = _next_case(extra=[appt("B1", "C1", at(d(12, 21), 9))])
    out = set_status(s, POLICY, "A1", Status.held, now=at(MONDAY, 9))
    assert not new_rows(out.scenario, s)
    assert any("B1" in n and "next appointment" in n for n in out.notes)


def test_not_held_books_no_next_contact():
    s = _next_case()
    out = set_status(s, POLICY, "A1", Status.not_held, now=at(MONDAY, 9))
    assert not new_rows(out.scenario, s)


def test_held_prints_the_category_review_when_the_category_contradicts_the_rules():
    """C1 stored K1 but not unemployed: the rules say K3. C2 unemployed K1: no line."""
    s = scenario(
        [specialist("S1")],
        [customer("C1", unemployed=False), customer("C2")],
        [slot(MONDAY, 8), slot(MONDAY, 9)],
        appointments=[appt("A1", "C1", at(MONDAY, 8)), appt("A2", "C2", at(MONDAY, 9))],
    )
    one = set_status(s, POLICY, "A1", Status.held, now=at(MONDAY, 10))
    assert [n for n in one.notes if n.startswith("category review")] == [
        "category review: C1 is stored K1, the rules say K3 (not unemployed, 25 or older); "
        "scheduled by the stricter interval until someone decides"
    ]
    two = set_status(s, POLICY, "A2", Status.held, now=at(MONDAY, 10))
    assert not [n for n in two.notes if n.startswith("category review")]


# --- 12.12: a whole day at once -------------------------------------------------------------


def _day_case() -> Scenario:
    """Mon 12-07: A1 (C1), A2 (C2), A3 (C3); Tue 12-08: A4 (C4). Slots for re-invitations
    and next contacts on 12-21..12-22."""
    later = [s for day in (d(12, 21), d(12, 22)) for s in day_slots(day, 4)]
    return scenario(
        [specialist("S1")],
        [customer(f"C{i}") for i in range(1, 5)],
        [*day_slots(MONDAY, 3), *day_slots(TUESDAY, 1), *later],
        appointments=[
            appt("A1", "C1", at(MONDAY, 8)),
            appt("A2", "C2", at(MONDAY, 9)),
            appt("A3", "C3", at(MONDAY, 10)),
            appt("A4", "C4", at(TUESDAY, 8)),
        ],
    )


def test_day_held_except_no_show_and_open():
    """A1 held (next contact booked), A2 no-show (re-invited in person), A3 excepted
    without an outcome (stays planned), A4 another day (untouched)."""
    s = _day_case()
    out = record_day(
        s, POLICY, MONDAY, held_except={"A2", "A3"}, no_show={"A2"}, now=at(MONDAY, 18)
    )
    r = rows(out.scenario)
    assert [r[a].status for a in ("A1", "A2", "A3", "A4")] == [
        Status.held,
        Status.no_show,
        Status.planned,
        Status.planned,
    ]
    new = {a.customer_id: a for a in new_rows(out.scenario, s)}
    assert set(new) == {"C1", "C2"} and new["C2"].mode.value == "in_person"
    assert not violations(out.scenario, s)
    assert any("left planned" in n and "A3" in n for n in out.notes)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"held_except": {"A4"}},
            "A4 is no planned appointment of 2026-12-07: it is on 2026-12-08",
        ),
        ({"no_show": {"NOPE"}}, "NOPE is no planned appointment of 2026-12-07: no appointment"),
        ({"no_show": {"A2"}, "not_held": {"A2"}}, "A2: both --no-show and --not-held"),
    ],
)
def test_day_bad_ids_are_refused(kw, message):
    with pytest.raises(DisruptionError, match=message):
        record_day(_day_case(), POLICY, MONDAY, now=at(MONDAY, 18), **kw)


def test_day_before_its_appointments_started_is_refused():
    with pytest.raises(DisruptionError, match="A3 starts 2026-12-07 10:00"):
        record_day(_day_case(), POLICY, MONDAY, now=at(MONDAY, 9, 30))


def test_outcomes_are_all_or_nothing():
    s = _day_case()
    with pytest.raises(DisruptionError):
        record_outcomes(s, POLICY, {"A1": Status.held, "A4": Status.held}, now=at(MONDAY, 18))


def test_cli_day_and_import_outcomes(tmp_path: Path):
    folder = tmp_path / "in"
    write_scenario(_day_case(), folder)
    out = tmp_path / "day"
    r = CliRunner().invoke(
        app,
        ["status", str(folder), "--day", "2026-12-07", "--held-except", "A2,A3", "--no-show",
         "A2", "--on", "2026-12-07", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "re-invited in person" in r.output and "next_appointment" in r.output
    [entry] = json.loads((out / "plan.json").read_text())["disruptions"]
    assert entry["command"] == "status_day"
    r = CliRunner().invoke(app, ["validate", str(out), "--against", str(folder), "-q"])
    assert r.exit_code == 0, r.output

    csv = tmp_path / "outcomes.csv"
    csv.write_text("appointment_id;status\nA1;held\nA2;no_show\n", encoding="utf-8")
    out2 = tmp_path / "imported"
    r = CliRunner().invoke(
        app, ["import", "outcomes", str(csv), str(folder), "--on", "2026-12-07", "--out", str(out2)]
    )
    assert r.exit_code == 0, r.output
    got = rows(read_scenario(out2).scenario)
    assert (got["A1"].status, got["A2"].status, got["A3"].status) == (
        Status.held,
        Status.no_show,
        Status.planned,
    )
    r = CliRunner().invoke(app, ["validate", str(out2), "--against", str(folder), "-q"])
    assert r.exit_code == 0, r.output
    [entry] = json.loads((out2 / "plan.json").read_text())["disruptions"]
    assert entry["command"] == "import"
    assert [c["action"] for c in entry["changes"]].count("next_appointment") == 1  # A1's


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("appointment_id,status\nA1,done\n", "row 2, column 'status'"),
        ("appointment_id,status\nA1,held\nA1,held\n", "row 3, column 'appointment_id'"),
        ("appointment_id,status\nA1,held\nA9,held\n", "row 3, column 'appointment_id'"),
        ("appointment_id,status\nA1,held\nA4,held\n", "row 3, column 'status'"),  # Tue, ahead
        ("appointment_id\nA1\n", "row 1, column 'status'"),
    ],
)
def test_cli_import_outcomes_bad_rows_change_nothing(tmp_path: Path, text: str, where: str):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_scenario(_day_case(), folder)
    csv = tmp_path / "outcomes.csv"
    csv.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(
        app, ["import", "outcomes", str(csv), str(folder), "--on", "2026-12-07", "--out", str(out)]
    )
    assert r.exit_code == 2, r.output
    assert f"outcomes.csv, {where}" in r.output
    assert not out.exists()


# --- 12.10: a slot for one customer ---------------------------------------------------------


def _slot_case(**c1) -> Scenario:
    """C1 (K1, last contact 09-01, due 2027-01-01) of S1, unavailable on Tuesdays. S1's free
    slots in week 50: Mon 08:00, 09:00 (X1 holds Mon 10:00), Tue 08:00, Wed 08:00, 09:00,
    Thu 08:00 (30 min: too short); S2 (same team) Mon 08:00."""
    c1.setdefault("unavailable", parse_unavailable("Tue"))
    return scenario(
        [specialist("S1"), specialist("S2")],
        [customer("C1", last=d(9, 1), **c1), customer("X1", last=d(10, 1))],
        [
            *day_slots(MONDAY, 3),
            slot(TUESDAY, 8),
            *day_slots(MONDAY + dt.timedelta(days=2), 2),
            slot(MONDAY + dt.timedelta(days=3), 8, length=30),
            slot(MONDAY, 8, sid="S2"),
        ],
        appointments=[appt("B1", "X1", at(MONDAY, 10))],
    )


def test_slot_ranks_own_specialist_even_week_and_leaves_out_what_breaks_a_rule():
    """Mon has 1 booking, Wed none: Wed 08:00, Wed 09:00, then Mon 08:00, Mon 09:00. Tue
    (unavailable) and Thu (too short) are left out; S2 is not offered (S1 has slots before
    the deadline)."""
    s = _slot_case()
    offers, left = find_slots(Office(s, POLICY), s.customers_by_id["C1"], TODAY)
    assert [(o.specialist_id, o.start) for o in offers] == [
        ("S1", at(MONDAY + dt.timedelta(days=2), 8)),
        ("S1", at(MONDAY + dt.timedelta(days=2), 9)),
        ("S1", at(MONDAY, 8)),
        ("S1", at(MONDAY, 9)),
    ]
    assert left == {"the customer is unavailable (days, half-days)": 1, "slot too short": 1}
    assert "keeps the week even" in offers[0].reasons[-1]
    assert "keeps the week even" not in offers[2].reasons[-1]


def test_slot_offers_the_team_when_the_own_specialist_is_absent_before_the_deadline():
    s = _slot_case()
    away = Absence(specialist_id="S1", first_day=MONDAY, last_day=d(12, 31))
    s = s.model_copy(update={"absences": (away,)})
    offers, _ = find_slots(Office(s, POLICY), s.customers_by_id["C1"], TODAY)
    assert [(o.specialist_id, o.start, o.own) for o in offers] == [("S2", at(MONDAY, 8), False)]


def test_slot_book_writes_a_booking_the_validator_accepts():
    s = _slot_case()
    out, offers = find_and_book(s, POLICY, "C1", book=3)
    [new] = new_rows(out.scenario, s)
    assert (new.start, new.booked_on, new.kind) == (offers[2].start, TODAY, Kind.follow_up)
    assert not violations(out.scenario, s)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kind": Kind.first_interview}, "had a qualified contact: the appointment is a follow_up"),
        ({"book": 5}, "--book 5: the list has 4 free slot"),
    ],
)
def test_slot_bad_requests(kw, message):
    with pytest.raises(DisruptionError, match=message):
        find_and_book(_slot_case(), POLICY, "C1", **kw)


def test_slot_refuses_a_customer_with_a_booking_ahead_and_an_unknown_one():
    s = _slot_case()
    with pytest.raises(DisruptionError, match="X1 already has B1"):
        find_and_book(s, POLICY, "X1")
    with pytest.raises(DisruptionError, match="no customer 'C9'"):
        find_and_book(s, POLICY, "C9")


def test_cli_slot_lists_then_books(tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_scenario(_slot_case(), folder)
    r = CliRunner().invoke(app, ["slot", str(folder), "C1"])
    assert r.exit_code == 0, r.output
    assert "1. Wed 2026-12-09 08:00 with S1" in r.output and not out.exists()
    assert "unavailable: Tue" in r.output
    r = CliRunner().invoke(app, ["slot", str(folder), "C1", "--json", "--show", "2"])
    data = json.loads(r.output)
    assert [x["start"] for x in data["slots"]] == ["2026-12-09T08:00", "2026-12-09T09:00"]
    assert data["figures"]["offers"] == 4
    r = CliRunner().invoke(app, ["slot", str(folder), "C1", "--book", "1", "--out", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["validate", str(out), "--against", str(folder), "-q"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["slot", str(folder), "C1", "--book", "1"])
    assert r.exit_code == 2


@st.composite
def _offices(draw):
    """One specialist (or two of a team), a few days of slots, some older bookings, one
    customer with a random history, category and unavailability."""
    days = [MONDAY + dt.timedelta(days=i) for i in range(12) if i % 7 < 5]
    slots, booked = [], []
    n = 0
    for sid in ("S1", "S2")[: draw(st.integers(1, 2))]:
        for day in days:
            for hour in sorted(draw(st.sets(st.integers(8, 15), max_size=4))):
                length = draw(st.sampled_from([30, 45, 60]))
                how = draw(st.sampled_from(list(SlotMode)))
                slots.append(slot(day, hour, length=length, sid=sid, mode=how))
                if draw(st.integers(0, 3)) == 0:
                    n += 1
                    booked.append(appt(f"B{n}", f"X{n}", at(day, hour), sid=sid, minutes=30))
    last = draw(st.one_of(st.none(), st.dates(d(5, 1), d(12, 1))))
    under_25 = draw(st.booleans())
    c1 = customer(
        "C1",
        "S1",
        draw(st.sampled_from(["K1", "K3", "U25"])),
        last=last,
        under_25=under_25,
        unemployed=draw(st.booleans()),
        unavailable=parse_unavailable(draw(st.sampled_from(["", "Mon", "Tue-AM", "Wed-PM;Fri"]))),
        mode=draw(st.sampled_from([None, Mode.video, Mode.in_person])),
    )
    if last is not None and draw(st.booleans()):  # a missed video appointment: re-invite in person
        missed = at(last, 9)
        booked.append(appt("M1", "C1", missed, mode=Mode.video, status=Status.no_show))
    absences = []
    if draw(st.booleans()):
        first = draw(st.sampled_from(days))
        absences.append(
            Absence(
                specialist_id="S1",
                first_day=first,
                last_day=first + dt.timedelta(days=draw(st.integers(0, 9))),
            )
        )
    others = [customer(f"X{i}", "S1", last=d(10, 1)) for i in range(1, n + 1)]
    sps = [specialist("S1"), specialist("S2")]
    today = draw(st.sampled_from([TODAY, MONDAY - dt.timedelta(days=4)]))
    return scenario(sps, [c1, *others], slots, absences, booked, today=today)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_offices(), st.data())
def test_slot_finder_never_offers_a_slot_the_validator_rejects(s, data):
    offers, _ = find_slots(Office(s, POLICY), s.customers_by_id["C1"], s.today)
    if not offers:
        return
    pick = data.draw(st.integers(1, len(offers)))
    out, _ = find_and_book(s, POLICY, "C1", book=pick)
    before = {(v.rule, v.appointment_id) for v in validate(s, POLICY).violations}
    after = {(v.rule, v.appointment_id) for v in violations(out.scenario, s)}
    assert after <= before, after - before


# --- 10.7: group sessions -------------------------------------------------------------------


def _group_case(extra: list[Appointment] = ()) -> Scenario:
    """S1 holds a group session on Tue 12-08 at 10:00 (slot 10:00-11:00). S1's customers:
    G1 K1 due 12-01 (overdue), G2 K1 due 2027-01-15, G3 K1 due 2027-02-01 -- eligible;
    K3 (category), GS (group session 2026-03-01, within 12 months), FI (no contact yet:
    first interview), TU (unavailable Tuesdays), BK (booked 12-14) -- not; O1 (K1 of S2)."""
    cs = [
        customer("G1", last=d(8, 1)),
        customer("G2", last=d(9, 15)),
        customer("G3", last=d(10, 1)),
        customer("K3", "S1", "K3", last=d(7, 1), unemployed=False),
        customer("GS", last=d(8, 1), last_group_session=d(3, 1)),
        customer("FI", last=None),
        customer("TU", last=d(8, 1), unavailable=parse_unavailable("Tue")),
        customer("BK", last=d(8, 1)),
        customer("O1", "S2", last=d(8, 1)),
    ]
    return scenario(
        [specialist("S1"), specialist("S2")],
        cs,
        [slot(TUESDAY, 10), *day_slots(TUESDAY, 7, first_hour=11), slot(d(12, 14), 8)],
        appointments=[appt("B1", "BK", at(d(12, 14), 8)), *extra],
    )


def test_group_invites_the_eligible_customers_due_soonest():
    s = _group_case()
    out = group_session(s, POLICY, "S1", at(TUESDAY, 10), 2)
    new = new_rows(out.scenario, s)
    assert [a.customer_id for a in new] == ["G1", "G2"]
    assert {(a.kind, a.start, a.end, a.specialist_id) for a in new} == {
        (Kind.group_session, at(TUESDAY, 10), at(TUESDAY, 10, 45), "S1")
    }
    assert [r.customer_id for r in out.candidates] == ["G3"]
    assert not violations(out.scenario, s)
    # the session's contact counts: G1 is no longer overdue
    assert due_dates(out.scenario, POLICY)["G1"].planned == TUESDAY


def _busy_tuesday(n: int) -> Scenario:
    """The group case with ``n`` older follow-ups of S1 on Tuesday from 11:00 (Y0, Y1 ...)."""
    s = _group_case()
    ys = [customer(f"Y{i}", last=d(10, 1)) for i in range(n)]
    busy = [appt(f"Y{i}", f"Y{i}", at(TUESDAY, 11 + i)) for i in range(n)]
    return s.model_copy(
        update={"customers": (*s.customers, *ys), "appointments": (*s.appointments, *busy)}
    )


def test_group_session_counts_once_in_the_daily_cap():
    """7 follow-ups + one session of 3 customers = 8 appointments = the cap: valid. An
    8th follow-up leaves no room: nobody can be invited, and added afterwards the
    validator counts 9 (daily_cap)."""
    s = _busy_tuesday(7)
    out = group_session(s, POLICY, "S1", at(TUESDAY, 10), 3)
    assert len(new_rows(out.scenario, s)) == 3
    assert not violations(out.scenario, s)
    with pytest.raises(DisruptionError, match="daily cap"):
        group_session(_busy_tuesday(8), POLICY, "S1", at(TUESDAY, 10), 3)
    y8 = customer("Y8", last=d(10, 1))
    late = appt("Y8", "Y8", at(TUESDAY, 8))
    over = out.scenario.model_copy(
        update={
            "customers": (*out.scenario.customers, y8),
            "appointments": (*out.scenario.appointments, late),
        }
    )
    assert "daily_cap" in {v.rule for v in validate(over, POLICY).violations}


@pytest.mark.parametrize(
    ("sid", "start", "message"),
    [
        ("S9", at(TUESDAY, 10), "unknown specialist"),
        ("S1", at(d(11, 30), 10), "less than 10 days"),
        ("S1", at(TUESDAY, 9), "no free slot of S1 holds"),
    ],
)
def test_group_bad_requests(sid, start, message):
    with pytest.raises(DisruptionError, match=message):
        group_session(_group_case(), POLICY, sid, start, 3)


def test_validator_group_rows_share_a_slot_only_as_one_session():
    """Two group rows, same time and end: one session. A follow-up in the same slot, or
    a group row with another end: two appointments in one slot (slot_single)."""
    s = _group_case()
    out = group_session(s, POLICY, "S1", at(TUESDAY, 10), 2)
    assert "slot_single" not in {v.rule for v in validate(out.scenario, POLICY).violations}
    [g1, _g2] = new_rows(out.scenario, s)
    shorter = g1.model_copy(
        update={"appointment_id": "Z1", "customer_id": "G3", "end": at(TUESDAY, 10, 50)}
    )
    bad = out.scenario.model_copy(update={"appointments": (*out.scenario.appointments, shorter)})
    assert "slot_single" in {v.rule for v in validate(bad, POLICY).violations}


def test_cli_group(tmp_path: Path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_scenario(_group_case(), folder)
    r = CliRunner().invoke(
        app,
        ["group", str(folder), "--specialist", "S1", "--at", "2026-12-08T10:00", "--capacity", "5",
         "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "3 of 5 seats, 3 eligible (counts for K1)" in r.output
    r = CliRunner().invoke(app, ["validate", str(out), "--against", str(folder), "-q"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        app, ["group", str(folder), "--specialist", "S1", "--at", "8.12.", "--capacity", "5",
              "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 2


def test_noshow_before_the_appointment_started_is_refused():
    s = _one()
    with pytest.raises(DisruptionError, match="a no-show is recorded once the appointment"):
        noshow(s, POLICY, "A1", now=at(MONDAY, 7, 59))
    for started in (at(MONDAY, 8), at(MONDAY, 8, 10)):  # from its start time on
        out = noshow(s, POLICY, "A1", now=started)
        assert rows(out.scenario)["A1"].status is Status.no_show


@st.composite
def _group_offices(draw):
    """S1's customers with random categories, histories, group sessions, unavailability and
    bookings; a session at a random slot of S1 in weeks 50-51."""
    days = [MONDAY + dt.timedelta(days=i) for i in range(12) if i % 7 < 5]
    slots = [s for day in days for s in day_slots(day, 4, length=draw(st.sampled_from([45, 60])))]
    customers, booked = [], []
    for i in range(draw(st.integers(1, 12))):
        last = draw(st.one_of(st.none(), st.dates(d(3, 1), d(11, 20)), st.dates(d(6, 1), d(9, 1))))
        customers.append(
            customer(
                f"C{i}",
                category=draw(st.sampled_from(["K1", "K1", "K1", "K3", "U25"])),
                last=last,
                unemployed=draw(st.sampled_from([True, True, True, False])),
                under_25=draw(st.sampled_from([False, False, False, True])),
                last_group_session=draw(
                    st.one_of(st.none(), st.dates(d(1, 1, 2025), d(11, 1)), st.none())
                ),
                unavailable=parse_unavailable(draw(st.sampled_from(["", "Mon", "Tue-AM", "Fri"]))),
            )
        )
        if draw(st.integers(0, 3)) == 0:
            s = draw(st.sampled_from(slots))
            booked.append(
                appt(f"B{i}", f"C{i}", s.start, status=draw(st.sampled_from(list(Status))))
            )
    start = draw(st.sampled_from(slots)).start
    return scenario([specialist("S1")], customers, slots, appointments=booked), start


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_group_offices(), st.integers(1, 6))
def test_group_session_never_books_what_the_validator_rejects(case, capacity):
    s, start = case
    try:
        out = group_session(s, POLICY, "S1", start, capacity)
    except DisruptionError:
        return
    new = new_rows(out.scenario, s)
    assert 1 <= len(new) <= capacity
    before = {(v.rule, v.appointment_id) for v in validate(s, POLICY).violations}
    after = {(v.rule, v.appointment_id) for v in violations(out.scenario, s)}
    assert after <= before, after - before


# --- slot finder: one pair per booking rule (left out with its reason / offered) ------------


def _pair(**kw) -> tuple[Scenario, str]:
    """C1 (K1, last contact 09-01) of S1 with one free slot, Wed 12-09 08:00-09:00, and
    whatever ``kw`` changes: today, C1's fields, S1's other appointments that day, the
    slot's mode or length."""
    wed = MONDAY + dt.timedelta(days=2)
    fields = {"last": d(9, 1), **kw.get("c1", {})}
    extra = [
        appt(f"Y{i}", f"Y{i}", at(wed, 9 + i)) for i in range(kw.get("busy", 0))
    ]  # older bookings of S1 that day (no slot needed)
    ys = [customer(f"Y{i}", last=d(10, 1)) for i in range(kw.get("busy", 0))]
    s = scenario(
        [specialist("S1")],
        [customer("C1", **fields), *ys],
        [slot(wed, 8, length=kw.get("length", 60), mode=kw.get("mode", SlotMode.any))],
        appointments=extra,
        today=kw.get("today", TODAY),
    )
    return s, "C1"


@pytest.mark.parametrize(
    ("bad", "good", "reason"),
    [
        ({"today": d(12, 1)}, {"today": d(11, 29)}, "within the lead time"),  # 8 / 10 days
        ({"c1": {"last": d(11, 26)}}, {"c1": {"last": d(11, 25)}}, "minimum gap"),  # 13 / 14
        ({"busy": 8}, {"busy": 7}, "day at the daily cap"),
        ({"length": 30}, {"length": 45}, "slot too short"),  # a follow-up needs 45 min
        ({"c1": {"last": None}, "length": 45}, {"c1": {"last": None}}, "slot too short"),  # EG 60
        ({"mode": SlotMode.video}, {"mode": SlotMode.in_person}, "slot mode does not fit"),
        (
            {"c1": {"unavailable": parse_unavailable("Wed-AM")}},
            {"c1": {"unavailable": parse_unavailable("Wed-PM")}},
            "the customer is unavailable",
        ),
    ],
)
def test_slot_rule_pairs(bad, good, reason):
    for kw, offered in ((bad, False), (good, True)):
        s, cid = _pair(**kw)
        offers, left = find_slots(Office(s, POLICY), s.customers_by_id[cid], s.today)
        assert bool(offers) is offered, (kw, left)
        if not offered:
            assert any(reason in why for why in left), left
        else:
            out, _ = find_and_book(s, POLICY, cid, book=1)
            assert not violations(out.scenario, s)


@pytest.mark.parametrize(
    "args",
    [
        ["status", "{f}", "--out", "{o}"],  # neither ID OUTCOME nor --day
        ["status", "{f}", "A1", "held", "--day", "2026-12-07", "--out", "{o}"],
        ["status", "{f}", "A1", "held", "--held-except", "A2", "--out", "{o}"],
        ["status", "{f}", "A1", "held", "--on", "7.13.2026", "--out", "{o}"],
        ["status", "{f}", "--day", "2026-12-07", "--held-except", "A2,,A3", "--out", "{o}"],
        ["status", "{f}", "--day", "2026-12-07", "--on", "2026-12-07T09:30", "--out", "{o}"],
        ["slot", "{f}", "C1", "--kind", "group_session"],
        ["slot", "{f}", "C1", "--book", "1"],  # no --out
        ["slot", "{f}", "C1", "--from", "soon"],
        ["slot", "{f}", "C9"],
        ["group", "{f}", "--specialist", "S1", "--at", "2026-12-21 25:00", "--capacity", "3",
         "--out", "{o}"],
        ["group", "{f}", "--specialist", "S1", "--at", "2026-12-21T08:00", "--capacity", "0",
         "--out", "{o}"],
        ["import", "outcomes", "{f}/missing.csv", "{f}", "--out", "{o}"],
    ],
)  # fmt: skip
def test_cli_desk_bad_input_exits_2_and_writes_nothing(tmp_path: Path, args):
    folder, out = tmp_path / "in", tmp_path / "out"
    write_scenario(_day_case(), folder)
    before = sorted(p.read_bytes() for p in folder.iterdir())
    r = CliRunner().invoke(app, [a.format(f=folder, o=out) for a in args])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert not out.exists()
    assert sorted(p.read_bytes() for p in folder.iterdir()) == before


@cache
def _planned_team() -> Scenario:
    """Two specialists, three weeks of slots, 60 customers (some first interviews, U25,
    video), weeks 50-51 planned by the greedy planner: a week of outcomes to record."""
    from kontaktplan.planning import plan

    customers = []
    for i in range(60):
        last = None if i % 13 == 0 else dt.date(2026, 6 + i % 6, 1 + i % 27)
        customers.append(
            customer(
                f"C{i:02d}",
                f"S{i % 2 + 1}",
                "U25" if i % 5 == 0 else "K1",
                under_25=i % 5 == 0,
                last=last,
                mode=Mode.video if i % 4 == 0 else None,
            )
        )
    slots = [
        s
        for w in range(3)
        for day in (MONDAY + dt.timedelta(days=7 * w + i) for i in range(5))
        for sid in ("S1", "S2")
        for s in day_slots(day, 5, sid)
    ]
    base = scenario([specialist("S1"), specialist("S2", video=False)], customers, slots)
    return plan(base, POLICY, weeks=2, solver="greedy", workers=1).planned_scenario()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 9), st.lists(st.tuples(st.integers(0, 99), st.integers(0, 2)), max_size=4))
def test_random_day_outcomes_keep_a_valid_folder(day_index, exceptions):
    """Any day of the planned fortnight, any exceptions: the folder stays valid against the
    one before (no row lost, history unchanged, every new booking keeps every rule)."""
    s = _planned_team()
    days = sorted({a.day for a in s.appointments if a.status is Status.planned})
    day = days[day_index % len(days)]
    planned = sorted(
        a.appointment_id for a in s.appointments if a.day == day and a.status is Status.planned
    )
    sets: dict[str, set[str]] = {"held_except": set(), "no_show": set(), "not_held": set()}
    for i, which in exceptions:
        aid = planned[i % len(planned)]
        if aid not in sets["no_show"] | sets["not_held"]:
            sets[("held_except", "no_show", "not_held")[which]].add(aid)
    if set(planned) <= sets["held_except"] and not (sets["no_show"] | sets["not_held"]):
        with pytest.raises(DisruptionError, match="every planned appointment is excepted"):
            record_day(s, POLICY, day, now=at(day, 23), **sets)
        return
    out = record_day(s, POLICY, day, now=at(day, 23), **sets)
    assert not violations(out.scenario, s), [str(v) for v in violations(out.scenario, s)]
    statuses = {a.appointment_id: a.status for a in out.scenario.appointments}
    for aid in planned:
        expected = (
            Status.no_show
            if aid in sets["no_show"]
            else Status.not_held
            if aid in sets["not_held"]
            else Status.planned
            if aid in sets["held_except"]
            else Status.held
        )
        assert statuses[aid] is expected
