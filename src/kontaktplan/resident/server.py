"""The resident process: the program loaded once, a fresh copy of it for every command.

``kontaktplan resident start`` runs :func:`serve` in the background (``python -m
kontaktplan.resident.server``). It loads the
command line and the libraries every command needs, then waits on a Unix socket that
only its user can reach (:func:`kontaktplan.resident.channel.socket_path`). For each command the
launcher sends its arguments, working folder and environment, and its standard input,
output and error (as file descriptors); the resident process forks, and the child takes
them over and runs the command exactly as ``kontaktplan`` would, then reports its exit
code. The parent never runs a command: every child starts from the same state, and a
command's transaction, checks and output are those of a command run on its own. Several
commands at once are several children (the store's optimistic concurrency is unchanged).

It declines a command, and stops, when the code it loaded has changed on disk (an
update): the launcher then runs the command itself. Requests from another user are
refused (``SO_PEERCRED``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import logging
import os
import signal
import socket
import stat
import sys
import time
import traceback
from pathlib import Path

from kontaktplan.resident.channel import HEADER, peer_uid, socket_path

__all__ = ["code_stamp", "preload", "serve"]

PACKAGE = Path(__file__).resolve().parent.parent


def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Every module file of the package with its size and modification time."""
    return tuple(
        sorted((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in PACKAGE.rglob("*.py"))
    )


PRELOADED = (
    "pwd",  # the login name (the actor)
    "sqlite3",  # the SQLite driver, imported when a command first connects
    "holidays",  # the holiday tables of a year not in the holiday cache yet (0.3 s)
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.sqlite",
    "typer._adapters",
    "typer._click.decorators",
    "kontaktplan.cli.app",
    "kontaktplan.disruption",
    "kontaktplan.io",
    "kontaktplan.store.changes",
    "kontaktplan.store.workspace",
    "kontaktplan.validation",
)
"""What every command needs, some of it imported only when a command first does something."""


def preload() -> None:
    """Import what the commands need, so that no child imports it again; build every
    command's options and arguments once."""
    for name in PRELOADED:
        importlib.import_module(name)
    with contextlib.suppress(ImportError):  # the optional driver
        importlib.import_module("psycopg")

    from kontaktplan.cli import app

    app.build()


def serve(path: str) -> None:
    """Listen on ``path`` until stopped (SIGTERM, or a ``stop`` request)."""
    preload()
    stamp = code_stamp()
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        raise SystemExit(f"{folder}: not a folder of this user's; not listening there")
    os.chmod(folder, 0o700)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the system
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    gc.collect()
    gc.freeze()  # the loaded program: a child's collections leave its pages shared
    try:
        while True:
            conn, _ = listener.accept()
            try:
                if not _answer(conn, listener, stamp):
                    return
            finally:
                conn.close()
    finally:
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _answer(conn: socket.socket, listener: socket.socket, stamp: tuple) -> bool:
    """Serve one request; False to stop."""
    if peer_uid(conn) != os.getuid():
        return True
    try:
        request, fds = _request(conn)
    except (OSError, ValueError):
        return True
    try:
        if request.get("ping"):
            conn.sendall(f"pong {os.getpid()}\n".encode())
            return True
        if request.get("stop"):
            conn.sendall(b"bye\n")
            return False
        if len(fds) != 3:
            return True
        if code_stamp() != stamp:
            conn.sendall(b"stale\n")  # the launcher runs the command itself
            return False  # and this process, with its old code, stops
        child = os.fork()
        if child == 0:
            listener.close()
            _run(conn, request, fds)  # never returns
        return True
    finally:
        for fd in fds:
            os.close(fd)


def _request(conn: socket.socket) -> tuple[dict, list[int]]:
    conn.settimeout(5)  # a caller that sends half a request does not hold up the others
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    if len(data) < HEADER.size:
        raise ValueError("short request")
    (length,) = HEADER.unpack_from(data)
    body = bytearray(data[HEADER.size :])
    while len(body) < length:
        more = conn.recv(length - len(body))
        if not more:
            raise ValueError("short request")
        body += more
    return json.loads(body), fds


def _run(conn: socket.socket, request: dict, fds: list[int]) -> None:
    """In the child: become the launcher's process and run its command."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        gc.unfreeze()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()  # the caller's TZ
        os.umask(request.get("umask", 0o022))
        sys.argv = ["kontaktplan", *request["argv"]]
        sys.stdin = _stream(0, "r")
        sys.stdout = _stream(1, "w")
        sys.stderr = _stream(2, "w", errors="backslashreplace")
        conn.sendall(f"pid {os.getpid()}\n".encode())
        code = _command(request["argv"])
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        with contextlib.suppress(OSError):
            conn.sendall(f"exit {code}\n".encode())
        os._exit(code)


def _stream(fd: int, mode: str, errors: str = "strict") -> io.TextIOWrapper:
    tty = os.isatty(fd)
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    encoding = os.environ.get("PYTHONIOENCODING", "utf-8").split(":")[0] or "utf-8"
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, line_buffering=tty)


def _command(argv: list[str]) -> int:
    """Run the command line as ``kontaktplan ARGV`` would; its exit code."""
    from kontaktplan.cli import app

    try:
        app(args=argv, prog_name="kontaktplan")
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        print(e.code, file=sys.stderr)
        return 1
    except BaseException:  # as the interpreter would: the traceback, exit 1
        traceback.print_exc()
        return 1
    finally:
        logging.shutdown()
    return 0


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else socket_path())
