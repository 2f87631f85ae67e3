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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, count

from kontaktplan.calendar import OfficeCalendar, first_plannable_monday, week_days
from kontaktplan.domain import (
    WEEKDAYS,
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
from kontaktplan.policy import Policy, due_dates

__all__ = ["generate"]

FULL_TIME = 0.7  # share of full-time specialists; the others work 0.5-0.8
PART_TIME = {0.8: 30, 0.75: 25, 0.6: 20, 0.5: 25}
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
        targets = [cal.week_target(w.specialist, horizon[7 * k]).target for k in range(weeks)]
        customers += history.add(w, own, targets)
    rows = history.rows + _planned(rng, policy, cal, staff, customers, history)
    number = Counter[bool]()
    for i, a in enumerate(sorted(rows, key=lambda a: (a.start, a.specialist_id))):
        planned = a.status is Status.planned
        number[planned] += 1
        aid = f"P{number[planned]:04d}" if planned else f"H{number[planned]:06d}"
        rows[i] = a.model_copy(update={"appointment_id": aid})
    customers.sort(key=lambda c: c.customer_id)
    return staff.model_copy(update={"customers": tuple(customers), "appointments": tuple(rows)})


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
    full = round(FULL_TIME * n)
    ftes = [1.0] * full + rng.choices(list(PART_TIME), list(PART_TIME.values()), k=n - full)
    rng.shuffle(ftes)
    out: list[Specialist] = []
    for t, size in enumerate(sizes):
        members = ids[sum(sizes[:t]) : sum(sizes[:t]) + size]
        ring = members[:]
        rng.shuffle(ring)  # Vertretung: each covers the next one in a ring
        subs = {ring[i]: ring[(i + 1) % len(ring)] for i in range(len(ring))}
        out += [
            Specialist(
                specialist_id=sid,
                team=f"T{t + 1:02d}",
                fte=ftes[len(out) + k],
                substitute_id=subs[sid] if size > 1 else None,
                video=rng.random() > 0.1,
            )
            for k, sid in enumerate(members)
        ]
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


def _weekdays(slots: list[Slot]) -> list[int]:
    return sorted({s.start.weekday() for s in slots})


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
        out += [
            Slot(specialist_id=w.sid, start=_at(day, t), end=_at(day, t + length), mode=mode)
            for i, (t, length, mode) in enumerate(positions)
            if i != blocked
        ]
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
            own = [s for s in slots if s.specialist_id == w.sid]
            left = [s for s in own if not absence.covers(s.day)]
            if _weekdays(left) == _weekdays(own):  # a part-timer's usual days stay readable
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
        unemployed = unemployed and category not in ("I", "Z")  # ba-2010 profiles
        exempt = None
        if rng.random() < SHARE["exempt"]:
            exempt = rng.choices((Exempt.case_management, Exempt.employer_service), (3, 1))[0]
        mode = rng.choices((None, Mode.in_person, Mode.video), (0.75, 0.15, SHARE["video"]))[0]
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
    """The category the rules give this customer, and for some a consistent profile."""
    codes, rules = policy.categories, policy.category_review
    if policy.density.rule == "count_per_period":  # ba-2010: the category is the profile
        return rng.choices(codes, [PROFILE_WEIGHTS.get(c, 10) for c in codes])[0], None
    if not rules.enabled or not rules.unemployed_adult or not rules.not_unemployed_adult:
        return rng.choice(codes), None
    complex_needs = rng.random() < SHARE["complex_among_unemployed_adults"]
    category = {
        (True, True): rules.unemployed_under_25,
        (True, False): rules.under_25_not_unemployed,
        (False, True): rules.unemployed_adult[-1 if complex_needs else 0],
    }.get((u25, unemployed)) or rules.not_unemployed_adult[0]
    if rng.random() >= SHARE["profile"]:
        return category, None
    if not unemployed:  # I (integrated, still in need), Z (e.g. carers): always K3
        fixed = [p for p, c in rules.profiles.items() if c == category]
        return category, rng.choice([*fixed, *fixed, "SP", "UP"])
    if category == rules.not_unemployed_adult[0]:
        return category, rng.choice(("EP", "SP", "UP"))
    return category, rng.choice(("MP", "AP", "FP", "EP"))


def _unavailable(rng: random.Random) -> tuple:
    """One or two weekdays or half-days (part-time job, childcare, a measure)."""
    days = sorted(rng.sample(range(5), rng.choice((1, 1, 1, 2))))
    halves = rng.choices(("", "-AM", "-PM"), (40, 35, 25), k=len(days))
    return parse_unavailable(";".join(WEEKDAYS[d] + h for d, h in zip(days, halves, strict=True)))


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


@dataclass
class _History:
    """Past appointments and last contacts, set so that each caseload's workload is real."""

    rng: random.Random
    policy: Policy
    cal: OfficeCalendar
    today: dt.date
    horizon: list[dt.date]
    rows: list[Appointment] = field(default_factory=list)
    days: dict[str, list[dt.date]] = field(default_factory=dict)  # customer -> busy days

    def add(self, w: _Worker, customers: list[Customer], targets: list[int]) -> list[Customer]:
        """Last contacts such that 2-10 % more customers than the weekly ``targets`` sum
        to are due by the horizon's end: the new, the overdue, those whose interval is
        shorter than the horizon, then others drawn with weight 1 / interval
        (Efraimidis-Spirakis keys)."""
        rng, group, keys = self.rng, {}, []
        factor = rng.uniform(1.02, 1.10)
        span = (self.horizon[-1] - self.today).days + 1
        for c in customers:
            gap = self.policy.interval_days(c)
            if c.exempt is not None:
                group[c.customer_id] = "exempt"
            elif rng.random() < SHARE["new"]:
                group[c.customer_id] = "new"
            elif rng.random() < SHARE["overdue"]:
                group[c.customer_id] = "overdue"
            else:
                group[c.customer_id] = "due" if gap <= span else "not_due"
                keys += [(rng.random() ** gap, c.customer_id)] if gap > span else []
        backlog = sum(g in ("new", "overdue") for g in group.values())
        fill = round(factor * sum(targets)) - backlog - sum(g == "due" for g in group.values())
        for _, cid in sorted(keys, reverse=True)[: max(0, fill)]:
            group[cid] = "due"
        budget = [factor * t - (backlog if k == 0 else 0) for k, t in enumerate(targets)]
        tightest_first = sorted(
            (c for c in customers if group[c.customer_id] == "due"),
            key=lambda c: self._window(c, "due")[1],
        )
        due = {c.customer_id: self._due_day(c, budget) for c in tightest_first}
        return [
            self._contacts(w, c, group[c.customer_id], due.get(c.customer_id)) for c in customers
        ]

    def _due_day(self, c: Customer, budget: list[float]) -> dt.date:
        """A due date in the horizon, in a week drawn by what is left of its target, so
        that each week (the first with the backlog) is due about as much as it books."""
        lo, hi = self._window(c, "due")
        gap = dt.timedelta(days=self.policy.interval_days(c))
        days = [  # whose last contact falls on a past working day, roughly
            d
            for d in self.horizon
            if lo <= d <= hi and d - gap < self.today and self.cal.is_working_day(d - gap)
        ] or [lo]
        week = {d: (d - self.horizon[0]).days // 7 for d in days}
        weeks = sorted(set(week.values()))
        k = self.rng.choices(weeks, [max(budget[k], 0.1) for k in weeks])[0]
        budget[k] -= 1
        return self.rng.choice([d for d in days if week[d] == k])

    def _window(self, c: Customer, group: str) -> tuple[dt.date, dt.date]:
        """The due dates a customer of ``group`` may have."""
        day = dt.timedelta(days=1)
        latest = self.today + (self.policy.interval_days(c) - 1) * day
        if group == "overdue":
            return self.today - 42 * day, self.today - day
        if group == "due":
            return self.horizon[0], min(self.horizon[-1], latest)
        if group == "not_due":
            return self.horizon[-1] + day, latest
        return self.today - 180 * day, self.today - 7 * day  # exempt: any recent contact

    def _contacts(self, w: _Worker, c: Customer, group: str, due: dt.date | None) -> Customer:
        """Book the held contacts of one customer; return it with ``last_contact`` set.

        The last contact moves until the due date it implies falls in the group's window
        (steps of ``guess -= due - target``; one step for an interval rule)."""
        rng, policy = self.rng, self.policy
        if group == "new":
            self._missed(w, c, None)
            return c
        gap = policy.interval_days(c)
        older = rng.choice((1, 1, 2)) if rng.random() < SHARE["older_contact"] else 0
        offsets = list(accumulate(max(35, round(gap * rng.uniform(0.7, 1))) for _ in range(older)))
        agreement = rng.random() < SHARE["agreement"]
        kind = Kind.first_interview if not older and rng.random() < 0.15 else Kind.follow_up
        lo, hi = self._window(c, group)
        if due is not None:  # within the week of the drawn due date
            monday = due - dt.timedelta(days=due.weekday())
            lo, hi, target = max(lo, monday), min(hi, monday + dt.timedelta(days=6)), due
        else:
            target = lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
        guess = target - dt.timedelta(days=0 if group == "exempt" else gap)
        for _ in range(5):
            spot = self._find(w, c, guess, policy.duration(kind), reach=40)
            if spot is None or group == "exempt":
                break
            contacts = [spot[0] - dt.timedelta(days=o) for o in reversed(offsets)] + [spot[0]]
            trial = c.model_copy(update={"agreement_start": contacts[0] if agreement else None})
            due = policy.next_due(trial, contacts, self.today)
            if lo <= due <= hi:
                break
            guess = spot[0] - (due - target)
        if spot is None:  # no room left in the past calendar: a new customer
            return c
        phone = rng.random() < SHARE["phone_exception"]  # documented exception: qualified
        last = self._book(w, c, spot, kind, Status.held, Mode.phone if phone else None, phone)
        days = [last]
        for n, o in enumerate(offsets):
            first = n == older - 1 and rng.random() < 0.3
            kind = Kind.first_interview if first else Kind.follow_up
            spot = self._find(w, c, last - dt.timedelta(days=o), policy.duration(kind), reach=5)
            if spot is not None:
                days.append(self._book(w, c, spot, kind, Status.held))
        self._missed(w, c, last)
        update: dict = {"last_contact": last, "agreement_start": min(days) if agreement else None}
        if c.exempt is None and rng.random() < 0.03:
            update["last_group_session"] = min(days) - dt.timedelta(days=rng.randint(14, 200))
        return c.model_copy(update=update)

    def _find(
        self, w: _Worker, c: Customer, around: dt.date, minutes: int, reach: int
    ) -> tuple[dt.date, int] | None:
        """The past working day nearest ``around`` with a free position that fits ``c``."""
        busy = self.days.get(c.customer_id, [])
        for off in sorted(range(-reach, reach + 1), key=abs):
            day = around + dt.timedelta(days=off)
            positions = w.template.get(day.weekday(), [])
            taken = w.taken.get(day, [])
            if day >= self.today or day in busy or not self.cal.is_working_day(day):
                continue
            fits = [
                i
                for i, (start, length, _) in enumerate(positions)
                if i not in taken
                and length >= minutes
                and c.available(_at(day, start), _at(day, start + length))
            ]
            if fits and len(taken) < self.policy.booking.daily_cap:
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
        qualified_exception: bool = False,
        cancelled_on: dt.date | None = None,
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
                cancelled_on=cancelled_on,
                qualified_exception=qualified_exception,
            )
        )
        return day

    def _missed(self, w: _Worker, c: Customer, last: dt.date | None) -> None:
        """Now and then a past no-show or cancellation (after the last contact, if any)."""
        rng = self.rng
        for status in (Status.no_show, Status.cancelled):
            earliest = (last or self.today - dt.timedelta(days=60)) + dt.timedelta(days=14)
            if rng.random() >= SHARE[status.value] or earliest >= self.today:
                continue
            around = earliest + dt.timedelta(days=rng.randint(0, (self.today - earliest).days))
            kind = Kind.follow_up if last else Kind.first_interview
            spot = self._find(w, c, around, self.policy.duration(kind), reach=5)
            if spot is not None:
                notice = dt.timedelta(days=rng.randint(1, 10))
                cancelled_on = spot[0] - notice if status is Status.cancelled else None
                self._book(w, c, spot, kind, status, cancelled_on=cancelled_on)


