"""The rules of the independent validator, one function each, named after the rule.

Written from RULES.md alone; no code shared with the solver. Which appointments each
rule looks at (new, touched, planned) is explained in :mod:`kontaktplan.validation`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any, NamedTuple

from kontaktplan.domain import Appointment, Customer, Kind, Mode, Scenario, SlotMode, Status
from kontaktplan.i18n.phrase import IsoWeek, Listing, Phrase, Weekday
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Policy, add_months
from kontaktplan.validation.figures import counted_contacts, deadline_figures, week_figures

__all__ = [
    "ABSENCE_ESCALATED",
    "HARD_RULES",
    "LATE_BOOKING",
    "MISSING_STATUS",
    "RULE_CHECKS",
    "SPREAD",
    "STRICT_WARNINGS",
    "Checker",
    "Violation",
]

SLOT_OWNED = "slot_owned"
SLOT_SINGLE = "slot_single"
SLOT_FITS = "slot_fits"
DAILY_CAP = "daily_cap"
LEAD_TIME = "lead_time"
CLOSED_DAY = "closed_day"
ABSENCE = "absence"
CUSTOMER_UNAVAILABLE = "customer_unavailable"
ONE_PER_DAY = "one_per_day"
MIN_GAP = "min_gap"
ONE_FUTURE_BOOKING = "one_future_booking"
EXEMPT_NOT_BOOKED = "exempt_not_booked"
MODE = "mode"
FIRST_INTERVIEW_KIND = "first_interview_kind"
GROUP_SESSION_LIMIT = "group_session_limit"
MISSING_STATUS = "missing_status"
ABSENCE_ESCALATED = "absence_escalated"  # a warning: an open task for the team lead
SPREAD = "spread"
LATE_BOOKING = "late_booking"

#: Warning classes that ``validate --strict`` turns into a failure.
STRICT_WARNINGS = (SPREAD, LATE_BOOKING)

HARD_RULES = (
    SLOT_OWNED,
    SLOT_SINGLE,
    SLOT_FITS,
    DAILY_CAP,
    LEAD_TIME,
    CLOSED_DAY,
    ABSENCE,
    CUSTOMER_UNAVAILABLE,
    ONE_PER_DAY,
    MIN_GAP,
    ONE_FUTURE_BOOKING,
    MODE,
    FIRST_INTERVIEW_KIND,
    GROUP_SESSION_LIMIT,
)


@dataclass(frozen=True)
class Violation:
    """A broken hard rule, with the appointment, specialist, customer and day it concerns.

    ``message`` is a :class:`~kontaktplan.i18n.phrase.Phrase`: English as a ``str``, in
    German by ``message.say("de")``."""

    rule: str
    message: str
    appointment_id: str | None = None
    specialist_id: str | None = None
    customer_id: str | None = None
    day: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["message"] = str(self.message)  # the English text of the Phrase
        d["day"] = self.day.isoformat() if self.day else None
        return d


class _Window(NamedTuple):
    """Where a new appointment may lie: a free slot, or the time a backfill fills."""

    start: dt.datetime
    end: dt.datetime
    mode: SlotMode

    def holds(self, a: Appointment) -> bool:
        return self.start <= a.start and a.end <= self.end

    def overlaps(self, a: Appointment) -> bool:
        return self.start < a.end and a.start < self.end


def _overlap(a: Appointment, b: Appointment) -> bool:
    return a.start < b.end and b.start < a.end


def _show(a: Appointment) -> Phrase:
    """``P1 (C1 with S1, 2026-12-07 08:00-08:45, follow_up, in_person)``."""
    return Phrase(
        "check.show",
        appointment=a.appointment_id,
        customer=a.customer_id,
        specialist=a.specialist_id,
        start=a.start,
        end=a.end.time(),
        kind=a.kind,
        mode=a.mode,
    )


def _problems(show: Phrase, problems: list[Phrase]) -> Phrase:
    """``{show}: problem; problem``."""
    return Phrase("check.problems", show=show, problems=Listing(problems, "; "))


class Checker:
    """The scenario prepared for the rules, and the findings collected so far."""

    def __init__(self, scenario: Scenario, policy: Policy) -> None:
        self.scenario = scenario
        self.policy = policy
        self.today = scenario.today
        self.calendar = OfficeCalendar(scenario, policy)
        self.violations: list[Violation] = []
        self.warnings: list[str] = []  # Phrase "rule: message" each
        self._contacts: dict[str, list[Appointment]] = {}

    def in_scope(self, a: Appointment) -> bool:
        """Planned from today on (a past appointment still planned is `missing_status`)."""
        return a.status is Status.planned and a.day >= self.today

    def is_new(self, a: Appointment) -> bool:
        """A new booking of this planning date (FORMAT.md, "What a plan writes")."""
        return (
            self.in_scope(a)
            and a.booked_on == self.today
            and a.kind is not Kind.phone_consultation
            and a.reassigned_from is None
        )

    def touched(self, a: Appointment) -> bool:
        """Booked today or reassigned: a row the plan or a disruption command wrote."""
        return self.in_scope(a) and (a.booked_on == self.today or a.reassigned_from is not None)

    @cached_property
    def active(self) -> list[Appointment]:
        return sorted((a for a in self.scenario.appointments if a.is_active), key=lambda a: a.start)

    @cached_property
    def planned(self) -> list[Appointment]:
        return [a for a in self.active if self.in_scope(a)]

    @cached_property
    def new(self) -> list[Appointment]:
        return [a for a in self.planned if self.is_new(a)]

    @cached_property
    def by_id(self) -> dict[str, Appointment]:
        return {a.appointment_id: a for a in self.scenario.appointments}

    @cached_property
    def slots(self) -> dict[str, list[_Window]]:
        """Each specialist's free slots, in order of start."""
        out: dict[str, list[_Window]] = defaultdict(list)
        for s in sorted(self.scenario.slots, key=lambda s: s.start):
            out[s.specialist_id].append(_Window(s.start, s.end, s.mode))
        return out

    @cached_property
    def slots_by_day(self) -> dict[tuple[str, dt.date], list[_Window]]:
        """Each specialist's free slots of each day (a slot lies within one day)."""
        out: dict[tuple[str, dt.date], list[_Window]] = defaultdict(list)
        for sid, windows in self.slots.items():
            for w in windows:
                out[sid, w.start.date()].append(w)
        return out

    @cached_property
    def _planned_by_day(self) -> dict[tuple[str, dt.date], list[Appointment]]:
        out: dict[tuple[str, dt.date], list[Appointment]] = defaultdict(list)
        for a in self.planned:
            out[a.specialist_id, a.day].append(a)
        return out

    def planned_on(self, sid: str, day: dt.date) -> list[Appointment]:
        """The planned appointments of specialist ``sid`` on ``day`` (from today on)."""
        return self._planned_by_day.get((sid, day), [])

    @cached_property
    def horizon_end(self) -> dt.date:
        """The last day with a free slot: the end of what the schedule plans."""
        return max((s.day for s in self.scenario.slots), default=self.today)

    def customer(self, a: Appointment) -> Customer:
        return self.scenario.customers_by_id[a.customer_id]

    def contacts(self, customer: Customer) -> list[Appointment]:
        """The customer's counted qualified contacts, held and planned from today."""
        cid = customer.customer_id
        if cid not in self._contacts:
            history = self.scenario.appointments_by_customer.get(cid, ())
            self._contacts[cid] = counted_contacts(customer, history, self.policy, self.today)
        return self._contacts[cid]

    def contact_days(self, customer: Customer) -> list[dt.date]:
        """The days of those contacts and of ``last_contact``."""
        days = {a.day for a in self.contacts(customer)}
        if customer.last_contact is not None:
            days.add(customer.last_contact)
        return sorted(days)

    def backfilled(self, a: Appointment) -> Appointment | None:
        """The cancelled appointment a backfill takes the place of, if it is one."""
        if a.backfill_for is None:
            return None
        old = self.by_id.get(a.backfill_for)
        if old is None or old.status is not Status.cancelled:
            return None
        return old

    def replaced(self, a: Appointment) -> Appointment | None:
        """The voided appointment ``a`` replaces (a resolved absence escalation), if any."""
        if a.replaces is None:
            return None
        old = self.by_id.get(a.replaces)
        if old is None or old.status is not Status.voided:
            return None
        return old

    def windows(self, a: Appointment) -> list[_Window]:
        """The own specialist's slots overlapping ``a``, plus the time a backfill fills."""
        days = (a.end.date() - a.start.date()).days + 1
        out = [
            w
            for day in (a.start.date() + dt.timedelta(days=i) for i in range(days))
            for w in self.slots_by_day.get((a.specialist_id, day), ())
            if w.overlaps(a)
        ]
        old = self.backfilled(a)
        if old is not None and old.specialist_id == a.specialist_id:
            out.append(_Window(old.start, old.end, SlotMode.any))
        return out

    def home(self, a: Appointment) -> _Window | None:
        """The window that holds ``a`` entirely, if any."""
        return next((w for w in self.windows(a) if w.holds(a)), None)

    def hard(self, rule: str, a: Appointment, message: Phrase) -> None:
        """A hard violation of ``rule`` by ``a``."""
        self.violations.append(
            Violation(rule, message, a.appointment_id, a.specialist_id, a.customer_id, a.day)
        )

    def finding(self, rule: str, involved: Iterable[Appointment], message: Phrase) -> None:
        """Hard when one of the involved appointments is touched, else a warning."""
        involved = sorted(involved, key=lambda a: (a.start, a.appointment_id))
        touched = [a for a in involved if self.touched(a)]
        if touched:
            self.hard(rule, touched[-1], message)
        elif any(self.in_scope(a) for a in involved):
            self.warnings.append(Phrase("check.existing", rule=rule, message=message))

    def warn(self, rule: str, message: Phrase) -> None:
        """A warning of class ``rule``: ``rule: message``."""
        self.warnings.append(Phrase("check.warning", rule=rule, message=message))


