"""Small factory helpers that build scenarios in code, for hand-worked test cases."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Kind,
    Mode,
    Scenario,
    ScenarioMeta,
    Slot,
    Specialist,
    Status,
)
from kontaktplan.rules.policy import models_dir

TODAY = dt.date(2026, 11, 23)  # a Monday; the first plannable Monday is 2026-12-07
MONDAY = dt.date(2026, 12, 7)


def specialist(sid: str = "S1", team: str = "T1", fte: float = 1.0, **kw) -> Specialist:
    return Specialist(specialist_id=sid, team=team, fte=fte, **kw)


def customer(
    cid: str,
    sid: str = "S1",
    category: str = "K1",
    *,
    last: dt.date | None = dt.date(2026, 8, 1),
    unemployed: bool = True,
    under_25: bool = False,
    **kw,
) -> Customer:
    return Customer(
        customer_id=cid,
        specialist_id=sid,
        category=category,
        unemployed=unemployed,
        under_25=under_25,
        last_contact=last,
        **kw,
    )


def slot(day: dt.date, hour: int, minute: int = 0, length: int = 60, sid: str = "S1", **kw) -> Slot:
    start = dt.datetime.combine(day, dt.time(hour, minute))
    return Slot(specialist_id=sid, start=start, end=start + dt.timedelta(minutes=length), **kw)


def day_slots(day: dt.date, n: int, sid: str = "S1", length: int = 60, first_hour: int = 8):
    """``n`` back-to-back slots of ``length`` minutes from ``first_hour``."""
    out = []
    start = dt.datetime.combine(day, dt.time(first_hour))
    for _ in range(n):
        out.append(Slot(specialist_id=sid, start=start, end=start + dt.timedelta(minutes=length)))
        start += dt.timedelta(minutes=length)
    return out


def week(monday: dt.date = MONDAY, days: int = 5) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(days)]


def scenario(
    specialists: list[Specialist],
    customers: list[Customer],
    slots: list[Slot],
    absences: list[Absence] = (),
    appointments: list[Appointment] = (),
    *,
    today: dt.date = TODAY,
    policy: str = "heilbronn-2025",
) -> Scenario:
    return Scenario(
        meta=ScenarioMeta(name="test", today=today, policy=policy),
        specialists=tuple(specialists),
        customers=tuple(customers),
        slots=tuple(slots),
        absences=tuple(absences),
        appointments=tuple(appointments),
    )


_appointment_ids = itertools.count(1)


def appointment(
    cid: str,
    day: dt.date,
    hour: int,
    minute: int = 0,
    *,
    minutes: int = 45,
    sid: str = "S1",
    kind: Kind = Kind.follow_up,
    mode: Mode = Mode.in_person,
    status: Status = Status.planned,
    booked_on: dt.date | None = TODAY,
    appointment_id: str | None = None,
    **kw,
) -> Appointment:
    """An appointment; by default a new 45-minute in-person follow-up booked today."""
    start = dt.datetime.combine(day, dt.time(hour, minute))
    return Appointment(
        appointment_id=appointment_id or f"A{next(_appointment_ids)}",
        customer_id=cid,
        specialist_id=sid,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        kind=kind,
        mode=mode,
        status=status,
        booked_on=booked_on,
        **kw,
    )


def policy_file_beside(folder: Path, name: str = "office.toml") -> str:
    """Make ``folder``'s scenario.toml name a policy file ``name`` beside it (a copy of
    heilbronn-2025); the file's text."""
    meta = (folder / "scenario.toml").read_text(encoding="utf-8")
    line = next(line for line in meta.splitlines() if line.startswith("policy"))
    rules = (models_dir() / "heilbronn-2025.toml").read_text(encoding="utf-8")
    (folder / name).write_text(rules, encoding="utf-8")
    (folder / "scenario.toml").write_text(meta.replace(line, f'policy = "{name}"'))
    return rules
