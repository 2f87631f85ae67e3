"""The figures of a schedule, counted afresh from the scenario (RULES.md, "Monitoring").

Part of the independent validator: nothing here is read from a ``plan.json`` or shared
with the solver. Per specialist and week: target (Soll), bookings (Ist), bookings per
day and their spread; per team the sums; per customer the deadline and whether the
first planned qualified contact meets it; overdue customers; the category review list.
Every value is JSON-able (dates as ISO strings).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from kontaktplan.domain import Appointment, Customer, Kind, Mode, Scenario, Slot, SlotMode, Status
from kontaktplan.rules.calendar import (
    OfficeCalendar,
    first_bookable_day,
    first_plannable_monday,
    week_days,
)
from kontaktplan.rules.policy import Policy, add_months, category_review, due_dates
from kontaktplan.validation.even_week import Placement, exact_forced_spread, most_even_spread

__all__ = [
    "DEADLINE_STATUSES",
    "counted_contacts",
    "deadline_figures",
    "escalation_figures",
    "figures",
    "figures_from",
    "iso_week",
    "most_even_spread",
    "not_met",
    "overdue_figures",
    "week_figures",
]

#: A customer's deadline, in the order the figures list them (RULES.md, "Monitoring"):
#: ``missed`` nothing planned and the deadline can no longer be met (it lies before the
#: first day a new booking may take place, today + lead time); ``late`` the first planned
#: qualified contact is after it; ``open`` nothing planned yet, still reachable;
#: ``met`` the first planned qualified contact is on or before it.
DEADLINE_STATUSES = ("missed", "late", "open", "met")


def counted_contacts(
    customer: Customer, appointments: Iterable[Appointment], policy: Policy, today: dt.date
) -> list[Appointment]:
    """The appointments that count as qualified contacts: held ones and planned ones from today.

    RULES.md, "Rule set heilbronn-2025": in person or video (phone only with the
    exception flag); a group session at most once per ``group_session_every_months``.
    """
    every = policy.qualified_contact.group_session_every_months
    last_group = customer.last_group_session
    out = []
    for a in sorted(appointments, key=lambda a: a.start):
        if not (a.status is Status.held or (a.status is Status.planned and a.day >= today)):
            continue
        if not policy.is_qualified(a, customer):
            continue
        if a.kind is Kind.group_session:
            if last_group is not None and a.day < add_months(last_group, every):
                continue
            last_group = a.day
        out.append(a)
    return out


def iso_week(day: dt.date) -> str:
    """``2026-W50``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _counted_in_volume(a: Appointment) -> bool:
    """Bookings that fill the weekly volume: active, not a standby phone consultation."""
    return a.is_active and a.kind is not Kind.phone_consultation


def figures_from(scenario: Scenario) -> dt.date:
    """The first week the figures show: the Monday of the week containing the planning date.

    Not the first plannable Monday: a disruption moves the planning date, and the weeks
    already planned must stay in the figures (a week drops out only once it has passed).
    """
    return _monday(scenario.today)