def slot_owned(c: Checker) -> None:
    """A new appointment lies in a free slot of its own specialist (RULES.md, Availability)."""
    for a in c.new:
        if c.windows(a):
            continue
        others = [
            sid
            for sid, slots in c.slots.items()
            if sid != a.specialist_id and any(w.holds(a) for w in slots)
        ]
        key = "check.slot_owned_other" if others else "check.slot_owned"
        fields = {"others": tuple(others)} if others else {}
        c.hard(SLOT_OWNED, a, Phrase(key, show=_show(a), specialist=a.specialist_id, **fields))


def slot_single(c: Checker) -> None:
    """At most one active appointment per slot, none overlapping (FORMAT.md, slots.csv); the
    invitations to one group session are one appointment (RULES.md, Gruppenberatung)."""
    pairs: dict[tuple[str, str], tuple[Appointment, Appointment]] = {}
    by_specialist: dict[str, list[Appointment]] = defaultdict(list)
    for a in c.active:
        by_specialist[a.specialist_id].append(a)
    for sid, appointments in by_specialist.items():
        for i, a in enumerate(appointments):
            for b in appointments[i + 1 :]:
                if b.start >= a.end:
                    break
                pairs.setdefault((a.appointment_id, b.appointment_id), (a, b))
        slots = c.slots.get(sid, [])
        starts = [w.start for w in slots]
        in_slot: dict[int, list[Appointment]] = defaultdict(list)
        for a in appointments:
            i = max(0, bisect_right(starts, a.start) - 1)
            while i < len(slots) and slots[i].start < a.end:
                if slots[i].overlaps(a):
                    in_slot[i].append(a)
                i += 1
        for items in in_slot.values():
            for i, a in enumerate(items):
                for b in items[i + 1 :]:
                    pairs.setdefault((a.appointment_id, b.appointment_id), (a, b))
    for a, b in pairs.values():
        if _same_group_session(a, b):
            continue
        key = "check.overlap" if _overlap(a, b) else "check.share_slot"
        c.finding(SLOT_SINGLE, (a, b), Phrase(key, first=_show(a), second=_show(b)))


