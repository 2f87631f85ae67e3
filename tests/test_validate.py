"""The independent validator: one pair of hand-worked cases per rule (broken / kept).

The base office (today Monday 2026-11-23, lead 10 days, first plannable Monday
2026-12-07): S1 (full time, video) and S2 (full time, no video, absent 8-9 Dec),
both in team T1; customers C1..C9 (K1, last contact 2026-08-01), CF (no contact
yet), CV (prefers video), CU (unavailable Wed-AM), CX (case management), CY (U25,
last contact 2026-11-20). Free slots are listed in ``SLOTS``. Without appointments
the office breaks no rule, so each case adds one or two bookings and names the one
rule it breaks, or none.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from builders import appointment
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
    parse_unavailable,
)
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.rules.policy import load_policy
from kontaktplan.validation import (
    ABSENCE,
    CLOSED_DAY,
    CUSTOMER_UNAVAILABLE,
    DAILY_CAP,
    FIRST_INTERVIEW_KIND,
    GROUP_SESSION_LIMIT,
    HARD_RULES,
    LEAD_TIME,
    MIN_GAP,
    MISSING_STATUS,
    MODE,
    NEW_BOOKING_IN_ABSENCE,
    ONE_FUTURE_BOOKING,
    ONE_PER_DAY,
    SLOT_FITS,
    SLOT_OWNED,
    SLOT_SINGLE,
    Report,
    validate,
)

TINY = Path(__file__).parent / "data" / "tiny"
TODAY = dt.date(2026, 11, 23)
POLICY = load_policy("heilbronn-2025")
D = dt.date

# (specialist, day, hour, minutes, mode)
SLOTS = [
    *[("S1", D(2026, 12, 7), h, 60, "any") for h in range(8, 17)],  # nine on Monday
    ("S1", D(2026, 12, 8), 8, 60, "any"),  # Tue: Mariä Empfängnis, no holiday in BW
    ("S1", D(2026, 12, 9), 9, 60, "any"),  # Wed morning
    ("S1", D(2026, 12, 9), 14, 60, "any"),  # Wed afternoon
    ("S1", D(2026, 12, 10), 8, 60, "video"),
    ("S1", D(2026, 12, 10), 9, 60, "in_person"),
    ("S1", D(2026, 12, 2), 8, 60, "any"),  # 9 days after today
    ("S1", D(2026, 12, 3), 8, 60, "any"),  # 10 days after today
    ("S1", D(2026, 12, 4), 8, 60, "any"),
    ("S1", D(2026, 12, 5), 8, 60, "any"),  # a Saturday
    ("S1", D(2026, 12, 18), 8, 60, "any"),
    ("S1", D(2026, 12, 21), 8, 60, "any"),
    ("S1", D(2026, 12, 22), 8, 60, "any"),
    ("S1", D(2026, 12, 24), 8, 60, "any"),  # Christmas Eve: a working day in BW
    ("S1", D(2026, 12, 25), 8, 60, "any"),  # Christmas Day
    ("S1", D(2027, 1, 4), 8, 60, "any"),  # the last free slot
    ("S2", D(2026, 12, 7), 8, 60, "any"),
    ("S2", D(2026, 12, 8), 10, 60, "any"),  # inside S2's absence
    ("S2", D(2026, 12, 10), 8, 60, "any"),
]


def customer(cid: str, **kw) -> Customer:
    data = {
        "customer_id": cid,
        "specialist_id": "S1",
        "category": "K1",
        "unemployed": True,
        "under_25": False,
        "last_contact": D(2026, 8, 1),
    } | kw
    return Customer(**data)


def base_customers() -> list[Customer]:
    return [
        *[customer(f"C{i}") for i in range(1, 10)],
        customer("CF", last_contact=None),
        customer("CV", mode=Mode.video),
        customer("CU", unavailable=parse_unavailable("Wed-AM")),
        customer(
            "CX",
            category="K3",
            unemployed=False,
            exempt=Exempt.case_management,
            last_contact=D(2026, 1, 1),
        ),
        customer("CY", category="U25", under_25=True, last_contact=D(2026, 11, 20)),
    ]


def office(
    *appointments: Appointment,
    customers: list[Customer] | None = None,
) -> Scenario:
    """The base office with ``appointments`` (a fresh Scenario, so no stale caches)."""
    slots = []
    for sid, day, hour, minutes, mode in SLOTS:
        start = dt.datetime.combine(day, dt.time(hour))
        end = start + dt.timedelta(minutes=minutes)
        slots.append(Slot(specialist_id=sid, start=start, end=end, mode=SlotMode(mode)))
    return Scenario(
        meta=ScenarioMeta(name="validate", today=TODAY),
        specialists=(
            Specialist(specialist_id="S1", team="T1", fte=1, substitute_id="S2", video=True),
            Specialist(specialist_id="S2", team="T1", fte=1, video=False),
        ),
        customers=tuple(customers or base_customers()),
        slots=tuple(slots),
        absences=(Absence(specialist_id="S2", first_day=D(2026, 12, 8), last_day=D(2026, 12, 9)),),
        appointments=appointments,
    )


book = appointment  # an appointment; by default a new 45-minute in-person follow-up today


def check(*appointments: Appointment, **kw) -> Report:
    return validate(office(*appointments, **kw), POLICY)


def rules(report: Report) -> set[str]:
    return {v.rule for v in report.violations}


MON = D(2026, 12, 7)


def test_base_office_keeps_every_rule():
    report = check()
    assert report.ok
    assert report.violations == []
    assert report.warnings == []


def test_rule_names_are_the_documented_ones():
    assert HARD_RULES == (
        "slot_owned",
        "slot_single",
        "slot_fits",
        "daily_cap",
        "lead_time",
        "closed_day",
        "absence",
        "customer_unavailable",
        "one_per_day",
        "min_gap",
        "one_future_booking",
        "mode",
        "first_interview_kind",
        "group_session_limit",
        # disruption handling (tests/test_validate_disruption.py)
        "reinvite_in_person",
        "backfill_slot",
        "standby_call",
        "escalation_replaced",
        "no_row_lost",
        "reassignment_keeps_time",
        "absence_never_cancels",
        "history_unchanged",
        "new_booking_in_absence",
    )


# --- slot_owned -------------------------------------------------------------------


def test_slot_owned_booking_outside_any_slot():
    report = check(book("C1", MON, 17))  # Monday's last slot ends at 17:00
    assert rules(report) == {SLOT_OWNED}
    v = report.violations[0]
    assert (v.customer_id, v.specialist_id, v.day) == ("C1", "S1", MON)


def test_slot_owned_booking_in_another_specialists_slot():
    report = check(book("C1", D(2026, 12, 10), 9, sid="S2"))  # 9:00 Thu is S1's slot
    assert rules(report) == {SLOT_OWNED}
    assert "slot of S1" in report.violations[0].message


def test_slot_owned_booking_in_own_slot():
    assert check(book("C1", MON, 8)).violations == []


def test_slot_owned_older_booking_needs_no_free_slot():
    # booked by hand before today: its time is no longer a free slot in the export
    assert check(book("C1", MON, 17, booked_on=D(2026, 11, 2))).violations == []


# --- slot_single ------------------------------------------------------------------


def test_slot_single_two_bookings_overlap():
    report = check(book("C1", MON, 8), book("C2", MON, 8, 10))
    assert rules(report) == {SLOT_SINGLE}
    assert len(report.violations) == 1


def test_slot_single_two_bookings_in_one_slot_without_overlap():
    # 8:00-8:25 and 8:30-8:55 in the 8:00-9:00 slot: two appointments in one slot
    a = book("C1", MON, 8, minutes=25, kind=Kind.phone_consultation, mode=Mode.phone)
    b = book("C2", MON, 8, 30, minutes=25, kind=Kind.phone_consultation, mode=Mode.phone)
    assert rules(check(a, b)) == {SLOT_SINGLE}


def test_slot_single_overlap_with_an_older_planned_booking():
    old = book("C1", MON, 8, 15, booked_on=D(2026, 11, 2))
    assert rules(check(old, book("C2", MON, 8))) == {SLOT_SINGLE}


def test_slot_single_overlap_outside_every_slot():
    # Wednesday 11:00 lies between S1's slots: the new booking is outside a slot and
    # overlaps the older one there, and the validator says both
    old = book("C1", D(2026, 12, 9), 11, booked_on=D(2026, 11, 2))
    assert rules(check(old, book("C2", D(2026, 12, 9), 11, 30))) == {SLOT_OWNED, SLOT_SINGLE}
    assert rules(check(old, book("C2", D(2026, 12, 9), 12))) == {SLOT_OWNED}


def test_slot_owned_a_booking_next_to_a_slot_is_outside_it():
    # Wednesday's slots are 9-10 and 14-15: 10:00 and 13:15 only touch them
    for hour, minute in ((10, 0), (13, 15)):
        assert rules(check(book("C1", D(2026, 12, 9), hour, minute))) == {SLOT_OWNED}


def test_slot_single_neighbouring_slots():
    assert check(book("C1", MON, 8), book("C2", MON, 9)).violations == []


def test_slot_single_cancelled_booking_frees_the_slot():
    old = book("C1", MON, 8, booked_on=D(2026, 11, 2), status=Status.cancelled)
    assert check(old, book("C2", MON, 8)).violations == []


# --- slot_fits --------------------------------------------------------------------


def test_slot_fits_booking_sticks_out_of_its_slot():
    report = check(book("C1", MON, 8, 30))  # 8:30-9:15 across the slots 8-9 and 9-10
    assert rules(report) == {SLOT_FITS}
    assert "does not fit" in report.violations[0].message


def test_slot_fits_first_interview_shorter_than_60_minutes():
    report = check(book("CF", MON, 8, kind=Kind.first_interview, minutes=45))
    assert rules(report) == {SLOT_FITS}
    assert "needs 60" in report.violations[0].message


def test_slot_fits_first_interview_of_60_minutes():
    assert check(book("CF", MON, 8, kind=Kind.first_interview, minutes=60)).violations == []


def test_slot_fits_follow_up_of_44_minutes_is_too_short():
    assert rules(check(book("C1", MON, 8, minutes=44))) == {SLOT_FITS}


# --- daily_cap --------------------------------------------------------------------


def test_daily_cap_eight_on_a_day():
    bookings = [book(f"C{i}", MON, 7 + i) for i in range(1, 9)]
    assert check(*bookings).violations == []


def test_daily_cap_nine_on_a_day():
    bookings = [book(f"C{i}", MON, 7 + i) for i in range(1, 10)]
    report = check(*bookings)
    assert rules(report) == {DAILY_CAP}
    assert len(report.violations) == 1
    assert "9 appointments" in report.violations[0].message


def test_daily_cap_does_not_count_standby_phone_consultations():
    bookings = [book(f"C{i}", MON, 7 + i) for i in range(1, 9)]
    standby = book("CV", MON, 16, minutes=30, kind=Kind.phone_consultation, mode=Mode.phone)
    assert check(*bookings, standby).violations == []


def test_daily_cap_nine_older_bookings_only_warn():
    bookings = [book(f"C{i}", MON, 7 + i, booked_on=D(2026, 11, 2)) for i in range(1, 10)]
    report = check(*bookings)
    assert report.ok
    assert any(w.startswith("daily_cap:") for w in report.warnings)


# --- lead_time --------------------------------------------------------------------


def test_lead_time_exactly_ten_days():
    assert check(book("C1", D(2026, 12, 3), 8)).violations == []


def test_lead_time_nine_days():
    report = check(book("C1", D(2026, 12, 2), 8))
    assert rules(report) == {LEAD_TIME}
    assert "9 days ahead, needs 10" in report.violations[0].message


def _cancelled(day: dt.date) -> Appointment:
    return book(
        "C2",
        day,
        10,
        appointment_id="OLD",
        status=Status.cancelled,
        booked_on=D(2026, 11, 2),
        cancelled_on=D(2026, 11, 16),
    )


def test_lead_time_backfill_four_days():
    # the backfill takes the time of the cancelled appointment (no free slot needed)
    fill = book("C1", D(2026, 11, 27), 10, backfill_for="OLD")
    assert check(_cancelled(D(2026, 11, 27)), fill).violations == []


def test_lead_time_backfill_three_days():
    fill = book("C1", D(2026, 11, 26), 10, backfill_for="OLD")
    report = check(_cancelled(D(2026, 11, 26)), fill)
    assert rules(report) == {LEAD_TIME}
    assert "3 days ahead, needs 4" in report.violations[0].message


def test_lead_time_backfill_of_an_appointment_that_was_not_cancelled():
    old = book("C2", D(2026, 11, 27), 10, appointment_id="OLD", booked_on=D(2026, 11, 2))
    fill = book("C1", D(2026, 11, 27), 10, backfill_for="OLD")
    assert LEAD_TIME in rules(check(old, fill))


def test_lead_time_older_booking_only_warns():
    report = check(book("C1", MON, 17, booked_on=D(2026, 12, 1)))
    assert report.ok
    assert any(w.startswith("lead_time:") for w in report.warnings)


# --- closed_day -------------------------------------------------------------------


def test_closed_day_christmas_day():
    report = check(book("C1", D(2026, 12, 25), 8))
    assert rules(report) == {CLOSED_DAY}
    assert "Christmas" in report.violations[0].message


def test_closed_day_saturday():
    report = check(book("C1", D(2026, 12, 5), 8))
    assert rules(report) == {CLOSED_DAY}


def test_closed_day_christmas_eve_and_8_december_are_working_days_in_bw():
    assert check(book("C1", D(2026, 12, 24), 8)).violations == []
    assert check(book("C1", D(2026, 12, 8), 8)).violations == []


def test_closed_day_applies_to_older_bookings_too():
    report = check(book("C1", D(2026, 12, 25), 10, booked_on=D(2026, 11, 2)))
    assert rules(report) == {CLOSED_DAY}


# --- absence ----------------------------------------------------------------------


def test_absence_booking_during_absence_is_an_open_task_until_its_day():
    # one folder cannot tell a new booking from one the absence found: the team lead's task
    a = book("C1", D(2026, 12, 8), 10, sid="S2")
    report = check(a)
    assert report.ok
    assert [e["appointment"] for e in report.figures["escalations"]] == [a.appointment_id]
    assert [w.partition(":")[0] for w in report.warnings] == ["absence_escalated"]
    # against the folder before, a row that is new there is a booking into the absence
    before = office()
    later = validate(office(a), POLICY, previous=before)
    assert rules(later) == {NEW_BOOKING_IN_ABSENCE}
    assert later.violations[0].specialist_id == "S2"


def test_absence_booking_before_absence():
    assert check(book("C1", MON, 8, sid="S2")).violations == []


def test_absence_older_booking_left_with_the_absent_specialist_fails_when_its_day_comes():
    # not reassigned (escalated to the team lead): open until its day, then a broken rule
    a = book("C1", D(2026, 12, 8), 10, sid="S2", booked_on=D(2026, 11, 2))
    assert check(a).ok
    s = office(a)
    for day, broken in ((D(2026, 12, 7), False), (D(2026, 12, 8), True)):
        moved = s.model_copy(update={"meta": s.meta.model_copy(update={"today": day})})
        report = validate(moved, POLICY)
        assert rules(report) == ({ABSENCE} if broken else set())
        assert [e["due_today"] for e in report.figures["escalations"]] == [broken]


# --- reassignment (absence of a specialist: same date and time, another specialist) --


def _moved(cid: str, day: dt.date, hour: int, to: str, **kw) -> Appointment:
    return book(cid, day, hour, sid=to, booked_on=D(2026, 11, 2), reassigned_from="S2", **kw)


def test_reassigned_appointment_needs_no_free_slot_of_the_substitute():
    # S2's appointment on 8 Dec 10:00 moves to S1, who has no free slot at that time
    assert check(_moved("C1", D(2026, 12, 8), 10, to="S1")).violations == []


def test_reassigned_booking_of_today_is_not_held_to_the_substitutes_slots():
    # booked today in S2's slot (8 Dec 10:00), then moved to S1 when S2 fell ill
    moved = book("C1", D(2026, 12, 8), 10, sid="S1", reassigned_from="S2")
    assert check(moved).violations == []


def test_reassigned_appointment_onto_a_full_day():
    full = [book(f"C{i}", MON, 7 + i, booked_on=D(2026, 11, 2)) for i in range(1, 9)]
    report = check(*full, _moved("C9", MON, 17, to="S1"))
    assert rules(report) == {DAILY_CAP}
    assert report.violations[0].customer_id == "C9"


def test_reassigned_video_appointment_to_a_specialist_without_video():
    moved = book(
        "CV",
        D(2026, 12, 10),
        10,
        sid="S2",
        mode=Mode.video,
        booked_on=D(2026, 11, 2),
        reassigned_from="S1",
    )
    assert rules(check(moved)) == {MODE}


# --- customer_unavailable -----------------------------------------------------------


def test_customer_unavailable_wednesday_morning():
    report = check(book("CU", D(2026, 12, 9), 9))
    assert rules(report) == {CUSTOMER_UNAVAILABLE}
    assert "Wed-AM" in report.violations[0].message


def test_customer_unavailable_wednesday_afternoon_is_fine():
    assert check(book("CU", D(2026, 12, 9), 14)).violations == []


# --- one_per_day ------------------------------------------------------------------


def _standby(cid: str, day: dt.date) -> Appointment:
    return book(cid, day, 14, minutes=30, kind=Kind.phone_consultation, mode=Mode.phone)


def test_one_per_day_follow_up_and_phone_consultation_on_one_day():
    report = check(book("C1", MON, 8), _standby("C1", MON))
    assert rules(report) == {ONE_PER_DAY}


def test_one_per_day_on_two_days():
    assert check(book("C1", MON, 8), _standby("C1", D(2026, 12, 8))).violations == []


# --- min_gap ----------------------------------------------------------------------


def test_min_gap_13_days_after_last_contact():
    c = customer("CG", last_contact=D(2026, 11, 20))
    report = check(book("CG", D(2026, 12, 3), 8), customers=[*base_customers(), c])
    assert rules(report) == {MIN_GAP}
    assert "13 days after" in report.violations[0].message


def test_min_gap_14_days_after_last_contact():
    c = customer("CG", last_contact=D(2026, 11, 20))
    assert check(book("CG", D(2026, 12, 4), 8), customers=[*base_customers(), c]).violations == []


def test_min_gap_yields_to_the_density_deadline():
    # min gap 40 days; U25 last contact 20 Nov is due again 20 Dec < 20 Nov + 40:
    # 18 Dec (28 days) is forced by the density rule, 22 Dec (32 days, late anyway) is not.
    policy = POLICY.model_copy(
        update={"booking": POLICY.booking.model_copy(update={"min_days_between_contacts": 40})}
    )
    forced = validate(office(book("CY", D(2026, 12, 18), 8)), policy)
    assert forced.violations == []
    late = validate(office(book("CY", D(2026, 12, 22), 8)), policy)
    assert rules(late) == {MIN_GAP}


def test_min_gap_ignores_phone_without_exception():
    # the phone consultation on 3 Dec is no qualified contact: the follow-up on 4 Dec
    # is measured from the last contact on 20 Nov (14 days)
    c = customer("CG", last_contact=D(2026, 11, 20))
    standby = _standby("CG", D(2026, 12, 3))
    report = check(standby, book("CG", D(2026, 12, 4), 8), customers=[*base_customers(), c])
    assert report.violations == []


def test_min_gap_phone_with_documented_exception_counts():
    c = customer("CG", last_contact=D(2026, 11, 20))
    standby = book(
        "CG",
        D(2026, 12, 3),
        14,
        minutes=30,
        kind=Kind.phone_consultation,
        mode=Mode.phone,
        qualified_exception=True,
    )
    report = check(standby, book("CG", D(2026, 12, 4), 8), customers=[*base_customers(), c])
    assert rules(report) == {MIN_GAP}
    assert "1 days after the contact on 2026-12-03" in report.violations[0].message


# --- one_future_booking -----------------------------------------------------------


def test_one_future_booking_two_new_bookings():
    report = check(book("C1", MON, 8), book("C1", D(2026, 12, 21), 8))
    assert rules(report) == {ONE_FUTURE_BOOKING}


def test_one_future_booking_a_new_booking_in_time_beside_an_older_late_one():
    """RULES.md: a planned appointment after the deadline does not count, so a new one
    that meets it may stand beside it (CD due 10 Dec: 7 Dec meets it, 21 Dec does not)."""
    cd = customer("CD", last_contact=D(2026, 8, 10))
    old = book("CD", D(2026, 12, 21), 8, booked_on=D(2026, 11, 2))
    assert check(old, book("CD", MON, 8), customers=[*base_customers(), cd]).violations == []


def test_one_future_booking_chained_by_the_u25_deadline():
    # CY (U25) booked 4 Dec is due again 4 Jan 2027, the day of the last free slot:
    # the density rule forces the second booking into this schedule
    report = check(book("CY", D(2026, 12, 4), 8), book("CY", D(2027, 1, 4), 8))
    assert report.violations == []


def test_one_future_booking_not_chained_for_k1():
    # C1 (K1) booked 7 Dec is due again 7 Apr 2027, long after the last free slot
    report = check(book("C1", MON, 8), book("C1", D(2027, 1, 4), 8))
    assert rules(report) == {ONE_FUTURE_BOOKING}
    assert "next due 2027-04-07" in report.violations[0].message
    assert report.violations[0].day == D(2027, 1, 4)


def test_one_future_booking_new_booking_beside_an_older_one():
    old = book("C1", D(2026, 12, 21), 8, booked_on=D(2026, 11, 2))
    assert rules(check(old, book("C1", MON, 8))) == {ONE_FUTURE_BOOKING}


def test_one_future_booking_two_older_bookings_only_warn():
    a = book("C1", MON, 8, booked_on=D(2026, 11, 2))
    b = book("C1", D(2026, 12, 21), 8, booked_on=D(2026, 11, 2))
    report = check(a, b)
    assert report.ok
    assert any(w.startswith("one_future_booking:") for w in report.warnings)


def test_one_future_booking_after_a_cancelled_one():
    old = book("C1", D(2026, 12, 21), 8, booked_on=D(2026, 11, 2), status=Status.cancelled)
    assert check(old, book("C1", MON, 8)).violations == []


# --- exempt customers: no deadline, but they may be booked (RULES.md) -------------


def test_exempt_customer_may_be_booked_today():
    # CX is in case management: exempt from the density rules, not from counselling.
    assert check(book("CX", MON, 8)).violations == []


def test_exempt_older_booking_is_theirs():
    assert check(book("CX", MON, 8, booked_on=D(2026, 11, 2))).violations == []


# --- mode -------------------------------------------------------------------------


def test_mode_video_for_a_customer_without_mode():
    report = check(book("C1", MON, 8, mode=Mode.video))
    assert rules(report) == {MODE}
    assert "in_person, not video" in report.violations[0].message


def test_mode_video_for_a_video_customer_in_a_video_slot():
    assert check(book("CV", D(2026, 12, 10), 8, mode=Mode.video)).violations == []


def test_mode_video_customer_in_person_is_fine():
    assert check(book("CV", MON, 8)).violations == []


def test_mode_in_person_in_a_video_only_slot():
    report = check(book("C1", D(2026, 12, 10), 8))
    assert rules(report) == {MODE}
    assert "video only" in report.violations[0].message


def test_mode_video_in_an_in_person_slot():
    assert rules(check(book("CV", D(2026, 12, 10), 9, mode=Mode.video))) == {MODE}


def test_mode_video_with_a_specialist_without_video():
    report = check(book("CV", MON, 8, sid="S2", mode=Mode.video))
    assert rules(report) == {MODE}
    assert "S2 cannot hold video" in report.violations[0].message


def test_mode_phone_follow_up():
    assert rules(check(book("C1", MON, 8, mode=Mode.phone))) == {MODE}


def test_mode_phone_consultation_by_video():
    call = book("C1", MON, 8, minutes=30, kind=Kind.phone_consultation, mode=Mode.video)
    assert rules(check(call)) == {MODE}
    assert check(_standby("C1", MON)).violations == []


# --- first_interview_kind ---------------------------------------------------------


def test_first_interview_kind_follow_up_without_any_contact():
    report = check(book("CF", MON, 8, minutes=60))
    assert rules(report) == {FIRST_INTERVIEW_KIND}


def test_first_interview_kind_first_interview_after_a_contact():
    report = check(book("C1", MON, 8, minutes=60, kind=Kind.first_interview))
    assert rules(report) == {FIRST_INTERVIEW_KIND}


def test_first_interview_kind_held_contact_makes_a_follow_up():
    held = book("CF", D(2026, 11, 2), 10, status=Status.held, booked_on=D(2026, 10, 20))
    assert check(held, book("CF", MON, 8)).violations == []


# --- group_session_limit ----------------------------------------------------------


def test_group_session_limit_second_within_twelve_months():
    c = customer("CG", last_group_session=D(2026, 3, 1))
    report = check(book("CG", MON, 8, kind=Kind.group_session), customers=[*base_customers(), c])
    assert rules(report) == {GROUP_SESSION_LIMIT}


def test_group_session_limit_after_twelve_months():
    c = customer("CG", last_group_session=D(2025, 12, 7))
    report = check(book("CG", MON, 8, kind=Kind.group_session), customers=[*base_customers(), c])
    assert report.violations == []


def test_group_session_limit_against_a_held_session():
    held = book(
        "C1", D(2026, 2, 2), 10, kind=Kind.group_session, status=Status.held, booked_on=None
    )
    report = check(held, book("C1", MON, 8, kind=Kind.group_session))
    assert rules(report) == {GROUP_SESSION_LIMIT}


# --- missing_status ---------------------------------------------------------------


def test_missing_status_past_appointment_still_planned():
    report = check(book("C1", D(2026, 11, 16), 8, booked_on=D(2026, 11, 2)))
    assert report.ok
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"{MISSING_STATUS}:")


def test_missing_status_past_appointment_held():
    report = check(book("C1", D(2026, 11, 16), 8, booked_on=D(2026, 11, 2), status=Status.held))
    assert report.ok
    assert report.warnings == []


# --- figures ----------------------------------------------------------------------


def _row(rows: list[dict], **match) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def test_figures_week_target_booked_per_day_and_spread():
    report = check(book("C1", MON, 8), book("C2", MON, 9), book("C3", D(2026, 12, 8), 8))
    f = report.figures
    # S1 has slots on Thu 3 and Fri 4 Dec (today + lead = 3 Dec). The figures give every
    # week its whole target (a moved planning date changes no week's target); the plan's
    # own figures prorate the partial first week (tests/test_plan_trust.py)
    assert (f["first_bookable_day"], f["figures_from"]) == ("2026-12-03", "2026-11-23")
    s0 = _row(f["weeks"], specialist="S1", week="2026-W49")
    assert (s0["target"], s0["available_days"], s0["booked"]) == (25, 5, 0)
    s1 = _row(f["weeks"], specialist="S1", week="2026-W50")
    assert (s1["target"], s1["booked"], s1["per_day"], s1["spread"]) == (25, 3, [2, 1, 0, 0, 0], 2)
    # S2 is absent Tue and Wed: 25 x 3/5 = 15
    s2 = _row(f["weeks"], specialist="S2", week="2026-W50")
    assert (s2["target"], s2["booked"], s2["available_days"]) == (15, 0, 3)
    team = _row(f["teams"], team="T1", week="2026-W50")
    assert (team["target"], team["booked"]) == (40, 3)
    # Christmas week: S1 has slots; 25 Dec is a holiday, so 4 of 5 days: 20
    assert _row(f["weeks"], specialist="S1", week="2026-W52")["target"] == 20


def test_figures_deadlines_met_late_open_and_overdue():
    customers = [
        customer("C1", last_contact=D(2026, 8, 10)),  # due 10 Dec
        customer("C2", last_contact=D(2026, 8, 1)),  # due 1 Dec: past reach
        customer("C3", last_contact=D(2026, 7, 1)),  # due 1 Nov, nothing planned: overdue
        customer("C4", last_contact=D(2026, 11, 1)),  # due 1 Mar 2027: open
        customer("CX", exempt=Exempt.employer_service, category="K3", unemployed=False),
    ]
    report = check(book("C1", MON, 8), book("C2", MON, 9), customers=customers)
    f = report.figures
    assert _row(f["deadlines"], customer="C1")["status"] == "met"
    assert _row(f["deadlines"], customer="C2") == {
        "customer": "C2",
        "specialist": "S1",
        "category": "K1",
        "due": "2026-12-01",
        "first_interview": False,
        "planned": "2026-12-07",
        "status": "late",
        "reachable": False,
    }
    assert _row(f["deadlines"], customer="C4")["status"] == "open"
    assert not [d for d in f["deadlines"] if d["customer"] == "CX"]
    assert f["deadline_counts"] == {
        "met": 1,
        "late": 1,
        "late_reachable": 0,
        "missed": 1,  # C3: nothing planned, due before today + lead time
        "open": 1,
        "open_due_in_horizon": 0,
    }
    assert [o["customer"] for o in f["overdue"]] == ["C3"]


def test_figures_category_review_list():
    customers = [customer("C1", unemployed=False)]  # K1 but not unemployed: belongs in K3
    review = check(customers=customers).figures["category_review"]
    assert [(r["customer"], r["stored"], r["expected"]) for r in review] == [("C1", "K1", "K3")]


def test_report_summary_and_dict():
    report = check(book("C1", D(2026, 12, 25), 8))
    text = report.summary()
    assert "closed_day 1" in text
    assert "team T1 2026-W50: 0/40" in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False
    assert data["counts"] == {"closed_day": 1}
    assert data["violations"][0]["day"] == "2026-12-25"


# --- command line -----------------------------------------------------------------

runner = CliRunner()


def test_cli_validate_tiny_exits_0():
    result = runner.invoke(app, ["validate", str(TINY)])
    assert result.exit_code == 0, result.output
    assert "hard rules: ok" in result.output


def test_cli_validate_broken_booking_exits_1(tmp_path):
    folder = write_scenario(office(book("C1", D(2026, 12, 25), 8)), tmp_path / "broken")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "closed_day" in result.output


def test_cli_validate_quiet_lists_each_violation_only(tmp_path):
    bookings = [book("C1", D(2026, 12, 2), 8), book("C2", D(2026, 12, 25), 8)]
    folder = write_scenario(office(*bookings), tmp_path / "two")
    result = runner.invoke(app, ["validate", "-q", str(folder)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["lead_time", "closed_day"]


def test_cli_validate_json(tmp_path):
    folder = write_scenario(office(book("C1", D(2026, 12, 2), 8)), tmp_path / "early")
    result = runner.invoke(app, ["validate", "--json", str(folder)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["counts"] == {"lead_time": 1}


def test_cli_validate_bad_csv_exits_2(tmp_path):
    folder = write_scenario(office(), tmp_path / "bad")
    slots = folder / "slots.csv"
    slots.write_text(slots.read_text() + "S1,2026-12-11 08:00,not a time,any\n")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "slots.csv" in result.output


def test_written_and_read_back_office_gives_the_same_verdict(tmp_path):
    scenario = office(book("C1", MON, 8), book("C2", MON, 8, 10))
    loaded = read_scenario(write_scenario(scenario, tmp_path / "again"))
    assert rules(validate(loaded.scenario, loaded.policy)) == {SLOT_SINGLE}
