"""Policy files, due dates (heilbronn-2025, ba-2010), category review, qualified contacts."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kontaktplan.domain import Appointment, Customer, Exempt, Kind, Mode, Status
from kontaktplan.rules.policy import (
    Policy,
    add_months,
    category_review,
    customer_due,
    due_dates,
    expected_category,
    load_policy,
    models_dir,
    qualified_contacts,
)

D = dt.date
TODAY = D(2026, 11, 23)


def _customer(category: str = "K1", **kw) -> Customer:
    data = {
        "customer_id": "C",
        "specialist_id": "S1",
        "category": category,
        "unemployed": True,
        "under_25": False,
    }
    return Customer(**{**data, **kw})


def _held(day: D, mode: Mode = Mode.in_person, kind: Kind = Kind.follow_up, **kw) -> Appointment:
    start = dt.datetime.combine(day, dt.time(9))
    data = {
        "appointment_id": f"A{day}{kind}{mode}",
        "customer_id": "C",
        "specialist_id": "S1",
        "start": start,
        "end": start + dt.timedelta(minutes=45),
        "kind": kind,
        "mode": mode,
        "status": Status.held,
    }
    return Appointment(**{**data, **kw})


def _due(policy: Policy, customer: Customer, *contacts: D, today: D = TODAY) -> D:
    return policy.next_due(customer, sorted(contacts), today)


def _policy_data(name: str) -> dict:
    with open(models_dir() / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


# ---------------------------------------------------------------------------
# Policy files


def test_heilbronn_policy_file_loads_with_its_categories(heilbronn):
    assert heilbronn.name == "heilbronn-2025"
    assert heilbronn.density.interval_months == {"U25": 1, "K1": 4, "K3": 6}
    assert heilbronn.categories == ("U25", "K1", "K3")
    assert heilbronn.category_review.enabled
    assert heilbronn.booking.lead_days == 10
    assert heilbronn.booking.weekly_volume_per_fte == 25
    assert heilbronn.booking.daily_cap == 8


def test_ba_2010_policy_file_loads_with_its_profiles(ba2010):
    assert ba2010.name == "ba-2010"
    assert ba2010.density.contacts_per_period == {
        "MP": 4, "AP": 5, "FP": 3, "EP": 4, "SP": 2, "UP": 2, "I": 2, "Z": 1,
    }  # fmt: skip
    assert ba2010.density.period_months == 6
    assert ba2010.density.under_25_interval_days == 28
    assert not ba2010.category_review.enabled


def test_policy_by_path_equals_policy_by_name(heilbronn):
    assert load_policy(str(models_dir() / "heilbronn-2025.toml")) == heilbronn


def test_unknown_policy_name_is_file_not_found():
    with pytest.raises(FileNotFoundError, match="nowhere-2030"):
        load_policy("nowhere-2030")


def test_policy_file_name_not_in_the_folder_is_not_found_elsewhere(tmp_path, monkeypatch):
    # Issue 11.9: neither the current folder nor a bundled rule set of the same name
    # takes the place of a policy file the scenario names.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "mine.toml").write_text((models_dir() / "ba-2010.toml").read_text())
    monkeypatch.chdir(cwd)
    for name in ("heilbronn-2025.toml", "mine.toml"):
        with pytest.raises(FileNotFoundError, match="not found in"):
            load_policy(name, base=tmp_path / "scenario")


@pytest.mark.parametrize("name", ["../x.toml", "/etc/x.toml", "sub/../../x.toml"])
def test_policy_file_outside_the_scenario_folder_is_refused(name, tmp_path):
    (tmp_path / "x.toml").write_text((models_dir() / "ba-2010.toml").read_text())
    with pytest.raises(FileNotFoundError, match="inside the scenario folder"):
        load_policy(name, base=tmp_path / "scenario")


def test_policy_file_linked_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "x.toml").write_text((models_dir() / "ba-2010.toml").read_text())
    (tmp_path / "scenario" / "x.toml").symlink_to(tmp_path / "x.toml")
    with pytest.raises(FileNotFoundError, match="leads out of the folder"):
        load_policy("x.toml", base=tmp_path / "scenario")


@pytest.mark.parametrize("name", ["a" * 300, "../heilbronn-2025", "heilbronn 2025", ""])
def test_a_policy_name_that_is_no_bundled_rule_set_is_not_found(name):
    with pytest.raises(FileNotFoundError, match="not a bundled rule set"):
        load_policy(name)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("lead_days = 10", "lead_days = 1000000000"),
        ("U25 = 1 ", "U25 = 100000000 "),
        ("min_days_between_contacts = 14", "min_days_between_contacts = 100000000"),
        ("missed_deadline = 1_000_000", "missed_deadline = 10_000_000_000_000"),
        ("daily_cap = 8", "daily_cap = 100000"),
    ],
)
def test_policy_numbers_out_of_bounds_are_rejected(setting, value, tmp_path):
    text = (models_dir() / "heilbronn-2025.toml").read_text(encoding="utf-8")
    assert setting in text
    path = tmp_path / "copy.toml"
    path.write_text(text.replace(setting, value), encoding="utf-8")
    with pytest.raises(ValidationError):
        Policy.from_file(path)


def test_policy_with_negative_lead_days_is_rejected(tmp_path):
    text = (models_dir() / "heilbronn-2025.toml").read_text(encoding="utf-8")
    path = tmp_path / "copy.toml"
    path.write_text(text.replace("lead_days = 10", "lead_days = -3"), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        Policy.from_file(path)
    [err] = info.value.errors()
    assert err["loc"] == ("booking", "lead_days")
    assert "greater than or equal to 0" in err["msg"]


def test_policy_without_booking_section_is_rejected():
    data = _policy_data("heilbronn-2025")
    del data["booking"]
    with pytest.raises(ValidationError) as info:
        Policy.model_validate(data)
    [err] = info.value.errors()
    assert (err["loc"], err["type"]) == (("booking",), "missing")


def test_policy_with_a_misspelt_setting_is_rejected():
    data = _policy_data("heilbronn-2025")
    data["booking"]["lead_day"] = data["booking"].pop("lead_days")
    with pytest.raises(ValidationError) as info:
        Policy.model_validate(data)
    assert {e["loc"] for e in info.value.errors()} == {
        ("booking", "lead_days"),
        ("booking", "lead_day"),
    }


def test_policy_with_zero_months_interval_is_rejected():
    data = _policy_data("heilbronn-2025")
    data["density"]["interval_months"]["K1"] = 0
    with pytest.raises(ValidationError, match="density for K1 must be between 1 and 120"):
        Policy.model_validate(data)


def test_interval_rule_without_intervals_is_rejected():
    data = _policy_data("heilbronn-2025")
    del data["density"]["interval_months"]
    with pytest.raises(ValidationError, match=r"needs \[density\.interval_months\]"):
        Policy.model_validate(data)


def test_category_review_naming_an_undefined_category_is_rejected():
    data = _policy_data("heilbronn-2025")
    data["category_review"]["profiles"]["Z"] = "K2"
    with pytest.raises(ValidationError, match="names K2, which \\[density\\] does not define"):
        Policy.model_validate(data)


def test_durations_per_kind(heilbronn):
    assert heilbronn.duration(Kind.first_interview) == 60
    assert heilbronn.duration(Kind.follow_up) == 45
    assert heilbronn.duration(Kind.group_session) == 45


# ---------------------------------------------------------------------------
# add_months: calendar months, day clamped to the month's end


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 11, 15), 2, D(2027, 1, 15)),  # over the year end
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@settings(max_examples=200, deadline=None)
@given(day=st.dates(D(1990, 1, 1), D(2090, 12, 31)), months=st.integers(-120, 120))
def test_add_months_moves_whole_months_and_never_a_later_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


# ---------------------------------------------------------------------------
# heilbronn-2025: due = last qualified contact + interval (calendar months)


def test_heilbronn_u25_is_due_one_month_after_the_last_contact(heilbronn):
    c = _customer("U25", under_25=True)
    assert _due(heilbronn, c, D(2026, 10, 31)) == D(2026, 11, 30)


def test_heilbronn_k1_is_due_four_months_after_the_last_contact(heilbronn):
    assert _due(heilbronn, _customer("K1"), D(2026, 8, 10)) == D(2026, 12, 10)


def test_heilbronn_k3_is_due_six_months_after_the_last_contact(heilbronn):
    c = _customer("K3", unemployed=False)
    assert _due(heilbronn, c, D(2026, 5, 31)) == D(2026, 11, 30)


def test_heilbronn_due_counts_from_the_latest_of_several_contacts(heilbronn):
    c = _customer("K1")
    assert _due(heilbronn, c, D(2026, 8, 10), D(2026, 2, 1)) == D(2026, 12, 10)


def test_heilbronn_no_contact_yet_is_a_first_interview_due_today(heilbronn, tiny):
    due = due_dates(tiny.scenario, heilbronn)["C3"]
    assert (due.due, due.first_interview, due.last_contact) == (TODAY, True, None)


def test_heilbronn_profile_i_stored_as_k1_keeps_the_stricter_k1_interval(heilbronn):
    # Profile I belongs in K3 (6 months); until a person decides, the stricter (K1, 4) holds.
    c = _customer("K1", profile="I")
    assert expected_category(heilbronn, c) == "K3"
    assert _due(heilbronn, c, D(2026, 8, 10)) == D(2026, 12, 10)


def test_heilbronn_k1_no_longer_unemployed_is_scheduled_by_k1(heilbronn):
    c = _customer("K1", unemployed=False)
    assert expected_category(heilbronn, c) == "K3"
    assert _due(heilbronn, c, D(2026, 7, 1)) == D(2026, 11, 1)


def test_heilbronn_unemployed_under_25_stored_as_k3_is_scheduled_monthly(heilbronn):
    c = _customer("K3", under_25=True)
    assert expected_category(heilbronn, c) == "U25"
    assert _due(heilbronn, c, D(2026, 10, 15)) == D(2026, 11, 15)


def test_heilbronn_u25_stored_for_an_adult_keeps_the_monthly_interval(heilbronn):
    c = _customer("U25")
    assert expected_category(heilbronn, c) == "K1"
    assert _due(heilbronn, c, D(2026, 10, 15)) == D(2026, 11, 15)


def test_heilbronn_interval_days_follow_the_stricter_category(heilbronn):
    assert heilbronn.interval_days(_customer("K1")) == 122
    assert heilbronn.interval_days(_customer("K3", unemployed=False)) == 183
    assert heilbronn.interval_days(_customer("K3", under_25=True)) == 30


def test_due_dates_of_tiny(heilbronn, tiny):
    due = due_dates(tiny.scenario, heilbronn)
    assert set(due) == {"C1", "C2", "C3", "C4"}  # C5 is exempt (case management)
    assert due["C1"].due == D(2026, 12, 10)
    assert due["C2"].due == D(2026, 12, 2)
    assert due["C4"].due == D(2026, 11, 1)  # K1 not unemployed: stricter K1, overdue
    assert due["C1"].last_contact == D(2026, 8, 10)
    assert due["C1"].planned is None


def test_due_dates_count_held_appointments_after_last_contact(heilbronn, tiny):
    later = _held(D(2026, 10, 5), customer_id="C1", appointment_id="A3")
    s = tiny.scenario.model_copy(update={"appointments": (*tiny.scenario.appointments, later)})
    assert due_dates(s, heilbronn)["C1"].due == D(2027, 2, 5)


def test_due_dates_report_the_earliest_planned_future_appointment(heilbronn, tiny):
    rows = [
        _held(D(2026, 12, 14), customer_id="C1", appointment_id="A3", status=Status.planned),
        _held(D(2026, 12, 9), customer_id="C1", appointment_id="A4", status=Status.planned),
        _held(D(2026, 11, 2), customer_id="C1", appointment_id="A5", status=Status.planned),
    ]
    s = tiny.scenario.model_copy(update={"appointments": (*tiny.scenario.appointments, *rows)})
    due = due_dates(s, heilbronn)["C1"]
    assert due.planned == D(2026, 12, 9)  # the past one (still planned) is not a future one
    assert due.due == D(2026, 12, 10)  # planned ones are no contacts yet


def test_elapsed_share_is_one_when_due(heilbronn, tiny):
    due = due_dates(tiny.scenario, heilbronn)["C1"]
    assert due.elapsed_share(D(2026, 8, 10) + dt.timedelta(days=122)) == 1.0
    assert due_dates(tiny.scenario, heilbronn)["C3"].elapsed_share(TODAY) == 1.0


# ---------------------------------------------------------------------------
# Category review (Kategorie-Prüfung)


def test_category_review_of_tiny_lists_the_k1_who_is_not_unemployed(heilbronn, tiny):
    [review] = category_review(tiny.scenario, heilbronn)
    assert (review.customer_id, review.stored, review.expected) == ("C4", "K1", "K3")
    assert review.reason == "not unemployed, 25 or older"


@pytest.mark.parametrize(
    ("stored", "data", "expected"),
    [
        ("K1", {"profile": "I"}, "K3"),
        ("K1", {"profile": "Z"}, "K3"),
        ("U25", {"profile": "Z", "under_25": True}, "K3"),
        ("K1", {"under_25": True}, "U25"),
        ("K3", {"under_25": True}, "U25"),
        ("U25", {"under_25": True, "unemployed": False}, "K3"),
        ("U25", {}, "K1"),
        ("K1", {"unemployed": False}, "K3"),
    ],
)
def test_category_review_flags_a_contradicting_category(heilbronn, stored, data, expected):
    assert expected_category(heilbronn, _customer(stored, **data)) == expected


@pytest.mark.parametrize(
    ("stored", "data"),
    [
        ("K1", {}),
        ("K3", {}),  # an unemployed adult may be K3 (complex needs)
        ("U25", {"under_25": True}),
        ("K3", {"under_25": True, "unemployed": False}),
        ("K3", {"unemployed": False}),
        ("K3", {"profile": "I"}),
        ("K1", {"profile": "MP"}),
    ],
)
def test_category_review_accepts_a_consistent_category(heilbronn, stored, data):
    expected = expected_category(heilbronn, _customer(stored, **data))
    assert expected in (None, stored)


def test_category_review_skips_exempt_customers(heilbronn):
    c = _customer("K1", unemployed=False, exempt=Exempt.employer_service)
    assert expected_category(heilbronn, c) is None


def test_category_review_is_off_under_ba_2010(ba2010, tiny):
    assert category_review(tiny.scenario, ba2010) == []


# ---------------------------------------------------------------------------
# Qualified contacts


def test_held_in_person_and_video_contacts_count(heilbronn):
    rows = [_held(D(2026, 3, 2)), _held(D(2026, 5, 4), Mode.video)]
    assert qualified_contacts(_customer(), rows, heilbronn) == [D(2026, 3, 2), D(2026, 5, 4)]


def test_phone_contact_counts_only_with_a_documented_exception(heilbronn):
    plain = _held(D(2026, 3, 2), Mode.phone)
    excused = _held(D(2026, 5, 4), Mode.phone, qualified_exception=True)
    assert qualified_contacts(_customer(), [plain, excused], heilbronn) == [D(2026, 5, 4)]


def test_phone_exception_is_ignored_when_the_policy_does_not_allow_it(heilbronn):
    strict = heilbronn.model_copy(
        update={
            "qualified_contact": heilbronn.qualified_contact.model_copy(
                update={"phone_with_exception": False}
            )
        }
    )
    excused = _held(D(2026, 5, 4), Mode.phone, qualified_exception=True)
    assert qualified_contacts(_customer(), [excused], strict) == []


@pytest.mark.parametrize(
    "status",
    [Status.not_held, Status.no_show, Status.cancelled, Status.voided, Status.planned],
)
def test_appointments_not_held_do_not_count(heilbronn, status):
    assert qualified_contacts(_customer(), [_held(D(2026, 3, 2), status=status)], heilbronn) == []


def test_last_contact_of_the_customer_row_counts(heilbronn):
    c = _customer(last_contact=D(2026, 1, 5))
    assert qualified_contacts(c, [_held(D(2026, 3, 2))], heilbronn) == [
        D(2026, 1, 5),
        D(2026, 3, 2),
    ]


def test_group_session_counts_at_most_once_per_12_months(heilbronn):
    g = Kind.group_session
    rows = [
        _held(D(2025, 3, 2), kind=g),
        _held(D(2025, 9, 1), kind=g),
        _held(D(2026, 3, 2), kind=g),
    ]
    assert qualified_contacts(_customer(), rows, heilbronn) == [D(2025, 3, 2), D(2026, 3, 2)]


def test_group_session_within_12_months_of_the_stored_one_does_not_count(heilbronn):
    c = _customer(last_group_session=D(2026, 1, 10))
    rows = [_held(D(2026, 6, 1), kind=Kind.group_session)]
    assert qualified_contacts(c, rows, heilbronn) == []


def test_group_session_that_is_the_stored_last_group_session_counts(heilbronn):
    # The history row and the customer's last_group_session are the same session.
    c = _customer(last_group_session=D(2026, 6, 1))
    rows = [_held(D(2026, 6, 1), kind=Kind.group_session)]
    assert qualified_contacts(c, rows, heilbronn) == [D(2026, 6, 1)]


def test_group_session_before_the_stored_one_counts_if_a_year_apart(heilbronn):
    c = _customer(last_group_session=D(2026, 6, 1))
    rows = [_held(D(2025, 3, 2), kind=Kind.group_session)]
    assert qualified_contacts(c, rows, heilbronn) == [D(2025, 3, 2)]


def test_individual_contacts_are_not_limited_like_group_sessions(heilbronn):
    c = _customer(last_group_session=D(2026, 1, 10))
    rows = [_held(D(2026, 6, 1)), _held(D(2026, 7, 1))]
    assert qualified_contacts(c, rows, heilbronn) == [D(2026, 6, 1), D(2026, 7, 1)]


# ---------------------------------------------------------------------------
# ba-2010: r contacts missing in the period ending on E -> due by E - (r - 1) x (period / N)
#
# Agreement 2026-01-01: period 2026-01-01..2026-07-01 (181 days), then ..2027-01-01 (184).
# MP: N = 4, so period / N = 45.25 days (rounded up to whole days: the earlier date).

AGREEMENT = D(2026, 1, 1)


def _mp(**kw) -> Customer:
    return _customer("MP", agreement_start=AGREEMENT, **kw)


def test_ba_2010_all_contacts_missing_is_due_at_n_minus_1_spacings_before_the_end(ba2010):
    # r = N = 4: 2026-07-01 - ceil(3 x 181 / 4) = - 136 days
    assert _due(ba2010, _mp(), D(2025, 12, 15), today=D(2026, 1, 10)) == D(2026, 2, 15)


def test_ba_2010_two_missing_is_due_one_spacing_before_the_end(ba2010):
    # r = 2: 2026-07-01 - ceil(181 / 4) = - 46 days
    contacts = (D(2026, 1, 10), D(2026, 2, 20))
    assert _due(ba2010, _mp(), *contacts, today=D(2026, 2, 21)) == D(2026, 5, 16)


def test_ba_2010_one_missing_is_due_at_the_end_of_the_period(ba2010):
    contacts = (D(2026, 1, 10), D(2026, 2, 20), D(2026, 4, 1))
    assert _due(ba2010, _mp(), *contacts, today=D(2026, 4, 2)) == D(2026, 7, 1)


def test_ba_2010_period_complete_moves_to_the_next_period(ba2010):
    # r <= 0: next period 2026-07-01..2027-01-01 (184 days), r = 4: - ceil(3 x 184 / 4) = - 138
    contacts = (D(2026, 1, 10), D(2026, 2, 20), D(2026, 4, 1), D(2026, 5, 10))
    assert _due(ba2010, _mp(), *contacts, today=D(2026, 5, 11)) == D(2026, 8, 16)


def test_ba_2010_contact_on_the_last_day_of_a_period_opens_the_next(ba2010):
    assert _due(ba2010, _mp(), D(2026, 6, 30), today=D(2026, 6, 30)) == D(2026, 8, 16)


def test_ba_2010_ended_period_is_replaced_by_the_one_containing_today(ba2010):
    # Last contact 2026-03-01; the first period ended unfulfilled; the second counts afresh.
    assert _due(ba2010, _mp(), D(2026, 3, 1), today=D(2026, 8, 1)) == D(2026, 8, 16)


def test_ba_2010_too_many_missing_is_due_no_earlier_than_the_last_contact(ba2010):
    # 3 missing after 2026-06-20: the formula gives 2026-04-01, before that contact. The
    # customer is behind: the next contact was due already at the last one.
    assert _due(ba2010, _mp(), D(2026, 6, 20), today=D(2026, 6, 25)) == D(2026, 6, 20)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("MP", D(2026, 4, 25)),  # 2026-09-10 - ceil(3 x 184 / 4) = - 138
        ("SP", D(2026, 6, 10)),  # 2026-09-10 - ceil(184 / 2) = - 92
        ("Z", D(2026, 9, 10)),  # N = 1: six months after the last contact
    ],
)
def test_ba_2010_without_agreement_the_period_starts_at_the_last_contact(ba2010, profile, expected):
    assert _due(ba2010, _customer(profile), D(2026, 3, 10)) == expected


def test_ba_2010_under_25_is_due_every_28_days(ba2010):
    c = _customer("AP", under_25=True, agreement_start=AGREEMENT)
    assert _due(ba2010, c, D(2026, 11, 2)) == D(2026, 11, 30)


def test_ba_2010_no_contact_is_a_first_interview_due_today(ba2010):
    assert _due(ba2010, _mp()) == TODAY


def test_ba_2010_interval_days_are_the_period_shared_by_n(ba2010):
    assert ba2010.interval_days(_customer("MP")) == 46  # 6 x 30.44 / 4
    assert ba2010.interval_days(_customer("MP", under_25=True)) == 28


# ---------------------------------------------------------------------------
# Properties of due dates

HEILBRONN = load_policy("heilbronn-2025")
BA_2010 = load_policy("ba-2010")
days = st.dates(D(2024, 1, 1), D(2028, 12, 31))


def _offsets(low: int, high: int) -> st.SearchStrategy[dt.timedelta]:
    return st.integers(low, high).map(lambda n: dt.timedelta(days=n))


@st.composite
def cases(draw: st.DrawFn, policy: Policy):
    """A customer, earlier contacts, two candidate last contacts c1 <= c2, and today.

    Dates lie close together (within a period or two), where the period rules bite.
    """
    c1 = draw(days)
    c2 = c1 + draw(_offsets(0, 200))
    today = c2 + draw(_offsets(0, 200))
    earlier = [c1 - d for d in draw(st.lists(_offsets(0, 400), max_size=5))]
    agreement = draw(st.none() | _offsets(-800, 100).map(lambda d: c1 + d))
    customer = _customer(
        draw(st.sampled_from(policy.categories)),
        unemployed=draw(st.booleans()),
        under_25=draw(st.booleans()),
        profile=draw(st.sampled_from([None, "I", "Z", "MP"])),
        agreement_start=agreement,
    )
    return customer, earlier, c1, c2, today


def test_ba_2010_a_contact_counts_in_the_period_that_holds_the_day_after_it():
    """MP needs 4 contacts per 6 months (agreement from 1 Jan): with 3 by 29 June, the
    4th is due by the period's end, 1 July; a contact on 30 June, the period's last day,
    opens the next period (4 missing by 1 Jan: due 16 Aug)."""
    c = _customer("MP", agreement_start=D(2026, 1, 1))
    earlier = (D(2026, 2, 1), D(2026, 4, 1))
    assert _due(BA_2010, c, *earlier, D(2026, 6, 29), today=D(2026, 6, 30)) == D(2026, 7, 1)
    assert _due(BA_2010, c, *earlier, D(2026, 6, 30), today=D(2026, 6, 30)) == D(2026, 8, 16)


def test_a_planned_appointment_today_is_the_customers_next_contact():
    """RULES.md: nothing new while a planned appointment meets the deadline; one today has
    not taken place yet, so it still counts."""
    c = _customer(last_contact=D(2026, 8, 1))  # due 2026-12-01
    today = _held(TODAY, status=Status.planned)
    assert customer_due(c, [today], HEILBRONN, TODAY).planned == TODAY


def test_a_planned_appointment_after_a_deadline_that_can_still_be_met_does_not_count():
    """RULES.md: a planned appointment after the deadline does not count where a new
    booking can meet it: due on the first bookable day (today + 10 days lead) it can."""
    late = _held(D(2026, 12, 10), status=Status.planned)
    first_bookable = _customer(last_contact=D(2026, 8, 3))  # due 2026-12-03 = today + 10
    due = customer_due(first_bookable, [late], HEILBRONN, TODAY)
    assert (due.due, due.planned, due.late_planned) == (
        D(2026, 12, 3),
        None,
        ((late.appointment_id, late.day),),
    )
    too_soon = _customer(last_contact=D(2026, 8, 2))  # due 12-02: no new booking meets it
    assert customer_due(too_soon, [late], HEILBRONN, TODAY).planned == late.day


property_settings = settings(max_examples=100, deadline=None)


@pytest.mark.parametrize("policy", [HEILBRONN, BA_2010], ids=["heilbronn-2025", "ba-2010"])
@property_settings
@given(data=st.data())
def test_due_date_is_monotone_in_the_last_contact(policy, data):
    customer, earlier, c1, c2, today = data.draw(cases(policy))
    assert _due(policy, customer, *earlier, c1, today=today) <= _due(
        policy, customer, *earlier, c2, today=today
    )


@pytest.mark.parametrize("policy", [HEILBRONN, BA_2010], ids=["heilbronn-2025", "ba-2010"])
@property_settings
@given(data=st.data())
def test_due_date_is_not_before_the_last_contact(policy, data):
    customer, earlier, c1, _, today = data.draw(cases(policy))
    assert _due(policy, customer, *earlier, c1, today=today) >= c1


def _period(agreement: D, day: D) -> tuple[D, D]:
    """The 6-month agreement period holding ``day`` (the first one if ``day`` is earlier)."""
    k = 0
    while add_months(agreement, 6 * (k + 1)) <= day:
        k += 1
    return add_months(agreement, 6 * k), add_months(agreement, 6 * (k + 1))


@property_settings
@given(data=st.data())
def test_ba_2010_due_date_lies_in_the_period_that_still_misses_a_contact(data):
    customer, earlier, last, _, today = data.draw(cases(BA_2010))
    assume(not customer.under_25)
    contacts = sorted({*earlier, last})
    due = _due(BA_2010, customer, *contacts, today=today)
    n = BA_2010.density.contacts_per_period[customer.category]
    if customer.agreement_start is None:
        assert last < due <= add_months(last, 6)
        return
    start, end = _period(customer.agreement_start, max(last + dt.timedelta(days=1), today))
    counted = sum(start <= c < end for c in contacts)
    if counted < n:
        assert start <= due <= end
    else:
        assert end < due <= add_months(end, 6)


def _bounded_settings():
    """(section, setting) of every number of a policy its model bounds at both ends."""
    from annotated_types import Ge, Gt, Le

    from kontaktplan.rules.policy import (
        Booking,
        Density,
        Disruption,
        Durations,
        InputRules,
        QualifiedContact,
        Retention,
        Weights,
    )

    sections = {
        "booking": Booking, "disruption": Disruption, "durations": Durations,
        "weights": Weights, "input": InputRules, "qualified_contact": QualifiedContact,
        "density": Density, "retention": Retention,
    }  # fmt: skip
    for section, model in sections.items():
        for name, info in model.model_fields.items():
            kinds = {type(m) for m in info.metadata}
            if kinds & {Ge, Gt} and Le in kinds:
                yield section, name


RULES_DOC = Path(__file__).parents[1] / "docs" / "rules.md"


def _documented_bounds() -> list[tuple[str, int | D | None, int | D | None]]:
    """(setting, lowest, highest) of each row of the table of bounds in docs/rules.md; an
    end given in words (against another setting) is None; ``*`` stands for every key."""
    text = RULES_DOC.read_text(encoding="utf-8")
    table = text.split("## Bounds of the settings", 1)[1].split("\n## ", 1)[0]
    out = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and "`" in cells[0]:
            for key in re.findall(r"`([^`]+)`", cells[0]):
                out.append((key, _bound(cells[1]), _bound(cells[2])))
    return out


def _bound(cell: str) -> int | D | None:
    if re.fullmatch(r"\d+", cell):
        return int(cell)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", cell):
        return D.fromisoformat(cell)
    return None


def _rule_set(key: str) -> str:
    """The bundled rule set that uses ``key``: the count per period is ba-2010's."""
    ba = ("density.contacts_per_period", "density.period_months", "density.under_25_interval_days")
    return "ba-2010" if key.startswith(ba) else "heilbronn-2025"


