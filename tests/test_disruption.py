"""Disruption handling (RULES.md, "Terminausfallmanagement"): hand-worked cases per branch,
CLI exit codes, and a property test over random sequences of disruptions."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import (
    MONDAY,
    TODAY,
    appointment,
    customer,
    day_slots,
    policy_file_beside,
    scenario,
    slot,
    specialist,
    week,
)
from kontaktplan.cli import app
from kontaktplan.disruption import (
    DisruptionError,
    absence,
    cancel,
    noshow,
    set_status,
    standby,
)
from kontaktplan.disruption.outcome import new_id
from kontaktplan.disruption.replan import replan
from kontaktplan.domain import Absence, Appointment, Kind, Mode, Scenario, Status
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import due_dates, load_policy
from kontaktplan.validation import validate

POLICY = load_policy("heilbronn-2025")
TUESDAY = MONDAY + dt.timedelta(days=1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def appt(aid: str, cid: str, sid: str, start: dt.datetime, minutes: int = 45, **kw) -> Appointment:
    """:func:`builders.appointment` addressed by id, customer, specialist and start."""
    return appointment(
        cid,
        start.date(),
        start.hour,
        start.minute,
        minutes=minutes,
        sid=sid,
        appointment_id=aid,
        **kw,
    )


def by_id(s: Scenario) -> dict[str, Appointment]:
    return {a.appointment_id: a for a in s.appointments}


def hard_rules(s: Scenario) -> set[str]:
    return {v.rule for v in validate(s, POLICY).violations}


def against(new: Scenario, old: Scenario) -> set[tuple[str, str | None]]:
    """(rule, appointment id) of every hard violation of ``new`` checked against ``old``."""
    return {(v.rule, v.appointment_id) for v in validate(new, POLICY, previous=old).violations}


# --- cancel: the 7-day boundary ------------------------------------------------------------


def _cancel_case() -> Scenario:
    """A1 (C1) on Monday 12-07 08:00 in a 60-min slot; C2 is overdue (due 11-01), C3 due later.

    C4 has no qualified contact (first interview, 60 min: fits the 60-min slot).
    """
    return scenario(
        [specialist("S1")],
        [
            customer("C1"),
            customer("C2", last=dt.date(2026, 7, 1)),
            customer("C3", last=dt.date(2026, 10, 1)),
            customer("C4", "S1", "K3", last=None, unemployed=False),
        ],
        [slot(MONDAY, 8), slot(MONDAY, 9)],
        appointments=[appt("A1", "C1", "S1", at(MONDAY, 8))],
    )


def test_cancel_exactly_7_days_ahead_is_backfilled_at_once():
    on = MONDAY - dt.timedelta(days=7)
    out = cancel(_cancel_case(), POLICY, "A1", on)
    rows = by_id(out.scenario)
    assert rows["A1"].status is Status.cancelled and rows["A1"].cancelled_on == on
    [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
    assert new.customer_id == "C2"  # overdue first
    assert (new.start, new.specialist_id, new.status, new.booked_on) == (
        at(MONDAY, 8),
        "S1",
        Status.planned,
        on,
    )
    assert out.scenario.today == on
    assert [r.customer_id for r in out.candidates][:2] == ["C2", "C4"]
    assert "overdue since 2026-11-01" in out.candidates[0].reasons
    assert "first interview" in out.candidates[1].reasons
    assert validate(out.scenario, POLICY).ok


def test_backfill_reasons_say_whether_the_booking_meets_the_deadline():
    """A reason never calls a deadline met by a booking after it; a customer due on or
    before the day the backfill is booked is overdue, as validate counts them."""
    on = dt.date(2026, 11, 30)  # the backfill is booked on 11-30 for Monday 12-07
    s = _cancel_case()
    due = [customer("C5", last=dt.date(2026, 8, 3)), customer("C6", last=dt.date(2026, 8, 7))]
    s = s.model_copy(update={"customers": (*s.customers, *due)})
    reasons = {r.customer_id: r.reasons[0] for r in cancel(s, POLICY, "A1", on).candidates}
    assert reasons == {
        "C2": "overdue since 2026-11-01",
        "C4": "overdue since 2026-11-30",  # first interview: due at once
        "C5": "due 2026-12-03, 4 day(s) before this booking",
        "C6": "due 2026-12-07, met by this booking",
        "C3": "due 2027-02-01, met by this booking",
    }


def test_a_backfill_takes_the_freed_slot_right_after_a_booked_one():
    """A slot holds one appointment (FORMAT.md); the next slot is free all the same."""
    s = _cancel_case()
    rows = (
        appt("A1", "C1", "S1", at(MONDAY, 9)),
        appt("A0", "C3", "S1", at(MONDAY, 8), booked_on=dt.date(2026, 11, 2)),
    )
    out = cancel(
        s.model_copy(update={"appointments": rows}), POLICY, "A1", MONDAY - dt.timedelta(days=7)
    )
    [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
    assert (new.customer_id, new.start) == ("C2", at(MONDAY, 9))


def test_cancel_6_days_ahead_only_proposes_optional_candidates():
    on = MONDAY - dt.timedelta(days=6)
    out = cancel(_cancel_case(), POLICY, "A1", on)
    assert not any(a.backfill_for for a in out.scenario.appointments)
    assert out.candidates[0].customer_id == "C2"
    assert out.entry()["figures"]["backfill_duty"] is False
    assert any("optional" in n for n in out.notes)


@pytest.mark.parametrize("days", [7, 6, 3])
def test_cancel_without_proposals_books_what_it_books_with_them(days):
    """propose=False (the simulated office) skips only the optional candidates: the same
    rows; at 7 days the duty still books the best, at 6 and 3 nobody is looked for."""
    on = MONDAY - dt.timedelta(days=days)
    full = cancel(_cancel_case(), POLICY, "A1", on)
    lean = cancel(_cancel_case(), POLICY, "A1", on, propose=False)
    assert lean.scenario == full.scenario
    assert [c.to_dict() for c in lean.changes] == [c.to_dict() for c in full.changes]
    if days < 7:
        assert not lean.candidates and "candidates not looked for" in lean.notes[0]
    else:
        assert lean.candidates == full.candidates


def test_cancel_6_days_ahead_with_fill_books_the_best_candidate():
    on = MONDAY - dt.timedelta(days=6)
    out = cancel(_cancel_case(), POLICY, "A1", on, fill=True)
    [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
    assert new.customer_id == "C2"
    assert validate(out.scenario, POLICY).ok


def test_cancel_3_days_ahead_proposes_candidates_by_phone_and_fill_n_books_the_nth():
    """README: closer than 7 days the top 5 are proposed; 3 days is too late for a letter
    (4 days), so they are asked by phone (short_notice_days = 1)."""
    on = MONDAY - dt.timedelta(days=3)
    out = cancel(_cancel_case(), POLICY, "A1", on)
    assert not any(a.backfill_for for a in out.scenario.appointments)
    assert [r.customer_id for r in out.candidates][:2] == ["C2", "C4"]
    assert out.entry()["figures"]["short_notice"] is True
    assert any("by phone at short notice" in n for n in out.notes)
    second = cancel(_cancel_case(), POLICY, "A1", on, fill=2)
    [new] = [a for a in second.scenario.appointments if a.backfill_for == "A1"]
    assert (new.customer_id, new.booked_on) == ("C4", on)
    assert validate(second.scenario, POLICY).ok
    with pytest.raises(DisruptionError, match="--fill 9: only"):
        cancel(_cancel_case(), POLICY, "A1", on, fill=9)


def test_cancel_7_days_ahead_with_fill_n_books_the_nth_and_says_it_was_chosen():
    """README: --fill N books the N-th also at 7 days or more, instead of the first; the
    reason tells the duty's pick from the user's choice."""
    on = MONDAY - dt.timedelta(days=7)
    duty = cancel(_cancel_case(), POLICY, "A1", on)
    chosen = cancel(_cancel_case(), POLICY, "A1", on, fill=2)
    for out, customer_id, why in (
        (duty, "C2", "backfill duty"),
        (chosen, "C4", "backfill (--fill 2)"),
    ):
        [new] = [a for a in out.scenario.appointments if a.backfill_for == "A1"]
        assert new.customer_id == customer_id
        [change] = [c for c in out.changes if c.action == "backfilled"]
        assert change.reason.startswith(f"{why} for A1: ")


def test_cancel_lists_the_candidates_by_the_number_fill_takes():
    on = MONDAY - dt.timedelta(days=6)
    lines = cancel(_cancel_case(), POLICY, "A1", on).lines()
    listed = lines[lines.index("candidates:") + 1 :][:2]
    assert [line.split(" (")[0] for line in listed] == ["  1. C2", "  2. C4"]
    [new] = [
        a
        for a in cancel(_cancel_case(), POLICY, "A1", on, fill=2).scenario.appointments
        if a.backfill_for == "A1"
    ]
    assert new.customer_id == "C4"


def test_new_rows_are_numbered_from_1_per_letter_and_day_first_number_free():
    """docs/format.md: B20261130-001 for the first backfill booked on 30 Nov, then -002."""
    s = _cancel_case()
    assert new_id(s, "B", dt.date(2026, 11, 30)) == "B20261130-001"
    taken = _with_rows(s, appt("B20261130-001", "C2", "S1", at(MONDAY, 9)))
    assert new_id(taken, "B", dt.date(2026, 11, 30)) == "B20261130-002"
    assert new_id(taken, "B", dt.date(2026, 11, 30), {"B20261130-002"}) == "B20261130-003"
    assert new_id(taken, "R", dt.date(2026, 11, 30)) == "R20261130-001"


def test_cancel_on_the_day_itself_is_too_late_even_by_phone():
    out = cancel(_cancel_case(), POLICY, "A1", MONDAY, fill=1)
    assert not any(a.backfill_for for a in out.scenario.appointments)
    assert not out.candidates and "even a short-notice invitation" in out.notes[0]


def test_first_interview_backfill_needs_a_60_minute_slot():
    """In a 45-min slot only follow-ups fit: C4 (first interview) is no candidate."""
    s = _cancel_case().model_copy(update={"slots": (slot(MONDAY, 8, length=45), slot(MONDAY, 9))})
    out = cancel(s, POLICY, "A1", MONDAY - dt.timedelta(days=7))
    assert "C4" not in [r.customer_id for r in out.candidates]
    out60 = cancel(_cancel_case(), POLICY, "A1", MONDAY - dt.timedelta(days=7))
    assert "C4" in [r.customer_id for r in out60.candidates]


def test_cancel_rejects_unknown_id_and_non_planned():
    with pytest.raises(DisruptionError):
        cancel(_cancel_case(), POLICY, "NOPE", TODAY)
    out = cancel(_cancel_case(), POLICY, "A1", TODAY)
    with pytest.raises(DisruptionError):
        cancel(out.scenario, POLICY, "A1", TODAY)


# --- absence: substitute, team, escalation ---------------------------------------------------


def _team(extra: list[Appointment] = (), video: dict[str, bool] | None = None) -> Scenario:
    """Team T1: S1 (substitute S2), S2, S3, S4. A1 of S1 on Tuesday 10:00."""
    video = video or {}
    sps = [
        specialist("S1", substitute_id="S2", video=video.get("S1", True)),
        specialist("S2", substitute_id="S1", video=video.get("S2", True)),
        specialist("S3", video=video.get("S3", True)),
        specialist("S4", video=video.get("S4", True)),
        specialist("S9", team="T2"),
    ]
    customers = [customer(f"C{i}", "S1") for i in range(1, 4)]
    customers += [customer(f"X{n}{sid}", sid) for sid in ("S2", "S3", "S4") for n in range(10)]
    slots = [s for sid in ("S1", "S2", "S3", "S4") for d in week() for s in day_slots(d, 8, sid)]
    return scenario(
        sps,
        customers,
        slots,
        appointments=[appt("A1", "C1", "S1", at(TUESDAY, 10)), *extra],
    )


def _busy(sid: str, *hours: int, day: dt.date = TUESDAY) -> list[Appointment]:
    """Older bookings of ``sid`` on ``day`` at the given full hours."""
    return [
        appt(f"{sid}-{h}", f"X{i}{sid}", sid, at(day, h), booked_on=dt.date(2026, 11, 1))
        for i, h in enumerate(hours)
    ]


def test_absence_substitute_free_takes_over():
    out = absence(_team(), POLICY, "S1", TUESDAY, TUESDAY)
    a = by_id(out.scenario)["A1"]
    assert (a.specialist_id, a.reassigned_from, a.start, a.status) == (
        "S2",
        "S1",
        at(TUESDAY, 10),
        Status.planned,
    )
    assert out.scenario.absences[-1] == Absence(
        specialist_id="S1", first_day=TUESDAY, last_day=TUESDAY
    )
    assert not out.escalations
    assert validate(out.scenario, POLICY).ok


def test_absence_substitute_busy_at_that_time_goes_to_the_less_loaded_team_member():
    """S2 has an appointment at 10:00; S3 has 3 that day, S4 one: S4 takes A1."""
    extra = [
        *_busy("S2", 10),
        *_busy("S3", 12, 13, 14),
        *_busy("S4", 15),
    ]
    out = absence(_team(extra), POLICY, "S1", TUESDAY, TUESDAY)
    assert by_id(out.scenario)["A1"].specialist_id == "S4"
    assert validate(out.scenario, POLICY).ok


def test_absence_substitute_at_daily_cap_goes_to_the_team():
    """S2 has 8 appointments on Tuesday but none at 10:00 (8-9, 11-17): at the cap."""
    extra = [*_busy("S2", 8, 9, 11, 12, 13, 14, 15, 16), *_busy("S3", 15)]
    out = absence(_team(extra), POLICY, "S1", TUESDAY, TUESDAY)
    assert by_id(out.scenario)["A1"].specialist_id == "S4"
    assert validate(out.scenario, POLICY).ok


def test_absence_substitute_slot_already_holding_an_appointment_is_not_free():
    """S2's slot 09:15-10:30 holds S2-a (09:15-10:00); A1 (10:00-10:45) would share it."""
    s = _team([appt("S2-a", "X0S2", "S2", at(TUESDAY, 9, 15), booked_on=dt.date(2026, 11, 1))])
    slots = [x for x in s.slots if not (x.specialist_id == "S2" and x.day == TUESDAY)]
    s = s.model_copy(update={"slots": (*slots, slot(TUESDAY, 9, 15, length=75, sid="S2"))})
    out = absence(s, POLICY, "S1", TUESDAY, TUESDAY)
    assert by_id(out.scenario)["A1"].specialist_id in ("S3", "S4")
    assert validate(out.scenario, POLICY).ok