def _same_group_session(a: Appointment, b: Appointment) -> bool:
    """Two invitations to one group session (RULES.md, Gruppenberatung: one session, many
    customers): kind group_session, same specialist, same start and end."""
    return (
        a.kind is Kind.group_session
        and b.kind is Kind.group_session
        and (a.specialist_id, a.start, a.end) == (b.specialist_id, b.start, b.end)
    )


def slot_fits(c: Checker) -> None:
    """A new appointment fits in its slot and is as long as its kind needs (RULES.md, Duration)."""
    for a in c.new:
        problems = []
        windows = c.windows(a)
        if windows and c.home(a) is None:
            w = windows[0]
            problems.append(Phrase("check.not_in_slot", start=w.start.time(), end=w.end.time()))
        need = c.policy.duration(a.kind)
        if a.minutes < need:
            problems.append(Phrase("check.too_short", minutes=a.minutes, kind=a.kind, need=need))
        if problems:
            c.hard(SLOT_FITS, a, _problems(_show(a), problems))


def daily_cap(c: Checker) -> None:
    """At most ``daily_cap`` appointments per specialist and day (RULES.md, Daily cap).

    Counted: planned and held appointments; a group session once, however many customers
    it invites (the cap limits the specialist's appointments, and a session is one). Not
    counted: standby phone consultations, which take the time of a missed appointment
    that was counted when it was booked.
    """
    days: dict[tuple[str, dt.date], list[Appointment]] = defaultdict(list)
    sessions: dict[tuple[str, dt.date], set[tuple[dt.datetime, dt.datetime]]] = defaultdict(set)
    for a in c.active:
        if a.kind is Kind.group_session:
            sessions[a.specialist_id, a.day].add((a.start, a.end))
            days[a.specialist_id, a.day].append(a)
        elif a.kind is not Kind.phone_consultation:
            days[a.specialist_id, a.day].append(a)
    cap = c.policy.booking.daily_cap
    for (sid, day), items in sorted(days.items()):
        group = [a for a in items if a.kind is Kind.group_session]
        n = len(items) - len(group) + len(sessions[sid, day])
        if n > cap:
            message = Phrase("check.daily_cap", specialist=sid, n=n, day=day, cap=cap)
            c.finding(DAILY_CAP, items, message)


