"""The ``kontaktplan`` program: hands the command to the resident process if one runs,
else runs it here.

A command that starts Python loads its libraries first (SQLAlchemy, pydantic, typer,
our models): most of a ``cancel`` or ``status`` in a workspace (issue 13). The resident
process (``kontaktplan resident start``, :mod:`kontaktplan.resident.server`) has them loaded;
for each command it forks a copy that runs the command with this process's arguments,
working folder, environment, standard input, output and error, and sends back the exit
code. The command itself is the same code either way: the same checks, the same
transaction, the same output.

This module uses the standard library only (``import kontaktplan`` loads nothing else),
so that handing over costs the interpreter's start and little more. Where no resident
process answers, or ``KONTAKTPLAN_RESIDENT=off``, the command runs in this process, as
it always did.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys

from kontaktplan.resident.channel import framed, peer_uid, socket_path

__all__ = ["main"]


HIDDEN_PROMPT = ("user", "add")
"""The command that asks for a password at the terminal without echoing it (unless
``--password-stdin``): it runs here, the resident process has no terminal of its own to
switch the echo off on."""


def _handed_over(argv: list[str]) -> int | None:
    """The exit code of the command run by the resident process; None where none answers
    or it declines (its code changed since it started): then the command runs here."""
    if os.environ.get("KONTAKTPLAN_RESIDENT") == "off":
        return None
    if tuple(argv[:2]) == HIDDEN_PROMPT and "--password-stdin" not in argv:
        return None
    path = socket_path()
    if not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        if peer_uid(conn) != os.getuid():  # the environment (a database password in
            conn.close()  # KONTAKTPLAN_DB, say) goes to the user's own process only
            return None
        umask = os.umask(0o077)
        os.umask(umask)  # read, and put back: the command's files are made with it
        request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask}
        socket.send_fds(conn, [framed(request)], [0, 1, 2])
        reply = conn.makefile("r", encoding="utf-8")
        first = reply.readline().split()
    except OSError:
        conn.close()
        return None
    except KeyboardInterrupt:  # before the command started: it does not start
        conn.close()
        return 130
    if first[:1] != ["pid"]:
        conn.close()
        return None  # declined (stale code) or not our resident process
    child = int(first[1])

    def interrupt(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)  # Ctrl-C stops the command, as it would here

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, interrupt)
    try:
        last = reply.readline().split()
    finally:
        conn.close()
    if last[:1] != ["exit"]:  # rare: the catalogue is loaded for it only
        from kontaktplan.i18n import Phrase, default_lang

        line = Phrase("err.line", message=Phrase("err.resident_lost")).say(default_lang())
        sys.stderr.write(line + "\n")
        return 1
    return int(last[1])


def main() -> None:
    """The ``kontaktplan`` command."""
    code = _handed_over(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from kontaktplan.cli import app

    app(prog_name="kontaktplan")
