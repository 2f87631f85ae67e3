"""The bugs a mutation check of the suite left unnoticed (issue 11, "Tests that would have
caught it"): one hand-worked situation each, checked with the independent validator.

Each docstring names the one-line bug the test catches.
"""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from builders import MONDAY, appointment, customer, scenario, slot, specialist
from kontaktplan.cli import app
from kontaktplan.disruption import DisruptionError, cancel, noshow
from kontaktplan.disruption.replan import replan
from kontaktplan.domain import Absence, Kind, Mode, Status, parse_unavailable
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.rules.policy import load_policy
from kontaktplan.validation import validate

POLICY = load_policy("heilbronn-2025")
THURSDAY = dt.date(2026, 12, 17)  # MONDAY 12-07 + the 10-day lead
FRIDAY = THURSDAY + dt.timedelta(days=1)
NEXT_MONDAY = dt.date(2026, 12, 21)  # the first plannable Monday from MONDAY


def _rules(s, previous=None) -> set[str]:
    return {v.rule for v in validate(s, POLICY, previous).violations}


def _missed_on_monday(**kw):
    """C1's appointment A1 on Monday 08:00 (today), to be missed; C9 can take a standby call."""
    return appointment("C1", MONDAY, 8, appointment_id="M1", booked_on=dt.date(2026, 11, 20), **kw)


def _reinvitation(out):
    return [a for a in out.scenario.appointments if a.appointment_id.startswith("R")]


def test_reinvitation_skips_a_day_at_the_daily_cap():
    """Bug: the booking checks' daily cap off by one (``>`` for ``>=``)."""
    full = [
        appointment(f"C{10 + i}", THURSDAY, 8 + i, booked_on=dt.date(2026, 11, 20))
        for i in range(8)
    ]
    s = scenario(
        [specialist("S1")],
        [customer("C1"), customer("C9"), *(customer(f"C{10 + i}") for i in range(8))],
        [slot(MONDAY, 8), *(slot(THURSDAY, 8 + i) for i in range(9)), slot(FRIDAY, 8)],
        appointments=[_missed_on_monday(), *full],
        today=MONDAY,
    )
    out = noshow(s, POLICY, "M1")
    [again] = _reinvitation(out)
    assert again.day == FRIDAY  # Thursday holds 8 already, its ninth slot stays free
    assert _rules(out.scenario) == set()


def test_reinvitation_respects_a_half_day_the_customer_is_unavailable():
    """Bug: the booking checks ignore half-day unavailability (``Thu-AM``)."""
    s = scenario(
        [specialist("S1")],
        [customer("C1", unavailable=parse_unavailable("Thu-AM")), customer("C9")],
        [slot(MONDAY, 8), slot(THURSDAY, 8), slot(THURSDAY, 14)],
        appointments=[_missed_on_monday()],
        today=MONDAY,
    )
    out = noshow(s, POLICY, "M1")
    [again] = _reinvitation(out)
    assert again.start == dt.datetime.combine(THURSDAY, dt.time(14))
    assert _rules(out.scenario) == set()


