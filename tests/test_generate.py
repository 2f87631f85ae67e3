"""The scenario generator (kontaktplan.generate) and the bundled scenarios (scenarios/)."""

from __future__ import annotations

import datetime as dt
import shlex
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import Kind, Mode, Scenario, SlotMode, Status
from kontaktplan.generate import generate
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.rules.calendar import OfficeCalendar, first_plannable_monday
from kontaktplan.rules.policy import (
    Policy,
    category_review,
    due_dates,
    load_policy,
    qualified_contacts,
)

TODAY = dt.date(2026, 11, 23)
SCENARIOS = Path(__file__).parents[1] / "scenarios"


def _office(policy: Policy, seed: int = 7, specialists: int = 5, customers: int = 200):
    return generate(
        specialists=specialists,
        customers_per_specialist=customers,
        seed=seed,
        weeks=4,
        today=TODAY,
        policy=policy,
        name="test",
    )


@pytest.fixture(scope="module")
def heilbronn() -> Policy:
    return load_policy("heilbronn-2025")


@pytest.fixture(scope="module")
def office(heilbronn: Policy) -> Scenario:
    """A mid-size office: 5 specialists, about 200 customers per full-time post."""
    return _office(heilbronn)


def figures(scenario: Scenario, policy: Policy, weeks: int = 4) -> dict[str, float]:
    """Realism figures: shares of the customers, and the customers due by the end of the
    ``weeks``-week horizon against the weekly targets summed over it."""
    customers = scenario.customers
    n = len(customers)
    first = first_plannable_monday(scenario.today, policy.booking.lead_days)
    last = first + dt.timedelta(days=7 * weeks - 1)
    cal = OfficeCalendar(scenario, policy)
    dues = due_dates(scenario, policy).values()
    out = {
        "customers": n,
        "unemployed": sum(c.unemployed for c in customers) / n,
        "under_25": sum(c.under_25 for c in customers) / n,
        "exempt": sum(c.exempt is not None for c in customers) / n,
        "new": sum(c.last_contact is None and c.exempt is None for c in customers) / n,
        "profile": sum(c.profile is not None for c in customers) / n,
        "household": sum(c.household_id is not None for c in customers) / n,
        "video": sum(c.mode is Mode.video for c in customers) / n,
        "unavailable": sum(bool(c.unavailable) for c in customers) / n,
        "category_review": len(category_review(scenario, policy)),
        "overdue": sum(d.due < scenario.today for d in dues),
        "due_in_horizon": sum(d.due <= last for d in dues),
        "target": sum(
            cal.week_target(s, first + dt.timedelta(weeks=k)).target
            for s in scenario.specialists
            for k in range(weeks)
        ),
    }
    for code in policy.categories:
        out[f"category_{code}"] = sum(c.category == code for c in customers) / n
    return out


