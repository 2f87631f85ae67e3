"""The simulated year (issue 15): determinism, hand-checked effects of the rates, the
calendar upkeep, the summary, the offices file and the command."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import Kind, Status
from kontaktplan.generate import generate
from kontaktplan.i18n import translator
from kontaktplan.io import write_scenario
from kontaktplan.rules.policy import due_dates, load_policy
from kontaktplan.simulate import load_settings, simulate_office, summarise
from kontaktplan.simulate.backends import Task, run_local
from kontaktplan.simulate.measures import COLUMNS, read_table, table_text
from kontaktplan.simulate.offices import OfficesError, OfficeSpec, read_offices
from kontaktplan.simulate.settings import SettingsError, SimulationSettings
from kontaktplan.simulate.upkeep import WeeklyTemplate, compact
from kontaktplan.validation import validate
from language import foreign_in, page_text

TODAY = dt.date(2026, 11, 23)
QUIET = {  # nothing happens but the plan and the held appointments
    "appointments__no_show_rate": 0.0,
    "appointments__cancellation_rate_7_days_or_more": 0.0,
    "appointments__cancellation_rate_under_7_days": 0.0,
    "sickness__daily_rate": 0.0,
    "caseload__arrivals_per_week": 0.0,
    "caseload__leavers_per_week": 0.0,
}


@pytest.fixture(scope="module")
def policy():
    return load_policy("heilbronn-2025")


@pytest.fixture(scope="module")
def small(policy):
    """Three case workers, about 200 customers, slots for 4 weeks."""
    return generate(
        specialists=3, customers_per_specialist=80, seed=1, weeks=4, today=TODAY,
        policy=policy, name="small",
    )  # fmt: skip


@pytest.fixture(scope="module")
def defaults():
    return load_settings()


def _sum(rows, name, groups=("U25", "K1", "K3")):
    return sum(r[name] for r in rows if r["group"] in groups)


def _took_place(scenario, kinds_out=(Kind.phone_consultation,)):
    return [a for a in scenario.appointments if a.kind not in kinds_out]


# -- determinism -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def eight_weeks(small, policy, defaults):
    """The small office's rows, timing and final office after eight weeks, seed 1."""
    return simulate_office(small, policy, defaults, weeks=8, seed=1)


def test_same_seed_same_rows_over_eight_weeks_and_another_seed_differs(
    eight_weeks, small, policy, defaults
):
    a, _, end_a = eight_weeks
    b, _, end_b = simulate_office(small, policy, defaults, weeks=8, seed=1)
    assert a == b
    assert end_a == end_b
    assert len(a) == 8 * 4 and set(a[0]) == set(COLUMNS)
    c, _, _ = simulate_office(small, policy, defaults, weeks=8, seed=2)
    assert a != c
    assert validate(end_a, policy).ok  # the office after 8 weeks breaks no rule


def test_eight_weeks_give_the_rows_recorded_before_the_speed_ups(eight_weeks):
    """The rows recorded in tests/data/simulate/ by the code before issue 15's last speed-up
    (9cd8b09, with the first interview's deadline kept from the day its row was booked, a
    rule change recorded anew: days overdue of first interviews): work for speed changes
    no row. A change of the rules or of the simulation that changes them records the file
    anew, and says why."""
    rows, _, _ = eight_weeks
    recorded = Path(__file__).parent / "data" / "simulate" / "small-8-weeks-seed-1.csv"
    assert table_text(rows) == recorded.read_text(encoding="utf-8")


def test_a_run_gives_the_frozen_objects_back(small, policy, defaults):
    """The run freezes the old objects once a week (gc.freeze) and unfreezes them at the
    end; a process that froze objects itself keeps them frozen. The collector's thresholds
    are the process's again after the run."""
    import gc

    threshold = gc.get_threshold()
    simulate_office(small, policy, defaults, weeks=2, seed=1)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        simulate_office(small, policy, defaults, weeks=2, seed=1)
        assert 0 < gc.get_freeze_count() <= frozen  # (a frozen object can still die)
    finally:
        gc.unfreeze()