# -- existing bookings -------------------------------------------------------------------


def _planned(
    rng: random.Random,
    policy: Policy,
    cal: OfficeCalendar,
    staff: Scenario,
    customers: list[Customer],
    history: _History,
) -> list[Appointment]:
    """A few bookings made in the last days, in free slots, valid by every booking rule:
    lead time, available day, daily cap, slot length and mode, customer availability,
    minimum gap after the last contact, on or before the deadline (RULES.md)."""
    office = staff.model_copy(update={"customers": customers, "appointments": history.rows})
    dues = due_dates(office, policy)
    free: dict[str, list[Slot]] = {}
    for s in staff.slots:
        if cal.is_available(s.specialist_id, s.day):
            free.setdefault(s.specialist_id, []).append(s)
    load: Counter[tuple[str, dt.date]] = Counter()
    no_show = {a.customer_id for a in history.rows if a.status is Status.no_show}
    gap = dt.timedelta(days=policy.booking.min_days_between_contacts)
    out: list[Appointment] = []
    for c in customers:
        due = dues.get(c.customer_id)
        if due is None or c.customer_id in no_show or rng.random() >= SHARE["planned"]:
            continue  # exempt; or to be re-invited in person after a no-show
        kind = Kind.first_interview if due.first_interview else Kind.follow_up
        video = c.mode is Mode.video and staff.specialists_by_id[c.specialist_id].video
        mode = Mode.video if video else Mode.in_person
        earliest = c.last_contact + gap if c.last_contact else history.horizon[0]
        latest = history.horizon[-1] if due.first_interview else due.due
        fits = [
            s
            for s in free.get(c.specialist_id, [])
            if earliest <= s.day <= latest
            and s.minutes >= policy.duration(kind)
            and s.mode in (SlotMode.any, SlotMode(mode.value))
            and c.available(s.start, s.end)
            and load[(s.specialist_id, s.day)] < policy.booking.daily_cap
        ]
        if fits:
            s = rng.choice(fits)
            free[c.specialist_id].remove(s)
            load[(s.specialist_id, s.day)] += 1
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
