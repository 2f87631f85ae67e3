"""Working days, regional holidays, absences, weekly targets (RULES.md, booking rules)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kontaktplan.domain import Absence, Scenario, Slot, Specialist
from kontaktplan.rules.calendar import (
    OfficeCalendar,
    first_plannable_monday,
    known_region,
    round_half_up,
    week_days,
)

D = dt.date
MONDAY = D(2026, 12, 7)  # an ordinary week in Baden-Württemberg


def _slot(sid: str, day: D) -> Slot:
    start = dt.datetime.combine(day, dt.time(9))
    return Slot(specialist_id=sid, start=start, end=start + dt.timedelta(minutes=60))


def _office(
    tiny,
    policy,
    fte: float = 1.0,
    slot_days: tuple[D, ...] = (),
    absent: tuple[D, D] | None = None,
    region: str = "DE-BW",
) -> tuple[OfficeCalendar, Specialist]:
    """One specialist ``P`` with ``fte``, slots on ``slot_days`` and an optional absence."""
    p = Specialist(specialist_id="P", team="T", fte=fte)
    s: Scenario = tiny.scenario.model_copy(
        update={
            "meta": tiny.scenario.meta.model_copy(update={"region": region}),
            "specialists": (p,),
            "customers": (),
            "appointments": (),
            "slots": tuple(_slot("P", d) for d in slot_days),
            "absences": (
                (Absence(specialist_id="P", first_day=absent[0], last_day=absent[1]),)
                if absent
                else ()
            ),
        }
    )
    return OfficeCalendar(s, policy), p


# ---------------------------------------------------------------------------
# Regional public holidays


@pytest.mark.parametrize(
    "day",
    [D(2026, 12, 25), D(2026, 12, 26), D(2027, 1, 1), D(2027, 1, 6), D(2026, 11, 1)],
)
def test_bw_public_holidays_are_closed(tiny, heilbronn, day):
    cal, _ = _office(tiny, heilbronn)
    assert cal.holiday(day) is not None
    assert not cal.is_working_day(day)


@pytest.mark.parametrize("day", [D(2026, 12, 8), D(2026, 12, 24), D(2026, 12, 31)])
def test_days_that_are_no_bw_holiday_are_open(tiny, heilbronn, day):
    cal, _ = _office(tiny, heilbronn)
    assert cal.holiday(day) is None
    assert cal.is_working_day(day)


def test_holidays_depend_on_the_region(tiny, heilbronn):
    # All Saints' Day (Sun 2026-11-01 aside): 2027-11-01 is a Monday holiday in BW, not Berlin.
    bw, _ = _office(tiny, heilbronn)
    berlin, _ = _office(tiny, heilbronn, region="DE-BE")
    assert not bw.is_working_day(D(2027, 11, 1))
    assert berlin.is_working_day(D(2027, 11, 1))


def test_weekends_are_no_working_days(tiny, heilbronn):
    cal, _ = _office(tiny, heilbronn)
    assert [cal.is_working_day(d) for d in week_days(MONDAY)] == [True] * 5 + [False] * 2


def test_known_region_accepts_country_and_subdivision_codes():
    assert known_region("DE-BW")
    assert known_region("DE")
    assert not known_region("DE-XX")
    assert not known_region("XX")


# ---------------------------------------------------------------------------
# Availability: regular weekday, no holiday, no absence


def test_full_timer_works_monday_to_friday(tiny, heilbronn):
    cal, _ = _office(tiny, heilbronn, slot_days=(MONDAY,))
    assert cal.regular_weekdays("P") == frozenset(range(5))


def test_part_timer_works_the_weekdays_of_their_slots(tiny, heilbronn):
    days = (MONDAY, MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=8))  # Mon, Wed, Tue
    cal, _ = _office(tiny, heilbronn, fte=0.5, slot_days=days)
    assert cal.regular_weekdays("P") == frozenset({0, 1, 2})
    assert not cal.is_available("P", MONDAY + dt.timedelta(days=3))  # Thursday


def test_part_timer_without_slots_counts_as_monday_to_friday(tiny, heilbronn):
    cal, _ = _office(tiny, heilbronn, fte=0.5)
    assert cal.regular_weekdays("P") == frozenset(range(5))


def test_absence_days_are_not_available_inclusive_of_both_ends(tiny, heilbronn):
    cal, _ = _office(tiny, heilbronn, absent=(D(2026, 12, 8), D(2026, 12, 9)))
    assert [cal.is_available("P", d) for d in week_days(MONDAY, 5)] == [
        True,
        False,
        False,
        True,
        True,
    ]
    assert cal.is_absent("P", D(2026, 12, 9))
    assert not cal.is_absent("P", D(2026, 12, 10))


def test_holiday_is_not_available(tiny, heilbronn):
    cal, _ = _office(tiny, heilbronn)
    assert not cal.is_available("P", D(2026, 12, 25))


# ---------------------------------------------------------------------------
# Weekly target: 25 x fte x available_days / regular_days, rounded half up


def test_full_timer_in_an_ordinary_week_books_25(tiny, heilbronn):
    cal, p = _office(tiny, heilbronn)
    week = cal.week_target(p, MONDAY)
    assert (week.target, week.regular_days) == (25, 5)
    assert week.available_days == tuple(week_days(MONDAY, 5))


def test_case_manager_has_no_weekly_target(tiny, heilbronn):
    """RULES.md: case managers (role fm) work by their own rules, no weekly target."""
    cal, p = _office(tiny, heilbronn)
    week = cal.week_target(p.model_copy(update={"role": "fm"}), MONDAY)
    assert (week.target, week.regular_days) == (0, 5)
    assert week.available_days == tuple(week_days(MONDAY, 5))


def test_a_partial_first_week_counts_its_days_from_the_first_bookable_day_on(tiny, heilbronn):
    """RULES.md, Horizon: a partial week gets its prorated target; from Wednesday, 3 days."""
    cal, p = _office(tiny, heilbronn)
    week = cal.week_target(p, MONDAY, from_day=MONDAY + dt.timedelta(days=2))
    assert (week.target, week.available_days) == (15, tuple(week_days(MONDAY, 5))[2:])


def test_half_timer_on_five_days_rounds_12_5_up_to_13(tiny, heilbronn):
    cal, p = _office(tiny, heilbronn, fte=0.5)
    assert cal.week_target(p, MONDAY).target == 13


def test_part_timer_with_an_absent_day_gets_a_pro_rata_target(tiny, heilbronn):
    # fte 0.5 on Mon-Wed, absent Tuesday: 25 x 0.5 x 2 / 3 = 8.33 -> 8
    days = tuple(MONDAY + dt.timedelta(days=i) for i in range(3))
    cal, p = _office(tiny, heilbronn, fte=0.5, slot_days=days, absent=(days[1], days[1]))
    week = cal.week_target(p, MONDAY)
    assert (week.target, week.regular_days) == (8, 3)
    assert week.available_days == (days[0], days[2])


@pytest.mark.parametrize(
    ("monday", "closed"),
    [
        (D(2026, 12, 21), D(2026, 12, 25)),  # Christmas Day, a Friday
        (D(2026, 12, 28), D(2027, 1, 1)),  # New Year's Day, a Friday
        (D(2027, 1, 4), D(2027, 1, 6)),  # Epiphany, a Wednesday (BW)
    ],
)
def test_holiday_week_shrinks_the_target(tiny, heilbronn, monday, closed):
    cal, p = _office(tiny, heilbronn)
    week = cal.week_target(p, monday)
    assert week.target == 20
    assert closed not in week.available_days


def test_absence_removes_days_from_the_target(tiny, heilbronn):
    # Absent Mon-Tue: 25 x 3 / 5 = 15
    cal, p = _office(tiny, heilbronn, absent=(MONDAY, MONDAY + dt.timedelta(days=1)))
    assert cal.week_target(p, MONDAY).target == 15


def test_week_fully_absent_has_target_zero(tiny, heilbronn):
    cal, p = _office(
        tiny, heilbronn, absent=(MONDAY - dt.timedelta(days=3), MONDAY + dt.timedelta(days=10))
    )
    week = cal.week_target(p, MONDAY)
    assert (week.target, week.available_days) == (0, ())


def test_target_half_is_not_lost_to_float_error(tiny, heilbronn):
    # 25 x 0.58 = 14.5 exactly, but 14.499999999999996 in floats.
    cal, p = _office(tiny, heilbronn, fte=0.58)
    assert cal.week_target(p, MONDAY).target == 15


def test_weekly_volume_comes_from_the_policy(tiny, heilbronn):
    booking = heilbronn.booking.model_copy(update={"weekly_volume_per_fte": 20})
    cal, p = _office(tiny, heilbronn.model_copy(update={"booking": booking}))
    assert cal.week_target(p, MONDAY).target == 20


@pytest.mark.parametrize(
    ("x", "expected"),
    [(12.5, 13), (2.5, 3), (12.49, 12), (8.333, 8), (0.0, 0), (-12.5, -13), (Fraction(29, 2), 15)],
)
def test_round_half_up(x, expected):
    assert round_half_up(x) == expected


# ---------------------------------------------------------------------------
# First plannable Monday (lead time)


@pytest.mark.parametrize(
    ("today", "lead", "expected"),
    [
        (D(2026, 11, 23), 10, D(2026, 12, 7)),  # Mon + 10 = Thu 12-03 -> next Monday
        (D(2026, 11, 27), 10, D(2026, 12, 7)),  # Fri + 10 = Mon 12-07 itself
        (D(2026, 11, 28), 10, D(2026, 12, 14)),  # Sat + 10 = Tue 12-08 -> next Monday
        (D(2026, 11, 23), 14, D(2026, 12, 7)),  # Mon + 14 = a Monday
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
        (D(2026, 11, 24), 0, D(2026, 11, 30)),
    ],
)
def test_first_plannable_monday(today, lead, expected):
    assert first_plannable_monday(today, lead) == expected


@settings(max_examples=100, deadline=None)
@given(today=st.dates(D(2020, 1, 1), D(2030, 12, 31)), lead=st.integers(0, 60))
def test_first_plannable_monday_is_the_earliest_monday_after_the_lead(today, lead):
    monday = first_plannable_monday(today, lead)
    earliest = today + dt.timedelta(days=lead)
    assert monday.weekday() == 0
    assert earliest <= monday < earliest + dt.timedelta(days=7)