# -- hand-checked effects of the rates ---------------------------------------------------


def test_no_show_rate_zero_no_standby_calls_and_everything_booked_is_held(small, policy, defaults):
    rules = defaults.with_rates(**QUIET)
    rows, _, end = simulate_office(small, policy, rules, weeks=4, seed=3)
    assert _sum(rows, "no_shows", ("all",)) == 0
    assert _sum(rows, "standby_calls", ("all",)) == 0
    assert _sum(rows, "reinvited", ("all",)) == 0
    # nobody arrives or leaves, nothing is cancelled, nobody falls ill: every appointment
    # of the four weeks is held, and the caseload stays as it was
    past = [a for a in end.appointments if TODAY <= a.day < TODAY + dt.timedelta(weeks=4)]
    assert past and all(a.status is Status.held for a in past)
    assert _sum(rows, "held", ("all",)) == len(past)
    assert {r["customers"] for r in rows if r["group"] == "all"} == {
        sum(c.exempt is None for c in small.customers)
    }


def test_no_show_rate_one_every_missed_appointment_is_reinvited_or_escalated(
    small, policy, defaults
):
    rules = defaults.with_rates(**{**QUIET, "appointments__no_show_rate": 1.0})
    rows, _, end = simulate_office(small, policy, rules, weeks=5, seed=4)
    no_shows = _sum(rows, "no_shows")
    assert no_shows > 20
    # each missed appointment of a customer with a deadline: re-invited in person (or an
    # in-person booking already counts), else the team lead gets it; nothing is held
    assert _sum(rows, "reinvited") + _sum(rows, "escalations") == no_shows
    assert _sum(rows, "reinvited") > 0.9 * no_shows
    assert _sum(rows, "held", ("all",)) == 0
    missed = [a for a in end.appointments if a.status is Status.no_show]
    assert len(missed) == _sum(rows, "no_shows", ("all",))
    assert all(a.kind is not Kind.phone_consultation for a in missed)
    calls = [a for a in end.appointments if a.kind is Kind.phone_consultation]
    assert len(calls) == _sum(rows, "standby_calls", ("all",)) > 0
    assert validate(end, policy).ok


def test_everyone_ill_every_day_sends_every_appointment_to_the_team_lead(small, policy, defaults):
    rules = defaults.with_rates(**{**QUIET, "sickness__daily_rate": 1.0})
    rules = SimulationSettings.model_validate(
        {**rules.model_dump(), "sickness": {"daily_rate": 1.0, "durations": {1: 1.0}}}
    )
    rows, _, end = simulate_office(small, policy, rules, weeks=3, seed=5)
    working_days = 15  # Mon 23.11.-Fri 11.12.2026, no holiday in Baden-Württemberg
    assert _sum(rows, "sick_spells", ("all",)) == 3 * working_days
    # the first to fall ill hands over to a colleague who falls ill next; the last one ill
    # has nobody left: every appointment ends on the team lead's list, none is held
    took_place = [a for a in _took_place(end) if TODAY <= a.day < TODAY + dt.timedelta(weeks=3)]
    assert took_place and all(a.status is Status.not_held for a in took_place)
    assert _sum(rows, "escalations", ("all",)) == len(took_place)


def test_the_days_outcomes_are_what_set_status_records_one_by_one(small, policy):
    from kontaktplan.disruption import set_status
    from kontaktplan.disruption.outcome import on_day
    from kontaktplan.simulate.office import outcomes_of_the_day

    planned = [a for a in small.appointments if a.status is Status.planned]
    day = min(a.day for a in planned)
    start = on_day(small, day)
    batch, done = outcomes_of_the_day(start, policy, day)
    one_by_one = start
    for a in sorted((a for a in planned if a.day == day), key=lambda a: a.appointment_id):
        one_by_one = set_status(
            one_by_one, policy, a.appointment_id, Status.held, next_contact=False
        ).scenario
    assert done and batch == one_by_one


