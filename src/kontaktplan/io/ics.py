"""iCalendar export (RFC 5545): one ``.ics`` file per specialist, carrying the changes.

For importing the plan into a calendar program (Outlook, Thunderbird, a CalDAV server, the
ATV where it reads iCalendar). Each appointment row is one event with a stable ``UID``
(its ``appointment_id`` and the office's key), so a later export *replaces* the event a
calendar already holds instead of adding a second one:

- planned appointments are ``STATUS:CONFIRMED``;
- cancelled and voided ones stay in the file as ``STATUS:CANCELLED`` (a calendar that
  imported them before shows them as cancelled), and so do appointments handed over to
  another specialist, in the calendar of the one they were taken from;
- a replacement (backfill, re-invitation, a moved booking) is a new row, so a new event;
- ``SEQUENCE`` counts the changes a row went through, derived from the row itself: one for
  a hand-over (``reassigned_from``), one for an outcome or cancellation (status other than
  planned); the cancelled copy in the calendar a row was handed over from counts one more,
  so it rises above the confirmed event that calendar held (also along a chain of
  hand-overs S1 → S2 → S3). The product never moves a row in place (a move voids the row
  and books a new one), so these are all the changes a row can carry. The one change the
  row cannot show is a hand-over *back* to a specialist it was taken from: that calendar
  gets the confirmed event with a lower ``SEQUENCE`` than its cancelled copy (a CalDAV
  upload replaces it all the same; a program that imports files may keep the copy).

Rows other than planned are history once their week is over: the file holds every planned
row and the other rows from the Monday of the planning date's week on. An event carries
the pseudonymous customer id and nothing else about the person.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from kontaktplan.domain import Appointment, Scenario, Status
from kontaktplan.i18n import Lang, translator
from kontaktplan.io.output import Target, calendar_folder, commit

__all__ = [
    "OFFICE_TZ",
    "UID_DOMAIN",
    "event_uid",
    "file_names",
    "office_key",
    "sequence",
    "specialist_calendar",
    "summary",
    "write_ics",
]

OFFICE_TZ = ZoneInfo("Europe/Berlin")
"""The offices' local time: the times in a scenario folder are wall-clock times here."""

UID_DOMAIN = "kontaktplan"
PRODID = "-//kontaktplan//Terminplanung//DE"
CANCELLED = frozenset({Status.cancelled, Status.voided})


def office_key(scenario: Scenario) -> str:
    """The office's part of every UID: its scenario name, folded to ``a-z0-9-``.

    Two offices may both have an appointment ``A1``; their events must not replace each
    other in a shared calendar server. The name stays the same through every command.
    """
    folded = unicodedata.normalize("NFKD", scenario.meta.name)
    key = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode().lower())
    return key.strip("-") or "office"


def event_uid(appointment: Appointment, office: str) -> str:
    """``<appointment_id>.<office>@kontaktplan``: the same row, the same UID in every export."""
    return f"{appointment.appointment_id}.{office}@{UID_DOMAIN}"


def sequence(appointment: Appointment, handed_over: bool = False) -> int:
    """Changes the row went through: a hand-over, and an outcome or cancellation; one more
    for the cancelled copy in the calendar of the specialist it was handed over from."""
    changes = int(appointment.reassigned_from is not None) + int(
        appointment.status is not Status.planned
    )
    return changes + int(handed_over)


def summary(appointment: Appointment, lang: Lang = "en", handed_over: bool = False) -> str:
    """E.g. ``C12: Folgegespräch, vor Ort``; a cancelled one starts with its status."""
    t = translator(lang)
    text = t(
        "ics.summary",
        customer=appointment.customer_id,
        kind=t(f"kind.{appointment.kind.value}"),
        mode=t(f"mode.{appointment.mode.value}"),
    )
    if handed_over:
        return f"[{t('ics.handed_over', specialist=appointment.specialist_id)}] {text}"
    if appointment.status is not Status.planned:
        return f"[{t(f'status.{appointment.status.value}')}] {text}"
    return text


def _description(appointment: Appointment, lang: Lang, handed_over: bool) -> str:
    t = translator(lang)
    lines = [t("ics.customer", customer=appointment.customer_id)]
    if handed_over:
        lines.append(t("ics.handed_over", specialist=appointment.specialist_id))
    elif appointment.reassigned_from is not None:
        lines.append(t("ics.reassigned", specialist=appointment.reassigned_from))
    if appointment.backfill_for is not None:
        lines.append(t("ics.backfill", appointment=appointment.backfill_for))
    if appointment.status is not Status.planned:
        lines.append(t("ics.status", status=t(f"status.{appointment.status.value}")))
    return "\n".join(lines)


