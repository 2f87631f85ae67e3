"""Who is asking, and may they change things: the dependencies of pages and API."""

from __future__ import annotations

from fastapi import HTTPException, Request

from kontaktplan.web import auth


class LoginRequired(Exception):
    """A page without a session: to the login page."""


COOKIE = "kp_session"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token else None


def session(request: Request) -> auth.Session | None:
    """The cookie session of a page, or the bearer token of an API call."""
    ws = request.app.state.ws
    if (token := _bearer(request)) is not None:
        return auth.session_of(ws, token, "token")
    return auth.session_of(ws, request.cookies.get(COOKIE), "cookie")


def page_user(request: Request) -> auth.Session:
    """A page needs a session; without one, the login page."""

    s = session(request)
    if s is None:
        raise LoginRequired()
    return s


def api_user(request: Request) -> auth.Session:
    s = session(request)
    if s is None:
        raise HTTPException(401, "Anmeldung nötig", headers={"WWW-Authenticate": "Bearer"})
    return s


async def check_csrf(request: Request, s: auth.Session) -> None:
    """403 for a cookie request without the session's CSRF token (header ``X-CSRF-Token``,
    as htmx sends it, or form field ``csrf``); a bearer token needs none."""
    if s.kind != "cookie":
        return
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("csrf")
    if not auth.csrf_ok(s, sent if isinstance(sent, str) else None):
        raise HTTPException(403, "CSRF-Token fehlt oder ist ungültig; Seite neu laden")


async def check_write(request: Request, s: auth.Session, *, teamlead: bool = False) -> None:
    """403 for a viewer (or a planner where a team lead is needed) and for a cookie
    request without the session's CSRF token."""
    await check_csrf(request, s)
    if not s.user.can_change:
        raise HTTPException(403, "Nur Lesezugriff: Ihre Rolle darf nichts ändern")
    if teamlead and not s.user.is_teamlead:
        raise HTTPException(403, "Nur die Teamleitung darf das")