def test_absence_whole_team_busy_goes_to_the_team_lead_and_nothing_is_cancelled():
    extra = [
        *_busy("S2", 10),
        *_busy("S3", 10),
        *_busy("S4", 10),
    ]
    out = absence(_team(extra), POLICY, "S1", TUESDAY, TUESDAY)
    a = by_id(out.scenario)["A1"]
    assert (a.specialist_id, a.status) == ("S1", Status.planned)
    [esc] = out.escalations
    assert esc.appointment_id == "A1" and "S2 busy" in esc.reason
    assert "escalations" in out.entry()
    # RULES.md step (3): an open task for the team lead until its day comes, not a violation
    report = validate(out.scenario, POLICY)
    assert report.ok
    assert [e["appointment"] for e in report.figures["escalations"]] == ["A1"]
    assert any(w.startswith("absence_escalated: A1 ") for w in report.warnings)


def test_absence_two_overlapping_appointments_cannot_both_go_to_the_substitute():
    """A1 and A2 overlap (10:00 and 10:30); the model gives one to S2, one to S3 or S4."""
    s = _team([appt("A2", "C2", "S1", at(TUESDAY, 10, 30))])
    out = absence(s, POLICY, "S1", TUESDAY, TUESDAY)
    rows = by_id(out.scenario)
    assert {rows["A1"].specialist_id, rows["A2"].specialist_id} & {"S2"}
    assert rows["A1"].specialist_id != rows["A2"].specialist_id
    assert validate(out.scenario, POLICY).ok


