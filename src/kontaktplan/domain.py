"""The office's data as frozen pydantic models (FORMAT.md), with reference checks.

No OR-Tools here. Every model is immutable; a changed scenario is a new one
(``scenario.model_copy(update=...)``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Mapping
from enum import StrEnum
from functools import cache, cached_property
from typing import Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kontaktplan.appointment_index import AppointmentIndex, Edit
from kontaktplan.i18n.phrase import Phrase

__all__ = [
    "Absence",
    "Appointment",
    "Customer",
    "Exempt",
    "Kind",
    "Mode",
    "Role",
    "Scenario",
    "ScenarioMeta",
    "Slot",
    "SlotMode",
    "Specialist",
    "Status",
    "Unavailability",
    "parse_unavailable",
]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NOON = dt.time(12, 0)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    derived_from: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    """Cached properties and the fields each is computed from: a copy that keeps those
    fields keeps the cached value (see ``model_copy``)."""

    fields_alone: ClassVar[bool] = False
    """No field validator of the model looks at another field: a copy checks only the
    fields it changes, each by its type, then runs ``_checks`` (see ``model_copy``)."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, a new validated model (checks run).

        Pydantic's own ``model_copy(update=...)`` skips validation and copies the
        instance ``__dict__``, cached properties included, so a changed scenario would
        keep answering from the old data. Here a cached property is kept only when every
        field it is computed from (``derived_from``) is the very object it was; the checks
        of the copy may use it (issue 15: a simulated day's commands each copy a team's
        scenario, and rebuilt every index of it).
        """
        if not update:
            return super().model_copy(deep=deep)
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(update)
        # A field given the very object it had was checked when this model was made.
        unchanged = frozenset(name for name, value in data.items() if value is getattr(self, name))
        kept = {
            prop: self.__dict__[prop]
            for prop, fields in self.derived_from.items()
            if prop in self.__dict__ and unchanged.issuperset(fields)
        }
        context = {UNCHANGED: unchanged, KEPT: kept, PREVIOUS: self}
        if self.fields_alone and (copy := self._copy_checking_changes(data, context)):
            return copy
        # Everything validated again: also where the quick way found a problem, so that it
        # is reported as pydantic reports it.
        copy = type(self).model_validate(data, context=context)
        for name in unchanged:  # validation rebuilt equal tuples: keep the originals, so
            copy.__dict__[name] = data[name]  # "unchanged" stays an identity check
        return copy

    def _copy_checking_changes(self, data: dict[str, Any], context: dict) -> Self | None:
        """The copy with only its changed fields validated (the unchanged ones were when
        this model was made: a team's scenario has thousands of rows in each table, issue
        15), then the model's checks; None where either finds a problem."""
        cls = type(self)
        try:
            changed = {
                name: self._validated(name, value)
                for name, value in data.items()
                if name not in context[UNCHANGED]
            }
        except ValidationError:
            return None
        copy = cls.model_construct(**{**data, **changed})
        try:
            copy._checks(context)
        except ValueError:
            return None
        return copy

    def _validated(self, name: str, value: Any) -> Any:
        """A copy's new value of field ``name``, validated by its type (this model's is
        the value it replaces)."""
        return _field_adapter(type(self), name).validate_python(value)

    def _checks(self, context: dict[str, Any]) -> None:
        """The checks of the whole model (raise ValueError); with ``fields_alone``, also run
        by a copy's quick way. Here: install the cached values a copy keeps."""
        self.__dict__.update(context.get(KEPT, {}))


@cache
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter:
    return TypeAdapter(cls.model_fields[name].annotation)


UNCHANGED = "unchanged"
"""Validation context key: the fields a copy keeps as they were (see ``model_copy``)."""
KEPT = "kept"
"""Validation context key: the cached properties a copy keeps (see ``model_copy``)."""
PREVIOUS = "previous"
"""Validation context key: the model a copy is made from (see ``model_copy``)."""


def _none_if_empty(value: str | None) -> str | None:
    """An empty optional text is no value: the CSV cannot tell ``""`` from None."""
    return value or None


