"""Rows of the scenario tables: a domain model as a database row, a row as a model (built
without validation: what the store holds was validated when it came in), and a row's
image in the event log (JSON).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Exempt,
    Kind,
    Mode,
    Role,
    Slot,
    SlotMode,
    Specialist,
    Status,
    parse_unavailable,
)
from kontaktplan.store import schema

MODELS: dict[str, type[BaseModel]] = {
    "specialists": Specialist,
    "customers": Customer,
    "slots": Slot,
    "absences": Absence,
    "appointments": Appointment,
}

_ENUMS: dict[str, dict[str, type[StrEnum]]] = {
    "specialists": {"role": Role},
    "customers": {"exempt": Exempt, "mode": Mode},
    "slots": {"mode": SlotMode},
    "appointments": {"kind": Kind, "mode": Mode, "status": Status},
}


def fields(table: str) -> tuple[str, ...]:
    """The model's fields, in the order of the table's columns."""
    return tuple(MODELS[table].model_fields)


def key_of(table: str) -> Callable[[Any], str]:
    """The function giving a model's row key (an id; for slots and absences, made of the
    specialist and the times, as those rows have no id)."""
    if table == "slots":
        return lambda s: f"{s.specialist_id}|{s.start.isoformat()}"
    if table == "absences":
        return lambda a: f"{a.specialist_id}|{a.first_day}|{a.last_day}"
    name = {"specialists": "specialist_id", "customers": "customer_id"}.get(table, "appointment_id")
    return lambda obj: getattr(obj, name)


def keys(table: str, objects: Iterable[Any]) -> list[str]:
    """The row keys of the objects in order; a repeated key (two identical absences)
    gets ``#2``, ``#3`` appended so every row has its own."""
    of = key_of(table)
    out: list[str] = []
    seen: dict[str, int] = {}
    for obj in objects:
        k = of(obj)
        if k in seen:
            seen[k] += 1
            k = f"{k}#{seen[k]}"
        else:
            seen[k] = 1
        out.append(k)
    return out


def to_row(table: str, obj: Any) -> dict[str, Any]:
    """The database row of a model (without key, seq, changed_in)."""
    row = {}
    for name in fields(table):
        value = getattr(obj, name)
        if isinstance(value, StrEnum):
            value = value.value
        elif name == "unavailable":
            value = ";".join(map(str, value))
        row[name] = value
    return row


def _parser(table: str, name: str) -> Callable[[Any], Any] | None:
    """How a raw database value of the column becomes the model's value (None: as is).
    Drivers differ (SQLite gives dates as text and booleans as 0/1, psycopg gives Python
    values): every parser accepts both."""
    enums = _ENUMS.get(table, {})
    if name in enums:
        return dict(enums[name]._value2member_map_).__getitem__
    if name == "unavailable":
        return parse_unavailable
    kind = type(schema.ROW_TABLES[table].c[name].type).__name__
    if kind == "DateTime":
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if kind == "Date":
        return lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v
    if kind == "Boolean":
        return bool
    if kind == "Float":
        return float
    return None


def models(table: str, raw: list[Sequence[Any]]) -> tuple[Any, ...]:
    """The models of raw rows (values in :func:`fields` order), made without validation.

    Converted column by column, each distinct value once (a column of 18k start times
    holds a few hundred), then each model is made by setting its ``__dict__``: what
    ``model_construct`` does, at a third of the cost.
    """
    if not raw:
        return ()
    model = MODELS[table]
    names = fields(table)
    columns = list(zip(*raw, strict=True))
    for i, name in enumerate(names):
        parse = _parser(table, name)
        if parse is None:
            continue
        seen = {v: None if v is None else parse(v) for v in set(columns[i])}
        columns[i] = tuple(map(seen.__getitem__, columns[i]))
    fields_set = frozenset(names)
    new = object.__new__
    set_ = object.__setattr__
    out = []
    append = out.append
    for values in zip(*columns, strict=True):
        obj = new(model)
        set_(obj, "__dict__", dict(zip(names, values, strict=True)))
        set_(obj, "__pydantic_fields_set__", fields_set)
        set_(obj, "__pydantic_extra__", None)
        set_(obj, "__pydantic_private__", None)
        append(obj)
    return tuple(out)


def image(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A row as JSON for the event log (dates and times as ISO text)."""
    if row is None:
        return None
    return {k: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for k, v in row.items()}


def from_image(table: str, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The database row of an event-log image."""
    if data is None:
        return None
    columns = schema.ROW_TABLES[table].c
    out = {}
    for k, v in data.items():
        kind = type(columns[k].type).__name__
        if v is not None and kind == "DateTime":
            v = dt.datetime.fromisoformat(v)
        elif v is not None and kind == "Date":
            v = dt.date.fromisoformat(v)
        out[k] = v
    return out
