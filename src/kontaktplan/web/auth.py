"""Users, roles, sessions, CSRF tokens and the login rate limit.

Passwords are hashed with Argon2id (argon2-cffi). A login makes a session: a random
token (only its SHA-256 is stored) in an HttpOnly, SameSite=Strict cookie, or as a
bearer token for the JSON API, with an expiry; each session has its own CSRF token,
required on every change made with the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kontaktplan.i18n import Phrase
from kontaktplan.web.workspace import ROLES, WebWorkspace, sessions_table, users_table, utcnow

SESSION_HOURS = 10  # a working day
TOKEN_HOURS = 24 * 30
MAX_FAILURES = 5  # failed logins per name and address ...
FAILURE_WINDOW = 15 * 60  # ... within this many seconds lock the login for the rest of it

#: Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Tests may set a
#: cheaper real hasher here; every hash carries its own parameters.
hasher = PasswordHasher()
_dummy: dict[PasswordHasher, str] = {}


def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that both cases take the same time."""
    if hasher not in _dummy:
        _dummy[hasher] = hasher.hash("not a password")
    return _dummy[hasher]


class UserError(ValueError):
    """Bad user input (name, role, password)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def can_change(self) -> bool:
        return self.role in ("planner", "teamlead")

    @property
    def is_teamlead(self) -> bool:
        return self.role == "teamlead"


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    kind: str  # "cookie" or "token"


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise UserError(Phrase("err.user_name"))
    return name


def add_user(ws: WebWorkspace, name: str, role: str, password: str) -> User:
    """A new user with an Argon2 hash of ``password``."""
    name = check_name(name)
    if role not in ROLES:
        raise UserError(Phrase("err.role", roles=list(ROLES)))
    if len(password) < 8:
        raise UserError(Phrase("err.password"))
    with ws.engine.begin() as c:
        if c.execute(sa.select(users_table.c.name).where(users_table.c.name == name)).first():
            raise UserError(Phrase("err.user_exists", name=name))
        c.execute(
            users_table.insert().values(
                name=name, role=role, password_hash=hasher.hash(password), created=utcnow()
            )
        )
    return User(name, role)


def list_users(ws: WebWorkspace) -> list[User]:
    with ws.engine.connect() as c:
        rows = c.execute(sa.select(users_table).order_by(users_table.c.name))
        return [User(r.name, r.role) for r in rows]


class LoginLimiter:
    """At most ``MAX_FAILURES`` failed logins per (name, address) in ``FAILURE_WINDOW``."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = FAILURE_WINDOW) -> None:
        self.max_failures, self.window = max_failures, window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        q = self._failures[key]
        now = time.monotonic()
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked_for(self, name: str, address: str) -> int:
        """Seconds until the next attempt is allowed (0: allowed now)."""
        with self._lock:
            q = self._recent((name, address))
            if len(q) < self.max_failures:
                return 0
            return max(1, int(self.window - (time.monotonic() - q[0])))

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            self._recent((name, address)).append(time.monotonic())

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop((name, address), None)


def verify(ws: WebWorkspace, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs."""
    with ws.engine.connect() as c:
        row = c.execute(sa.select(users_table).where(users_table.c.name == name)).first()
    try:
        hasher.verify(row.password_hash if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row.name, row.role) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(ws: WebWorkspace, user: User, kind: str = "cookie") -> tuple[str, Session]:
    """A new session; returns the secret token (shown once) and the session."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    hours = SESSION_HOURS if kind == "cookie" else TOKEN_HOURS
    with ws.engine.begin() as c:
        c.execute(sessions_table.delete().where(sessions_table.c.expires < utcnow()))
        c.execute(
            sessions_table.insert().values(
                token_hash=_digest(token),
                user_name=user.name,
                csrf=csrf,
                kind=kind,
                expires=utcnow() + dt.timedelta(hours=hours),
            )
        )
    return token, Session(user, csrf, kind)


def session_of(ws: WebWorkspace, token: str | None, kind: str) -> Session | None:
    """The live session of ``token``, if any."""
    if not token:
        return None
    q = (
        sa.select(sessions_table, users_table.c.role)
        .join(users_table, users_table.c.name == sessions_table.c.user_name)
        .where(sessions_table.c.token_hash == _digest(token), sessions_table.c.kind == kind)
    )
    with ws.engine.connect() as c:
        row = c.execute(q).first()
    if row is None or row.expires < utcnow():
        return None
    return Session(User(row.user_name, row.role), row.csrf, row.kind)


def close_session(ws: WebWorkspace, token: str | None) -> None:
    if token:
        with ws.engine.begin() as c:
            c.execute(sessions_table.delete().where(sessions_table.c.token_hash == _digest(token)))


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and secrets.compare_digest(session.csrf, sent or "")
