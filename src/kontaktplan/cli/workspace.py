"""The workspace commands (``db init|import|export|purge``, ``log``, ``undo``) and the
helpers that let every other command work in a workspace in place. Registered on the
``kontaktplan`` app by :mod:`kontaktplan.cli`.

A workspace is chosen with ``--db URL`` or ``KONTAKTPLAN_DB``; then a command leaves out
the folder argument and ``--out``: it loads the office from the store, runs the same
library call as in folder mode, and commits what changed with an event, in one
transaction. Exit 3 when another action changed what it relied on meanwhile.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kontaktplan.cli.common import (
    ActorName,
    AsJson,
    DbUrl,
    LangOption,
    OfficeGroup,
    Quiet,
    fail,
    load,
    output_lang,
    parse_day,
    say,
)
from kontaktplan.i18n import Lang, Phrase, translator
from kontaktplan.i18n.errors import message_of, os_reason, reason_of

if TYPE_CHECKING:
    from kontaktplan.io import Loaded

__all__ = [
    "IN_WORKSPACE",
    "commit_outcome",
    "db_app",
    "loaded",
    "positional",
    "resolve",
    "source",
    "worded",
]

CONFLICT = 3

IN_WORKSPACE: ContextVar[bool] = ContextVar("in_workspace", default=False)
"""True while a command works in a workspace (:func:`commit_outcome`): a refusal that
names a CSV file (no appointment 'X' in appointments.csv) names the workspace instead
(:func:`worded`)."""

_IN_FILES = ("err.no_appointment", "err.no_specialist", "err.no_customer")


def worded(e: Exception) -> Exception | str:
    """``e``, or in a workspace its phrase naming the workspace instead of a CSV file."""
    said = message_of(e)
    if IN_WORKSPACE.get() and isinstance(said, Phrase) and said.key in _IN_FILES:
        return Phrase(f"{said.key}_ws", **said.fields)
    return e


db_app = typer.Typer(
    cls=OfficeGroup,
    help="The office workspace: one database (SQLite file or PostgreSQL) everyone works in.",
    no_args_is_help=True,
)


def resolve(db: str | None) -> str | None:
    """The workspace URL of ``--db`` / ``KONTAKTPLAN_DB`` (a bare path is a SQLite file)."""
    if not db:
        return None
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def actor_name(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def positional(db: str | None, folder: Path | None, *rest: str | None) -> tuple[Any, ...]:
    """The positional arguments of a command whose first one is the folder: in a workspace
    the folder is left out, so what typer took as the folder is the next argument."""
    if db is None:
        if folder is None or None in rest:
            raise fail(Phrase("err.missing_folder"))
        return (folder, *rest)
    if (rest and rest[-1] is not None) or (not rest and folder is not None):
        raise fail(Phrase("err.folder_and_db"))
    shifted = (None if folder is None else str(folder), *rest[:-1]) if rest else ()
    if None in shifted:
        raise fail(Phrase("err.missing_argument"))
    return (None, *shifted)


def require_out(db: str | None, out: Path | None) -> Path | None:
    """``--out`` is needed on folders and not allowed in a workspace (changes stay in it)."""
    if db is None and out is None:
        raise fail(Phrase("err.missing_out"))
    if db is not None and out is not None:
        raise fail(Phrase("err.out_and_db"))
    return out


def _open(url: str):
    from sqlalchemy.exc import SQLAlchemyError

    from kontaktplan.store import StoreError, open_workspace

    try:
        return open_workspace(url)
    except ImportError as e:
        driver = Phrase("err.no_driver", name=str(e.name))
        raise fail(_db(driver)) from None
    except (FileNotFoundError, StoreError, SQLAlchemyError, ValueError) as e:
        raise fail(_db(reason_of(e))) from None


def snapshot(url: str, plan_json: bool = False, about: str | None = None):
    """The office loaded from the workspace; exit 2 if there is none. ``about``: the
    appointment an action is about; only the teams it touches are loaded."""
    ws = _open(url)
    return ws, _load(ws, plan_json, about)


def _load(ws, plan_json: bool = False, about: str | None = None):
    """:func:`kontaktplan.store.load`; exit 2 if there is no office."""
    from sqlalchemy.exc import SQLAlchemyError

    from kontaktplan.store import StoreError, load

    try:
        return load(ws, plan_json=plan_json, about=about or None)
    except (StoreError, SQLAlchemyError) as e:
        raise fail(_db(_short(e))) from None


@contextmanager
def _db_errors() -> Iterator[None]:
    """A database that cannot be reached or has no tables: exit 2 with one line."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as e:
        raise fail(_db(_short(e))) from None


def _refused(e: Exception) -> typer.Exit:
    """Exit 3 for a conflict (another writer: run again), else 2."""
    from kontaktplan.store import Conflict

    return fail(e, CONFLICT if isinstance(e, Conflict) else 2)


def _db(reason: str) -> str:
    """``--db: reason``."""
    return Phrase("err.at", where="--db", message=reason)