def week_figures(
    scenario: Scenario, policy: Policy, calendar: OfficeCalendar
) -> list[dict[str, Any]]:
    """Per specialist and week, from the current week (:func:`figures_from`) on, every week
    holding a free slot or an active appointment: target, booked, per day, spread, and the
    spread the slots forced.

    The target is the whole week's (absences and holidays off), whatever the planning
    date: a disruption that moves ``today`` changes no week's target. Days before the first
    bookable day (today + lead) can take no new booking, so for the forced spread their
    bookings are fixed, as is every booking made before today. A day holds at most the
    daily cap, and no more than the slots that could take one of the week's new bookings
    (:func:`_usable`), plus bookings outside any slot. Where that count would name the
    week, each new booking is placed into a slot of its own (:func:`_placement`). (The
    plan's own figures give a partial first week its prorated target, since the plan
    books only its days from the first bookable day.)"""
    first = figures_from(scenario)
    bookable = first_bookable_day(scenario.today, policy.booking.lead_days)
    cap = policy.booking.daily_cap
    slots: dict[tuple[str, dt.date], list[Slot]] = {}
    for s in scenario.slots:
        if s.day >= first:
            slots.setdefault((s.specialist_id, s.day), []).append(s)
    fixed: Counter[tuple[str, dt.date]] = Counter()
    kept: dict[tuple[str, dt.date], list[Appointment]] = {}  # made before today, by day
    outside: Counter[tuple[str, dt.date]] = Counter()
    new: dict[tuple[str, dt.date], list[Appointment]] = {}  # by specialist and Monday
    per_day: Counter[tuple[str, dt.date]] = Counter()
    busy: dict[tuple[str, dt.date], list[Appointment]] = {}  # every active one, by day
    mondays: dict[str, set[dt.date]] = {}
    for sid, day in slots:
        mondays.setdefault(sid, set()).add(_monday(day))
    for a in scenario.appointments:
        if a.day >= first and a.is_active:
            busy.setdefault((a.specialist_id, a.day), []).append(a)
        if a.day >= first and _counted_in_volume(a):
            key = (a.specialist_id, a.day)
            per_day[key] += 1
            mondays.setdefault(a.specialist_id, set()).add(_monday(a.day))
            if a.booked_on != scenario.today:
                fixed[key] += 1
                kept.setdefault(key, []).append(a)
            else:
                new.setdefault((a.specialist_id, _monday(a.day)), []).append(a)
            if not any(s.start < a.end and a.start < s.end for s in slots.get(key, ())):
                outside[key] += 1
    out = []
    for sp in scenario.specialists:
        sid = sp.specialist_id
        for monday in sorted(mondays.get(sid, ())):
            target = calendar.week_target(sp, monday)
            days = week_days(monday)
            counts = [per_day[sid, d] for d in week_days(monday)]
            available = [per_day[sid, d] for d in target.available_days]
            movable = new.get((sid, monday), [])
            forced = most_even_spread(
                available,
                [per_day[sid, d] if d < bookable else fixed[sid, d] for d in target.available_days],
                [
                    per_day[sid, d]
                    if d < bookable
                    else min(cap, _day_capacity(scenario, sid, d, slots, movable, kept, outside))
                    for d in target.available_days
                ],
            )
            spread = max(available) - min(available) if available else 0
            if movable and spread > forced:
                days_in = [d for d in target.available_days if d >= bookable]
                week = _placement(
                    scenario, policy, target.available_days, days_in, per_day, movable, slots, busy
                )
                forced = exact_forced_spread(week, forced, spread)
            out.append(
                {
                    "specialist": sp.specialist_id,
                    "team": sp.team,
                    "week": iso_week(monday),
                    "monday": monday.isoformat(),
                    "target": target.target,
                    "booked": sum(per_day[sid, d] for d in days),
                    "per_day": counts[:5],
                    "available_days": len(target.available_days),
                    "spread": spread,
                    "forced_spread": forced,
                    "new": sum(per_day[sid, d] - fixed[sid, d] for d in days),
                }
            )
    return out


def _placement(
    scenario: Scenario,
    policy: Policy,
    available: list[dt.date],
    bookable: list[dt.date],
    per_day: Counter[tuple[str, dt.date]],
    movable: list[Appointment],
    slots: dict[tuple[str, dt.date], list[Slot]],
    busy: dict[tuple[str, dt.date], list[Appointment]],
) -> Placement:
    """One week's new bookings and the slots each could have taken instead.

    A new booking may go into a free slot (not held by another appointment) of an
    available day from the first bookable day on, where it fits (:func:`_fits`) and
    which keeps the rules it kept where it is (:func:`_days_keeping_rules`); into its
    own slot always. A new booking outside any slot stays where it is, as does every
    other booking. A day holds at most the daily cap (or what it holds already, if more).
    """
    sid = movable[0].specialist_id
    index = {d: i for i, d in enumerate(available)}
    moving = {a.appointment_id for a in movable}
    slot_day: list[int] = []
    free: list[Slot] = []
    for d in bookable:
        taken = [a for a in busy.get((sid, d), ()) if a.appointment_id not in moving]
        for s in slots.get((sid, d), ()):
            if not any(a.start < s.end and s.start < a.end for a in taken):
                free.append(s)
                slot_day.append(index[d])
    fixed = [per_day[sid, d] for d in available]
    fits: list[set[int]] = []
    for a in movable:
        own = {j for j, s in enumerate(free) if s.start < a.end and a.start < s.end}
        if a.day not in index or not own:
            continue
        days = _days_keeping_rules(scenario, policy, a, bookable)
        fits.append(
            own | {j for j, s in enumerate(free) if s.day in days and _fits(scenario, s, a)}
        )
        fixed[index[a.day]] -= 1
    cap = [max(policy.booking.daily_cap, per_day[sid, d]) for d in available]
    return Placement(fixed, cap, slot_day, fits)