def test_backfill_keeps_the_minimum_gap_after_a_recent_contact():
    """Bug: the booking checks ignore ``min_days_between_contacts``.

    Cancelled on 11-30 for Monday 12-07 (7 days ahead: backfilled at once). C2 (U25)
    outranks C3 but was seen on 11-27, 10 days before the slot (< 14): C3 gets it.
    """
    on = dt.date(2026, 11, 30)
    s = scenario(
        [specialist("S1")],
        [
            customer("C1"),
            customer("C2", "S1", "U25", last=dt.date(2026, 11, 27), under_25=True),
            customer("C3", "S1", "K3", last=dt.date(2026, 9, 1), unemployed=False),
        ],
        [slot(MONDAY, 8)],
        appointments=[appointment("C1", MONDAY, 8, appointment_id="A1")],
        today=on,
    )
    out = cancel(s, POLICY, "A1", on)
    [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
    assert new.customer_id == "C3"
    assert _rules(out.scenario) == set()
    # the reason names the last contact: 97 days of K3's 183 (6 x 30.44) = 53 %
    assert "last contact 2026-09-01 (53% of the interval)" in out.candidates[0].reasons


def test_replan_leaves_a_booking_it_cannot_move_as_it_is():
    """Bug: replan voids an invalid booking even when no valid slot takes it."""
    s = scenario(
        [specialist("S1")],
        [customer("C1")],
        [slot(MONDAY, 8)],  # the booking's slot on Wednesday is gone; Monday is too soon
        appointments=[appointment("C1", MONDAY + dt.timedelta(days=2), 8, appointment_id="B1")],
        today=MONDAY - dt.timedelta(days=7),
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    rows = {a.appointment_id: a for a in out.scenario.appointments}
    assert rows["B1"].status is Status.planned
    assert "no_row_lost" not in _rules(out.scenario, s)


def test_cancel_on_a_day_before_the_planning_date_is_bad_input(tmp_path):
    """Bug: ``cancel --on`` before the folder's planning date accepted."""
    s = scenario(
        [specialist("S1")],
        [customer("C1")],
        [slot(MONDAY, 8)],
        appointments=[appointment("C1", MONDAY, 8, appointment_id="A1")],
    )
    with pytest.raises(DisruptionError, match="before the planning date"):
        cancel(s, POLICY, "A1", s.today - dt.timedelta(days=1))
    folder = write_scenario(s, tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["cancel", str(folder), "A1", "--on", "2026-11-22", "--out", str(out)]
    )
    assert result.exit_code == 2 and "planning date" in result.output
    assert not out.exists()


def test_no_standby_call_for_a_specialist_absent_that_day():
    """Bug: the standby call is booked although its specialist is absent that day."""
    s = scenario(
        [specialist("S1"), specialist("S2")],
        [customer("C1"), customer("C9")],
        [slot(MONDAY, 8), slot(MONDAY, 8, sid="S2")],
        absences=[Absence(specialist_id="S1", first_day=MONDAY, last_day=MONDAY)],
        appointments=[_missed_on_monday()],
        today=MONDAY,
    )
    out = noshow(s, POLICY, "M1")
    calls = [a for a in out.scenario.appointments if a.kind is Kind.phone_consultation]
    assert calls == []
    assert "absence" not in _rules(out.scenario)


def test_no_show_of_an_exempt_customer_is_no_escalation():
    """Bug: the no-show of an exempt customer (case management) escalates to the team lead."""
    s = scenario(
        [specialist("S1")],
        [customer("C1", exempt="case_management"), customer("C9")],
        [slot(MONDAY, 8), slot(THURSDAY, 8)],
        appointments=[_missed_on_monday()],
        today=MONDAY,
    )
    out = noshow(s, POLICY, "M1")
    assert out.escalations == []
    assert _reinvitation(out) == []
    assert _rules(out.scenario) == set()


def test_plan_after_a_cancelled_reinvitation_still_books_in_person(tmp_path):
    """Bug (issue 11.12): after plan -> cancel -> plan, a customer whose last appointment
    was a video no-show was booked by video: the cancelled re-invitation hid the no-show."""
    s = scenario(
        [specialist("S1")],
        [customer("C1", mode=Mode.video)],
        [slot(NEXT_MONDAY, 8), slot(NEXT_MONDAY + dt.timedelta(days=1), 8)],
        appointments=[
            appointment(
                "C1",
                MONDAY - dt.timedelta(days=7),
                8,
                mode=Mode.video,
                status=Status.no_show,
                appointment_id="V1",
                booked_on=dt.date(2026, 11, 1),
            ),
            appointment(
                "C1",
                THURSDAY,
                9,
                status=Status.cancelled,
                cancelled_on=MONDAY,
                appointment_id="R1",
                booked_on=MONDAY - dt.timedelta(days=7),
            ),
        ],
        today=MONDAY,
    )
    folder = write_scenario(s, tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["plan", str(folder), "--out", str(out), "--solver", "greedy", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    planned = read_scenario(out).scenario
    [new] = [a for a in planned.appointments if a.status is Status.planned]
    assert new.mode is Mode.in_person
    assert "reinvite_in_person" not in _rules(planned)


def test_validate_summary_counts_warnings_by_kind():
    """Two past appointments still planned: two ``missing_status`` warnings, one line."""
    s = scenario(
        [specialist("S1")],
        [customer("C1"), customer("C2")],
        [slot(MONDAY, 8)],
        appointments=[
            appointment("C1", dt.date(2026, 11, 16), 8, booked_on=dt.date(2026, 11, 1)),
            appointment("C2", dt.date(2026, 11, 17), 8, booked_on=dt.date(2026, 11, 1)),
        ],
    )
    lines = validate(s, POLICY).summary().splitlines()
    assert lines[:2] == ["hard rules: ok", "warnings: 2 (missing_status 2)"]


def test_a_planned_standby_call_does_not_keep_a_customer_from_a_backfill():
    """A phone consultation is no planned contact: C2 (overdue) with a standby call on
    12-10 is still the best backfill for the cancelled A1 (bookable.future_booking)."""
    call = appointment(
        "C2",
        MONDAY + dt.timedelta(days=3),
        8,
        minutes=30,
        kind=Kind.phone_consultation,
        mode=Mode.phone,
        appointment_id="T1",
    )
    s = scenario(
        [specialist("S1")],
        [
            customer("C1"),
            customer("C2", last=dt.date(2026, 7, 1)),
            customer("C3", "S1", "K3", last=dt.date(2026, 9, 1), unemployed=False),
        ],
        [slot(MONDAY, 8), slot(MONDAY + dt.timedelta(days=3), 8)],
        appointments=[appointment("C1", MONDAY, 8, appointment_id="A1"), call],
    )
    out = cancel(s, POLICY, "A1", s.today)
    [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
    assert new.customer_id == "C2"
    assert _rules(out.scenario) == set()


def test_replan_keeps_a_handed_over_booking_outside_the_substitutes_slots():
    """An appointment handed over in an absence keeps its time, in a slot of the substitute
    or not: replan leaves it (bug: such a booking taken for invalid and moved)."""
    wednesday = MONDAY + dt.timedelta(days=2)
    s = scenario(
        [specialist("S1"), specialist("S2")],
        [customer("C1")],
        [slot(MONDAY + dt.timedelta(days=14), 8)],  # a later slot of S1 it could move to
        absences=[Absence(specialist_id="S1", first_day=wednesday, last_day=wednesday)],
        appointments=[
            appointment("C1", wednesday, 10, sid="S2", reassigned_from="S1", appointment_id="B1")
        ],
        today=MONDAY - dt.timedelta(days=7),
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    rows = {a.appointment_id: a for a in out.scenario.appointments}
    assert rows["B1"].status is Status.planned and rows["B1"].specialist_id == "S2"
    assert not [a for a in out.scenario.appointments if a.appointment_id.startswith("M")]


def test_replan_keeps_a_backfill_inside_the_cancelled_appointments_time():
    """A backfill may lie in the freed time without a slot of its own (15 minutes into the
    cancelled hour): replan leaves it where it is."""
    wednesday = MONDAY + dt.timedelta(days=2)
    old = appointment(
        "C1", wednesday, 8, minutes=60, status=Status.cancelled, appointment_id="A1",
        cancelled_on=MONDAY - dt.timedelta(days=8),
    )  # fmt: skip
    backfill = appointment("C2", wednesday, 8, 15, appointment_id="B1", backfill_for="A1")
    s = scenario(
        [specialist("S1")],
        [customer("C1"), customer("C2")],
        [slot(MONDAY + dt.timedelta(days=14), 8)],  # a later slot it could move to
        appointments=[old, backfill],
        today=MONDAY - dt.timedelta(days=7),
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    rows = {a.appointment_id: a for a in out.scenario.appointments}
    assert rows["B1"].status is Status.planned
    assert not [a for a in out.scenario.appointments if a.appointment_id.startswith("M")]


def test_backfill_into_an_in_person_slot_the_cancelled_appointment_filled_is_in_person():
    """The freed slot (08:00-08:45, in person only) is exactly the cancelled appointment's
    time: its mode still holds, so the video customer C2 is invited in person."""
    s = scenario(
        [specialist("S1")],
        [customer("C1"), customer("C2", last=dt.date(2026, 7, 1), mode=Mode.video)],
        [slot(MONDAY, 8, length=45, mode="in_person")],
        appointments=[appointment("C1", MONDAY, 8, appointment_id="A1")],
    )
    out = cancel(s, POLICY, "A1", s.today)
    [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
    assert (new.customer_id, new.mode) == ("C2", Mode.in_person)
    assert _rules(out.scenario) == set()