def lead_time(c: Checker) -> None:
    """Booked at least ``lead_days`` ahead, a backfill ``backfill_min_lead_days`` (RULES.md).

    Standby phone consultations (same day) and reassignments (date kept) are exempt. Agreed
    by phone, ``short_notice_days`` suffice: the replacement of a voided absence
    escalation (``replaces``), and the backfill of a cancellation that came in less than
    ``backfill_min_lead_days`` before its day (a letter would arrive too late).
    """
    booking, disruption = c.policy.booking, c.policy.disruption
    for a in c.planned:
        if a.booked_on is None or a.kind is Kind.phone_consultation or a.reassigned_from:
            continue
        old = c.backfilled(a)
        backfill = old is not None
        need = disruption.backfill_min_lead_days if backfill else booking.lead_days
        if (
            old is not None
            and old.cancelled_on is not None
            and (old.day - old.cancelled_on).days < disruption.backfill_min_lead_days
        ):
            need = disruption.short_notice_days  # too late for a letter: by phone
        if c.replaced(a) is not None:
            need, backfill = disruption.short_notice_days, False
        days = (a.day - a.booked_on).days
        if days >= need:
            continue
        fields: dict[str, Any] = {"show": _show(a), "booked": a.booked_on, "days": days}
        if backfill:
            message = Phrase("check.lead_time_backfill", need=need, **fields)
        elif a.backfill_for:
            message = Phrase(
                "check.lead_time_not_cancelled", need=need, cancelled=a.backfill_for, **fields
            )
        else:
            message = Phrase("check.lead_time", need=need, **fields)
        c.finding(LEAD_TIME, [a], message)


def closed_day(c: Checker) -> None:
    """No planned appointment on a weekend or a public holiday of the region (RULES.md)."""
    for a in c.planned:
        holiday = c.calendar.holiday(a.day)
        if a.day.weekday() >= 5 or holiday:
            why = holiday or Weekday(a.day, long=True)
            message = Phrase(
                "check.closed_day", show=_show(a), day=a.day, why=why, region=c.calendar.region
            )
            c.hard(CLOSED_DAY, a, message)


