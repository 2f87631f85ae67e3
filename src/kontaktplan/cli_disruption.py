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

from kontaktplan.cli import AsJson, Force, Quiet, ScenarioDir, app, check_out, fail, load, save
from kontaktplan.io import InputError, Loaded
from kontaktplan.io.output import Target

Out = Annotated[
    Path,
    typer.Option(
        "--out", help="Folder to write (a scenario folder with plan.json); may be the input."
    ),
]
AppointmentId = Annotated[
    str, typer.Argument(help="appointment_id in appointments.csv.", show_default=False)
]


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: {text!r} is not a date YYYY-MM-DD") from None


def _in_range(loaded: Loaded, **days: dt.date | None) -> None:
    """Dates given on the command line lie in the policy's range, as every date read does
    (issue 11.11): a folder written with one out of range could not be read again."""
    rules = loaded.policy.input
    for option, day in days.items():
        if day is not None and not rules.earliest_date <= day <= rules.latest_date:
            raise fail(f"--{option}: {day} outside {rules.earliest_date} .. {rules.latest_date}")


def _run(fn, *args: Any, **kwargs: Any):
    """Call the library; a :class:`DisruptionError` is bad input (exit 2, nothing written)."""
    from kontaktplan.disruption import DisruptionError, Outcome

    started = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
    except (DisruptionError, InputError) as e:
        raise fail(str(e)) from None
    outcome = result[0] if isinstance(result, tuple) else result
    if isinstance(outcome, Outcome):
        outcome.figures["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _write(
    loaded: Loaded, outcome, target: Target, quiet: bool, as_json: bool, base: dict | None = None
) -> None:
    from kontaktplan.disruption import plan_json
    from kontaktplan.io.output import regular_file

    previous = loaded.folder / "plan.json"
    try:
        has_log = regular_file(previous, str(previous))
        text = previous.read_text(encoding="utf-8") if has_log else None
        report = plan_json(text, outcome, base)
    except InputError as e:
        raise fail(str(e)) from None
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as e:
        raise fail(f"{previous}: not a plan.json this product can read ({e})") from None
    save(outcome.scenario, target, extra={"plan.json": report}, read=loaded)
    out = target.path
    if as_json:
        typer.echo(json.dumps(outcome.entry(), indent=2, default=str))
    elif not quiet:
        for line in outcome.lines():
            typer.echo(line)
        typer.echo(f"wrote {out}")


@app.command()
def cancel(
    folder: ScenarioDir,
    appointment_id: AppointmentId,
    out: Out,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Day the cancellation came in, YYYY-MM-DD (default: today)."),
    ] = None,
    fill: Annotated[
        bool, typer.Option("--fill", help="Also backfill a cancellation less than 7 days ahead.")
    ] = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """A customer cancels (abgesagt): backfill the freed slot with another customer.

    At least 7 days ahead (policy: backfill_notice_days) the best customer of the same
    specialist is invited at once into the freed slot (at least 4 days' notice); closer
    to the day the candidates are only proposed, and booked with --fill. The top 5 are
    printed with their reasons. The cancelling customer keeps their deadline.
    """
    from kontaktplan.disruption import cancel as run

    day = _date(on, "--on")
    target = check_out(out, folder, force=force)
    loaded = load(folder, quiet or as_json)
    _in_range(loaded, on=day)
    outcome = _run(
        run, loaded.scenario, loaded.policy, appointment_id, day or loaded.scenario.today, fill=fill
    )
    _write(loaded, outcome, target, quiet, as_json)


