"""One office over many weeks: plan each week with the real ``plan``, then play out the days
with the real disruption handling, and measure the week (:func:`simulate_office`).

Each simulated week starts on the scenario's weekday of ``today``:

1. customers leave and new ones arrive (weekly rates), free slots are added for the coming
   weeks from each specialist's weekly template, and ``plan`` books the first plannable week;
2. every day ``today`` moves on; on a working day specialists fall ill
   (:func:`kontaktplan.disruption.absence`: handover, escalation); each appointment seen for
   the first time draws its fate (cancelled >= 7 / < 7 days ahead, no-show, held);
   cancellations come in, on any day (:func:`~kontaktplan.disruption.cancel`, backfill);
   and on a working day the day's appointments take place: a no-show is handled by
   :func:`~kontaktplan.disruption.noshow` (standby call, re-invitation), the others are
   ``held`` (which moves the deadline) or, when their specialist is absent and nobody took
   them over, ``not_held``. Cancellations and no-shows are handled on the specialist's part
   of the office (:mod:`kontaktplan.simulate.teams`: the same result, at the cost of a
   team rather than of the office);
3. the week's figures are measured (:mod:`kontaktplan.simulate.measures`).

Everything random comes from one ``numpy.random.Generator`` seeded with (seed, office,
replication); the draws happen in a fixed order, so a run gives the same rows anywhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import filterfalse

import numpy as np

from kontaktplan.disruption import Outcome, absence, cancel, noshow
from kontaktplan.disruption.bookable import DueCache
from kontaktplan.domain import Appointment, Customer, Kind, Scenario, Status
from kontaktplan.rules.calendar import OfficeCalendar, first_plannable_monday
from kontaktplan.rules.policy import Policy
from kontaktplan.simulate.measures import Tally, concept_group, measure_week
from kontaktplan.simulate.settings import SimulationSettings
from kontaktplan.simulate.teams import DayParts
from kontaktplan.simulate.upkeep import WeeklyTemplate, compact

__all__ = ["OfficeRun", "RunTiming", "generator_for", "outcomes_of_the_day", "simulate_office"]

DAY = dt.timedelta(days=1)
PROFILES = {  # (group) -> ba-2010 profiles and weights (the generator's office mix)
    "U25": {"MP": 10, "AP": 25, "FP": 25},
    "K1": {"MP": 10, "AP": 25, "FP": 25},
    "K3": {"EP": 15, "SP": 10, "UP": 5, "I": 5, "Z": 5},
}


def generator_for(seed: int, office: str, replication: int) -> np.random.Generator:
    """The run's only source of randomness, seeded by (seed, office name, replication)."""
    return np.random.default_rng([seed, zlib.crc32(office.encode()), replication])


@dataclass
class RunTiming:
    """Wall-clock figures of a run (not part of the results: they differ between machines)."""

    seconds: float = 0.0
    plan_seconds: float = 0.0
    plan_seconds_per_week: list[float] = field(default_factory=list)
    week_seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Fate:
    """What will happen to an appointment: cancelled on ``day``, a no-show, or held."""

    what: str  # "cancel_7_plus", "cancel_under_7", "no_show", "held"
    day: dt.date | None = None


