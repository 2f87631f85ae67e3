"""Front-desk commands: status (one outcome, or a whole day's), import outcomes, slot, group.
Registered on the ``kontaktplan`` app by :mod:`kontaktplan.cli`.

Like the disruption commands: read a scenario folder, write a new one with ``--out`` (all
or nothing; ``--out`` may be the input folder), print what changed and why (in the
language of ``--lang``), and append the record to ``plan.json``'s ``disruptions``. Exit 2
on bad input, nothing written.

"Now" (has an appointment started, so that it can have an outcome?) is the real clock in
Europe/Berlin, or the end of the day given with ``--on`` (a day's outcomes entered the
next morning: ``--on`` that day).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import (
    ActorName,
    AsJson,
    DbUrl,
    Force,
    LangOption,
    MaybeScenarioDir,
    Quiet,
    check_out,
    fail,
    language,
    load,
)
from kontaktplan.cli.disruption import Out, Where, _date, _now, _run, act, where
from kontaktplan.i18n import Phrase, translator, written

On = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="The day (YYYY-MM-DD, the end of it) or time (YYYY-MM-DDTHH:MM) the outcomes are "
        "known; default: now. An appointment that has not started gets no outcome but voided.",
    ),
]
NoNext = Annotated[
    bool,
    typer.Option(
        "--no-next", help="Do not book the next appointment at the end of a held contact."
    ),
]


def _ids(text: str | None, option: str) -> set[str]:
    if text is None:
        return set()
    ids = {t.strip() for t in text.replace(";", ",").split(",")}
    if "" in ids:
        raise fail(Phrase("err.empty_id", option=option, text=text))
    return ids


def status(
    folder: MaybeScenarioDir = None,
    out: Out = None,
    appointment_id: Annotated[
        str | None,
        typer.Argument(
            help="appointment_id in appointments.csv (not with --day).",
            show_default=False,
            metavar="APPOINTMENT_ID",
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Argument(
            help="held, not_held, no_show or voided.", show_default=False, metavar="OUTCOME"
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--day",
            help="Record a whole day (YYYY-MM-DD): every planned appointment held, "
            "except those listed.",
        ),
    ] = None,
    held_except: Annotated[
        str | None,
        typer.Option("--held-except", help="With --day: ids (comma-separated) not held."),
    ] = None,
    no_show: Annotated[
        str | None,
        typer.Option("--no-show", help="With --day: ids of no-shows (re-invited in person)."),
    ] = None,
    not_held: Annotated[
        str | None,
        typer.Option("--not-held", help="With --day: ids not held (nicht stattgef.)."),
    ] = None,
    on: On = None,
    no_next: NoNext = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Set outcomes: one appointment's (ID OUTCOME), or a whole day's (--day).

    Stattgefunden, nicht stattgefunden, nicht erschienen, storniert. An outcome is set
    once, on a planned appointment that has started (voided also before); a second one,
    a mistyped id or an appointment still ahead is bad input (exit 2, nothing changes).
    A held qualified contact moves the customer's next deadline, prints the category
    review if the stored category contradicts the rules, and books the next appointment
    with the own specialist before the new deadline (--no-next skips it). With --day,
    every planned appointment of the day is held except those in --held-except,
    --no-show and --not-held; no-shows are re-invited in person (the standby call is made
    on the spot with `kontaktplan noshow`); excepted ids with no other outcome stay
    planned.
    """
    from kontaktplan.cli.workspace import positional, require_out, resolve
    from kontaktplan.disruption import set_status
    from kontaktplan.disruption.desk import record_day
    from kontaktplan.domain import Status

    url = resolve(db)
    if url is not None and day is None:
        _, appointment_id, outcome = positional(url, folder, appointment_id, outcome)
    elif url is not None:
        positional(url, folder)
    out = require_out(url, out)
    target = None if url else check_out(out, folder, force=force)
    now = _now(on)
    if day is None:
        if appointment_id is None or outcome is None:
            raise fail(Phrase("err.status_args"))
        if held_except or no_show or not_held:
            raise fail(Phrase("err.day_options"))
        try:
            value = Status(outcome)
        except ValueError:
            raise fail(Phrase("err.bad_outcome", outcome=outcome)) from None
        args = {"appointment_id": appointment_id, "outcome": outcome, "on": on}

        def call(scenario, policy):
            return _run(
                set_status,
                scenario,
                policy,
                appointment_id,
                value,
                now=now,
                next_contact=not no_next,
            )
    else:
        if appointment_id is not None or outcome is not None:
            raise fail(Phrase("err.day_and_id"))
        d = _date(day, "--day")
        sets = (
            _ids(held_except, "--held-except"),
            _ids(no_show, "--no-show"),
            _ids(not_held, "--not-held"),
        )
        args = {"day": day, "held_except": held_except, "no_show": no_show, "on": on}
        args["not_held"] = not_held

        def call(scenario, policy):
            return _run(
                record_day,
                scenario,
                policy,
                d,
                held_except=sets[0],
                no_show=sets[1],
                not_held=sets[2],
                now=now,
                next_contact=not no_next,
            )

    act(
        Where(url, folder, target),
        "status",
        args,
        call,
        actor=actor,
        quiet=quiet,
        as_json=as_json,
        lang=language(lang),
        about=appointment_id,
    )


