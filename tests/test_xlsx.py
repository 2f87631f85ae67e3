"""Excel export (report sheets + the six tables) and import (typed cells, errors like the CSV's)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook import Workbook
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Scenario,
    ScenarioMeta,
    Slot,
    Specialist,
    parse_unavailable,
)
from kontaktplan.io import InputError, read_scenario, write_scenario
from kontaktplan.io.xlsx import (
    cell_text,
    read_xlsx,
    scenario_workbook,
    workbook_bytes,
    write_xlsx,
)
from kontaktplan.rules.policy import load_policy

TINY = Path(__file__).parent / "data" / "tiny"
POLICY = load_policy("heilbronn-2025")
TODAY = dt.date(2026, 11, 23)  # first plannable Monday: 2026-12-07 (KW 50)
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def appt(aid: str, cid: str, sid: str, start: dt.datetime, **kw) -> Appointment:
    fields = {"kind": "follow_up", "mode": "in_person", "status": "planned", "booked_on": TODAY}
    return Appointment(
        appointment_id=aid,
        customer_id=cid,
        specialist_id=sid,
        start=start,
        end=start + dt.timedelta(minutes=45),
        **(fields | kw),
    )


def rich() -> Scenario:
    """Every optional field set somewhere; ids that look like numbers; two teams."""
    tue = MONDAY + dt.timedelta(days=1)
    return Scenario(
        meta=ScenarioMeta(name="rich", today=TODAY, policy="heilbronn-2025", region="DE-BW"),
        specialists=(
            Specialist(specialist_id="S1", team="T1", fte=1.0, substitute_id="S2", video=True),
            Specialist(specialist_id="S2", team="T1", fte=0.5, substitute_id="S1", video=False),
            Specialist(specialist_id="0042", team="Nord/Ost", fte=0.75),
        ),
        customers=(
            Customer(
                customer_id="1001",
                specialist_id="S1",
                category="K3",
                unemployed=False,
                under_25=False,
                exempt="case_management",
                last_contact=dt.date(2026, 6, 30),
                profile="I",
                household_id="BG-7",
                agreement_start=dt.date(2026, 5, 1),
                mode="video",
                unavailable=parse_unavailable("Mon;Wed-AM;Fri-PM"),
                last_group_session=dt.date(2026, 2, 3),
            ),
            Customer(
                customer_id="C2",
                specialist_id="S1",
                category="U25",
                unemployed=True,
                under_25=True,
                last_contact=dt.date(2026, 10, 1),
            ),
            Customer(
                customer_id="C3",
                specialist_id="0042",
                category="K1",
                unemployed=True,
                under_25=False,
            ),
        ),
        slots=(
            Slot(specialist_id="S1", start=at(MONDAY, 8), end=at(MONDAY, 9), mode="in_person"),
            Slot(specialist_id="S1", start=at(MONDAY, 9), end=at(MONDAY, 10), mode="video"),
            Slot(specialist_id="S2", start=at(tue, 13, 30), end=at(tue, 14, 15), mode="any"),
            Slot(specialist_id="0042", start=at(MONDAY, 8), end=at(MONDAY, 9)),
        ),
        absences=(Absence(specialist_id="S2", first_day=tue, last_day=tue, reason="Fortbildung"),),
        appointments=(
            appt("A1", "1001", "S1", at(dt.date(2026, 6, 30), 8), status="held"),
            appt(
                "A2",
                "C2",
                "S1",
                at(MONDAY, 8, 15),
                kind="phone_consultation",
                mode="phone",
                qualified_exception=True,
                reassigned_from="S2",
                backfill_for="A3",
            ),
            appt(
                "A3",
                "C2",
                "S2",
                at(tue, 13, 30),
                status="cancelled",
                cancelled_on=dt.date(2026, 11, 20),
            ),
        ),
    )


def test_round_trip_tiny(tmp_path):
    loaded = read_scenario(TINY)
    write_xlsx(loaded.scenario, loaded.policy, tmp_path / "tiny.xlsx")
    back = read_xlsx(tmp_path / "tiny.xlsx")
    assert back.scenario == loaded.scenario
    assert back.warnings == [w.replace("slots.csv", "tiny.xlsx:slots") for w in loaded.warnings]


def test_round_trip_with_every_optional_field(tmp_path):
    scenario = rich()
    write_xlsx(scenario, POLICY, tmp_path / "rich.xlsx")
    back = read_xlsx(tmp_path / "rich.xlsx").scenario
    assert back == scenario
    assert back.customers[0].customer_id == "1001"
    assert back.specialists[2].specialist_id == "0042"


def test_round_trip_through_the_cli(tmp_path):
    folder = write_scenario(rich(), tmp_path / "in")
    runner = CliRunner()
    book = tmp_path / "rich.xlsx"
    result = runner.invoke(app, ["export", "xlsx", str(folder), "--out", str(book)])
    assert result.exit_code == 0, result.output
    assert "overdue: 1 row(s)" in result.output
    assert "Team T1: 2 row(s)" in result.output
    assert "customers: 3 row(s)" in result.output
    result = runner.invoke(app, ["import", "xlsx", str(book), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert read_scenario(tmp_path / "out").scenario == rich()


def test_same_scenario_same_bytes():
    scenario = rich()
    first = workbook_bytes(scenario_workbook(scenario, POLICY))
    assert first == workbook_bytes(scenario_workbook(scenario, POLICY))


def test_sheets_and_header_style(tmp_path):
    write_xlsx(rich(), POLICY, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == [
        "Team T1",
        "Team Nord_Ost",
        "overdue",
        "category_review",
        "scenario",
        "specialists",
        "customers",
        "slots",
        "absences",
        "appointments",
    ]
    for name in wb.sheetnames[2:]:
        ws = wb[name]
        assert ws["A1"].font.b, name
        assert ws.freeze_panes == "A2", name
        assert ws.column_dimensions["A"].width >= 8, name
    assert wb["Team T1"].freeze_panes == "C3"
    assert wb["customers"]["G2"].number_format == "YYYY-MM-DD"
    assert wb["slots"]["B2"].number_format == "YYYY-MM-DD HH:MM"


def team_rows(wb: Workbook, sheet: str) -> dict[str, list]:
    """Rows of a team sheet's bookings grid by specialist id (first grid only)."""
    out: dict[str, list] = {}
    for row in wb[sheet].iter_rows(min_row=3, values_only=True):
        if row[0] in out or row[0] == "team total":
            break
        out[row[0]] = list(row)
    return out


