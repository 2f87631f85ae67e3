"""Property: any sequence of row changes committed to a workspace loads back as made,
and undoing them all, last first, gives the imported office back (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kontaktplan import store
from kontaktplan.domain import Absence, Appointment, Status
from kontaktplan.io.csvtable import FILES, table_text
from kontaktplan.store import schema

STATUSES = [s for s in Status if s is not Status.planned]
DAYS = [dt.date(2026, 12, 7) + dt.timedelta(days=i) for i in range(5)]

edit = st.one_of(
    st.tuples(st.just("status"), st.integers(0, 50), st.sampled_from(STATUSES)),
    st.tuples(st.just("book"), st.sampled_from(["S1", "S2"]), st.sampled_from(DAYS)),
    st.tuples(st.just("absent"), st.sampled_from(["S1", "S2"]), st.sampled_from(DAYS)),
    st.tuples(st.just("unabsent"), st.integers(0, 50), st.none()),
)


def _apply(scenario, step, n: int):
    kind, a, b = step
    if kind == "status":
        rows = list(scenario.appointments)
        i = a % len(rows)
        rows[i] = rows[i].model_copy(update={"status": b})
        return scenario.model_copy(update={"appointments": tuple(rows)})
    if kind == "book":
        customer = "C1" if a == "S1" else "C4"
        start = dt.datetime.combine(b, dt.time(14))
        new = Appointment(
            appointment_id=f"N{n}", customer_id=customer, specialist_id=a, start=start,
            end=start + dt.timedelta(minutes=45), kind="follow_up", mode="in_person",
            status="planned", booked_on=scenario.today,
        )  # fmt: skip
        return scenario.model_copy(update={"appointments": (*scenario.appointments, new)})
    if kind == "absent":  # may repeat an existing absence exactly
        new = Absence(specialist_id=a, first_day=b, last_day=b, reason="illness")
        return scenario.model_copy(update={"absences": (*scenario.absences, new)})
    rows = list(scenario.absences)
    if rows:
        del rows[a % len(rows)]
    return scenario.model_copy(update={"absences": tuple(rows)})


def _texts(scenario) -> dict[str, str]:
    return {k: table_text(t, getattr(scenario, k)) for k, t in FILES.items()}


def _reset(url: str) -> None:
    ws = store.open_workspace(url, create=True)
    schema.metadata.drop_all(ws.engine)
    with ws.engine.begin() as conn:
        for table in ("user_sessions", "users", "alembic_version"):  # 0002: the web app's
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    ws.dispose()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(edit, min_size=1, max_size=5))
def test_committed_changes_load_back_and_undo_all_restores_the_import(db_url, office, steps):
    _reset(db_url)
    ws = store.init(db_url)
    store.import_folder(ws, office)
    original, _, _ = store.load(ws)
    made = 0
    for n, step in enumerate(steps):
        before, _, version = store.load(ws)
        after = _apply(before, step, n)
        if _texts(after) == _texts(before):
            continue  # a change to what it already was: nothing to commit
        store.commit(
            ws, before, after, expected_version=version, actor="p", command=step[0],
            args={}, lines=[],
        )  # fmt: skip
        made += 1
        assert _texts(store.load(ws).scenario) == _texts(after)
    for _ in range(made):
        store.undo(ws, actor="p")
    assert _texts(store.load(ws).scenario) == _texts(original)
    ws.dispose()