# -- keeping the calendar going ----------------------------------------------------------


def test_template_adds_slots_on_working_days_only(small, policy):
    template = WeeklyTemplate.of(small)
    until = template.last_day + dt.timedelta(weeks=3)
    longer, after = template.extend(small, policy, until)
    new = [s for s in longer.slots if s.day > template.last_day]
    assert after.last_day == until
    assert {s.day for s in new} <= {template.last_day + dt.timedelta(days=i) for i in range(1, 22)}
    assert all(s.day.weekday() < 5 for s in new)
    assert dt.date(2027, 1, 6) not in {s.day for s in new}  # Epiphany in Baden-Württemberg
    per_week = {s.specialist_id for s in new}
    assert per_week == {s.specialist_id for s in small.slots}


def test_compaction_keeps_every_due_date(small, policy, defaults):
    _, _, end = simulate_office(small, policy, defaults.with_rates(**QUIET), weeks=6, seed=6)
    later = end.model_copy(
        update={"meta": end.meta.model_copy(update={"today": end.today + dt.timedelta(days=40)})}
    )
    smaller = compact(later, policy)
    assert len(smaller.appointments) < len(later.appointments)
    before = {k: v.due for k, v in due_dates(later, policy).items()}
    assert {k: v.due for k, v in due_dates(smaller, policy).items()} == before


# -- the summary -------------------------------------------------------------------------


def test_summary_mean_and_90_percent_interval_hand_worked():
    rows = [
        {"office": "A", "replication": r, "week": 3, "group": "K1", "density": d,
         "overdue_days_median": None, "standby_calls": 2 * r}
        for r, d in enumerate((0.8, 0.9, 1.0))
    ]  # fmt: skip
    (s,) = summarise(rows)
    assert s["replications"] == 3
    assert s["density_mean"] == pytest.approx(0.9)
    assert s["density_p5"] == pytest.approx(0.81)  # 0.8 + 0.05 x 2 x 0.1
    assert s["density_p95"] == pytest.approx(0.99)
    assert s["standby_calls_mean"] == pytest.approx(2.0)
    assert s["overdue_days_median_mean"] is None
    assert summarise(rows, skip_weeks=4) == []


# -- settings and offices files ----------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.floats(allow_nan=False).filter(lambda x: not 0 <= x <= 1))
def test_a_rate_outside_zero_to_one_is_refused(rate):
    data = load_settings().model_dump()
    data["appointments"]["no_show_rate"] = rate
    with pytest.raises(ValueError, match="no_show_rate"):
        SimulationSettings.model_validate(data)


def test_bad_settings_file_names_file_and_key(tmp_path):
    bad = tmp_path / "s.toml"
    text = Path(load_settings.__globals__["default_settings_path"]()).read_text()
    bad.write_text(text.replace("durations = { 1 = 0.30", "durations = { 1 = 0.40"))
    with pytest.raises(SettingsError, match=r"s\.toml: sickness.*sum to 1"):
        SimulationSettings.from_file(bad)


def test_offices_file_folders_and_generated_offices(tmp_path, small):
    write_scenario(small, tmp_path / "one")
    (tmp_path / "OFFICES.toml").write_text(
        '[[office]]\nname = "a"\nfolder = "one"\n\n'
        '[[office]]\nname = "rural"\nspecialists = 10\ncustomers = 1800\nseed = 7\ncount = 3\n'
    )
    specs = read_offices(tmp_path / "OFFICES.toml")
    assert [s.name for s in specs] == ["a", "rural-1", "rural-2", "rural-3"]
    assert [s.seed for s in specs[1:]] == [7, 8, 9]
    assert specs[1].customers_per_specialist == 200  # 1800 / (10 x 0.9)
    (tmp_path / "BAD.toml").write_text('[[office]]\nname = "x"\nspecialist = 3\n')
    with pytest.raises(OfficesError, match=r"BAD\.toml: office 1: unknown key 'specialist'"):
        read_offices(tmp_path / "BAD.toml")


