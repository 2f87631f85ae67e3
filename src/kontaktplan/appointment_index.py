"""A scenario's appointments indexed: every row by id, the active ones (planned, held) by
specialist and day and by customer.

A copy that replaces a few rows in place and appends a few more (what every disruption
command does) gets its index from the original's, changed where the rows changed, instead
of one built from every row again (issue 15: a simulated day's some 300 commands each
copied a team's scenario and indexed it from scratch). :meth:`AppointmentIndex.edited` is
exact: the index it gives equals :meth:`AppointmentIndex.of` the new rows, or it gives
None and the caller builds one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import is_not
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kontaktplan.domain import Appointment

__all__ = ["AppointmentIndex", "Edit"]

MAX_EDIT = 64
"""More changed positions than this and an eighth of the rows: no small edit, the index
is built anew."""


@dataclass(frozen=True)
class Edit:
    """How ``rows`` differ from the original's by position: ``removed`` (the original's
    rows no longer at their place), ``replacing`` (the new rows at those places) and
    ``appended`` (after the original's length)."""

    removed: tuple[Appointment, ...]
    replacing: tuple[Appointment, ...]
    appended: tuple[Appointment, ...]

    @classmethod
    def between(cls, before: Sequence[Appointment], rows: Sequence[Appointment]) -> Edit | None:
        """The edit from ``before`` to ``rows``, None if rows were dropped or it is large."""
        if len(rows) < len(before):
            return None
        places = list(compress(range(len(before)), map(is_not, before, rows)))
        if len(places) + len(rows) - len(before) > max(MAX_EDIT, len(before) // 8):
            return None
        return cls(
            tuple(before[i] for i in places),
            tuple(rows[i] for i in places),
            tuple(rows[len(before) :]),
        )

    @property
    def added(self) -> tuple[Appointment, ...]:
        return (*self.replacing, *self.appended)


@dataclass(frozen=True)
class AppointmentIndex:
    """Rows by id, all rows by day, and the active rows by (specialist, day) and by
    customer, in table order.

    Read-only: the mappings are not to be changed (an edited index shares most tuples
    with the one it came from).
    """

    by_id: Mapping[str, Appointment]
    active_by_specialist_day: Mapping[tuple[str, dt.date], tuple[Appointment, ...]]
    active_by_customer: Mapping[str, tuple[Appointment, ...]]
    by_day: Mapping[dt.date, tuple[Appointment, ...]]
    # the ids that rows refer to (backfill_for, replaces); after edits it may hold more
    referred: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def of(cls, rows: Sequence[Appointment]) -> AppointmentIndex:
        """The index of ``rows`` (a later row of a duplicate id wins ``by_id``)."""
        by_specialist_day: dict[tuple[str, dt.date], list[Appointment]] = {}
        by_customer: dict[str, list[Appointment]] = {}
        by_day: dict[dt.date, list[Appointment]] = {}
        for a in rows:
            by_day.setdefault(a.day, []).append(a)
            if a.is_active:
                by_specialist_day.setdefault((a.specialist_id, a.day), []).append(a)
                by_customer.setdefault(a.customer_id, []).append(a)
        return cls(
            {a.appointment_id: a for a in rows},
            {k: tuple(v) for k, v in by_specialist_day.items()},
            {k: tuple(v) for k, v in by_customer.items()},
            {k: tuple(v) for k, v in by_day.items()},
            _referred(rows),
        )

    def edited(self, edit: Edit) -> AppointmentIndex | None:
        """The index after ``edit``; None where an id is duplicated or an id is gone that a
        row may refer to (the caller's full check reports it), or where
        a row took the place of one of another day, or an active row the place of an
        inactive one or of one of another specialist or customer (its order among the rows
        of its day or the active rows is not known here: built anew)."""
        by_id = dict(self.by_id)
        for a in edit.removed:
            del by_id[a.appointment_id]
        for a in edit.added:
            if a.appointment_id in by_id:
                return None
            by_id[a.appointment_id] = a
        referred = self.referred | new if (new := _referred(edit.added)) else self.referred
        if any(a.appointment_id in referred for a in edit.removed if a.appointment_id not in by_id):
            return None  # an id is gone that a row may refer to: the full check tells
        by_day, by_customer = dict(self.active_by_specialist_day), dict(self.active_by_customer)
        every_day = dict(self.by_day)
        for old, new in zip(edit.removed, edit.replacing, strict=True):
            if old.day != new.day:
                return None
            _swap(every_day, old.day, old, new)
            if not new.is_active:
                if old.is_active:
                    _drop(by_day, (old.specialist_id, old.day), old)
                    _drop(by_customer, old.customer_id, old)
            elif not old.is_active or _keys(old) != _keys(new):
                return None
            else:
                _swap(by_day, (old.specialist_id, old.day), old, new)
                _swap(by_customer, old.customer_id, old, new)
        for a in edit.appended:
            every_day[a.day] = (*every_day.get(a.day, ()), a)
            if a.is_active:
                key = (a.specialist_id, a.day)
                by_day[key] = (*by_day.get(key, ()), a)
                by_customer[a.customer_id] = (*by_customer.get(a.customer_id, ()), a)
        return AppointmentIndex(by_id, by_day, by_customer, every_day, referred)


def _referred(rows: Sequence[Appointment]) -> frozenset[str]:
    return frozenset(x for a in rows for x in (a.backfill_for, a.replaces) if x is not None)


def _keys(a: Appointment) -> tuple[str, dt.date, str]:
    return a.specialist_id, a.day, a.customer_id


def _swap(index: dict, key: object, old: Appointment, new: Appointment) -> None:
    index[key] = tuple(new if x is old else x for x in index[key])


def _drop(index: dict, key: object, a: Appointment) -> None:
    rest = tuple(x for x in index[key] if x is not a)
    if rest:
        index[key] = rest
    else:
        del index[key]
