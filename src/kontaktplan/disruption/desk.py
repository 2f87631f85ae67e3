"""The front desk's outcomes: on the day (one or a whole day's, or from a file), and the
next appointment at the end of each held contact (slots: :mod:`kontaktplan.disruption.slot_finder`).

RULES.md, "Disruption handling": statuses are set on the day, an outcome for an
appointment that has not yet taken place is refused (except ``voided``); when a qualified
contact is recorded as held, the next one is booked before the new deadline (2010
document, 3.2) and the category review is prompted (*nach jedem Kontakt ist zu prüfen*).

Every booking goes through :meth:`kontaktplan.disruption.bookable.Office.booking`, which checks
every rule one booking can break; this module only chooses among the slots it allows.

"Now" is a parameter: the command line passes the real clock, or the end of the day
given with ``--on``. ``now=None`` (notebooks, simulations that replay a day) checks
nothing about time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kontaktplan.disruption.actions import _reinvite
from kontaktplan.disruption.bookable import Office, Ranked, _Dues
from kontaktplan.disruption.outcome import (
    Change,
    DisruptionError,
    Outcome,
    find,
    on_day,
)
from kontaktplan.disruption.slot_finder import find_slots
from kontaktplan.domain import Appointment, Scenario, Status
from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import message_of
from kontaktplan.io.csvtable import InputError, Table, read_table
from kontaktplan.rules.policy import CategoryReview, Policy, category_review

__all__ = [
    "OUTCOMES",
    "import_outcomes",
    "read_outcomes",
    "record_day",
    "record_outcomes",
    "set_status",
]

OUTCOMES = (Status.held, Status.not_held, Status.no_show, Status.voided)


# --- outcomes ---------------------------------------------------------------------------------


def _check_outcome(scenario: Scenario, a: Appointment, status: Status, now: dt.datetime | None):
    if status not in OUTCOMES:
        raise DisruptionError(_statuses())
    if a.status is Status.cancelled:
        key = "err.cancelled_on" if a.cancelled_on else "err.cancelled"
        raise DisruptionError(Phrase(key, appointment=a.appointment_id, on=a.cancelled_on))
    if a.status is not Status.planned:
        raise DisruptionError(
            Phrase("err.has_outcome", appointment=a.appointment_id, status=a.status)
        )
    if now is not None and status is not Status.voided and a.start > now:
        raise DisruptionError(
            Phrase(
                "err.outcome_early",
                appointment=a.appointment_id,
                start=a.start,
                now=now,
                status=status,
            )
        )


def _statuses() -> str:
    return Phrase("err.statuses", statuses=[s.value for s in OUTCOMES])


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
    from kontaktplan.rules.calendar import OfficeCalendar

    by_id = {a.appointment_id: a for a in scenario.appointments}
    rows = [(by_id.get(aid) or find(scenario, aid), status) for aid, status in outcomes.items()]
    calendar = OfficeCalendar(scenario, policy)
    for a, status in rows:
        _check_outcome(scenario, a, status, now)
        if status is Status.voided and calendar.is_absent(a.specialist_id, a.day):
            raise DisruptionError(
                Phrase(
                    "err.absent_void",
                    appointment=a.appointment_id,
                    specialist=a.specialist_id,
                    day=a.day,
                )
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
        b, f = before.get(a.customer_id), after.get(a.customer_id)
        moved = status is Status.held and b and f and b.due != f.due
        later = Phrase("desk.next_deadline", before=b.due, after=f.due) if moved else ""
        reason = Phrase("desk.status", status=status, next=later)
        out.changes.append(Change.of("status", changed[a.appointment_id], reason))
    if len(rows) == 1:
        a = rows[0][0]
        b, f = before.get(a.customer_id), after.get(a.customer_id)
        if b and f and b.due != f.due:
            out.figures = {"due_before": b.due.isoformat(), "due_after": f.due.isoformat()}
    reviews = {r.customer_id: r for r in category_review(scenario, policy)}
    new: list[Appointment] = []
    # every id in use (also outside a partial scenario), so a new id is checked in one look-up
    taken: set[str] = set(by_id) | scenario.ids_elsewhere
    for a, status in rows:
        if status is Status.no_show:
            if command == "status" and len(rows) == 1:
                out.notes.append(Phrase("desk.use_noshow"))
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
            Phrase(
                "desk.review",
                customer=r.customer_id,
                stored=r.stored,
                expected=r.expected,
                reason=r.reason,
            )
        )
    due = office.dues.get(c.customer_id)
    if due is None or due.last_contact != held.day:
        return []  # exempt, or not a qualified contact: no deadline moved
    if not next_contact:
        out.notes.append(Phrase("desk.no_next", customer=c.customer_id, due=due.due))
        return []
    if (other := office.future_booking(c.customer_id)) is not None:
        out.notes.append(
            Phrase(
                "desk.has_next",
                customer=c.customer_id,
                appointment=other.appointment_id,
                day=other.day,
            )
        )
        return []
    offers, _ = find_slots(office, c, scenario.today, latest_first=True)
    offers = [o for o in offers if o.own and o.before_deadline]
    if not offers:
        out.notes.append(
            Phrase("desk.no_slot", customer=c.customer_id, specialist=c.specialist_id, due=due.due)
        )
        return []
    if not (offers := [o for o in offers if o.under_target]):
        out.notes.append(
            Phrase(
                "desk.weeks_full", customer=c.customer_id, specialist=c.specialist_id, due=due.due
            )
        )
        return []
    best = offers[0]
    r = Ranked(c, due, best.kind, best.mode, 0, (), ())
    new = office.book(r, _free_id(taken, "N", scenario.today), best.window, scenario.today)
    out.changes.append(
        Change.of(
            "next_appointment",
            new,
            Phrase("desk.next", appointment=held.appointment_id, reasons=best.reasons),
        )
    )
    return [new]


def _free_id(taken: set[str], prefix: str, day: dt.date) -> str:
    """A new appointment id (the form of :func:`kontaktplan.disruption.outcome.new_id`) not in
    ``taken``, and now in it."""
    n = 1
    while f"{prefix}{day:%Y%m%d}-{n:03d}" in taken:
        n += 1
    taken.add(aid := f"{prefix}{day:%Y%m%d}-{n:03d}")
    return aid


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
        raise DisruptionError(Phrase("err.both", ids=both))
    listed = held_except | no_show | not_held
    for aid in sorted(listed):
        if aid not in planned:
            a = next((x for x in scenario.appointments if x.appointment_id == aid), None)
            why = (
                Phrase("err.no_such_id")
                if a is None
                else Phrase("err.is_on", day=a.day)
                if a.day != day
                else Phrase("err.has_status", status=a.status)
            )
            raise DisruptionError(Phrase("err.not_of_day", appointment=aid, day=day, why=why))
    outcomes = {aid: Status.held for aid in sorted(planned) if aid not in listed}
    outcomes |= {aid: Status.no_show for aid in sorted(no_show)}
    outcomes |= {aid: Status.not_held for aid in sorted(not_held)}
    if not outcomes:
        raise DisruptionError(
            Phrase("err.all_excepted" if planned else "err.none_planned", day=day)
        )
    out = record_outcomes(
        scenario, policy, outcomes, now=now, next_contact=next_contact, command="status_day"
    )
    if open_ := sorted(held_except - no_show - not_held):
        out.notes.append(Phrase("desk.left_planned", ids=open_))
    held = sum(s is Status.held for s in outcomes.values())
    out.notes.append(
        Phrase("desk.day", day=day, held=held, no_show=len(no_show), not_held=len(not_held))
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
            raise ValueError(Phrase("err.an_outcome"))
        return v


def read_outcomes(path: Path) -> list[tuple[int, str, Status]]:
    """The rows of an outcomes CSV file (columns appointment_id, status): file row number,
    appointment id, outcome.

    Bad input (:class:`kontaktplan.io.InputError`) names file, row and column; an id
    given twice is bad input too.
    """
    table = Table(str(path), _OutcomeRow, ("appointment_id", "status"))
    if not path.is_file():
        raise InputError(str(path), Phrase("err.no_file"))
    rows, numbers = read_table(path, table)
    out: list[tuple[int, str, Status]] = []
    first: dict[str, int] = {}
    for row, n in zip(rows, numbers, strict=True):
        assert isinstance(row, _OutcomeRow)
        if row.appointment_id in first:
            raise InputError(
                str(path),
                Phrase("err.given_twice", first=first[row.appointment_id]),
                n,
                "appointment_id",
            )
        first[row.appointment_id] = n
        out.append((n, row.appointment_id, Status(row.status)))
    if not out:
        raise InputError(str(path), Phrase("err.no_outcomes"), 2)
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
            raise InputError(str(path), Phrase("err.not_in_folder", id=aid), n, "appointment_id")
        try:
            _check_outcome(scenario, a, status, now)
        except DisruptionError as e:
            raise InputError(str(path), message_of(e), n, "status") from None
    outcomes = {aid: status for _, aid, status in rows}
    try:
        return record_outcomes(
            scenario, policy, outcomes, now=now, next_contact=next_contact, command="import"
        )
    except DisruptionError as e:
        raise InputError(str(path), message_of(e)) from None


def set_status(
    scenario: Scenario,
    policy: Policy,
    appointment_id: str,
    status: Status,
    *,
    now: dt.datetime | None = None,
    next_contact: bool = True,
) -> Outcome:
    """Set an appointment's outcome (held, not_held, no_show, voided) on the day.

    A held qualified contact moves the customer's next deadline (due dates count held
    contacts), prompts the category review and books the next appointment before the new
    deadline (``next_contact``; :func:`kontaktplan.disruption.desk.record_outcomes`). An outcome
    other than voided can only be known once the appointment has started (``now``; None
    checks nothing); the folder's planning date moves to the appointment's day when that
    is later.

    Only a ``planned`` appointment gets an outcome, once: a row that already has one
    (held, not held, no-show, voided, or cancelled by the customer) is history and is
    refused (:class:`DisruptionError`), and so is ``voided`` for an appointment whose
    specialist is absent that day (an absence never cancels, RULES.md). There is
    deliberately no correction path here: the validator's ``history_unchanged`` treats
    every such change as a broken rule, so a wrong outcome is corrected in the source
    system (the ATV) and exported again.
    """
    if status not in OUTCOMES:
        raise DisruptionError(_statuses())
    return record_outcomes(
        scenario, policy, {appointment_id: status}, now=now, next_contact=next_contact
    )
