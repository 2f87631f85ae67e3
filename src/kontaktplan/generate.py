"""Synthetic offices: a realistic Jobcenter as a :class:`~kontaktplan.domain.Scenario`.

``generate(...)`` builds teams of 8-12 case workers (IFK) with part-timers and
substitutes (Vertretung), a weekly calendar template (ATV) per specialist, free
slots for ``weeks`` weeks from the first plannable Monday, a few absences, and
customers with the category mix and history of a real office (RULES.md, FORMAT.md).
Same arguments, same scenario; only ``random.Random(seed)`` draws, and every row
is emitted in a fixed order.

Decisions (interpretations of FORMAT.md):

- ``slots.csv`` lists the specialist's calendar slots of the horizon. The few
  existing future bookings (status ``planned``) keep their slot row; the booking
  occupies it (a slot overlapping an active appointment is taken).
- Slots start at the first plannable Monday; the days between today and that
  Monday carry no slots. No slot falls on a public holiday of the region.
- The workload is set by each customer's last contact: per specialist, the
  non-exempt customers due on or before the horizon's last day (new, overdue and
  due in the horizon) number about 2-10 % more than the specialist's weekly
  targets summed over the horizon. Nobody is due between today and the first
  plannable Monday except the overdue, who are due before today.
- History is consistent: each customer's last held qualified appointment falls on
  ``last_contact``; every past row lies strictly before today, on a working day of
  its specialist, in a position of the specialist's weekly template, with at most
  ``daily_cap`` appointments a day and no overlap.
- Ids: ``T01`` teams, ``S001`` specialists, ``C00001`` customers (shuffled, so an id
  reveals no specialist), ``BG0001`` households, ``H000001`` past appointments and
  ``P0001`` existing planned bookings, numbered in order of start.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, count

from kontaktplan.calendar import OfficeCalendar, first_plannable_monday, week_days
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
from kontaktplan.policy import Policy, category_review, due_dates

__all__ = ["generate", "office_figures"]

FTE = (1.0, 0.8, 0.75, 0.6, 0.5)
FTE_WEIGHTS = (0.70, 0.09, 0.07, 0.06, 0.08)
DAY_START = 8 * 60  # 08:00, in minutes
DAY_END = 16 * 60
SHARE = {  # shares of the customers of a real office (RULES.md categories)
    "under_25": 0.125,
    "unemployed": 0.46,
    "unemployed_if_under_25": 0.62,
    "complex_among_unemployed_adults": 0.15,  # K3 although unemployed
    "exempt": 0.04,
    "new": 0.03,
    "overdue": 0.04,
    "review": 0.015,
    "profile": 0.10,
    "household": 0.10,
    "video": 0.10,
    "unavailable": 0.10,
    "agreement": 0.35,
    "older_contact": 0.35,
    "phone_exception": 0.015,
    "no_show": 0.03,
    "cancelled": 0.02,
    "planned": 0.02,
}
PROFILE_WEIGHTS = {"MP": 10, "AP": 25, "FP": 25, "EP": 15, "SP": 10, "UP": 5, "I": 5, "Z": 5}


@dataclass
class _Worker:
    """A specialist with the weekly template of their calendar: weekday -> positions."""

    specialist: Specialist
    template: dict[int, list[tuple[int, int, SlotMode]]]  # (start minute, minutes, mode)
    taken: dict[dt.date, list[int]] = field(default_factory=dict)  # past positions booked

    @property
    def sid(self) -> str:
        return self.specialist.specialist_id


def generate(
    *,
    specialists: int,
    customers_per_specialist: int,
    seed: int,
    weeks: int,
    today: dt.date,
    policy: Policy,
    name: str,
    region: str = "DE-BW",
) -> Scenario:
    """A synthetic office: ``specialists`` case workers, ``customers_per_specialist`` x fte
    customers each, free slots for ``weeks`` weeks from the first plannable Monday."""
    rng = random.Random(seed)
    meta = ScenarioMeta(name=name, today=today, policy=policy.name, region=region)
    cal = OfficeCalendar(Scenario(meta=meta, specialists=(), customers=(), slots=()), policy)
    first_monday = first_plannable_monday(today, policy.booking.lead_days)
    horizon = [d for w in range(weeks) for d in week_days(first_monday + dt.timedelta(weeks=w))]
    workers = [_worker(rng, s) for s in _specialists(rng, specialists)]
    slots = [s for w in workers for s in _slots(rng, w, horizon, cal)]
    absences, slots = _absences(rng, workers, horizon, cal, slots)
    staff = Scenario(
        meta=meta,
        specialists=tuple(w.specialist for w in workers),
        customers=(),
        slots=tuple(sorted(slots, key=lambda s: (s.specialist_id, s.start))),
        absences=tuple(sorted(absences, key=lambda a: (a.specialist_id, a.first_day))),
    )
    cal = OfficeCalendar(staff, policy)
    sizes = [max(1, round(customers_per_specialist * w.specialist.fte)) for w in workers]
    width = max(5, len(str(sum(sizes))))
    ids = [f"C{i:0{width}d}" for i in range(1, sum(sizes) + 1)]
    rng.shuffle(ids)  # pseudonymous: an id tells nothing about the caseload
    households = count(1)
    caseloads = [
        _customers(rng, w, ids[sum(sizes[:i]) : sum(sizes[: i + 1])], policy, households)
        for i, w in enumerate(workers)
    ]
    _with_review_cases(rng, caseloads, policy)
    history = _History(rng, policy, cal, today, horizon)
    customers: list[Customer] = []
    for w, own in zip(workers, caseloads, strict=True):
        target = sum(cal.week_target(w.specialist, horizon[7 * k]).target for k in range(weeks))
        customers += history.add(w, own, round(target * rng.uniform(1.02, 1.10)))
    rows = history.rows + _planned(rng, policy, cal, staff, customers, history)
    return staff.model_copy(
        update={
            "customers": tuple(sorted(customers, key=lambda c: c.customer_id)),
            "appointments": _numbered(sorted(rows, key=lambda a: (a.start, a.specialist_id))),
        }
    )


# -- staff and calendars ---------------------------------------------------------------


def _specialists(rng: random.Random, n: int) -> list[Specialist]:
    """Teams of 8-12, fte mostly 1.0, a substitute in the same team, a few without video."""
    teams = max(1, round(n / 10))
    while teams > 1 and n / teams < 8:
        teams -= 1
    while n / teams > 12:
        teams += 1
    sizes = [n // teams + (i < n % teams) for i in range(teams)]
    for _ in range(teams):  # uneven teams, as in a real office
        a, b = rng.randrange(teams), rng.randrange(teams)
        if sizes[a] > 8 and sizes[b] < 12 and a != b:
            sizes[a], sizes[b] = sizes[a] - 1, sizes[b] + 1
    ids = [f"S{i:03d}" for i in range(1, n + 1)]
    out: list[Specialist] = []
    for t, size in enumerate(sizes):
        members = ids[sum(sizes[:t]) : sum(sizes[:t]) + size]
        ring = members[:]
        rng.shuffle(ring)  # Vertretung: each covers the next one in a ring
        subs = {ring[i]: ring[(i + 1) % len(ring)] for i in range(len(ring))}
        for sid in members:
            out.append(
                Specialist(
                    specialist_id=sid,
                    team=f"T{t + 1:02d}",
                    fte=rng.choices(FTE, FTE_WEIGHTS)[0],
                    substitute_id=subs[sid] if size > 1 else None,
                    video=rng.random() > 0.1,
                )
            )
    return out


def _worker(rng: random.Random, sp: Specialist) -> _Worker:
    """The weekly template: full-timers Mon-Fri 08:00-16:00, part-timers fewer days or hours."""
    days, end = list(range(5)), DAY_END
    if sp.fte <= 0.5 and rng.random() < 0.4:
        end = 12 * 60  # mornings only
    elif sp.fte < 1:
        days = sorted(rng.sample(range(5), round(sp.fte * 5 + 0.01) if sp.fte > 0.5 else 3))
        end = {0.5: 13 * 60 + 30, 0.75: 15 * 60}.get(sp.fte, DAY_END)
    return _Worker(sp, {d: _day_template(rng, DAY_START, end, sp.video) for d in days})


def _day_template(
    rng: random.Random, start: int, end: int, video: bool
) -> list[tuple[int, int, SlotMode]]:
    """45- and 60-minute positions between ``start`` and ``end`` with gaps (breaks, paperwork)."""
    window = end - start
    gap = 30 if window > 300 else 15
    most = (window - gap) // 45
    k = max(1, rng.choice((most - 2, most - 1, most - 1, most)))
    room = min(k, (window - gap - 45 * k) // 15)  # 45-minute positions that may be 60
    long = rng.randint(min(1, room), room)
    lengths = [60] * long + [45] * (k - long)
    rng.shuffle(lengths)
    gaps = [0] * (k + 1)
    for _ in range((window - sum(lengths)) // 15):
        gaps[rng.randrange(k + 1)] += 15
    out, t = [], start + gaps[0]
    for length, after in zip(lengths, gaps[1:], strict=True):
        mode = SlotMode.in_person
        if video:
            mode = rng.choices((SlotMode.any, SlotMode.in_person, SlotMode.video), (50, 38, 12))[0]
        out.append((t, length, mode))
        t += length + after
    return out


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60))


def _slots(
    rng: random.Random, w: _Worker, horizon: list[dt.date], cal: OfficeCalendar
) -> list[Slot]:
    """The template in every week of the horizon; no holidays; now and then one slot blocked."""
    out = []
    for day in horizon:
        positions = w.template.get(day.weekday())
        if not positions or not cal.is_working_day(day):
            continue
        blocked = rng.randrange(len(positions)) if rng.random() < 0.1 else -1
        for i, (start, minutes, mode) in enumerate(positions):
            if i != blocked:
                out.append(
                    Slot(
                        specialist_id=w.sid,
                        start=_at(day, start),
                        end=_at(day, start + minutes),
                        mode=mode,
                    )
                )
    return out


def _absences(
    rng: random.Random,
    workers: list[_Worker],
    horizon: list[dt.date],
    cal: OfficeCalendar,
    slots: list[Slot],
) -> tuple[list[Absence], list[Slot]]:
    """5-10 % of specialists absent 1-10 working days; their slots go, except rarely in illness."""
    working = [d for d in horizon if cal.is_working_day(d)]
    count = round(len(workers) * rng.uniform(0.05, 0.10)) or int(len(workers) >= 4)
    out: list[Absence] = []
    for w in rng.sample(workers, min(count, len(workers))):
        reason = rng.choices(("leave", "illness", "training"), (50, 30, 20))[0]
        length = {"leave": rng.randint(3, 10), "illness": rng.randint(1, 5)}.get(
            reason, rng.randint(1, 3)
        )
        for _ in range(10):
            i = rng.randrange(max(1, len(working) - length + 1))
            span = working[i : i + length]
            absence = Absence(
                specialist_id=w.sid, first_day=span[0], last_day=span[-1], reason=reason
            )
            kept = {s.start.weekday() for s in slots if s.specialist_id == w.sid}
            left = {
                s.start.weekday()
                for s in slots
                if s.specialist_id == w.sid and not absence.covers(s.day)
            }
            if left == kept:  # a part-timer's usual days stay readable from the slots
                break
        else:
            continue
        out.append(absence)
        if reason != "illness" or rng.random() > 0.3:  # illness: ATV not yet updated
            slots = [s for s in slots if s.specialist_id != w.sid or not absence.covers(s.day)]
    return out, slots


# -- customers ---------------------------------------------------------------------------


def _customers(
    rng: random.Random, w: _Worker, ids: list[str], policy: Policy, households: Iterator[int]
) -> list[Customer]:
    """One specialist's caseload with the category mix of a real office; households (BG)
    of 2-3 customers within the caseload."""
    out: list[Customer] = []
    p_young = SHARE["unemployed_if_under_25"]
    p_adult = (SHARE["unemployed"] - SHARE["under_25"] * p_young) / (1 - SHARE["under_25"])
    for cid in ids:
        u25 = rng.random() < SHARE["under_25"]
        unemployed = rng.random() < (p_young if u25 else p_adult)
        category, profile = _category(rng, policy, unemployed, u25)
        exempt = None
        if rng.random() < SHARE["exempt"]:
            exempt = rng.choices((Exempt.case_management, Exempt.employer_service), (3, 1))[0]
        mode = rng.choices((None, Mode.in_person, Mode.video), (75, 15, 10))[0]
        if mode is Mode.video and not w.specialist.video:
            mode = None
        out.append(
            Customer(
                customer_id=cid,
                specialist_id=w.sid,
                category=category,
                unemployed=unemployed,
                under_25=u25,
                exempt=exempt,
                profile=profile,
                mode=mode,
                unavailable=_unavailable(rng) if rng.random() < SHARE["unavailable"] else (),
            )
        )
    members = rng.sample(range(len(out)), round(SHARE["household"] * len(out)))
    while len(members) >= 2:
        size = 3 if len(members) == 3 or (len(members) > 4 and rng.random() < 0.3) else 2
        bg = f"BG{next(households):04d}"
        for i in members[:size]:
            out[i] = out[i].model_copy(update={"household_id": bg})
        members = members[size:]
    return out


def _category(
    rng: random.Random, policy: Policy, unemployed: bool, u25: bool
) -> tuple[str, str | None]:
    """The category (and perhaps a profile) the rules give this customer."""
    codes = policy.categories
    if policy.density.rule == "count_per_period":
        weights = [PROFILE_WEIGHTS.get(c, 10) for c in codes]
        return rng.choices(codes, weights)[0], None
    rules = policy.category_review
    if not rules.enabled:
        return rng.choice(codes), None
    if u25:
        category = rules.unemployed_under_25 if unemployed else rules.under_25_not_unemployed
    elif unemployed:
        complex_needs = rng.random() < SHARE["complex_among_unemployed_adults"]
        category = rules.unemployed_adult[-1 if complex_needs else 0]
    else:
        category = rules.not_unemployed_adult[0]
    category = category or codes[-1]
    profile = None
    if rng.random() < SHARE["profile"]:
        fixed = [p for p, c in rules.profiles.items() if c == category]  # I, Z -> K3
        if not unemployed and fixed:
            profile = rng.choice([*fixed, *fixed, "SP", "UP"])
        elif unemployed:
            profile = rng.choice(
                ("MP", "AP", "FP", "EP") if category != codes[-1] else ("EP", "SP", "UP")
            )
    return category, profile


def _unavailable(rng: random.Random) -> tuple:
    """One or two weekdays or half-days (part-time job, childcare, a measure)."""
    names = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    days = rng.sample(names, rng.choice((1, 1, 1, 2)))
    return parse_unavailable(
        ";".join(
            d + rng.choices(("", "-AM", "-PM"), (40, 35, 25))[0]
            for d in sorted(days, key=names.index)
        )
    )


def _with_review_cases(rng: random.Random, caseloads: list[list[Customer]], policy: Policy) -> None:
    """About 1.5 % whose stored category contradicts the rules: K1 though not unemployed,
    or K1 though unemployed and under 25 (the category review list)."""
    rules = policy.category_review
    if not rules.enabled or not rules.unemployed_adult:
        return
    wrong = rules.unemployed_adult[0]
    pool = [
        (i, j)
        for i, own in enumerate(caseloads)
        for j, c in enumerate(own)
        if c.exempt is None
        and c.profile is None
        and c.category != wrong
        and (not c.unemployed or c.under_25)
    ]
    total = sum(len(own) for own in caseloads)
    for i, j in rng.sample(pool, min(len(pool), max(1, round(SHARE["review"] * total)))):
        caseloads[i][j] = caseloads[i][j].model_copy(update={"category": wrong})


# -- history ---------------------------------------------------------------------------


class _History:
    """Past appointments and last contacts, set so that each caseload's workload is real."""

    def __init__(
        self,
        rng: random.Random,
        policy: Policy,
        cal: OfficeCalendar,
        today: dt.date,
        horizon: list[dt.date],
    ) -> None:
        self.rng, self.policy, self.cal, self.today = rng, policy, cal, today
        self.first_day, self.last_day = horizon[0], horizon[-1]
        self.rows: list[Appointment] = []
        self.days: dict[str, list[dt.date]] = {}  # customer -> days with an appointment

    def add(self, w: _Worker, customers: list[Customer], due_target: int) -> list[Customer]:
        """Give the caseload last contacts so that about ``due_target`` are due by the
        horizon's end: new, overdue, those whose interval forces it, then by weight 1/interval."""
        rng, out = self.rng, []
        group: dict[str, str] = {}
        horizon_days = (self.last_day - self.today).days + 1
        free: list[tuple[float, str]] = []
        for c in customers:
            if c.exempt is not None:
                group[c.customer_id] = "exempt"
            elif rng.random() < SHARE["new"]:
                group[c.customer_id] = "new"
            elif rng.random() < SHARE["overdue"]:
                group[c.customer_id] = "overdue"
            elif self.policy.interval_days(c) <= horizon_days:
                group[c.customer_id] = "due"
            else:
                group[c.customer_id] = "not_due"
                key = rng.random() ** self.policy.interval_days(c)  # Efraimidis-Spirakis
                free.append((key, c.customer_id))
        fill = due_target - sum(1 for g in group.values() if g != "exempt" and g != "not_due")
        for _, cid in sorted(free, reverse=True)[: max(0, fill)]:
            group[cid] = "due"
        for c in customers:
            out.append(self._contacts(w, c, group[c.customer_id]))
        return out

    def _window(self, c: Customer, group: str) -> tuple[dt.date, dt.date]:
        latest = self.today + dt.timedelta(days=self.policy.interval_days(c) - 1)
        if group == "overdue":
            return self.today - dt.timedelta(days=42), self.today - dt.timedelta(days=1)
        if group == "due":
            return self.first_day, min(self.last_day, latest)
        return self.last_day + dt.timedelta(days=1), latest

    def _contacts(self, w: _Worker, c: Customer, group: str) -> Customer:
        """Book the held contacts of one customer; return it with ``last_contact`` set.

        The last contact is moved until the due date it implies falls in the group's
        window (a few steps of ``guess -= due - target``; exact for interval rules)."""
        rng, policy = self.rng, self.policy
        if group == "new":
            self._missed(w, c, None)
            return c
        gap = policy.interval_days(c)
        older = rng.choice((1, 1, 2)) if rng.random() < SHARE["older_contact"] else 0
        offsets = list(
            accumulate(max(35, round(gap * rng.uniform(0.7, 1.0))) for _ in range(older))
        )
        agreement = rng.random() < SHARE["agreement"]
        kind = Kind.first_interview if not offsets and rng.random() < 0.15 else Kind.follow_up
        minutes = policy.duration(kind)
        if group == "exempt":
            lo, hi = self.today - dt.timedelta(days=180), self.today
            target = self.today - dt.timedelta(days=rng.randint(7, 180))
            guess = target
        else:
            lo, hi = self._window(c, group)
            target = lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
            guess = target - dt.timedelta(days=gap)
        spot = None
        for _ in range(5):
            spot = self._find(w, c, guess, minutes) or self._find(w, c, guess, minutes, reach=40)
            if spot is None or group == "exempt":
                break
            day = spot[0]
            contacts = [day - dt.timedelta(days=o) for o in reversed(offsets)] + [day]
            trial = c.model_copy(update={"agreement_start": contacts[0] if agreement else None})
            due = policy.next_due(trial, contacts, self.today)
            if lo <= due <= hi:
                break
            guess = day - (due - target)
        if spot is None:  # no room left in the past calendar: a new customer
            return c
        last = self._held(w, c, spot, kind, last=True)
        days = [last]
        for n, o in enumerate(offsets):
            first = n == len(offsets) - 1 and rng.random() < 0.3
            kind = Kind.first_interview if first else Kind.follow_up
            spot = self._find(w, c, last - dt.timedelta(days=o), policy.duration(kind), reach=5)
            if spot is not None:
                days.append(self._held(w, c, spot, kind, last=False))
        self._missed(w, c, last)
        update: dict = {"last_contact": last}
        if agreement:
            update["agreement_start"] = min(days)
        if c.exempt is None and rng.random() < 0.03:
            update["last_group_session"] = min(days) - dt.timedelta(days=rng.randint(14, 200))
        return c.model_copy(update=update)

    def _find(
        self, w: _Worker, c: Customer, around: dt.date, minutes: int, reach: int = 10
    ) -> tuple[dt.date, int] | None:
        """The past working day nearest ``around`` with a free position that fits ``c``."""
        busy = self.days.get(c.customer_id, [])
        for off in sorted(range(-reach, reach + 1), key=abs):
            day = around + dt.timedelta(days=off)
            positions = w.template.get(day.weekday())
            taken = w.taken.get(day, [])
            if (
                day >= self.today
                or not positions
                or len(taken) >= self.policy.booking.daily_cap
                or day in busy
                or not self.cal.is_working_day(day)
            ):
                continue
            fits = [
                i
                for i, (start, length, _) in enumerate(positions)
                if i not in taken
                and length >= minutes
                and c.available(_at(day, start), _at(day, start + length))
            ]
            if fits:
                return day, self.rng.choice(fits)
        return None

    def _book(
        self,
        w: _Worker,
        c: Customer,
        spot: tuple[dt.date, int],
        kind: Kind,
        status: Status,
        mode: Mode | None = None,
        **extra: object,
    ) -> dt.date:
        day, i = spot
        w.taken.setdefault(day, []).append(i)
        self.days.setdefault(c.customer_id, []).append(day)
        start = _at(day, w.template[day.weekday()][i][0])
        self.rows.append(
            Appointment(
                appointment_id=f"tmp{len(self.rows)}",
                customer_id=c.customer_id,
                specialist_id=w.sid,
                start=start,
                end=start + dt.timedelta(minutes=self.policy.duration(kind)),
                kind=kind,
                mode=mode or c.mode or Mode.in_person,
                status=status,
                booked_on=day - dt.timedelta(days=self.rng.randint(14, 28)),
                **extra,
            )
        )
        return day

    def _held(
        self, w: _Worker, c: Customer, spot: tuple[dt.date, int], kind: Kind, last: bool
    ) -> dt.date:
        """A held qualified contact; rarely by phone with a documented exception."""
        if last and self.rng.random() < SHARE["phone_exception"]:
            return self._book(
                w, c, spot, kind, Status.held, mode=Mode.phone, qualified_exception=True
            )
        return self._book(w, c, spot, kind, Status.held)

    def _missed(self, w: _Worker, c: Customer, last: dt.date | None) -> None:
        """Now and then a past no-show or cancellation (after the last contact, if any)."""
        rng = self.rng
        for status in (Status.no_show, Status.cancelled):
            if rng.random() >= SHARE[status.value]:
                continue
            earliest = (last or self.today - dt.timedelta(days=60)) + dt.timedelta(days=14)
            if earliest >= self.today:
                continue
            around = earliest + dt.timedelta(days=rng.randint(0, (self.today - earliest).days))
            kind = Kind.follow_up if last else Kind.first_interview
            spot = self._find(w, c, around, self.policy.duration(kind), reach=5)
            if spot is None:
                continue
            extra = {}
            if status is Status.cancelled:
                extra["cancelled_on"] = spot[0] - dt.timedelta(days=rng.randint(1, 10))
            self._book(w, c, spot, kind, status, **extra)