def _short(e: Exception) -> str:
    """A database error in one line; missing tables, or a column a newer migration adds
    (a workspace not yet upgraded), point to ``db init``."""
    said = message_of(e)
    if isinstance(said, Phrase):
        return said
    text = str(e).split("\n", 1)[0]
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return Phrase("err.no_tables")
    if "no such column" in text or ("column" in text and "does not exist" in text):
        return Phrase("err.old_tables")
    return os_reason(e, text) if isinstance(e, OSError) else text


def loaded(url: str):
    """The office as a :class:`kontaktplan.io.Loaded` for read-only commands (validate,
    standby, report, export); ``folder`` is the current folder, ``plan_json`` attached."""
    from kontaktplan.io import Loaded

    _, snap = snapshot(url, plan_json=True)
    out = Loaded(snap.scenario, snap.policy, Path.cwd())
    out.plan_json = snap.plan_json  # type: ignore[attr-defined]
    return out


def source(db: str | None, folder: Path | None, quiet: bool = False) -> Loaded:
    """The scenario of the folder, or of the workspace when one is chosen (``--db``)."""
    url = resolve(db)
    positional(url, folder)
    return loaded(url) if url else load(folder, quiet)  # type: ignore[arg-type]


def commit_outcome(
    url: str,
    command: str,
    args: dict[str, Any],
    call: Callable[[Any, Any], Any],
    *,
    actor: str | None,
    quiet: bool,
    as_json: bool,
    lines: Callable[[Any, Lang], list[str]] | None = None,
    plan_update: Callable[[Any], dict[str, Any]] | None = None,
    after: Callable[[Any], Any] | None = None,
    lang: Lang = "en",
    about: str | None = None,
    long_running: bool = False,
) -> None:
    """Run a command in the workspace: load, ``call(scenario, policy)`` as in folder mode,
    commit the changed rows with the event. By default ``call`` returns an Outcome (its
    scenario, its lines in English and in German for the event log and in ``lang`` for
    the terminal, its plan.json entry); the keyword functions adapt other results
    (``lines(result, lang)``: the lines in a language). ``about``: the one appointment the
    command is about (cancel, no-show, outcome): only the teams it touches are loaded
    (:func:`kontaktplan.store.load`).

    Where the only conflict is an id a new row was given, taken meanwhile by another
    action (two cancellations at once both numbering their backfill B…-001), the
    command runs again on the new state, saying so on stderr: holding the writers' turn,
    or, if ``long_running`` (plan, replan: a solve must not hold up the office), on its
    own (:func:`kontaktplan.store.running_again`)."""
    from functools import partial

    from sqlalchemy.exc import SQLAlchemyError

    from kontaktplan.store import Conflict, StoreError, commit, running_again, turn

    said = lines or (lambda r, lang: r.lines(lang))
    ws = _open(url)

    def run() -> tuple[Any, dict[str, Any], int]:
        snap = _load(ws, about=about)
        result = call(snap.scenario, snap.policy)
        new = after(result) if after else result.scenario
        update = plan_update(result) if plan_update else {"disruption": result.entry()}
        event = commit(
            ws,
            snap.scenario,
            new,
            expected_version=snap.version,
            actor=actor_name(actor),
            command=command,
            args=args,
            lines=said(result, "en"),
            lines_de=said(result, "de"),
            plan_json_update=update,
        )
        return result, update, event

    def again(e: Conflict) -> None:
        said_again = Phrase("cli.run_again", what=e.what, actor=e.actor, event=e.event_id)
        typer.echo(said_again.say(lang), err=True)

    working = IN_WORKSPACE.set(True)
    try:
        held = None if long_running else partial(turn, ws)
        result, update, event = running_again(run, again, turn=held)
    except Conflict as e:
        raise fail(e, CONFLICT) from None
    except (StoreError, SQLAlchemyError) as e:
        raise fail(_db(_short(e))) from None
    finally:
        IN_WORKSPACE.reset(working)
        ws.dispose()
    if as_json:
        entry = update.get("disruption") or {  # a plan: its summary, as on folders
            k: v for k, v in update["plan"].items() if k not in ("specialists", "deadlines")
        }
        typer.echo(json.dumps({"event": event, **entry}, indent=2, default=str))
        return
    if quiet:
        return
    for line in said(result, lang):
        typer.echo(line)
    typer.echo(translator(lang)("cli.committed", event=event))


# -- db init | import | export | purge, log, undo --------------------------------------


def _url(db: str | None) -> str:
    url = resolve(db)
    if url is None:
        raise fail(Phrase("err.no_workspace"))
    return url


