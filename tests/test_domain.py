"""The domain models (domain.py): field checks, unavailability, scenario reference checks."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Kind,
    Mode,
    Slot,
    Specialist,
    Status,
    Unavailability,
    parse_unavailable,
)

T = dt.datetime(2026, 12, 7, 9, 0)  # a Monday


def _loc(info: pytest.ExceptionInfo[ValidationError]) -> tuple:
    return info.value.errors()[0]["loc"]


def _appointment(**kw) -> Appointment:
    data = {
        "appointment_id": "A9",
        "customer_id": "C1",
        "specialist_id": "S1",
        "start": T,
        "end": T + dt.timedelta(minutes=45),
        "kind": Kind.follow_up,
        "mode": Mode.in_person,
        "status": Status.planned,
    }
    return Appointment(**{**data, **kw})


# ---------------------------------------------------------------------------
# Field checks


@pytest.mark.parametrize("fte", [0, -0.5, 1.01])
def test_specialist_fte_outside_zero_to_one_is_rejected(fte):
    with pytest.raises(ValidationError) as info:
        Specialist(specialist_id="S", team="T", fte=fte)
    assert _loc(info) == ("fte",)


def test_specialist_fte_of_exactly_one_is_full_time():
    assert Specialist(specialist_id="S", team="T", fte=1).fte == 1.0


def test_slot_end_equal_to_start_is_rejected_at_the_end_field():
    with pytest.raises(ValidationError) as info:
        Slot(specialist_id="S1", start=T, end=T)
    assert _loc(info) == ("end",)


def test_slot_across_midnight_is_rejected():
    with pytest.raises(ValidationError, match="same day"):
        Slot(specialist_id="S1", start=T.replace(hour=23), end=T + dt.timedelta(hours=16))


def test_slot_minutes_and_day():
    slot = Slot(specialist_id="S1", start=T, end=T + dt.timedelta(minutes=45))
    assert (slot.minutes, slot.day) == (45, T.date())


def test_slots_touching_at_the_end_do_not_overlap():
    a = Slot(specialist_id="S1", start=T, end=T + dt.timedelta(minutes=45))
    b = Slot(specialist_id="S1", start=a.end, end=a.end + dt.timedelta(minutes=45))
    c = Slot(specialist_id="S1", start=a.end - dt.timedelta(minutes=1), end=b.end)
    assert not a.overlaps(b)
    assert a.overlaps(c)
    assert not a.overlaps(c.model_copy(update={"specialist_id": "S2"}))


def test_absence_of_one_day_is_fine_and_covers_only_that_day():
    a = Absence(specialist_id="S1", first_day=T.date(), last_day=T.date())
    assert a.covers(T.date())
    assert not a.covers(T.date() + dt.timedelta(days=1))


def test_absence_ending_before_it_starts_is_rejected_at_last_day():
    with pytest.raises(ValidationError) as info:
        Absence(specialist_id="S1", first_day=T.date(), last_day=T.date() - dt.timedelta(days=1))
    assert _loc(info) == ("last_day",)


def test_appointment_ending_before_it_starts_is_rejected_at_end():
    with pytest.raises(ValidationError) as info:
        _appointment(end=T - dt.timedelta(minutes=1))
    assert _loc(info) == ("end",)


@pytest.mark.parametrize(
    ("status", "active"),
    [
        (Status.planned, True),
        (Status.held, True),
        (Status.not_held, False),
        (Status.cancelled, False),
        (Status.no_show, False),
        (Status.voided, False),
    ],
)
def test_only_planned_and_held_appointments_occupy_their_slot(status, active):
    assert _appointment(status=status).is_active is active


def test_customer_preferred_mode_phone_is_rejected():
    with pytest.raises(ValidationError) as info:
        Customer(
            customer_id="C", specialist_id="S", category="K1", unemployed=True, under_25=False,
            mode="phone",
        )  # fmt: skip
    assert _loc(info) == ("mode",)


def test_empty_optional_texts_are_no_value():
    s = Specialist(specialist_id="S", team="T", fte=1, substitute_id="  ")
    a = _appointment(reassigned_from="", backfill_for="")
    assert s.substitute_id is None
    assert (a.reassigned_from, a.backfill_for) == (None, None)


def test_ids_are_stripped_of_surrounding_blanks():
    assert Specialist(specialist_id=" S1 ", team="T", fte=1).specialist_id == "S1"


def test_unknown_field_is_rejected():
    with pytest.raises(ValidationError, match="room"):
        Specialist(specialist_id="S", team="T", fte=1, room="1.02")


def test_models_are_frozen():
    s = Specialist(specialist_id="S", team="T", fte=1)
    with pytest.raises(ValidationError):
        s.fte = 0.5


def test_model_copy_with_update_validates():
    with pytest.raises(ValidationError):
        _appointment().model_copy(update={"end": T})


# ---------------------------------------------------------------------------
# Unavailability (RULES.md: unavailable weekdays or half-days)


def test_parse_unavailable_reads_days_and_half_days():
    assert parse_unavailable("Mon;Wed-AM") == (
        Unavailability(weekday=0),
        Unavailability(weekday=2, half="AM"),
    )


def test_parse_unavailable_is_case_insensitive_and_takes_commas_and_full_names():
    assert parse_unavailable(" fri-pm , TUESDAY ") == (
        Unavailability(weekday=4, half="PM"),
        Unavailability(weekday=1),
    )


def test_parse_unavailable_of_empty_text_is_nothing():
    assert parse_unavailable(" ; ") == ()


@pytest.mark.parametrize("text", ["Mo", "Monkey", "Mon-", "Wed-Noon", "Mon-AM-PM"])
def test_parse_unavailable_rejects_unknown_tokens(text):
    with pytest.raises(ValueError, match="unknown"):
        parse_unavailable(text)


def test_unavailability_text_reads_back():
    items = parse_unavailable("Sun;Thu-PM")
    assert parse_unavailable(";".join(str(u) for u in items)) == items


@pytest.mark.parametrize(
    ("half", "start", "end", "blocked"),
    [
        (None, "08:00", "08:45", True),
        (None, "15:00", "15:45", True),
        ("AM", "11:15", "12:00", True),
        ("AM", "12:00", "12:45", False),
        ("PM", "11:30", "12:15", True),  # reaches into the afternoon
        ("PM", "11:15", "12:00", False),
        ("PM", "14:00", "14:45", True),
    ],
)
def test_unavailability_blocks_its_day_or_half_day(half, start, end, blocked):
    u = Unavailability(weekday=0, half=half)
    day = T.date()
    s = dt.datetime.combine(day, dt.time.fromisoformat(start))
    e = dt.datetime.combine(day, dt.time.fromisoformat(end))
    assert u.blocks(s, e) is blocked


def test_unavailability_does_not_block_other_weekdays():
    u = Unavailability(weekday=0)
    tuesday = T + dt.timedelta(days=1)
    assert not u.blocks(tuesday, tuesday + dt.timedelta(minutes=45))


def test_customer_available_respects_every_unavailability(tiny):
    c2 = tiny.scenario.customers_by_id["C2"]  # Wed-AM
    wednesday = T + dt.timedelta(days=2)
    assert not c2.available(wednesday, wednesday + dt.timedelta(minutes=45))
    afternoon = wednesday.replace(hour=14)
    assert c2.available(afternoon, afternoon + dt.timedelta(minutes=45))


# ---------------------------------------------------------------------------
# Scenario reference checks (the ones that make data unusable)


def _with(tiny, **update):
    return tiny.scenario.model_copy(update=update)


def test_scenario_rejects_duplicate_customer_ids(tiny):
    c = tiny.scenario.customers
    with pytest.raises(ValidationError, match="duplicate customer_id: C1"):
        _with(tiny, customers=(*c, c[0]))


def test_scenario_rejects_duplicate_specialist_ids(tiny):
    s = tiny.scenario.specialists
    with pytest.raises(ValidationError, match="duplicate specialist_id: S2"):
        _with(tiny, specialists=(*s, s[1]))


def test_scenario_rejects_duplicate_appointment_ids(tiny):
    a = tiny.scenario.appointments
    with pytest.raises(ValidationError, match="duplicate appointment_id: A1"):
        _with(tiny, appointments=(*a, a[0]))


def test_scenario_rejects_unknown_substitute(tiny):
    s1, s2 = tiny.scenario.specialists
    with pytest.raises(ValidationError, match="unknown substitute_id"):
        _with(tiny, specialists=(s1.model_copy(update={"substitute_id": "S9"}), s2))


@pytest.mark.parametrize("table", ["customers", "slots", "absences", "appointments"])
def test_scenario_rejects_unknown_specialist(tiny, table):
    rows = getattr(tiny.scenario, table)
    changed = (rows[0].model_copy(update={"specialist_id": "S9"}), *rows[1:])
    with pytest.raises(ValidationError, match="unknown specialist_id S9"):
        _with(tiny, **{table: changed})


def test_scenario_rejects_appointment_of_unknown_customer(tiny):
    a = tiny.scenario.appointments
    with pytest.raises(ValidationError, match="unknown customer_id"):
        _with(tiny, appointments=(a[0].model_copy(update={"customer_id": "C9"}), a[1]))


def test_scenario_rejects_unknown_reassigned_from(tiny):
    a = tiny.scenario.appointments
    with pytest.raises(ValidationError, match="unknown reassigned_from"):
        _with(tiny, appointments=(a[0].model_copy(update={"reassigned_from": "S9"}), a[1]))


def test_scenario_rejects_backfill_for_an_unknown_appointment(tiny):
    a = tiny.scenario.appointments
    with pytest.raises(ValidationError, match="unknown backfill_for"):
        _with(tiny, appointments=(a[0], a[1].model_copy(update={"backfill_for": "A9"})))


def test_scenario_accepts_backfill_for_a_known_appointment(tiny):
    a = tiny.scenario.appointments
    s = _with(tiny, appointments=(a[0], a[1].model_copy(update={"backfill_for": "A1"})))
    assert s.appointments[1].backfill_for == "A1"


def test_scenario_rejects_overlapping_slots_of_one_specialist(tiny):
    first = tiny.scenario.slots[0]  # S1 2026-12-07 08:00-09:00
    late = first.model_copy(
        update={"start": first.start + dt.timedelta(minutes=30), "end": first.end}
    )
    with pytest.raises(ValidationError, match="slots of S1 overlap"):
        _with(tiny, slots=(*tiny.scenario.slots, late))


# A copy re-checks only the tables it changes and the ones that refer to them: a change
# to one table must still be caught where an unchanged table refers to it.


def test_copy_without_a_referred_customer_is_rejected(tiny):
    # appointments (unchanged) refer to C1, which the copy drops from customers
    kept = tuple(c for c in tiny.scenario.customers if c.customer_id != "C1")
    with pytest.raises(ValidationError, match="unknown customer_id"):
        _with(tiny, customers=kept)


@pytest.mark.parametrize("table", ["customers", "slots", "absences", "appointments"])
def test_copy_without_a_referred_specialist_is_rejected(tiny, table):
    # S2 is dropped: every table loses its S2 rows except ``table``, kept as it was
    a = tiny.scenario.appointments
    of_s2 = a[0].model_copy(
        update={"appointment_id": "A3", "customer_id": "C4", "specialist_id": "S2"}
    )
    base = _with(tiny, appointments=(*a, of_s2))
    s1 = base.specialists[0].model_copy(update={"substitute_id": None})
    assert any(r.specialist_id == "S2" for r in getattr(base, table))
    others = {
        t: tuple(r for r in getattr(base, t) if r.specialist_id == "S1")
        for t in ("customers", "slots", "absences", "appointments")
        if t != table
    }
    with pytest.raises(ValidationError, match="unknown specialist_id S2"):
        base.model_copy(update={"specialists": (s1,), **others})


def test_copy_keeping_every_table_but_the_date_is_valid_and_new(tiny):
    s = tiny.scenario
    t = s.model_copy(update={"meta": s.meta.model_copy(update={"today": dt.date(2026, 12, 1)})})
    assert t.today == dt.date(2026, 12, 1) and s.today != t.today
    assert t.appointments == s.appointments and t.slots == s.slots


def test_scenario_accepts_the_same_slot_times_for_two_specialists(tiny):
    # tiny already holds S1 and S2 slots at 2026-12-07 08:00-09:00
    assert tiny.scenario.slots[0].start == tiny.scenario.slots[3].start


def test_changed_scenario_answers_from_its_own_data(tiny):
    s = tiny.scenario
    assert set(s.appointments_by_customer) == {"C1", "C2"}
    assert "C3" in s.customers_by_id
    t = s.model_copy(update={"appointments": (), "customers": s.customers[:2]})
    assert t.appointments_by_customer == {}
    assert set(t.customers_by_id) == {"C1", "C2"}
    assert set(s.appointments_by_customer) == {"C1", "C2"}


def test_appointments_by_customer_is_in_order_of_start(tiny):
    a1, a2 = tiny.scenario.appointments
    late = a1.model_copy(update={"appointment_id": "A0", "start": a2.start, "end": a2.end})
    s = tiny.scenario.model_copy(update={"appointments": (late, a1, a2)})
    assert [a.appointment_id for a in s.appointments_by_customer["C1"]] == ["A1", "A0"]


def test_today_is_the_planning_date(tiny):
    assert tiny.scenario.today == dt.date(2026, 11, 23)