# -- existing bookings -------------------------------------------------------------------


def _planned(
    rng: random.Random,
    policy: Policy,
    cal: OfficeCalendar,
    staff: Scenario,
    customers: list[Customer],
    history: _History,
) -> list[Appointment]:
    """A few bookings made in the last days, valid by every booking rule (RULES.md)."""
    office = staff.model_copy(
        update={"customers": tuple(customers), "appointments": tuple(history.rows)}
    )
    dues = due_dates(office, policy)
    slots: dict[str, list[Slot]] = {}
    for s in staff.slots:
        if cal.is_available(s.specialist_id, s.day):
            slots.setdefault(s.specialist_id, []).append(s)
    load: dict[tuple[str, dt.date], int] = {}
    out: list[Appointment] = []
    for c in customers:
        due = dues.get(c.customer_id)
        if due is None or not (due.first_interview or history.first_day <= due.due):
            continue
        if due.due > history.last_day or rng.random() >= SHARE["planned"]:
            continue
        kind = Kind.first_interview if due.first_interview else Kind.follow_up
        video = c.mode is Mode.video and staff.specialists_by_id[c.specialist_id].video
        mode = Mode.video if video else Mode.in_person
        earliest = history.first_day
        if c.last_contact is not None:
            earliest = c.last_contact + dt.timedelta(days=policy.booking.min_days_between_contacts)
        latest = history.last_day if due.first_interview else due.due
        fits = [
            s
            for s in slots.get(c.specialist_id, [])
            if earliest <= s.day <= latest
            and s.minutes >= policy.duration(kind)
            and s.mode in (SlotMode.any, SlotMode(mode.value))
            and c.available(s.start, s.end)
            and load.get((s.specialist_id, s.day), 0) < policy.booking.daily_cap
        ]
        if not fits:
            continue
        s = rng.choice(fits)
        slots[c.specialist_id].remove(s)
        load[(s.specialist_id, s.day)] = load.get((s.specialist_id, s.day), 0) + 1
        out.append(
            Appointment(
                appointment_id="new",
                customer_id=c.customer_id,
                specialist_id=c.specialist_id,
                start=s.start,
                end=s.start + dt.timedelta(minutes=policy.duration(kind)),
                kind=kind,
                mode=mode,
                status=Status.planned,
                booked_on=staff.today - dt.timedelta(days=rng.randint(1, 5)),
            )
        )
    return out