@db_app.command("init")
def db_init(db: DbUrl = None, quiet: Quiet = False, lang: LangOption = None) -> None:
    """Make a workspace (or bring an existing one to the newest table layout).

    A SQLite file is created readable by its owner only. Exit 0; 2 if the database
    cannot be reached.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from kontaktplan.store import init

    url = _url(db)
    try:
        init(url).dispose()
    except (SQLAlchemyError, OSError) as e:
        raise fail(_db(_short(e))) from None
    if not quiet:
        say("cli.workspace_ready", url=_shown(url))


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("import")
def db_import(
    folder: Annotated[Path, typer.Argument(help="The scenario folder to import.", metavar="DIR")],
    db: DbUrl = None,
    actor: ActorName = None,
    quiet: Quiet = False,
    lang: LangOption = None,
) -> None:
    """Fill an empty workspace from a scenario folder (with its policy file and plan.json).

    The folder is read and checked as every command reads one; bad input names file,
    row and column, exit 2, and the workspace stays empty.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from kontaktplan.store import StoreError, import_folder

    url = _url(db)
    ws = _open(url)
    load(folder, True)  # bad input: exit 2 with file, row and column, before anything
    try:
        event = import_folder(ws, folder, actor_name(actor))
    except (StoreError, SQLAlchemyError) as e:
        raise fail(_db(_short(e))) from None
    if not quiet:
        say("cli.imported", folder=folder, url=_shown(url), event=event)


@db_app.command("export")
def db_export(
    out: Annotated[Path, typer.Option("--out", help="The scenario folder to write.")],
    db: DbUrl = None,
    quiet: Quiet = False,
    lang: LangOption = None,
) -> None:
    """Write the workspace as a scenario folder with plan.json, readable by the owner only.

    The folder equals what the same commands give in folder mode. It is replaced only
    if it is a scenario folder or empty.
    """
    from kontaktplan.io import InputError
    from kontaktplan.store import StoreError, export

    ws = _open(_url(db))
    try:
        with _db_errors():
            export(ws, out)
    except StoreError as e:  # an empty workspace: exit 2, nothing written
        raise fail(_db(_short(e))) from None
    except InputError as e:
        raise fail(e) from None
    if not quiet:
        say("cli.wrote", path=out)


@db_app.command("purge")
def db_purge(
    before: Annotated[str, typer.Option("--before", help="Remove closed history before this day.")],
    db: DbUrl = None,
    actor: ActorName = None,
    quiet: Quiet = False,
    lang: LangOption = None,
) -> None:
    """Remove closed history older than the retention period of the policy file.

    Appointments held, not held, cancelled, missed or voided that ended before the day,
    and absences that ended before it, leave the workspace and the old events' row images.
    The purge itself is logged. Exit 2 if the day lies within the retention period.
    """
    from kontaktplan.store import StoreError, purge

    day = parse_day(before, "--before")
    ws = _open(_url(db))
    try:
        with _db_errors():
            event = purge(ws, day, actor_name(actor))
    except StoreError as e:
        raise _refused(e) from None
    if not quiet:
        from kontaktplan.store import log

        for line in log(ws)[-1].said(output_lang()):  # the purge's line, as recorded
            typer.echo(line)
        say("cli.committed", event=event)


def log_command(
    since: Annotated[str | None, typer.Option("--since", help="From this day (UTC) on.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's.")] = None,
    db: DbUrl = None,
    show_lines: Annotated[bool, typer.Option("--lines", help="Also the reasons printed.")] = False,
    as_json: AsJson = False,
    lang: LangOption = None,
) -> None:
    """The workspace's event log: who did what when, how many rows it changed.

    With --lines also the lines the action printed, in the output's language (events
    written before the workspace kept German lines show their English ones); --json
    gives them in English."""
    from kontaktplan.store import log

    day = parse_day(since, "--since")
    ws = _open(_url(db))
    with _db_errors():
        events = log(ws, since=day, actor=actor)
    if as_json:
        data = [
            {k: v for k, v in e.__dict__.items() if k not in ("changes", "lines_de")}
            | {"rows": len(e.changes)}
            for e in events
        ]
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    lang = output_lang()
    for e in events:
        typer.echo(e.summary(lang))
        if show_lines:
            for line in e.said(lang):
                typer.echo(f"         {line}")


def undo_command(
    event: Annotated[
        int | None,
        typer.Argument(help="The event to undo (default: the last action).", metavar="EVENT_ID"),
    ] = None,
    db: DbUrl = None,
    actor: ActorName = None,
    quiet: Quiet = False,
    lang: LangOption = None,
) -> None:
    """Reverse an action by a new, compensating event (history is never rewritten).

    Refused (exit 2) if a later event changed any of the same rows: undo that one first.
    The planning date does not move back.
    """
    from kontaktplan.store import StoreError, undo

    ws = _open(_url(db))
    try:
        with _db_errors():
            new = undo(ws, event, actor_name(actor))
    except StoreError as e:
        raise _refused(e) from None
    if not quiet:
        from kontaktplan.store import log

        done = log(ws)[-1]
        for line in done.said(output_lang()):  # "undid event …", as recorded
            typer.echo(line)
        say("cli.restored", event=new, n=len(done.changes))