def test_a_failing_task_is_tried_again_then_reported_not_dropped(defaults):
    broken = OfficeSpec(name="gone", folder=Path("/nonexistent/office"))
    fine = OfficeSpec(name="tiny", specialists=2, customers_per_specialist=30, seed=1)
    got = []
    run_local(
        [Task(broken, 0, 1, 1, defaults), Task(fine, 0, 1, 1, defaults)], got.append, retries=2
    )
    assert [(r.office, r.ok, r.tries) for r in got] == [("gone", False, 3), ("tiny", True, 1)]
    assert "nonexistent" in got[0].error
    assert len(got[1].rows) == 4


# -- the command -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(small, tmp_path_factory):
    out = tmp_path_factory.mktemp("sim") / "small"
    write_scenario(small, out)
    return out


@pytest.fixture(scope="module")
def result(folder, tmp_path_factory):
    """``kontaktplan simulate``'s files for the small office: 3 weeks, 2 replications."""
    tmp_path = tmp_path_factory.mktemp("result")
    out = tmp_path / "res" / "year.csv"
    r = CliRunner().invoke(
        app, ["simulate", str(folder), "--weeks", "3", "--replications", "2", "--seed", "5",
              "--workers", "1", "--out", str(out)],
    )  # fmt: skip
    return r, out


