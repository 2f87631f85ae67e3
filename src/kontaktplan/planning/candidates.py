"""What one specialist can book in the horizon: days, free slots, candidates, deadlines.

A :class:`SubProblem` is plain data (no OR-Tools): the CP-SAT model, the greedy
baseline and the objective evaluation all read it. The weekly plan decomposes per
specialist because each specialist books only their own customers (RULES.md).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from kontaktplan.domain import (
    Appointment,
    Customer,
    Kind,
    Mode,
    Scenario,
    Slot,
    SlotMode,
    Status,
)
from kontaktplan.rules.calendar import OfficeCalendar, first_bookable_day, week_days
from kontaktplan.rules.policy import Due, Policy, due_dates, qualified_contacts

__all__ = ["Candidate", "DaySlots", "Horizon", "SubProblem", "build_subproblems", "horizon"]

NOON = dt.time(12, 0)


@dataclass(frozen=True)
class Horizon:
    """The planned calendar weeks: from the first bookable day (today + lead) on.

    ``first_monday`` is the Monday of the first bookable day's week; when that day is no
    Monday, the first week is partial (RULES.md, Horizon) and ``weeks`` counts it.
    ``slots_until`` is the last day of the horizon on which the office has free slots:
    a chained deadline after it cannot be served in this plan, so it forces nothing.
    """

    today: dt.date
    first_monday: dt.date
    weeks: int
    slots_until: dt.date | None = None
    start: dt.date | None = None  # the first planned day; None = first_monday
    bookable: dt.date | None = None  # the first bookable day (today + lead)

    @property
    def mondays(self) -> list[dt.date]:
        return [self.first_monday + dt.timedelta(weeks=i) for i in range(self.weeks)]

    @property
    def first_day(self) -> dt.date:
        return self.start or self.first_monday

    @property
    def last_day(self) -> dt.date:
        return self.first_monday + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def chain_until(self) -> dt.date:
        """The last day a chained (further) contact can be required for."""
        return min(self.last_day, self.slots_until or self.last_day)

    @property
    def days(self) -> int:
        """Calendar days in the horizon."""
        return (self.last_day - self.first_day).days + 1

    def week_of(self, day: dt.date) -> int:
        return (day - self.first_monday).days // 7


def horizon(scenario: Scenario, policy: Policy, weeks: int) -> Horizon:
    """From the first bookable day (RULES.md, Horizon) to the end of ``weeks`` full weeks.

    When the first bookable day falls on Tuesday to Friday, the partial week it starts
    is planned too, before the ``weeks`` full weeks (so no day is left between two
    plans), with its prorated target; unless the office has no slot at all in it (then
    there is nothing to plan there, and the horizon starts on the next Monday).
    """
    first = bookable = first_bookable_day(scenario.today, policy.booking.lead_days)
    monday = first - dt.timedelta(days=first.weekday())
    if first != monday:
        sunday = monday + dt.timedelta(days=6)
        if not any(first <= s.day <= sunday for s in scenario.slots):
            monday += dt.timedelta(weeks=1)
            first = monday
    n = weeks + (first != monday)
    end = monday + dt.timedelta(days=7 * n - 1)
    slot_days = [s.day for s in scenario.slots if first <= s.day <= end]
    return Horizon(scenario.today, monday, n, max(slot_days, default=None), first, bookable)


@dataclass(frozen=True)
class Requirement:
    """What a slot must offer one customer on one weekday."""

    minutes: int
    in_person_only: bool
    not_am: bool
    not_pm: bool

    def fits(self, slot: Slot) -> bool:
        if slot.minutes < self.minutes:
            return False
        if self.in_person_only and slot.mode is SlotMode.video:
            return False
        if self.not_am and slot.start.time() < NOON:
            return False
        return not (self.not_pm and slot.end.time() > NOON)


@dataclass
class DaySlots:
    """A specialist's free slots on one available day, and what is already booked."""

    day: dt.date
    week: int
    slots: list[Slot]
    existing: int  # active appointments already on this day
    capacity: int  # how many more may be booked: min(cap - existing, free slots)


@dataclass
class Candidate:
    """A customer who may be booked in the horizon, with eligible days and deadlines."""

    customer: Customer
    due: Due
    kind: Kind
    mode: Mode  # the mode the customer is booked in (video only if customer and specialist can)
    days: list[dt.date]  # eligible days, ascending
    priority: int  # reward for booking (RULES.md objective 3)
    overdue: bool  # no eligible day on or before the deadline
    deadline_in_horizon: bool  # the first deadline falls on or before the horizon's end
    chained: dict[dt.date, dt.date] = field(default_factory=dict)  # day -> next due (in horizon)
    requirement_by_weekday: dict[int, Requirement] = field(default_factory=dict)

    @property
    def customer_id(self) -> str:
        return self.customer.customer_id

    def requirement(self, day: dt.date) -> Requirement:
        return self.requirement_by_weekday[day.weekday()]


