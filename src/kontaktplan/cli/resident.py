"""``kontaktplan resident start|stop|status``: the program kept loaded in the background
(:mod:`kontaktplan.resident.server`), so that each command starts in a fraction of the time.

Registered on the ``kontaktplan`` app by :mod:`kontaktplan.cli`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Annotated

import typer

from kontaktplan.cli.common import LangOption, OfficeGroup, fail, say
from kontaktplan.i18n import Phrase

resident_app = typer.Typer(
    cls=OfficeGroup,
    help="Keep the program loaded in the background: every later command starts faster.",
    no_args_is_help=True,
)

Wait = Annotated[float, typer.Option("--wait", min=1.0, help="Seconds to wait for it to answer.")]


def start(wait: Wait = 30.0, lang: LangOption = None) -> None:
    """Start the resident process of this installation (one per user; its socket can be
    reached by this user only). Commands run as before, with the same output, exit codes
    and transactions; KONTAKTPLAN_RESIDENT=off runs one without it."""
    from kontaktplan.resident.channel import ping, socket_path

    path = socket_path()
    if (pid := ping(path)) is not None:
        say("cli.resident_running", pid=pid, path=path)
        return
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    log = os.path.join(folder, "resident.log")
    with open(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kontaktplan.resident.server", path],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            cwd="/",  # no folder of the caller's on its module path
            env={**os.environ, "KONTAKTPLAN_RESIDENT": "off"},
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process.poll() is None:  # None: still starting
        if (pid := ping(path)) is not None:
            say("cli.resident_ready", pid=pid, path=path)
            return
        time.sleep(0.1)
    raise fail(Phrase("err.resident_start", seconds=wait, log=log), code=1)


def stop(lang: LangOption = None) -> None:
    """Stop the resident process; commands then load the program each time again."""
    from kontaktplan.resident.channel import request_stop, socket_path

    path = socket_path()
    if request_stop(path):
        say("cli.resident_stopped", path=path)
    else:
        say("cli.resident_none", path=path)


def status(lang: LangOption = None) -> None:
    """Whether the resident process runs (exit 0) or not (exit 1)."""
    from kontaktplan.resident.channel import ping, socket_path

    path = socket_path()
    if (pid := ping(path)) is not None:
        say("cli.resident_running", pid=pid, path=path)
        return
    say("cli.resident_none", path=path)
    raise typer.Exit(1)


resident_app.command("start")(start)
resident_app.command("stop")(stop)
resident_app.command("status")(status)
