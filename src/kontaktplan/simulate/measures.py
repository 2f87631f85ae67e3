"""The figures of a simulated week per customer group, the results table file and the
summary across replications (mean and 90 % interval).

Groups are the 2025 concept's (docs/rules.md), whatever rule set is simulated, so that the
2010 rules and the 2025 concept can be compared: ``U25`` (unemployed and under 25),
``K1`` (category K1, or a 2010 profile MP/AP/FP, unemployed), ``K3`` (the others), and
``all``; exempt customers (FM, BAK) have no deadline and are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from kontaktplan.domain import Customer, Kind, Scenario, Status
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Policy, deadline
from kontaktplan.simulate.settings import SimulationSettings

__all__ = [
    "COLUMNS",
    "GROUPS",
    "MEASURES",
    "Tally",
    "concept_group",
    "measure_week",
    "read_table",
    "summarise",
    "table_text",
    "write_table",
]

GROUPS = ("all", "U25", "K1", "K3")
K1_PROFILES = frozenset({"K1", "MP", "AP", "FP"})
KEYS = ("office", "replication", "week", "first_day", "group")
COUNTS = (
    "held", "not_held", "no_shows", "standby_calls", "reinvited", "cancel_7_plus",
    "cancel_under_7", "backfills", "handovers", "escalations", "arrivals", "leavers",
    "sick_spells",
)  # fmt: skip
FIGURES = (
    "customers", "within_interval", "density", "overdue", "overdue_days_median",
    "overdue_days_p90", "bookings", "bookings_per_fte", "target_per_fte", "plan_bookings",
)  # fmt: skip
COLUMNS = (*KEYS, *FIGURES, *COUNTS)
MEASURES = (
    "density", "overdue_days_median", "overdue_days_p90", "bookings_per_fte",
    "standby_calls", "handovers", "escalations",
)  # fmt: skip
"""The measures the summary and the plots show (the others stay in the table)."""


def concept_group(c: Customer) -> str:
    """U25, K1 or K3 by the 2025 concept (a 2010 profile is mapped); exempt customers too."""
    if c.exempt is not None:
        return "exempt"
    if c.unemployed and c.under_25:
        return "U25"
    if c.unemployed and c.category in K1_PROFILES:
        return "K1"
    return "K3"


class Tally:
    """Counts of the week's events per group (``all`` gets every count as well)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, group: str, name: str, n: int = 1) -> None:
        if group in GROUPS and group != "all":
            self.counts[group, name] += n
        self.counts["all", name] += n

    def get(self, group: str, name: str) -> int:
        return self.counts[group, name]