def _settings(key: str, data: dict) -> list[str]:
    """``key``, or every setting its ``*`` stands for (the weights, a table's categories)."""
    if not key.endswith(".*"):
        return [key]
    section = key.removesuffix(".*")
    if section == "weights":
        from kontaktplan.rules.policy import Weights

        return [f"weights.{name}" for name in Weights.model_fields]
    node = data
    for part in section.split("."):
        node = node[part]
    return [f"{section}.{code}" for code in node]


def _with(data: dict, key: str, value: object) -> dict:
    """``data`` with the setting ``key`` (dotted) set to ``value``."""
    out = copy.deepcopy(data)
    *path, last = key.split(".")
    node = out
    for part in path:
        node = node.setdefault(part, {})
    node[last] = value
    return out


@pytest.mark.parametrize(("key", "low", "high"), _documented_bounds())
def test_every_policy_number_accepts_its_documented_bounds_and_nothing_beyond(key, low, high):
    data = _policy_data(_rule_set(key))
    tries = []
    for bound, outward in ((low, -1), (high, 1)):
        if bound is not None:
            step = dt.timedelta(days=outward) if isinstance(bound, D) else outward
            tries += [(bound, True), (bound + step, False)]
    assert tries, key
    for name in _settings(key, data):
        for value, ok in tries:
            if ok:
                Policy.model_validate(_with(data, name, value))
            else:
                with pytest.raises(ValidationError):
                    Policy.model_validate(_with(data, name, value))


def test_every_bounded_policy_number_is_in_the_documented_table():
    documented = {key for key, _, _ in _documented_bounds()}
    missing = [
        f"{section}.{name}"
        for section, name in _bounded_settings()
        if f"{section}.{name}" not in documented and f"{section}.*" not in documented
    ]
    assert missing == []
    assert {"input.earliest_date", "density.interval_months.*"} <= documented
