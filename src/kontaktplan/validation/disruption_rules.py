"""The rules of disruption handling for the validator (RULES.md, "Disruption handling").

Written from RULES.md alone: nothing here is shared with the disruption commands. Two
kinds of rule, one function each, named after the rule:

- *in one folder*, run by :func:`kontaktplan.validation.validate` with the booking rules:
  the re-invitation after a no-show is in person; a backfill takes the time (or slot)
  of a cancelled appointment of its specialist; a standby call goes to an unemployed
  customer. They follow the validator's convention: hard when the row is touched
  (booked today or reassigned), a warning for older planned rows, history is history.
  The lead time of a backfill (``backfill_min_lead_days``) and of a re-invitation (the
  normal ``lead_days``) is the ``lead_time`` rule's.
- *between two folders* (``validate(scenario, policy, previous=...)``, ``kontaktplan
  validate DIR --against PREV``): what a disruption command may change in the folder it
  was given. Nothing disappears; a reassignment keeps date and time; an absence never
  cancels; history and the content of a booking stay as they were. Always hard.
"""

from __future__ import annotations

from collections.abc import Callable

from kontaktplan.domain import Appointment, Kind, Mode, Scenario, Status
from kontaktplan.i18n.phrase import Listing, Phrase
from kontaktplan.validation.rules import Checker, _show

__all__ = [
    "ABSENCE_NEVER_CANCELS",
    "BACKFILL_SLOT",
    "CHANGE_CHECKS",
    "CHANGE_RULES",
    "ESCALATION_REPLACED",
    "FOLDER_CHECKS",
    "FOLDER_RULES",
    "HISTORY_UNCHANGED",
    "NEW_BOOKING_IN_ABSENCE",
    "NO_ROW_LOST",
    "REASSIGNMENT_KEEPS_TIME",
    "REINVITE_IN_PERSON",
    "STANDBY_CALL",
]

REINVITE_IN_PERSON = "reinvite_in_person"
ESCALATION_REPLACED = "escalation_replaced"
NEW_BOOKING_IN_ABSENCE = "new_booking_in_absence"
BACKFILL_SLOT = "backfill_slot"
STANDBY_CALL = "standby_call"
NO_ROW_LOST = "no_row_lost"
REASSIGNMENT_KEEPS_TIME = "reassignment_keeps_time"
ABSENCE_NEVER_CANCELS = "absence_never_cancels"
HISTORY_UNCHANGED = "history_unchanged"

FOLDER_RULES = (REINVITE_IN_PERSON, BACKFILL_SLOT, STANDBY_CALL, ESCALATION_REPLACED)
CHANGE_RULES = (
    NO_ROW_LOST,
    REASSIGNMENT_KEEPS_TIME,
    ABSENCE_NEVER_CANCELS,
    HISTORY_UNCHANGED,
    NEW_BOOKING_IN_ABSENCE,
)

NOT_TAKING_PLACE = (Status.cancelled, Status.voided)
#: What a reassignment changes; the rest of a planned row is the booking and stays.
REASSIGNMENT_FIELDS = ("specialist_id", "reassigned_from")
#: What a reassignment keeps, checked by ``reassignment_keeps_time``.
KEPT_BY_REASSIGNMENT = ("customer_id", "start", "end")
#: What setting an outcome or a cancellation changes.
STATUS_FIELDS = ("status", "cancelled_on")


# --- one folder ---------------------------------------------------------------------------


def _reinvitation(rows: tuple[Appointment, ...], missed: Appointment) -> Appointment | None:
    """The invitation sent after the no-show ``missed``: the customer's next appointment
    booked on or after its day, not a phone consultation, neither cancelled nor voided.

    None when there is none, or when the customer came in person (held) before it.
    """
    for a in rows:
        if a.start <= missed.start or a.kind is Kind.phone_consultation:
            continue
        if a.status in NOT_TAKING_PLACE:
            continue
        if a.status is Status.held and a.mode is Mode.in_person:
            return None
        if a.booked_on is not None and a.booked_on >= missed.day:
            return a
    return None