def _files(folder: Path) -> dict[str, bytes]:
    """The scenario's files (not the writer's manifest and lock, nor the copy of the
    bundled rule set a written folder carries)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if not p.name.startswith(".kontaktplan.") and p.name != "heilbronn-2025.toml"
    }


def test_same_seed_writes_the_same_folder_byte_for_byte(heilbronn, tmp_path):
    a = write_scenario(_office(heilbronn, seed=3, specialists=4, customers=40), tmp_path / "a")
    b = write_scenario(_office(heilbronn, seed=3, specialists=4, customers=40), tmp_path / "b")
    assert _files(a) == _files(b)
    assert set(_files(a)) >= {"customers.csv", "slots.csv", "appointments.csv"}


def test_other_seed_gives_another_office(heilbronn, tmp_path):
    a = write_scenario(_office(heilbronn, seed=3, specialists=4, customers=40), tmp_path / "a")
    b = write_scenario(_office(heilbronn, seed=4, specialists=4, customers=40), tmp_path / "b")
    assert _files(a)["customers.csv"] != _files(b)["customers.csv"]
    assert _files(a)["slots.csv"] != _files(b)["slots.csv"]


def test_category_mix_is_that_of_a_real_office(office, heilbronn):
    f = figures(office, heilbronn)
    assert 700 <= f["customers"] <= 1000
    assert 0.40 <= f["unemployed"] <= 0.52
    assert 0.10 <= f["under_25"] <= 0.15
    assert 0.02 <= f["exempt"] <= 0.06
    assert 0.015 <= f["new"] <= 0.05
    assert 0.05 <= f["category_U25"] <= 0.11
    assert f["category_K1"] > f["category_U25"]
    assert 0.05 <= f["profile"] <= 0.15
    assert 0.05 <= f["household"] <= 0.15
    assert 0.05 <= f["unavailable"] <= 0.15
    assert 5 <= f["category_review"] <= 0.03 * f["customers"]


def test_profiles_i_and_z_are_always_k3(office):
    assert {c.category for c in office.customers if c.profile in ("I", "Z")} <= {"K3"}


def test_teams_fte_and_substitutes():
    office = _office(load_policy("heilbronn-2025"), specialists=60, customers=5)
    teams = Counter(s.team for s in office.specialists)
    assert 5 <= len(teams) <= 8 and all(8 <= n <= 12 for n in teams.values())
    by_id = office.specialists_by_id
    for s in office.specialists:
        assert s.substitute_id and s.substitute_id != s.specialist_id
        assert by_id[s.substitute_id].team == s.team
    full = sum(s.fte == 1 for s in office.specialists) / len(office.specialists)
    assert 0.5 <= full <= 0.85
    assert {s.fte for s in office.specialists} <= {0.5, 0.6, 0.75, 0.8, 1.0}
    assert any(not s.video for s in office.specialists)


def test_due_customers_slightly_exceed_the_weekly_targets(office, heilbronn):
    f = figures(office, heilbronn)
    assert f["target"] <= f["due_in_horizon"] <= 1.15 * f["target"]
    assert 0.02 * f["customers"] <= f["overdue"] <= 0.06 * f["customers"]


def test_slots_from_the_first_plannable_monday_never_on_a_holiday(office, heilbronn):
    cal = OfficeCalendar(office, heilbronn)
    first = first_plannable_monday(TODAY, heilbronn.booking.lead_days)
    days = {s.day for s in office.slots}
    assert min(days) >= first and max(days) < first + dt.timedelta(weeks=4)
    assert all(cal.is_working_day(d) for d in days)
    assert dt.date(2026, 12, 24) in days  # Christmas Eve is no public holiday in BW


def test_full_timers_have_more_slots_a_day_than_the_cap(office, heilbronn):
    per_day = Counter((s.specialist_id, s.day) for s in office.slots)
    full = [s.specialist_id for s in office.specialists if s.fte == 1]
    counts = [n for (sid, _), n in per_day.items() if sid in full]
    assert sum(counts) / len(counts) > heilbronn.booking.daily_cap
    assert all(7 <= n <= 10 for n in counts)
    assert {s.minutes for s in office.slots} == {45, 60}
    assert min(s.start.time() for s in office.slots) >= dt.time(8)
    assert max(s.end.time() for s in office.slots) <= dt.time(16)


def test_part_timers_have_slots_on_their_usual_weekdays_in_every_week(heilbronn):
    office = _office(heilbronn, specialists=40, customers=5)
    cal = OfficeCalendar(office, heilbronn)
    slot_days = defaultdict(set)
    for s in office.slots:
        slot_days[s.specialist_id].add(s.day)
    first = first_plannable_monday(TODAY, heilbronn.booking.lead_days)
    part = [s for s in office.specialists if s.fte < 1]
    assert part
    for sp in part:
        usual = cal.regular_weekdays(sp.specialist_id)
        for day in (first + dt.timedelta(days=i) for i in range(28)):
            if cal.is_working_day(day) and not cal.is_absent(sp.specialist_id, day):
                assert (day in slot_days[sp.specialist_id]) == (day.weekday() in usual)


def test_history_is_consistent_with_last_contact(office, heilbronn):
    for c in office.customers:
        rows = office.appointments_by_customer.get(c.customer_id, ())
        held = [a for a in rows if a.status is Status.held]
        assert qualified_contacts(c, held, heilbronn)[-1:] == (
            [c.last_contact] * bool(c.last_contact)
        )
        assert max((a.day for a in held), default=None) == c.last_contact
    for a in office.appointments:
        if a.status is Status.planned:
            assert a.day > TODAY and a.booked_on < TODAY
        else:
            assert a.day < TODAY and a.booked_on <= a.day - dt.timedelta(days=14)
        assert a.minutes == heilbronn.duration(a.kind)
        assert (a.mode is Mode.phone) == a.qualified_exception


def test_no_specialist_double_booked_or_over_the_daily_cap(office, heilbronn):
    cal = OfficeCalendar(office, heilbronn)
    by_day = defaultdict(list)
    for a in office.appointments:
        by_day[(a.specialist_id, a.day)].append(a)
        assert cal.is_working_day(a.day)
        assert a.day.weekday() in cal.regular_weekdays(a.specialist_id)
        assert office.customers_by_id[a.customer_id].specialist_id == a.specialist_id
        if a.status is not Status.cancelled:
            assert office.customers_by_id[a.customer_id].available(a.start, a.end)
    for rows in by_day.values():
        assert len(rows) <= heilbronn.booking.daily_cap
        rows.sort(key=lambda a: a.start)
        assert all(x.end <= y.start for x, y in pairwise(rows))
    per_customer = Counter((a.customer_id, a.day) for a in office.appointments)
    assert max(per_customer.values()) == 1


def test_existing_bookings_keep_every_booking_rule(office, heilbronn):
    cal = OfficeCalendar(office, heilbronn)
    planned = [a for a in office.appointments if a.status is Status.planned]
    assert planned
    for a in planned:
        c = office.customers_by_id[a.customer_id]
        assert (a.day - a.booked_on).days >= heilbronn.booking.lead_days
        assert cal.is_available(a.specialist_id, a.day)
        slot = next(
            s for s in office.slots if s.specialist_id == a.specialist_id and s.start == a.start
        )
        assert slot.minutes >= a.minutes and slot.mode in (SlotMode.any, SlotMode(a.mode.value))
        assert a.kind is (Kind.follow_up if c.last_contact else Kind.first_interview)
        if c.last_contact:
            assert (a.day - c.last_contact).days >= heilbronn.booking.min_days_between_contacts
    assert len({a.customer_id for a in planned}) == len(planned)


def test_reads_back_without_input_error(office, tmp_path):
    loaded = read_scenario(write_scenario(office, tmp_path / "office"))
    assert loaded.scenario == office
    assert all("absence" in w for w in loaded.warnings)


def test_validator_finds_no_hard_violation(office, heilbronn):
    validate = pytest.importorskip("kontaktplan.validation")
    report = validate.validate(office, heilbronn)
    assert report.ok, [v.message for v in report.violations[:5]]


def test_ba_2010_customers_carry_profile_codes(tmp_path):
    policy = load_policy("ba-2010")
    office = _office(policy, specialists=3, customers=60)
    assert {c.category for c in office.customers} <= set(policy.categories)
    assert len({c.category for c in office.customers}) >= 6
    read_scenario(write_scenario(office, tmp_path / "ba"))


def test_cli_writes_the_folder(tmp_path):
    out = tmp_path / "office"
    args = ["scenario", "generate", "--specialists", "3", "--customers-per-specialist", "30"]
    result = CliRunner().invoke(app, [*args, "--seed", "5", "--weeks", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_scenario(out).scenario.meta.name == "office"


def _recorded(name: str) -> list[str]:
    """The arguments of the command in scenarios/README.md that wrote ``scenarios/<name>``."""
    for line in (SCENARIOS / "README.md").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line.strip())
        if words[:3] == ["kontaktplan", "scenario", "generate"] and f"scenarios/{name}" in words:
            return words[1:]
    raise AssertionError(f"no command for scenarios/{name} in scenarios/README.md")


def _regenerate(name: str, tmp_path: Path) -> Path:
    args = _recorded(name)
    out = tmp_path / name
    args[args.index("--out") + 1] = str(out)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def test_bundled_demo_equals_a_fresh_generation(tmp_path):
    assert _files(_regenerate("demo", tmp_path)) == _files(SCENARIOS / "demo")


@pytest.mark.slow
def test_bundled_jobcenter_equals_a_fresh_generation(tmp_path):
    assert _files(_regenerate("jobcenter", tmp_path)) == _files(SCENARIOS / "jobcenter")
