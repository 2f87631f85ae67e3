"""How the launcher and the resident process reach each other: the socket's path and the
requests (standard library only, like :mod:`kontaktplan.launcher`).

A request is its length (4 bytes) and a JSON object; a command's request carries the
caller's standard input, output and error as file descriptors (``SCM_RIGHTS``). The
answer is one line: ``pid N`` then ``exit CODE`` for a command, ``stale`` when the
resident process's code changed, ``pong N`` to a ping, ``bye`` to a stop.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import zlib

__all__ = ["HEADER", "framed", "peer_uid", "ping", "request_stop", "socket_path"]

HEADER = struct.Struct("!I")  # the request's length, before its JSON


def socket_path() -> str:
    """Where the resident process of this installation listens: ``KONTAKTPLAN_RESIDENT``
    if it names a path, else a socket in a folder of the user's own (mode 0700) under
    ``XDG_RUNTIME_DIR`` (or the temporary folder), one per installed copy of the code."""
    named = os.environ.get("KONTAKTPLAN_RESIDENT", "")
    if named and named != "off":
        return named
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tag = f"{zlib.crc32(here.encode()):08x}"
    return os.path.join(base, f"kontaktplan-{os.getuid()}", f"resident-{tag}.sock")


def framed(request: dict) -> bytes:
    """``request`` as sent: its length, then its JSON."""
    body = json.dumps(request).encode()
    return HEADER.pack(len(body)) + body


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end of ``conn`` (``SO_PEERCRED``)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _ask(path: str, request: dict) -> str | None:
    """The resident process's one-line answer to ``request`` (None: nobody answers)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(path)
            conn.sendall(framed(request))
            return conn.makefile("r", encoding="utf-8").readline().strip() or None
    except OSError:
        return None


def ping(path: str) -> int | None:
    """The pid of the resident process listening at ``path``, or None."""
    answer = (_ask(path, {"ping": True}) or "").split()
    return int(answer[1]) if answer[:1] == ["pong"] else None


def request_stop(path: str) -> bool:
    """Ask the resident process at ``path`` to stop; whether one did."""
    return _ask(path, {"stop": True}) == "bye"
