"""``kontaktplan serve`` (the web app) and ``kontaktplan user`` (its users and roles).

Registered on the ``kontaktplan`` app by :mod:`kontaktplan.cli`.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import DbUrl, LangOption, OfficeGroup, fail, say
from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import os_reason

user_app = typer.Typer(
    cls=OfficeGroup, help="Users of the web app and their roles.", no_args_is_help=True
)
Db = DbUrl


def _workspace(db: str | None):
    """The workspace of ``--db`` / ``KONTAKTPLAN_DB``, its tables brought up to date."""
    from kontaktplan.cli.workspace import resolve

    url = resolve(db)
    if url is None:
        raise fail(Phrase("err.no_workspace"))
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from kontaktplan.web.workspace import WebWorkspace
    except ImportError as e:  # the optional extra is missing
        raise fail(Phrase("err.web_extra", reason=str(e))) from None
    try:
        return WebWorkspace(url)
    except (SQLAlchemyError, OSError) as e:
        line = str(e).splitlines()[0]
        reason = os_reason(e, line) if isinstance(e, OSError) else line
        raise fail(Phrase("err.at", where="--db", message=reason)) from None


@user_app.command("add")
def user_add(
    name: Annotated[
        str, typer.Argument(help="Login name (pseudonymous staff id is fine).", metavar="NAME")
    ],
    role: Annotated[str, typer.Option("--role", help="planner, teamlead or viewer.")],
    db: Db = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Add a user of the web app (the password is asked for, or read from stdin)."""
    from kontaktplan.web.auth import UserError, add_user

    ws = _workspace(db)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(ws, name, role, password)
    except UserError as e:
        raise fail(e) from None
    say("cli.user_added", name=name, role=role)


@user_app.command("list")
def user_list(db: Db = None) -> None:
    """List the users and their roles."""
    from kontaktplan.web.auth import list_users

    for u in list_users(_workspace(db)):
        typer.echo(f"{u.name}\t{u.role}")


def serve(
    db: Db = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    demo: Annotated[
        Path | None,
        typer.Option(
            "--demo",
            help="Import this scenario folder into an empty workspace first and add the "
            "user 'demo' (team lead, password 'demo-demo').",
        ),
    ] = None,
    plan_time_limit: Annotated[
        float, typer.Option("--plan-time-limit", min=0.1, help="Seconds per specialist model.")
    ] = 10.0,
    lang: LangOption = None,
) -> None:
    """The planners' web app: week board, daily actions, plan drafts, lists, log, API."""
    from kontaktplan.io import InputError

    ws = _workspace(db)
    if demo is not None and ws.is_empty():
        from kontaktplan.web.auth import UserError, add_user

        try:
            ws.import_folder(demo, actor="demo")
        except InputError as e:
            raise fail(e) from None
        with contextlib.suppress(UserError):  # a demo user from an earlier start
            add_user(ws, "demo", "teamlead", "demo-demo")
        say("cli.demo_imported", demo=demo)
    if ws.is_empty():
        raise fail(Phrase("err.no_office"))
    import uvicorn

    from kontaktplan.web import create_app

    say("cli.serving", host=host, port=port)
    uvicorn.run(
        create_app(ws, plan_time_limit=plan_time_limit), host=host, port=port, log_level="warning"
    )
