"""The appointment index a scenario copy takes over (appointment_index.py), and the cached
indexes a copy keeps (domain.py, ``derived_from``)."""

from __future__ import annotations

import datetime as dt
import pickle
import random

import pytest
from pydantic import ValidationError

from kontaktplan.appointment_index import AppointmentIndex, Edit
from kontaktplan.domain import Status
from kontaktplan.generate import generate
from kontaktplan.rules.policy import load_policy

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def office():
    policy = load_policy("heilbronn-2025")
    s = generate(
        specialists=4, customers_per_specialist=30, seed=5, weeks=2, today=TODAY, policy=policy,
        name="index",
    )  # fmt: skip
    from kontaktplan.planning import plan

    return plan(s, policy, weeks=1, workers=1, time_limit=5).planned_scenario()


def _step(s, rng: random.Random):
    """One command-like edit: a row's status changed in place (or the row handed over to
    another specialist, or moved), maybe a row appended (a copy of a row under a new id),
    maybe a new row's id changed again."""
    rows = list(s.appointments)
    i = rng.randrange(len(rows))
    status = rng.choice([Status.cancelled, Status.no_show, Status.voided, Status.held])
    update = {"status": status}
    if rng.random() < 0.2:  # handed over (another specialist) or moved (another day)
        other = rng.choice(s.appointments)
        update = {"specialist_id": other.specialist_id, "status": Status.planned}
        if rng.random() < 0.5:
            update |= {"start": other.start, "end": other.end}
    rows[i] = rows[i].model_copy(update=update)
    if rng.random() < 0.6:
        base = rng.choice(s.appointments)
        rows.append(
            base.model_copy(update={"appointment_id": f"N{len(rows)}", "status": Status.planned})
        )
        if rng.random() < 0.3:  # renumbered, as DayParts.put does
            rows[-1] = rows[-1].model_copy(update={"appointment_id": f"M{len(rows)}"})
    return s.model_copy(update={"appointments": tuple(rows)})


def test_a_copy_s_index_is_the_index_of_its_rows(office):
    rng = random.Random(3)
    s = office
    s.appointment_index  # noqa: B018 (computed, so the copies take it over)
    for _ in range(40):
        before = s
        s = _step(s, rng)
        assert s.appointment_index == AppointmentIndex.of(s.appointments)
        edit = Edit.between(before.appointments, s.appointments)
        touched = {a.customer_id for a in (*edit.removed, *edit.added)}
        active = before.appointment_index.active_by_customer
        cid = next(c for c in sorted(active) if c not in touched)
        rows = s.appointment_index.active_by_customer[cid]
        assert rows is before.appointment_index.active_by_customer[cid]  # taken over


def test_an_edit_is_found_by_position_and_identity(office):
    rows = office.appointments
    changed = rows[1].model_copy(update={"status": Status.cancelled})
    new = rows[0].model_copy(update={"appointment_id": "X1"})
    edit = Edit.between(rows, (rows[0], changed, *rows[2:], new))
    assert edit == Edit((rows[1],), (changed,), (new,))
    assert Edit.between(rows, rows[1:]) is None  # a row dropped: no edit


def test_a_copy_that_drops_a_referred_id_is_still_rejected(office):
    rows = list(office.appointments)
    rows.append(rows[0].model_copy(update={"appointment_id": "B1", "backfill_for": "X9"}))
    with pytest.raises(ValidationError, match="unknown backfill_for"):
        office.model_copy(update={"appointments": tuple(rows)})
    rows[-1] = rows[-1].model_copy(update={"backfill_for": rows[0].appointment_id})
    s = office.model_copy(update={"appointments": tuple(rows)})
    renamed = (rows[0].model_copy(update={"appointment_id": "Z1"}), *rows[1:])
    with pytest.raises(ValidationError, match="unknown backfill_for"):
        s.model_copy(update={"appointments": renamed})


def test_a_duplicate_id_in_an_edit_is_rejected_with_the_full_message(office):
    rows = office.appointments
    again = rows[3].model_copy(update={"status": Status.voided})
    with pytest.raises(
        ValidationError, match=f"duplicate appointment_id: {rows[3].appointment_id}"
    ):
        office.model_copy(update={"appointments": (*rows, again)})


def test_a_copy_keeps_the_indexes_of_the_tables_it_keeps(office):
    by_id, by_specialist = office.customers_by_id, office.customers_by_specialist
    slots = office.slots_by_day
    last = office.appointments[-1].model_copy(update={"status": Status.voided})
    s = office.model_copy(update={"appointments": (*office.appointments[:-1], last)})
    assert s.customers_by_id is by_id and s.customers_by_specialist is by_specialist
    assert s.slots_by_day is slots
    new = s.customers[0].model_copy(update={"customer_id": "C-new"})
    t = s.model_copy(update={"customers": (*s.customers, new)})
    assert t.customers_by_id is not by_id and t.customers_by_id["C-new"] is new
    assert t.slots_by_day is slots


def test_a_scenario_with_its_indexes_pickles(office):
    s = office
    s.appointment_index, s.slots_by_day, s.slot_days, s.customers_by_specialist  # noqa: B018
    back = pickle.loads(pickle.dumps(s))
    assert back == s and back.appointment_index == s.appointment_index


def test_a_copy_checking_only_its_changes_equals_a_validated_one(office):
    from kontaktplan.domain import Scenario

    last = office.appointments[-1].model_copy(update={"status": Status.held})
    rows = (*office.appointments[:-1], last)
    quick = office.model_copy(update={"appointments": list(rows)})  # a list becomes a tuple
    data = {name: getattr(office, name) for name in Scenario.model_fields}
    full = Scenario.model_validate({**data, "appointments": rows})
    assert quick == full and quick.model_fields_set == full.model_fields_set
    assert type(quick.appointments) is tuple
    with pytest.raises(ValidationError, match="appointments"):
        office.model_copy(update={"appointments": (*rows, office.customers[0])})


def test_a_noted_copy_s_edit_is_the_one_found_by_comparing_every_row(office):
    """Copies that note their edit (a command's changed row, its new rows; a row renumbered
    in a part) chain back to the scenario they came from; the edit and the index are the
    ones a row-by-row comparison gives."""
    from kontaktplan.disruption.outcome import replace_row, with_rows

    rng = random.Random(7)
    s = office
    s.appointment_index  # noqa: B018 (computed, so the copies take it over)
    for _ in range(10):
        before = s
        for _ in range(rng.randint(1, 3)):  # a command's copies, one after the other
            old = rng.choice([a for a in s.appointments if a.status is Status.planned])
            new = old.model_copy(update={"status": Status.cancelled})
            extra = old.model_copy(update={"appointment_id": f"N{len(s.appointments)}"})
            s = replace_row(s, old, new, *([extra] if rng.random() < 0.5 else []))
            if rng.random() < 0.5:
                aid = f"W{len(s.appointments)}"
                s = with_rows(s, extra.model_copy(update={"appointment_id": aid}))
        compared = Edit.between(before.appointments, tuple(list(s.appointments)))
        assert Edit.between(before.appointments, s.appointments) == compared
        assert s.appointment_index == AppointmentIndex.of(s.appointments)
    rows = office.appointments
    again = Edit.note(rows, (*rows[:-1], rows[-1]), [3])  # a row put back in its place
    assert Edit.between(rows, again) == Edit((), (), ())