def _after(field: str, earlier: str, info: ValidationInfo, value: Any, strict: bool) -> None:
    """``value`` (of ``field``) must come after the already validated ``earlier`` field."""
    before = info.data.get(earlier)
    if before is None:
        return
    if value < before or (strict and value == before):
        key = "err.must_be_after" if strict else "err.must_be_on_or_after"
        raise ValueError(Phrase(key, field=field, earlier=earlier))


class Mode(StrEnum):
    """How an appointment is held (Kontaktform)."""

    in_person = "in_person"
    video = "video"
    phone = "phone"


class SlotMode(StrEnum):
    """Which appointments a free slot admits."""

    in_person = "in_person"
    video = "video"
    any = "any"


class Kind(StrEnum):
    """Erstgespräch, Folgegespräch, Gruppenberatung, telefonische Beratung."""

    first_interview = "first_interview"
    follow_up = "follow_up"
    group_session = "group_session"
    phone_consultation = "phone_consultation"


class Status(StrEnum):
    """planned; stattgefunden, nicht stattgefunden, abgesagt, nicht erschienen, storniert."""

    planned = "planned"
    held = "held"
    not_held = "not_held"
    cancelled = "cancelled"
    no_show = "no_show"
    voided = "voided"


ACTIVE = frozenset({Status.planned, Status.held})
"""The statuses of an appointment that occupies its slot and the specialist's day."""


class Role(StrEnum):
    """A specialist's role: Integrationsfachkraft (``ifk``) or Fallmanager (``fm``)."""

    ifk = "ifk"
    fm = "fm"


class Exempt(StrEnum):
    """Customers outside the density rules: Fallmanagement (FM), Betriebsakquisiteure (BAK)."""

    case_management = "case_management"
    employer_service = "employer_service"


class Unavailability(Frozen):
    """A weekday (0 = Monday) or half of one (``AM`` before noon, ``PM`` from noon)."""

    weekday: int = Field(ge=0, le=6)
    half: str | None = None

    @field_validator("half")
    @classmethod
    def _half(cls, v: str | None) -> str | None:
        if v not in (None, "AM", "PM"):
            raise ValueError(Phrase("err.half_day"))
        return v

    def blocks(self, start: dt.datetime, end: dt.datetime) -> bool:
        """True if an appointment from ``start`` to ``end`` falls into this unavailability."""
        if start.weekday() != self.weekday:
            return False
        if self.half is None:
            return True
        if self.half == "AM":
            return start.time() < NOON
        return end.time() > NOON

    def __str__(self) -> str:
        return WEEKDAYS[self.weekday] + (f"-{self.half}" if self.half else "")


_WEEKDAY_NAMES = {
    name: i
    for i, (short, long) in enumerate(
        zip(
            WEEKDAYS,
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
            strict=True,
        )
    )
    for name in (short.lower(), long)
}


def parse_unavailable(text: str) -> tuple[Unavailability, ...]:
    """Parse ``Mon;Wed-AM`` into unavailabilities (``,`` or ``;`` separated, case-insensitive).

    A day is ``Mon``..``Sun`` (or the full English name), optionally ``-AM`` or ``-PM``.
    """
    items: list[Unavailability] = []
    for raw in text.replace(",", ";").split(";"):
        token = raw.strip()
        if not token:
            continue
        day, dash, half = (part.strip() for part in token.partition("-"))
        if day.lower() not in _WEEKDAY_NAMES:
            raise ValueError(Phrase("err.unknown_weekday", day=day, text=text))
        if dash and half.upper() not in ("AM", "PM"):
            raise ValueError(Phrase("err.unknown_half_day", half=half, text=text))
        items.append(Unavailability(weekday=_WEEKDAY_NAMES[day.lower()], half=half.upper() or None))
    return tuple(items)


class Specialist(Frozen):
    """Integrationsfachkraft (IFK): a case worker with an FTE share (VZÄ) in a team."""

    specialist_id: str = Field(min_length=1)
    team: str = Field(min_length=1)
    fte: float = Field(gt=0, le=1)
    substitute_id: str | None = None
    video: bool = True
    role: Role = Role.ifk  # fm: case manager, no weekly target, no density covers (RULES.md)

    _empty_is_none = field_validator("substitute_id")(_none_if_empty)