def test_absence_back_to_back_appointments_both_go_to_the_free_substitute():
    """A1 10:00-11:00 and A2 11:00-12:00 only touch: the substitute, free all day, takes
    both (RULES.md, Absence, step 1); a slot next to one is not shared with it."""
    s = _team([appt("A2", "C2", "S1", at(TUESDAY, 11), minutes=60)])
    rows = tuple(
        a.model_copy(update={"end": at(TUESDAY, 11)}) if a.appointment_id == "A1" else a
        for a in s.appointments
    )
    out = absence(s.model_copy(update={"appointments": rows}), POLICY, "S1", TUESDAY, TUESDAY)
    after = by_id(out.scenario)
    assert (after["A1"].specialist_id, after["A2"].specialist_id) == ("S2", "S2")
    assert validate(out.scenario, POLICY).ok


def test_absence_substitute_takes_an_appointment_that_ends_when_their_next_one_begins():
    """A1 10:00-11:00; S2 is booked at 11:00 in the next slot: S2 is free for A1."""
    s = _team(_busy("S2", 11))
    rows = tuple(
        a.model_copy(update={"end": at(TUESDAY, 11)}) if a.appointment_id == "A1" else a
        for a in s.appointments
    )
    out = absence(s.model_copy(update={"appointments": rows}), POLICY, "S1", TUESDAY, TUESDAY)
    assert by_id(out.scenario)["A1"].specialist_id == "S2"


