"""The front desk: a free slot for one customer, outcomes on the day (one or a whole
day's), and the next appointment at the end of each held contact.

RULES.md, "Disruption handling": statuses are set on the day, an outcome for an
appointment that has not yet taken place is refused (except ``voided``); when a qualified
contact is recorded as held, the next one is booked before the new deadline (2010
document, 3.2) and the category review is prompted (*nach jedem Kontakt ist zu prüfen*).

Every booking goes through :meth:`kontaktplan.bookable.Office.booking`, which checks
every rule one booking can break; this module only chooses among the slots it allows.

"Now" is a parameter: the command line passes the real clock, or the end of the day
given with ``--on``. ``now=None`` (notebooks, simulations that replay a day) checks
nothing about time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kontaktplan.bookable import Office, Ranked, Window, _Dues
from kontaktplan.calendar import week_days
from kontaktplan.candidates import _after_no_show
from kontaktplan.domain import Appointment, Customer, Kind, Mode, Scenario, Status
from kontaktplan.io.csvtable import InputError, Table, read_table
from kontaktplan.outcome import (
    Change,
    DisruptionError,
    Outcome,
    find,
    new_id,
    on_day,
)
from kontaktplan.policy import CategoryReview, Policy, category_review

__all__ = [
    "OUTCOMES",
    "Offer",
    "find_slots",
    "import_outcomes",
    "read_outcomes",
    "record_day",
    "record_outcomes",
    "slot",
]

OUTCOMES = (Status.held, Status.not_held, Status.no_show, Status.voided)


@dataclass(frozen=True)
class Offer:
    """A free slot one customer can be booked into, with the reasons for its rank."""

    window: Window
    kind: Kind
    mode: Mode
    own: bool
    before_deadline: bool
    under_target: bool
    reasons: tuple[str, ...]
    key: tuple[Any, ...]

    @property
    def specialist_id(self) -> str:
        return self.window.specialist_id

    @property
    def start(self) -> dt.datetime:
        return self.window.start

    def to_dict(self) -> dict[str, Any]:
        return {
            "specialist_id": self.specialist_id,
            "start": self.start.strftime("%Y-%m-%dT%H:%M"),
            "kind": self.kind.value,
            "mode": self.mode.value,
            "reasons": list(self.reasons),
        }

    def line(self) -> str:
        return (
            f"{self.start:%a %Y-%m-%d %H:%M} with {self.specialist_id} "
            f"({self.kind.value}, {self.mode.value}): {', '.join(self.reasons)}"
        )


#: How a refusal of :meth:`Office.booking` is summed up for the planner.
_LEFT_OUT = (
    ("days after", "within the lead time"),
    ("minimum gap", "too close to the last contact (minimum gap)"),
    ("not available", "the customer is unavailable (days, half-days)"),
    ("needs", "slot too short"),
    ("admits", "slot mode does not fit"),
    ("daily cap", "day at the daily cap"),
    ("does not work", "specialist absent or closed day"),
    ("at this time", "slot taken"),
    ("already has an appointment", "the customer has another appointment that day"),
)


def _left_out(reason: str) -> str:
    return next((label for part, label in _LEFT_OUT if part in reason), reason)


def find_slots(
    office: Office,
    customer: Customer,
    booked_on: dt.date,
    *,
    first: dt.date | None = None,
    latest_first: bool = False,
) -> tuple[list[Offer], Counter[str]]:
    """Every free slot ``customer`` can be booked into on ``booked_on``, best first; and
    how many slots were left out, by reason.

    Order (RULES.md "Who fills the weekly volume", the customer stays with their own
    specialist): the own specialist first (a colleague of the team only when the own
    specialist has no slot before a deadline that can still be met, or none at all);
    before the deadline first; a week still
    under its target first; a day with the fewest bookings of its week first (keeps the
    week even); then the earliest (``latest_first``: the latest week before the
    deadline, for a next contact that should use its interval).
    """
    due = office.dues.get(customer.customer_id)
    if due is None:
        raise DisruptionError(
            f"{customer.customer_id} is exempt ({customer.exempt}): not booked under these rules"
        )
    if (other := office.future_booking(customer.customer_id)) is not None:
        raise DisruptionError(
            f"{customer.customer_id} already has {other.appointment_id} on {other.day} with "
            f"{other.specialist_id}: one future booking per customer (cancel it first)"
        )
    lead = office.policy.booking.lead_days
    start = max(first or booked_on, booked_on + dt.timedelta(days=lead))
    history = office.scenario.appointments_by_customer.get(customer.customer_id, ())
    mode = Mode.in_person if _after_no_show(history) else None
    left: Counter[str] = Counter()
    offers = _offers(office, customer, customer.specialist_id, booked_on, start, mode, left)
    reachable = due.due >= start  # an overdue customer stays with the own specialist
    if not offers or (reachable and not any(o.before_deadline for o in offers)):
        team = office.scenario.specialists_by_id[customer.specialist_id].team
        for sp in office.scenario.specialists:
            if sp.team == team and sp.specialist_id != customer.specialist_id:
                offers += _offers(office, customer, sp.specialist_id, booked_on, start, mode, left)
    if latest_first:
        weeks = sorted({o.key[3] for o in offers}, reverse=True)
        order = {w: i for i, w in enumerate(weeks)}
        offers.sort(key=lambda o: (*o.key[:3], order[o.key[3]], *o.key[4:]))
    else:
        offers.sort(key=lambda o: o.key)
    return offers, left


def _offers(
    office: Office,
    c: Customer,
    sid: str,
    booked_on: dt.date,
    start: dt.date,
    mode: Mode | None,
    left: Counter[str],
) -> list[Offer]:
    due = office.dues[c.customer_id]
    own = sid == c.specialist_id
    specialist = office.scenario.specialists_by_id[sid]
    lead = office.policy.booking.lead_days
    out: list[Offer] = []
    earliest = booked_on + dt.timedelta(days=lead)
    for s, d in list(office.slots):
        if s == sid and booked_on <= d < start:
            why = "within the lead time" if d < earliest else "before --from"
            left[why] += len(office.free_slots(sid, d))
    days = sorted({d for (s, d) in office.slots if s == sid and d >= start})
    weeks: dict[dt.date, tuple[int, int, dict[dt.date, int]]] = {}
    for day in days:
        if not office.calendar.is_available(sid, day):
            left["specialist absent or closed day"] += len(office.slots[sid, day])
            continue
        monday = day - dt.timedelta(days=day.weekday())
        if monday not in weeks:
            target = office.calendar.week_target(specialist, monday)
            counts = {d: office.counted(sid, d) for d in target.available_days}
            weeks[monday] = (
                target.target,
                sum(office.counted(sid, d) for d in week_days(monday)),
                counts,
            )
        target, booked, counts = weeks[monday]
        for s in office.free_slots(sid, day):
            w = Window(sid, s.start, s.end, s.mode)
            got = office.booking(c, w, booked_on, lead, mode=mode)
            if isinstance(got, str):
                left[_left_out(got)] += 1
                continue
            kind, how, _end = got
            before = day <= due.due
            under = booked < target
            least = min(counts.values())
            above = counts.get(day, 0) - least
            reasons = [
                f"own specialist {sid}"
                if own
                else f"{sid} of the team ({c.specialist_id} has no slot before the deadline)",
                (f"before the deadline {due.due}" if before else f"after the deadline {due.due}")
                + (" (overdue)" if due.due < booked_on else ""),
                f"week {monday:%G-W%V}: {booked} of {target} booked"
                + ("" if under else " (at or over the target)"),
                f"{day:%a} has {counts.get(day, 0)}, the week's days {least}-{max(counts.values())}"
                + (" (keeps the week even)" if above == 0 else ""),
            ]
            key = (not own, not before, not under, monday, above, s.start, sid)
            out.append(Offer(w, kind, how, own, before, under, tuple(reasons), key))
    return out


# --- booking one slot -------------------------------------------------------------------------


def slot(
    scenario: Scenario,
    policy: Policy,
    customer_id: str,
    *,
    kind: Kind | None = None,
    first: dt.date | None = None,
    on: dt.date | None = None,
    book: int | None = None,
) -> tuple[Outcome, list[Offer]]:
    """The ranked free slots for one customer (:func:`find_slots`); with ``book``, the
    ``book``-th (1 = the best) is booked, booked on ``on`` (default: the planning date).

    ``kind`` is a check: a customer with no qualified contact gets a first interview, one
    with a contact a follow-up (RULES.md); asking for the other is bad input.
    """
    c = scenario.customers_by_id.get(customer_id)
    if c is None:
        raise DisruptionError(f"no customer {customer_id!r} in customers.csv")
    if on is not None and on < scenario.today:
        raise DisruptionError(f"--on {on} lies before the folder's planning date {scenario.today}")
    scenario = on_day(scenario, on or scenario.today)
    office = Office(scenario, policy)
    booked_on = scenario.today
    due = office.dues.get(customer_id)
    if kind is not None and due is not None and office.kind_of(due) is not kind:
        need = office.kind_of(due)
        why = "has no qualified contact yet" if due.first_interview else "had a qualified contact"
        raise DisruptionError(f"{customer_id} {why}: the appointment is a {need.value}")
    offers, left = find_slots(office, c, booked_on, first=first)
    out = Outcome("slot", booked_on, scenario)
    out.figures = {"offers": len(offers), "left_out": dict(left)}
    if due is not None:
        out.notes.append(
            f"{customer_id} ({c.category}, {c.specialist_id}): "
            + (f"first interview, due {due.due}" if due.first_interview else f"due {due.due}")
        )
    if c.unavailable:
        out.notes.append(f"unavailable: {', '.join(str(u) for u in c.unavailable)}")
    if left:
        out.notes.append("left out: " + ", ".join(f"{n} {why}" for why, n in sorted(left.items())))
    if book is None:
        return out, offers
    if not 1 <= book <= len(offers):
        raise DisruptionError(f"--book {book}: there are {len(offers)} free slots to choose from")
    chosen = offers[book - 1]
    r = Ranked(c, due, chosen.kind, chosen.mode, 0, (), ())  # type: ignore[arg-type]
    new = office.book(r, new_id(scenario, "S", booked_on), chosen.window, booked_on)
    out.changes.append(Change.of("booked", new, f"slot {book}: " + ", ".join(chosen.reasons)))
    out.scenario = scenario.model_copy(update={"appointments": (*scenario.appointments, new)})
    return out, offers


# --- outcomes ---------------------------------------------------------------------------------


def _check_outcome(scenario: Scenario, a: Appointment, status: Status, now: dt.datetime | None):
    if status not in OUTCOMES:
        raise DisruptionError(f"status must be one of {', '.join(s.value for s in OUTCOMES)}")
    if a.status is Status.cancelled:
        raise DisruptionError(
            f"{a.appointment_id} was cancelled by the customer"
            + (f" on {a.cancelled_on}" if a.cancelled_on else "")
            + ": it gets no outcome"
        )
    if a.status is not Status.planned:
        raise DisruptionError(
            f"{a.appointment_id} already has the outcome {a.status.value}; an outcome is set "
            f"once, on a planned appointment (to correct it, change it in the source system "
            f"and export again)"
        )
    if now is not None and status is not Status.voided and a.start > now:
        raise DisruptionError(
            f"{a.appointment_id} starts {a.start:%Y-%m-%d %H:%M}, after {now:%Y-%m-%d %H:%M}: "
            f"an outcome ({status.value}) is set once the appointment has taken place "
            "(only voided before; give the day with --on)"
        )


def record_outcomes(
    scenario: Scenario,
    policy: Policy,
    outcomes: Mapping[str, Status],
    *,
    now: dt.datetime | None = None,
    next_contact: bool = True,
    command: str = "status",
) -> Outcome:
    """Set several outcomes at once, all or nothing (RULES.md, statuses set on the day).

    Each is checked as :func:`kontaktplan.disruption.set_status` checks one (unknown id,
    not planned, not yet started at ``now``, voided in an absence); then every no-show
    is re-invited in person and every held qualified contact gets its next appointment
    (``next_contact``), each booked on the new planning date: the latest appointment's
    day, when later than the folder's. A no-show recorded here gets no standby call: the
    call is made on the spot, with ``kontaktplan noshow``.
    """
    from kontaktplan.calendar import OfficeCalendar
    from kontaktplan.disruption import _reinvite

    rows = [(find(scenario, aid), status) for aid, status in outcomes.items()]
    calendar = OfficeCalendar(scenario, policy)
    for a, status in rows:
        _check_outcome(scenario, a, status, now)
        if status is Status.voided and calendar.is_absent(a.specialist_id, a.day):
            raise DisruptionError(
                f"{a.appointment_id}: {a.specialist_id} is absent on {a.day}, and an absence "
                "never cancels an appointment (RULES.md): hand it over (`kontaktplan absence`, "
                "`kontaktplan replan`) or leave it to the team lead"
            )
    before = _Dues(scenario, policy)  # only the customers concerned are computed
    days = [a.day for a, s in rows if s is not Status.voided]
    if days:
        scenario = on_day(scenario, max(days))
    changed = {a.appointment_id: a.model_copy(update={"status": s}) for a, s in rows}
    scenario = scenario.model_copy(
        update={
            "appointments": tuple(changed.get(a.appointment_id, a) for a in scenario.appointments)
        }
    )
    out = Outcome(command, scenario.today, scenario)
    office = Office(scenario, policy)
    after = office.dues
    for a, status in rows:
        reason = f"planned -> {status.value}"
        b, f = before.get(a.customer_id), after.get(a.customer_id)
        if status is Status.held and b and f and b.due != f.due:
            reason += f"; next deadline {b.due} -> {f.due}"
        out.changes.append(Change.of("status", changed[a.appointment_id], reason))
    if len(rows) == 1:
        a = rows[0][0]
        b, f = before.get(a.customer_id), after.get(a.customer_id)
        if b and f and b.due != f.due:
            out.figures = {"due_before": b.due.isoformat(), "due_after": f.due.isoformat()}
    reviews = {r.customer_id: r for r in category_review(scenario, policy)}
    new: list[Appointment] = []
    taken: set[str] = set()
    for a, status in rows:
        if status is Status.no_show:
            if command == "status" and len(rows) == 1:
                out.notes.append("use `kontaktplan noshow` to book a standby call and re-invite")
                continue
            got = _reinvite(office, out, changed[a.appointment_id], taken)
            new += got
            taken |= {x.appointment_id for x in got}
    for a, status in rows:
        if status is Status.held:
            got = _after_held(office, out, changed[a.appointment_id], next_contact, taken, reviews)
            new += got
            taken |= {x.appointment_id for x in got}
    if new:
        out.scenario = out.scenario.model_copy(
            update={"appointments": (*out.scenario.appointments, *new)}
        )
    return out


def _after_held(
    office: Office,
    out: Outcome,
    held: Appointment,
    next_contact: bool,
    taken: set[str],
    reviews: Mapping[str, CategoryReview],
) -> list[Appointment]:
    """The category review line and the next appointment after a held contact."""
    scenario = office.scenario
    c = scenario.customers_by_id[held.customer_id]
    if (r := reviews.get(c.customer_id)) is not None:
        out.notes.append(
            f"category review: {r.customer_id} is stored {r.stored}, the rules say {r.expected} "
            f"({r.reason}); scheduled by the stricter interval until someone decides"
        )
    due = office.dues.get(c.customer_id)
    if due is None or due.last_contact != held.day:
        return []  # exempt, or not a qualified contact: no deadline moved
    if not next_contact:
        out.notes.append(f"{c.customer_id}: next appointment not booked (--no-next); due {due.due}")
        return []
    if (other := office.future_booking(c.customer_id)) is not None:
        out.notes.append(
            f"{c.customer_id} already has {other.appointment_id} on {other.day}: "
            "that is the next appointment"
        )
        return []
    offers, _ = find_slots(office, c, scenario.today, latest_first=True)
    offers = [o for o in offers if o.own and o.before_deadline]
    if not offers:
        out.notes.append(
            f"{c.customer_id}: no free slot of {c.specialist_id} before the deadline {due.due} "
            "(slots.csv, lead time, cap): the next plan books the next contact"
        )
        return []
    if not (offers := [o for o in offers if o.under_target]):
        out.notes.append(
            f"{c.customer_id}: every week of {c.specialist_id} with a free slot before the "
            f"deadline {due.due} is at its weekly target: the next plan books the next contact"
        )
        return []
    best = offers[0]
    r = Ranked(c, due, best.kind, best.mode, 0, (), ())
    new = office.book(r, new_id(scenario, "N", scenario.today, taken), best.window, scenario.today)
    out.changes.append(
        Change.of(
            "next_appointment",
            new,
            f"booked at the end of {held.appointment_id}: " + ", ".join(best.reasons),
        )
    )
    return [new]


def record_day(
    scenario: Scenario,
    policy: Policy,
    day: dt.date,
    *,
    held_except: set[str] = frozenset(),
    no_show: set[str] = frozenset(),
    not_held: set[str] = frozenset(),
    now: dt.datetime | None = None,
    next_contact: bool = True,
) -> Outcome:
    """A whole day's outcomes: every planned appointment of ``day`` held, except those
    listed; the ``no_show`` ones missed, the ``not_held`` ones not held, and the other
    exceptions left planned (their outcome still to be set).

    Every listed id must be a planned appointment of that day (bad input otherwise).
    """
    planned = {
        a.appointment_id: a
        for a in scenario.appointments
        if a.day == day and a.status is Status.planned
    }
    if both := sorted(no_show & not_held):
        raise DisruptionError(f"{', '.join(both)}: both --no-show and --not-held")
    listed = held_except | no_show | not_held
    for aid in sorted(listed):
        if aid not in planned:
            a = next((x for x in scenario.appointments if x.appointment_id == aid), None)
            why = (
                "no appointment with this id in appointments.csv"
                if a is None
                else f"it is on {a.day}"
                if a.day != day
                else f"it already has status {a.status.value}"
            )
            raise DisruptionError(f"{aid} is no planned appointment of {day}: {why}")
    outcomes = {aid: Status.held for aid in sorted(planned) if aid not in listed}
    outcomes |= {aid: Status.no_show for aid in sorted(no_show)}
    outcomes |= {aid: Status.not_held for aid in sorted(not_held)}
    if not outcomes:
        raise DisruptionError(f"no planned appointment on {day}")
    out = record_outcomes(
        scenario, policy, outcomes, now=now, next_contact=next_contact, command="status_day"
    )
    if open_ := sorted(held_except - no_show - not_held):
        out.notes.append(f"left planned (outcome to be set): {', '.join(open_)}")
    out.notes.append(
        f"{day}: {sum(s is Status.held for s in outcomes.values())} held, "
        f"{len(no_show)} no-show, {len(not_held)} not held"
    )
    return out


class _OutcomeRow(BaseModel):
    """A row of an outcomes file (``import outcomes``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    appointment_id: str = Field(min_length=1)
    status: str

    @field_validator("status")
    @classmethod
    def _outcome(cls, v: str) -> str:
        if v not in {s.value for s in OUTCOMES}:
            raise ValueError("an outcome is held, not_held, no_show or voided")
        return v


def read_outcomes(path: Path) -> list[tuple[int, str, Status]]:
    """The rows of an outcomes CSV file (columns appointment_id, status): file row number,
    appointment id, outcome.

    Bad input (:class:`kontaktplan.io.InputError`) names file, row and column; an id
    given twice is bad input too.
    """
    table = Table(str(path), _OutcomeRow, ("appointment_id", "status"))
    if not path.is_file():
        raise InputError(str(path), "no such file")
    rows, numbers = read_table(path, table)
    out: list[tuple[int, str, Status]] = []
    first: dict[str, int] = {}
    for row, n in zip(rows, numbers, strict=True):
        assert isinstance(row, _OutcomeRow)
        if row.appointment_id in first:
            raise InputError(
                str(path),
                f"given twice (first in row {first[row.appointment_id]})",
                n,
                "appointment_id",
            )
        first[row.appointment_id] = n
        out.append((n, row.appointment_id, Status(row.status)))
    if not out:
        raise InputError(str(path), "no outcome rows", 2)
    return out


def import_outcomes(
    scenario: Scenario,
    policy: Policy,
    path: Path,
    *,
    now: dt.datetime | None = None,
    next_contact: bool = True,
) -> Outcome:
    """:func:`record_outcomes` for the rows of an outcomes file, all or nothing; a row
    that cannot apply (unknown id, not planned, not yet started) is named by file, row
    and column."""
    rows = read_outcomes(path)
    by_id = {a.appointment_id: a for a in scenario.appointments}
    for n, aid, status in rows:
        a = by_id.get(aid)
        if a is None:
            raise InputError(
                str(path), f"no appointment {aid!r} in the folder", n, "appointment_id"
            )
        try:
            _check_outcome(scenario, a, status, now)
        except DisruptionError as e:
            raise InputError(str(path), str(e), n, "status") from None
    outcomes = {aid: status for _, aid, status in rows}
    try:
        return record_outcomes(
            scenario, policy, outcomes, now=now, next_contact=next_contact, command="import"
        )
    except DisruptionError as e:
        raise InputError(str(path), str(e)) from None
