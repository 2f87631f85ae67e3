"""A workspace action about one appointment (cancel, no-show, an outcome) loads only the
teams it touches (``kontaktplan.store.load(teams=...)``); what it does must be exactly
what it does on the whole office: the same rows changed, the same new ids, the same
lines printed. Checked on the demo office split into two teams whose specialists stand in
for each other across the split, after a hand-over across it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest

from kontaktplan import read_scenario, store, write_scenario
from kontaktplan.disruption import DisruptionError, absence, cancel, noshow, set_status
from kontaktplan.disruption.desk import record_day
from kontaktplan.domain import Status
from kontaktplan.planning import plan
from kontaktplan.store.changes import diff

ROOT = Path(__file__).resolve().parents[2]
SECOND_TEAM = {"S005", "S006", "S007", "S008"}  # substitutes: S001 -> S005, S003 -> S008 ...


@pytest.fixture(scope="module")
def two_teams(tmp_path_factory) -> Path:
    """The demo office in two teams, planned two weeks ahead (the greedy baseline)."""
    folder = tmp_path_factory.mktemp("two-teams") / "office"
    shutil.copytree(ROOT / "scenarios" / "demo", folder)
    lines = (folder / "specialists.csv").read_text(encoding="utf-8").splitlines()
    lines = [line.replace(",T01,", ",T02,") if line[:4] in SECOND_TEAM else line for line in lines]
    (folder / "specialists.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _more_slots(folder / "slots.csv", weeks=(5, 9))  # for the next contact after a held one
    loaded = read_scenario(folder)
    planned = plan(loaded.scenario, loaded.policy, weeks=2, solver="greedy").planned_scenario()
    out = folder.parent / "planned"
    write_scenario(planned, out)
    return out


def _more_slots(path: Path, weeks: tuple[int, ...]) -> None:
    """Append the slot calendar again, ``weeks`` later each time."""
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    more = []
    for k in weeks:
        for row in rows:
            sid, start, end, mode = row.split(",")
            shift = [dt.datetime.fromisoformat(t) + dt.timedelta(weeks=k) for t in (start, end)]
            more.append(",".join([sid, *(t.strftime("%Y-%m-%dT%H:%M") for t in shift), mode]))
    path.write_text("\n".join([header, *rows, *more]) + "\n", encoding="utf-8")


@pytest.fixture
def workspace(db_url, two_teams):
    ws = store.init(db_url)
    store.import_folder(ws, two_teams, actor="importer")
    full = store.load(ws)
    first = min(a.day for a in full.scenario.appointments if a.status is Status.planned)
    # S001 is away on the first planned day: S005, of the other team, takes over.
    out = absence(full.scenario, full.policy, "S001", first, first, time_limit=2)
    handed = [a for a in out.scenario.appointments if a.reassigned_from == "S001"]
    assert any(a.specialist_id in SECOND_TEAM for a in handed), out.lines()
    store.commit(
        ws, full.scenario, out.scenario, expected_version=full.version, actor="t",
        command="absence", args={}, lines=out.lines(),
    )  # fmt: skip
    yield ws
    ws.dispose()


def _both(ws, appointment_id: str, action):
    """``action(scenario, policy)`` on the whole office and on the part ``load`` gives for
    the appointment's teams: (changes, lines) of each, or the error each raised."""
    out = []
    for teams in (None, store.teams_of(ws, appointment_id)):
        snap = store.load(ws, teams=teams)
        try:
            result = action(snap.scenario, snap.policy)
        except DisruptionError as e:
            out.append(str(e))
            continue
        changes, appended = diff(snap.scenario, result.scenario)
        rows = [c.to_json() for c in changes] + [
            c.to_json() for batch in appended.values() for c in batch
        ]
        out.append((rows, result.lines(), result.scenario.meta))
    return out