class OfficeRun:
    """The state of one office-replication as the simulated days go by."""

    def __init__(
        self,
        scenario: Scenario,
        policy: Policy,
        settings: SimulationSettings,
        *,
        office: str,
        replication: int,
        seed: int,
    ) -> None:
        self.policy, self.settings = policy, settings
        self.office, self.replication, self.seed = office, replication, seed
        self.rng = generator_for(seed, office, replication)
        self.template = WeeklyTemplate.of(scenario)
        self.scenario = compact(scenario, policy)
        self.start = scenario.today
        self.arrived = {c.customer_id: scenario.today for c in scenario.customers}
        self.fates: dict[str, Fate] = {}
        self.new_ids = 0
        self.tally = Tally()
        self.timing = RunTiming()
        self.dues = DueCache(policy)  # due dates kept from command to command
        self.parts: DayParts | None = None  # the day before's, whose views a day starts from

    # -- the week ------------------------------------------------------------------------

    def run(self, weeks: int) -> list[dict]:
        """Simulate ``weeks`` weeks; one row per week and customer group."""
        started = time.perf_counter()
        rows: list[dict] = []
        with _old_objects_frozen() as freeze:
            for week in range(weeks):
                freeze()
                rows += self._week(week)
        self.timing.seconds = time.perf_counter() - started
        return rows

    def _week(self, week: int) -> list[dict]:
        """One simulated week: caseload, plan, the seven days, the week's rows."""
        t0 = time.perf_counter()
        monday = self.start + dt.timedelta(weeks=week)
        self.tally = Tally()
        self._caseload_changes(monday)
        plan_info = self._plan_week()
        for d in range(7):
            self._day(monday + d * DAY)
        rows = measure_week(
            self.scenario, self.policy, self.settings, self.tally, plan_info,
            arrived=self.arrived, office=self.office, replication=self.replication,
            week=week, first_day=monday,
        )  # fmt: skip
        if (week + 1) % self.settings.planning.compact_every_weeks == 0:
            self.scenario = compact(self.scenario, self.policy)
        self.timing.week_seconds.append(time.perf_counter() - t0)
        return rows

    def _plan_week(self) -> dict:
        """Slots for the coming weeks, then ``plan`` for the first plannable week."""
        from kontaktplan.planning import plan

        lead = self.policy.booking.lead_days
        until = first_plannable_monday(self.scenario.today + 7 * DAY, lead) + 6 * DAY
        self.scenario, self.template = self.template.extend(self.scenario, self.policy, until)
        p = self.settings.planning
        result = plan(
            self.scenario, self.policy, weeks=1, solver=p.solver, time_limit=p.time_limit,
            seed=self.seed, workers=1,
        )  # fmt: skip
        self.timing.plan_seconds += result.seconds
        self.timing.plan_seconds_per_week.append(result.seconds)
        self.scenario = result.planned_scenario()
        return {"planned_week": result.horizon.first_day, "plan_bookings": len(result.bookings)}

    # -- the caseload --------------------------------------------------------------------

    def _caseload_changes(self, day: dt.date) -> None:
        """Customers leave (each with the weekly rate) and new ones arrive (Poisson)."""
        s, c = self.scenario, self.settings.caseload
        leaving = self.rng.random(len(s.customers)) < c.leavers_per_week
        gone = {x.customer_id for x, out in zip(s.customers, leaving, strict=True) if out}
        for x in s.customers:
            if x.customer_id in gone:
                self.tally.add(concept_group(x), "leavers")
        new = [
            self._new_customer(day)
            for _ in range(self.rng.poisson(c.arrivals_per_week * len(s.customers)))
        ]
        for x in new:
            self.tally.add(concept_group(x), "arrivals")
            self.arrived[x.customer_id] = day
        dropped = {a.appointment_id for a in s.appointments if a.customer_id in gone}
        rows = tuple(
            a.model_copy(update={"backfill_for": None}) if a.backfill_for in dropped else a
            for a in s.appointments
            if a.appointment_id not in dropped
        )
        customers = (*(x for x in s.customers if x.customer_id not in gone), *new)
        self.scenario = s.model_copy(update={"customers": customers, "appointments": rows})

    def _new_customer(self, day: dt.date) -> Customer:
        mix = self.settings.caseload.new_customer_mix
        groups = sorted(mix)
        group = groups[self.rng.choice(len(groups), p=[mix[g] for g in groups])]
        staff = self.scenario.specialists
        fte = np.array([sp.fte for sp in staff])
        sid = staff[self.rng.choice(len(staff), p=fte / fte.sum())].specialist_id
        category = group
        if group not in self.policy.categories:  # ba-2010: a profile for the group
            weights = PROFILES[group]
            names = sorted(weights)
            w = np.array([weights[n] for n in names], dtype=float)
            category = names[self.rng.choice(len(names), p=w / w.sum())]
        taken = self.scenario.customers_by_id
        while True:
            self.new_ids += 1
            cid = f"N{day:%y%m%d}{self.new_ids:05d}"
            if cid not in taken:
                break
        return Customer(
            customer_id=cid,
            specialist_id=sid,
            category=category,
            unemployed=group != "K3",
            under_25=group == "U25",
        )

    # -- the day -------------------------------------------------------------------------

    def _day(self, day: dt.date) -> None:
        from kontaktplan.disruption.outcome import on_day

        self.scenario = on_day(self.scenario, day)
        working = OfficeCalendar(self.scenario, self.policy).is_working_day(day)
        if working:
            self._sickness(day)
        self._draw_fates(day)
        parts = self.parts = DayParts(self.scenario, earlier=self.parts)
        self._cancellations(day, parts)  # a cancellation may come in on any day
        if working:
            self._no_shows(day, parts)
        self.scenario = parts.merged()
        if working:
            self.scenario, done = outcomes_of_the_day(self.scenario, self.policy, day)
            for a in done:
                if a.kind is not Kind.phone_consultation:
                    self.tally.add(self._group_of(a.customer_id), a.status.value)

    def _sickness(self, day: dt.date) -> None:
        """A present specialist falls ill with the daily rate; spells as drawn."""
        s = self.settings.sickness
        lengths = sorted(s.durations)
        p = np.array([s.durations[n] for n in lengths])
        cal = OfficeCalendar(self.scenario, self.policy)
        for sp in sorted(self.scenario.specialists, key=lambda x: x.specialist_id):
            ill = self.rng.random() < s.daily_rate
            if not ill or cal.is_absent(sp.specialist_id, day):
                continue
            length = lengths[self.rng.choice(len(lengths), p=p)]
            last, n = day, 1
            while n < length:
                last += DAY
                n += cal.is_working_day(last)
            out = absence(
                self.scenario, self.policy, sp.specialist_id, day, last, reason="illness",
                time_limit=self.settings.planning.time_limit,
            )  # fmt: skip
            self.scenario = out.scenario
            self._record(out)
            self.tally.add("all", "sick_spells")
            cal = OfficeCalendar(self.scenario, self.policy)

    def _draw_fates(self, day: dt.date) -> None:
        """Each planned appointment seen for the first time draws what will happen to it."""
        a_rates = self.settings.appointments
        early, late = (
            a_rates.cancellation_rate_7_days_or_more,
            a_rates.cancellation_rate_under_7_days,
        )
        # The rows whose id has no fate, found in C (most rows have one: issue 15).
        by_id = self.scenario.appointment_index.by_id
        unseen = map(by_id.__getitem__, filterfalse(self.fates.__contains__, by_id))
        new = sorted(
            (a for a in unseen if a.status is Status.planned), key=lambda a: a.appointment_id
        )
        for a in new:
            u_cancel, u_show = self.rng.random(2)
            ahead = (a.day - day).days
            if a.kind is Kind.phone_consultation or ahead < 0:
                fate = Fate("held")  # a standby call is made until someone answers
            elif u_cancel < early and ahead >= 7:
                k = int(self.rng.integers(7, min(ahead, 13) + 1))
                fate = Fate("cancel_7_plus", a.day - k * DAY)
            elif u_cancel < early + late and ahead >= 1:
                k = int(self.rng.integers(1, min(ahead, 6) + 1))
                fate = Fate("cancel_under_7", a.day - k * DAY)
            elif u_show < a_rates.no_show_rate:
                fate = Fate("no_show")
            else:
                fate = Fate("held")
            self.fates[a.appointment_id] = fate

    def _cancellations(self, day: dt.date, parts: DayParts) -> None:
        fill = self.settings.appointments.fill_late_cancellations
        by_day = self.scenario.appointment_index.by_day
        due = sorted(
            a.appointment_id
            for d in by_day
            if d > day  # a cancellation comes in before its appointment's day
            for a in by_day[d]
            if a.status is Status.planned
            and (f := self.fates.get(a.appointment_id)) is not None
            and f.what.startswith("cancel")
            and f.day is not None
            and f.day <= day < a.day
        )
        for aid in due:
            a = parts.row(aid)
            if a.status is not Status.planned:
                continue
            view = parts.view(a.specialist_id)
            out = cancel(view, self.policy, aid, day, fill=fill, dues=self.dues, propose=False)
            out.scenario = parts.put(a.specialist_id, out.scenario)
            self.tally.add(self._group_of(a.customer_id), self.fates[aid].what)
            self._record(out)

    def _no_shows(self, day: dt.date, parts: DayParts) -> None:
        """The day's no-shows, in order of start: standby call and re-invitation. An
        appointment of an absent specialist nobody took over is left for the outcomes."""
        cal = OfficeCalendar(self.scenario, self.policy)
        today = sorted(
            (
                a
                for a in self.scenario.appointment_index.by_day.get(day, ())
                if a.status is Status.planned
            ),
            key=lambda a: (a.start, a.appointment_id),
        )
        for a in today:
            if self.fates.get(a.appointment_id, Fate("held")).what != "no_show":
                continue
            if cal.is_absent(a.specialist_id, day):
                continue
            current = parts.row(a.appointment_id)
            if current.status is not Status.planned:
                continue
            self.tally.add(self._group_of(a.customer_id), "no_shows")
            view = parts.view(current.specialist_id)
            out = noshow(view, self.policy, a.appointment_id, dues=self.dues)
            out.scenario = parts.put(current.specialist_id, out.scenario)
            self._record(out)

    # -- bookkeeping ---------------------------------------------------------------------

    def _group_of(self, customer_id: str | None) -> str:
        c = self.scenario.customers_by_id.get(customer_id or "")
        return concept_group(c) if c is not None else "all"

    def _record(self, out: Outcome) -> None:
        """Count the outcome's changes and escalations by group."""
        counted = Counter[tuple[str, str]]()
        for ch in out.changes:
            name = {
                "phone_consultation": "standby_calls",
                "reassigned": "handovers",
                "backfilled": "backfills",
                "reinvited": "reinvited",
            }.get(ch.action)
            if name:
                counted[self._group_of(ch.customer_id), name] += 1
        kept = any("counts as the re-invitation" in n for n in out.notes)
        if out.command == "noshow" and kept:
            counted[self._group_of(out.changes[0].customer_id), "reinvited"] += 1
        for e in out.escalations:
            counted[self._group_of(e.customer_id), "escalations"] += 1
        for (g, name), n in counted.items():
            self.tally.add(g, name, n)