@app.command()
def absence(
    folder: ScenarioDir,
    specialist: Annotated[str, typer.Argument(help="specialist_id of the absent specialist.")],
    out: Out,
    first: Annotated[str, typer.Option("--from", help="First day of the absence, YYYY-MM-DD.")],
    last: Annotated[str, typer.Option("--to", help="Last day of the absence, YYYY-MM-DD.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="e.g. leave, illness (absences.csv).")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds for the CP-SAT model.")
    ] = 10.0,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """A specialist is absent: add it to absences.csv and hand the appointments over.

    No appointment is cancelled. Each keeps its date and time and moves to the named
    substitute (Vertretung) if free and under the daily cap, else to a free specialist of
    the team (balancing their load); what cannot move is listed for the team lead.
    """
    from kontaktplan.disruption import absence as run

    d1, d2 = _date(first, "--from"), _date(last, "--to")
    target = check_out(out, folder, force=force)
    loaded = load(folder, quiet or as_json)
    _in_range(loaded, **{"from": d1, "to": d2})
    outcome = _run(
        run,
        loaded.scenario,
        loaded.policy,
        specialist,
        d1,
        d2,
        reason=reason,
        time_limit=time_limit,
    )
    _write(loaded, outcome, target, quiet, as_json)


@app.command()
def noshow(
    folder: ScenarioDir,
    appointment_id: AppointmentId,
    out: Out,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
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
    from kontaktplan.disruption import noshow as run

    target = check_out(out, folder, force=force)
    loaded = load(folder, quiet or as_json)
    outcome = _run(run, loaded.scenario, loaded.policy, appointment_id)
    _write(loaded, outcome, target, quiet, as_json)


@app.command()
def standby(
    folder: ScenarioDir,
    day: Annotated[str, typer.Option("--day", help="The day, YYYY-MM-DD.")],
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """The standby list per specialist and day: whom to call if someone does not come.

    For each specialist with appointments that day: unemployed customers with no
    appointment row that day (in any status, so not one who cancelled or missed one),
    available that day, own customers first, then the team's, most urgent first.
    """
    from kontaktplan.disruption import standby as run

    d = _date(day, "--day")
    loaded = load(folder, quiet or as_json)
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
    folder: ScenarioDir,
    appointment_id: AppointmentId,
    outcome: Annotated[str, typer.Argument(help="held, not_held, no_show or voided.")],
    out: Out,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Set an appointment's outcome: held, not_held, no_show or voided.

    Stattgefunden, nicht stattgefunden, nicht erschienen, storniert. A held qualified
    contact moves the customer's next deadline. Outcomes are set on the day: the
    folder's planning date moves to the appointment's day when that is later. Only a
    planned appointment gets an outcome, once: a second one (or one for a cancelled
    appointment, or voided during its specialist's absence) is refused, exit 2; correct a
    wrong outcome in the source system.
    """
    from kontaktplan.disruption import set_status
    from kontaktplan.domain import Status

    try:
        value = Status(outcome)
    except ValueError:
        raise fail(f"status must be held, not_held, no_show or voided, not {outcome!r}") from None
    target = check_out(out, folder, force=force)
    loaded = load(folder, quiet or as_json)
    result = _run(set_status, loaded.scenario, loaded.policy, appointment_id, value)
    _write(loaded, result, target, quiet, as_json)


@app.command()
def replan(
    folder: ScenarioDir,
    out: Out,
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=12, help="Weeks to plan from the first plannable week."),
    ] = 1,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds per CP-SAT model.")
    ] = 10.0,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, max=2**31 - 1, help="Random seed: same seed, same plan."),
    ] = 0,
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
    force: Force = False,
) -> None:
    """Re-plan after changes (absences, slots): keep valid bookings, move invalid ones.

    A booking of an absent specialist is handed over at the same date and time, or, when
    nobody is free, stays as it is and is listed for the team lead: it is never voided or
    moved. The other invalid bookings (holiday, slot gone) are moved: the old row is voided
    and the customer gets the earliest valid slot of their specialist. Then the horizon is
    planned as by `kontaktplan plan`. Prints each moved and escalated booking with its
    reason.
    """
    from kontaktplan.replan import replan as run

    target = check_out(out, folder, force=force)
    loaded = load(folder, quiet or as_json)
    outcome, result = _run(
        run,
        loaded.scenario,
        loaded.policy,
        weeks=weeks,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        check_slots=not keep_unslotted,
    )
    _write(loaded, outcome, target, quiet, as_json, base=result.to_dict())
