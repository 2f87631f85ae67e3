"""A small hand-made office for the web app's tests, its workspace and users.

Team T1: S1 (substitute S2) and S2; team T2: S3. Planning date Monday 2026-11-23.

- A1: C1 with S1 on Monday 12-07 08:00 (slots 08:00 and 09:00 that day). Cancelled on
  11-23 (14 days ahead, backfill duty) the freed slot goes to C2, who is overdue (last
  contact 07-01, K1: due 11-01); C3 (due 02-01) comes after C2.
- N1: C5 with S1 today 11-23 10:00 (slot 10:00-11:00); on a no-show the standby call
  goes to C2 (overdue, unemployed, nothing that day), C5 is re-invited in person at
  S1's earliest free slot from 12-03 on: 12-07 09:00 (A1 holds 08:00).
- H1, H2: C6 and C7 with S3 today 09:00 and 11:00 (for the results of the day).
- S2 is absent 12-07 .. 12-11: an absence of S1 on 12-07 leaves A1 without anyone in
  team T1, so it goes to the team lead, with S3 (team T2, free at 08:00) proposed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from builders import (
    MONDAY,
    TODAY,
    appointment,
    customer,
    policy_file_beside,
    scenario,
    slot,
    specialist,
)
from kontaktplan.domain import Absence, Scenario
from kontaktplan.io import write_scenario
from kontaktplan.rules.policy import load_policy
from kontaktplan.web import WebWorkspace, auth, create_app
from kontaktplan.web.auth import add_user

POLICY = load_policy("heilbronn-2025")


def _store_conftest():
    """The store tests' fixtures module: its ``db_url`` (a SQLite file, or a fresh schema on
    the PostgreSQL test server, skipped with the reason when none answers) serves here too."""
    path = Path(__file__).parent / "store" / "conftest.py"
    spec = importlib.util.spec_from_file_location("kontaktplan_store_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


db_url = _store_conftest().db_url
PASSWORD = "richtig-geheim"
USERS = {"pia": "planner", "tom": "teamlead", "vera": "viewer"}


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real Argon2id with small parameters: the tests hash and verify hundreds of times."""
    monkeypatch.setattr(
        auth, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def office(*extra_customers, extra_appointments=()) -> Scenario:
    return scenario(
        [
            specialist("S1", substitute_id="S2"),
            specialist("S2"),
            specialist("S3", team="T2"),
        ],
        [
            customer("C1"),
            customer("C2", last=dt.date(2026, 7, 1)),
            customer("C3", last=dt.date(2026, 10, 1)),
            customer("C5", last=dt.date(2026, 9, 1)),
            customer("C6", "S3", last=dt.date(2026, 9, 1)),
            customer("C7", "S3", last=dt.date(2026, 9, 1)),
            *extra_customers,
        ],
        [
            slot(TODAY, 10),
            slot(TODAY, 9, sid="S3"),
            slot(TODAY, 11, sid="S3"),
            slot(MONDAY, 8),
            slot(MONDAY, 9),
            slot(MONDAY, 8, sid="S3"),
        ],
        [Absence(specialist_id="S2", first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=4))],
        [
            appointment("C1", MONDAY, 8, appointment_id="A1", booked_on=dt.date(2026, 11, 20)),
            appointment("C5", TODAY, 10, appointment_id="N1", booked_on=dt.date(2026, 11, 10)),
            appointment(
                "C6", TODAY, 9, sid="S3", appointment_id="H1", booked_on=dt.date(2026, 11, 10)
            ),
            appointment(
                "C7", TODAY, 11, sid="S3", appointment_id="H2", booked_on=dt.date(2026, 11, 10)
            ),
            *extra_appointments,
        ],
    )


def workspace(
    path: Path,
    sc: Scenario | None = None,
    url: str | None = None,
    any_ids: bool = False,
    clock=None,
) -> WebWorkspace:
    """A workspace at ``path`` (or ``url``) holding ``sc`` (imported from a folder) and the
    users; ``any_ids``: under a copy of the rule set whose id pattern takes any id (to see
    that the pages escape what an office's own rules might let in); ``clock``: the
    office's time instead of the real one."""
    folder = path.parent / f"{path.stem}-folder"
    write_scenario(sc or office(), folder)
    if any_ids:
        rules = policy_file_beside(folder)
        loose = re.sub(r"(?m)^id_pattern = .*$", "id_pattern = '.{1,64}'", rules)
        (folder / "office.toml").write_text(loose, encoding="utf-8")
    ws = WebWorkspace(url or f"sqlite:///{path}", clock=clock)
    ws.import_folder(folder, actor="test")
    for name, role in USERS.items():
        add_user(ws, name, role, PASSWORD)
    return ws


def client(ws: WebWorkspace, **kwargs) -> TestClient:
    return TestClient(create_app(ws, **kwargs))


def login(c: TestClient, name: str) -> str:
    """Log in with the cookie; the session's CSRF token."""
    r = c.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get("/absence").text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def token(c: TestClient, name: str) -> dict[str, str]:
    r = c.post("/api/token", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def rows(ws: WebWorkspace) -> dict:
    return {a.appointment_id: a for a in ws.snapshot().scenario.appointments}