@dataclass
class WeekFigure:
    monday: dt.date
    target: int
    existing: int
    available_days: list[dt.date]

    @property
    def daily_target(self) -> int:
        """The even share per available day: ceil(target / available days)."""
        return math.ceil(self.target / len(self.available_days)) if self.available_days else 0

    def even_share(self, days: int) -> tuple[int, int]:
        """floor and ceil of the target over ``days`` days: an even week lies between."""
        return self.target // days, math.ceil(self.target / days)


@dataclass
class SubProblem:
    """Everything one specialist's weekly plan needs, as plain data."""

    specialist_id: str
    team: str
    horizon: Horizon
    days: list[DaySlots]
    weeks: list[WeekFigure]
    candidates: list[Candidate]
    weights: dict[str, int]
    daily_cap: int
    min_gap: int
    not_candidates: dict[str, str]  # customer_id -> why not bookable (planned, exempt ...)

    def day(self, day: dt.date) -> DaySlots:
        return self._by_day[day]

    def households(self) -> list[tuple[str, str]]:
        """Pairs of candidates of one household (``household_id``), by customer id."""
        groups: dict[str, list[str]] = {}
        for c in self.candidates:
            if c.customer.household_id:
                groups.setdefault(c.customer.household_id, []).append(c.customer_id)
        return [(a, b) for ids in groups.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]

    def __post_init__(self) -> None:
        self._by_day = {d.day: d for d in self.days}


def priority(policy: Policy, c: Customer, due: Due, day: dt.date) -> int:
    """Reward for booking the customer (RULES.md objective 3): first interview, U25,
    unemployed, and the share of the interval elapsed on ``day``."""
    w = policy.weights
    share = min(2.0, due.elapsed_share(day))
    return (
        w.first_interview * due.first_interview
        + w.under_25 * (c.under_25 and c.unemployed)
        + w.unemployed * c.unemployed
        + round(w.elapsed_share * share)
    )


def _requirement(c: Customer, minutes: int, mode: Mode, weekday: int) -> Requirement | None:
    halves = {u.half for u in c.unavailable if u.weekday == weekday}
    if None in halves or {"AM", "PM"} <= halves:
        return None
    return Requirement(minutes, mode is Mode.in_person, "AM" in halves, "PM" in halves)


def _free_days(
    policy: Policy, cal: OfficeCalendar, sid: str, hz: Horizon, index: _DayIndex
) -> list[DaySlots]:
    """Available days in the horizon with the free slots not taken by an active appointment."""
    out = []
    for monday in hz.mondays:
        for day in week_days(monday):
            if day < hz.first_day or not cal.is_available(sid, day):
                continue
            booked = index.appointments.get((sid, day), [])
            free = [
                s
                for s in index.slots.get((sid, day), [])
                if not any(a.start < s.end and s.start < a.end for a in booked)
            ]
            existing = sum(1 for a in booked if a.kind is not Kind.phone_consultation)
            cap = max(0, min(policy.booking.daily_cap - existing, len(free)))
            out.append(DaySlots(day, hz.week_of(day), free, existing, cap))
    return out


class _DayIndex:
    """Free slots and active appointments by (specialist, day)."""

    def __init__(self, scenario: Scenario) -> None:
        self.slots: dict[tuple[str, dt.date], list[Slot]] = {}
        for s in sorted(scenario.slots, key=lambda s: (s.specialist_id, s.start)):
            self.slots.setdefault((s.specialist_id, s.day), []).append(s)
        self.appointments: dict[tuple[str, dt.date], list[Appointment]] = {}
        for a in scenario.appointments:
            if a.is_active:
                self.appointments.setdefault((a.specialist_id, a.day), []).append(a)


def owes_in_person(history: tuple[Appointment, ...]) -> bool:
    """The customer missed an appointment and has not come in person since: re-invite in
    person (RULES.md, disruption handling). Standby calls and appointments that did not
    take place (cancelled, voided) do not count either way, as in the validator's
    ``reinvite_in_person`` (issue 11.12: a cancelled re-invitation left the next plan
    free to book video)."""
    owed = False
    for a in sorted(history, key=lambda a: a.start):
        if a.kind is Kind.phone_consultation or a.status in (Status.cancelled, Status.voided):
            continue
        if a.status is Status.no_show:
            owed = True
        elif a.status is Status.held and a.mode is Mode.in_person:
            owed = False
    return owed


