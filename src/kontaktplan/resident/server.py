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

It also holds the office of the workspace its commands name in ``KONTAKTPLAN_DB``
(:mod:`kontaktplan.store.warm`), so that a command does not read its rows again; a
command uses it only when the workspace is still at the version it was read at. After a
command ends (and every half minute, for changes made elsewhere), a copy of the process
(a fork, the *loader*) reads the version, and if it moved on, the whole office again;
then it takes over the socket and the process before it stops (:class:`Generation`).
The socket never goes unanswered meanwhile: the process before goes on serving, its
commands reading from the database, until the loader is ready.
"""

from __future__ import annotations

import contextlib
import gc
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
from typing import Any

from kontaktplan.resident.channel import HEADER, peer_uid, socket_path

__all__ = ["code_stamp", "preload", "serve"]

PACKAGE = Path(__file__).resolve().parent.parent


def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Every module file of the package with its size and modification time."""
    return tuple(
        sorted((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in PACKAGE.rglob("*.py"))
    )


def preload() -> None:
    """Import what the commands need, so that no child imports it again."""
    import sqlalchemy.dialects.postgresql
    import sqlalchemy.dialects.sqlite  # noqa: F401

    import kontaktplan.cli.app
    import kontaktplan.disruption
    import kontaktplan.io
    import kontaktplan.store.changes
    import kontaktplan.store.warm
    import kontaktplan.store.workspace
    import kontaktplan.validation  # noqa: F401

    with contextlib.suppress(ImportError):  # the optional driver
        import psycopg  # noqa: F401

    from kontaktplan.cli import app

    app.build()  # every command's options and arguments, made once


IDLE = 0.2
"""Seconds without a request after which the process looks after its office."""
RECHECK = 30.0
"""Seconds between looking for changes made elsewhere (the web app, another computer)."""


class Generation:
    """The state of one resident process: whether it is the one that owns the socket's
    path (``current``), the loader it started, the commands it runs in the workspace it
    holds the office of."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.current = True
        self.retiring = False  # a loader took over: stop accepting, leave the path
        self.loader: int | None = None
        self.url: str | None = None
        if named := os.environ.get("KONTAKTPLAN_DB"):  # the starter's workspace, held at once
            from kontaktplan.store.engine import place

            with contextlib.suppress(Exception):
                self.url = place(named)
        self.commands: set[int] = set()  # running, in the workspace held
        self.ended = False  # one of them ended since the last loader
        self.checked = -RECHECK  # when a loader last looked (time.monotonic)

    def ran(self, child: int, request: dict) -> None:
        """A command started in ``child``; the workspace it names is the one to hold."""
        url = request.get("env", {}).get("KONTAKTPLAN_DB") or None
        if url is not None:
            from kontaktplan.store.engine import place

            with contextlib.suppress(Exception):  # not a URL: the command says so
                self.url = place(url, request.get("cwd"))
                self.commands.add(child)

    def idle(self) -> None:
        """Start a loader once the commands in the workspace have ended (not while any
        runs: they would share the processors with it), or to look for changes made
        elsewhere (called when no request came for a moment, and after each one); in
        the loader, this returns as the new generation."""
        if self.url is None or self.retiring:
            return
        if self.loader is not None and _alive(self.loader):
            return
        self.loader = None
        running = {pid for pid in self.commands if _alive(pid)}
        self.ended |= running != self.commands
        self.commands = running
        if running or (not self.ended and time.monotonic() - self.checked < RECHECK):
            return
        self.ended, self.checked = False, time.monotonic()
        parent = os.getpid()
        child = os.fork()
        if child:
            self.loader = child
            return
        self._take_over(parent)

    def _take_over(self, parent: int) -> None:
        """In the loader: read the office if it changed, then serve in place of
        ``parent``; else end."""
        from kontaktplan.store import workspace as held

        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # not serving yet
        try:
            office = _office(self.url, held.WARM)
        except Exception as e:  # cannot be read now: commands read it themselves
            print(f"office not held: {type(e).__name__}", file=sys.stderr, flush=True)
            os._exit(1)
        if office is None:
            os._exit(0)
        held.WARM = office
        gc.collect()
        gc.freeze()
        self.current, self.loader = True, None
        self.commands, self.ended = set(), False
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        os.kill(parent, signal.SIGUSR1)  # the parent stops accepting and ends

    def retire(self) -> None:
        self.retiring, self.current = True, False

    def stop(self) -> None:
        """Stopped (a ``stop`` request, SIGTERM, changed code): the loader too, or the
        generation that took over from this one."""
        if self.loader is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.loader, signal.SIGTERM)


def _office(url: str, held: Any) -> Any:
    """The workspace's office read again, or None if it is still at the version held."""
    from sqlalchemy import select

    from kontaktplan.store import open_workspace, schema
    from kontaktplan.store.warm import warm

    ws = open_workspace(url)
    try:
        if held is not None:
            with ws.reading() as conn:
                office = conn.execute(select(schema.office)).first()
            if office is not None and held.holds(url, office):
                return None
        return warm(ws)
    finally:
        ws.dispose()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the pid was taken by another user's process: ours ended
        return False
    return True


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
    listener.settimeout(IDLE)
    gen = Generation(path)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the system
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGUSR1, lambda *_: gen.retire())  # a loader took over
    gc.collect()
    gc.freeze()  # the loaded program: a child's collections leave its pages shared
    retired = False
    try:
        while not (retired := gen.retiring):
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                gen.idle()
                continue
            try:
                if not _answer(conn, listener, stamp, gen):
                    return
            finally:
                conn.close()
            gen.idle()  # also between requests that come often (pings, say)
    finally:
        listener.close()
        if not retired:
            gen.stop()
        if gen.current:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def _answer(conn: socket.socket, listener: socket.socket, stamp: tuple, gen: Generation) -> bool:
    """Serve one request; False to stop."""
    if peer_uid(conn) != os.getuid():
        return True
    try:
        request, fds = _request(conn)
    except (OSError, ValueError):
        return True
    try:
        if request.get("ping"):
            from kontaktplan.store.workspace import WARM

            held = "-" if WARM is None else WARM.version
            conn.sendall(f"pong {os.getpid()} {held}\n".encode())
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
        gen.ran(child, request)
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
