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

from kontaktplan.i18n import Lang, decimal, translator
from kontaktplan.validation.figures import not_met

__all__ = ["day", "deadline_lines", "plan_summary", "reason", "validate_summary", "week"]

SHOWN_DEADLINES = 10
_ISO = r"(\d{4}-\d{2}-\d{2})"

# The reasons the planner gives for a late or missed deadline (kontaktplan.planning.explain,
# kontaktplan.planning.candidates), matched to be written in the chosen language.
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
    # a reason the catalogue does not know yet: in English as the planner wrote it,
    # otherwise a pointer to plan.json (one language per output)
    return text if lang == "en" and text else t("reason.unknown")


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
    if result.covers:
        lines.append(t("plan.covers", n=len(result.covers)))
    reasons = {d["customer_id"]: d["reason"] for d in result.deadlines if d.get("reason")}
    f = result.figures
    lines += deadline_lines(f, lang, reasons, until=result.horizon.last_day)
    lines.append(
        t(
            "validate.overdue",
            today=day(f["today"], lang),
            overdue=len(f["overdue"]),
            review=len(f["category_review"]),
        )
    )
    if verbose:
        lines.append(solver_line(result, lang))
    return "\n".join(lines)


def solver_line(result: Any, lang: Lang) -> str:
    """Solver, status, objective, bound, gap and time: for ``--verbose``."""
    t = translator(lang)
    gap = decimal(result.gap, ".4%", lang) if result.gap is not None else t("plan.na")
    bound = result.bound if result.bound is not None else t("plan.na")
    seconds = decimal(result.seconds, ".1f", lang)
    return t(
        "plan.solver",
        solver=result.solver,
        status=result.status,
        objective=result.objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
    )


def deadline_lines(
    f: dict[str, Any],
    lang: Lang,
    reasons: dict[str, str] | None = None,
    until: dt.date | None = None,
    limit: int = SHOWN_DEADLINES,
) -> list[str]:
    """The validator's deadline figures in words (one definition for ``plan`` and
    ``validate``): the counts, then the deadlines not met — missed first, then late, then
    with ``until`` the open ones due by then, each with ``reasons[customer]`` where given —
    ``limit`` of them and "… and N more"."""
    t = translator(lang)
    d = f["deadline_counts"]
    lines = [
        t(
            "validate.deadlines",
            met=d["met"],
            late=d["late"],
            reachable=d["late_reachable"],
            missed=d["missed"],
            open=d["open"],
            in_horizon=d["open_due_in_horizon"],
            end=day(f["horizon_end"], lang),
        )
    ]
    rows = not_met(f, until)
    for row in rows[:limit]:
        when = (
            t("deadline.planned", day=day(row["planned"], lang))
            if row["planned"]
            else t("deadline.nothing")
        )
        why = (reasons or {}).get(row["customer"])
        lines.append(
            t(
                "deadline.row",
                status=t(f"result.{row['status']}"),
                customer=row["customer"],
                specialist=row["specialist"],
                due=day(row["due"], lang),
                when=when,
                why=f" – {reason(why, lang)}" if why else "",
            )
        )
    if len(rows) > limit:
        lines.append(t("deadline.more", n=len(rows) - limit))
    return lines


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
        lines.append(t("validate.volume", monday=day(f["figures_from"], lang)))
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
        lines += deadline_lines(f, lang)
        lines.append(
            t(
                "validate.overdue",
                today=day(f["today"], lang),
                overdue=len(f["overdue"]),
                review=len(f["category_review"]),
            )
        )
    if f.get("escalations"):
        lines.append(t("validate.tasks", n=len(f["escalations"])))
    return "\n".join(lines)
