"""Plans a team lead trusts (issue 10): hand-made scenarios whose answer is worked out by hand.

Today is Monday 2026-11-23, lead time 10 days: the first bookable day is Thu 2026-12-03.
Where a scenario has no slot on Thu 3 / Fri 4 Dec, the horizon starts on Mon 2026-12-07
(nothing to plan before it); the week Dec 7-11 has no holiday in Baden-Württemberg.
Each rule gets a pair: the scenario where it bites, and the one where it must not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from typer.testing import CliRunner

from builders import (
    MONDAY,
    TODAY,
    appointment,
    customer,
    day_slots,
    scenario,
    slot,
    specialist,
    week,
)
from kontaktplan.cli import app
from kontaktplan.domain import (
    Absence,
    Appointment,
    Kind,
    Mode,
    SlotMode,
    Status,
    parse_unavailable,
)
from kontaktplan.io.folder import write_scenario
from kontaktplan.planning import plan
from kontaktplan.rules.policy import Policy, add_months, load_policy
from kontaktplan.validation import LATE_BOOKING, SPREAD, validate
from kontaktplan.validation.figures import most_even_spread

POLICY = load_policy("heilbronn-2025")
BA = load_policy("ba-2010")
D = dt.date


def with_(policy: Policy, section: str, **changes) -> Policy:
    """A copy of ``policy`` with some settings of one section changed."""
    part = getattr(policy, section).model_copy(update=changes)
    return policy.model_copy(update={section: part})


def run(sc, policy=POLICY, weeks=1):
    return plan(sc, policy, weeks=weeks, solver="cpsat", workers=1, time_limit=10)


def loads(p, sid="S1"):
    n = Counter(a.day for a in p.bookings if a.specialist_id == sid)
    return [n[d] for d in week()]


# --- 1. even weeks --------------------------------------------------------------------


def test_overdue_customers_are_spread_evenly_not_piled_on_monday():
    # 27 customers all overdue (due 2026-10-01), 8 slots a day, target 25, cap 8. Each week
    # one waits costs like a missed deadline (1,000,000), more than going over target
    # (20,000) and an uneven day (10,000), so all 27 are booked. Waiting inside the
    # week costs nothing, so the most even week, two days of 6 and three of 5, beats
    # Monday at the cap (a per-day waiting cost made 8/8/8/3/0).
    slots = [s for d in week() for s in day_slots(d, 8)]
    custs = [customer(f"C{i:02d}", last=D(2026, 6, 1)) for i in range(27)]
    p = run(scenario([specialist()], custs, slots))
    assert sorted(loads(p)) == [5, 5, 5, 6, 6]
    assert p.specialists[0]["weeks"][0]["spread"] == 1
    report = validate(p.planned_scenario(), POLICY)
    assert report.ok_strict(), report.warnings


def booked(days: list[dt.date], counts: list[int]) -> list[Appointment]:
    """``counts[i]`` bookings made today on ``days[i]``, hourly from 8:00, one customer
    each (C00, C01, ...)."""
    at = [(d, k) for d, n in zip(days, counts, strict=True) for k in range(n)]
    return [appointment(f"C{i:02d}", d, 8 + k) for i, (d, k) in enumerate(at)]


def test_spread_rule_names_a_week_more_uneven_than_the_slots_forced():
    # The same office booked by hand 8/8/8/1/0 today: the slots allowed 5/5/5/5/5 (forced
    # spread 0), so the validator names the week; --strict turns it into a failure.
    slots = [s for d in week() for s in day_slots(d, 8)]
    custs = [customer(f"C{i:02d}", last=D(2026, 6, 1)) for i in range(25)]
    counts = [8, 8, 8, 1, 0]
    rows = booked(week(), counts)
    report = validate(scenario([specialist()], custs, slots, appointments=rows), POLICY)
    assert report.ok
    spread = [w for w in report.warnings if w.startswith(f"{SPREAD}:")]
    assert spread == [
        "spread: S1 2026-W50: per day 8/8/8/1/0 (spread 8); the free slots allowed a spread of 0"
    ]
    assert not report.ok_strict()
    assert (
        "spread (max - min per day) of the weeks booked today: max 8, 1 of 1 above 1, "
        "1 more than the slots forced"
    ) in report.summary().splitlines()


def test_spread_rule_accepts_what_the_slots_forced():
    # Friday has one slot only: 25 bookings can at best be 6/6/6/6/1 (spread 5): no warning.
    days = week()
    slots = [s for d in days[:4] for s in day_slots(d, 8)] + day_slots(days[4], 1)
    custs = [customer(f"C{i:02d}", last=D(2026, 6, 1)) for i in range(25)]
    counts = [6, 6, 6, 6, 1]
    rows = booked(days, counts)
    report = validate(scenario([specialist()], custs, slots, appointments=rows), POLICY)
    assert not [w for w in report.warnings if w.startswith(SPREAD)]
    assert report.ok_strict()
    assert (
        "spread (max - min per day) of the weeks booked today: max 5, 1 of 1 above 1, "
        "0 more than the slots forced"
    ) in report.summary().splitlines()


@pytest.mark.parametrize(("tuesday", "warned"), [(SlotMode.video, False), (SlotMode.any, True)])
def test_spread_rule_counts_only_slots_the_weeks_bookings_could_take(tuesday, warned):
    # 25 in-person bookings 6/1/6/6/6. Every day has 6 in-person slots, Tuesday one only
    # and five more of mode ``tuesday``. Video slots cannot take an in-person booking:
    # Tuesday holds 1 at most, 6/1/6/6/6 is as even as it gets, no warning. Slots of
    # mode any could: 5/5/5/5/5 was possible, the week is named.
    days = week()
    slots = [s for d in days if d != days[1] for s in day_slots(d, 6)]
    slots += [slot(days[1], 8)] + [
        slot(days[1], 9 + k, mode=tuesday) for k in range(5)
    ]  # fmt: skip
    custs = [customer(f"C{i:02d}", last=D(2026, 6, 1)) for i in range(25)]
    counts = [6, 1, 6, 6, 6]
    rows = booked(days, counts)
    report = validate(scenario([specialist()], custs, slots, appointments=rows), POLICY)
    assert report.ok
    spread = [w for w in report.warnings if w.startswith(f"{SPREAD}:")]
    assert bool(spread) == warned, spread
    assert [w["forced_spread"] for w in report.figures["weeks"]] == [0 if warned else 5]


@pytest.mark.parametrize(("video", "warned"), [(1, False), (3, True)])
def test_spread_rule_places_each_booking_in_a_slot_of_its_own(video, warned):
    # 25 bookings 2/6/6/6/5, ``video`` of them by video (one on Monday, the others on
    # Tuesday). Monday has one in-person slot and three video slots, the other days six
    # slots for any mode. Counted per slot, Monday could hold 4 (a video booking fits each
    # video slot): 4/6/5/5/5, spread 2. But a booking takes one slot: with one video
    # booking Monday holds 2 at most, Tuesday to Friday 6 each, so 2/6/6/6/5 (spread 4) is
    # as even as these bookings get, no warning (jobcenter, 4 weeks: S005 and S014 were
    # named so). With three, 4/6/5/5/5 was possible: the week is named.
    days = week()
    slots = [slot(days[0], 8, mode=SlotMode.in_person)]
    slots += [slot(days[0], 9 + k, mode=SlotMode.video) for k in range(3)]
    slots += [s for d in days[1:] for s in day_slots(d, 6)]
    custs = [customer(f"V{i}", mode=Mode.video) for i in range(video)]
    custs += [customer(f"C{i:02d}") for i in range(25 - video)]
    rows = [appointment("C00", days[0], 8), appointment("V0", days[0], 9, mode=Mode.video)]
    rest = [c for c in custs if c.customer_id not in ("C00", "V0")]
    at = [(d, k) for d, n in zip(days[1:], [6, 6, 6, 5], strict=True) for k in range(n)]
    rows += [
        appointment(c.customer_id, d, 8 + k, mode=c.mode or Mode.in_person)
        for c, (d, k) in zip(rest, at, strict=True)
    ]
    report = validate(scenario([specialist()], custs, slots, appointments=rows), POLICY)
    assert report.ok, report.violations
    (w,) = report.figures["weeks"]
    assert (w["per_day"], w["forced_spread"]) == ([2, 6, 6, 6, 5], 2 if warned else 4)
    assert bool([x for x in report.warnings if x.startswith(f"{SPREAD}:")]) == warned


@pytest.mark.parametrize(("last", "warned"), [(D(2026, 8, 7), False), (D(2026, 8, 11), True)])
def test_spread_rule_keeps_the_deadlines_the_bookings_meet(last, warned):
    # 6 bookings 3/1/1/1/0, 8 slots a day. Monday's three customers (K1, 4 months) had
    # their last contact on ``last``. On 7 Aug they are due on Monday 7 Dec: moved to
    # another day they would be late, and deadlines come before an even week (RULES.md,
    # objective 1 before 4), so 3/1/1/1/0 is forced (spread 3; counted per slot
    # 2/1/1/1/1, spread 1, and named: jobcenter, 4 weeks, S035). On 11 Aug they are due
    # on Friday: one could have moved to Friday, the week is named.
    days = week()
    slots = [s for d in days for s in day_slots(d, 8)]
    custs = [customer(f"M{i}", last=last) for i in range(3)]
    custs += [customer(f"C{i}") for i in range(3)]  # due 1 Dec: late wherever they go
    rows = [appointment(f"M{i}", days[0], 8 + i) for i in range(3)]
    rows += [appointment(f"C{i}", days[1 + i], 8) for i in range(3)]
    report = validate(scenario([specialist()], custs, slots, appointments=rows), POLICY)
    assert report.ok, report.violations
    (w,) = report.figures["weeks"]
    assert (w["per_day"], w["forced_spread"]) == ([3, 1, 1, 1, 0], 1 if warned else 3)
    assert bool([x for x in report.warnings if x.startswith(f"{SPREAD}:")]) == warned


@pytest.mark.parametrize(("last", "warned"), [(D(2026, 11, 25), False), (D(2026, 11, 20), True)])
def test_spread_rule_keeps_the_gap_to_the_last_contact(last, warned):
    # Today Wed 25 Nov, the first bookable day Sat 5 Dec. Nine customers booked 0/0/3/3/3,
    # 8 slots a day. Their last contact was on ``last``: on 25 Nov, 14 days later is Wed
    # 9 Dec, so none could have come on Monday or Tuesday (minimum gap): 0/0/3/3/3 is
    # forced (spread 3; counted per slot 2/2/2/2/1, spread 1). On 20 Nov they could: named.
    today, days = D(2026, 11, 25), week()
    slots = [s for d in days for s in day_slots(d, 8)]
    custs = [customer(f"G{i}", last=last) for i in range(9)]
    at = [(d, k) for d in days[2:] for k in range(3)]
    rows = [
        appointment(c.customer_id, d, 8 + k, booked_on=today)
        for c, (d, k) in zip(custs, at, strict=True)
    ]
    sc = scenario([specialist()], custs, slots, appointments=rows, today=today)
    report = validate(sc, POLICY)
    assert report.ok, report.violations
    (w,) = [w for w in report.figures["weeks"] if w["new"]]
    assert (w["per_day"], w["forced_spread"]) == ([0, 0, 3, 3, 3], 1 if warned else 3)
    assert bool([x for x in report.warnings if x.startswith(f"{SPREAD}:")]) == warned


def test_most_even_spread_by_hand():
    # capacities 8,8,8,8,1 and 25 bookings: Friday holds 1, the rest 6 each -> 5
    assert most_even_spread([6, 6, 6, 6, 1], [0] * 5, [8, 8, 8, 8, 1]) == 5
    # all days hold 8: 5/5/5/5/5 -> 0, whatever the bookings were
    assert most_even_spread([8, 8, 8, 1, 0], [0] * 5, [8] * 5) == 0
    # 26 bookings: 6/5/5/5/5 -> 1
    assert most_even_spread([8, 8, 8, 2, 0], [0] * 5, [8] * 5) == 1
    # Monday's 8 were booked before today (fixed): 8/5/4/4/4 at best -> 4
    assert most_even_spread([8, 4, 4, 4, 5], [8, 0, 0, 0, 0], [8] * 5) == 4


def test_validate_strict_exits_1_on_an_uneven_week(tmp_path):
    slots = [s for d in week() for s in day_slots(d, 8)]
    custs = [customer(f"C{i:02d}", last=D(2026, 6, 1)) for i in range(10)]
    rows = [appointment(f"C{i:02d}", MONDAY, 8 + i) for i in range(8)]
    rows += [appointment("C08", week()[1], 8), appointment("C09", week()[2], 8)]
    folder = write_scenario(
        scenario([specialist()], custs, slots, appointments=rows), tmp_path / "f"
    )
    runner = CliRunner()
    plain = runner.invoke(app, ["validate", str(folder)])
    assert plain.exit_code == 0, plain.output
    strict = runner.invoke(app, ["validate", str(folder), "--strict"])
    assert strict.exit_code == 1, strict.output
    assert "strict: spread: S1 2026-W50: per day 8/1/1/0/0" in strict.output


# --- 2. overdue customers first, at any horizon -----------------------------------------


def _one_slot_left(policy: Policy):
    # One slot (Mon 7 Dec). K: K1, last contact 1 Jun -> due 1 Oct, overdue. U: U25, last
    # contact 8 Nov -> due 8 Dec, can still be met on the 7th. Priorities: K 1,000 + 1,549
    # (elapsed 189/122 days) = 2,549; U 2,000 + 1,000 + 967 (29/30 days) = 3,967.
    # U left out misses its deadline: 1,000,000, and waits a week: 3,967.
    # K left out waits a week: 1,000,000 + 7 x 2,000 + 100 x 2,549 = 1,268,900.
    # Book K: 1,003,967 - 2,549 = 1,001,418; book U: 1,268,900 - 3,967 = 1,264,933 -> K.
    # Without the overdue weights (overdue_day = overdue_order = 0), book U:
    # 1,000,000 - 3,967 = 996,033 -> U: priority alone.
    k = customer("K", last=D(2026, 6, 1))
    u = customer("U", category="U25", under_25=True, last=D(2026, 11, 8))
    sc = scenario([specialist()], [k, u], day_slots(MONDAY, 1))
    return {a.customer_id for a in run(sc, policy).bookings}


def test_overdue_k1_takes_the_last_slot_from_an_on_time_u25():
    assert _one_slot_left(POLICY) == {"K"}


def test_without_the_overdue_weight_priority_alone_gives_it_to_the_u25():
    assert _one_slot_left(with_(POLICY, "weights", overdue_day=0, overdue_order=0)) == {"U"}


def test_a_chained_second_contact_does_not_push_an_overdue_u25_back():
    # U is U25 and overdue (last contact 1 Oct, due 1 Nov). Six weeks of one slot a day.
    # Booked in week 1 (Dec 7) U needs a second contact by Jan 7 (inside the horizon);
    # booked later it would not. The chained contact is never charged as waiting, so
    # U's first booking stays on the first day of week 1; the second follows in time.
    days = [
        MONDAY + dt.timedelta(days=i) for i in range(42) if (MONDAY + dt.timedelta(i)).weekday() < 5
    ]
    slots = [s for d in days for s in day_slots(d, 1)]
    u = customer("U", category="U25", under_25=True, last=D(2026, 10, 1))
    p = run(scenario([specialist()], [u], slots), weeks=6)
    first, *rest = sorted(a.day for a in p.bookings)
    assert first < MONDAY + dt.timedelta(days=7)
    assert rest and rest[0] <= add_months(first, 1)  # the chained contact, in time
    assert validate(p.planned_scenario(), POLICY).ok


# --- 3. no colleagues' customers to reach 25; cover only on absence ---------------------


def test_a_short_week_is_reported_not_filled_with_colleagues_customers():
    # S1 has one customer and 3 slots (target 25); S2's customers stay with S2 (no slot):
    # S1 books A only and the week carries its shortfall reason for the team lead.
    slots = day_slots(MONDAY, 3, sid="S1")
    specs = [specialist("S1"), specialist("S2")]
    custs = [customer("A", last=D(2026, 10, 1))] + [
        customer(f"B{i}", sid="S2", last=D(2026, 10, 1)) for i in range(3)
    ]
    p = run(scenario(specs, custs, slots))
    assert {(a.customer_id, a.specialist_id) for a in p.bookings} == {("A", "S1")}
    assert p.covers == []
    week1 = p.specialists[0]["weeks"][0]
    assert (week1["target"], week1["booked"]) == (25, 1)
    assert "only 1 customers could be booked" in week1["shortfall_reason"]


def _full_own_specialist(policy: Policy):
    # S1 is present with one slot (Mon 7 Dec) before the deadline 9 Dec of A and B (last
    # contact 9 Aug, K1). S2 (S1's substitute) has free slots all week.
    slots = day_slots(MONDAY, 1, sid="S1") + [s for d in week() for s in day_slots(d, 2, sid="S2")]
    specs = [specialist("S1", substitute_id="S2"), specialist("S2")]
    custs = [customer("A", last=D(2026, 8, 9)), customer("B", last=D(2026, 8, 9))]
    return run(scenario(specs, custs, slots), policy)


def test_a_present_but_full_specialist_keeps_the_deadline_by_default():
    # default cover_when_full = false: one of A, B with S1 on Monday, the other missed and
    # reported; nothing goes to S2.
    p = _full_own_specialist(POLICY)
    assert [a.specialist_id for a in p.bookings] == ["S1"]
    # the other is reported: nothing planned, still reachable by a later plan ("open")
    assert {k: v for k, v in p.counts().items() if v} == {
        "met": 1,
        "open": 1,
        "open_due_in_horizon": 1,
    }


def test_with_cover_when_full_the_substitute_takes_the_deadline():
    p = _full_own_specialist(with_(POLICY, "booking", cover_when_full=True))
    assert sorted(a.specialist_id for a in p.bookings) == ["S1", "S2"]
    assert {k: v for k, v in p.counts().items() if v} == {"met": 2}
    assert "no free slot of the own specialist" in p.covers[0]["reason"]


def test_own_specialist_goes_over_target_up_to_the_cap_before_any_cover():
    # S1 at fte 0.2 (target 5) has 8 slots a day; 7 customers due 9 Dec: all 7 with S1
    # by the 9th (over target by 2, deadlines first), none with the substitute.
    slots = [s for d in week() for sid in ("S1", "S2") for s in day_slots(d, 8, sid=sid)]
    specs = [specialist("S1", fte=0.2, substitute_id="S2"), specialist("S2")]
    custs = [customer(f"C{i}", last=D(2026, 8, 9)) for i in range(7)]
    p = run(scenario(specs, custs, slots))
    assert len(p.bookings) == 7
    assert all(a.specialist_id == "S1" and a.day <= D(2026, 12, 9) for a in p.bookings)


def test_an_fm_substitute_takes_no_density_cover():
    # S1 absent all week; its substitute S2 is a case manager (fm): the cover goes to S3.
    absence = Absence(specialist_id="S1", first_day=MONDAY, last_day=MONDAY + dt.timedelta(6))
    slots = [s for d in week() for sid in ("S2", "S3") for s in day_slots(d, 2, sid=sid)]
    specs = [
        specialist("S1", substitute_id="S2"),
        specialist("S2", role="fm"),
        specialist("S3"),
    ]
    p = run(scenario(specs, [customer("A", last=D(2026, 8, 9))], slots, [absence]))
    (a,) = p.bookings
    assert a.specialist_id == "S3"
    assert "absent until after the deadline" in p.covers[0]["reason"]


def test_covers_go_to_the_least_booked_day_of_the_earliest_week():
    # S2 is absent for two weeks, S1 its substitute with 8 slots a day. S1's own 25
    # customers are overdue: all booked, 5/5/5/5/5. S2's three are overdue too; nobody
    # can meet their deadline, so S1 covers them in week 1. Waiting inside a week costs
    # nothing, so they go where S1's week stays even, 6/6/6/5/5 (the 28 bookings can be
    # no more even: spread 1); at the earliest day they went Monday, Monday, Monday:
    # 8/5/5/5/5 (jobcenter, 1 week: S032 7/6/5/5 with covers for the absent S035).
    absence = Absence(specialist_id="S2", first_day=MONDAY, last_day=MONDAY + dt.timedelta(13))
    slots = [s for d in week() for s in day_slots(d, 8)]
    specs = [specialist("S1"), specialist("S2", substitute_id="S1")]
    custs = [customer(f"C{i:02d}", last=D(2026, 6, 1)) for i in range(25)]
    custs += [customer(f"X{i}", "S2", last=D(2026, 6, 1)) for i in range(3)]
    p = run(scenario(specs, custs, slots, [absence]))
    assert sorted(c["customer_id"] for c in p.covers) == ["X0", "X1", "X2"]
    assert loads(p) == [6, 6, 6, 5, 5]
    report = validate(p.planned_scenario(), POLICY)
    assert report.ok_strict(), report.warnings


# --- 4. a far-future booking does not hide a due contact --------------------------------


def _far_future(policy: Policy):
    # U (U25, last contact 10 Nov -> due 10 Dec) already holds a follow-up on 2027-01-20,
    # booked on 2 Nov. That one is after the deadline, so U is planned by the 10th.
    late = appointment("U", D(2027, 1, 20), 9, appointment_id="OLD1", booked_on=D(2026, 11, 2))
    slots = [s for d in week() for s in day_slots(d, 2)] + day_slots(D(2027, 1, 20), 2)
    u = customer("U", category="U25", under_25=True, last=D(2026, 11, 10))
    sc = scenario([specialist()], [u], slots, appointments=[late])
    return sc, run(sc, policy)


def test_a_late_planned_appointment_is_replaced_in_time_and_voided():
    _, p = _far_future(POLICY)
    (new,) = p.bookings
    assert new.day <= D(2026, 12, 10)
    (row,) = p.late_appointments
    assert (row["appointment_id"], row["voided"]) == ("OLD1", True)
    assert row["reason"].startswith("after the deadline 2026-12-10; replaced by")
    after = {a.appointment_id: a for a in p.planned_scenario().appointments}
    assert after["OLD1"].status is Status.voided
    assert validate(p.planned_scenario(), POLICY).ok_strict()


def test_keeping_late_appointments_lists_them_beside_the_new_one():
    _, p = _far_future(with_(POLICY, "booking", void_late_appointments=False))
    (new,) = p.bookings
    assert new.day <= D(2026, 12, 10)
    assert p.late_appointments[0]["voided"] is False
    after = {a.appointment_id: a for a in p.planned_scenario().appointments}
    assert after["OLD1"].status is Status.planned
    assert validate(p.planned_scenario(), POLICY).ok


def test_validator_does_not_count_a_late_only_appointment_as_met():
    sc, _ = _far_future(POLICY)
    report = validate(sc, POLICY)
    row = next(d for d in report.figures["deadlines"] if d["customer"] == "U")
    assert (row["status"], row["planned"]) == ("late", "2027-01-20")
    assert [w for w in report.warnings if w.startswith(LATE_BOOKING)]
    assert not report.ok_strict()


def _late_if_she_could_come(unavailable: str) -> list[str]:
    """U (due Thu 10 Dec) holds a follow-up on 2027-01-20; the own specialist's only free
    slots by the 10th are on Thursday 10 Dec, in the morning. Is the late booking named?"""
    late = appointment("U", D(2027, 1, 20), 9, appointment_id="OLD1", booked_on=D(2026, 11, 2))
    slots = day_slots(D(2026, 12, 10), 2) + day_slots(D(2027, 1, 20), 2)
    u = customer("U", category="U25", under_25=True, last=D(2026, 11, 10))
    if unavailable:
        u = u.model_copy(update={"unavailable": parse_unavailable(unavailable)})
    report = validate(scenario([specialist()], [u], slots, appointments=[late]), POLICY)
    return [w for w in report.warnings if w.startswith(LATE_BOOKING)]


def test_a_late_booking_is_named_when_the_customer_could_take_a_slot_in_time():
    assert len(_late_if_she_could_come("")) == 1
    assert len(_late_if_she_could_come("Wed")) == 1  # another day: Thursday still fits


def test_a_late_booking_is_not_named_when_the_customer_cannot_come_on_the_slots_days():
    # Thursday mornings are the only slots in time, and U cannot come then: no booking
    # could have met the deadline (before: named, as if the slots were open to U)
    assert _late_if_she_could_come("Thu") == []
    assert _late_if_she_could_come("Thu-AM") == []


def _late_behind(last: dt.date, category: str = "K1", booked_on: dt.date = TODAY) -> list[str]:
    """As above, U could come on Thursday, but both Thursday slots hold others, whose last
    contact was on ``last``, booked on ``booked_on``: is U's late booking named?"""
    late = appointment("U", D(2027, 1, 20), 9, appointment_id="OLD1", booked_on=D(2026, 11, 2))
    slots = day_slots(D(2026, 12, 10), 2) + day_slots(D(2027, 1, 20), 2)
    u = customer("U", category="U25", under_25=True, last=D(2026, 11, 10))
    others = [customer(f"O{i}", category=category, last=last) for i in (1, 2)]
    held = [appointment(f"O{i}", D(2026, 12, 10), 7 + i, booked_on=booked_on) for i in (1, 2)]
    sc = scenario([specialist()], [u, *others], slots, appointments=[late, *held])
    return [w for w in validate(sc, POLICY).warnings if w.startswith(LATE_BOOKING)]