def reinvite_in_person(c: Checker) -> None:
    """After a no-show the customer is re-invited in person (RULES.md, No-show).

    Even if the missed appointment was by phone or video: the next appointment booked on
    or after the day of the no-show (not a phone consultation) is in person, until the
    customer has come in person. Exempt customers are not invited by these rules.
    """
    for cid, rows in c.scenario.appointments_by_customer.items():
        if c.scenario.customers_by_id[cid].exempt is not None:
            continue
        seen: set[str] = set()
        for missed in rows:
            if missed.status is not Status.no_show:
                continue
            again = _reinvitation(rows, missed)
            if again is None or again.mode is Mode.in_person or again.appointment_id in seen:
                continue
            seen.add(again.appointment_id)
            message = Phrase(
                "check.reinvite_in_person",
                show=_show(again),
                missed=missed.appointment_id,
                day=missed.day,
                mode=missed.mode,
                customer=cid,
            )
            c.finding(REINVITE_IN_PERSON, [again], message)


def _in_freed_time(c: Checker, a: Appointment, old: Appointment) -> bool:
    """``a`` lies in the time of ``old`` or in a free slot of ``old``'s specialist holding it."""
    if old.start <= a.start and a.end <= old.end:
        return True
    return any(w.holds(old) and w.holds(a) for w in c.slots.get(old.specialist_id, ()))


def backfill_slot(c: Checker) -> None:
    """A backfill fills the freed time of a cancelled appointment (RULES.md, Cancellation).

    ``backfill_for`` names an appointment cancelled by the customer, of the same
    specialist (or of the one the backfill was reassigned from, in an absence); the
    backfill lies in its time or in the free slot that held it, and is booked on or after
    the day of the cancellation. (Its lead time, ``backfill_min_lead_days``, is the
    ``lead_time`` rule's.)
    """
    for a in c.scenario.appointments:
        if a.backfill_for is None:
            continue
        old = c.by_id.get(a.backfill_for)
        if old is None:
            problems = [Phrase("check.missing", appointment=a.backfill_for)]
        else:
            problems = _backfill_problems(c, a, old)
        if problems:
            message = Phrase(
                "check.backfill_slot",
                show=_show(a),
                cancelled=a.backfill_for,
                problems=Listing(problems, "; "),
            )
            c.finding(BACKFILL_SLOT, [a], message)


def _backfill_problems(c: Checker, a: Appointment, old: Appointment) -> list[Phrase]:
    problems = []
    if old.status is not Status.cancelled:
        problems.append(Phrase("check.not_cancelled", status=old.status))
    if old.specialist_id not in (a.specialist_id, a.reassigned_from):
        problems.append(Phrase("check.whose", was=old.specialist_id, now=a.specialist_id))
    elif not _in_freed_time(c, a, old):
        problems.append(Phrase("check.not_in_freed_time", start=old.start, end=old.end.time()))
    if old.cancelled_on and a.booked_on and a.booked_on < old.cancelled_on:
        problems.append(
            Phrase("check.before_cancellation", booked=a.booked_on, cancelled=old.cancelled_on)
        )
    return problems


def standby_call(c: Checker) -> None:
    """A standby phone consultation goes to an unemployed customer (RULES.md, No-show).

    "Another unemployed customer gets a phone consultation that day": checked for the
    phone consultations booked today. That it is held by phone is the ``mode`` rule's.
    Exempt customers (FM, BAK) have no deadline: a standby call is not for them.
    """
    for a in c.planned:
        if (
            a.kind is not Kind.phone_consultation
            or a.booked_on != c.today
            or a.reassigned_from is not None
        ):
            continue
        customer = c.customer(a)
        if not customer.unemployed:
            message = Phrase("check.standby_unemployed", show=_show(a), customer=a.customer_id)
            c.hard(STANDBY_CALL, a, message)
        elif customer.exempt is not None:
            message = Phrase(
                "check.standby_exempt",
                show=_show(a),
                customer=a.customer_id,
                exempt=customer.exempt,
            )
            c.hard(STANDBY_CALL, a, message)


def escalation_replaced(c: Checker) -> None:
    """A replacement (``replaces``) takes the place of an absence escalation (RULES.md,
    Absence, step 3; ``kontaktplan resolve``).

    The replaced row exists, is voided, was the same customer's, and lay in an absence of
    its specialist; the replacement keeps the customer's deadline when the replaced one
    kept it (not after the due date counted from the held contacts), and when that was
    already late lies at most ``resolve_days`` after it.
    Its lead time (``short_notice_days``) is the ``lead_time`` rule's, its slot and mode
    the booking rules'.
    """
    for a in c.scenario.appointments:
        if a.replaces is None or a.status is not Status.planned:
            continue
        old = c.by_id.get(a.replaces)
        problems = []
        if old is None:
            problems.append(Phrase("check.missing", appointment=a.replaces))
        else:
            problems += _replacement_problems(c, a, old)
        if problems:
            message = Phrase(
                "check.escalation_replaced",
                show=_show(a),
                replaced=a.replaces,
                problems=Listing(problems, "; "),
            )
            c.finding(ESCALATION_REPLACED, [a], message)


