"""What input the product accepts beyond each cell's type (issue 11.8, 11.11): ids that
are pseudonymous, free text on one short line, dates in a sane range, appointments and
slots within a day. The limits are settings of the policy (``[input]``)."""

from __future__ import annotations

import datetime as dt
import re
from operator import attrgetter

from kontaktplan.domain import ScenarioMeta
from kontaktplan.i18n import Phrase
from kontaktplan.io.csvtable import FILES, InputError
from kontaktplan.rules.policy import Policy

__all__ = ["TEXT_CELLS", "check_inputs"]

_ID_CELLS = {
    # where an id is defined; a column referring to one must name an existing id
    "specialists": ("specialist_id",),
    "customers": ("customer_id", "household_id"),
    "appointments": ("appointment_id",),
}
TEXT_CELLS = {"specialists": ("team",), "customers": ("profile",), "absences": ("reason",)}
_DATE_CELLS = {
    "customers": ("last_contact", "agreement_start", "last_group_session"),
    "slots": ("start", "end"),
    "absences": ("first_day", "last_day"),
    "appointments": ("start", "end", "booked_on", "cancelled_on"),
}
_SAME_DAY = ("slots", "appointments")


def check_inputs(meta: ScenarioMeta, parsed, rows, policy: Policy) -> None:
    """Issue 11.8 and 11.11: every id matches the policy's pattern (pseudonymous ids
    only), free text is one short line, every date lies in the policy's range and a slot
    or appointment ends on the day it starts; :class:`InputError` names file, row and
    column of the first cell that does not."""
    rules = policy.input
    pattern = re.compile(rules.id_pattern)
    first, last = rules.earliest_date, rules.latest_date
    if not first <= meta.today <= last:
        what = Phrase("err.date_outside", first=first, last=last)
        raise InputError("scenario.toml", what, column="today")
    _check_text(meta.name, rules.max_text_length, "scenario.toml", None, "name")
    for key, items in parsed.items():
        table = FILES[key].file
        for col in _ID_CELLS.get(key, ()):
            values = set(filter(None, map(attrgetter(col), items)))
            if all(map(pattern.fullmatch, values)):
                continue
            bad = [v for v in values if not pattern.fullmatch(v)]
            if bad:
                n = next(n for o, n in zip(items, rows[key], strict=True) if getattr(o, col) in bad)
                raise InputError(
                    table,
                    Phrase("err.id_pattern", id=_shown(bad[0]), pattern=rules.id_pattern),
                    n,
                    col,
                )
        for col in TEXT_CELLS.get(key, ()):
            for o, n in zip(items, rows[key], strict=True):
                _check_text(getattr(o, col), rules.max_text_length, table, n, col)
        for col in _DATE_CELLS.get(key, ()):
            values = list(filter(None, map(attrgetter(col), items)))  # a date is never false
            if not values:
                continue
            low, high = first, last
            if isinstance(values[0], dt.datetime):
                low, high = (
                    dt.datetime.combine(first, dt.time.min),
                    dt.datetime.combine(last, dt.time.max),
                )
            if low <= min(values) and max(values) <= high:
                continue
            for o, n in zip(items, rows[key], strict=True):
                value = getattr(o, col)
                if value is not None and not low <= value <= high:
                    shown = str(value) if isinstance(value, dt.datetime) else value
                    what = Phrase("err.value_outside", value=shown, first=first, last=last)
                    raise InputError(table, what, n, col)
        if key in _SAME_DAY and items:
            starts = map(dt.datetime.toordinal, map(attrgetter("start"), items))
            ends = map(dt.datetime.toordinal, map(attrgetter("end"), items))
            if list(starts) != list(ends):
                for o, n in zip(items, rows[key], strict=True):
                    if o.end.date() != o.start.date():
                        what = Phrase("err.other_day", end=str(o.end))
                        raise InputError(table, what, n, "end")


def _check_text(value: str | None, limit: int, table: str, row: int | None, col: str) -> None:
    if value is None:
        return
    if len(value) > limit or "\n" in value or "\r" in value:
        raise InputError(table, Phrase("err.free_text", limit=limit), row, col)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")
