"""The web app's login, sessions, roles, CSRF and hostile input, with FastAPI's test client
on a real SQLite workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import TODAY, appointment, customer
from kontaktplan.domain import Status
from kontaktplan.web.auth import LoginLimiter
from web_office import (  # noqa: F401  (cheap_argon2: an autouse fixture)
    cheap_argon2,
    client,
    login,
    office,
    rows,
    token,
    workspace,
)


@pytest.fixture
def ws(tmp_path):
    return workspace(tmp_path / "office.db")


@pytest.fixture
def c(ws):
    return client(ws)


# --- login, sessions, roles -----------------------------------------------------------
def test_a_page_without_session_gets_the_login_page_and_the_api_401(c):
    r = c.get("/board", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/api/board").status_code == 401
    assert c.post("/api/cancel", json={"appointment_id": "A1", "version": 1}).status_code == 401


def test_login_sets_an_httponly_samesite_cookie_with_expiry(c):
    r = c.post("/login", data={"name": "pia", "password": "richtig-geheim"}, follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=36000" in cookie
    assert "Wochenübersicht" in c.get("/board").text


def test_failed_logins_are_rate_limited_and_the_right_password_then_waits(c):
    for _ in range(5):
        r = c.post("/login", data={"name": "pia", "password": "falsch"})
        assert r.status_code == 401
    r = c.post("/login", data={"name": "pia", "password": "richtig-geheim"})
    assert r.status_code == 429 and "Fehlversuche" in r.text
    assert c.post("/api/token", json={"name": "pia", "password": "x"}).status_code == 429
    # another name from the same address is not locked
    assert (
        c.post("/api/token", json={"name": "tom", "password": "richtig-geheim"}).status_code == 200
    )


def test_logout_ends_the_session(c):
    csrf = login(c, "pia")
    c.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert c.get("/board", follow_redirects=False).status_code == 303


WRITES = [
    ("/cancel", {"id": "A1", "version": "1"}),
    ("/noshow", {"id": "N1", "version": "1"}),
    ("/day-results", {"specialist": "S3", "day": "2026-11-23", "version": "1"}),
    ("/absence", {"specialist": "S1", "first": "07.12.2026", "last": "07.12.2026", "version": "1"}),
    ("/book", {"customer": "C3", "start": "2026-12-07T09:00", "version": "1"}),
    ("/plan", {"weeks": "1"}),
]


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_a_viewer_gets_403_on_every_change_and_nothing_changes(ws, c, path, data):
    csrf = login(c, "vera")
    r = c.post(path, data={**data, "csrf": csrf})
    assert r.status_code == 403 and "Nur Lesezugriff" in r.text
    assert ws.version() == 1


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_a_change_without_csrf_token_gets_403(ws, c, path, data):
    login(c, "pia")
    assert c.post(path, data=data).status_code == 403
    assert c.post(path, data={**data, "csrf": "forged"}).status_code == 403
    assert ws.version() == 1


def test_a_viewer_gets_403_in_the_api_too(ws, c):
    h = token(c, "vera")
    assert c.get("/api/board", headers=h).status_code == 200
    for path, body in [
        ("/api/cancel", {"appointment_id": "A1", "version": 1}),
        ("/api/noshow", {"appointment_id": "N1", "version": 1}),
        ("/api/status", {"appointment_id": "N1", "version": 1, "status": "held"}),
        ("/api/plan", {"weeks": 1}),
        ("/api/undo/1", None),
    ]:
        assert c.post(path, json=body, headers=h).status_code == 403, path
    assert ws.version() == 1


# --- hostile input ------------------------------------------------------------------------
HOSTILE_CUSTOMER = "<script>alert(1)</script>"
HOSTILE_ID = '"><img src=x onerror=alert(1)>'


def test_hostile_ids_are_shown_as_text(tmp_path):
    sc = office(
        customer(HOSTILE_CUSTOMER),
        extra_appointments=[
            appointment(
                HOSTILE_CUSTOMER,
                TODAY,
                14,
                appointment_id=HOSTILE_ID,
                booked_on=dt.date(2026, 11, 10),
            )
        ],
    )
    c = client(workspace(tmp_path / "h.db", sc, any_ids=True))
    login(c, "pia")
    page = c.get("/day", params={"specialist": "S1", "day": "2026-11-23"}).text
    assert HOSTILE_CUSTOMER not in page and HOSTILE_ID not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    preview = c.get("/cancel", params={"id": HOSTILE_ID}).text
    assert HOSTILE_ID not in preview and "<img" not in preview


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=40))
def test_any_id_in_an_action_answers_without_a_server_error_and_escaped(c, text):
    if "kp_session" not in c.cookies:
        login(c, "pia")
    r = c.get("/cancel", params={"id": text})
    assert r.status_code in (200, 400, 404)
    if "<" in text:
        assert text not in r.text


def test_htmx_sends_the_csrf_token_as_header_and_that_is_enough(ws, c):
    csrf = login(c, "pia")
    r = c.post(
        "/noshow",
        data={"id": "N1", "version": "1"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert r.status_code == 200 and rows(ws)["N1"].status is Status.no_show


def test_htmx_request_without_session_is_sent_to_the_login_page(c):
    r = c.get(
        "/day", params={"specialist": "S1", "day": "2026-11-23"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 401 and r.headers["HX-Redirect"] == "/login"


def test_a_planner_may_not_hand_over_or_undo_on_the_pages(ws, c):
    csrf = login(c, "pia")
    r = c.post("/handover", data={"csrf": csrf, "id": "A1", "specialist": "S3", "version": "1"})
    assert r.status_code == 403 and "Teamleitung" in r.text
    assert c.post("/undo/1", data={"csrf": csrf}).status_code == 403


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=30), password=st.text(max_size=30))
def test_any_other_name_or_password_is_refused_without_a_server_error(c, name, password):
    c.app.state.limiter = LoginLimiter()  # this property is not about the limit
    r = c.post("/login", data={"name": name, "password": password}, follow_redirects=False)
    if (name, password) == ("pia", "richtig-geheim"):
        assert r.status_code == 303
    else:
        assert r.status_code in (401, 422) and "set-cookie" not in r.headers


def test_the_login_limit_counts_per_name_and_address_and_forgets_after_a_success():
    limit = LoginLimiter(max_failures=3, window=60)
    for _ in range(3):
        assert limit.blocked_for("pia", "10.0.0.1") == 0
        limit.failed("pia", "10.0.0.1")
    assert 0 < limit.blocked_for("pia", "10.0.0.1") <= 60
    assert limit.blocked_for("pia", "10.0.0.2") == 0 and limit.blocked_for("tom", "10.0.0.1") == 0
    limit.succeeded("pia", "10.0.0.1")
    assert limit.blocked_for("pia", "10.0.0.1") == 0


def test_log_times_are_shown_in_berlin_time_and_dates_as_tt_mm_jjjj():
    from kontaktplan.web.app import de_date, de_stamp

    assert de_stamp(dt.datetime(2026, 12, 1, 8, 0)) == "01.12.2026 09:00"  # CET
    assert de_stamp(dt.datetime(2026, 7, 1, 8, 0)) == "01.07.2026 10:00"  # CEST
    assert de_date(dt.date(2026, 3, 9)) == de_date("2026-03-09") == "09.03.2026"


def test_pages_load_nothing_from_the_internet(c):
    login(c, "pia")
    js = c.get("/static/htmx.min.js")
    assert js.status_code == 200 and js.text.startswith("var htmx")
    for path in ("/board", "/absence", "/find", "/plan", "/lists", "/log", "/api/docs"):
        page = c.get(path).text
        assert "http://" not in page and "https://" not in page, path
    assert "script-src 'self'" in c.get("/board").headers["Content-Security-Policy"]