class Customer(Frozen):
    """A customer (eLb), pseudonymous; ``last_contact`` None = no first interview yet."""

    customer_id: str = Field(min_length=1)
    specialist_id: str = Field(min_length=1)
    category: str = Field(min_length=1)
    unemployed: bool
    under_25: bool
    exempt: Exempt | None = None
    last_contact: dt.date | None = None
    profile: str | None = None
    household_id: str | None = None
    agreement_start: dt.date | None = None
    mode: Mode | None = None
    unavailable: tuple[Unavailability, ...] = ()
    last_group_session: dt.date | None = None

    _empty_is_none = field_validator("profile", "household_id")(_none_if_empty)

    @field_validator("mode")
    @classmethod
    def _mode(cls, v: Mode | None) -> Mode | None:
        if v is Mode.phone:
            raise ValueError(Phrase("err.customer_mode"))
        return v

    def available(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the customer can attend from ``start`` to ``end`` (RULES.md, unavailability)."""
        return not self.unavailable or not any(u.blocks(start, end) for u in self.unavailable)


class Slot(Frozen):
    """A free slot in a specialist's calendar (ATV); holds at most one appointment."""

    specialist_id: str = Field(min_length=1)
    start: dt.datetime
    end: dt.datetime
    mode: SlotMode = SlotMode.any

    @field_validator("end")
    @classmethod
    def _order(cls, end: dt.datetime, info: ValidationInfo) -> dt.datetime:
        _after("end", "start", info, end, strict=True)
        start = info.data.get("start")
        if start is not None and end.date() != start.date():
            raise ValueError(Phrase("err.slot_one_day"))
        return end

    def overlaps(self, other: Slot) -> bool:
        """Same specialist and a common moment (touching ends do not overlap)."""
        return (
            self.specialist_id == other.specialist_id
            and self.start < other.end
            and other.start < self.end
        )

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @cached_property  # asked for very often (issue 15); ``start`` never changes
    def day(self) -> dt.date:
        return self.start.date()


class Absence(Frozen):
    """An absence of a specialist (leave, illness, training), both days inclusive."""

    specialist_id: str = Field(min_length=1)
    first_day: dt.date
    last_day: dt.date
    reason: str | None = None

    _empty_is_none = field_validator("reason")(_none_if_empty)

    @field_validator("last_day")
    @classmethod
    def _order(cls, last_day: dt.date, info: ValidationInfo) -> dt.date:
        _after("last_day", "first_day", info, last_day, strict=False)
        return last_day

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


class Appointment(Frozen):
    """A booked contact (Termin) or a past one, with its status."""

    appointment_id: str = Field(min_length=1)
    customer_id: str = Field(min_length=1)
    specialist_id: str = Field(min_length=1)
    start: dt.datetime
    end: dt.datetime
    kind: Kind
    mode: Mode
    status: Status
    booked_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    qualified_exception: bool = False
    reassigned_from: str | None = None
    backfill_for: str | None = None
    #: The appointment this one replaces (voided): an absence escalation resolved at
    #: another time or with another specialist (``kontaktplan resolve``).
    replaces: str | None = None

    _empty_is_none = field_validator("reassigned_from", "backfill_for", "replaces")(_none_if_empty)

    @field_validator("end")
    @classmethod
    def _order(cls, end: dt.datetime, info: ValidationInfo) -> dt.datetime:
        _after("end", "start", info, end, strict=True)
        return end

    @cached_property  # asked for very often (issue 15); ``start`` never changes
    def day(self) -> dt.date:
        return self.start.date()

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_active(self) -> bool:
        """Planned or held: it occupies its slot and the specialist's day."""
        return self.status in ACTIVE


class ScenarioMeta(Frozen):
    """``scenario.toml``: what and when."""

    name: str = Field(min_length=1)
    today: dt.date
    policy: str = "heilbronn-2025"
    region: str = "DE-BW"


def _duplicates(values: list[str]) -> list[str]:
    if len(set(values)) == len(values):
        return []
    return sorted(v for v, n in Counter(values).items() if n > 1)


_TABLES = ("specialists", "customers", "slots", "absences", "appointments")


class Scenario(Frozen):
    """One office at one planning date: the content of a scenario folder.

    The checks here are the ones that make the data unusable (unique ids,
    references resolve, one specialist's slots do not overlap). Odd but real data
    (a slot inside an absence, history on a day without slot) is left to warnings.
    """

    meta: ScenarioMeta
    specialists: tuple[Specialist, ...]
    customers: tuple[Customer, ...]
    slots: tuple[Slot, ...]
    absences: tuple[Absence, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    # A part of an office (a workspace loads the teams a cancellation touches): the ids of
    # the office's appointments not in this part, so that a new id takes none of them.
    # Never written: not a table of the folder.
    ids_elsewhere: frozenset[str] = Field(default=frozenset(), exclude=True, repr=False)

    fields_alone: ClassVar[bool] = True
    derived_from: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "specialists_by_id": ("specialists",),
        "customers_by_id": ("customers",),
        "customers_by_specialist": ("customers",),
        "appointments_by_customer": ("appointments",),
        "appointment_index": ("appointments",),
        "slots_by_day": ("slots",),
        "slot_days": ("slots",),
        "slot_weekdays": ("slots",),
    }

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Scenario:
        self._checks(info.context or {})
        return self

    def _validated(self, name: str, value: Any) -> Any:
        """As every field's; appointments noted as an edit of this scenario's (a command's
        copy, :meth:`Edit.note`) need only their new rows checked, each an appointment:
        the very tuple is kept, as validation would keep each row (issue 15)."""
        if name == "appointments" and type(value) is tuple:
            edit = Edit.noted(self.appointments, value)
            if edit is not None and all(type(a) is Appointment for a in edit.added):
                return value
        return super()._validated(name, value)

    def _checks(self, context: dict[str, Any]) -> None:
        super()._checks(context)
        # A copy re-checks what its changed tables take part in; a new scenario, all.
        kept = frozenset(context.get(UNCHANGED, ()))
        changed = {t for t in _TABLES if t not in kept}
        edit = self._index_edited(context.get(PREVIOUS)) if "appointments" in changed else None
        if edit is not None and changed == {"appointments"} and self._new_rows_resolve(edit):
            return
        problems = [
            *self._duplicate_ids(changed),
            *self._unknown_references(changed),
            *(self._slot_overlaps() if "slots" in changed else ()),
        ]
        if problems:
            raise ValueError("; ".join(problems[:10]))

    def _index_edited(self, previous: Scenario | None) -> Edit | None:
        """Where the appointments are ``previous``'s with a few rows replaced in place and
        a few appended: the index taken over from ``previous``'s, and the edit; else None
        (the index is built when asked for)."""
        if previous is None:
            return None
        rows = self.appointments
        edit = Edit.between(previous.appointments, rows)
        index = previous.appointment_index.edited(edit, rows) if edit is not None else None
        if index is None:
            return None
        self.__dict__["appointment_index"] = index
        return edit

    def _new_rows_resolve(self, edit: Edit) -> bool:
        """The edit's new rows refer only to what exists (with unique ids, as the edited
        index found): a copy that changed only appointments needs no other check."""
        known, customers = self.specialists_by_id, self.customers_by_id
        ids = self.appointment_index.by_id
        return all(
            a.specialist_id in known
            and a.customer_id in customers
            and (a.reassigned_from is None or a.reassigned_from in known)
            and (a.backfill_for is None or a.backfill_for in ids)
            and (a.replaces is None or a.replaces in ids)
            for a in edit.added
        )

    def _duplicate_ids(self, changed: set[str]) -> list[str]:
        problems = []
        for table, what in (
            ("specialists", "specialist_id"),
            ("customers", "customer_id"),
            ("appointments", "appointment_id"),
        ):
            if table not in changed:
                continue
            if table == "appointments" and len(self.appointment_index.by_id) == len(
                self.appointments
            ):
                continue  # the index a later copy can take over, and no id twice
            if dup := _duplicates([getattr(r, what) for r in getattr(self, table)]):
                problems.append(f"duplicate {what}: {', '.join(dup[:5])}")
        return problems

    def _unknown_references(self, changed: set[str]) -> list[str]:
        """References to specialists, customers and appointments that do not exist; the
        rows of a table are checked when it or a table it refers to changed."""
        problems = []
        everything = "specialists" in changed
        known = self.specialists_by_id
        if everything:
            for s in self.specialists:
                if s.substitute_id is not None and s.substitute_id not in known:
                    problems.append(f"specialist {s.specialist_id}: unknown substitute_id")
        for table, name in (
            ("customers", "customer"),
            ("slots", "slot"),
            ("absences", "absence"),
            ("appointments", "appointment"),
        ):
            if everything or table in changed:
                for r in getattr(self, table):
                    if r.specialist_id not in known:
                        problems.append(f"{name}: unknown specialist_id {r.specialist_id}")
        if everything or not changed.isdisjoint(("customers", "appointments")):
            problems += self._appointment_references(known)
        return problems

    def _appointment_references(self, known: Mapping[str, Specialist]) -> list[str]:
        problems = []
        customers = self.customers_by_id
        appointments = self.appointment_index.by_id
        for a in self.appointments:
            if a.customer_id not in customers:
                problems.append(f"appointment {a.appointment_id}: unknown customer_id")
            if a.reassigned_from is not None and a.reassigned_from not in known:
                problems.append(f"appointment {a.appointment_id}: unknown reassigned_from")
            if a.backfill_for is not None and a.backfill_for not in appointments:
                problems.append(f"appointment {a.appointment_id}: unknown backfill_for")
            if a.replaces is not None and a.replaces not in appointments:
                problems.append(f"appointment {a.appointment_id}: unknown replaces")
        return problems

    def _slot_overlaps(self) -> list[str]:
        problems = []
        ordered = sorted(self.slots, key=lambda s: (s.specialist_id, s.start))
        for a, b in itertools.pairwise(ordered):
            if a.overlaps(b):
                problems.append(f"slots of {a.specialist_id} overlap at {b.start:%Y-%m-%dT%H:%M}")
        return problems

    @property
    def today(self) -> dt.date:
        return self.meta.today

    @cached_property
    def specialists_by_id(self) -> dict[str, Specialist]:
        return {s.specialist_id: s for s in self.specialists}

    @cached_property
    def customers_by_id(self) -> dict[str, Customer]:
        return {c.customer_id: c for c in self.customers}

    @cached_property
    def customers_by_specialist(self) -> dict[str, tuple[Customer, ...]]:
        """Each specialist's customers, in table order."""
        out: dict[str, list[Customer]] = {}
        for c in self.customers:
            out.setdefault(c.specialist_id, []).append(c)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def slots_by_day(self) -> Mapping[tuple[str, dt.date], tuple[Slot, ...]]:
        """Each specialist's free slots per day, in order of start (not to be changed)."""
        out: dict[tuple[str, dt.date], list[Slot]] = {}
        for s in sorted(self.slots, key=lambda s: s.start):
            out.setdefault((s.specialist_id, s.day), []).append(s)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def slot_days(self) -> Mapping[str, tuple[dt.date, ...]]:
        """The days each specialist has free slots, in order (not to be changed)."""
        out: dict[str, list[dt.date]] = {}
        for sid, day in self.slots_by_day:  # in order of start, so of day
            days = out.setdefault(sid, [])
            if not days or days[-1] != day:
                days.append(day)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def slot_weekdays(self) -> Mapping[str, frozenset[int]]:
        """The weekdays each specialist has free slots on (not to be changed)."""
        return {sid: frozenset(d.weekday() for d in days) for sid, days in self.slot_days.items()}

    @cached_property
    def appointment_index(self) -> AppointmentIndex:
        """Rows by id, active rows by specialist and day and by customer (read-only)."""
        return AppointmentIndex.of(self.appointments)

    @cached_property
    def appointments_by_customer(self) -> dict[str, tuple[Appointment, ...]]:
        """Every appointment row of each customer, in order of start."""
        out: dict[str, list[Appointment]] = {}
        for a in sorted(self.appointments, key=lambda a: a.start):
            out.setdefault(a.customer_id, []).append(a)
        return {k: tuple(v) for k, v in out.items()}
