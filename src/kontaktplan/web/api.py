"""The JSON API under /api: the same operations as the pages, for other office systems.

Login with ``POST /api/token`` (name, password) -> a bearer token; the roles are the
pages'. Every change carries the ``version`` it read; a stale one answers 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from kontaktplan.web import actions, auth
from kontaktplan.web.board import build_board, day_appointments, default_monday, monday_of, teams
from kontaktplan.web.deps import api_user, check_write
from kontaktplan.web.workspace import Conflict, NotFound, UndoRefused

router = APIRouter(tags=["api"])
Caller = Annotated[auth.Session, Depends(api_user)]


class Login(BaseModel):
    name: str
    password: str


class CancelIn(BaseModel):
    appointment_id: str
    version: int
    on: dt.date | None = None
    candidate: str | None = None


class IdIn(BaseModel):
    appointment_id: str
    version: int


class StatusIn(IdIn):
    status: str


class DayResultsIn(BaseModel):
    specialist_id: str
    day: dt.date
    version: int
    exceptions: dict[str, str] = Field(default_factory=dict)


class AbsenceIn(BaseModel):
    specialist_id: str
    first: dt.date
    last: dt.date
    version: int
    reason: str | None = None


class HandoverIn(IdIn):
    specialist_id: str


class BookIn(BaseModel):
    customer_id: str
    start: dt.datetime
    version: int
    specialist_id: str | None = None  # default: the customer's own specialist


class PlanIn(BaseModel):
    weeks: int = Field(1, ge=1, le=8)


def _run(fn, *args: Any) -> dict[str, Any]:
    try:
        done = fn(*args)
    except Conflict as e:
        raise HTTPException(409, str(e)) from None
    except actions.UnknownId as e:
        raise HTTPException(404, str(e)) from None
    except actions.ActionError as e:
        raise HTTPException(400, str(e)) from None
    return {"event": done.event, "version": done.event, **done.outcome.entry()}


@router.post("/token", summary="Anmelden: Bearer-Token")
def token(request: Request, body: Login) -> dict[str, Any]:
    ws, limiter = request.app.state.ws, request.app.state.limiter
    address = request.client.host if request.client else "?"
    if wait := limiter.blocked_for(body.name, address):
        raise HTTPException(429, f"too many failed logins; retry in {wait} s")
    user = auth.verify(ws, body.name, body.password)
    if user is None:
        limiter.failed(body.name, address)
        raise HTTPException(401, "wrong name or password")
    limiter.succeeded(body.name, address)
    secret, _ = auth.open_session(ws, user, kind="token")
    return {"token": secret, "role": user.role, "expires_in_hours": auth.TOKEN_HOURS}


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request):
    spec = request.app.openapi()
    page = request.app.state.templates.get_template("apidocs.html").render(spec=spec)
    return HTMLResponse(page)


@router.get("/board", summary="Wochenübersicht eines Teams")
def board(request: Request, _c: Caller, team: str | None = None, week: dt.date | None = None):
    snap = request.app.state.ws.snapshot()
    all_teams = teams(snap.scenario)
    if team is not None and team not in all_teams:
        raise HTTPException(404, f"unknown team {team!r}")
    monday = monday_of(week) if week else default_monday(snap.scenario, snap.policy)
    b = build_board(snap.scenario, snap.policy, team or all_teams[0], monday)
    return {
        "version": snap.version,
        "team": b.team,
        "week": b.week,
        "days": [d.isoformat() for d in b.days],
        "daily_cap": b.daily_cap,
        "rows": [
            {
                "specialist_id": r.specialist_id,
                "target": r.target,
                "booked": r.booked,
                "spread": r.spread,
                "per_day": [c.booked for c in r.days],
                "closed": [c.closed for c in r.days],
            }
            for r in b.rows
        ],
    }


@router.get("/day", summary="Termine einer Fachkraft an einem Tag")
def day(request: Request, _c: Caller, specialist_id: str, day: dt.date):
    snap = request.app.state.ws.snapshot()
    if specialist_id not in snap.scenario.specialists_by_id:
        raise HTTPException(404, f"unknown specialist {specialist_id!r}")
    rows = day_appointments(snap.scenario, specialist_id, day)
    return {"version": snap.version, "appointments": [a.model_dump(mode="json") for a in rows]}


@router.get("/cancel", summary="Absage: Vorschau mit Kandidaten")
def cancel_preview(request: Request, _c: Caller, appointment_id: str, on: dt.date | None = None):
    try:
        p = actions.cancel_preview(request.app.state.ws, appointment_id, on)
    except actions.UnknownId as e:
        raise HTTPException(404, str(e)) from None
    except actions.ActionError as e:
        raise HTTPException(400, str(e)) from None
    return {"version": p.version, "backfill_duty": p.duty, **p.outcome.entry()}


@router.post("/cancel", summary="Absage erfassen (und nachbesetzen)")
async def cancel(request: Request, c: Caller, body: CancelIn):
    await check_write(request, c)
    ws = request.app.state.ws
    return _run(
        actions.do_cancel, ws, c.user, body.version, body.appointment_id, body.on, body.candidate
    )


@router.get("/standby", summary="Nicht erschienen: Vorschau mit Standby-Liste")
def standby(request: Request, _c: Caller, appointment_id: str):
    try:
        p = actions.noshow_preview(request.app.state.ws, appointment_id)
    except actions.UnknownId as e:
        raise HTTPException(404, str(e)) from None
    except actions.ActionError as e:
        raise HTTPException(400, str(e)) from None
    entry = p.outcome.entry()
    return {"version": p.version, "standby": entry.get("candidates", []), **entry}


@router.post("/noshow", summary="Nicht erschienen")
async def noshow(request: Request, c: Caller, body: IdIn):
    await check_write(request, c)
    return _run(actions.do_noshow, request.app.state.ws, c.user, body.version, body.appointment_id)


@router.post("/status", summary="Ergebnis eines Termins")
async def status(request: Request, c: Caller, body: StatusIn):
    await check_write(request, c)
    ws = request.app.state.ws
    return _run(actions.do_status, ws, c.user, body.version, body.appointment_id, body.status)


@router.post("/day-results", summary="Ergebnisse des Tages")
async def day_results(request: Request, c: Caller, body: DayResultsIn):
    await check_write(request, c)
    return _run(
        actions.do_day_results,
        request.app.state.ws,
        c.user,
        body.version,
        body.specialist_id,
        body.day,
        body.exceptions,
    )


@router.post("/absence", summary="Abwesenheit eintragen")
async def absence(request: Request, c: Caller, body: AbsenceIn):
    await check_write(request, c)
    return _run(
        actions.do_absence,
        request.app.state.ws,
        c.user,
        body.version,
        body.specialist_id,
        body.first,
        body.last,
        body.reason,
    )


@router.get("/escalated", summary="Termine in Abwesenheiten, mit Vorschlägen")
def escalated(request: Request, _c: Caller):
    snap = request.app.state.ws.snapshot()
    return {
        "version": snap.version,
        "escalated": [
            {
                "appointment_id": e["appointment"].appointment_id,
                "specialist_id": e["appointment"].specialist_id,
                "start": e["appointment"].start.isoformat(),
                "team": e["team"],
                "proposals": e["proposals"],
            }
            for e in actions.escalated(snap)
        ],
    }


@router.post("/handover", summary="Vorschlag annehmen (Teamleitung)")
async def handover(request: Request, c: Caller, body: HandoverIn):
    await check_write(request, c, teamlead=True)
    return _run(
        actions.do_accept_proposal,
        request.app.state.ws,
        c.user,
        body.version,
        body.appointment_id,
        body.specialist_id,
    )


@router.get("/find", summary="Termin finden: freie Termine eines Kunden")
def find(request: Request, _c: Caller, customer_id: str):
    snap = request.app.state.ws.snapshot()
    try:
        slots = actions.offered_slots(request.app.state.ws, snap, customer_id)
    except actions.UnknownId as e:
        raise HTTPException(404, str(e)) from None
    except actions.ActionError as e:
        raise HTTPException(400, str(e)) from None
    return {
        "version": snap.version,
        "slots": [
            {
                "specialist_id": f.specialist_id,
                "start": f.start.isoformat(),
                "kind": f.kind.value,
                "mode": f.mode.value,
                "reasons": list(f.reasons),
            }
            for f in slots[: actions.SHOWN_SLOTS]
        ],
    }


@router.post("/book", summary="Termin buchen")
async def book(request: Request, c: Caller, body: BookIn):
    await check_write(request, c)
    ws = request.app.state.ws
    return _run(
        actions.do_book, ws, c.user, body.version, body.customer_id, body.start, body.specialist_id
    )


def _draft(d) -> dict[str, Any]:
    return {
        "id": d.id,
        "state": d.state,
        "done": d.done,
        "total": d.total,
        "version": d.version,
        "summary": d.summary,
        "error": d.error,
    }


@router.post("/plan", summary="Wochenplan als Entwurf starten")
async def plan(request: Request, c: Caller, body: PlanIn):
    await check_write(request, c)
    return _draft(request.app.state.drafts.start(c.user, body.weeks))


@router.get("/plan/{draft_id}", summary="Stand eines Entwurfs")
def plan_state(request: Request, _c: Caller, draft_id: str):
    d = request.app.state.drafts.get(draft_id)
    if d is None:
        raise HTTPException(404, f"no draft {draft_id!r}")
    return _draft(d)


@router.post("/plan/{draft_id}/publish", summary="Entwurf veröffentlichen")
async def publish(request: Request, c: Caller, draft_id: str):
    await check_write(request, c)
    try:
        event = request.app.state.drafts.publish(draft_id, c.user)
    except KeyError:
        raise HTTPException(404, f"no finished draft {draft_id!r}") from None
    except Conflict as e:
        raise HTTPException(409, str(e)) from None
    return {"event": event, "version": event}


@router.post("/plan/{draft_id}/discard", summary="Entwurf verwerfen")
async def discard(request: Request, c: Caller, draft_id: str):
    await check_write(request, c)
    try:
        request.app.state.drafts.discard(draft_id)
    except KeyError:
        raise HTTPException(404, f"no open draft {draft_id!r}") from None
    return {"id": draft_id, "state": "discarded"}


@router.get("/lists", summary="Überfällige Kunden und Kategorie-Prüfliste")
def lists(request: Request, _c: Caller):
    from kontaktplan.validation import validate

    snap = request.app.state.ws.snapshot()
    f = validate(snap.scenario, snap.policy).figures
    return {
        "version": snap.version,
        "overdue": f["overdue"],
        "category_review": f["category_review"],
    }


@router.get("/events", summary="Protokoll, gefiltert")
def events(
    request: Request,
    _c: Caller,
    since: dt.date | None = None,
    actor: str | None = None,
    command: str | None = None,
):
    rows = request.app.state.ws.events(since=since, actor=actor, command=command)
    return {
        "events": [
            {
                "id": e.id,
                "at": e.at.replace(tzinfo=dt.UTC).isoformat(),
                "actor": e.actor,
                "command": e.command,
                "arguments": e.arguments,
                "lines": e.lines,
                "changes": len(e.changes),
                "undoes": e.undoes,
            }
            for e in rows
        ]
    }


@router.post("/undo/{event_id}", summary="Ereignis rückgängig machen (Teamleitung)")
async def undo(request: Request, c: Caller, event_id: int):
    await check_write(request, c, teamlead=True)
    try:
        event = request.app.state.ws.undo(event_id, c.user.name)
    except NotFound as e:
        raise HTTPException(404, str(e)) from None
    except (UndoRefused, Conflict) as e:
        raise HTTPException(409, str(e)) from None
    return {"event": event, "version": event, "undoes": event_id}