def _days_keeping_rules(
    scenario: Scenario, policy: Policy, a: Appointment, days: list[dt.date]
) -> set[dt.date]:
    """The days booking ``a`` could move to without breaking a rule it keeps where it is
    (RULES.md): its customer's one appointment a day; the deadline, if ``a`` meets it,
    and the deadline of the customer's next contact, if that one meets it; the gap of
    ``min_days_between_contacts`` to the contacts before and after, where it is kept.
    Deadlines come before an even week (RULES.md, objective 1 before 4)."""
    customer = scenario.customers_by_id.get(a.customer_id)
    if customer is None:
        return set(days)
    history = scenario.appointments_by_customer.get(a.customer_id, ())
    taken = {b.day for b in history if b.is_active and b.appointment_id != a.appointment_id}
    contacts = {
        b.day
        for b in counted_contacts(customer, history, policy, scenario.today)
        if b.appointment_id != a.appointment_id
    }
    if customer.last_contact is not None:
        contacts.add(customer.last_contact)
    before = sorted(d for d in contacts if d < a.day)
    after = sorted(d for d in contacts if d > a.day)
    gap = dt.timedelta(days=policy.booking.min_days_between_contacts)
    deadline = customer.exempt is None
    due = policy.next_due(customer, before, scenario.today) if deadline else None

    def next_due(day: dt.date) -> dt.date:
        return policy.next_due(customer, [*before, day], scenario.today)

    def keeps(d: dt.date) -> bool:
        if d in taken:
            return False
        if before and a.day - before[-1] >= gap > d - before[-1]:
            return False
        if after and after[0] - a.day >= gap > after[0] - d:
            return False
        if due is not None and a.day <= due < d:
            return False
        return not (deadline and after and next_due(d) < after[0] <= next_due(a.day))

    return {d for d in days if keeps(d)}


def _day_capacity(scenario, sid, day, slots, movable, kept, outside) -> int:
    """The bookings day ``day`` of ``sid`` could hold (before the daily cap)."""
    key = (sid, day)
    return _usable(scenario, slots.get(key, []), movable, kept.get(key, [])) + outside[key]


def _usable(
    scenario: Scenario, day_slots: list[Slot], movable: list[Appointment], kept: list[Appointment]
) -> int:
    """How many of a day's slots could hold a booking of the week: one holding a booking
    made before today (``kept``: it stays), or one where at least one of the week's new
    bookings could have been placed (:func:`_fits`). Without a new booking nothing moves:
    every slot counts."""
    if not movable:
        return len(day_slots)
    return sum(
        1
        for s in day_slots
        if any(a.start < s.end and s.start < a.end for a in kept)
        or any(_fits(scenario, s, a) for a in movable)
    )


def _fits(scenario: Scenario, s: Slot, a: Appointment) -> bool:
    """Could new booking ``a`` have been placed in slot ``s`` instead?"""
    length = a.end - a.start
    if s.end - s.start < length:
        return False
    if a.mode is not Mode.phone and s.mode not in (SlotMode.any, SlotMode(a.mode.value)):
        return False
    customer = scenario.customers_by_id.get(a.customer_id)
    return customer is None or not any(
        u.blocks(s.start, s.start + length) for u in customer.unavailable
    )


