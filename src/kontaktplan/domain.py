"""The office's data as frozen pydantic models (FORMAT.md), with reference checks.

No OR-Tools here. Every model is immutable; a changed scenario is a new one
(``scenario.model_copy(update=...)``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "Absence",
    "Appointment",
    "Customer",
    "Exempt",
    "Kind",
    "Mode",
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
            raise ValueError("half must be AM or PM")
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


def parse_unavailable(text: str) -> tuple[Unavailability, ...]:
    """Parse ``Mon;Wed-AM`` into unavailabilities (``,`` or ``;`` separated, case-insensitive)."""
    items: list[Unavailability] = []
    for raw in text.replace(",", ";").split(";"):
        token = raw.strip()
        if not token:
            continue
        day, _, half = token.partition("-")
        names = [w.lower() for w in WEEKDAYS]
        if day.lower()[:3] not in names:
            raise ValueError(f"unknown weekday {day!r} in {text!r} (use Mon..Sun, e.g. Mon;Wed-AM)")
        items.append(
            Unavailability(weekday=names.index(day.lower()[:3]), half=half.upper() or None)
        )
    return tuple(items)


class Specialist(Frozen):
    """Integrationsfachkraft (IFK): a case worker with an FTE share (VZÄ) in a team."""

    specialist_id: str = Field(min_length=1)
    team: str = Field(min_length=1)
    fte: float = Field(gt=0, le=1)
    substitute_id: str | None = None
    video: bool = True


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

    @field_validator("mode")
    @classmethod
    def _mode(cls, v: Mode | None) -> Mode | None:
        if v is Mode.phone:
            raise ValueError("a customer's preferred mode is in_person or video")
        return v

    def available(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the customer can attend from ``start`` to ``end`` (RULES.md, unavailability)."""
        return not any(u.blocks(start, end) for u in self.unavailable)


class Slot(Frozen):
    """A free slot in a specialist's calendar (ATV); holds at most one appointment."""

    specialist_id: str = Field(min_length=1)
    start: dt.datetime
    end: dt.datetime
    mode: SlotMode = SlotMode.any

    @model_validator(mode="after")
    def _order(self) -> Slot:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end.date() != self.start.date():
            raise ValueError("a slot must start and end on the same day")
        return self

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def day(self) -> dt.date:
        return self.start.date()


class Absence(Frozen):
    """An absence of a specialist (leave, illness, training), both days inclusive."""

    specialist_id: str = Field(min_length=1)
    first_day: dt.date
    last_day: dt.date
    reason: str | None = None

    @model_validator(mode="after")
    def _order(self) -> Absence:
        if self.last_day < self.first_day:
            raise ValueError("last_day must not be before first_day")
        return self

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

    @model_validator(mode="after")
    def _order(self) -> Appointment:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    @property
    def day(self) -> dt.date:
        return self.start.date()

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_active(self) -> bool:
        """Planned or held: it occupies its slot and the specialist's day."""
        return self.status in (Status.planned, Status.held)


class ScenarioMeta(Frozen):
    """``scenario.toml``: what and when."""

    name: str = Field(min_length=1)
    today: dt.date
    policy: str = "heilbronn-2025"
    region: str = "DE-BW"


def _duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


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

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems: list[str] = []
        for what, ids in (
            ("specialist_id", [s.specialist_id for s in self.specialists]),
            ("customer_id", [c.customer_id for c in self.customers]),
            ("appointment_id", [a.appointment_id for a in self.appointments]),
        ):
            if dup := _duplicates(ids):
                problems.append(f"duplicate {what}: {', '.join(dup[:5])}")
        known = {s.specialist_id for s in self.specialists}
        for s in self.specialists:
            if s.substitute_id is not None and s.substitute_id not in known:
                problems.append(f"specialist {s.specialist_id}: unknown substitute_id")
        customers = {c.customer_id for c in self.customers}
        for rows, name in (
            (self.customers, "customer"),
            (self.slots, "slot"),
            (self.absences, "absence"),
            (self.appointments, "appointment"),
        ):
            for r in rows:
                if r.specialist_id not in known:
                    problems.append(f"{name}: unknown specialist_id {r.specialist_id}")
        for a in self.appointments:
            if a.customer_id not in customers:
                problems.append(f"appointment {a.appointment_id}: unknown customer_id")
        if problems:
            raise ValueError("; ".join(problems[:10]))
        return self

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
    def appointments_by_customer(self) -> dict[str, tuple[Appointment, ...]]:
        """Every appointment row of each customer, in order of start."""
        out: dict[str, list[Appointment]] = {}
        for a in sorted(self.appointments, key=lambda a: a.start):
            out.setdefault(a.customer_id, []).append(a)
        return {k: tuple(v) for k, v in out.items()}
