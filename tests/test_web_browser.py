"""The web app in a real browser: Playwright driving Debian's Chromium against uvicorn
serving a real SQLite workspace; each flow is checked on the page and in the store.

Skipped (with the reason) only when /usr/bin/chromium is missing (`apt-get install -y
chromium`; `.ci/run` installs it).
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import pytest

from kontaktplan.domain import Status
from kontaktplan.validation import validate
from language import foreign_in
from web_office import (  # noqa: F401  (cheap_argon2: an autouse fixture)
    PASSWORD,
    POLICY,
    cheap_argon2,
    rows,
    workspace,
)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install -y chromium)"
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """The app on the test office, served by uvicorn in a thread: (workspace, base URL)."""
    import uvicorn

    from kontaktplan.web import create_app

    ws = workspace(tmp_path / "office.db")
    port = _free_port()
    config = uvicorn.Config(
        create_app(ws, plan_time_limit=2.0), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield ws, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


def _login(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/board")


def _ok_against(ws, before) -> None:
    report = validate(ws.snapshot().scenario, POLICY, previous=before)
    assert report.ok, [str(v) for v in report.violations]


def test_login_board_cancel_and_book_the_proposed_backfill(served, page):
    ws, base = served
    before = ws.snapshot().scenario
    _login(page, base, "pia")
    page.goto(f"{base}/board?team=T1&week=07.12.2026")
    cell = page.locator('a[data-cell="S1|2026-12-07"]')
    assert cell.locator(".count").inner_text() == "1"
    assert "Abwesend" in page.locator('a[data-cell="S2|2026-12-07"]').inner_text()
    cell.click()
    page.get_by_role("button", name="Absage").click()
    page.get_by_text("überfällig seit 01.11.2026").first.wait_for()
    page.get_by_role("button", name="Absage erfassen und C2 einladen").click()
    page.locator(".result").wait_for()
    assert "nachbesetzt" in page.locator(".result").inner_text()
    got = rows(ws)
    assert got["A1"].status is Status.cancelled
    [new] = [a for a in got.values() if a.backfill_for == "A1"]
    assert (new.customer_id, new.start) == ("C2", dt.datetime(2026, 12, 7, 8))
    _ok_against(ws, before)
    assert ws.events(command="cancel")[0].actor == "pia"


def test_noshow_calls_the_standby_customer(served, page):
    ws, base = served
    before = ws.snapshot().scenario
    _login(page, base, "pia")
    page.goto(f"{base}/board?team=T1&week=23.11.2026")
    page.locator('a[data-cell="S1|2026-11-23"]').click()
    page.get_by_role("button", name="Nicht erschienen").click()
    assert "C2" in page.locator("ol.standby li").first.inner_text()
    page.get_by_role("button", name="Nicht erschienen erfassen und C2 anrufen").click()
    page.locator(".result").wait_for()
    text = page.locator(".result").inner_text()
    assert "Telefonberatung (Standby)" in text and "neu eingeladen" in text
    got = rows(ws)
    assert got["N1"].status is Status.no_show
    assert any(
        a.customer_id == "C2" and a.start == dt.datetime(2026, 11, 23, 10) for a in got.values()
    )
    _ok_against(ws, before)


def test_absence_then_the_team_lead_accepts_the_proposal(served, page):
    ws, base = served
    before = ws.snapshot().scenario
    _login(page, base, "tom")
    page.goto(f"{base}/absence")
    page.select_option("select[name=specialist]", "S1")
    page.fill("input[name=first]", "07.12.2026")
    page.fill("input[name=last]", "07.12.2026")
    page.get_by_role("button", name="Eintragen und Termine übergeben").click()
    page.locator(".result").wait_for()
    assert "An die Teamleitung (1)" in page.locator(".result").inner_text()
    page.goto(f"{base}/absence")
    page.get_by_role("button", name="an S3 übergeben").click()
    page.locator(".result").wait_for()
    assert "übergeben" in page.locator(".result").inner_text()
    a1 = rows(ws)["A1"]
    assert (a1.specialist_id, a1.reassigned_from) == ("S3", "S1")
    _ok_against(ws, before)


def test_plan_a_draft_week_look_at_it_and_publish(served, page):
    ws, base = served
    before = ws.snapshot().scenario
    version = ws.version()
    _login(page, base, "pia")
    page.goto(f"{base}/plan")
    page.get_by_role("button", name="Woche planen").click()
    page.get_by_text("Entwurf fertig").wait_for(timeout=60_000)
    assert ws.version() == version  # a draft writes nothing
    page.get_by_role("link", name="Entwurf auf der Wochenübersicht ansehen").click()
    page.locator(".draft-banner").wait_for()
    drafted = int(page.locator('a[data-cell="S1|2026-12-07"] .count').inner_text())
    assert drafted == 2  # A1 and the overdue C2 in the 09:00 slot
    page.goto(f"{base}/plan")
    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("Veröffentlicht").wait_for()
    assert ws.version() == version + 1
    new = [
        a
        for a in rows(ws).values()
        if a.appointment_id not in {b.appointment_id for b in before.appointments}
    ]
    assert any(a.customer_id == "C2" and a.start == dt.datetime(2026, 12, 7, 9) for a in new)
    _ok_against(ws, before)
    page.goto(f"{base}/board?team=T1&week=07.12.2026")
    assert page.locator('a[data-cell="S1|2026-12-07"] .count').inner_text() == "2"


def test_a_viewer_sees_no_change_buttons_and_hostile_text_stays_text(served, page):
    _ws, base = served
    _login(page, base, "vera")
    page.goto(f"{base}/board?team=T1&week=23.11.2026")
    page.locator('a[data-cell="S1|2026-11-23"]').click()
    page.locator("#day-panel").wait_for()
    assert page.get_by_role("button", name="Absage").count() == 0
    page.goto(f"{base}/find?customer=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert page.locator("img").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.locator("p.error").inner_text()


def test_a_refused_action_shows_why_on_the_page_in_german(served, page):
    """htmx swaps a 4xx answer too: the planner reads why nothing was saved (issue 12.13:
    in German), here a change made meanwhile at the same specialist."""
    from kontaktplan.web import actions
    from kontaktplan.web.auth import User

    ws, base = served
    _login(page, base, "pia")
    page.goto(f"{base}/board?team=T1&week=07.12.2026")
    page.locator('a[data-cell="S1|2026-12-07"]').click()
    page.get_by_role("button", name="Absage").click()
    page.get_by_text("überfällig seit 01.11.2026").first.wait_for()
    actions.do_status(ws, User("tom", "teamlead"), 1, "N1", "held")  # S1 changes meanwhile
    page.get_by_role("button", name="Absage erfassen und C2 einladen").click()
    message = page.locator(".message.conflict")
    message.wait_for()
    text = message.inner_text()
    assert "Konflikt: Fachkraft S1 wurde von tom um" in text and "(Ereignis 2)" in text
    assert foreign_in(text, "de") == []
    assert rows(ws)["A1"].status is Status.planned
