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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import is_not
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kontaktplan.domain import Appointment

__all__ = ["AppointmentIndex", "Edit", "copied"]

MAX_EDIT = 64
"""More changed positions than this and an eighth of the rows, or more changed and
appended rows than this and a third of the rows: no small edit, the index is built anew.
(An appended row costs an edit about three times what it costs a new index, a changed
one more; a week's plan appends an eighth of an office's rows, issue 15.)"""


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
        """The edit from ``before`` to ``rows``, None if rows were dropped or it is large.

        Where ``rows`` were made from ``before`` by noted copies (:meth:`note`), the
        places are taken from the notes; else every row is compared."""
        if len(rows) < len(before):
            return None
        places = _noted_places(before, rows)
        if places is None:
            places = list(compress(range(len(before)), map(is_not, before, rows)))
        return cls._of(before, rows, places)

    @classmethod
    def noted(cls, before: Sequence[Appointment], rows: Sequence[Appointment]) -> Edit | None:
        """:meth:`between`, only where notes tell it (None: not noted, or not small)."""
        places = _noted_places(before, rows) if len(rows) >= len(before) else None
        return None if places is None else cls._of(before, rows, places)

    @classmethod
    def _of(
        cls, before: Sequence[Appointment], rows: Sequence[Appointment], places: list[int]
    ) -> Edit | None:
        n, appended = len(before), len(rows) - len(before)
        if len(places) > max(MAX_EDIT, n // 8) or len(places) + appended > max(MAX_EDIT, n // 3):
            return None
        return cls(
            tuple(before[i] for i in places),
            tuple(rows[i] for i in places),
            tuple(rows[len(before) :]),
        )

    @staticmethod
    def note(
        before: Sequence[Appointment], rows: tuple[Appointment, ...], places: Iterable[int]
    ) -> tuple[Appointment, ...]:
        """Note that ``rows`` are ``before`` with the rows at ``places`` replaced (maybe by
        themselves) and any further rows appended; returns ``rows``.

        For the copy that makes them (a command's changed row, its new bookings): the
        scenario copy of ``rows`` then takes its edit from here instead of comparing every
        row (issue 15: each command compared a team's every row, history included, two or
        three times). A wrong note makes a wrong index: note only what was just built.
        """
        if len(_NOTES) >= MAX_NOTES:
            _NOTES.clear()
        _NOTES[id(rows)] = _Note(before, rows, tuple(places))
        return rows

    @property
    def added(self) -> tuple[Appointment, ...]:
        return (*self.replacing, *self.appended)


MAX_NOTES = 64
"""Notes kept (the latest copies'); more, and they are forgotten: a copy made from an
older one compares its rows."""


@dataclass(frozen=True)
class _Note:
    before: Sequence[Appointment]
    rows: tuple[Appointment, ...]
    places: tuple[int, ...]


_NOTES: dict[int, _Note] = {}  # id(rows) -> note; the note holds rows, so the id is theirs


def _noted_places(before: Sequence[Appointment], rows: Sequence[Appointment]) -> list[int] | None:
    """The places where ``rows`` differ from ``before`` (in order) if notes lead from
    ``rows`` back to ``before`` (a few copies, each of the one before), else None.

    Copies only replace rows in place and append, so a place of ``before`` keeps its
    meaning along the way: a row differs only where some note says it was replaced.
    """
    n = len(before)
    changed: set[int] = set()
    at: Sequence[Appointment] = rows
    for _ in range(MAX_CHAIN):
        note = _NOTES.get(id(at))
        if note is None or note.rows is not at or len(note.before) < n:
            return None
        changed.update(p for p in note.places if p < n)
        at = note.before
        if at is before:
            return sorted(p for p in changed if rows[p] is not before[p])
    return None


MAX_CHAIN = 4
"""Notes followed back from a copy to the rows it is compared with."""


class AppointmentIndex:
    """Rows by id, all rows by day and by customer, and the active rows by (specialist,
    day) and by customer, in table order.

    Read-only: the mappings are not to be changed (an edited index shares most tuples
    with the one it came from).

    The four mappings of rows by a key are made when first asked for. An edited index
    keeps the edits since the last index that made one, and makes it from that one's
    with all of them (issue 15: of a simulated week's thousand copies of a team's index,
    some 30 % were asked for rows by customer or day, 2 % for all of a customer's rows;
    each copy had made all four).
    """

    __slots__ = ("_made", "_steps", "by_id", "referred")

    def __init__(
        self,
        by_id: Mapping[str, Appointment],
        made: dict[str, dict[Any, tuple[Appointment, ...]]],
        referred: frozenset[str] = frozenset(),
        steps: dict[str, _Steps] | None = None,
    ) -> None:
        self.by_id = by_id
        # the ids that rows refer to (backfill_for, replaces); after edits it may hold more
        self.referred = referred
        self._made = made  # name -> mapping, those made
        self._steps = steps or {}  # name -> how to make it: from a mapping, by edits

    @property
    def active_by_specialist_day(self) -> Mapping[tuple[str, dt.date], tuple[Appointment, ...]]:
        return self._mapping("active_by_specialist_day")

    @property
    def active_by_customer(self) -> Mapping[str, tuple[Appointment, ...]]:
        return self._mapping("active_by_customer")

    @property
    def by_day(self) -> Mapping[dt.date, tuple[Appointment, ...]]:
        return self._mapping("by_day")

    @property
    def by_customer(self) -> Mapping[str, tuple[Appointment, ...]]:
        return self._mapping("by_customer")

    def _mapping(self, name: str) -> dict[Any, tuple[Appointment, ...]]:
        made = self._made.get(name)
        if made is None:
            pending = self._steps.get(name)
            if pending is None:  # made meanwhile, in another thread
                return self._made[name]
            key, active_only = _KEYS[name]
            made = copied(pending[0])
            for edit, position in pending[1]:
                _apply(made, key, active_only, edit, position)
            self._made[name] = made
            self._steps.pop(name, None)
        return made

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AppointmentIndex):
            return NotImplemented
        return self.by_id == other.by_id and all(
            self._mapping(name) == other._mapping(name) for name in _KEYS
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        made = {name: self._mapping(name) for name in _KEYS}
        return (AppointmentIndex, (self.by_id, made, self.referred))

    @classmethod
    def of(cls, rows: Sequence[Appointment]) -> AppointmentIndex:
        """The index of ``rows`` (a later row of a duplicate id wins ``by_id``)."""
        by_specialist_day: dict[tuple[str, dt.date], list[Appointment]] = {}
        by_customer: dict[str, list[Appointment]] = {}
        by_day: dict[dt.date, list[Appointment]] = {}
        every_row: dict[str, list[Appointment]] = {}
        for a in rows:
            by_day.setdefault(a.day, []).append(a)
            every_row.setdefault(a.customer_id, []).append(a)
            if a.is_active:
                by_specialist_day.setdefault((a.specialist_id, a.day), []).append(a)
                by_customer.setdefault(a.customer_id, []).append(a)
        made = {
            "active_by_specialist_day": {k: tuple(v) for k, v in by_specialist_day.items()},
            "active_by_customer": {k: tuple(v) for k, v in by_customer.items()},
            "by_day": {k: tuple(v) for k, v in by_day.items()},
            "by_customer": {k: tuple(v) for k, v in every_row.items()},
        }
        return cls({a.appointment_id: a for a in rows}, made, _referred(rows))

    def edited(self, edit: Edit, rows: Sequence[Appointment]) -> AppointmentIndex | None:
        """The index of ``rows``, made from this one by ``edit``; None where an id is
        duplicated or an id is gone that a row may refer to (the caller's full check
        reports it)."""
        by_id = copied(self.by_id)
        gone = {a.appointment_id for a in edit.removed}
        for a in edit.added:  # a row replaced under its id keeps its key: no deletion
            if a.appointment_id in by_id and a.appointment_id not in gone:
                return None  # an id twice (also one added twice)
            gone.discard(a.appointment_id)
            by_id[a.appointment_id] = a
        for aid in gone:
            del by_id[aid]
        referred = self.referred | new if (new := _referred(edit.added)) else self.referred
        if any(a.appointment_id in referred for a in edit.removed if a.appointment_id not in by_id):
            return None  # an id is gone that a row may refer to: the full check tells
        step = (edit, _Positions(rows))
        steps: dict[str, _Steps] = {}
        for name in _KEYS:
            pending = self._steps.get(name)
            if pending is not None and len(pending[1]) < MAX_STEPS:
                steps[name] = (pending[0], (*pending[1], step))
            else:
                steps[name] = (self._mapping(name), (step,))
        return AppointmentIndex(by_id, {}, referred, steps)


_Steps = tuple[Mapping[Any, tuple["Appointment", ...]], tuple[tuple[Edit, "_Positions"], ...]]
"""A mapping not made yet: one made earlier, and the edits since, each with its rows."""

MAX_STEPS = 32
"""Edits kept for a mapping not made yet; one more, and it is made (an edit holds its
rows)."""


def _specialist_day(a: Appointment) -> tuple[str, dt.date]:
    return a.specialist_id, a.day


def _customer(a: Appointment) -> str:
    return a.customer_id


def _day(a: Appointment) -> dt.date:
    return a.day


_KEYS: dict[str, tuple[Callable[[Appointment], Any], bool]] = {
    "active_by_specialist_day": (_specialist_day, True),
    "active_by_customer": (_customer, True),
    "by_day": (_day, False),
    "by_customer": (_customer, False),
}
"""The mappings of rows by a key: the key, and whether only active rows are kept."""


class _Positions:
    """Each row's place in the table, worked out when first asked for."""

    def __init__(self, rows: Sequence[Appointment]) -> None:
        self.rows, self._at = rows, None

    def __call__(self, a: Appointment) -> int:
        if self._at is None:
            self._at = {id(x): i for i, x in enumerate(self.rows)}
        return self._at[id(a)]


@dataclass
class _KeyChange:
    swap: dict[int, Appointment] = field(default_factory=dict)  # id(old) -> new, in place
    drop: set[int] = field(default_factory=set)
    insert: list[Appointment] = field(default_factory=list)  # at their place in the table
    append: list[Appointment] = field(default_factory=list)


def _apply(
    index: dict[Any, tuple[Appointment, ...]],
    key: Callable[[Appointment], Any],
    active_only: bool,
    edit: Edit,
    position: Callable[[Appointment], int],
) -> None:
    """``index`` (rows by ``key`` in table order) changed by ``edit`` in place, each
    touched key's tuple built once; untouched tuples are kept."""
    changes: dict[Any, _KeyChange] = {}
    for old, new in zip(edit.removed, edit.replacing, strict=True):
        k_old = key(old) if old.is_active or not active_only else None
        k_new = key(new) if new.is_active or not active_only else None
        if k_old is not None and k_old == k_new:
            changes.setdefault(k_old, _KeyChange()).swap[id(old)] = new
            continue
        if k_old is not None:
            changes.setdefault(k_old, _KeyChange()).drop.add(id(old))
        if k_new is not None:
            changes.setdefault(k_new, _KeyChange()).insert.append(new)
    for a in edit.appended:
        if a.is_active or not active_only:
            changes.setdefault(key(a), _KeyChange()).append.append(a)
    for k, c in changes.items():
        rows = index.get(k, ())
        if c.drop:
            rows = tuple(c.swap.get(id(x), x) for x in rows if id(x) not in c.drop)
        elif c.swap:
            rows = tuple(map(c.swap.get, map(id, rows), rows))  # in C
        if c.insert:  # before every appended row: they come after the original's rows
            rows = tuple(sorted((*rows, *c.insert), key=position))
        rows += tuple(c.append)
        if rows:
            index[k] = rows
        else:
            index.pop(k, None)


def copied(m: Mapping[Any, Any]) -> dict[Any, Any]:
    """A new dict with ``m``'s items. ``dict.copy`` clones a dict's table at once, also
    one that had keys deleted, where ``dict(m)`` inserts key by key once one was (issue
    15: five times slower; edits delete keys, and every command copied a team's index)."""
    return m.copy() if type(m) is dict else dict(m)


def _referred(rows: Sequence[Appointment]) -> frozenset[str]:
    return frozenset(x for a in rows for x in (a.backfill_for, a.replaces) if x is not None)
