"""Disruption commands (*Terminausfallmanagement*): cancel, absence, noshow, standby, status,
replan. Registered on the ``kontaktplan`` app by :mod:`kontaktplan.cli`.

Each reads a scenario folder and writes a new one with ``--out`` (all or nothing; ``--out``
may be the input folder), prints what it changed and why, and appends the record to the
``disruptions`` list of ``plan.json`` (the input's plan.json is kept otherwise).
Exit 0; 2 on bad input (unknown id, bad date), with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from kontaktplan.cli import (
    ActorName,
    AsJson,
    DbUrl,
    MaybeScenarioDir,
    Quiet,
    app,
    fail,
    load,
    source,
)
from kontaktplan.io import Loaded, write_scenario

Out = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Folder to write (a scenario folder with plan.json); may be the input. "
        "Left out in a workspace (--db).",
    ),
]
AppointmentId = Annotated[
    str | None,
    typer.Argument(
        help="appointment_id in appointments.csv.", metavar="APPOINTMENT_ID", show_default=False
    ),
]


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: {text!r} is not a date YYYY-MM-DD") from None


def _run(fn, *args: Any, **kwargs: Any):
    """Call the library; a :class:`DisruptionError` is bad input (exit 2, nothing written)."""
    from kontaktplan.disruption import DisruptionError, Outcome

    started = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
    except DisruptionError as e:
        raise fail(str(e)) from None
    outcome = result[0] if isinstance(result, tuple) else result
    if isinstance(outcome, Outcome):
        outcome.figures["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _write(
    loaded: Loaded, outcome, out: Path, quiet: bool, as_json: bool, base: dict | None = None
) -> None:
    from kontaktplan.disruption import plan_json

    previous = loaded.folder / "plan.json"
    text = previous.read_text(encoding="utf-8") if previous.is_file() else None
    try:
        report = plan_json(text, outcome, base)
    except json.JSONDecodeError as e:
        raise fail(f"{previous}: not JSON ({e})") from None
    write_scenario(outcome.scenario, out, extra={"plan.json": report}, read=loaded)
    if as_json:
        typer.echo(json.dumps(outcome.entry(), indent=2, default=str))
    elif not quiet:
        for line in outcome.lines():
            typer.echo(line)
        typer.echo(f"wrote {out}")


@app.command()
def cancel(
    folder: MaybeScenarioDir = None,
    appointment_id: AppointmentId = None,
    out: Out = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Day the cancellation came in, YYYY-MM-DD (default: today)."),
    ] = None,
    fill: Annotated[
        bool, typer.Option("--fill", help="Also backfill a cancellation less than 7 days ahead.")
    ] = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """A customer cancels (abgesagt): backfill the freed slot with another customer.

    At least 7 days ahead (policy: backfill_notice_days) the best customer of the same
    specialist is invited at once into the freed slot (at least 4 days' notice); closer
    to the day the candidates are only proposed, and booked with --fill. The top 5 are
    printed with their reasons. The cancelling customer keeps their deadline.
    """
    from kontaktplan.cli_workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.disruption import cancel as run

    url = resolve(db)
    folder, appointment_id = positional(url, folder, appointment_id)
    out = require_out(url, out)
    day = _date(on, "--on")

    def call(scenario, policy):
        return _run(run, scenario, policy, appointment_id, day or scenario.today, fill=fill)

    if url:
        args = {"appointment_id": appointment_id, "on": on, "fill": fill}
        return commit_outcome(url, "cancel", args, call, actor=actor, quiet=quiet, as_json=as_json)
    loaded = load(folder, quiet or as_json)
    _write(loaded, call(loaded.scenario, loaded.policy), out, quiet, as_json)
    return None


@app.command()
def absence(
    first: Annotated[str, typer.Option("--from", help="First day of the absence, YYYY-MM-DD.")],
    last: Annotated[str, typer.Option("--to", help="Last day of the absence, YYYY-MM-DD.")],
    folder: MaybeScenarioDir = None,
    specialist: Annotated[
        str | None,
        typer.Argument(help="specialist_id of the absent specialist.", metavar="SPECIALIST"),
    ] = None,
    out: Out = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="e.g. leave, illness (absences.csv).")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds for the CP-SAT model.")
    ] = 10.0,
    quiet: Quiet = False,
    as_json: AsJson = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """A specialist is absent: add it to absences.csv and hand the appointments over.

    No appointment is cancelled. Each keeps its date and time and moves to the named
    substitute (Vertretung) if free and under the daily cap, else to a free specialist of
    the team (balancing their load); what cannot move is listed for the team lead.
    """
    from kontaktplan.cli_workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.disruption import absence as run

    url = resolve(db)
    folder, specialist = positional(url, folder, specialist)
    out = require_out(url, out)
    d1, d2 = _date(first, "--from"), _date(last, "--to")

    def call(scenario, policy):
        return _run(run, scenario, policy, specialist, d1, d2, reason=reason, time_limit=time_limit)

    if url:
        args = {"specialist_id": specialist, "from": first, "to": last, "reason": reason}
        return commit_outcome(url, "absence", args, call, actor=actor, quiet=quiet, as_json=as_json)
    loaded = load(folder, quiet or as_json)
    _write(loaded, call(loaded.scenario, loaded.policy), out, quiet, as_json)
    return None


@app.command()
def noshow(
    folder: MaybeScenarioDir = None,
    appointment_id: AppointmentId = None,
    out: Out = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """A customer did not come (nicht erschienen): call a standby customer, re-invite.

    Sets status no_show; books the best standby customer (unemployed, most urgent, own
    specialist first, then the team) for a phone consultation in the missed time; re-invites
    the customer in person, with the legal notice, at the earliest free slot of their
    specialist the lead time allows. A future booking the customer already has counts as
    the re-invitation when it is in person; a video or phone one is voided and replaced by
    an in-person invitation (at its time if its slot admits in person and the lead time
    holds, else at the earliest slot).
    """
    from kontaktplan.cli_workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.disruption import noshow as run

    url = resolve(db)
    folder, appointment_id = positional(url, folder, appointment_id)
    out = require_out(url, out)

    def call(scenario, policy):
        return _run(run, scenario, policy, appointment_id)

    if url:
        args = {"appointment_id": appointment_id}
        return commit_outcome(url, "noshow", args, call, actor=actor, quiet=quiet, as_json=as_json)
    loaded = load(folder, quiet or as_json)
    _write(loaded, call(loaded.scenario, loaded.policy), out, quiet, as_json)
    return None


@app.command()
def standby(
    day: Annotated[str, typer.Option("--day", help="The day, YYYY-MM-DD.")],
    folder: MaybeScenarioDir = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    db: DbUrl = None,
) -> None:
    """The standby list per specialist and day: whom to call if someone does not come.

    For each specialist with appointments that day: unemployed customers with no
    appointment row that day (in any status, so not one who cancelled or missed one),
    available that day, own customers first, then the team's, most urgent first.
    """
    from kontaktplan.disruption import standby as run

    d = _date(day, "--day")
    loaded = source(db, folder, quiet or as_json)
    lists = run(loaded.scenario, loaded.policy, d)
    if as_json:
        data = {sid: [r.to_dict() for r in items] for sid, items in lists.items()}
        typer.echo(json.dumps({"day": d.isoformat(), "standby": data}, indent=2))
        return
    if not lists:
        typer.echo(f"no appointments on {d}")
    for sid, items in lists.items():
        typer.echo(f"{sid}:")
        for i, r in enumerate(items, 1):
            typer.echo(
                f"  {i}. {r.customer_id} ({r.customer.specialist_id}): {', '.join(r.reasons)}"
            )


@app.command()
def status(
    folder: MaybeScenarioDir = None,
    appointment_id: AppointmentId = None,
    outcome: Annotated[
        str | None, typer.Argument(help="held, not_held, no_show or voided.", metavar="OUTCOME")
    ] = None,
    out: Out = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Set an appointment's outcome: held, not_held, no_show or voided.

    Stattgefunden, nicht stattgefunden, nicht erschienen, storniert. A held qualified
    contact moves the customer's next deadline. Outcomes are set on the day: the
    folder's planning date moves to the appointment's day when that is later. Only a
    planned appointment gets an outcome, once: a second one (or one for a cancelled
    appointment, or voided during its specialist's absence) is refused, exit 2; correct a
    wrong outcome in the source system.
    """
    from kontaktplan.cli_workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.disruption import set_status
    from kontaktplan.domain import Status

    url = resolve(db)
    folder, appointment_id, outcome = positional(url, folder, appointment_id, outcome)
    out = require_out(url, out)
    try:
        value = Status(outcome)
    except ValueError:
        raise fail(f"status must be held, not_held, no_show or voided, not {outcome!r}") from None

    def call(scenario, policy):
        return _run(set_status, scenario, policy, appointment_id, value)

    if url:
        args = {"appointment_id": appointment_id, "outcome": outcome}
        return commit_outcome(url, "status", args, call, actor=actor, quiet=quiet, as_json=as_json)
    loaded = load(folder, quiet or as_json)
    _write(loaded, call(loaded.scenario, loaded.policy), out, quiet, as_json)
    return None


@app.command()
def replan(
    folder: MaybeScenarioDir = None,
    out: Out = None,
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=12, help="Weeks to plan from the first plannable week."),
    ] = 1,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds per CP-SAT model.")
    ] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same plan.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Processes (default: cores).")
    ] = None,
    keep_unslotted: Annotated[
        bool,
        typer.Option(
            "--keep-unslotted",
            help="Do not treat a booking outside every free slot as invalid (for exports "
            "whose slots.csv leaves booked times out).",
        ),
    ] = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Re-plan after changes (absences, slots): keep valid bookings, move invalid ones.

    A booking of an absent specialist is handed over at the same date and time, or, when
    nobody is free, stays as it is and is listed for the team lead: it is never voided or
    moved. The other invalid bookings (holiday, slot gone) are moved: the old row is voided
    and the customer gets the earliest valid slot of their specialist. Then the horizon is
    planned as by `kontaktplan plan`. Prints each moved and escalated booking with its
    reason.
    """
    from kontaktplan.cli_workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.replan import replan as run

    url = resolve(db)
    positional(url, folder)
    out = require_out(url, out)

    def call(scenario, policy):
        return _run(
            run,
            scenario,
            policy,
            weeks=weeks,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            check_slots=not keep_unslotted,
        )

    if url:
        args = {"weeks": weeks, "time_limit": time_limit, "seed": seed}
        return commit_outcome(
            url,
            "replan",
            args,
            call,
            actor=actor,
            quiet=quiet,
            as_json=as_json,
            lines=lambda r: r[0].lines(),
            plan_update=lambda r: {"plan": r[1].to_dict(), "disruption": r[0].entry()},
            after=lambda r: r[0].scenario,
        )
    loaded = load(folder, quiet or as_json)
    outcome, result = call(loaded.scenario, loaded.policy)
    _write(loaded, outcome, out, quiet, as_json, base=result.to_dict())
    return None
