"""The calendar files against a real CalDAV server (Radicale on localhost).

A calendar client imports an ``.ics`` file event by event, each stored under its UID; a
later import of the changed file must update those events in place. Here: the demo
office's export is uploaded, a customer cancels (with a backfill), the new export is
uploaded the same way, and the server must hold the cancelled event as cancelled, the
backfill as a new event, and no duplicate or stale one. Likewise for an absence: the
handed-over events are cancelled in the absent specialist's calendar and confirmed in the
colleague's. The server is started by the fixture; the test skips only if it cannot start.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.io import read_scenario

DEMO = Path(__file__).parents[1] / "scenarios" / "demo"
QUERY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    b"<D:prop><C:calendar-data/></D:prop>"
    b'<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/>'
    b"</C:comp-filter></C:filter></C:calendar-query>"
)


def http(method: str, url: str, body: bytes | None = None, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture
def caldav(tmp_path):
    """A Radicale server on a free localhost port, no auth, storage in a temp folder."""
    pytest.importorskip("radicale", reason="Radicale (CalDAV server) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "radicale.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--rights-type",
            "authenticated",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if server.poll() is not None:
                break
            try:
                http("GET", base + "/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            server.poll()
        if server.returncode is not None or server.poll() is not None:
            tail = (tmp_path / "radicale.log").read_text()[-400:]
            pytest.skip(f"Radicale could not start on 127.0.0.1:{port}: {tail}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def upload(base: str, folder: Path, specialist: str) -> None:
    """Import the specialist's calendar file as a client does: one resource per event, named
    by its UID, so an event of the same UID is replaced."""
    if http("PROPFIND", f"{base}/office/", Depth="0")[0] == 404:
        assert http("MKCOL", f"{base}/office/")[0] == 201
    for path in [folder / f"{specialist}.ics"]:
        collection = f"{base}/office/{path.stem}/"
        if http("PROPFIND", collection, Depth="0")[0] == 404:
            assert http("MKCALENDAR", collection)[0] == 201
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        timezones = cal.walk("VTIMEZONE")
        for event in cal.walk("VEVENT"):
            single = icalendar.Calendar()
            for key in ("PRODID", "VERSION", "CALSCALE"):
                single[key] = cal[key]
            for tz in timezones:
                single.add_component(tz)
            single.add_component(event)
            name = hashlib.sha256(str(event["UID"]).encode()).hexdigest()[:32]
            status, body = http(
                "PUT",
                f"{collection}{name}.ics",
                single.to_ical(),
                **{"Content-Type": "text/calendar"},
            )
            assert status in (201, 204), body


def server_events(base: str, specialist: str) -> list[icalendar.Event]:
    status, body = http(
        "REPORT",
        f"{base}/office/{specialist}/",
        QUERY,
        Depth="1",
        **{"Content-Type": "application/xml"},
    )
    assert status == 207, body
    text = body.decode()
    events = []
    for chunk in text.split("BEGIN:VCALENDAR")[1:]:
        data = "BEGIN:VCALENDAR" + chunk.split("END:VCALENDAR")[0] + "END:VCALENDAR\r\n"
        data = data.replace("&#13;", "\r")
        events += icalendar.Calendar.from_ical(data).walk("VEVENT")
    return events


def export(folder: Path, out: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "ics", str(folder), "--out", str(out), "--lang", "de", "-q"]
    )
    assert result.exit_code == 0, result.output


def test_server_holds_the_cancellation_and_the_backfill_without_duplicates(caldav, tmp_path):
    folder = tmp_path / "office"
    shutil.copytree(DEMO, folder)
    first = read_scenario(folder).scenario
    victim = min(
        (
            a
            for a in first.appointments
            if a.status == "planned" and (a.day - first.today).days >= 7
        ),
        key=lambda a: (a.start, a.appointment_id),
    )
    sid = victim.specialist_id
    export(folder, tmp_path / "ics1")
    upload(caldav, tmp_path / "ics1", sid)
    before = {str(e["UID"]): e for e in server_events(caldav, sid)}
    victim_uid = f"{victim.appointment_id}.demo@kontaktplan"
    assert str(before[victim_uid]["STATUS"]) == "CONFIRMED"

    result = CliRunner().invoke(
        app, ["cancel", str(folder), victim.appointment_id, "--out", str(folder), "-q"]
    )
    assert result.exit_code == 0, result.output
    changed = read_scenario(folder).scenario
    backfill = next(a for a in changed.appointments if a.backfill_for == victim.appointment_id)
    export(folder, tmp_path / "ics2")
    upload(caldav, tmp_path / "ics2", sid)

    events = server_events(caldav, sid)
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "a duplicate event on the server"
    after = dict(zip(uids, events, strict=True))
    backfill_uid = f"{backfill.appointment_id}.demo@kontaktplan"
    assert set(after) == set(before) | {backfill_uid}
    cancelled = after[victim_uid]
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 1)
    assert str(after[backfill_uid]["STATUS"]) == "CONFIRMED"
    assert after[backfill_uid].start == cancelled.start
    assert str(after[backfill_uid]["SUMMARY"]).startswith(f"{backfill.customer_id}: ")
    # no stale event: every event on the server is as the latest file says
    latest = {
        str(e["UID"]): e
        for e in icalendar.Calendar.from_ical((tmp_path / "ics2" / f"{sid}.ics").read_bytes()).walk(
            "VEVENT"
        )
    }
    assert set(latest) == set(after)
    for u, e in after.items():
        assert (str(e["STATUS"]), int(e["SEQUENCE"]), e.start, str(e["SUMMARY"])) == (
            str(latest[u]["STATUS"]),
            int(latest[u]["SEQUENCE"]),
            latest[u].start,
            str(latest[u]["SUMMARY"]),
        )
    # at the freed time exactly one event is not cancelled: the backfill
    at_time = [e for e in events if e.start == cancelled.start and str(e["STATUS"]) != "CANCELLED"]
    assert [str(e["UID"]) for e in at_time] == [backfill_uid]


def test_server_moves_handed_over_events_to_the_colleague_calendar(caldav, tmp_path):
    folder = tmp_path / "office"
    shutil.copytree(DEMO, folder)
    first = read_scenario(folder).scenario
    day = min(a.day for a in first.appointments if a.status == "planned")
    absent = min(a.specialist_id for a in first.appointments if a.day == day)
    export(folder, tmp_path / "ics1")
    args = ["absence", str(folder), absent, "--from", f"{day:%d.%m.%Y}", "--to", f"{day:%d.%m.%Y}"]
    result = CliRunner().invoke(app, [*args, "--out", str(folder), "-q"])
    assert result.exit_code == 0, result.output
    changed = read_scenario(folder).scenario
    moved = [a for a in changed.appointments if a.reassigned_from == absent and a.day == day]
    assert moved, "the absence handed nothing over"
    export(folder, tmp_path / "ics2")
    # the calendars the absence touched: first as they were, then the changed ones
    involved = sorted({absent, *(a.specialist_id for a in moved)})
    for export_folder in (tmp_path / "ics1", tmp_path / "ics2"):
        for sid in involved:
            upload(caldav, export_folder, sid)

    server = {sid: {str(e["UID"]): e for e in server_events(caldav, sid)} for sid in involved}
    for a in moved:
        u = f"{a.appointment_id}.demo@kontaktplan"
        assert str(server[absent][u]["STATUS"]) == "CANCELLED"
        assert str(server[a.specialist_id][u]["STATUS"]) == "CONFIRMED"
        assert server[a.specialist_id][u].start == server[absent][u].start
        assert int(server[absent][u]["SEQUENCE"]) > int(server[a.specialist_id][u]["SEQUENCE"]) > 0
        assert sorted(sid for sid in involved if u in server[sid]) == sorted(
            {absent, a.specialist_id}
        )
    # what stays with the absent specialist (for the team lead) is still confirmed there
    for a in changed.appointments:
        if a.specialist_id == absent and a.day == day and a.status == "planned":
            u = f"{a.appointment_id}.demo@kontaktplan"
            assert str(server[absent][u]["STATUS"]) == "CONFIRMED"
