"""The FastAPI application: pages (Jinja2, autoescaped, htmx) and the JSON API under /api.

``create_app(workspace)`` wires one workspace, its drafts and the login limiter into an
app; :mod:`kontaktplan.web.pages` holds the pages, :mod:`kontaktplan.web.api` the API.
Every change needs a planner or team lead (a viewer gets 403), and with the session
cookie a CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kontaktplan.i18n import CATALOGUE, decimal, written
from kontaktplan.i18n.errors import pydantic_reason
from kontaktplan.web import auth
from kontaktplan.web.deps import LoginRequired
from kontaktplan.web.drafts import Drafts, solver_de
from kontaktplan.web.workspace import BERLIN, WebWorkspace

HERE = Path(__file__).parent

STATUS_DE = {
    "planned": "geplant",
    "held": "stattgefunden",
    "not_held": "nicht stattgefunden",
    "cancelled": "abgesagt",
    "no_show": "nicht erschienen",
    "voided": "storniert",
}
KIND_DE = {
    "first_interview": "Erstgespräch",
    "follow_up": "Folgegespräch",
    "group_session": "Gruppenberatung",
    "phone_consultation": "Telefonberatung",
}
MODE_DE = {"in_person": "persönlich", "video": "Video", "phone": "Telefon"}
ACTION_DE = {
    "cancelled": "abgesagt",
    "backfilled": "nachbesetzt",
    "no_show": "nicht erschienen",
    "phone_consultation": "Telefonberatung (Standby)",
    "reinvited": "neu eingeladen (persönlich)",
    "voided": "storniert",
    "status": "Status",
    "absence": "Abwesenheit",
    "reassigned": "übergeben",
    "escalated": "an die Teamleitung",
    "not_reinvited": "nicht neu eingeladen",
    "booked": "gebucht",
}
COMMAND_DE = {
    "import": "Import",
    "cancel": "Absage",
    "noshow": "Nicht erschienen",
    "status": "Status",
    "day_results": "Ergebnisse des Tages",
    "absence": "Abwesenheit",
    "handover": "Übergabe (Teamleitung)",
    "slot": "Termin gebucht",
    "plan": "Wochenplan veröffentlicht",
    "replan": "Neu geplant",
    "resolve": "Verlegt (Teamleitung)",
    "undo": "Rückgängig",
    "purge": "Alte Daten gelöscht",
}
ROLE_DE = {"planner": "Planung", "teamlead": "Teamleitung", "viewer": "nur lesen"}
DEADLINES_DE = {  # the web page's own words; met, late, missed, open: the catalogue's
    "open_due_in_horizon": "im Zeitraum fällig ohne Termin",
    "overdue": "überfällig",
}
WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def de_date(value: dt.date | str | None) -> str:
    """``TT.MM.JJJJ``."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%d.%m.%Y}"


def de_time(value: dt.datetime) -> str:
    return f"{value:%H:%M}"


def de_seconds(value: float) -> str:
    """Seconds with a decimal comma: ``2,5``."""
    return decimal(value, ".1f", "de")


def de_stamp(value: dt.datetime) -> str:
    """A UTC time of the log as Europe/Berlin ``TT.MM.JJJJ HH:MM``."""
    return f"{value.replace(tzinfo=dt.UTC).astimezone(BERLIN):%d.%m.%Y %H:%M}"


def action_de(action: str) -> str:
    """What a change did, in German: the page's words, else the catalogue's (``action.*``)."""
    if action in ACTION_DE:
        return ACTION_DE[action]
    return CATALOGUE.get(f"action.{action}", {}).get("de", action)


def deadlines_de(status: str) -> str:
    """A deadline count's name in German: the page's words, else the catalogue's
    (``result.*``, as plan and validate print them)."""
    if status in DEADLINES_DE:
        return DEADLINES_DE[status]
    return CATALOGUE.get(f"result.{status}", {}).get("de", status)


def templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters.update(
        de_date=de_date,
        de_time=de_time,
        de_stamp=de_stamp,
        de_seconds=de_seconds,
        status_de=lambda s: STATUS_DE.get(str(s), str(s)),
        kind_de=lambda s: KIND_DE.get(str(s), str(s)),
        mode_de=lambda s: MODE_DE.get(str(s), str(s)),
        action_de=lambda s: action_de(str(s)),
        command_de=lambda s: COMMAND_DE.get(str(s), str(s)),
        role_de=lambda s: ROLE_DE.get(str(s), str(s)),
        deadlines_de=lambda s: deadlines_de(str(s)),
        solver_de=solver_de,
        say=lambda value: written(value, "de"),
        weekday_de=lambda d: WEEKDAYS_DE[d.weekday()],
    )
    return Jinja2Templates(env=env)


def create_app(ws: WebWorkspace, *, plan_time_limit: float = 10.0) -> FastAPI:
    """The web app on workspace ``ws``."""
    from kontaktplan.web import api, pages

    app = FastAPI(
        title="Kontaktplan",
        description="Terminplanung für Jobcenter: Wochenübersicht, Tagesaktionen, Wochenplan.",
        docs_url=None,  # Swagger UI and ReDoc load files from the internet: our own page
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ws = ws
    app.state.drafts = Drafts(ws, time_limit=plan_time_limit)
    app.state.limiter = auth.LoginLimiter()
    app.state.templates = templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router, prefix="/api")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Any:
        if request.headers.get("HX-Request"):
            return HTMLResponse("", status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    def _error_page(request: Request, status: int, detail: str) -> HTMLResponse:
        """The error as a page, or for htmx as a fragment in place of the result."""
        if request.headers.get("HX-Request"):
            page = app.state.templates.get_template("message.html").render(
                kind="error", text=detail
            )
        else:
            page = app.state.templates.get_template("error.html").render(
                status=status, detail=detail
            )
        return HTMLResponse(page, status_code=status)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Any:
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return _error_page(request, exc.status_code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Any:
        """A form or query value of the wrong type: pydantic's words in German on a page
        (the API answers as FastAPI does, in English)."""
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        said = [f"{err['loc'][-1]}: {written(pydantic_reason(err), 'de')}" for err in exc.errors()]
        return _error_page(request, 422, "; ".join(said))

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app