def _percentile(values: list[int], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def measure_week(
    scenario: Scenario,
    policy: Policy,
    settings: SimulationSettings,
    tally: Tally,
    plan_info: dict[str, Any],
    *,
    arrived: dict[str, dt.date],
    office: str,
    replication: int,
    week: int,
    first_day: dt.date,
) -> list[dict[str, Any]]:
    """The rows of one week, measured on its last day (``scenario.today``).

    Realised density: the share of the group's customers whose deadline (the next
    qualified contact due, by the policy) has not passed; a new customer without a first
    interview is within it until ``first_interview_grace_days`` after arriving. Days
    overdue: median and 90th percentile over the overdue customers (empty if none).
    Bookings: the week's appointments that took place or were missed (standby calls left
    out), per FTE of the office, against the weekly target per FTE.
    """
    last_day = first_day + dt.timedelta(days=6)
    grace = dt.timedelta(days=settings.caseload.first_interview_grace_days)
    active = scenario.appointment_index.active_by_customer  # what a due date looks at
    within: Counter[str] = Counter()
    size: Counter[str] = Counter()
    late: dict[str, list[int]] = {g: [] for g in GROUPS}
    group_of: dict[str, str] = {}
    for c in scenario.customers:
        g = group_of[c.customer_id] = concept_group(c)
        if g == "exempt":
            continue
        # due_dates' due and first_interview alone (issue 15: the rest cost as much)
        due, first_interview = deadline(c, active.get(c.customer_id, ()), policy, scenario.today)
        if first_interview:
            due = arrived.get(c.customer_id, first_day) + grace
        for key in (g, "all"):
            size[key] += 1
            if due >= last_day:
                within[key] += 1
            else:
                late[key].append((last_day - due).days)
    booked: Counter[str] = Counter()
    done = (Status.held, Status.not_held, Status.no_show)
    for a in scenario.appointments:
        if (
            first_day <= a.day <= last_day
            and a.status in done
            and a.kind is not Kind.phone_consultation
        ):
            g = group_of.get(a.customer_id, "all")
            booked["all"] += 1
            if g in GROUPS and g != "all":
                booked[g] += 1
    fte = sum(s.fte for s in scenario.specialists) or 1.0
    cal = OfficeCalendar(scenario, policy)
    target = sum(cal.week_target(s, first_day).target for s in scenario.specialists)
    rows = []
    for g in GROUPS:
        row: dict[str, Any] = {
            "office": office,
            "replication": replication,
            "week": week,
            "first_day": first_day.isoformat(),
            "group": g,
            "customers": size[g],
            "within_interval": within[g],
            "density": round(within[g] / size[g], 4) if size[g] else None,
            "overdue": len(late[g]),
            "overdue_days_median": _percentile(late[g], 50),
            "overdue_days_p90": _percentile(late[g], 90),
            "bookings": booked[g],
            "bookings_per_fte": round(booked[g] / fte, 3),
            "target_per_fte": round(target / fte, 3),
            "plan_bookings": plan_info["plan_bookings"] if g == "all" else None,
        }
        row.update({name: tally.get(g, name) for name in COUNTS})
        rows.append(row)
    return rows


# -- the table file ----------------------------------------------------------------------


def _sort_key(row: dict[str, Any]) -> tuple:
    return (
        str(row["office"]),
        int(row["replication"]),
        int(row["week"]),
        GROUPS.index(row["group"]),
    )


def table_text(rows: Iterable[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    """CSV text of the rows (sorted by office, replication, week, group); None is empty."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in sorted(rows, key=_sort_key) if columns == COLUMNS else rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return out.getvalue()


def write_table(rows: list[dict[str, Any]], path: Path) -> None:
    """The results table: Parquet for a ``.parquet`` path (needs pyarrow), else CSV;
    written all or nothing."""
    from kontaktplan.io.files import write_text_atomic

    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        ordered = sorted(rows, key=_sort_key)
        table = pa.table({c: [r.get(c) for r in ordered] for c in COLUMNS})
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)
        return
    write_text_atomic(path, table_text(rows))


def _number(text: str) -> Any:
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def read_table(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a results table (CSV or Parquet) with numbers as numbers."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with open(path, encoding="utf-8", newline="") as f:
        return [
            {k: (v if k in ("office", "first_day", "group") else _number(v)) for k, v in r.items()}
            for r in csv.DictReader(f)
        ]


# -- the summary across replications -----------------------------------------------------


def summarise(
    rows: Iterable[dict[str, Any]], *, skip_weeks: int = 0, by_week: bool = True
) -> list[dict[str, Any]]:
    """Mean and 90 % interval (5th and 95th percentile) across replications of each
    measure, per office, group and (``by_week``) week; weeks before ``skip_weeks`` (the
    warm-up) are left out. Without ``by_week`` a replication's weeks are averaged first."""
    cells: dict[tuple, dict[int, list[dict[str, Any]]]] = {}
    for r in rows:
        if int(r["week"]) < skip_weeks:
            continue
        key = (r["office"], r["group"], int(r["week"]) if by_week else None)
        cells.setdefault(key, {}).setdefault(int(r["replication"]), []).append(r)
    out = []
    for (office, group, week), reps in sorted(
        cells.items(), key=lambda kv: (kv[0][0], GROUPS.index(kv[0][1]), kv[0][2] or 0)
    ):
        row: dict[str, Any] = {"office": office, "group": group}
        if by_week:
            row["week"] = week
        row["replications"] = len(reps)
        for m in MEASURES:
            values = []
            for rs in reps.values():
                xs = [float(r[m]) for r in rs if r.get(m) is not None and not _nan(r[m])]
                if xs:
                    values.append(sum(xs) / len(xs))
            row[f"{m}_mean"] = round(float(np.mean(values)), 4) if values else None
            row[f"{m}_p5"] = round(float(np.percentile(values, 5)), 4) if values else None
            row[f"{m}_p95"] = round(float(np.percentile(values, 95)), 4) if values else None
        out.append(row)
    return out


def _nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)