def absence(c: Checker) -> None:
    """No planned appointment of a specialist during their absence (RULES.md, Availability).

    An appointment the absence found already booked and nobody could take at the same
    time is escalated to the team lead (RULES.md, Absence, step 3): until its day comes it
    is an open task (a warning, listed in the figures' ``escalations``), on its day
    (day <= today) with the specialist still absent a broken rule. A new booking into an
    absence is caught between folders (``validate --against``).
    """
    for a in c.planned:
        if not c.calendar.is_absent(a.specialist_id, a.day):
            continue
        fields = {"show": _show(a), "specialist": a.specialist_id, "day": a.day}
        if a.day <= c.today:
            c.hard(ABSENCE, a, Phrase("check.absence", **fields))
        else:
            c.warn(ABSENCE_ESCALATED, Phrase("check.absence_escalated", **fields))


def customer_unavailable(c: Checker) -> None:
    """A planned appointment respects the customer's unavailable days and half-days (RULES.md)."""
    for a in c.planned:
        blocked = [str(u) for u in c.customer(a).unavailable if u.blocks(a.start, a.end)]
        if blocked:
            message = Phrase(
                "check.customer_unavailable",
                show=_show(a),
                customer=a.customer_id,
                when=tuple(blocked),
            )
            c.finding(CUSTOMER_UNAVAILABLE, [a], message)


def one_per_day(c: Checker) -> None:
    """A customer has at most one active appointment per day (RULES.md, interpretation)."""
    days: dict[tuple[str, dt.date], list[Appointment]] = defaultdict(list)
    for a in c.active:
        days[a.customer_id, a.day].append(a)
    for (cid, day), items in sorted((k, v) for k, v in days.items() if len(v) > 1):
        ids = tuple(a.appointment_id for a in items)
        message = Phrase("check.one_per_day", customer=cid, n=len(items), day=day, ids=ids)
        c.finding(ONE_PER_DAY, items, message)


def min_gap(c: Checker) -> None:
    """Two qualified contacts at least ``min_days_between_contacts`` apart (RULES.md).

    The density rule forces a closer contact when the due date computed from the
    earlier contacts comes before ``earlier + min_gap``: then a contact on or before
    that due date is allowed. Same-day pairs are left to ``one_per_day``; a standby
    phone consultation (decided on the day) is not held to the gap, but counts as the
    earlier contact when it carries the exception flag.
    """
    gap = c.policy.booking.min_days_between_contacts
    for customer in c.scenario.customers:
        days = c.contact_days(customer)
        for a in c.contacts(customer):
            if not c.in_scope(a) or a.kind is Kind.phone_consultation:
                continue
            before = [d for d in days if d < a.day]
            if not before or (a.day - before[-1]).days >= gap:
                continue
            earlier = before[-1]
            if customer.exempt is None:
                due = c.policy.next_due(customer, before, c.today)
                if a.day <= due < earlier + dt.timedelta(days=gap):
                    continue
            days_after = (a.day - earlier).days
            message = Phrase(
                "check.min_gap", show=_show(a), days=days_after, earlier=earlier, gap=gap
            )
            c.finding(MIN_GAP, [a], message)


def one_future_booking(c: Checker) -> None:
    """At most one planned future booking per customer, unless density chains them (RULES.md).

    A further booking is forced when the deadline after the booking before it (counted
    from the contacts up to that one) falls on or before the last free slot: then the
    schedule has to hold the next contact too. Exempt customers have no deadline.
    """
    future: dict[str, list[Appointment]] = defaultdict(list)
    for a in c.planned:
        if a.kind is not Kind.phone_consultation:
            future[a.customer_id].append(a)
    for items in future.values():
        customer = c.customer(items[0])
        days = c.contact_days(customer)
        for before, a in pairwise(items):
            due = None
            if customer.exempt is None:
                due = c.policy.next_due(customer, [d for d in days if d <= before.day], c.today)
                if due <= c.horizon_end:
                    continue
                # an older booking after the deadline does not meet it (RULES.md): the
                # new one in time may stand beside it when the policy keeps late ones
                deadline = c.policy.next_due(customer, [d for d in days if d < before.day], c.today)
                if c.touched(before) and not c.touched(a) and a.day > deadline >= before.day:
                    continue
            fields = {
                "show": _show(a),
                "customer": a.customer_id,
                "other": before.appointment_id,
                "day": before.day,
                "last": c.horizon_end,
            }
            if due:
                message = Phrase("check.one_future_booking", due=due, **fields)
            else:
                message = Phrase("check.one_future_booking_exempt", **fields)
            c.finding(ONE_FUTURE_BOOKING, (before, a), message)