def overloaded() -> Scenario:
    """rich() with 9 planned appointments for S1 on Monday (daily cap 8), week target 25."""
    base = rich()
    extra = [
        Customer(customer_id=f"X{i}", specialist_id="S1", category="K1", unemployed=True,
                 under_25=False, last_contact=dt.date(2026, 9, 1))
        for i in range(9)
    ]  # fmt: skip
    appointments = [appt(f"B{i}", f"X{i}", "S1", at(MONDAY, 10) + dt.timedelta(hours=i))
                    for i in range(9)]  # fmt: skip
    return base.model_copy(
        update={
            "customers": base.customers + tuple(extra),
            "appointments": base.appointments + tuple(appointments),
        }
    )


def test_team_sheet_counts_target_booked_and_marks(tmp_path):
    write_xlsx(overloaded(), POLICY, tmp_path / "o.xlsx", lang="de")
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    ws = wb["Team T1"]
    assert ws["C1"].value == "KW 50: 07.12.–11.12.2026"
    assert [c.value for c in ws[2]][2:9] == [
        "Mo 07.12.", "Di 08.12.", "Mi 09.12.", "Do 10.12.", "Fr 11.12.", "Soll", "Ist",
    ]  # fmt: skip
    write_xlsx(overloaded(), POLICY, tmp_path / "en.xlsx", lang="en")
    en = openpyxl.load_workbook(tmp_path / "en.xlsx")["Team T1"]
    assert en["C1"].value == "week 50: 2026-12-07 to 2026-12-11"
    assert [c.value for c in en[2]][7:9] == ["target", "booked"]
    rows = team_rows(wb, "Team T1")
    # S1: 9 new + A2 (phone) on Monday = 10 that day; booked counts 9 (phone not counted)
    assert rows["S1"][2:9] == [10, 0, 0, 0, 0, 25, 9]
    # S2 half-time, regular days from slots = {Tue}; absent on Tue -> target 0
    assert rows["S2"][2:9] == [0, 0, 0, 0, 0, 0, 0]
    assert ws["C3"].fill.fgColor.rgb == "00FFC7CE"  # over the daily cap
    assert ws["I3"].fill.fgColor.rgb == "00FFEB9C"  # 9 booked < 25 target
    assert ws["D4"].fill.fgColor.rgb == "00D9D9D9"  # S2 absent on Tuesday
    assert ws["C4"].fill.fgColor.rgb != "00FFC7CE"
    assert team_rows(wb, "Team Nord_Ost")["0042"][2:9] == [0, 0, 0, 0, 0, 19, 0]