def test_a_late_booking_behind_overdue_customers_is_not_named():
    # O1, O2 (K1, last contact 1 Jun: due 1 Sep) are overdue: they come first (RULES.md
    # objective 1), so no slot was U's to take
    assert _late_behind(D(2026, 6, 1)) == []


def test_a_late_booking_behind_customers_due_later_is_named():
    # O1, O2 (K3, last contact 20 Nov: due in May) could have waited: U should have one
    assert len(_late_behind(D(2026, 11, 20), "K3")) == 1


def test_a_late_booking_behind_bookings_made_before_today_is_not_named():
    # the same customers due later, but booked on 2 Nov: the plan never moves them
    assert _late_behind(D(2026, 11, 20), "K3", booked_on=D(2026, 11, 2)) == []


# --- 5. exemptions: FM specialists have no target ---------------------------------------


def test_a_case_manager_has_no_weekly_target_and_is_not_short():
    slots = [s for d in week() for s in day_slots(d, 4, sid="F1")]
    sc = scenario([specialist("F1", role="fm")], [], slots)
    p = run(sc)
    (w,) = p.specialists[0]["weeks"]
    assert (w["target"], w["booked"]) == (0, 0) and "shortfall_reason" not in w
    report = validate(sc, POLICY)
    assert all(row["target"] == 0 for row in report.figures["weeks"])