def spread(c: Checker) -> None:
    """Even weeks (RULES.md, Even spread; a warning class, ``--strict`` fails on it).

    Per specialist and week with bookings of today: the spread (max − min appointments
    per available day) must not exceed the most even spread the slots allowed (each
    day at most min(daily cap, its slots), the bookings made before today fixed).
    """
    for w in week_figures(c.scenario, c.policy, c.calendar):
        if w["new"] and w["spread"] > w["forced_spread"]:
            message = Phrase(
                "check.spread",
                specialist=w["specialist"],
                week=IsoWeek(dt.date.fromisoformat(w["monday"])),
                per_day=Listing(w["per_day"], "/"),
                spread=w["spread"],
                forced=w["forced_spread"],
            )
            c.warn(SPREAD, message)


def late_booking(c: Checker) -> None:
    """A planned appointment after a deadline that a new booking could still meet does not
    meet it (RULES.md): the customer is not 'met' and is named (warning class). Could still
    meet: today + lead time, and the own specialist has a free slot by the deadline on a
    day they are available that the customer can take (long enough, in the customer's
    mode, outside their unavailable days and half-days) and that neither a booking made
    before today (it stays) nor a more urgent customer holds (overdue customers and first
    interviews come first, RULES.md objective 1, and so does a deadline no later than this
    one)."""
    first = c.today + dt.timedelta(days=c.policy.booking.lead_days)
    rows = deadline_figures(c.scenario, c.policy)
    urgency = {
        d["customer"]: (
            not d["reachable"] or d["first_interview"],
            dt.date.fromisoformat(d["due"]),
        )
        for d in rows
    }
    for d in rows:
        if d["status"] != "late" or not d["reachable"]:
            continue
        due = dt.date.fromisoformat(d["due"])
        # a deadline no slot of the own specialist could meet is not hidden by the booking
        if _open_slot_by(c, d, first, due, urgency):
            message = Phrase(
                "check.late_booking",
                customer=d["customer"],
                specialist=d["specialist"],
                due=due,
                planned=dt.date.fromisoformat(d["planned"]),
            )
            c.warn(LATE_BOOKING, message)


def _open_slot_by(
    c: Checker,
    d: dict[str, Any],
    first: dt.date,
    due: dt.date,
    urgency: dict[str, tuple[bool, dt.date]],
) -> bool:
    """A free slot of the customer's specialist from ``first`` to ``due`` that the customer
    of deadline row ``d`` could take, not held by a more urgent customer's appointment."""
    customer = c.scenario.customers_by_id[d["customer"]]
    sid = d["specialist"]
    kind = Kind.first_interview if d["first_interview"] else Kind.follow_up
    length = dt.timedelta(minutes=c.policy.duration(kind))
    mode = customer.mode or c.policy.qualified_contact.default_mode
    modes = {SlotMode.any, *(m for m in SlotMode if m.value == mode.value)}

    def more_urgent(cid: str) -> bool:
        overdue, their_due = urgency.get(cid, (False, dt.date.max))
        return overdue or their_due <= due

    for w in c.slots.get(sid, ()):
        day = w.start.date()
        if day < first or day > due or not c.calendar.is_available(sid, day):
            continue
        if w.end - w.start < length or w.mode not in modes:
            continue
        if any(u.blocks(w.start, w.start + length) for u in customer.unavailable):
            continue
        held = [a for a in c.planned_on(sid, day) if w.holds(a)]
        # a booking made before today stays where it is (the plan never moves it)
        if not any(a.booked_on != c.today or more_urgent(a.customer_id) for a in held):
            return True
    return False


