"""The HTML report: every figure in it is the validator's; self-contained; same bytes."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.io import read_scenario
from kontaktplan.report import plots
from kontaktplan.report.data import due_by_week
from kontaktplan.report.html import format_value, render_report
from kontaktplan.report.tables import Words, review_reason
from kontaktplan.validation import validate

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "demo"
TINY = Path(__file__).parent / "data" / "tiny"
LOG = [
    {
        "command": "absence",
        "date": "2026-11-23",
        "changes": [
            {"action": "absence", "specialist_id": "S2", "reason": "S2 absent 2026-12-08 .. 09"},
        ],
        "escalations": [
            {
                "action": "escalated",
                "appointment_id": "A9",
                "customer_id": "C4",
                "specialist_id": "S2",
                "start": "2026-12-08T08:00",
                "reason": "no one free at this time <b>",
            }
        ],
    }
]


class Cells(HTMLParser):
    """Collects the text of every element carrying a ``data-*`` figure reference."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []  # (kind, path, text)
        self.stack: list[tuple[str, str] | None] = []
        self.text: list[str] = []
        self.json = ""
        self.in_json = False
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.sources.append(a[key] or "")
        if tag == "script":
            self.in_json = a.get("type") == "application/json" and a.get("id") == "figures"
        ref = next(
            (
                (k[5:], v)
                for k, v in a.items()
                if k in ("data-figure", "data-derived", "data-count")
            ),
            None,
        )
        if tag in ("td", "div", "span"):
            self.stack.append(ref)
            if ref:
                self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_json = False
        if tag in ("td", "div", "span") and self.stack:
            ref = self.stack.pop()
            if ref:
                self.cells.append((ref[0], ref[1] or "", "".join(self.text)))

    def handle_data(self, data: str) -> None:
        if self.in_json:
            self.json += data
        else:
            self.text.append(data)


def parse(page: str) -> Cells:
    p = Cells()
    p.feed(page)
    return p


def resolve(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def render(folder: Path, disruptions: list | None = None) -> tuple[str, dict[str, Any]]:
    loaded = read_scenario(folder)
    report = validate(loaded.scenario, loaded.policy)
    page = render_report(loaded.scenario, loaded.policy, report, disruptions)
    return page, json.loads(json.dumps(report.figures))


@pytest.fixture(scope="module")
def demo() -> tuple[str, dict[str, Any]]:
    return render(DEMO, LOG)


def test_json_block_holds_the_validators_figures(demo):
    page, figures = demo
    data = json.loads(parse(page).json)
    assert data["figures"] == figures
    assert data["disruptions"] == LOG


def test_every_number_in_a_table_is_the_validators_figure(demo):
    page, figures = demo
    cells = parse(page).cells
    shown = [c for c in cells if c[0] == "figure"]
    assert len(shown) > 500  # weeks, teams, overdue, late deadlines, category review
    for _, path, text in shown:
        assert text == format_value(resolve(figures, path)), path
    paths = {p for _, p, _ in shown}
    assert {f"overdue.{i}.customer" for i in range(len(figures["overdue"]))} <= paths
    assert {
        f"category_review.{i}.expected" for i in range(len(figures["category_review"]))
    } <= paths
    assert {f"weeks.{i}.booked" for i in range(len(figures["weeks"]))} <= paths
    counts = {p: t for k, p, t in cells if k == "count"}
    assert counts == {
        "overdue": str(len(figures["overdue"])),
        "category_review": str(len(figures["category_review"])),
        "escalations": str(len(figures["escalations"])),
        "disruptions": "1",
    }


def test_derived_figures_are_sums_of_the_validators(demo):
    page, figures = demo
    data = json.loads(parse(page).json)
    derived = data["derived"]
    for kind, path, text in parse(page).cells:
        if kind == "derived":
            assert text == format_value(resolve(derived, path)), path
    weeks = derived["due_by_week"]
    mondays = sorted(
        {w["monday"] for w in figures["weeks"] if w["monday"] <= figures["horizon_end"]}
    )
    assert [w["monday"] for w in weeks] == mondays
    last_sunday = dt.date.fromisoformat(mondays[-1]) + dt.timedelta(days=6)
    in_horizon = [d for d in figures["deadlines"] if dt.date.fromisoformat(d["due"]) <= last_sunday]
    assert sum(w["backlog"] + w["due"] for w in weeks) == len(in_horizon)
    assert weeks[-1]["due_so_far"] == len(in_horizon)
    for w in weeks:
        assert w["capacity"] == sum(
            x["target"] for x in figures["weeks"] if x["monday"] == w["monday"]
        )
        assert w["ceiling"] == sum(
            8 * x["available_days"] for x in figures["weeks"] if x["monday"] == w["monday"]
        )
    today = dt.date.fromisoformat(figures["today"])
    assert derived["days_overdue"] == [
        (today - dt.date.fromisoformat(o["due"])).days for o in figures["overdue"]
    ]


def test_due_by_week_hand_worked():
    # Two weeks, one specialist with target 25 (5 days) then 20 (4 days, a holiday).
    # Deadlines: one before the first Monday (backlog), two in week 1 (one planned),
    # one in week 2, one after the horizon. Cap 2 a day: ceilings 10 and 8.
    figures = {
        "horizon_end": "2026-12-18",
        "weeks": [
            {"monday": "2026-12-07", "target": 25, "available_days": 5},
            {"monday": "2026-12-14", "target": 20, "available_days": 4},
        ],
        "deadlines": [
            {"due": "2026-12-01", "status": "late"},
            {"due": "2026-12-07", "status": "met"},
            {"due": "2026-12-13", "status": "open"},
            {"due": "2026-12-20", "status": "open"},
            {"due": "2026-12-21", "status": "open"},
        ],
    }
    rows = due_by_week(figures, daily_cap=2)
    assert [(r["week"], r["backlog"], r["due"], r["planned"]) for r in rows] == [
        ("2026-W50", 1, 2, 1),
        ("2026-W51", 0, 1, 0),
    ]
    assert [(r["capacity"], r["ceiling"], r["due_so_far"]) for r in rows] == [
        (25, 10, 3),
        (20, 8, 4),
    ]
    assert [(r["over_target"], r["over_cap"]) for r in rows] == [(0, 0), (0, 0)]
    rows = due_by_week(figures | {"deadlines": figures["deadlines"] * 5}, daily_cap=2)
    assert [(r["over_target"], r["over_cap"]) for r in rows] == [(0, 5), (0, 2)]


def test_page_is_self_contained(demo):
    page, _ = demo
    p = parse(page)
    assert p.sources and all(s.startswith("data:image/png;base64,") for s in p.sources)
    assert not re.search(r"https?://", page)
    assert "<link" not in page and "<script src" not in page
    assert "no one free at this time &lt;b&gt;" in page  # text from plan.json is escaped
    for src in p.sources:
        png = base64.b64decode(src.split(",", 1)[1])
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"tIME" not in png and b"Software" not in png  # no timestamp, no version


def test_a_german_page_writes_each_figure_as_german_does():
    """Issue 12.13: in a German report a day, a start and an ISO week read 07.12.2026,
    08.12.2026 08:00 and KW 50/2026 (the figures in the JSON block stay ISO)."""
    loaded = read_scenario(DEMO)
    report = validate(loaded.scenario, loaded.policy)
    page = render_report(loaded.scenario, loaded.policy, report, LOG, lang="de")
    figures = json.loads(json.dumps(report.figures))
    shown = [c for c in parse(page).cells if c[0] == "figure"]
    de = Words("de")
    for _, path, text in shown:
        value = resolve(figures, path)
        said = review_reason(value, de) if path.endswith(".reason") else format_value(value, de)
        assert text == said, path
    texts = {p.split(".")[-1]: t for _, p, t in shown}
    assert re.fullmatch(r"KW \d+/\d{4}", texts["week"])
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", texts["due"])
    visible = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    figures_part = visible.split("Störungsprotokoll")[0]  # LOG's reasons are English only
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}", re.sub(r"<[^>]+>", " ", figures_part))
    assert "A9 (C4 bei S2, 08.12.2026 08:00)" in visible  # the disruption log


