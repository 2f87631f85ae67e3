"""The text the main commands print for team leads, in one language (``--lang``).

The words come from :mod:`kontaktplan.i18n`; the figures from the plan and the validator.
Solver figures (status, objective, bound, gap) only with ``--verbose``: a team lead reads
bookings and deadlines, not the optimiser's numbers. Dates are written the way the
language writes them (07.12.2026 in German, 2026-12-07 in English).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from kontaktplan.i18n import Lang, translator

__all__ = ["day", "plan_summary", "reason", "validate_summary", "week"]

SHOWN_DEADLINES = 10
_ISO = r"(\d{4}-\d{2}-\d{2})"

# The reasons the planner gives for a late or missed deadline (kontaktplan.explain,
# kontaktplan.candidates), matched to be written in the chosen language.
_REASONS: tuple[tuple[str, str], ...] = (
    (
        rf"overdue since {_ISO}, before the first plannable day {_ISO}; "
        r"all free slots in the horizon went to other customers",
        "reason.overdue_no_slot",
    ),
    (
        rf"capacity: the (\d+) eligible days up to {_ISO} were filled with more urgent "
        r"customers \(daily cap, weekly target\)",
        "reason.capacity",
    ),
    (rf"deadline {_ISO} lies before the first plannable day {_ISO} \(lead time\)", "reason.lead"),
    (
        rf"specialist (.+) has no available day from {_ISO} to {_ISO} "
        r"\(absence, holidays, part-time days\)",
        "reason.no_day",
    ),
    (rf"no free slot of (.+) from {_ISO} to {_ISO}", "reason.no_slot"),
    (rf"every day of (.+) up to {_ISO} is at the daily cap", "reason.daily_cap"),
    (
        r"no free slot fits the customer before the deadline \(length, mode, the customer's "
        r"unavailable days, or the minimum gap since the last contact\)",
        "reason.no_fit",
    ),
    (
        rf"first interview: due at once, the lead time allows {_ISO} at the earliest",
        "reason.first_interview",
    ),
    (rf"overdue since {_ISO}; the lead time allows {_ISO} at the earliest", "reason.overdue_lead"),
    (r"exempt", "reason.exempt"),
    (rf"already planned on {_ISO}", "reason.already_planned"),
    (r"not bookable", "reason.not_bookable"),
)


def day(value: dt.date | str, lang: Lang) -> str:
    """A date as the language writes it: ``07.12.2026`` (de) or ``2026-12-07`` (en)."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return d.strftime("%d.%m.%Y") if lang == "de" else d.isoformat()


def week(label: str, lang: Lang) -> str:
    """An ISO week ``2026-W50`` as the language writes it: ``KW 50/2026`` (de)."""
    m = re.fullmatch(r"(\d{4})-W(\d{2})", label)
    return f"KW {int(m[2])}/{m[1]}" if m and lang == "de" else label


def reason(text: str, lang: Lang) -> str:
    """A planner's reason in ``lang``; one it does not know becomes a pointer to plan.json."""
    t = translator(lang)
    for pattern, key in _REASONS:
        m = re.fullmatch(pattern, text)
        if m:
            fields = [day(g, lang) if re.fullmatch(_ISO, g) else g for g in m.groups()]
            return t(key, *fields) if fields else t(key)
    return t("reason.unknown")


def _teams(result: Any) -> dict[str, list[int]]:
    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for sp in result.specialists:
        for w in sp["weeks"]:
            t = teams[sp["team"]]
            t[0] += w["target"]
            t[1] += w["booked"]
            t[2] += w["booked"] < w["target"]
    return teams


def plan_summary(result: Any, lang: Lang, verbose: bool = False) -> str:
    """What ``kontaktplan plan`` prints: horizon, bookings per team, deadlines, the not met
    ones (missed first); with ``verbose`` the solver's figures."""
    t = translator(lang)
    hz = result.horizon
    lines = [
        t(
            "plan.horizon",
            first=day(hz.first_day, lang),
            last=day(hz.last_day, lang),
            weeks=hz.weeks,
            bookings=len(result.bookings),
        )
    ]
    for team, (target, booked, short) in sorted(_teams(result).items()):
        note = t("plan.team_short", short=short) if short else ""
        lines.append(t("plan.team", team=team, booked=booked, target=target) + note)
    counts = result.counts()
    lines.append(
        t(
            "plan.deadlines",
            met=counts.get("met", 0),
            late=counts.get("late", 0),
            missed=counts.get("missed", 0),
        )
    )
    if result.covers:
        lines.append(t("plan.covers", n=len(result.covers)))
    order = {"missed": 0, "late": 1}
    not_met = sorted(
        (d for d in result.deadlines if d["result"] != "met"),
        key=lambda d: (order.get(d["result"], 2), d["due"], d["customer_id"]),
    )
    for d in not_met[:SHOWN_DEADLINES]:
        lines.append(
            t(
                "plan.deadline",
                customer=d["customer_id"],
                specialist=d["specialist_id"],
                due=day(d["due"], lang),
                result=t(f"result.{d['result']}"),
                reason=reason(d.get("reason", ""), lang),
            )
        )
    if len(not_met) > SHOWN_DEADLINES:
        lines.append(t("plan.more", n=len(not_met) - SHOWN_DEADLINES))
    if verbose:
        lines.append(solver_line(result, lang))
    return "\n".join(lines)


def solver_line(result: Any, lang: Lang) -> str:
    """Solver, status, objective, bound, gap and time: for ``--verbose``."""
    t = translator(lang)
    gap = f"{result.gap:.4%}" if result.gap is not None else t("plan.na")
    bound = result.bound if result.bound is not None else t("plan.na")
    seconds = f"{result.seconds:.1f}"
    if lang == "de":
        gap, seconds = gap.replace(".", ","), seconds.replace(".", ",")
    return t(
        "plan.solver",
        solver=result.solver,
        status=result.status,
        objective=result.objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
    )


def validate_summary(report: Any, lang: Lang) -> str:
    """What ``kontaktplan validate`` prints after the violations: verdict, volume against
    target per team and week, deadlines, overdue customers, category review."""
    t = translator(lang)
    f = report.figures
    counts = report.counts()
    if report.ok:
        lines = [t("validate.ok")]
    else:
        rules = ", ".join(f"{r} {n}" for r, n in counts.items())
        lines = [t("validate.broken", n=len(report.violations), rules=rules)]
    if report.warnings:
        lines.append(t("validate.warnings", n=len(report.warnings)))
    if f.get("teams"):
        lines.append(t("validate.volume", monday=day(f["first_plannable_monday"], lang)))
        for w in f["teams"]:
            lines.append(
                t(
                    "validate.team_week",
                    team=w["team"],
                    week=week(w["week"], lang),
                    booked=w["booked"],
                    target=w["target"],
                    specialists=w["specialists"],
                )
            )
    if "deadline_counts" in f:
        d = f["deadline_counts"]
        lines.append(
            t(
                "validate.deadlines",
                met=d["met"],
                late=d["late"],
                reachable=d["late_reachable"],
                open=d["open"],
                in_horizon=d["open_due_in_horizon"],
                end=day(f["horizon_end"], lang),
            )
        )
        lines.append(
            t(
                "validate.overdue",
                today=day(f["today"], lang),
                overdue=len(f["overdue"]),
                review=len(f["category_review"]),
            )
        )
    return "\n".join(lines)