def test_absence_video_appointment_moves_only_to_a_video_specialist():
    s = _team([], video={"S2": False, "S3": False, "S4": True})
    s = s.model_copy(
        update={
            "appointments": (appt("A1", "C1", "S1", at(TUESDAY, 10), mode=Mode.video),),
            "customers": tuple(
                c.model_copy(update={"mode": Mode.video}) if c.customer_id == "C1" else c
                for c in s.customers
            ),
        }
    )
    assert by_id(absence(s, POLICY, "S1", TUESDAY, TUESDAY).scenario)["A1"].specialist_id == "S4"
    s = s.model_copy(
        update={
            "specialists": tuple(
                sp.model_copy(update={"video": sp.specialist_id == "S1"}) for sp in s.specialists
            )
        }
    )
    out = absence(s, POLICY, "S1", TUESDAY, TUESDAY)
    assert out.escalations and "cannot hold video" in out.escalations[0].reason


def test_absence_rejects_bad_input():
    with pytest.raises(DisruptionError):
        absence(_team(), POLICY, "S7", TUESDAY, TUESDAY)
    with pytest.raises(DisruptionError):
        absence(_team(), POLICY, "S1", TUESDAY, MONDAY)


# --- no-show, standby -----------------------------------------------------------------------


def _noshow_case() -> Scenario:
    """C1 (video) misses a video appointment on Monday 12-07 10:00 with S1."""
    day17 = MONDAY + dt.timedelta(days=10)  # Thursday 12-17: the lead time's first day
    return scenario(
        [specialist("S1", substitute_id="S2"), specialist("S2")],
        [
            customer("C1", mode=Mode.video),
            customer("C2", "S1", "U25", under_25=True, last=dt.date(2026, 11, 1)),  # due 12-01
            customer("C3", last=dt.date(2026, 7, 1)),  # K1 due 11-01: overdue
            customer("C4", "S1", "K3", unemployed=False, last=dt.date(2026, 5, 1)),
            customer("C5", last=dt.date(2026, 6, 1)),  # booked that day
            customer("C6", last=dt.date(2026, 6, 1), unavailable=(_mon(),)),
            customer("C7", "S2", last=dt.date(2026, 5, 1)),  # team, most overdue
        ],
        [
            slot(MONDAY, 10, mode="video"),
            slot(MONDAY, 11),
            slot(MONDAY + dt.timedelta(days=7), 8),  # before the lead time
            slot(day17, 8, mode="video"),  # video only: not for an in-person re-invitation
            slot(day17, 9),
        ],
        appointments=[
            appt("A1", "C1", "S1", at(MONDAY, 10), mode=Mode.video),
            appt("A5", "C5", "S1", at(MONDAY, 11)),
        ],
    )


def _mon():
    from kontaktplan.domain import Unavailability

    return Unavailability(weekday=0)


def test_standby_list_ranks_own_unemployed_customers_by_urgency_then_the_team():
    lists = standby(_noshow_case(), POLICY, MONDAY)
    assert [r.customer_id for r in lists["S1"]] == ["C3", "C2", "C7"]


def test_noshow_of_a_video_appointment_books_a_standby_call_and_reinvites_in_person():
    out = noshow(_noshow_case(), POLICY, "A1")
    rows = by_id(out.scenario)
    assert rows["A1"].status is Status.no_show
    [call] = [a for a in out.scenario.appointments if a.kind is Kind.phone_consultation]
    assert (call.customer_id, call.mode, call.start, call.booked_on, call.specialist_id) == (
        "C3",
        Mode.phone,
        at(MONDAY, 10),
        MONDAY,
        "S1",
    )
    [again] = [a for a in out.scenario.appointments if a.appointment_id.startswith("R")]
    assert again.customer_id == "C1" and again.mode is Mode.in_person
    assert again.day - MONDAY >= dt.timedelta(days=POLICY.booking.lead_days)
    assert again.start == at(MONDAY + dt.timedelta(days=10), 9)  # not the video-only slot
    assert out.scenario.today == MONDAY
    assert validate(out.scenario, POLICY).ok


def _with_rows(s: Scenario, *rows: Appointment) -> Scenario:
    return s.model_copy(update={"appointments": (*s.appointments, *rows)})


def test_standby_leaves_out_customers_with_any_row_that_day():
    """C3 cancelled an appointment that Monday, C2 missed one: neither is called."""
    s = _with_rows(
        _noshow_case(),
        appt("X3", "C3", "S1", at(MONDAY, 8), status=Status.cancelled, cancelled_on=TODAY),
    )
    assert [r.customer_id for r in standby(s, POLICY, MONDAY)["S1"]] == ["C2", "C7"]
    s = _with_rows(s, appt("X2", "C2", "S1", at(MONDAY, 9), status=Status.no_show))
    assert [r.customer_id for r in standby(s, POLICY, MONDAY)["S1"]] == ["C7"]
    out = noshow(s, POLICY, "A1")
    [call] = [a for a in out.scenario.appointments if a.kind is Kind.phone_consultation]
    assert call.customer_id == "C7"
    assert [r.customer_id for r in out.candidates] == ["C7"]
    assert not against(out.scenario, s)


def test_standby_leaves_out_a_voided_row_that_day_and_a_row_on_another_day_counts_not():
    s = _with_rows(
        _noshow_case(),
        appt("X3", "C3", "S1", at(MONDAY, 8), status=Status.voided),
        appt("Y2", "C2", "S1", at(TUESDAY, 8), status=Status.cancelled, cancelled_on=TODAY),
    )
    assert [r.customer_id for r in standby(s, POLICY, MONDAY)["S1"]] == ["C2", "C7"]


DAY17 = MONDAY + dt.timedelta(days=10)  # the lead time's first day after the no-show


def _noshow_with_future(start: dt.datetime, mode: Mode) -> Scenario:
    """The no-show case where C1 already has a later booking V1 (booked before)."""
    return _with_rows(_noshow_case(), appt("V1", "C1", "S1", start, mode=mode))


