"""Past appointments and last contacts that give each caseload a real workload, and
the few bookings made in the last days.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

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
from kontaktplan.generate.common import SHARE, Worker, day_time
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Policy, due_dates


@dataclass
class History:
    """Past appointments and last contacts, set so that each caseload's workload is real."""

    rng: random.Random
    policy: Policy
    cal: OfficeCalendar
    today: dt.date
    horizon: list[dt.date]
    rows: list[Appointment] = field(default_factory=list)
    days: dict[str, list[dt.date]] = field(default_factory=dict)  # customer -> busy days

    def add(self, w: Worker, customers: list[Customer], targets: list[int]) -> list[Customer]:
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

    def _contacts(self, w: Worker, c: Customer, group: str, due: dt.date | None) -> Customer:
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
        self, w: Worker, c: Customer, around: dt.date, minutes: int, reach: int
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
                and c.available(day_time(day, start), day_time(day, start + length))
            ]
            if fits and len(taken) < self.policy.booking.daily_cap:
                return day, self.rng.choice(fits)
        return None

    def _book(
        self,
        w: Worker,
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
        start = day_time(day, w.template[day.weekday()][i][0])
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

    def _missed(self, w: Worker, c: Customer, last: dt.date | None) -> None:
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


def planned_bookings(
    rng: random.Random,
    policy: Policy,
    cal: OfficeCalendar,
    staff: Scenario,
    customers: list[Customer],
    history: History,
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