def team_figures(weeks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per team and week: the sums of target and booked."""
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for w in weeks:
        row = sums.setdefault(
            (w["team"], w["week"]),
            {"team": w["team"], "week": w["week"], "target": 0, "booked": 0, "specialists": 0},
        )
        row["target"] += w["target"]
        row["booked"] += w["booked"]
        row["specialists"] += 1
    return [sums[k] for k in sorted(sums)]


def deadline_figures(scenario: Scenario, policy: Policy) -> list[dict[str, Any]]:
    """Per non-exempt customer: due date (held contacts only) and the first planned contact.

    ``status`` is one of :data:`DEADLINE_STATUSES`. ``reachable``: the deadline could be
    met by a booking made when it was looked at: for a planned contact, on its booking
    day (``booked_on`` + lead time <= due); with nothing planned, today.
    """
    today = scenario.today
    lead = dt.timedelta(days=policy.booking.lead_days)
    out = []
    for cid, due in due_dates(scenario, policy).items():
        customer = scenario.customers_by_id[cid]
        history = scenario.appointments_by_customer.get(cid, ())
        planned = [
            a
            for a in counted_contacts(customer, history, policy, today)
            if a.status is Status.planned
        ]
        first = planned[0] if planned else None
        booked = first.booked_on if first is not None and first.booked_on else today
        reachable = due.due >= booked + lead
        if first is None:
            status = "open" if reachable else "missed"
        else:
            status = "met" if first.day <= due.due else "late"
        out.append(
            {
                "customer": cid,
                "specialist": customer.specialist_id,
                "category": customer.category,
                "due": due.due.isoformat(),
                "first_interview": due.first_interview,
                "planned": first.day.isoformat() if first else None,
                "status": status,
                "reachable": reachable,
            }
        )
    return out


def overdue_figures(deadlines: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Customers overdue: nothing planned, and the deadline passed or is today while the
    lead time rules out a booking today (first interviews are due on the planning date);
    longest overdue first."""
    rows = [
        {"customer": d["customer"], "specialist": d["specialist"], "due": d["due"]}
        for d in deadlines
        if d["status"] == "missed" and dt.date.fromisoformat(d["due"]) <= today
    ]
    return sorted(rows, key=lambda r: (r["due"], r["customer"]))


def figures(scenario: Scenario, policy: Policy, calendar: OfficeCalendar) -> dict[str, Any]:
    """Every figure of the report, JSON-able."""
    today = scenario.today
    weeks = week_figures(scenario, policy, calendar)
    deadlines = deadline_figures(scenario, policy)
    horizon_end = max((s.day for s in scenario.slots), default=today)
    counts = Counter(d["status"] for d in deadlines)
    return {
        "today": today.isoformat(),
        "figures_from": figures_from(scenario).isoformat(),
        "first_bookable_day": first_bookable_day(today, policy.booking.lead_days).isoformat(),
        "first_plannable_monday": first_plannable_monday(
            today, policy.booking.lead_days
        ).isoformat(),
        "horizon_end": horizon_end.isoformat(),
        "weeks": weeks,
        "teams": team_figures(weeks),
        "deadline_counts": {
            "met": counts["met"],
            "late": counts["late"],
            "late_reachable": sum(1 for d in deadlines if d["status"] == "late" and d["reachable"]),
            "missed": counts["missed"],
            "open": counts["open"],
            "open_due_in_horizon": sum(
                1
                for d in deadlines
                if d["status"] == "open" and dt.date.fromisoformat(d["due"]) <= horizon_end
            ),
        },
        "deadlines": deadlines,
        "overdue": overdue_figures(deadlines, today),
        "escalations": escalation_figures(scenario, calendar),
        "category_review": [
            {
                "customer": r.customer_id,
                "specialist": r.specialist_id,
                "stored": r.stored,
                "expected": r.expected,
                "reason": r.reason,
            }
            for r in category_review(scenario, policy)
        ],
    }


def escalation_figures(scenario: Scenario, calendar: OfficeCalendar) -> list[dict[str, Any]]:
    """The team lead's open tasks: planned appointments from today on whose specialist is
    absent that day (escalated by an absence: nobody could take them at the same time)."""
    rows = [
        a
        for a in scenario.appointments
        if a.status is Status.planned
        and a.day >= scenario.today
        and calendar.is_absent(a.specialist_id, a.day)
    ]
    return [
        {
            "appointment": a.appointment_id,
            "customer": a.customer_id,
            "specialist": a.specialist_id,
            "start": a.start.strftime("%Y-%m-%dT%H:%M"),
            "due_today": a.day <= scenario.today,
        }
        for a in sorted(rows, key=lambda a: (a.start, a.appointment_id))
    ]


def not_met(figures: dict[str, Any], until: dt.date | None = None) -> list[dict[str, Any]]:
    """The deadlines not met: missed first, then late, then (with ``until``) those with
    nothing planned yet that fall on or before ``until``; each group by due date."""
    order = {s: i for i, s in enumerate(DEADLINE_STATUSES)}
    last = until.isoformat() if until else ""
    rows = [
        d
        for d in figures["deadlines"]
        if d["status"] in ("missed", "late") or (d["status"] == "open" and d["due"] <= last)
    ]
    return sorted(rows, key=lambda d: (order[d["status"]], d["due"], d["customer"]))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