def test_free_slots_grid_counts_unbooked_slots(tmp_path):
    write_xlsx(rich(), POLICY, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Team T1"]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "free slots")
    # S1: the 08:00 slot holds A2 (08:15-09:00), the 09:00 slot is free; S2's slot is in its absence
    assert rows[start + 1][:7] == ("S1", None, 1, 0, 0, 0, 0)
    assert rows[start + 2][:7] == ("S2", None, 0, 0, 0, 0, 0)


def test_overdue_lists_customers_past_due_without_planned_appointment(tmp_path):
    scenario = rich()  # C2 (U25, last 2026-10-01, due 2026-11-01) has A2 planned; C3 is due today
    late = Customer(customer_id="L1", specialist_id="S1", category="K1", unemployed=True,
                    under_25=False, last_contact=dt.date(2026, 6, 1))  # fmt: skip
    scenario = scenario.model_copy(update={"customers": (*scenario.customers, late)})
    write_xlsx(scenario, POLICY, tmp_path / "r.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["overdue"].values)
    assert rows[0] == ("customer_id", "specialist_id", "category", "last_contact", "due",
                       "days_overdue")  # fmt: skip
    assert rows[1:] == [
        ("L1", "S1", "K1", dt.datetime(2026, 6, 1), dt.datetime(2026, 10, 1), 53),
        # C3 waits for a first interview, due today, which the lead time rules out: overdue
        ("C3", "0042", "K1", None, dt.datetime(2026, 11, 23), 0),
    ]


def test_category_review_sheet(tmp_path):
    write_xlsx(rich(), POLICY, tmp_path / "r.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["category_review"].values)
    assert rows == [("customer_id", "specialist_id", "stored", "expected", "reason")]
    tiny = read_scenario(TINY)
    write_xlsx(tiny.scenario, tiny.policy, tmp_path / "t.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "t.xlsx")["category_review"].values)
    assert rows[1:] == [("C4", "S2", "K1", "K3", "not unemployed, 25 or older")]


# --- import: typed cells and errors ----------------------------------------------------


def workbook(**sheets: list[list]) -> Workbook:
    """A workbook from tiny, with some sheets' rows replaced (``None`` drops a sheet)."""
    loaded = read_scenario(TINY)
    wb = scenario_workbook(loaded.scenario, loaded.policy)
    for name, rows in sheets.items():
        del wb[name]
        if rows is not None:
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
    return wb


def save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


CUSTOMER_HEADER = ["customer_id", "specialist_id", "category", "unemployed", "under_25",
                   "exempt", "last_contact"]  # fmt: skip


def test_import_accepts_excel_typed_cells(tmp_path):
    book = workbook(
        scenario=[["name", "typed"], ["today", dt.datetime(2026, 11, 23)],
                  ["policy", "heilbronn-2025"], ["region", "DE-BW"]],
        specialists=[["specialist_id", "team", "fte", "substitute_id", "video"],
                     ["S1", "T1", 1, None, "ja"], ["S2", 7, "0,5", "S1", 0]],
        customers=[CUSTOMER_HEADER,
                   [1001, "S1", "K1", True, False, None, dt.datetime(2026, 8, 10)],
                   [1002.0, "S1", "K3", "nein", "FALSCH", "", 46244],
                   ["C4", "S2", "K3", 0, 0, None, "2026-07-01"]],
        slots=[["specialist_id", "start", "end"],
               ["S1", dt.datetime(2026, 12, 7, 8), dt.datetime(2026, 12, 7, 8, 44, 59, 999999)],
               ["S2", "2026-12-07 08:00", "2026-12-07T09:00"]],
        absences=None,
        appointments=None,
    )  # fmt: skip
    s = read_xlsx(save(book, tmp_path / "typed.xlsx")).scenario
    assert [(x.specialist_id, x.team, x.fte, x.video) for x in s.specialists] == [
        ("S1", "T1", 1.0, True),
        ("S2", "7", 0.5, False),
    ]
    assert [(c.customer_id, c.unemployed, c.last_contact) for c in s.customers] == [
        ("1001", True, dt.date(2026, 8, 10)),
        ("1002", False, dt.date(2026, 8, 10)),  # Excel serial 46244 = 2026-08-10
        ("C4", False, dt.date(2026, 7, 1)),
    ]
    assert s.slots[0].end == dt.datetime(2026, 12, 7, 8, 45)
    assert s.slots[1].start == dt.datetime(2026, 12, 7, 8)
    assert s.today == TODAY and s.appointments == () and s.absences == ()


def test_import_bad_date_names_sheet_row_and_column(tmp_path):
    book = workbook(customers=[CUSTOMER_HEADER,
                               ["C1", "S1", "K1", True, False, None, dt.datetime(2026, 8, 10)],
                               ["C2", "S1", "K1", True, False, None, "31.02.2026"]])  # fmt: skip
    with pytest.raises(InputError) as err:
        read_xlsx(save(book, tmp_path / "bad.xlsx"))
    e = err.value
    assert (e.file, e.row, e.column) == ("bad.xlsx:customers", 3, "last_contact")
    assert "'31.02.2026' is not a date" in str(e)


def test_cli_import_bad_input_exits_2_and_writes_nothing(tmp_path):
    book = workbook(customers=[CUSTOMER_HEADER,
                               ["C1", "S1", "K1", True, False, None, None],
                               ["C2", "S1", "K1", True, False, None, "gestern"]])  # fmt: skip
    path = save(book, tmp_path / "bad.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "xlsx", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "bad.xlsx:customers, row 3, column 'last_contact'" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("sheets", "where", "message"),
    [
        ({"customers": None}, ("b.xlsx:customers", None, None), "sheet not found"),
        (
            {"slots": [["specialist_id", "start"], ["S1", dt.datetime(2026, 12, 7, 8)]]},
            ("b.xlsx:slots", 1, "end"),
            "missing column",
        ),
        (
            {"slots": [["specialist_id", "start", "end"],
                       ["S9", dt.datetime(2026, 12, 7, 8), dt.datetime(2026, 12, 7, 9)]]},
            ("b.xlsx:slots", 2, "specialist_id"),
            "unknown specialist 'S9'",
        ),
        (
            {"scenario": [["key", "value"], ["name", "x"], ["today", "morgen"]]},
            ("b.xlsx:scenario", 3, "today"),
            "date",
        ),
        (
            {"scenario": [["name", "x"], ["today", TODAY], ["region", "DE-XX"]]},
            ("b.xlsx:scenario", 3, "region"),
            "unknown region 'DE-XX'",
        ),
        (
            {"scenario": [["name", "x"], ["today", TODAY], ["policy", "nope.toml"]]},
            ("b.xlsx:scenario", 3, "policy"),
            "policy file 'nope.toml' not found",
        ),
        (
            {"specialists": [["specialist_id", "team", "fte", "substitute_id"],
                             ["S1", "T1", 1, None, "note"], ["S2", "T1", 0.5]]},
            ("b.xlsx:specialists", 2, None),
            "column E, which has no header",
        ),
    ],
)  # fmt: skip
def test_import_errors_name_sheet_row_and_column(tmp_path, sheets, where, message):
    with pytest.raises(InputError, match=message) as err:
        read_xlsx(save(workbook(**sheets), tmp_path / "b.xlsx"))
    assert (err.value.file, err.value.row, err.value.column) == where


@pytest.mark.parametrize(
    ("name", "message"),
    [("x.xlsx", "not an Excel workbook"), ("x.csv", "give a .xlsx file"), ("x.xls", "old")],
)
def test_import_rejects_a_file_that_is_no_workbook(tmp_path, name, message):
    path = tmp_path / name
    path.write_text("customer_id,specialist_id\n")
    with pytest.raises(InputError, match=message):
        read_xlsx(path)
    result = CliRunner().invoke(app, ["import", "xlsx", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert not (tmp_path / "o").exists()


def test_cli_export_xlsx_rejects_other_suffix_and_bad_input(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "xlsx", str(TINY), "--out", str(tmp_path / "a.csv")])
    assert result.exit_code == 2
    assert not (tmp_path / "a.csv").exists()
    out = tmp_path / "a.xlsx"
    result = runner.invoke(app, ["export", "xlsx", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 2
    assert "scenario.toml" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("value", "column", "text"),
    [
        (dt.datetime(2026, 12, 7, 8, 44, 59, 999_600), "end", "2026-12-07T08:45"),
        (dt.datetime(2026, 12, 7, 8, 45, 0, 300), "start", "2026-12-07T08:45"),
        (dt.datetime(2026, 12, 7), "last_contact", "2026-12-07"),
        (dt.datetime(2026, 12, 7), "start", "2026-12-07T00:00"),
        (46363.375, "start", "2026-12-07T09:00"),
        (2026, "last_contact", "2026"),
        (1001.0, "customer_id", "1001"),
        (0.75, "fte", "0.75"),
        (True, "video", "true"),
        (None, "profile", ""),
        ("  K1 ", "category", "K1"),
    ],
)
def test_cell_text_reads_excel_values_as_csv_text(value, column, text):
    assert cell_text(value, column) == text


def test_workbook_file_gets_the_usual_permissions(tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    write_xlsx(rich(), POLICY, tmp_path / "r.xlsx")
    assert stat.S_IMODE((tmp_path / "r.xlsx").stat().st_mode) == 0o666 & ~mask
