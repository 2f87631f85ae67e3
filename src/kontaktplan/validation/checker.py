"""The independent checker: does a schedule keep every rule of RULES.md it can break?

Written from RULES.md alone; it shares no code with the solver (no import of
``kontaktplan.planning`` or ``kontaktplan.disruption``, checked by a test). The rules,
one function each, are in :mod:`kontaktplan.validation.rules`; the figures (volume against target,
deadlines, overdue customers) in :mod:`kontaktplan.validation.figures`.

The rules of disruption handling (re-invitation in person, backfill, standby calls, and
with ``previous`` the rules between a folder and the one it was made from) are in
:mod:`kontaktplan.validation.disruption_rules`.

Hard rules apply to planned appointments from today on; history (held, past) is
history. Which appointments a rule looks at:

- *new*: planned, ``booked_on`` = today, not a standby phone consultation, not a
  reassignment. Only new bookings are checked against the slots, the mode, the kind,
  the exempt customers and the lead time: older bookings were made by hand, in slots
  that are no longer free.
- *touched*: planned from today on and booked today (phone consultations included) or
  reassigned (``reassigned_from``): the rows a plan or a disruption command writes.
  A rule between several appointments (two in a slot, nine on a day, two contacts too
  close ...) is hard when one of them is touched; among older planned bookings only,
  it is a warning, since a plan must not move them. History alone (held, past) is
  not checked.
- ``closed_day`` and ``absence`` are hard for every appointment planned from today on:
  an appointment on a holiday or in an absence has to be moved or reassigned.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kontaktplan.domain import Scenario
from kontaktplan.rules.policy import Policy
from kontaktplan.validation.disruption_rules import (
    ABSENCE_NEVER_CANCELS,
    BACKFILL_SLOT,
    CHANGE_CHECKS,
    CHANGE_RULES,
    ESCALATION_REPLACED,
    FOLDER_CHECKS,
    FOLDER_RULES,
    HISTORY_UNCHANGED,
    NEW_BOOKING_IN_ABSENCE,
    NO_ROW_LOST,
    REASSIGNMENT_KEEPS_TIME,
    REINVITE_IN_PERSON,
    STANDBY_CALL,
)
from kontaktplan.validation.figures import figures, not_met
from kontaktplan.validation.rules import (
    ABSENCE,
    CLOSED_DAY,
    CUSTOMER_UNAVAILABLE,
    DAILY_CAP,
    FIRST_INTERVIEW_KIND,
    GROUP_SESSION_LIMIT,
    LATE_BOOKING,
    LEAD_TIME,
    MIN_GAP,
    MISSING_STATUS,
    MODE,
    ONE_FUTURE_BOOKING,
    ONE_PER_DAY,
    RULE_CHECKS,
    SLOT_FITS,
    SLOT_OWNED,
    SLOT_SINGLE,
    SPREAD,
    STRICT_WARNINGS,
    Checker,
    Violation,
)
from kontaktplan.validation.rules import HARD_RULES as BOOKING_RULES

__all__ = [
    "ABSENCE",
    "ABSENCE_NEVER_CANCELS",
    "BACKFILL_SLOT",
    "CLOSED_DAY",
    "CUSTOMER_UNAVAILABLE",
    "DAILY_CAP",
    "ESCALATION_REPLACED",
    "FIRST_INTERVIEW_KIND",
    "GROUP_SESSION_LIMIT",
    "HARD_RULES",
    "HISTORY_UNCHANGED",
    "LATE_BOOKING",
    "LEAD_TIME",
    "MIN_GAP",
    "MISSING_STATUS",
    "MODE",
    "NEW_BOOKING_IN_ABSENCE",
    "NO_ROW_LOST",
    "ONE_FUTURE_BOOKING",
    "ONE_PER_DAY",
    "REASSIGNMENT_KEEPS_TIME",
    "REINVITE_IN_PERSON",
    "SLOT_FITS",
    "SLOT_OWNED",
    "SLOT_SINGLE",
    "SPREAD",
    "STANDBY_CALL",
    "STRICT_WARNINGS",
    "Report",
    "Violation",
    "deadline_lines",
    "validate",
]

#: Every hard rule, in the order of the report: the booking rules, the disruption rules
#: of one folder, the rules between a folder and the previous one.
HARD_RULES = (*BOOKING_RULES, *FOLDER_RULES, *CHANGE_RULES)


@dataclass
class Report:
    """The verdict: hard violations, warnings (``rule: text``) and the figures.

    Messages and warnings are :class:`~kontaktplan.i18n.phrase.Phrase`: their English
    text as a ``str`` (``to_dict``, ``summary``), any language by ``say``."""

    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No hard rule is broken."""
        return not self.violations

    def strict_failures(self) -> list[str]:
        """The warnings of the classes ``--strict`` fails on (:data:`STRICT_WARNINGS`)."""
        return [w for w in self.warnings if w.partition(":")[0] in STRICT_WARNINGS]

    def ok_strict(self) -> bool:
        """No hard rule broken and no warning of a strict class (uneven week, late booking)."""
        return self.ok and not self.strict_failures()

    def counts(self) -> dict[str, int]:
        """Violations per rule, in the order of :data:`HARD_RULES`."""
        n = Counter(v.rule for v in self.violations)
        return {rule: n[rule] for rule in HARD_RULES if n[rule]}

    def summary(self) -> str:
        """A short human-readable account: verdict, volume vs target, deadlines, overdue."""
        f = self.figures
        counts = self.counts()
        lines = [
            "hard rules: ok"
            if self.ok
            else f"hard rules: {len(self.violations)} violations ("
            + ", ".join(f"{r} {n}" for r, n in counts.items())
            + ")"
        ]
        if self.warnings:
            kinds = Counter(w.partition(":")[0] for w in self.warnings)
            lines.append(
                f"warnings: {len(self.warnings)} ("
                + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
                + ")"
            )
        if f.get("weeks"):
            spreads = [w["spread"] for w in f["weeks"] if w["new"]]
            if spreads:
                uneven = sum(1 for w in f["weeks"] if w["new"] and w["spread"] > w["forced_spread"])
                lines.append(
                    f"spread (max - min per day) of the weeks booked today: max {max(spreads)}, "
                    f"{sum(1 for x in spreads if x > 1)} of {len(spreads)} above 1, "
                    f"{uneven} more than the slots forced"
                )
        if f.get("teams"):
            lines.append(f"weekly volume booked/target from {f['figures_from']}:")
            for t in f["teams"]:
                lines.append(
                    f"  team {t['team']} {t['week']}: {t['booked']}/{t['target']} "
                    f"({t['specialists']} specialists)"
                )
        if "deadline_counts" in f:
            lines += deadline_lines(f)
            lines.append(
                f"overdue (nothing planned, due on or before {f['today']}): "
                f"{len(f['overdue'])}; category review: {len(f['category_review'])}"
            )
        if f.get("escalations"):
            lines.append(
                f"open tasks for the team lead (absence escalations, kontaktplan resolve): "
                f"{len(f['escalations'])}"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: ok, counts per rule, violations, warnings, figures."""
        return {
            "ok": self.ok,
            "ok_strict": self.ok_strict(),
            "counts": self.counts(),
            "violations": [v.to_dict() for v in self.violations],
            "warnings": [str(w) for w in self.warnings],
            "figures": self.figures,
        }


def deadline_lines(
    f: dict[str, Any],
    reasons: dict[str, str] | None = None,
    until: dt.date | None = None,
    limit: int = 10,
) -> list[str]:
    """The deadline figures in words: the counts, then the deadlines not met (missed first,
    then late, then with ``until`` the open ones due by then; each with
    ``reasons[customer]`` where given), ``limit`` of them and "… and N more". Printed
    alike by ``plan`` (with its horizon's last day and reasons) and ``validate``."""
    d = f["deadline_counts"]
    lines = [
        f"deadlines: {d['met']} met, {d['late']} late "
        f"({d['late_reachable']} of them reachable when booked), {d['missed']} missed "
        f"(nothing planned, can no longer be met), {d['open']} open "
        f"({d['open_due_in_horizon']} due by {f['horizon_end']})"
    ]
    rows = not_met(f, until)
    for row in rows[:limit]:
        when = f"planned {row['planned']}" if row["planned"] else "nothing planned"
        why = (reasons or {}).get(row["customer"])
        lines.append(
            f"  {row['status']}: {row['customer']} ({row['specialist']}) due {row['due']}, "
            f"{when}{f' - {why}' if why else ''}"
        )
    if len(rows) > limit:
        lines.append(f"  … and {len(rows) - limit} more")
    return lines


def validate(scenario: Scenario, policy: Policy, previous: Scenario | None = None) -> Report:
    """Check every appointment of ``scenario`` against ``policy``; count the figures.

    With ``previous`` (the folder ``scenario`` was made from, e.g. by a disruption
    command) also what may change between the two: nothing disappears, a reassignment
    keeps date and time, an absence never cancels, history stays.
    """
    check = Checker(scenario, policy)
    for rule in (*RULE_CHECKS, *FOLDER_CHECKS):
        rule(check)
    if previous is not None:
        for change in CHANGE_CHECKS:
            change(check, previous)
    return Report(check.violations, check.warnings, figures(scenario, policy, check.calendar))