# --- 6./7. qualified contact per rule set ------------------------------------------------


def _held(kind: Kind, mode: Mode, day: D = D(2026, 11, 2)) -> Appointment:
    return appointment("C", day, 9, kind=kind, mode=mode, status=Status.held, booked_on=None)


def test_ba_2010_counts_in_person_contacts_only():
    c = customer("C", category="MP", last=None)
    assert BA.is_qualified(_held(Kind.follow_up, Mode.in_person), c)
    assert not BA.is_qualified(_held(Kind.follow_up, Mode.video), c)
    assert not BA.is_qualified(_held(Kind.group_session, Mode.in_person), c)
    assert POLICY.is_qualified(_held(Kind.follow_up, Mode.video), customer("C"))


def test_group_session_counts_for_k1_only_under_heilbronn():
    session = _held(Kind.group_session, Mode.in_person)
    assert POLICY.is_qualified(session, customer("C", category="K1"))
    assert not POLICY.is_qualified(session, customer("C", category="K3", unemployed=False))


def test_ba_2010_books_a_video_customer_in_person():
    # under ba-2010 only a personal visit counts, so a video customer is invited in person
    v = customer("V", category="MP", last=D(2026, 9, 1), mode=Mode.video)
    p = run(scenario([specialist()], [v], day_slots(MONDAY, 2), policy="ba-2010"), BA)
    (a,) = p.bookings
    assert a.mode is Mode.in_person
    assert validate(p.planned_scenario(), BA).ok


