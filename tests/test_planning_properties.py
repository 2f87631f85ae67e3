"""Property tests of the weekly plan on random small offices.

Every plan, CP-SAT or greedy, passes the independent validator; the CP-SAT plan scores
at least as well as the greedy plan under the same objective function.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import MONDAY, customer, scenario, specialist
from kontaktplan.domain import Absence, Exempt, Mode, Slot, SlotMode, Unavailability
from kontaktplan.planning import plan
from kontaktplan.planning.candidates import build_subproblems, horizon
from kontaktplan.planning.objective import evaluate
from kontaktplan.rules.policy import load_policy
from kontaktplan.validation import validate

POLICIES = {name: load_policy(name) for name in ("heilbronn-2025", "ba-2010")}


@st.composite
def offices(draw):
    policy_name = draw(st.sampled_from(sorted(POLICIES)))
    weeks = draw(st.integers(1, 2))
    n_spec = draw(st.integers(1, 2))
    specs = [
        specialist(f"S{i}", fte=draw(st.sampled_from([0.5, 0.8, 1.0])), video=draw(st.booleans()))
        for i in range(n_spec)
    ]
    slots = []
    for sp in specs:
        for day in range(7 * weeks):
            d = MONDAY + dt.timedelta(days=day)
            if d.weekday() >= 5:
                continue
            start = dt.datetime.combine(d, dt.time(8))
            for _ in range(draw(st.integers(0, 10))):
                length = draw(st.sampled_from([45, 60]))
                mode = draw(st.sampled_from(list(SlotMode)))
                end = start + dt.timedelta(minutes=length)
                slots.append(Slot(specialist_id=sp.specialist_id, start=start, end=end, mode=mode))
                start = end + dt.timedelta(minutes=draw(st.sampled_from([0, 15])))
    absences = []
    if draw(st.booleans()):
        first = MONDAY + dt.timedelta(days=draw(st.integers(0, 7 * weeks - 1)))
        absences.append(
            Absence(
                specialist_id="S0",
                first_day=first,
                last_day=first + dt.timedelta(days=draw(st.integers(0, 4))),
            )
        )
    categories = POLICIES[policy_name].categories
    custs = []
    for i in range(draw(st.integers(0, 30))):
        under_25 = draw(st.booleans())
        unemployed = draw(st.booleans())
        last = draw(
            st.none() | st.dates(min_value=dt.date(2026, 4, 1), max_value=dt.date(2026, 11, 20))
        )
        unavailable = tuple(
            Unavailability(weekday=wd, half=draw(st.sampled_from([None, "AM", "PM"])))
            for wd in draw(st.sets(st.integers(0, 4), max_size=2))
        )
        custs.append(
            customer(
                f"C{i:02d}",
                sid=f"S{draw(st.integers(0, n_spec - 1))}",
                category=draw(st.sampled_from(categories)),
                last=last,
                unemployed=unemployed,
                under_25=under_25,
                mode=draw(st.sampled_from([None, Mode.in_person, Mode.video])),
                unavailable=unavailable,
                exempt=draw(st.sampled_from([None] * 8 + list(Exempt))),
            )
        )
    sc = scenario(specs, custs, slots, absences, policy=policy_name)
    return sc, POLICIES[policy_name], weeks


def score(sc, policy, weeks, p) -> int:
    subs = build_subproblems(sc, policy, horizon(sc, policy, weeks))
    total = 0
    for sub in subs:
        mine = [(a.customer_id, a.day) for a in p.bookings if a.specialist_id == sub.specialist_id]
        total += evaluate(sub, mine)["total"]
    return total


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(offices())
def test_every_plan_validates_and_cpsat_scores_at_least_as_well_as_greedy(office):
    sc, policy, weeks = office
    plans = {
        solver: plan(sc, policy, weeks=weeks, solver=solver, workers=1, time_limit=20)
        for solver in ("cpsat", "greedy")
    }
    for solver, p in plans.items():
        report = validate(p.planned_scenario(), policy)
        assert report.ok, (solver, [(v.rule, v.message) for v in report.violations])
    cp, gr = plans["cpsat"], plans["greedy"]
    assert cp.status == "OPTIMAL" or not cp.bookings
    assert score(sc, policy, weeks, cp) == cp.objective
    assert score(sc, policy, weeks, cp) <= score(sc, policy, weeks, gr)