def candidate(
    scenario: Scenario,
    policy: Policy,
    c: Customer,
    due: Due,
    days: list[DaySlots],
    hz: Horizon,
    video_ok: bool,
) -> Candidate:
    """Customer ``c`` as a candidate on ``days`` of a specialist (who can hold video or not)."""
    kind = Kind.first_interview if due.first_interview else Kind.follow_up
    minutes = policy.duration(kind)
    history = scenario.appointments_by_customer.get(c.customer_id, ())
    video = (
        c.mode is Mode.video
        and video_ok
        and Mode.video in policy.qualified_contact.modes  # ba-2010: in person only
        and not owes_in_person(history)
    )
    mode = Mode.video if video else policy.qualified_contact.default_mode
    gap = policy.booking.min_days_between_contacts
    earliest = hz.first_day
    if due.last_contact is not None:
        earliest = max(earliest, min(due.last_contact + dt.timedelta(days=gap), due.due))
    if c.unavailable:
        reqs = {wd: _requirement(c, minutes, mode, wd) for wd in range(7)}
    else:
        plain = Requirement(minutes, mode is Mode.in_person, False, False)
        reqs = dict.fromkeys(range(7), plain)
    # a planned appointment after the deadline is replaced only by an earlier one: a new
    # booking on its day or later would be a second future booking (one_future_booking)
    before = min((day for _, day in due.late_planned), default=dt.date.max)
    eligible = []
    for ds in days:
        req = reqs[ds.day.weekday()]
        if ds.day < earliest or ds.day >= before or req is None or ds.capacity == 0:
            continue
        if any(req.fits(s) for s in ds.slots):
            eligible.append(ds.day)
    contacts = qualified_contacts(c, history, policy)
    chained = {}
    for d in eligible:  # the next deadline grows with the day: stop at the first beyond
        nxt = policy.next_due(c, [*contacts, d], scenario.today)
        if nxt > hz.chain_until:
            break
        chained[d] = nxt
    return Candidate(
        customer=c,
        due=due,
        kind=kind,
        mode=mode,
        days=eligible,
        priority=priority(policy, c, due, hz.first_day),
        overdue=not any(d <= due.due for d in eligible),
        deadline_in_horizon=due.due <= hz.last_day,
        chained=chained,
        requirement_by_weekday={wd: r for wd, r in reqs.items() if r is not None},
    )


def build_subproblems(
    scenario: Scenario, policy: Policy, hz: Horizon, dues: dict[str, Due] | None = None
) -> list[SubProblem]:
    """One :class:`SubProblem` per specialist, in the order of ``specialists.csv``."""
    cal = OfficeCalendar(scenario, policy)
    dues = due_dates(scenario, policy) if dues is None else dues
    by_specialist: dict[str, list[Customer]] = {}
    for c in scenario.customers:
        by_specialist.setdefault(c.specialist_id, []).append(c)
    weights = policy.weights.model_dump()
    index = _DayIndex(scenario)
    out = []
    for sp in scenario.specialists:
        sid = sp.specialist_id
        days = _free_days(policy, cal, sid, hz, index)
        weeks = []
        for i, monday in enumerate(hz.mondays):
            target = cal.week_target(sp, monday, hz.first_day)
            existing = sum(d.existing for d in days if d.week == i)
            weeks.append(WeekFigure(monday, target.target, existing, list(target.available_days)))
        candidates, skipped = [], {}
        for c in by_specialist.get(sid, []):
            due = dues.get(c.customer_id)
            if due is None:
                skipped[c.customer_id] = "exempt"
                continue
            if due.planned is not None:
                skipped[c.customer_id] = f"already planned on {due.planned}"
                continue
            cand = candidate(scenario, policy, c, due, days, hz, sp.video)
            if cand.days:
                candidates.append(cand)
            else:
                skipped[c.customer_id] = "no eligible day in the horizon"
        out.append(
            SubProblem(
                specialist_id=sid,
                team=sp.team,
                horizon=hz,
                days=days,
                weeks=weeks,
                candidates=candidates,
                weights=weights,
                daily_cap=policy.booking.daily_cap,
                min_gap=policy.booking.min_days_between_contacts,
                not_candidates=skipped,
            )
        )
    return out