def import_outcomes(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with the columns appointment_id, status (held, not_held, no_show, voided).",
            metavar="FILE",
            show_default=False,
        ),
    ],
    folder: MaybeScenarioDir = None,
    out: Out = None,
    on: On = None,
    no_next: NoNext = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Record outcomes from a file (appointment_id, status), all or nothing.

    Each row is checked as `kontaktplan status` checks one outcome; a bad row is named by
    file, row and column (exit 2, nothing written). No-shows are re-invited in person;
    held contacts get their next appointment (--no-next skips it).
    """
    from kontaktplan.disruption.desk import import_outcomes as run

    now = _now(on)
    if not file.is_file():
        raise fail(Phrase("err.at", where=file, message=Phrase("err.no_file")))
    (w,) = where(db, folder, out, force)

    def call(scenario, policy):
        return _run(run, scenario, policy, file, now=now, next_contact=not no_next)

    args = {"file": str(file), "on": on, "no_next": no_next}
    act(
        w, "import_outcomes", args, call,
        actor=actor, quiet=quiet, as_json=as_json, lang=language(lang),
    )  # fmt: skip


def slot(
    folder: MaybeScenarioDir = None,
    customer_id: Annotated[
        str | None,
        typer.Argument(
            help="customer_id in customers.csv.", show_default=False, metavar="CUSTOMER_ID"
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="first_interview or follow_up (checked against the history)."),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option("--from", help="Earliest day to offer, YYYY-MM-DD (the lead time holds)."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Day of the booking, YYYY-MM-DD (default: the planning date)."),
    ] = None,
    book: Annotated[
        int | None, typer.Option("--book", min=1, help="Book the N-th slot of the list.")
    ] = None,
    show: Annotated[int, typer.Option("--show", min=1, help="Slots to list.")] = 10,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to write with --book (may be the input; not in a workspace)."
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Find a slot for one customer: the ranked free slots with reasons; --book N books one.

    Own specialist first (a team colleague only when the own specialist has no slot
    before the deadline), before the deadline first, a week under its target and a day
    that keeps the week even first, then the earliest. Only slots every booking rule
    allows are listed (lead time, daily cap, the customer's unavailable days and
    half-days, minimum gap, slot length and mode); what was left out is counted by reason.
    """
    from kontaktplan.cli.workspace import IN_WORKSPACE, positional, resolve
    from kontaktplan.cli.workspace import loaded as in_workspace
    from kontaktplan.disruption.slot_finder import slot as run
    from kontaktplan.domain import Kind

    url = resolve(db)
    if book is not None and out is None and url is None:
        raise fail(Phrase("err.book_out"))
    if url is not None and out is not None:
        raise fail(Phrase("err.out_and_db"))
    folder, customer_id = positional(url, folder, customer_id)
    if kind is not None and kind not in ("first_interview", "follow_up"):
        raise fail(Phrase("err.bad_kind", kind=kind))
    d_first, d_on = _date(first, "--from"), _date(on, "--on")
    words = language(lang)

    def call(scenario, policy):
        return _run(
            run,
            scenario,
            policy,
            customer_id,
            kind=Kind(kind) if kind else None,
            first=d_first,
            on=d_on,
            book=book,
        )

    if book is not None:

        def booked(scenario, policy):
            outcome = call(scenario, policy)[0]
            outcome.candidates = []
            return outcome

        target = None if url else check_out(out, folder, force=force)
        args = {"customer_id": customer_id, "kind": kind, "from": first, "on": on, "book": book}
        act(
            Where(url, folder, target), "slot", args, booked,
            actor=actor, quiet=quiet, as_json=as_json, lang=words,
        )  # fmt: skip
        return
    loaded = in_workspace(url) if url else load(folder, quiet or as_json)
    working = IN_WORKSPACE.set(url is not None)
    try:
        outcome, offers = call(loaded.scenario, loaded.policy)
    finally:
        IN_WORKSPACE.reset(working)
    if as_json:
        data = outcome.entry() | {"slots": [o.to_dict() for o in offers[:show]]}
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    if quiet:
        return
    t = translator(words)
    for line in outcome.notes:
        typer.echo(written(line, words))
    if not offers:
        typer.echo(t("slot.none"))
    for i, o in enumerate(offers[:show], 1):
        typer.echo(f"  {i}. {o.line(words)}")
    if len(offers) > show:
        typer.echo(t("slot.more", n=len(offers) - show))


def group(
    specialist: Annotated[str, typer.Option("--specialist", help="specialist_id who holds it.")],
    at: Annotated[str, typer.Option("--at", help="Start, YYYY-MM-DDTHH:MM (in a free slot).")],
    capacity: Annotated[int, typer.Option("--capacity", min=1, help="Seats.")],
    folder: MaybeScenarioDir = None,
    out: Out = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Plan a group session (Gruppenberatung): invite the customers it helps most.

    Invited: the specialist's own customers for whom a group session counts as a
    qualified contact under the policy, with no group session in the last 12 months, who
    can take the time under every booking rule (normal lead time, no other appointment
    that day or booking ahead, minimum gap, availability), due soonest first; one
    appointment row each (kind group_session, same time, same specialist).
    """
    from kontaktplan.disruption.group import group_session

    try:
        start = dt.datetime.fromisoformat(at)
    except ValueError:
        raise fail(
            Phrase("err.at", where="--at", message=Phrase("err.not_time", text=at))
        ) from None
    (w,) = where(db, folder, out, force)

    def call(scenario, policy):
        return _run(group_session, scenario, policy, specialist, start, capacity)

    args = {"specialist": specialist, "at": at, "capacity": capacity}
    act(w, "group", args, call, actor=actor, quiet=quiet, as_json=as_json, lang=language(lang))


__all__ = ["group", "import_outcomes", "slot", "status"]