# --- 8. the horizon starts on the first bookable day -----------------------------------


def test_the_days_before_the_first_monday_are_planned_with_a_prorated_target():
    # Slots on Thu 3 and Fri 4 Dec (today + 10 = Thu 3). A (K1, last contact 4 Aug) is due
    # Fri 4 Dec: booked on the 3rd or 4th, met. The partial week's target is
    # 25 x 2 / 5 = 10 in the plan; the validator's figures give the week its whole target
    # (25: a moved planning date changes no week's target) and count the booking.
    partial = [D(2026, 12, 3), D(2026, 12, 4)]
    slots = [s for d in partial + week() for s in day_slots(d, 8)]
    custs = [customer("A", last=D(2026, 8, 4))]
    p = run(scenario([specialist()], custs, slots))
    (a,) = p.bookings
    assert a.day in partial
    assert {k: v for k, v in p.counts().items() if v} == {"met": 1}
    first, second = p.specialists[0]["weeks"]
    assert (first["monday"], first["target"]) == ("2026-11-30", 10)
    assert (second["monday"], second["target"]) == ("2026-12-07", 25)
    report = validate(p.planned_scenario(), POLICY)
    w49 = next(w for w in report.figures["weeks"] if w["week"] == "2026-W49")
    assert (w49["target"], w49["booked"]) == (25, 1)