def test_same_input_same_bytes(demo):
    page, _ = demo
    assert render(DEMO, LOG)[0] == page


def test_no_plan_json_no_disruptions():
    page, _ = render(TINY, None)
    log = page.split("<h2>Disruption log</h2>", 1)[1]
    assert '<p class="note">none</p>' in log
    assert 'data-count="disruptions">0<' in page


def test_plots_draw_on_a_given_axes_or_a_new_figure(demo):
    _, figures = demo
    ax = plots.new_axes((6, 3))
    assert plots.due_per_week(figures, 8, ax=ax) is ax
    for draw in (
        lambda ax: plots.bookings_heatmap(figures, 8, ax=ax),
        lambda ax: plots.weekly_volume(figures, team="T01", ax=ax),
        lambda ax: plots.due_per_week(figures, 8, ax=ax),
    ):
        new = draw(None)
        assert new.figure is not None
        import matplotlib.pyplot as plt

        plt.close(new.figure)


runner = CliRunner()


def test_report_command_writes_the_page(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    (folder / "plan.json").write_text(json.dumps({"disruptions": LOG}), encoding="utf-8")
    out = tmp_path / "r" / "report.html"
    result = runner.invoke(app, ["report", str(folder), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["out"] == str(out) and summary["disruptions"] == 1
    assert summary["ok"] is True
    page = out.read_text(encoding="utf-8")
    assert page == render(folder, LOG)[0]
    quiet = runner.invoke(app, ["report", str(folder), "--out", str(out), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_report_command_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(tmp_path / "missing"), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "plan.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["report", str(folder), "--out", str(out)])
    assert result.exit_code == 2 and "plan.json" in result.output and not out.exists()
    result = runner.invoke(app, ["report", str(TINY), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_the_disruption_log_is_in_the_reports_language(tmp_path):
    """plan.json keeps each reason in English and German; a German report shows the
    German one (issue 12.13: one language per output), an English report the English."""
    runner = CliRunner()
    planned, missed = tmp_path / "planned", tmp_path / "missed"
    got = runner.invoke(app, ["plan", str(DEMO), "--out", str(planned), "--solver", "greedy", "-q"])
    assert got.exit_code == 0, got.output
    rows = (planned / "appointments.csv").read_text(encoding="utf-8").splitlines()
    first = next(r.split(",")[0] for r in rows if ",planned," in r and ",2026-12-07T" in r)
    args = ["noshow", str(planned), first, "--on", "2026-12-07T23:00", "--out", str(missed)]
    assert runner.invoke(app, [*args, "-q"]).exit_code == 0
    texts = {}
    for lang in ("de", "en"):
        out = tmp_path / f"report-{lang}.html"
        got = runner.invoke(app, ["report", str(missed), "--out", str(out), "--lang", lang, "-q"])
        assert got.exit_code == 0, got.output
        page = re.sub(r"<script.*?</script>", "", out.read_text(encoding="utf-8"), flags=re.S)
        texts[lang] = re.sub(r"<[^>]+>", " ", page)
    assert "der Kunde ist nicht erschienen" in texts["de"]
    assert "the customer did not come" not in texts["de"]
    assert "the customer did not come" in texts["en"]
    assert "der Kunde ist nicht erschienen" not in texts["en"]
