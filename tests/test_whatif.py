"""What-if edits and measures: each one's effect on a small scenario, checked exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builders import MONDAY, TODAY, customer, scenario, slot, specialist
from kontaktplan.domain import Appointment, Exempt, Status
from kontaktplan.io import read_scenario
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import due_dates, load_policy
from kontaktplan.validation import validate
from kontaktplan.whatif import (
    absence_wave,
    contacts_needed,
    deadlines,
    hit_by_absence_wave,
    pick_specialists,
    scale_caseload,
    simulate_week,
    with_policy,
    with_weekly_volume,
)

POLICY = load_policy("heilbronn-2025")
BA = load_policy("ba-2010")
DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo"


@pytest.fixture(scope="module")
def demo():
    return read_scenario(DEMO).scenario


def booking(aid: str, cid: str, sid: str, day: dt.date, hour: int) -> Appointment:
    start = dt.datetime.combine(day, dt.time(hour))
    return Appointment(
        appointment_id=aid,
        customer_id=cid,
        specialist_id=sid,
        start=start,
        end=start + dt.timedelta(minutes=45),
        kind="follow_up",
        mode="in_person",
        status="planned",
        booked_on=TODAY,
    )


def eight_specialists():
    staff = [specialist(f"S{i}") for i in range(1, 9)]
    return scenario(staff, [customer("C1", "S1")], [slot(MONDAY, 8, sid="S1")])


# -- absence wave -------------------------------------------------------------------------


def test_absence_wave_quarter_of_eight_is_exactly_two_for_fourteen_days():
    sc = eight_specialists()
    waved = absence_wave(sc, 0.25, MONDAY, 14, seed=3)
    added = waved.absences[len(sc.absences) :]
    assert len(added) == 2
    assert len({a.specialist_id for a in added}) == 2
    assert {(a.first_day, a.last_day) for a in added} == {(MONDAY, dt.date(2026, 12, 20))}
    assert sc.absences == ()  # the input is not changed
    assert absence_wave(sc, 0.25, MONDAY, 14, seed=3) == waved  # same seed, same wave
    cal = OfficeCalendar(waved, POLICY)
    for a in added:
        assert cal.week_target(waved.specialists_by_id[a.specialist_id], MONDAY).target == 0


@pytest.mark.parametrize(("share", "n"), [(0.15, 1), (0.1875, 2), (0.0, 0), (1.0, 8)])
def test_share_of_specialists_rounds_half_up(share, n):
    assert len(pick_specialists(eight_specialists(), share, seed=1)) == n


def test_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="share"):
        pick_specialists(eight_specialists(), 1.5, seed=1)


def test_wave_hitting_a_planned_week_moves_what_it_can_and_escalates_the_rest():
    # S1 and S2 substitute each other. Whoever is away: one of their two appointments
    # is at a time the other has free (moved), one at a time the other is busy (escalated).
    staff = [specialist("S1", substitute_id="S2"), specialist("S2", substitute_id="S1")]
    tue = MONDAY + dt.timedelta(days=1)
    rows = [
        booking("A1", "C1", "S1", MONDAY, 8),
        booking("A2", "C2", "S1", MONDAY, 10),
        booking("B1", "C3", "S2", MONDAY, 8),
        booking("B2", "C4", "S2", tue, 10),
    ]
    people = [customer(c, s) for c, s in (("C1", "S1"), ("C2", "S1"), ("C3", "S2"), ("C4", "S2"))]
    sc = scenario(staff, people, [slot(MONDAY, 14)], appointments=rows)
    hit = hit_by_absence_wave(sc, POLICY, 0.5, MONDAY, 7, seed=5, time_limit=5)
    assert len(hit.absent) == 1
    assert (hit.affected, hit.moved, hit.escalated) == (2, 1, 1)
    escalated = "A1" if hit.absent == ["S1"] else "B1"
    status = {a.appointment_id: a.status for a in hit.worst_case.appointments}
    assert status[escalated] is Status.voided
    assert sum(s is Status.voided for s in status.values()) == 1
    assert len(hit.scenario.absences) == 1


# -- caseload ----------------------------------------------------------------------------


def test_caseload_plus_twenty_percent_clones_with_new_unique_ids(demo):
    grown = scale_caseload(demo, 1.2, seed=1)
    assert len(grown.customers) == 1812 == round(1.2 * len(demo.customers))
    ids = [c.customer_id for c in grown.customers]
    assert len(set(ids)) == len(ids)
    assert grown.customers[: len(demo.customers)] == demo.customers
    clones = grown.customers[len(demo.customers) :]
    assert clones[0].customer_id == "C01511" and clones[-1].customer_id == "C01812"
    originals = {(c.specialist_id, c.category, c.last_contact) for c in demo.customers}
    assert all((c.specialist_id, c.category, c.last_contact) in originals for c in clones)
    assert all(c.household_id is None for c in clones)
    assert grown.appointments == demo.appointments
    assert validate(grown, POLICY).ok
    assert scale_caseload(demo, 1.2, seed=1) == grown


def test_caseload_minus_twenty_percent_drops_customers_with_their_appointments(demo):
    shrunk = scale_caseload(demo, 0.8, seed=1)
    assert len(shrunk.customers) == 1208
    left = {c.customer_id for c in shrunk.customers}
    assert all(a.customer_id in left for a in shrunk.appointments)
    gone = {c.customer_id for c in demo.customers} - left
    assert len(demo.appointments) - len(shrunk.appointments) == sum(
        1 for a in demo.appointments if a.customer_id in gone
    )
    assert validate(shrunk, POLICY).ok


# -- rules -------------------------------------------------------------------------------


def test_weekly_volume_twenty_changes_the_target_and_nothing_else():
    rules = with_weekly_volume(POLICY, 20)
    assert rules.booking.weekly_volume_per_fte == 20
    assert POLICY.booking.weekly_volume_per_fte == 25
    assert rules.model_dump() == POLICY.model_dump() | {
        "booking": POLICY.booking.model_dump() | {"weekly_volume_per_fte": 20}
    }
    sc = eight_specialists()
    assert OfficeCalendar(sc, rules).week_target(sc.specialists[0], MONDAY).target == 20


def test_office_under_ba_2010_carries_profiles_and_validates(demo):
    ba = with_policy(demo, "ba-2010", seed=1)
    assert ba.meta.policy == "ba-2010"
    assert {c.category for c in ba.customers} <= set(BA.categories)
    for before, after in zip(demo.customers, ba.customers, strict=True):
        if before.profile in BA.categories:
            assert after.category == before.profile
        if before.category == "K1" and before.unemployed and before.profile is None:
            assert after.category in ("MP", "AP", "FP")
    assert validate(ba, BA).ok
    assert len(due_dates(ba, BA)) == len(due_dates(demo, POLICY))
    assert with_policy(demo, "ba-2010", seed=1) == ba


def test_back_to_heilbronn_follows_category_consistency(demo):
    back = with_policy(with_policy(demo, "ba-2010", seed=1), "heilbronn-2025")
    assert {c.category for c in back.customers} <= set(POLICY.categories)
    for c in back.customers:
        if c.exempt is None and c.under_25 and c.unemployed:
            assert c.category == "U25"
        if c.profile in ("I", "Z") or (not c.unemployed and not c.under_25):
            assert c.category == "K3"


# -- measures ------------------------------------------------------------------------------


def test_contacts_needed_per_week_hand_worked():
    # K1 due 12-10 (week 0), U25 due 12-20 (week 1), K3 without contact: due today,
    # counted in week 0; the exempt customer needs nothing. Intervals (Policy.interval_days):
    # K1 round(4 x 30.44) = 122, U25 round(30.44) = 30, K3 round(6 x 30.44) = 183.
    people = [
        customer("C1", category="K1", last=dt.date(2026, 8, 10)),
        customer("C2", category="U25", under_25=True, last=dt.date(2026, 11, 20)),
        customer("C3", category="K3", unemployed=False, last=None),
        customer("C4", category="K3", unemployed=False, exempt=Exempt.case_management),
    ]
    sc = scenario([specialist("S1", fte=0.8)], people, [slot(MONDAY, 8)])
    (row,) = contacts_needed(sc, POLICY, weeks=3)
    assert (row.customers, row.due_per_week) == (4, (2, 1, 0))
    assert row.steady_per_week == pytest.approx(7 / 122 + 7 / 30 + 7 / 183)
    assert row.target_per_week == 20


def _week_office():
    # C1 due 12-08, C2 due 12-09, both booked in the week; C3 can be called on standby.
    # Slots in the week of 12-21 take the re-invitations (10 days' lead from the day).
    people = [
        customer("C1", last=dt.date(2026, 8, 8)),
        customer("C2", last=dt.date(2026, 8, 9)),
        customer("C3", last=dt.date(2026, 10, 1)),
    ]
    later = MONDAY + dt.timedelta(days=14)
    slots = [
        slot(MONDAY, 8),
        slot(MONDAY + dt.timedelta(days=1), 8),
        slot(later, 8),
        slot(later, 9),
    ]
    rows = [
        booking("A1", "C1", "S1", MONDAY, 8),
        booking("A2", "C2", "S1", MONDAY + dt.timedelta(days=1), 8),
    ]
    return scenario([specialist("S1")], people, slots, appointments=rows)


def test_week_without_no_shows_keeps_every_deadline():
    sc = _week_office()
    sim = simulate_week(sc, POLICY, 0.0, seed=1, planned=sc)
    assert (sim.appointments, sim.no_shows, sim.due, sim.kept) == (2, 0, 2, 2)
    assert {a.status for a in sim.scenario.appointments} == {Status.held}


def test_week_where_everyone_stays_away_calls_standby_and_reinvites():
    sc = _week_office()
    sim = simulate_week(sc, POLICY, 1.0, seed=1, planned=sc)
    assert (sim.appointments, sim.no_shows, sim.due, sim.kept) == (2, 2, 2, 0)
    assert (sim.standby_calls, sim.standby_missing) == (2, 0)
    assert (sim.reinvited, sim.escalated) == (2, 0)
    statuses = {a.appointment_id: a.status for a in sim.scenario.appointments}
    assert statuses["A1"] is statuses["A2"] is Status.no_show


def test_deadlines_counts_what_the_validator_counts():
    sc = _week_office()
    d = deadlines(sc, POLICY, MONDAY, MONDAY + dt.timedelta(days=6))
    assert (d.due, d.kept, d.broken, d.backlog) == (2, 2, 0, 0)
    moved = sc.model_copy(update={"appointments": sc.appointments[:1]})
    broken = deadlines(moved, POLICY, MONDAY, MONDAY + dt.timedelta(days=6))
    assert (broken.broken, broken.broken_by_specialist) == (1, {"S1": 1})