def _reinvitation(out) -> Appointment:
    [again] = [a for a in out.scenario.appointments if a.appointment_id.startswith("R")]
    return again


def test_noshow_future_video_booking_in_an_any_slot_becomes_in_person_at_the_same_time():
    s = _noshow_with_future(at(DAY17, 9), Mode.video)
    out = noshow(s, POLICY, "A1")
    rows = by_id(out.scenario)
    assert rows["V1"].status is Status.voided
    again = _reinvitation(out)
    assert (again.customer_id, again.mode, again.start, again.booked_on) == (
        "C1",
        Mode.in_person,
        at(DAY17, 9),
        MONDAY,
    )
    assert [c.action for c in out.changes] == [
        "no_show",
        "phone_consultation",
        "voided",
        "reinvited",
    ]
    assert "at the same time" in out.changes[-1].reason
    assert not against(out.scenario, s)


def test_noshow_future_video_booking_on_a_later_day_keeps_its_day_and_time():
    """The customer keeps the day: the in-person re-invitation takes V1's time on Friday
    (V1 fills its slot), not the earliest slot on Thursday."""
    friday = DAY17 + dt.timedelta(days=1)
    s = _noshow_with_future(at(friday, 9), Mode.video)
    s = s.model_copy(update={"slots": (*s.slots, slot(friday, 9))})
    rows = tuple(
        a.model_copy(update={"end": at(friday, 10)}) if a.appointment_id == "V1" else a
        for a in s.appointments
    )
    out = noshow(s.model_copy(update={"appointments": rows}), POLICY, "A1")
    again = _reinvitation(out)
    assert (again.mode, again.start) == (Mode.in_person, at(friday, 9))
    assert "at the same time" in out.changes[-1].reason


def test_noshow_future_video_booking_in_a_video_only_slot_is_replaced_at_the_earliest_slot():
    s = _noshow_with_future(at(DAY17, 8), Mode.video)
    out = noshow(s, POLICY, "A1")
    assert by_id(out.scenario)["V1"].status is Status.voided
    again = _reinvitation(out)
    assert (again.mode, again.start) == (Mode.in_person, at(DAY17, 9))
    assert "at the earliest slot" in out.changes[-1].reason
    assert not against(out.scenario, s)


def test_noshow_future_video_booking_inside_the_lead_time_is_replaced_after_it():
    """V1 is 7 days after the no-show: an in-person invitation needs the 10-day lead."""
    s = _noshow_with_future(at(MONDAY + dt.timedelta(days=7), 8), Mode.video)
    out = noshow(s, POLICY, "A1")
    assert by_id(out.scenario)["V1"].status is Status.voided
    assert _reinvitation(out).start == at(DAY17, 9)
    assert not against(out.scenario, s)


def test_noshow_future_video_booking_stays_when_no_in_person_slot_is_left():
    s = _noshow_with_future(at(DAY17, 8), Mode.video)
    s = s.model_copy(update={"slots": tuple(x for x in s.slots if x.start != at(DAY17, 9))})
    out = noshow(s, POLICY, "A1")
    assert by_id(out.scenario)["V1"].status is Status.planned
    assert not [a for a in out.scenario.appointments if a.appointment_id.startswith("R")]
    [esc] = out.escalations
    assert esc.action == "not_reinvited" and "V1 (video) stays" in esc.reason
    assert not against(out.scenario, s)


def test_noshow_future_video_booking_in_an_absence_is_not_voided():
    s = _noshow_with_future(at(DAY17, 9), Mode.video)
    s = s.model_copy(
        update={"absences": (Absence(specialist_id="S1", first_day=DAY17, last_day=DAY17),)}
    )
    out = noshow(s, POLICY, "A1")
    assert by_id(out.scenario)["V1"].status is Status.planned
    assert [e.action for e in out.escalations] == ["not_reinvited"]
    assert "absence" in out.escalations[0].reason
    # V1 was already planned in an absence (escalated earlier, an open task): nothing broken
    assert against(out.scenario, s) == set()


def test_noshow_future_in_person_booking_counts_as_the_reinvitation():
    s = _noshow_with_future(at(DAY17, 9), Mode.in_person)
    out = noshow(s, POLICY, "A1")
    assert by_id(out.scenario)["V1"] == by_id(s)["V1"]
    assert not [a for a in out.scenario.appointments if a.appointment_id.startswith("R")]
    assert any("V1 in person" in n and "counts as the re-invitation" in n for n in out.notes)
    assert "counts as the re-invitation" in "\n".join(out.lines())
    assert not against(out.scenario, s)


# --- status ---------------------------------------------------------------------------------


def test_status_held_moves_the_due_date():
    s = _cancel_case()
    assert due_dates(s, POLICY)["C1"].due == dt.date(2026, 12, 1)
    out = set_status(s, POLICY, "A1", Status.held)
    assert by_id(out.scenario)["A1"].status is Status.held
    assert due_dates(out.scenario, POLICY)["C1"].due == dt.date(2027, 4, 7)
    assert out.figures == {"due_before": "2026-12-01", "due_after": "2027-04-07"}


def test_status_on_a_later_day_leaves_earlier_planned_ones_to_missing_status():
    s = _cancel_case()
    s = s.model_copy(
        update={"appointments": (*s.appointments, appt("A2", "C2", "S1", at(TUESDAY, 8)))}
    )
    out = set_status(s, POLICY, "A2", Status.held)
    report = validate(out.scenario, POLICY)
    assert any(w.startswith("missing_status") and "A1" in w for w in report.warnings)


@pytest.mark.parametrize("first", [Status.held, Status.not_held, Status.no_show, Status.voided])
@pytest.mark.parametrize("second", [Status.held, Status.no_show, Status.voided])
def test_status_is_set_once_a_second_outcome_is_refused(first, second):
    s = _cancel_case()
    out = set_status(s, POLICY, "A1", first)
    assert not against(out.scenario, s)
    with pytest.raises(DisruptionError, match=f"already has the outcome {first.value}"):
        set_status(out.scenario, POLICY, "A1", second)