def _timezone(first: dt.date, last: dt.date) -> icalendar.Timezone:
    # Bounded to the years the calendar spans: the full 1970-2038 table would put ~140
    # transitions into every file.
    return icalendar.Timezone.from_tzinfo(
        OFFICE_TZ,
        tzid=OFFICE_TZ.key,
        first_date=dt.date(first.year, 1, 1),
        last_date=dt.date(last.year + 2, 1, 1),
    )


def _event(
    appointment: Appointment, office: str, stamp: dt.datetime, lang: Lang, handed_over: bool
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", event_uid(appointment, office))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence(appointment, handed_over))
    event.add("dtstart", appointment.start.replace(tzinfo=OFFICE_TZ))
    event.add("dtend", appointment.end.replace(tzinfo=OFFICE_TZ))
    event.add("summary", summary(appointment, lang, handed_over))
    event.add("description", _description(appointment, lang, handed_over))
    cancelled = handed_over or appointment.status in CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _calendar_rows(scenario: Scenario) -> dict[str, list[tuple[Appointment, bool]]]:
    """Per specialist the rows of their calendar, with ``True`` for one handed over from them."""
    since = scenario.today - dt.timedelta(days=scenario.today.weekday())
    rows: dict[str, list[tuple[Appointment, bool]]] = {}
    for a in scenario.appointments:
        if a.status is Status.planned or a.day >= since:
            rows.setdefault(a.specialist_id, []).append((a, False))
            if a.reassigned_from not in (None, a.specialist_id):
                rows.setdefault(a.reassigned_from, []).append((a, True))
    return rows


def specialist_calendar(
    scenario: Scenario,
    specialist_id: str,
    lang: Lang = "en",
    rows: list[tuple[Appointment, bool]] | None = None,
) -> icalendar.Calendar:
    """The specialist's calendar: planned rows, and this week's and later changed ones.

    ``DTSTAMP`` is the planning date at 00:00 UTC, so the same scenario gives the same
    file. The Europe/Berlin ``VTIMEZONE`` is always present, also in an empty calendar
    (RFC 5545 wants at least one component).
    """
    if rows is None:
        rows = _calendar_rows(scenario).get(specialist_id, [])
    rows = sorted(rows, key=lambda r: (r[0].start, r[0].appointment_id))
    office = office_key(scenario)
    days = [scenario.today, *(a.day for a, _ in rows)]
    stamp = dt.datetime.combine(scenario.today, dt.time(0), tzinfo=dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", translator(lang)("ics.calendar", specialist=specialist_id))
    cal.add("x-wr-timezone", OFFICE_TZ.key)
    cal.add_component(_timezone(min(days), max(days)))
    for a, handed_over in rows:
        cal.add_component(_event(a, office, stamp, lang, handed_over))
    return cal


def write_ics(
    scenario: Scenario,
    folder: str | Path,
    lang: Lang = "en",
    target: Target | None = None,
) -> dict[str, dict[str, int]]:
    """Write ``<specialist_id>.ics`` for every specialist into ``folder``, all or nothing.

    Returns per file name the number of confirmed and of cancelled events. ``target`` is
    the folder as checked before the work (:func:`kontaktplan.io.output.calendar_folder`;
    without it, ``folder`` is checked now): a folder holding anything but ``.ics`` files is
    left alone (:class:`~kontaktplan.io.output.OutputError`), an export must never delete
    other work. The files are committed like a scenario folder's
    (:func:`kontaktplan.io.output.commit`): under a lock, through a journal that the next
    export finishes if this one is cut off; ``.ics`` files of specialists no longer in the
    scenario are deleted.
    """
    if target is None:
        target = calendar_folder(Path(folder))
    rows = _calendar_rows(scenario)
    files = {
        name: specialist_calendar(scenario, sid, lang, rows.get(sid, []))
        for sid, name in file_names(s.specialist_id for s in scenario.specialists).items()
    }
    commit(target, {name: cal.to_ical() for name, cal in files.items()})
    return {name: _counts(cal) for name, cal in files.items()}


def _counts(cal: icalendar.Calendar) -> dict[str, int]:
    statuses = [str(e["STATUS"]) for e in cal.walk("VEVENT")]
    cancelled = statuses.count("CANCELLED")
    return {"confirmed": len(statuses) - cancelled, "cancelled": cancelled}


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
