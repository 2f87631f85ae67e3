"""The independent checker (*Nachhaltung* and every booking and disruption rule).

Owns: the rules a schedule can break, one function each (:mod:`.rules`), the rules of
disruption handling and between a folder and the one it was made from
(:mod:`.disruption_rules`), the figures per specialist, team, week and customer
(:mod:`.figures`), and :func:`validate` that runs them (:mod:`.checker`).

Written from the rules alone: it imports nothing from :mod:`kontaktplan.planning` or
:mod:`kontaktplan.disruption` (a test checks it), so that it can judge their output.
"""

from kontaktplan.validation.checker import (
    ABSENCE,
    ABSENCE_NEVER_CANCELS,
    BACKFILL_SLOT,
    CLOSED_DAY,
    CUSTOMER_UNAVAILABLE,
    DAILY_CAP,
    EXEMPT_NOT_BOOKED,
    FIRST_INTERVIEW_KIND,
    GROUP_SESSION_LIMIT,
    HARD_RULES,
    HISTORY_UNCHANGED,
    LEAD_TIME,
    MIN_GAP,
    MISSING_STATUS,
    MODE,
    NO_ROW_LOST,
    ONE_FUTURE_BOOKING,
    ONE_PER_DAY,
    REASSIGNMENT_KEEPS_TIME,
    REINVITE_IN_PERSON,
    SLOT_FITS,
    SLOT_OWNED,
    SLOT_SINGLE,
    STANDBY_CALL,
    Report,
    Violation,
    validate,
)

__all__ = [
    "ABSENCE",
    "ABSENCE_NEVER_CANCELS",
    "BACKFILL_SLOT",
    "CLOSED_DAY",
    "CUSTOMER_UNAVAILABLE",
    "DAILY_CAP",
    "EXEMPT_NOT_BOOKED",
    "FIRST_INTERVIEW_KIND",
    "GROUP_SESSION_LIMIT",
    "HARD_RULES",
    "HISTORY_UNCHANGED",
    "LEAD_TIME",
    "MIN_GAP",
    "MISSING_STATUS",
    "MODE",
    "NO_ROW_LOST",
    "ONE_FUTURE_BOOKING",
    "ONE_PER_DAY",
    "REASSIGNMENT_KEEPS_TIME",
    "REINVITE_IN_PERSON",
    "SLOT_FITS",
    "SLOT_OWNED",
    "SLOT_SINGLE",
    "STANDBY_CALL",
    "Report",
    "Violation",
    "validate",
]