def _numbered(appointments: Sequence[Appointment]) -> tuple[Appointment, ...]:
    """``H000001`` for the past rows, ``P0001`` for the planned ones, in order of start."""
    out, past, planned = [], 0, 0
    for a in appointments:
        if a.status is Status.planned:
            planned += 1
            aid = f"P{planned:04d}"
        else:
            past += 1
            aid = f"H{past:06d}"
        out.append(a.model_copy(update={"appointment_id": aid}))
    return tuple(out)


# -- figures ---------------------------------------------------------------------------


def office_figures(scenario: Scenario, policy: Policy, weeks: int) -> dict[str, float | int]:
    """The realism figures of an office: category shares, and customers due by the end of
    the ``weeks``-week horizon against the weekly targets summed over it."""
    customers = scenario.customers
    n = max(1, len(customers))
    first = first_plannable_monday(scenario.today, policy.booking.lead_days)
    last = first + dt.timedelta(days=7 * weeks - 1)
    cal = OfficeCalendar(scenario, policy)
    dues = due_dates(scenario, policy).values()
    out: dict[str, float | int] = {
        "customers": len(customers),
        "specialists": len(scenario.specialists),
        "teams": len({s.team for s in scenario.specialists}),
        "part_time": sum(s.fte < 1 for s in scenario.specialists),
        "free_slots": len(scenario.slots),
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
        "planned": sum(a.status is Status.planned for a in scenario.appointments),
        "history": sum(a.status is not Status.planned for a in scenario.appointments),
    }
    for code in policy.categories:
        out[f"category_{code}"] = sum(c.category == code for c in customers) / n
    return out