def test_simulate_command_writes_table_summary_and_runs(result):
    r, out = result
    tmp_path = out.parent.parent
    assert r.exit_code == 0, r.output
    rows = read_table(out)
    assert len(rows) == 2 * 3 * 4
    assert {(x["replication"], x["week"]) for x in rows} == {
        (i, w) for i in (0, 1) for w in (0, 1, 2)
    }
    runs = (tmp_path / "res" / "year-runs.csv").read_text().splitlines()
    assert len(runs) == 3 and all(",ok," in line for line in runs[1:])
    summary = read_table(tmp_path / "res" / "year-summary.csv")
    assert {x["week"] for x in summary} == {2}  # the warm-up weeks 0 and 1 are left out
    assert not list((tmp_path / "res").glob(".*partial*"))
    assert "small all: density" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "0"], "--weeks"),
        (["--out", "x.txt"], ".csv or .parquet"),
        (["--address", "1.2.3.4:6379"], "--address needs --backend ray"),
        (["--settings", "missing.toml"], "missing.toml: cannot read"),
    ],
)
def test_simulate_bad_input_exit_2_nothing_written(folder, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    argv = ["simulate", str(folder), "--weeks", "1", "--out", "r.csv", *args]
    r = CliRunner().invoke(app, argv)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert list(tmp_path.iterdir()) == []


def test_simulate_bad_folder_names_the_file(tmp_path):
    (tmp_path / "office").mkdir()
    (tmp_path / "office" / "scenario.toml").write_text('name = "x"\ntoday = 2026-13-01\n')
    r = CliRunner().invoke(
        app, ["simulate", str(tmp_path / "office"), "--out", str(tmp_path / "r.csv")]
    )
    assert r.exit_code == 2 and "scenario.toml" in r.output
    assert not (tmp_path / "r.csv").exists()


def test_simulate_offices_file_runs_every_office(tmp_path):
    (tmp_path / "OFFICES.toml").write_text(
        '[[office]]\nname = "mini"\nspecialists = 2\ncustomers_per_specialist = 30\ncount = 2\n'
    )
    out = tmp_path / "r.csv"
    argv = [
        "simulate",
        "--offices",
        str(tmp_path / "OFFICES.toml"),
        "--weeks",
        "1",
        "--out",
        str(out),
    ]
    r = CliRunner().invoke(app, [*argv, "--workers", "1", "--quiet"])
    assert r.exit_code == 0, r.output
    assert r.output == ""
    assert {(x["office"], x["group"]) for x in read_table(out)} == {
        (o, g) for o in ("mini-1", "mini-2") for g in ("all", "U25", "K1", "K3")
    }


def test_parquet_table_reads_back_the_same_rows(result, tmp_path):
    pytest.importorskip("pyarrow", reason="pyarrow is not installed (Parquet output)")
    from kontaktplan.simulate import write_table

    rows = read_table(result[1])
    write_table(rows, tmp_path / "r.parquet")
    assert read_table(tmp_path / "r.parquet") == rows


def test_report_shows_the_simulation(folder, result, tmp_path):
    _, out = result
    page = tmp_path / "report.html"
    r = CliRunner().invoke(
        app, ["report", str(folder), "--out", str(page), "--simulation", str(out)]
    )
    assert r.exit_code == 0, r.output
    text = page.read_text()
    assert "<h2>Simulation</h2>" in text and text.count("simulation: ") == 6
    (mean,) = [
        s for s in summarise(read_table(out), skip_weeks=2, by_week=False) if s["group"] == "all"
    ]
    assert f'data-simulation="summary.0.density_mean">{mean["density_mean"]:.4g}' in text


def test_report_shows_the_simulation_in_german_with_lang_de(folder, result, tmp_path):
    """Headers, note, plot axes and alt texts in German, decimals with a comma."""
    _, out = result
    page = tmp_path / "report.html"
    argv = ["report", str(folder), "--out", str(page), "--simulation", str(out), "--lang", "de"]
    r = CliRunner().invoke(app, argv)
    assert r.exit_code == 0, r.output
    text = page.read_text()
    t = translator("de")
    assert f"<h2>{t('sim.h')}</h2>" in text and text.count("Simulation: ") == 6
    assert f"<th>{t('sim.col.replications')}</th>" in text and f">{t('sim.all')}<" in text
    (mean,) = [
        s for s in summarise(read_table(out), skip_weeks=2, by_week=False) if s["group"] == "all"
    ]
    shown = str(mean["density_mean"]).replace(".", ",")
    assert f'data-simulation="summary.0.density_mean">{shown}<' in text
    assert foreign_in(page_text(page), "de") == []


def test_simulation_plots_label_their_axes_in_the_language(result):
    from kontaktplan.report.plots import new_axes
    from kontaktplan.simulate import plots as sim_plots

    _, out = result
    summary = summarise(read_table(out), skip_weeks=1)
    for lang in ("de", "en"):
        t = translator(lang)
        ax = sim_plots.density(summary, ax=new_axes((7, 3)), lang=lang)
        assert (ax.get_xlabel(), ax.get_ylabel()) == (t("sim.axis.week"), t("sim.axis.density"))
        if lang == "de":  # decimal comma
            assert ax.yaxis.get_major_formatter()(0.95, 0) == "0,95"
        ax = sim_plots.bookings_per_fte(summary, ax=new_axes((7, 3)), lang=lang)
        assert [x.get_text() for x in ax.get_legend().get_texts()] == [t("sim.all")]


def test_report_refuses_a_file_that_is_no_simulation(folder, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    page = tmp_path / "report.html"
    r = CliRunner().invoke(
        app, ["report", str(folder), "--out", str(page), "--simulation", str(bad)]
    )
    assert r.exit_code == 2 and "bad.csv: not a simulation result" in r.output
    assert not page.exists()


# -- Ray ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'kontaktplan[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


def test_ray_gives_the_same_table_as_local_processes(folder, tmp_path, ray_cluster):
    common = ["simulate", str(folder), "--weeks", "3", "--replications", "2", "--seed", "9"]
    local = CliRunner().invoke(app, [*common, "--workers", "2", "--out", str(tmp_path / "l.csv")])
    remote = CliRunner().invoke(
        app, [*common, "--backend", "ray", "--out", str(tmp_path / "r.csv")]
    )
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert (tmp_path / "l.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()
    assert math.isclose(len(read_table(tmp_path / "r.csv")), 2 * 3 * 4)


def test_ray_reports_a_failing_task_after_its_retries(defaults, ray_cluster):
    from kontaktplan.simulate.backends import run_ray

    broken = OfficeSpec(name="gone", folder=Path("/nonexistent/office"))
    fine = OfficeSpec(name="tiny", specialists=2, customers_per_specialist=30, seed=1)
    got = []
    run_ray([Task(broken, 0, 1, 1, defaults), Task(fine, 0, 1, 1, defaults)], got.append, retries=1)
    assert sorted((r.office, r.ok) for r in got) == [("gone", False), ("tiny", True)]
    assert "nonexistent" in next(r.error for r in got if not r.ok)


# -- the office in parts -----------------------------------------------------------------


def test_commands_on_the_parts_give_what_they_give_on_the_whole_office(policy):
    """Cancellations and no-shows on two teams, one by one on the whole office and on each
    team's part: the same office afterwards, ids included."""
    from kontaktplan.disruption import cancel, noshow
    from kontaktplan.disruption.outcome import on_day
    from kontaktplan.simulate.teams import DayParts

    office = generate(
        specialists=16, customers_per_specialist=40, seed=3, weeks=3, today=TODAY,
        policy=policy, name="two-teams",
    )  # fmt: skip
    assert len({s.team for s in office.specialists}) == 2
    office = plan_first_week(office, policy)
    planned = sorted(
        (a for a in office.appointments if a.status is Status.planned),
        key=lambda a: (a.start, a.appointment_id),
    )
    day = planned[0].day - dt.timedelta(days=8)
    office = on_day(office, day)
    cancels = [a for a in planned if a.day >= day + dt.timedelta(days=7)][::9][:6]
    whole, parts = office, DayParts(office)
    for a in cancels:
        whole = cancel(whole, policy, a.appointment_id, day).scenario
        out = cancel(parts.view(a.specialist_id), policy, a.appointment_id, day)
        parts.put(a.specialist_id, out.scenario)
    assert parts.merged() == whole
    backfills = {a.appointment_id for a in whole.appointments if a.backfill_for}
    assert len(backfills) >= 4  # ids B<day>-001 .. taken in both teams, renumbered alike
    teams = {office.specialists_by_id[a.specialist_id].team for a in whole.appointments
             if a.appointment_id in backfills}  # fmt: skip
    assert len(teams) == 2
    first = min(a.day for a in planned)
    whole = on_day(parts.merged(), first)
    earlier = parts
    parts = DayParts(whole, earlier=earlier)  # a team's view starts from the day before's
    fresh = DayParts(whole)  # the same parts, links and tables as from scratch
    assert (parts.part, parts._links, parts._tables) == (fresh.part, fresh._links, fresh._tables)
    assert parts._tables[0]["customers"] is earlier._tables[0]["customers"]  # taken over
    today = sorted(
        (a for a in whole.appointments if a.day == first and a.status is Status.planned),
        key=lambda a: (a.start, a.appointment_id),
    )
    missed = today[::5][:6]
    for a in missed:
        whole = noshow(whole, policy, a.appointment_id).scenario
        out = noshow(parts.view(a.specialist_id), policy, a.appointment_id)
        parts.put(a.specialist_id, out.scenario)
    assert parts.merged() == whole
    assert sum(a.kind is Kind.phone_consultation for a in whole.appointments) >= 4
    slots = [e.slots for e in earlier._views.values()]
    reused = [v for v in parts._views.values() if any(v.slots is x for x in slots)]
    assert reused  # the slots table taken over, not filtered and checked again


def plan_first_week(office, policy):
    from kontaktplan.planning import plan

    return plan(office, policy, weeks=1, workers=1, time_limit=5).planned_scenario()
