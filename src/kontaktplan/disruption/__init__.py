"""Disruption handling (*Terminausfallmanagement*): the day's changes to a planned week.

Owns: who can be booked where right now (:mod:`.bookable`), what a command did
(:mod:`.outcome`), cancel, absence, no-show, standby list and outcomes
(:mod:`.actions`), the hand-over of an absent specialist's appointments
(:mod:`.reassign`, with its CP-SAT model in :mod:`.reassign_model`), and the re-plan
after changes (:func:`kontaktplan.disruption.replan.replan`).
"""

from kontaktplan.disruption.actions import (
    Change,
    DisruptionError,
    Outcome,
    absence,
    backfill_candidates,
    cancel,
    find,
    freed_window,
    noshow,
    plan_json,
    standby,
)
from kontaktplan.disruption.desk import set_status

__all__ = [
    "Change",
    "DisruptionError",
    "Outcome",
    "absence",
    "backfill_candidates",
    "cancel",
    "find",
    "freed_window",
    "noshow",
    "plan_json",
    "set_status",
    "standby",
]
