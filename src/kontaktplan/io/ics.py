"""iCalendar export (RFC 5545): one ``.ics`` file per specialist with their planned appointments.

For importing the plan into a calendar program (Outlook, Thunderbird, the ATV where it
reads iCalendar). Only appointments with status ``planned`` are exported; held, cancelled
and other past rows are history, not dates in anyone's calendar. An event carries the
pseudonymous customer id and nothing else about the person.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from kontaktplan.domain import Appointment, Kind, Scenario, Status
from kontaktplan.io.folder import _swap, _usual_permissions

__all__ = [
    "KIND_LABELS",
    "OFFICE_TZ",
    "UID_DOMAIN",
    "file_names",
    "specialist_calendar",
    "summary",
    "write_ics",
]

OFFICE_TZ = ZoneInfo("Europe/Berlin")
"""The offices' local time: the times in a scenario folder are wall-clock times here."""

UID_DOMAIN = "kontaktplan"
KIND_LABELS = {
    Kind.first_interview: "Erstgespräch",
    Kind.follow_up: "Folgegespräch",
    Kind.group_session: "Gruppenberatung",
    Kind.phone_consultation: "telefonische Beratung",
}
PRODID = "-//kontaktplan//Terminplanung//DE"


def summary(appointment: Appointment) -> str:
    """E.g. ``Folgegespräch (follow_up), in_person``."""
    kind = appointment.kind
    return f"{KIND_LABELS[kind]} ({kind.value}), {appointment.mode.value}"


def _timezone(first: dt.date, last: dt.date) -> icalendar.Timezone:
    # Bounded to the years the calendar spans: the full 1970-2038 table would put ~140
    # transitions into every file.
    return icalendar.Timezone.from_tzinfo(
        OFFICE_TZ,
        tzid=OFFICE_TZ.key,
        first_date=dt.date(first.year, 1, 1),
        last_date=dt.date(last.year + 2, 1, 1),
    )


def _event(appointment: Appointment, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{appointment.appointment_id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.start.replace(tzinfo=OFFICE_TZ))
    event.add("dtend", appointment.end.replace(tzinfo=OFFICE_TZ))
    event.add("summary", summary(appointment))
    event.add("description", f"Kunde (customer_id): {appointment.customer_id}")
    event.add("status", "CONFIRMED")
    return event


def specialist_calendar(scenario: Scenario, specialist_id: str) -> icalendar.Calendar:
    """The specialist's planned appointments as a calendar, ordered by start.

    ``DTSTAMP`` is the planning date at 00:00 UTC, so the same scenario gives the same
    file. The Europe/Berlin ``VTIMEZONE`` is always present, also in an empty calendar
    (RFC 5545 wants at least one component).
    """
    planned = sorted(
        (
            a
            for a in scenario.appointments
            if a.specialist_id == specialist_id and a.status is Status.planned
        ),
        key=lambda a: (a.start, a.appointment_id),
    )
    days = [scenario.today, *(a.day for a in planned)]
    stamp = dt.datetime.combine(scenario.today, dt.time(0), tzinfo=dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Termine {specialist_id}")
    cal.add("x-wr-timezone", OFFICE_TZ.key)
    cal.add_component(_timezone(min(days), max(days)))
    for a in planned:
        cal.add_component(_event(a, stamp))
    return cal


def write_ics(scenario: Scenario, folder: str | Path) -> dict[str, int]:
    """Write ``<specialist_id>.ics`` for every specialist into ``folder``, all or nothing.

    Returns the number of events per file name. The files are written to a temporary
    folder that then replaces ``folder``. An existing ``folder`` that holds anything but
    ``.ics`` files is left alone (:class:`FileExistsError`): an export must never delete
    other work.
    """
    folder = Path(folder).resolve()
    if folder.exists():
        foreign = sorted(
            p.name for p in folder.iterdir() if not (p.is_file() and p.suffix == ".ics")
        )
        if not folder.is_dir() or foreign:
            what = ", ".join(foreign[:3]) if folder.is_dir() else "a file"
            raise FileExistsError(
                f"{folder} exists and holds other files than .ics ({what}); "
                "choose a new or an earlier export folder"
            )
    files = {
        name: specialist_calendar(scenario, sid)
        for sid, name in file_names(s.specialist_id for s in scenario.specialists).items()
    }
    _replace_folder(folder, {name: cal.to_ical() for name, cal in files.items()})
    return {name: len(cal.walk("VEVENT")) for name, cal in files.items()}


def file_names(specialist_ids: Iterable[str]) -> dict[str, str]:
    """``<specialist_id>.ics`` per specialist; characters unsafe in a file name become ``_``.

    Ids are opaque strings; one with ``/`` or a leading dot must not escape the folder.
    Two ids that look alike once made safe get ``-2``, ``-3`` ... appended.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for sid in specialist_ids:
        stem = re.sub(r"[^\w.-]", "_", sid)
        stem = "_" + stem[1:] if stem.startswith(".") else stem
        name, n = f"{stem}.ics", 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}.ics"
        taken.add(name.lower())
        out[sid] = name
    return out


def _replace_folder(folder: Path, files: dict[str, bytes]) -> None:
    # write_scenario's scheme: a temporary folder swapped in (the old one put back if the
    # swap fails); its helpers are private to io.folder, which only writes scenario files.
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        _usual_permissions(tmp)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        _swap(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