def test_a_part_is_one_team_closed_under_references(workspace):
    full = store.load(workspace).scenario
    handed = next(
        a
        for a in full.appointments
        if a.reassigned_from == "S001"
        and a.specialist_id != "S001"
        and a.specialist_id in SECOND_TEAM
    )
    teams = store.teams_of(workspace, handed.appointment_id)
    assert teams == {"T01", "T02"}  # its specialist's team and its customer's
    own = next(a for a in full.appointments if a.specialist_id == "S002")
    part = store.load(workspace, teams=store.teams_of(workspace, own.appointment_id)).scenario
    assert {s.specialist_id for s in part.specialists} >= {"S001", "S002", "S005"}
    assert {c.specialist_id for c in part.customers} - {"S001", "S002", "S003", "S004"} == set()
    assert len(part.appointments) < len(full.appointments)
    # the part's rows keep the office's order, and every id outside is known
    order = {a.appointment_id: i for i, a in enumerate(full.appointments)}
    assert [order[a.appointment_id] for a in part.appointments] == sorted(
        order[a.appointment_id] for a in part.appointments
    )
    inside = {a.appointment_id for a in part.appointments}
    assert part.ids_elsewhere == set(order) - inside
    assert store.teams_of(workspace, "no-such-id") == set()
    # ``about``: the same part, its teams read in the load's own transaction
    assert store.load(workspace, about=own.appointment_id).scenario == part
    assert store.load(workspace, about=handed.appointment_id).scenario == (
        store.load(workspace, teams=teams).scenario
    )
    assert store.load(workspace, about="no-such-id").scenario == full  # none: the whole


def test_cancel_noshow_and_outcomes_on_a_part_equal_the_whole_office(workspace):
    full = store.load(workspace).scenario
    planned = [a for a in full.appointments if a.status is Status.planned]
    rng = random.Random(7)
    sample = rng.sample(planned, 12) + [a for a in planned if a.reassigned_from][:4]
    first = min(a.day for a in planned)
    for a in sample:
        on = max(full.today, a.day - dt.timedelta(days=rng.choice((2, 5, 8, 12))))
        after = dt.datetime.combine(a.day, dt.time(23, 0))
        actions = {
            "cancel": lambda s, p, a=a, on=on: cancel(s, p, a.appointment_id, on),
            "noshow": lambda s, p, a=a, t=after: noshow(s, p, a.appointment_id, now=t),
            "held": lambda s, p, a=a, t=after: set_status(
                s, p, a.appointment_id, Status.held, now=t
            ),
            "voided": lambda s, p, a=a: set_status(s, p, a.appointment_id, Status.voided),
        }
        for name, action in actions.items():
            whole, part = _both(workspace, a.appointment_id, action)
            assert part == whole, f"{name} {a.appointment_id} (first planned day {first})"


ACTIONS_MAKING_ROWS = {
    "held": lambda s, p, a: set_status(  # books the next contact
        s, p, a.appointment_id, Status.held, now=dt.datetime.combine(a.day, dt.time(23))
    ),
    "cancel": lambda s, p, a: cancel(s, p, a.appointment_id, a.day - dt.timedelta(days=10)),
    "day": lambda s, p, a: record_day(  # a no-show among a day's outcomes: re-invited
        s,
        p,
        a.day,
        no_show={a.appointment_id},
        now=dt.datetime.combine(a.day, dt.time(23)),
        held_except={
            x.appointment_id
            for x in s.appointments
            if x.day == a.day and x.status is Status.planned and x is not a
        },
    ),
    "noshow": lambda s, p, a: noshow(
        s, p, a.appointment_id, now=dt.datetime.combine(a.day, dt.time(23))
    ),
}


@pytest.mark.parametrize("action", sorted(ACTIONS_MAKING_ROWS))
def test_a_new_id_on_a_part_takes_none_outside_it(workspace, action):
    """New rows get ids <prefix><date>-NNN counted over the whole office (a backfill, the
    next contact after a held one, a standby call, a re-invitation by ``noshow`` or by a
    day's outcomes): one made on team
    T02's part must skip the ids team T01's action took the same day."""
    full = store.load(workspace)
    planned = [a for a in full.scenario.appointments if a.status is Status.planned]
    days = [
        {a.day for a in planned if a.specialist_id == sid and a.reassigned_from is None}
        for sid in ("S002", "S006")
    ]
    day = max(d for d in days[0] & days[1] if d - dt.timedelta(days=10) >= full.scenario.today)
    made = []
    for sid in ("S002", "S006"):  # one per team, the same day
        snap = out = None
        for a in planned:  # the first of the specialist's that day whose action adds a row
            if a.specialist_id != sid or a.reassigned_from is not None or a.day != day:
                continue
            snap = store.load(workspace, teams=store.teams_of(workspace, a.appointment_id))
            out = ACTIONS_MAKING_ROWS[action](snap.scenario, snap.policy, a)
            _, appended = diff(snap.scenario, out.scenario)
            if new := [c.key for c in appended.get("appointments", [])]:
                break
        assert new, out.lines()
        store.commit(
            workspace, snap.scenario, out.scenario, expected_version=snap.version, actor="t",
            command=action, args={}, lines=out.lines(),
        )  # fmt: skip
        made += new
    assert len(set(made)) == len(made), made