def test_a_late_reason_names_the_true_first_bookable_day():
    # No slot before Mon 7 Dec: an overdue customer is late, and the reason says the lead
    # time allows Thu 3 Dec while the office has no free slot before the 7th.
    p = run(scenario([specialist()], [customer("A", last=D(2026, 6, 1))], day_slots(MONDAY, 1)))
    (row,) = p.deadlines
    assert row["reason"] == (
        "overdue since 2026-10-01; the lead time allows 2026-12-03 at the earliest "
        "(no free slot in the office before 2026-12-07)"
    )


# --- 10. households ----------------------------------------------------------------------


def test_a_household_due_together_gets_back_to_back_slots_with_one_specialist():
    # H1, H2 (household BG1, both due 9 Dec) and 8 others due later; 4 slots a day. The
    # household shares a day, in adjacent slots; the plan says so.
    slots = [s for d in week() for s in day_slots(d, 4, length=45)]
    custs = [
        customer("H1", last=D(2026, 8, 9), household_id="BG1"),
        customer("H2", last=D(2026, 8, 9), household_id="BG1"),
    ] + [customer(f"C{i}", last=D(2026, 9, 1)) for i in range(8)]
    p = run(scenario([specialist()], custs, slots))
    h = {a.customer_id: a for a in p.bookings if a.customer_id in ("H1", "H2")}
    assert h["H1"].day == h["H2"].day
    assert abs(h["H1"].start - h["H2"].start) == dt.timedelta(minutes=45)
    assert p.households == [
        {
            "household_id": "BG1",
            "customers": sorted(h, key=lambda c: h[c].start),
            "specialists": ["S1"],
            "days": [h["H1"].day.isoformat()],
            "same_day": True,
            "back_to_back": True,
        }
    ]


def test_a_household_is_not_forced_onto_one_day_when_the_slots_do_not_allow():
    # One slot on Monday and one on Tuesday: both members are booked, on two days.
    slots = day_slots(MONDAY, 1) + day_slots(week()[1], 1)
    custs = [
        customer("H1", last=D(2026, 8, 9), household_id="BG1"),
        customer("H2", last=D(2026, 8, 9), household_id="BG1"),
    ]
    p = run(scenario([specialist()], custs, slots))
    assert len(p.bookings) == 2
    assert p.households[0]["same_day"] is False