def _replacement_problems(c: Checker, a: Appointment, old: Appointment) -> list[Phrase]:
    problems = []
    if old.status is not Status.voided:
        problems.append(Phrase("check.not_voided", status=old.status))
    if old.customer_id != a.customer_id:
        problems.append(Phrase("check.whose", was=old.customer_id, now=a.customer_id))
    if not c.calendar.is_absent(old.specialist_id, old.day):
        problems.append(Phrase("check.not_absent", specialist=old.specialist_id, day=old.day))
    customer = c.customer(a)
    if customer.exempt is None:
        held = [x.day for x in c.contacts(customer) if x.status is Status.held]
        if customer.last_contact is not None:
            held.append(customer.last_contact)
        due = c.policy.next_due(customer, sorted(held), c.today)
        if old.day <= due < a.day:
            problems.append(Phrase("check.after_deadline", day=a.day, due=due, kept=old.day))
        later = (a.day - old.day).days
        most = c.policy.disruption.resolve_days
        if due < old.day and later > most:
            problems.append(Phrase("check.resolve_days", old=old.day, later=later, most=most))
    return problems


# --- between two folders ------------------------------------------------------------------


def _pairs(c: Checker, previous: Scenario) -> list[tuple[Appointment, Appointment]]:
    """(previous row, row now) for every appointment id in both folders."""
    return [
        (old, c.by_id[old.appointment_id])
        for old in previous.appointments
        if old.appointment_id in c.by_id
    ]


def no_row_lost(c: Checker, previous: Scenario) -> None:
    """Every appointment of the previous folder is still there (RULES.md, Disruption
    handling; FORMAT.md: a plan holds every earlier row): a row changes status, it never
    disappears."""
    for old in previous.appointments:
        if old.appointment_id not in c.by_id:
            message = Phrase("check.no_row_lost", show=_show(old), status=old.status)
            c.hard(NO_ROW_LOST, old, message)


def reassignment_keeps_time(c: Checker, previous: Scenario) -> None:
    """A reassigned appointment keeps customer, date and time (RULES.md, Absence).

    A row whose specialist changed was planned, keeps customer, start and end, and names
    the previous specialist in ``reassigned_from`` (after several hand-overs between the
    two folders, the last absent one).
    """
    for old, new in _pairs(c, previous):
        if new.specialist_id == old.specialist_id:
            continue
        problems = []
        if old.status is not Status.planned:
            problems.append(Phrase("check.only_planned_moves", status=old.status))
        if new.customer_id != old.customer_id:
            customers = {"was": old.customer_id, "now": new.customer_id}
            problems.append(Phrase("check.customer_changed", **customers))
        if (new.start, new.end) != (old.start, old.end):
            problems.append(
                Phrase(
                    "check.time_changed",
                    was_start=old.start,
                    was_end=old.end.time(),
                    start=new.start,
                    end=new.end.time(),
                )
            )
        if not _handed_over(c, old, new):
            problems.append(_reassigned_from(new.reassigned_from, old.specialist_id))
        if problems:
            message = Phrase(
                "check.reassignment",
                show=_show(new),
                was=old.specialist_id,
                problems=Listing(problems, "; "),
            )
            c.hard(REASSIGNMENT_KEEPS_TIME, new, message)


def _reassigned_from(given: str | None, specialist: str) -> Phrase:
    """``reassigned_from is S9 (or empty), not S1``."""
    if given:
        return Phrase("check.reassigned_from", given=given, specialist=specialist)
    return Phrase("check.reassigned_from_empty", specialist=specialist)


def _handed_over(c: Checker, old: Appointment, new: Appointment) -> bool:
    """``reassigned_from`` names the previous specialist, or the last of several hand-overs
    between the two folders (the previous specialist absent that day, too)."""
    if new.reassigned_from == old.specialist_id:
        return True
    return (
        new.reassigned_from not in (None, new.specialist_id)
        and c.calendar.is_absent(old.specialist_id, old.day)
        and c.calendar.is_absent(new.reassigned_from, old.day)
    )