def test_status_of_a_cancelled_appointment_is_refused():
    out = cancel(_cancel_case(), POLICY, "A1", TODAY)
    with pytest.raises(DisruptionError, match="cancelled by the customer on 2026-11-23"):
        set_status(out.scenario, POLICY, "A1", Status.held)


def test_status_voided_is_refused_for_an_absent_specialist_other_outcomes_are_not():
    """RULES.md: an absence never cancels; an escalated appointment may still be held."""
    full = _team([*_busy("S2", 10), *_busy("S3", 10), *_busy("S4", 10)])
    s = absence(full, POLICY, "S1", TUESDAY, TUESDAY).scenario
    with pytest.raises(DisruptionError, match="S1 is absent on 2026-12-08"):
        set_status(s, POLICY, "A1", Status.voided)
    out = set_status(s, POLICY, "A1", Status.held)
    assert not against(out.scenario, s)


# --- replan ---------------------------------------------------------------------------------


def test_replan_moves_a_booking_whose_slot_is_gone_and_keeps_the_rest():
    s = _team([appt("A2", "C2", "S1", at(MONDAY, 9))])
    s = s.model_copy(
        update={
            "slots": tuple(
                x for x in s.slots if x.start != at(TUESDAY, 10) or x.specialist_id != "S1"
            )
        }
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    rows = by_id(out.scenario)
    assert rows["A1"].status is Status.voided and rows["A2"].status is Status.planned
    [moved] = [a for a in out.scenario.appointments if a.appointment_id.startswith("M")]
    assert moved.customer_id == "C1" and moved.status is Status.planned
    assert out.figures["moved"] == 1
    assert set(by_id(s)) <= set(rows)
    assert validate(out.scenario, POLICY).ok


def test_replan_reassigns_bookings_of_a_new_absence_at_the_same_time():
    s = _team()
    s = s.model_copy(
        update={"absences": (Absence(specialist_id="S1", first_day=TUESDAY, last_day=TUESDAY),)}
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    a = by_id(out.scenario)["A1"]
    assert (a.specialist_id, a.start, a.reassigned_from) == ("S2", at(TUESDAY, 10), "S1")
    assert out.figures["reassigned"] == 1
    assert validate(out.scenario, POLICY).ok


def test_replan_hands_over_a_booking_of_today_whose_specialist_is_absent_today():
    """Bookings from today on are checked: A1 is today, Tuesday, and S1 is absent."""
    s = _team()
    s = s.model_copy(
        update={
            "meta": s.meta.model_copy(update={"today": TUESDAY}),
            "absences": (Absence(specialist_id="S1", first_day=TUESDAY, last_day=TUESDAY),),
        }
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    a = by_id(out.scenario)["A1"]
    assert (a.specialist_id, a.start, a.reassigned_from) == ("S2", at(TUESDAY, 10), "S1")


def test_replan_after_an_absence_with_the_whole_team_full_escalates_and_changes_nothing():
    """RULES.md: an absent specialist's appointment is never cancelled; nobody is free at
    10:00, so A1 stays as it is (planned, with S1) and is on the team lead's list."""
    full = _team([*_busy("S2", 10), *_busy("S3", 10), *_busy("S4", 10)])
    after_absence = absence(full, POLICY, "S1", TUESDAY, TUESDAY).scenario
    out, _ = replan(after_absence, POLICY, weeks=1, time_limit=2, workers=1)
    rows = by_id(out.scenario)
    assert rows["A1"] == by_id(after_absence)["A1"]
    assert not [c for c in out.changes if c.appointment_id == "A1"]
    assert not [a for a in out.scenario.appointments if a.appointment_id.startswith("M")]
    [esc] = out.escalations
    assert (esc.action, esc.appointment_id) == ("escalated", "A1")
    assert "S2 busy" in esc.reason
    assert (out.figures["escalated"], out.figures["moved"], out.figures["reassigned"]) == (1, 0, 0)
    # only the escalation itself is left (RULES.md step 3, an open task), nothing broken
    assert against(out.scenario, after_absence) == set()
    assert against(out.scenario, full) == set()


def test_an_escalation_is_printed_with_its_ranked_proposals_or_left_to_the_team_lead():
    """README: what nobody can take is an open task with up to proposals_listed (5) ranked
    proposals and the resolve command that applies one; without any, the team lead decides."""
    full = _team([*_busy("S2", 10), *_busy("S3", 10), *_busy("S4", 10)])
    lines = absence(full, POLICY, "S1", TUESDAY, TUESDAY).lines()
    first = lines.index("for the team lead (1):") + 2
    assert [line[:8] for line in lines[first : first + 5]] == [f"    {i}. S" for i in range(1, 6)]
    assert lines[first + 5] == "    apply one: kontaktplan resolve DIR A1 --choice N --out OUT"
    xmas = dt.date(2026, 12, 25)
    closed = _team([appt("A9", "C2", "S1", at(xmas, 10), booked_on=dt.date(2026, 11, 1))])
    lines = absence(closed, POLICY, "S1", xmas, xmas).lines()
    assert "    no free time close to it keeps the deadline: the team lead decides" in lines
    assert not any("apply one" in line for line in lines)


def test_replan_absence_on_a_closed_day_is_escalated_not_voided():
    """A booking on a public holiday (25 Dec) whose specialist is absent: nobody can take
    it at that time, and an absence never voids, so the team lead gets it."""
    xmas = dt.date(2026, 12, 25)
    s = _team([appt("A9", "C2", "S1", at(xmas, 10), booked_on=dt.date(2026, 11, 1))])
    s = s.model_copy(
        update={"absences": (Absence(specialist_id="S1", first_day=xmas, last_day=xmas),)}
    )
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    assert by_id(out.scenario)["A9"] == by_id(s)["A9"]
    assert [(e.action, e.appointment_id) for e in out.escalations] == [("escalated", "A9")]
    assert "is closed" in out.escalations[0].reason
    # what was broken before stays broken (the team lead decides), nothing new
    assert against(out.scenario, s) == against(s, s) == {("closed_day", "A9")}


def test_replan_still_moves_a_booking_on_a_closed_day_without_an_absence():
    xmas = dt.date(2026, 12, 25)
    s = _team([appt("A9", "C2", "S1", at(xmas, 10), booked_on=dt.date(2026, 11, 1))])
    out, _ = replan(s, POLICY, weeks=1, time_limit=2, workers=1)
    assert by_id(out.scenario)["A9"].status is Status.voided
    assert [a.customer_id for a in out.scenario.appointments if a.appointment_id[0] == "M"] == [
        "C2"
    ]
    assert not against(out.scenario, s)


# --- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "plan"
    write_scenario(_cancel_case(), f, extra={"plan.json": json.dumps({"solver": "cpsat"})})
    return f


def test_cli_cancel_writes_the_folder_and_appends_to_plan_json(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    r = CliRunner().invoke(
        app, ["cancel", str(folder), "A1", "--on", "2026-11-30", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "backfilled" in r.output and "overdue since" in r.output
    data = json.loads((out / "plan.json").read_text())
    assert data["solver"] == "cpsat"
    [entry] = data["disruptions"]
    assert entry["command"] == "cancel" and entry["date"] == "2026-11-30"
    assert [c["action"] for c in entry["changes"]] == ["cancelled", "backfilled"]
    assert len(entry["candidates"]) <= 5
    loaded = read_scenario(out)
    assert validate(loaded.scenario, loaded.policy).ok


def test_cli_command_carries_a_relative_policy_file_along(folder: Path, tmp_path: Path):
    # scenario.toml may name a policy file beside it; the written folder must read back
    rules = policy_file_beside(folder, "office.toml")
    out = tmp_path / "out"
    r = CliRunner().invoke(
        app, ["status", str(folder), "A1", "held", "--on", "2026-12-07", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert (out / "office.toml").read_text(encoding="utf-8") == rules
    assert by_id(read_scenario(out).scenario)["A1"].status is Status.held


def test_cli_out_may_be_the_input_folder(folder: Path):
    r = CliRunner().invoke(
        app, ["status", str(folder), "A1", "held", "--on", "2026-12-07", "--out", str(folder)]
    )
    assert r.exit_code == 0, r.output
    assert by_id(read_scenario(folder).scenario)["A1"].status is Status.held
    r = CliRunner().invoke(app, ["standby", str(folder), "--day", "2026-12-07", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["day"] == "2026-12-07"


@pytest.mark.parametrize(
    ("args", "action"),
    [
        (["absence", "{f}", "S1", "--from", "2026-12-08", "--to", "2026-12-08"], "reassigned"),
        (["noshow", "{f}", "A1", "--on", "2026-12-08"], "phone_consultation"),
        (["replan", "{f}", "--workers", "1", "--time-limit", "1"], None),
    ],
)
def test_cli_commands_write_a_valid_folder(tmp_path: Path, args, action):
    f, out = tmp_path / "in", tmp_path / "out"
    write_scenario(_team(), f)
    cmd = [a.format(f=f) for a in args] + ["--out", str(out)]
    r = CliRunner().invoke(app, cmd)
    assert r.exit_code == 0, r.output
    [entry] = json.loads((out / "plan.json").read_text())["disruptions"]
    assert entry["command"] == args[0] and "seconds" in entry["figures"]
    if action:
        assert action in [c["action"] for c in entry["changes"]]
    loaded = read_scenario(out)
    assert validate(loaded.scenario, loaded.policy).ok


@pytest.mark.parametrize(
    "args",
    [
        ["cancel", "{f}", "NOPE", "--out", "{o}"],
        ["cancel", "{f}", "A1", "--on", "2026-13-01", "--out", "{o}"],
        ["cancel", "{f}", "A1", "--on", "2026-12-08", "--out", "{o}"],  # after the appointment
        ["noshow", "{f}", "NOPE", "--out", "{o}"],
        ["status", "{f}", "A1", "done", "--out", "{o}"],
        ["status", "{f}", "NOPE", "held", "--out", "{o}"],
        ["absence", "{f}", "S9", "--from", "2026-12-07", "--to", "2026-12-08", "--out", "{o}"],
        ["absence", "{f}", "S1", "--from", "2026-12-07", "--to", "7.12.", "--out", "{o}"],
        ["standby", "{f}", "--day", "tomorrow"],
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(folder: Path, tmp_path: Path, args):
    out = tmp_path / "out"
    r = CliRunner().invoke(app, [a.format(f=folder, o=out) for a in args])
    assert r.exit_code == 2, r.output
    assert not out.exists()


def test_cli_status_a_second_outcome_exits_2_and_writes_nothing(folder: Path, tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    r = CliRunner().invoke(
        app, ["status", str(folder), "A1", "no_show", "--on", "2026-12-07", "--out", str(first)]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        app, ["status", str(first), "A1", "held", "--on", "2026-12-07", "--out", str(second)]
    )
    assert r.exit_code == 2
    assert "A1 already has the outcome no_show" in r.output
    assert not second.exists()
    # also not over the input folder itself
    r = CliRunner().invoke(
        app, ["status", str(first), "A1", "held", "--on", "2026-12-07", "--out", str(first)]
    )
    assert r.exit_code == 2
    assert by_id(read_scenario(first).scenario)["A1"].status is Status.no_show
    r = CliRunner().invoke(app, ["validate", str(first), "--against", str(folder), "-q"])
    assert r.exit_code == 0, r.output


# --- property: random disruption sequences keep a valid folder ------------------------------


@cache
def _planned_office() -> Scenario:
    """Three specialists of one team, 2 weeks of slots, 90 customers, planned by CP-SAT."""
    from kontaktplan.planning import plan

    sps = [
        specialist("S1", substitute_id="S2"),
        specialist("S2", substitute_id="S3", video=False),
        specialist("S3", substitute_id="S1", fte=0.5),
    ]
    customers = []
    for i in range(90):
        sid = f"S{i % 3 + 1}"
        last = None if i % 11 == 0 else dt.date(2026, 6 + i % 6, 1 + i % 27)
        customers.append(
            customer(
                f"C{i:02d}",
                sid,
                "U25" if i % 5 == 0 else "K1",
                under_25=i % 5 == 0,
                last=last,
                mode=Mode.video if i % 4 == 0 else None,
            )
        )
    slots = []
    for d in week() + week(MONDAY + dt.timedelta(days=7)):
        for sid in ("S1", "S2", "S3"):
            slots += day_slots(d, 4 if sid == "S3" else 6, sid)
    base = scenario(sps, customers, slots)
    return plan(base, POLICY, weeks=2, time_limit=2, workers=1).planned_scenario()


STEP = st.one_of(
    st.tuples(st.just("cancel"), st.integers(0, 99), st.integers(0, 14), st.booleans()),
    st.tuples(st.just("absence"), st.integers(1, 3), st.integers(0, 13), st.integers(0, 6)),
    st.tuples(st.just("noshow"), st.integers(0, 99), st.just(0), st.just(False)),
    st.tuples(st.just("status"), st.integers(0, 999), st.integers(0, 3), st.just(False)),
    st.tuples(st.just("replan"), st.just(0), st.just(0), st.just(False)),
)
OUTCOMES = (Status.held, Status.not_held, Status.no_show, Status.voided)


def _apply(s: Scenario, step: tuple) -> tuple[Scenario, set[str]]:
    """One step; returns the scenario and the appointment ids escalated to the team lead."""
    kind, a, b, *rest = step
    future = sorted(
        (x for x in s.appointments if x.status is Status.planned and x.day >= s.today),
        key=lambda x: x.appointment_id,
    )
    if kind == "absence":
        first = MONDAY + dt.timedelta(days=b)
        out = absence(s, POLICY, f"S{a}", first, first + dt.timedelta(days=rest[0]), time_limit=2)
        return out.scenario, {c.appointment_id for c in out.escalations}
    if kind == "replan":
        out, _ = replan(s, POLICY, weeks=1, solver="greedy", time_limit=2, workers=1)
        return out.scenario, {c.appointment_id for c in out.escalations}
    if kind == "status":  # any row: an outcome is set once, on a planned row only
        rows = sorted(s.appointments, key=lambda x: x.appointment_id)
        target, outcome = rows[a % len(rows)], OUTCOMES[b]
        absent = OfficeCalendar(s, POLICY).is_absent(target.specialist_id, target.day)
        if target.status is not Status.planned or (outcome is Status.voided and absent):
            with pytest.raises(DisruptionError):
                set_status(s, POLICY, target.appointment_id, outcome)
            return s, set()
        out = set_status(s, POLICY, target.appointment_id, outcome)
        return out.scenario, {c.appointment_id for c in out.escalations}
    if not future:
        return s, set()
    target = future[a % len(future)]
    if kind == "noshow":
        out = noshow(s, POLICY, target.appointment_id)
        return out.scenario, {c.appointment_id for c in out.escalations}
    on = min(target.day, s.today + dt.timedelta(days=b))
    return cancel(s, POLICY, target.appointment_id, on, fill=rest[0]).scenario, set()


def _only_escalations(report, escalated: set[str], s: Scenario) -> None:
    """Only what was handed to the team lead may break a rule: an appointment left in an
    absence (RULES.md, step 3), and a re-invitation in person after a no-show that no
    free slot could hold (``not_reinvited``: the customer's booking by video or phone
    stays, for the team lead)."""
    by_id = s.appointment_index.by_id
    not_reinvited = {by_id[i].customer_id for i in escalated if i in by_id}
    for v in report.violations:
        if v.rule == "reinvite_in_person":
            assert v.customer_id in not_reinvited, v
        else:
            assert v.rule == "absence" and v.appointment_id in escalated, v


def test_planned_office_validates():
    assert validate(_planned_office(), POLICY).ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=3, max_size=6))
# found by this test: S3's absence left appointments after their customers' deadlines with
# the team lead, and the replan's plan booked those customers again (two on one day), or,
# once it booked them earlier, voided the team lead's appointment in the absence
@example([("cancel", 0, 0, False), ("absence", 3, 0, 4), ("replan", 0, 0, False)])
# C20 misses the standby call T20261216-001; no in-person slot from 12-26 on is left in
# this office, so the backfill by video she has stays and the team lead gets it
@example(
    [("status", 0, 0, False), ("noshow", 81, 0, False), ("status", 983, 0, False),
     ("cancel", 89, 0, True), ("noshow", 56, 0, False)]
)  # fmt: skip
def test_random_disruptions_keep_every_row_and_a_valid_folder(steps):
    """Every step's folder keeps the rules on its own and against the folder it was made
    from (``previous=``: no row lost, reassignment keeps time, an absence never cancels,
    history unchanged); the last folder also after writing and reading it back. (Not the
    last against the first: a row voided before a later absence looks "cancelled by the
    absence" to a check over several steps.)"""
    s = start = _planned_office()
    escalated: set[str] = set()
    for step in steps:
        previous = s
        s, esc = _apply(s, step)
        escalated |= esc
        _only_escalations(validate(s, POLICY, previous=previous), escalated, s)
    with tempfile.TemporaryDirectory() as tmp:
        write_scenario(s, Path(tmp) / "out")
        loaded = read_scenario(Path(tmp) / "out")
    assert {a.appointment_id for a in start.appointments} <= {
        a.appointment_id for a in loaded.scenario.appointments
    }
    _only_escalations(validate(loaded.scenario, POLICY), escalated, loaded.scenario)