def mode(c: Checker) -> None:
    """Mode allowed by slot, customer and specialist; phone only for phone consultations.

    RULES.md, qualified contact: a customer without a stated mode is booked in person;
    video only for customers whose mode is video, in slots that allow video, with a
    specialist who can hold video. Reassigned appointments are checked for the last.
    """
    for a in c.planned:
        if a.kind is Kind.phone_consultation:
            if a.booked_on == c.today and a.mode is not Mode.phone:
                c.hard(MODE, a, Phrase("check.phone_consultation_mode", show=_show(a)))
            continue
        problems = []
        specialist = c.scenario.specialists_by_id[a.specialist_id]
        if a.mode is Mode.video and not specialist.video and c.touched(a):
            problems.append(Phrase("check.no_video", specialist=a.specialist_id))
        if c.is_new(a):
            problems += _mode_problems(c, a)
        if problems:
            c.hard(MODE, a, _problems(_show(a), problems))


def _mode_problems(c: Checker, a: Appointment) -> list[Phrase]:
    wanted = c.customer(a).mode or c.policy.qualified_contact.default_mode
    qc = c.policy.qualified_contact
    problems = []
    if a.mode is not Mode.phone and a.mode not in c.policy.qualified_contact.modes:
        problems.append(Phrase("check.not_qualified", mode=a.mode, policy=c.policy.name))
    if c.replaced(a) is not None and a.mode is Mode.phone:
        # a resolved escalation may be a phone contact where the rule set counts it
        if not (qc.phone_with_exception and a.qualified_exception):
            problems.append(Phrase("check.phone_exception"))
    elif a.mode is Mode.phone:
        problems.append(Phrase("check.phone_only"))
    elif (
        a.mode is Mode.video
        and wanted is not Mode.video
        and (c.replaced(a) is None or Mode.video not in qc.modes)
    ):
        problems.append(Phrase("check.not_video", customer=a.customer_id, mode=wanted))
    window = c.home(a)
    if (
        window is not None
        and a.mode is not Mode.phone
        and window.mode not in (SlotMode.any, SlotMode(a.mode.value))
    ):
        problems.append(Phrase("check.slot_admits", mode=window.mode))
    return problems


def first_interview_kind(c: Checker) -> None:
    """No qualified contact yet: a first interview; otherwise a follow-up (RULES.md, EG/FG)."""
    for a in c.new:
        customer = c.customer(a)
        first = customer.last_contact is None and not any(
            b.start < a.start for b in c.contacts(customer)
        )
        if first and a.kind is not Kind.first_interview:
            key = "check.first_interview_kind"
        elif not first and a.kind is Kind.first_interview:
            key = "check.follow_up_kind"
        else:
            continue
        c.hard(FIRST_INTERVIEW_KIND, a, Phrase(key, show=_show(a), customer=a.customer_id))


def group_session_limit(c: Checker) -> None:
    """At most one group session per customer per ``group_session_every_months`` (RULES.md)."""
    every = c.policy.qualified_contact.group_session_every_months
    sessions: dict[str, list[Appointment]] = defaultdict(list)
    for a in c.active:
        if a.kind is Kind.group_session:
            sessions[a.customer_id].append(a)
    for cid, items in sorted(sessions.items()):
        previous = c.scenario.customers_by_id[cid].last_group_session
        earlier: list[Appointment] = []
        for a in items:
            last = max([b.day for b in earlier] + ([previous] if previous else []), default=None)
            if last is not None and a.day < add_months(last, every):
                message = Phrase("check.group_session_limit", show=_show(a), every=every, last=last)
                c.finding(GROUP_SESSION_LIMIT, [a], message)
            earlier.append(a)


def missing_status(c: Checker) -> None:
    """Past appointments still ``planned``: statuses are set on the day (RULES.md; a warning)."""
    past = [a for a in c.scenario.appointments if a.status is Status.planned and a.day < c.today]
    for a in sorted(past, key=lambda a: a.start)[:20]:
        c.warn(MISSING_STATUS, Phrase("check.missing_status", show=_show(a)))
    if len(past) > 20:
        c.warn(MISSING_STATUS, Phrase("check.missing_status_more", n=len(past) - 20))


RULE_CHECKS: tuple[Callable[[Checker], None], ...] = (
    slot_owned,
    slot_single,
    slot_fits,
    daily_cap,
    lead_time,
    closed_day,
    absence,
    customer_unavailable,
    one_per_day,
    min_gap,
    one_future_booking,
    mode,
    first_interview_kind,
    group_session_limit,
    missing_status,
    spread,
    late_booking,
)