@contextlib.contextmanager
def _old_objects_frozen() -> Iterator[Callable[[], None]]:
    """A ``freeze()`` that collects the garbage and moves every object alive into the
    collector's permanent generation (:func:`gc.freeze`), given back at the end
    (:func:`gc.unfreeze`); the young objects collected rarely meanwhile
    (:data:`GC_THRESHOLD`).

    An office is some hundred thousand objects that live for weeks; the cycle collector
    went through all of them again and again while a week made and dropped its own
    (issue 15: a quarter of the time outside ``plan``). Frozen once a week, it looks only
    at the week's. A process that froze objects itself is left alone.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(*map(max, threshold, GC_THRESHOLD))
    try:
        if gc.get_freeze_count():
            yield lambda: None
            return
        try:
            yield _collected_and_frozen
        finally:
            gc.unfreeze()
    finally:
        gc.set_threshold(*threshold)


def _collected_and_frozen() -> None:
    # Collected first: garbage in a cycle that is frozen is never freed (with the young
    # generation collected rarely, up to GC_THRESHOLD[0] objects a week: +200 MiB a year).
    gc.collect()
    gc.freeze()


GC_THRESHOLD = (100_000, 50, 100)
"""The collector's thresholds while an office is simulated, as the command line sets them
for every command (:mod:`kontaktplan.cli.app`): a week makes and drops millions of small
objects (copies of rows, index tuples), hardly any in a reference cycle, and the default
young generation of 700 objects was collected 450 times a week (issue 15: a tenth of the
time outside ``plan``). A process with higher thresholds keeps its own."""


def outcomes_of_the_day(
    scenario: Scenario, policy: Policy, day: dt.date
) -> tuple[Scenario, list[Appointment]]:
    """Every appointment of ``day`` still planned gets its outcome: ``not_held`` where its
    specialist is absent (nobody took it over), else ``held``.

    The same change as :func:`kontaktplan.disruption.set_status` with
    ``next_contact=False`` for each (status only; the planning date is ``day`` already),
    made in one copy of the scenario. The simulated office books the next contact in its
    weekly plan, not at the end of each contact (a decision of the simulation: the weekly
    plan sees the whole week's demand).
    """
    cal = OfficeCalendar(scenario, policy)
    done: dict[int, Appointment] = {}  # id(row) -> its outcome, in table order
    for a in scenario.appointment_index.by_day.get(day, ()):
        if a.status is Status.planned:
            outcome = Status.not_held if cal.is_absent(a.specialist_id, day) else Status.held
            done[id(a)] = a.model_copy(update={"status": outcome})
    rows = tuple(map(done.get, map(id, scenario.appointments), scenario.appointments))  # in C
    return scenario.model_copy(update={"appointments": rows}), list(done.values())


def simulate_office(
    scenario: Scenario,
    policy: Policy,
    settings: SimulationSettings,
    *,
    weeks: int,
    seed: int,
    office: str | None = None,
    replication: int = 0,
) -> tuple[list[dict], RunTiming, Scenario]:
    """Simulate one office for ``weeks`` weeks: the rows, the timing and the final office."""
    run = OfficeRun(
        scenario, policy, settings, office=office or scenario.meta.name,
        replication=replication, seed=seed,
    )  # fmt: skip
    rows = run.run(weeks)
    return rows, run.timing, run.scenario
