"""Disruption commands (*Terminausfallmanagement*): cancel, absence, resolve, noshow,
standby, replan (status lives with the front-desk commands, :mod:`kontaktplan.cli.desk`).
Registered on the app by :mod:`kontaktplan.cli.app`.

Each reads a scenario folder and writes a new one with ``--out`` (all or nothing; ``--out``
may be the input folder), prints what it changed and why in the language of ``--lang``,
and appends the record to the ``disruptions`` list of ``plan.json`` (the input's plan.json
is kept otherwise; the record, like the workspace's event log, keeps the English text).
Exit 0; 2 on bad input (unknown id, bad date), with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from typer.core import TyperCommand

from kontaktplan.cli.common import (
    ActorName,
    AsJson,
    DbUrl,
    Force,
    LangOption,
    MaybeScenarioDir,
    Quiet,
    Seed,
    Solver,
    SolverChoice,
    TimeLimit,
    Weeks,
    Workers,
    check_out,
    fail,
    language,
    load,
    save,
)
from kontaktplan.cli.common import parse_day as _date
from kontaktplan.cli.workspace import source
from kontaktplan.i18n import Lang, Phrase, translator, written
from kontaktplan.i18n.errors import reason_of
from kontaktplan.io import InputError, Loaded
from kontaktplan.io.output import Target

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


def _now(on: str | None) -> dt.datetime:
    """``--on`` as a moment: a date means the end of that day, ``YYYY-MM-DDTHH:MM`` that
    time; default the real clock in Europe/Berlin (the appointments' local time)."""
    if on is None:
        return dt.datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
    if "T" in on or " " in on:
        try:
            return dt.datetime.fromisoformat(on)
        except ValueError:
            raise fail(Phrase("err.bad_moment", text=on)) from None
    return dt.datetime.combine(_date(on, "--on"), dt.time.max)


def _in_range(policy, **days: dt.date | None) -> None:
    """Dates given on the command line lie in the policy's range, as every date read does
    (issue 11.11): a folder written with one out of range could not be read again."""
    rules = policy.input
    for option, day in days.items():
        if day is not None and not rules.earliest_date <= day <= rules.latest_date:
            first, last = rules.earliest_date, rules.latest_date
            what = Phrase("err.day_outside", day=day, first=first, last=last)
            raise fail(Phrase("err.at", where=f"--{option}", message=what))


def _run(fn, *args: Any, **kwargs: Any):
    """Call the library; a :class:`DisruptionError` is bad input (exit 2, nothing written)."""
    from kontaktplan.cli.workspace import worded
    from kontaktplan.disruption import DisruptionError, Outcome

    started = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
    except (DisruptionError, InputError) as e:
        raise fail(worded(e)) from None
    outcome = result[0] if isinstance(result, tuple) else result
    if isinstance(outcome, Outcome):
        outcome.figures["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _write(
    loaded: Loaded,
    outcome,
    target: Target,
    quiet: bool,
    as_json: bool,
    base: dict | None = None,
    lang: Lang = "en",
) -> None:
    """Write the result folder with the outcome appended to plan.json (in English, as
    stored), then print what changed in ``lang``."""
    from kontaktplan.disruption import plan_json
    from kontaktplan.io.output import regular_file

    previous = loaded.folder / "plan.json"
    try:
        has_log = regular_file(previous, str(previous))
        text = previous.read_text(encoding="utf-8") if has_log else None
        report = plan_json(text, outcome, base)
    except InputError as e:
        raise fail(e) from None
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as e:
        raise fail(Phrase("err.bad_plan_json", path=previous, reason=reason_of(e))) from None
    save(outcome.scenario, target, extra={"plan.json": report}, read=loaded)
    if as_json:
        typer.echo(json.dumps(outcome.entry(), indent=2, default=str))
    elif not quiet:
        for line in outcome.lines(lang):
            typer.echo(line)
        typer.echo(translator(lang)("cli.wrote", path=target.path))


@dataclass(frozen=True)
class Where:
    """Where a command works: in a workspace (``url``), or on ``folder`` writing ``target``."""

    url: str | None
    folder: Path | None
    target: Target | None


def where(db: str | None, folder: Path | None, out: Path | None, force: bool, *rest):
    """The workspace or the folder (its ``--out`` checked before any work), and the
    command's other positional arguments (shifted when the folder is left out)."""
    from kontaktplan.cli.workspace import positional, require_out, resolve

    url = resolve(db)
    folder, *rest = positional(url, folder, *rest)
    out = require_out(url, out)
    target = None if url else check_out(out, folder, force=force)
    return Where(url, folder, target), *rest


def act(
    w: Where,
    command: str,
    args: dict[str, Any],
    call,
    *,
    actor,
    quiet,
    as_json,
    lang: Lang,
    about: str | None = None,
) -> None:
    """Run ``call(scenario, policy) -> Outcome`` in the workspace (one transaction and
    event; ``about``: the one appointment it is about, see ``commit_outcome``) or on the
    folder (the result folder written); print in ``lang``."""
    from kontaktplan.cli.workspace import commit_outcome

    done = []

    def keep(scenario, policy):
        done.append(call(scenario, policy))
        return done[-1]

    if w.url:
        commit_outcome(
            w.url,
            command,
            args,
            keep,
            actor=actor,
            quiet=quiet,
            as_json=as_json,
            lang=lang,
            about=about,
        )
    else:
        loaded = load(w.folder, quiet or as_json)
        _write(loaded, keep(loaded.scenario, loaded.policy), w.target, quiet, as_json, lang=lang)
    _escalations_due(done[-1], lang)


def _escalations_due(outcome, lang: Lang) -> None:
    """Exit 1 (after writing) when the command left appointments whose day has come with
    their specialist absent and nobody free: the result breaks the ``absence`` rule until
    the team lead acts, so it must not look like a clean success (``validate`` exits 1)."""
    today = outcome.scenario.today
    due = [
        c.appointment_id
        for c in getattr(outcome, "escalations", ())
        if c.action == "escalated" and c.start and c.start.date() <= today  # in an absence
    ]
    if due:
        ids = ", ".join(due[:5]) + (" …" if len(due) > 5 else "")
        typer.echo(translator(lang)("cli.escalation_due", n=len(due), ids=ids), err=True)
        raise typer.Exit(1)


class OptionalFill(TyperCommand):
    """``--fill`` without a number means ``--fill 1``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        args = list(args)
        for i, a in enumerate(args):
            if a == "--fill" and (i + 1 == len(args) or not args[i + 1].isdigit()):
                args.insert(i + 1, "1")
                break
        return super().parse_args(ctx, args)


def cancel(
    folder: MaybeScenarioDir = None,
    appointment_id: AppointmentId = None,
    out: Out = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="Day the cancellation came in, TT.MM.JJJJ or JJJJ-MM-TT (default: today)."
        ),
    ] = None,
    fill: Annotated[
        int | None,
        typer.Option(
            "--fill",
            min=1,
            metavar="[N]",
            help="Book the N-th proposed candidate (--fill alone: the first), also less than "
            "7 days ahead.",
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """A customer cancels (abgesagt): backfill the freed slot with another customer.

    At least 7 days ahead (policy: backfill_notice_days) the best customer of the same
    specialist is invited at once into the freed slot (at least 4 days' notice); closer
    to the day the top 5 candidates are only proposed, and --fill N books the N-th
    (--fill alone: the first). Closer than 4 days a letter comes too late: the candidates
    are asked by phone (short_notice_days). The cancelling customer keeps their deadline.
    """
    from kontaktplan.disruption import cancel as run

    w, appointment_id = where(db, folder, out, force, appointment_id)
    day = _date(on, "--on")

    def call(scenario, policy):
        _in_range(policy, on=day)
        return _run(run, scenario, policy, appointment_id, day or scenario.today, fill=fill or 0)

    args = {"appointment_id": appointment_id, "on": on, "fill": fill}
    act(
        w, "cancel", args, call, actor=actor, quiet=quiet, as_json=as_json, lang=language(lang),
        about=appointment_id,
    )  # fmt: skip


def absence(
    first: Annotated[
        str, typer.Option("--from", help="First day of the absence, TT.MM.JJJJ or JJJJ-MM-TT.")
    ],
    last: Annotated[
        str, typer.Option("--to", help="Last day of the absence, TT.MM.JJJJ or JJJJ-MM-TT.")
    ],
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
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """A specialist is absent: add it to absences.csv and hand the appointments over.

    No appointment is cancelled. Each keeps its date and time and moves to the named
    substitute (Vertretung) if free and under the daily cap, else to a free specialist of
    the team (balancing their load); what cannot move is listed for the team lead.
    """
    from kontaktplan.disruption import absence as run

    w, specialist = where(db, folder, out, force, specialist)
    d1, d2 = _date(first, "--from"), _date(last, "--to")

    def call(scenario, policy):
        _in_range(policy, **{"from": d1, "to": d2})
        return _run(run, scenario, policy, specialist, d1, d2, reason=reason, time_limit=time_limit)

    args = {"specialist_id": specialist, "from": first, "to": last, "reason": reason}
    act(w, "absence", args, call, actor=actor, quiet=quiet, as_json=as_json, lang=language(lang))


def noshow(
    folder: MaybeScenarioDir = None,
    appointment_id: AppointmentId = None,
    out: Out = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="The day (YYYY-MM-DD, the end of it) or time (YYYY-MM-DDTHH:MM) of the "
            "no-show; default: now. An appointment that has not started cannot be missed.",
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
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
    from kontaktplan.disruption import noshow as run

    w, appointment_id = where(db, folder, out, force, appointment_id)
    now = _now(on)

    def call(scenario, policy):
        return _run(run, scenario, policy, appointment_id, now=now)

    args = {"appointment_id": appointment_id, "on": on}
    act(
        w, "noshow", args, call, actor=actor, quiet=quiet, as_json=as_json, lang=language(lang),
        about=appointment_id,
    )  # fmt: skip


def standby(
    day: Annotated[str, typer.Option("--day", help="The day, TT.MM.JJJJ or JJJJ-MM-TT.")],
    folder: MaybeScenarioDir = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    db: DbUrl = None,
) -> None:
    """The standby list per specialist and day: whom to call if someone does not come.

    For each specialist working that day (not absent) with appointments: unemployed
    customers with no appointment row that day (in any status, so not one who cancelled
    or missed one), available that day, own customers first, then the team's, most
    urgent first.
    """
    from kontaktplan.disruption import standby as run

    d = _date(day, "--day")
    loaded = source(db, folder, quiet or as_json)
    lists = run(loaded.scenario, loaded.policy, d)
    if as_json:
        data = {sid: [r.to_dict() for r in items] for sid, items in lists.items()}
        typer.echo(json.dumps({"day": d.isoformat(), "standby": data}, indent=2))
        return
    words = language(lang)
    if not lists:
        typer.echo(translator(words)("standby.none", day=written(d, words)))
    for sid, items in lists.items():
        typer.echo(f"{sid}:")
        for i, r in enumerate(items, 1):
            why = written(r.reasons, words)
            typer.echo(f"  {i}. {r.customer_id} ({r.customer.specialist_id}): {why}")


def replan(
    folder: MaybeScenarioDir = None,
    out: Out = None,
    weeks: Weeks = 1,
    solver: Solver = SolverChoice.cpsat,
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    workers: Workers = None,
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
    lang: LangOption = None,
    force: Force = False,
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
    from kontaktplan.cli.workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.disruption.replan import replan as run

    words = language(lang)
    url = resolve(db)
    positional(url, folder)
    out = require_out(url, out)
    target = None if url else check_out(out, folder, force=force)

    def call(scenario, policy):
        return _run(
            run,
            scenario,
            policy,
            weeks=weeks,
            solver=solver.value,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            check_slots=not keep_unslotted,
        )

    done = []

    def keep(scenario, policy):
        done.append(call(scenario, policy))
        return done[-1]

    if url:
        args = {"weeks": weeks, "solver": solver.value, "time_limit": time_limit, "seed": seed}
        commit_outcome(
            url,
            "replan",
            args,
            keep,
            actor=actor,
            quiet=quiet,
            as_json=as_json,
            lines=lambda r, lang: r[0].lines(lang),
            plan_update=lambda r: {"plan": r[1].to_dict(), "disruption": r[0].entry()},
            after=lambda r: r[0].scenario,
            lang=words,
            long_running=True,
        )
    else:
        loaded = load(folder, quiet or as_json)
        outcome, result = keep(loaded.scenario, loaded.policy)
        _write(loaded, outcome, target, quiet, as_json, base=result.to_dict(), lang=words)
    _escalations_due(done[-1][0], words)


def resolve(
    folder: MaybeScenarioDir = None,
    appointment_id: AppointmentId = None,
    out: Out = None,
    choice: Annotated[
        int,
        typer.Option("--choice", min=1, help="Which proposal to apply (1 = the best)."),
    ] = 1,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Resolve an absence escalation: book one of its ranked proposals.

    For an appointment left with an absent specialist (nobody free at the same time): the
    own specialist back from the absence, the substitute or a team colleague at a time
    close to it, in the customer's mode, else by video or by phone with the documented
    exception where the rule set counts them; never after a deadline the old time kept.
    The old appointment is voided with its reason, the new one booked today (the customer
    is asked by phone: short_notice_days). Nothing is cancelled. `kontaktplan absence` and
    `kontaktplan replan` print the proposals; exit 2 when there is none to apply.
    """
    from kontaktplan.disruption.resolve import resolve as run

    w, appointment_id = where(db, folder, out, force, appointment_id)

    def call(scenario, policy):
        return _run(run, scenario, policy, appointment_id, choice)

    args = {"appointment_id": appointment_id, "choice": choice}
    act(w, "resolve", args, call, actor=actor, quiet=quiet, as_json=as_json, lang=language(lang))