def absence_never_cancels(c: Checker, previous: Scenario) -> None:
    """An absence never cancels an appointment (RULES.md, Absence of a specialist).

    A row planned in the previous folder whose specialist is absent on its day (by the
    absences of this folder) is not voided (storniert, revoked by the office): it is
    reassigned at the same time or stays planned, escalated to the team lead, until it is
    resolved: voided with a replacement that names it in ``replaces``. Status
    ``cancelled`` (abgesagt) is the customer's cancellation, which an absence does not
    take away from them.
    """
    replaced = {
        a.replaces for a in c.scenario.appointments if a.replaces is not None and a.is_active
    }
    for old, new in _pairs(c, previous):
        if old.status is not Status.planned or new.status is not Status.voided:
            continue
        if old.appointment_id in replaced:
            continue  # resolved: another time or specialist instead (escalation_replaced)
        if c.calendar.is_absent(old.specialist_id, old.day):
            message = Phrase(
                "check.absence_never_cancels",
                show=_show(new),
                specialist=old.specialist_id,
                day=old.day,
            )
            c.hard(ABSENCE_NEVER_CANCELS, new, message)


def history_unchanged(c: Checker, previous: Scenario) -> None:
    """History stays; a booking changes only its status or, by reassignment, its specialist.

    RULES.md, "Statuses are set on the day" and FORMAT.md, "What a plan writes": a row
    held, not held, cancelled, missed or voided in the previous folder is unchanged. A
    planned row changes its status (an outcome, or ``cancelled`` with ``cancelled_on``)
    or its specialist (checked by ``reassignment_keeps_time``), nothing else.
    """
    for old, new in _pairs(c, previous):
        moved = new.specialist_id != old.specialist_id
        if moved and old.status is not Status.planned:
            continue  # reported by reassignment_keeps_time
        ignore = (*REASSIGNMENT_FIELDS, *KEPT_BY_REASSIGNMENT) if moved else ()
        if old.status is Status.planned:
            ignore += STATUS_FIELDS
        problems = [
            _changed(name, getattr(old, name), getattr(new, name))
            for name in type(old).model_fields
            if name not in ignore and getattr(old, name) != getattr(new, name)
        ]
        if old.status is Status.planned:
            problems += _status_problems(old, new)
        if problems:
            listed = Listing(problems, "; ")
            if old.status is Status.planned:
                message = Phrase("check.history_planned", show=_show(new), problems=listed)
            else:
                message = Phrase(
                    "check.history_row", show=_show(new), status=old.status, problems=listed
                )
            c.hard(HISTORY_UNCHANGED, new, message)


def _changed(name: str, was: object, now: object) -> Phrase:
    """``field old became new``, the values as the row holds them (``str``)."""
    return Phrase("check.field_changed", name=name, was=str(was), now=str(now))


def _status_problems(old: Appointment, new: Appointment) -> list[Phrase]:
    """A planned row's new status: ``cancelled`` needs ``cancelled_on``, nothing else sets it."""
    if new.status is Status.cancelled:
        return [] if new.cancelled_on is not None else [Phrase("check.cancelled_without_date")]
    if new.cancelled_on != old.cancelled_on:
        return [_changed("cancelled_on", old.cancelled_on, new.cancelled_on)]
    return []


def new_booking_in_absence(c: Checker, previous: Scenario) -> None:
    """A row that is new in this folder is not booked into an absence of its specialist
    (RULES.md, Availability). Rows the absence found booked are escalations (the
    ``absence`` rule's open tasks), not new bookings."""
    before = {a.appointment_id for a in previous.appointments}
    for a in c.planned:
        if a.appointment_id not in before and c.calendar.is_absent(a.specialist_id, a.day):
            message = Phrase(
                "check.new_booking_in_absence",
                show=_show(a),
                specialist=a.specialist_id,
                day=a.day,
            )
            c.hard(NEW_BOOKING_IN_ABSENCE, a, message)


FOLDER_CHECKS: tuple[Callable[[Checker], None], ...] = (
    reinvite_in_person,
    backfill_slot,
    standby_call,
    escalation_replaced,
)
CHANGE_CHECKS: tuple[Callable[[Checker, Scenario], None], ...] = (
    no_row_lost,
    reassignment_keeps_time,
    absence_never_cancels,
    history_unchanged,
    new_booking_in_absence,
)
