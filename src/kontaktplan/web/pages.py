"""The pages: login, week board, day, daily actions, plan draft, lists, report, log."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kontaktplan.i18n import written
from kontaktplan.i18n.errors import message_of
from kontaktplan.web import actions, auth
from kontaktplan.web.board import build_board, day_appointments, default_monday, monday_of, teams
from kontaktplan.web.deps import COOKIE, check_csrf, check_write, page_user
from kontaktplan.web.workspace import Conflict, NotFound, UndoRefused

router = APIRouter()
User = Annotated[auth.Session, Depends(page_user)]


def _render(request: Request, name: str, s: auth.Session | None, status: int = 200, **ctx: Any):
    ctx |= {"request": request, "session": s, "user": s.user if s else None}
    ctx.setdefault("csrf", s.csrf if s else "")
    return request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)


def _said(error: Exception) -> str:
    """What ``error`` was raised with, as the pages say it: in German."""
    return written(message_of(error), "de")


def _refused(request: Request, s: auth.Session | None, error: Exception):
    """Why an action changed nothing, as a fragment: 409 for a conflict (someone else
    changed the office, or undo is refused), 404 for an unknown id or event, else 400."""
    if isinstance(error, Conflict | UndoRefused):
        return _render(request, "message.html", s, 409, kind="conflict", text=_said(error))
    code = 404 if isinstance(error, actions.UnknownId | NotFound) else 400
    return _render(request, "message.html", s, code, kind="error", text=_said(error))


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise HTTPException(400, f"{what}: {text!r} ist kein Datum (TT.MM.JJJJ)")


def _outcome(request: Request, s: auth.Session, fn, *args: Any, **kwargs: Any):
    """Run an action; its result, or the reason it changed nothing, as a fragment."""
    try:
        done = fn(*args, **kwargs)
    except (Conflict, actions.ActionError) as e:
        return _refused(request, s, e)
    return _render(request, "result.html", s, done=done, outcome=done.outcome)


# -- login ------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    return _render(request, "login.html", None, error=None)


@router.post("/login")
def login(
    request: Request, name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = ""
):
    ws, limiter = request.app.state.ws, request.app.state.limiter
    address = request.client.host if request.client else "?"
    if wait := limiter.blocked_for(name, address):
        return _render(
            request, "login.html", None, 429, error=f"Zu viele Fehlversuche; in {wait} s erneut."
        )
    user = auth.verify(ws, name, password)
    if user is None:
        limiter.failed(name, address)
        return _render(request, "login.html", None, 401, error="Name oder Passwort falsch.")
    limiter.succeeded(name, address)
    token, _ = auth.open_session(ws, user)
    response = RedirectResponse("/board", status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=auth.SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout(request: Request, s: User):
    await check_csrf(request, s)  # a viewer may log out too
    auth.close_session(request.app.state.ws, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# -- board ------------------------------------------------------------------------------
@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/board", status_code=303)


@router.get("/board", response_class=HTMLResponse)
def board(
    request: Request, s: User, team: str | None = None, week: str | None = None, draft: str = ""
):
    started = time.perf_counter()
    snap = request.app.state.ws.snapshot()
    scenario, shown = snap.scenario, None
    if draft:
        shown = request.app.state.drafts.get(draft)
        if shown is None or shown.state != "ready":
            raise HTTPException(404, f"kein fertiger Entwurf {draft!r}")
        scenario = shown.scenario
    all_teams = teams(scenario)
    team = team if team in all_teams else all_teams[0]
    week_day = _date(week, "Woche")
    monday = monday_of(week_day) if week_day else default_monday(scenario, snap.policy)
    b = build_board(scenario, snap.policy, team, monday)
    response = _render(
        request,
        "board.html",
        s,
        board=b,
        version=snap.version,
        today=snap.scenario.today,
        draft=shown,
        prev=monday - dt.timedelta(days=7),
        next=monday + dt.timedelta(days=7),
        server_ms=round((time.perf_counter() - started) * 1000),
    )
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@router.get("/day", response_class=HTMLResponse)
def day(request: Request, s: User, specialist: str, day: str, draft: str = ""):
    snap = request.app.state.ws.snapshot()
    scenario = snap.scenario
    if draft and (d := request.app.state.drafts.get(draft)) and d.scenario is not None:
        scenario = d.scenario
    if specialist not in scenario.specialists_by_id:
        raise HTTPException(404, f"unbekannte Fachkraft {specialist!r}")
    when = _date(day, "Tag")
    rows = day_appointments(scenario, specialist, when)
    return _render(
        request,
        "day.html",
        s,
        specialist=specialist,
        day=when,
        rows=rows,
        version=snap.version,
        today=snap.scenario.today,
        outcomes=actions.DAY_OUTCOMES,
        draft=bool(draft),
    )


# -- Absage -----------------------------------------------------------------------------
@router.get("/cancel", response_class=HTMLResponse)
def cancel_preview(request: Request, s: User, id: str, on: str | None = None):
    try:
        p = actions.cancel_preview(request.app.state.ws, id, _date(on, "Absage am"))
    except actions.ActionError as e:
        return _refused(request, s, e)
    return _render(request, "cancel.html", s, p=p, appointment_id=id, on=p.outcome.date)


@router.post("/cancel", response_class=HTMLResponse)
async def cancel(
    request: Request,
    s: User,
    id: Annotated[str, Form()],
    version: Annotated[int, Form()],
    on: Annotated[str, Form()] = "",
    candidate: Annotated[str, Form()] = "",
):
    await check_write(request, s)
    ws = request.app.state.ws
    return _outcome(
        request,
        s,
        actions.do_cancel,
        ws,
        s.user,
        version,
        id,
        _date(on, "Absage am"),
        candidate or None,
    )


# -- Nicht erschienen -------------------------------------------------------------------
@router.get("/noshow", response_class=HTMLResponse)
def noshow_preview(request: Request, s: User, id: str):
    try:
        p = actions.noshow_preview(request.app.state.ws, id)
    except actions.ActionError as e:
        return _refused(request, s, e)
    return _render(request, "noshow.html", s, p=p, appointment_id=id, version=p.version)


@router.post("/noshow", response_class=HTMLResponse)
async def noshow(
    request: Request, s: User, id: Annotated[str, Form()], version: Annotated[int, Form()]
):
    await check_write(request, s)
    return _outcome(request, s, actions.do_noshow, request.app.state.ws, s.user, version, id)


# -- Ergebnisse des Tages ---------------------------------------------------------------
@router.post("/day-results", response_class=HTMLResponse)
async def day_results(request: Request, s: User):
    await check_write(request, s)
    form = await request.form()
    try:
        version = int(str(form.get("version", "")))
    except ValueError:
        raise HTTPException(400, "version fehlt") from None
    exceptions = {
        k.removeprefix("status_"): str(v)
        for k, v in form.items()
        if k.startswith("status_") and str(v) != "held"
    }
    when = _date(str(form.get("day", "")), "Tag")
    return _outcome(
        request,
        s,
        actions.do_day_results,
        request.app.state.ws,
        s.user,
        version,
        str(form.get("specialist", "")),
        when,
        exceptions,
    )


# -- Abwesenheit ------------------------------------------------------------------------
@router.get("/absence", response_class=HTMLResponse)
def absence_page(request: Request, s: User):
    snap = request.app.state.ws.snapshot()
    return _render(
        request,
        "absence.html",
        s,
        specialists=[sp.specialist_id for sp in snap.scenario.specialists],
        escalated=actions.escalated(snap),
        version=snap.version,
        today=snap.scenario.today,
    )


@router.post("/absence", response_class=HTMLResponse)
async def absence(
    request: Request,
    s: User,
    specialist: Annotated[str, Form()],
    first: Annotated[str, Form()],
    last: Annotated[str, Form()],
    version: Annotated[int, Form()],
    reason: Annotated[str, Form()] = "",
):
    await check_write(request, s)
    return _outcome(
        request,
        s,
        actions.do_absence,
        request.app.state.ws,
        s.user,
        version,
        specialist,
        _date(first, "von"),
        _date(last, "bis"),
        reason.strip() or None,
    )


@router.post("/handover", response_class=HTMLResponse)
async def handover(
    request: Request,
    s: User,
    id: Annotated[str, Form()],
    specialist: Annotated[str, Form()],
    version: Annotated[int, Form()],
):
    await check_write(request, s, teamlead=True)
    return _outcome(
        request,
        s,
        actions.do_accept_proposal,
        request.app.state.ws,
        s.user,
        version,
        id,
        specialist,
    )


# -- Termin finden ----------------------------------------------------------------------
@router.get("/find", response_class=HTMLResponse)
def find(request: Request, s: User, customer: str = ""):
    snap = request.app.state.ws.snapshot()
    slots, error = [], None
    if customer:
        try:
            slots = actions.offered_slots(request.app.state.ws, snap, customer)
            slots = slots[: actions.SHOWN_SLOTS]
        except actions.ActionError as e:
            error = _said(e)
    return _render(
        request, "find.html", s, customer=customer, slots=slots, error=error, version=snap.version
    )


@router.post("/book", response_class=HTMLResponse)
async def book(
    request: Request,
    s: User,
    customer: Annotated[str, Form()],
    start: Annotated[str, Form()],
    version: Annotated[int, Form()],
    specialist: Annotated[str | None, Form()] = None,
):
    await check_write(request, s)
    try:
        when = dt.datetime.fromisoformat(start)
    except ValueError:
        raise HTTPException(400, f"start: {start!r} ist keine Zeit") from None
    ws = request.app.state.ws
    return _outcome(request, s, actions.do_book, ws, s.user, version, customer, when, specialist)


# -- Wochenplan als Entwurf -------------------------------------------------------------
@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, s: User):
    return _render(request, "plan.html", s, draft=request.app.state.drafts.current())


@router.post("/plan", response_class=HTMLResponse)
async def plan_start(request: Request, s: User, weeks: Annotated[int, Form()] = 1):
    await check_write(request, s)
    if not 1 <= weeks <= 8:
        raise HTTPException(400, "Wochen: 1 bis 8")
    draft = request.app.state.drafts.start(s.user, weeks)
    return _render(request, "plan_progress.html", s, draft=draft)


@router.get("/plan/{draft_id}", response_class=HTMLResponse)
def plan_progress(request: Request, s: User, draft_id: str):
    draft = request.app.state.drafts.get(draft_id)
    if draft is None:
        raise HTTPException(404, "kein solcher Entwurf")
    return _render(request, "plan_progress.html", s, draft=draft)


@router.post("/plan/{draft_id}/publish", response_class=HTMLResponse)
async def plan_publish(request: Request, s: User, draft_id: str):
    await check_write(request, s)
    try:
        event = request.app.state.drafts.publish(draft_id, s.user)
    except KeyError:
        raise HTTPException(404, "kein fertiger Entwurf") from None
    except Conflict as e:
        return _refused(request, s, e)
    draft = request.app.state.drafts.get(draft_id)
    return _render(request, "plan_progress.html", s, draft=draft, event=event)


@router.post("/plan/{draft_id}/discard", response_class=HTMLResponse)
async def plan_discard(request: Request, s: User, draft_id: str):
    await check_write(request, s)
    try:
        request.app.state.drafts.discard(draft_id)
    except KeyError:
        raise HTTPException(404, "kein offener Entwurf") from None
    return _render(request, "plan_progress.html", s, draft=request.app.state.drafts.get(draft_id))


# -- Listen, Bericht, Downloads ---------------------------------------------------------
@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request, s: User):
    from kontaktplan.validation import validate

    snap = request.app.state.ws.snapshot()
    f = validate(snap.scenario, snap.policy).figures
    return _render(
        request,
        "lists.html",
        s,
        overdue=f["overdue"],
        review=f["category_review"],
        today=snap.scenario.today,
    )


@router.get("/report", response_class=HTMLResponse)
def report(request: Request, _s: User):
    from kontaktplan.report.html import render_report
    from kontaktplan.validation import validate

    snap = request.app.state.ws.snapshot()
    log = request.app.state.ws.plan_json().get("disruptions")
    report = validate(snap.scenario, snap.policy)
    page = render_report(snap.scenario, snap.policy, report, log, lang="de")
    return HTMLResponse(page)


@router.get("/download/xlsx")
def download_xlsx(request: Request, _s: User):
    from kontaktplan.io.xlsx import scenario_workbook, workbook_bytes

    snap = request.app.state.ws.snapshot()
    data = workbook_bytes(scenario_workbook(snap.scenario, snap.policy))
    name = f"kontaktplan-{snap.scenario.today}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/download/ics")
def download_ics(request: Request, _s: User, specialist: str = ""):
    from kontaktplan.io.ics import file_names, specialist_calendar

    snap = request.app.state.ws.snapshot()
    sc = snap.scenario
    if specialist:
        if specialist not in sc.specialists_by_id:
            raise HTTPException(404, f"unbekannte Fachkraft {specialist!r}")
        data = specialist_calendar(sc, specialist).to_ical()
        name = file_names([specialist])[specialist]
        return Response(
            data,
            media_type="text/calendar",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    names = file_names(sp.specialist_id for sp in sc.specialists)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for sid, name in names.items():
            z.writestr(name, specialist_calendar(sc, sid).to_ical())
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="kalender.zip"'},
    )


# -- Protokoll und Rückgängig -----------------------------------------------------------
@router.get("/log", response_class=HTMLResponse)
def log(request: Request, s: User, since: str = "", actor: str = "", command: str = ""):
    events = request.app.state.ws.events(
        since=_date(since, "seit"), actor=actor or None, command=command or None
    )
    return _render(request, "log.html", s, events=events, since=since, actor=actor, command=command)


@router.post("/undo/{event_id}", response_class=HTMLResponse)
async def undo(request: Request, s: User, event_id: int):
    await check_write(request, s, teamlead=True)
    try:
        event = request.app.state.ws.undo(event_id, s.user.name)
    except (NotFound, UndoRefused, Conflict) as e:
        return _refused(request, s, e)
    return _render(
        request,
        "message.html",
        s,
        kind="ok",
        text=f"Ereignis {event_id} rückgängig gemacht (neues Ereignis {event}).",
    )
