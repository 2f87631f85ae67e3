"""Rule sets (policy files in ``models/``) and the due date of each customer's next contact.

RULES.md, "Rule set heilbronn-2025" and "Rule set ba-2010". Every rule, default and
weight is read from the policy file; nothing here is a number of the rules.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import math
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kontaktplan.domain import Appointment, Customer, Kind, Mode, Scenario, Status
from kontaktplan.i18n import Listing, Phrase

__all__ = [
    "CategoryReview",
    "Due",
    "Policy",
    "add_months",
    "category_review",
    "customer_due",
    "deadline",
    "due_dates",
    "load_policy",
    "models_dir",
    "qualified_contacts",
]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Density(_Section):
    """Contact density: an interval per category, or a count per agreement period."""

    rule: Literal["interval", "count_per_period"]
    interval_months: dict[str, int] = Field(default_factory=dict)
    period_months: int = Field(default=6, gt=0, le=120)
    contacts_per_period: dict[str, int] = Field(default_factory=dict)
    under_25_interval_days: int | None = Field(default=None, gt=0, le=3660)

    @model_validator(mode="after")
    def _complete(self) -> Density:
        if self.rule == "interval" and not self.interval_months:
            raise ValueError(Phrase("err.rule_needs", rule="interval", table="interval_months"))
        if self.rule == "count_per_period" and not self.contacts_per_period:
            table = "contacts_per_period"
            raise ValueError(Phrase("err.rule_needs", rule="count_per_period", table=table))
        for table, most in ((self.interval_months, 120), (self.contacts_per_period, 366)):
            for code, n in table.items():
                if not 0 < n <= most:
                    raise ValueError(Phrase("err.density_range", code=code, most=most))
        return self

    @property
    def categories(self) -> tuple[str, ...]:
        table = self.interval_months if self.rule == "interval" else self.contacts_per_period
        return tuple(table)


class CategoryReviewRules(_Section):
    """Category consistency (RULES.md): which stored categories contradict the customer's data."""

    enabled: bool = False
    profiles: dict[str, str] = Field(default_factory=dict)
    unemployed_under_25: str | None = None
    under_25_not_unemployed: str | None = None
    unemployed_adult: list[str] = Field(default_factory=list)
    not_unemployed_adult: list[str] = Field(default_factory=list)


class QualifiedContact(_Section):
    """Which contacts count as qualified (RULES.md): modes, kinds, group sessions by category."""

    modes: list[Mode]
    kinds: list[Kind] = [Kind.first_interview, Kind.follow_up, Kind.group_session]
    phone_with_exception: bool = True
    group_session_every_months: int = Field(gt=0, le=120)
    # the categories (or profiles) for which a group session counts; empty: for none
    group_session_categories: list[str] = Field(default_factory=list)
    default_mode: Mode = Mode.in_person


class Durations(_Section):
    first_interview_minutes: int = Field(gt=0, le=600)
    follow_up_minutes: int = Field(gt=0, le=600)
    phone_consultation_minutes: int = Field(gt=0, le=600)


class Booking(_Section):
    lead_days: int = Field(ge=0, le=365)
    weekly_volume_per_fte: int = Field(ge=0, le=500)
    daily_cap: int = Field(gt=0, le=100)
    full_time_regular_days: int = Field(gt=0, le=7)
    min_days_between_contacts: int = Field(ge=0, le=3660)
    # May a deadline go to the substitute when the own specialist is present but full
    # before it? False: only when the own specialist is absent until after the deadline.
    cover_when_full: bool = False
    # Void a planned appointment that lies after the customer's deadline once a new one
    # meets the deadline (True), or keep it and only list it (False).
    void_late_appointments: bool = True


class Disruption(_Section):
    backfill_notice_days: int = Field(ge=0, le=365)
    backfill_min_lead_days: int = Field(ge=0, le=365)
    standby_list_length: int = Field(gt=0, le=1000)
    short_notice_days: int = Field(ge=0, le=365)
    resolve_days: int = Field(ge=0, le=365)
    proposals_listed: int = Field(gt=0, le=1000)


class Retention(_Section):
    """How long closed history stays in a workspace (``kontaktplan db purge``)."""

    closed_history_days: int = Field(gt=0, le=36500)


MAX_WEIGHT = 100_000_000
"""Largest objective weight: sums over thousands of bookings stay far inside CP-SAT's
64-bit integers (a schema bound, like a table's column type; not a rule)."""


class Weights(_Section):
    """Objective weights; RULES.md "Who fills the weekly volume", in order of weight."""

    missed_deadline: int = Field(ge=0, le=MAX_WEIGHT)
    overdue_day: int = Field(ge=0, le=MAX_WEIGHT)
    target_shortfall: int = Field(ge=0, le=MAX_WEIGHT)
    over_target: int = Field(ge=0, le=MAX_WEIGHT)
    first_interview: int = Field(ge=0, le=MAX_WEIGHT)
    under_25: int = Field(ge=0, le=MAX_WEIGHT)
    unemployed: int = Field(ge=0, le=MAX_WEIGHT)
    elapsed_share: int = Field(ge=0, le=MAX_WEIGHT)
    over_daily_target: int = Field(ge=0, le=MAX_WEIGHT)
    overdue_order: int = Field(default=100, ge=0, le=MAX_WEIGHT)
    uneven_week: int = Field(default=10_000, ge=0, le=MAX_WEIGHT)
    household_together: int = Field(default=500, ge=0, le=MAX_WEIGHT)
    preference: int = Field(ge=0, le=MAX_WEIGHT)
    moved_booking: int = Field(ge=0, le=MAX_WEIGHT)


class InputRules(_Section):
    """What input the product accepts (issue 11.8, 11.11): pseudonymous ids only, short
    one-line free text, dates in a sane range."""

    id_pattern: str = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
    max_text_length: int = Field(default=200, gt=0, le=10_000)
    earliest_date: dt.date = dt.date(1950, 1, 1)
    latest_date: dt.date = dt.date(2100, 12, 31)

    @model_validator(mode="after")
    def _valid(self) -> InputRules:
        try:
            re.compile(self.id_pattern)
        except re.error as e:
            raise ValueError(Phrase("err.id_regex", reason=str(e))) from None
        if (
            not dt.date(1900, 1, 1)
            <= self.earliest_date
            < self.latest_date
            <= dt.date(2200, 12, 31)
        ):
            raise ValueError(Phrase("err.date_range"))
        return self


class Policy(_Section):
    """A rule set: contact density, booking rules, disruption rules, objective weights."""

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    input: InputRules = InputRules()
    density: Density
    category_review: CategoryReviewRules = CategoryReviewRules()
    qualified_contact: QualifiedContact
    durations: Durations
    booking: Booking
    disruption: Disruption
    weights: Weights
    retention: Retention | None = None

    @model_validator(mode="after")
    def _review_names_known_categories(self) -> Policy:
        # A category the review expects must have a density, or due dates fail later.
        rules = self.category_review
        if not rules.enabled:
            return self
        named = {
            *rules.profiles.values(),
            *rules.unemployed_adult,
            *rules.not_unemployed_adult,
            *(c for c in (rules.unemployed_under_25, rules.under_25_not_unemployed) if c),
        }
        if unknown := sorted(named - set(self.density.categories)):
            raise ValueError(Phrase("err.review_unknown", categories=unknown))
        return self

    @classmethod
    def from_file(cls, path: str | Path) -> Policy:
        """Read and validate a policy TOML file."""
        with open(path, "rb") as f:
            return cls.model_validate(tomllib.load(f))

    @property
    def categories(self) -> tuple[str, ...]:
        """The category (or profile) codes a customer may carry under this policy."""
        return self.density.categories

    def duration(self, kind: Kind) -> int:
        """Minutes an appointment of this kind needs (incl. follow-up work)."""
        d = self.durations
        return {
            Kind.first_interview: d.first_interview_minutes,
            Kind.follow_up: d.follow_up_minutes,
            Kind.group_session: d.follow_up_minutes,
            Kind.phone_consultation: d.phone_consultation_minutes,
        }[kind]

    def is_qualified(self, appointment: Appointment, customer: Customer | None = None) -> bool:
        """Qualified contact by mode and kind (group-session limit is applied over a history).

        A group session counts only for the categories of ``group_session_categories``
        (the customer's stored category; without ``customer``, for none).
        """
        q = self.qualified_contact
        if appointment.kind is Kind.group_session and (
            customer is None or customer.category not in q.group_session_categories
        ):
            return False
        if appointment.kind not in q.kinds and appointment.kind is not Kind.phone_consultation:
            return False
        if appointment.mode in q.modes and appointment.kind is not Kind.phone_consultation:
            return True
        return (
            appointment.mode is Mode.phone
            and q.phone_with_exception
            and (appointment.qualified_exception)
        )

    def interval_days(self, customer: Customer) -> int:
        """The nominal gap in days between two contacts (for 'share of interval elapsed')."""
        d = self.density
        if d.rule == "interval":
            months = min(d.interval_months[c] for c in self.effective_categories(customer))
            return round(months * 30.44)
        if customer.under_25 and d.under_25_interval_days:
            return d.under_25_interval_days
        return round(d.period_months * 30.44 / d.contacts_per_period[customer.category])

    def effective_categories(self, customer: Customer) -> tuple[str, ...]:
        """Stored category, plus the expected one where they contradict (stricter wins)."""
        expected = expected_category(self, customer)
        if expected is None or expected == customer.category:
            return (customer.category,)
        return (customer.category, expected)

    def next_due(self, customer: Customer, contacts: Sequence[dt.date], today: dt.date) -> dt.date:
        """Deadline of the next qualified contact, given the dates of the qualified contacts.

        No contact at all: a first interview is due at once (``today``).
        """
        if not contacts:
            return today
        last = max(contacts)
        d = self.density
        if d.rule == "interval":
            months = min(d.interval_months[c] for c in self.effective_categories(customer))
            return add_months(last, months)
        if customer.under_25 and d.under_25_interval_days:
            return last + dt.timedelta(days=d.under_25_interval_days)
        return _count_per_period_due(
            d.contacts_per_period[customer.category],
            d.period_months,
            customer.agreement_start,
            sorted(contacts),
            today,
        )


def _count_per_period_due(
    n: int, months: int, agreement_start: dt.date | None, contacts: list[dt.date], today: dt.date
) -> dt.date:
    """ba-2010: due by E - (r - 1) * (period / N) in the period that still counts.

    The period is the agreement period containing the day after the last contact
    (or, once that period has ended before ``today``, the one containing ``today``);
    without an agreement start, the period starts at the last contact, which is not
    counted in it.

    With more contacts missing than the rest of the period can space out, the formula
    falls before the last contact: the customer was already behind at that contact, and
    the next one is due at once. The due date is then the last contact's day, never
    earlier (an earlier date would count the customer overdue from a day on which they
    were seen).
    """
    last = contacts[-1]
    if agreement_start is None:
        start, counted = last, 0
    else:
        ref = max(last + dt.timedelta(days=1), agreement_start)
        start = _period_start(agreement_start, months, ref)
        if add_months(start, months) <= today:
            start = _period_start(agreement_start, months, today)
        counted = sum(1 for c in contacts if start <= c < add_months(start, months))
    end = add_months(start, months)
    missing = n - counted
    if missing <= 0:
        start, end, missing = end, add_months(end, months), n
    length = (end - start).days
    due = end - dt.timedelta(days=math.ceil((missing - 1) * length / n))
    return max(due, last)


def _period_start(agreement_start: dt.date, months: int, day: dt.date) -> dt.date:
    k = max(
        0, ((day.year - agreement_start.year) * 12 + day.month - agreement_start.month) // months
    )
    start = add_months(agreement_start, k * months)
    while start > day and k > 0:
        k -= 1
        start = add_months(agreement_start, k * months)
    while add_months(agreement_start, (k + 1) * months) <= day:
        k += 1
        start = add_months(agreement_start, k * months)
    return start


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later; the day is clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, _month_length(year, month)))


@cache
def _month_length(year: int, month: int) -> int:
    """Days in the month (asked for each due date: issue 15)."""
    return _cal.monthrange(year, month)[1]


def expected_category(policy: Policy, customer: Customer) -> str | None:
    """The category the customer's data implies, or None where any stored one is fine."""
    rules = policy.category_review
    if not rules.enabled or customer.exempt is not None:
        return None
    if customer.profile and customer.profile in rules.profiles:
        return rules.profiles[customer.profile]
    if customer.under_25 and customer.unemployed:
        return rules.unemployed_under_25
    if customer.under_25:
        return rules.under_25_not_unemployed
    allowed = rules.unemployed_adult if customer.unemployed else rules.not_unemployed_adult
    if not allowed or customer.category in allowed:
        return None
    return allowed[0]


@dataclass(frozen=True)
class CategoryReview:
    """A customer whose stored category contradicts the rules (Kategorie-Prüfung)."""

    customer_id: str
    specialist_id: str
    stored: str
    expected: str
    reason: str


def category_review(scenario: Scenario, policy: Policy) -> list[CategoryReview]:
    """Every customer whose stored category contradicts RULES.md's category consistency."""
    out = []
    for c in scenario.customers:
        expected = expected_category(policy, c)
        if expected is None or expected == c.category:
            continue
        out.append(
            CategoryReview(c.customer_id, c.specialist_id, c.category, expected, _why(c, policy))
        )
    return out


def _why(c: Customer, policy: Policy) -> str:
    """Why the rules expect another category: as a phrase, so a command can print it in
    its language (English as stored: ``unemployed, under 25``)."""
    if c.profile and c.profile in policy.category_review.profiles:
        category = policy.category_review.profiles[c.profile]
        return Phrase("review.profile", profile=c.profile, category=category)
    age = Phrase("review.under_25" if c.under_25 else "review.over_25")
    status = Phrase("review.unemployed" if c.unemployed else "review.not_unemployed")
    return Listing((status, age))


def qualified_contacts(
    customer: Customer, appointments: Iterable[Appointment], policy: Policy
) -> list[dt.date]:
    """Dates of the customer's qualified contacts: ``last_contact`` plus held qualified ones.

    A group session counts at most once per ``group_session_every_months`` (RULES.md,
    heilbronn-2025): in date order, a session counts if none counted in the window
    before it. The stored ``last_group_session`` takes part as a session that was held
    (and is the same session as a history row on that day).
    """
    days = {customer.last_contact} if customer.last_contact else set()
    groups: set[dt.date] = set()
    for a in appointments:
        if a.status is not Status.held or not policy.is_qualified(a, customer):
            continue
        (groups if a.kind is Kind.group_session else days).add(a.day)
    every = policy.qualified_contact.group_session_every_months
    stored = {customer.last_group_session} if customer.last_group_session else set()
    counted: dt.date | None = None
    for day in sorted(groups | stored):
        if counted is None or day >= add_months(counted, every):
            counted = day
            if day in groups:
                days.add(day)
    return sorted(days)


@dataclass(frozen=True)
class Due:
    """When a customer's next qualified contact is due, and why."""

    customer_id: str
    specialist_id: str
    due: dt.date
    first_interview: bool
    last_contact: dt.date | None
    interval_days: int
    planned: dt.date | None  # an already planned future appointment that meets the deadline
    # planned future appointments after the deadline (id, day): they do not count
    late_planned: tuple[tuple[str, dt.date], ...] = ()

    def elapsed_share(self, day: dt.date) -> float:
        """Share of the interval elapsed since the last contact on ``day`` (1.0 = due)."""
        if self.last_contact is None:
            return 1.0
        return (day - self.last_contact).days / max(1, self.interval_days)


def due_dates(scenario: Scenario, policy: Policy) -> dict[str, Due]:
    """The due date of every non-exempt customer's next qualified contact."""
    # A due date looks only at the planned and held rows (the active ones), in no order.
    active = scenario.appointment_index.active_by_customer
    return {
        c.customer_id: customer_due(c, active.get(c.customer_id, ()), policy, scenario.today)
        for c in scenario.customers
        if c.exempt is None
    }


def deadline(
    c: Customer, history: Sequence[Appointment], policy: Policy, today: dt.date
) -> tuple[dt.date, bool]:
    """:func:`customer_due`'s ``due`` and ``first_interview`` alone: the deadline of the
    customer's next qualified contact, and whether no contact counts yet."""
    contacts = qualified_contacts(c, history, policy)
    return _next_due(c, history, contacts, policy, today), not contacts


def _next_due(
    c: Customer,
    history: Sequence[Appointment],
    contacts: Sequence[dt.date],
    policy: Policy,
    today: dt.date,
) -> dt.date:
    """The deadline of the next qualified contact. A customer without any qualified contact
    is due at once: on the planning date, or on the day their first row was booked if that
    is earlier (they were waiting since). So a first interview's deadline does not move
    with the planning date: a disruption a week later leaves it as the plan found it."""
    due = policy.next_due(c, contacts, today)
    if contacts:
        return due
    return min(
        (a.booked_on for a in history if a.booked_on is not None and a.booked_on < due), default=due
    )


def customer_due(
    c: Customer,
    history: Sequence[Appointment],
    policy: Policy,
    today: dt.date,
    contacts: Sequence[dt.date] | None = None,
) -> Due:
    """The due date of one customer's next qualified contact, from their appointment rows.

    A planned appointment counts only if it meets the deadline; one that no new booking
    could meet (due before today + lead) keeps its earliest planned appointment. The
    planned ones after a deadline that can still be met are ``late_planned``.
    ``contacts``: :func:`qualified_contacts` of ``c`` and ``history``, if known."""
    if contacts is None:
        contacts = qualified_contacts(c, history, policy)
    due = _next_due(c, history, contacts, policy, today)
    planned = sorted(
        (a.day, a.appointment_id) for a in history if a.status is Status.planned and a.day >= today
    )
    reachable = due >= today + dt.timedelta(days=policy.booking.lead_days)
    in_time = [d for d, _ in planned if d <= due or not reachable]
    return Due(
        customer_id=c.customer_id,
        specialist_id=c.specialist_id,
        due=due,
        first_interview=not contacts,
        last_contact=contacts[-1] if contacts else None,
        interval_days=policy.interval_days(c),
        planned=in_time[0] if in_time else None,
        late_planned=() if in_time else tuple((i, d) for d, i in planned),
    )


def models_dir() -> Path:
    """The folder of bundled policy files: ``models/`` at the repository top (a source
    checkout or editable install), else ``share/kontaktplan/models`` of an installed wheel."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "models" / "heilbronn-2025.toml").is_file():
            return parent / "models"
    return Path(sys.prefix) / "share" / "kontaktplan" / "models"


_BUNDLED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def bundled_names() -> list[str]:
    """The rule sets that come with the product."""
    return sorted(p.stem for p in models_dir().glob("*.toml"))


def load_policy(name_or_path: str, base: Path | None = None) -> Policy:
    """A policy by name (a rule set bundled in ``models/``) or by file (``*.toml``).

    With ``base`` (the scenario folder), a file must lie inside it: a relative path
    without ``..``; nothing else on the disk is looked at, so a file in the current
    folder or a same-named one elsewhere never takes the place of a rule set. Without
    ``base`` (a caller's own file), the path is taken as given.
    :class:`FileNotFoundError` names what was looked for.
    """
    p, shown = Path(name_or_path), name_or_path[:80]
    if p.suffix != ".toml":
        path = models_dir() / f"{name_or_path}.toml"
        if not _BUNDLED_NAME.fullmatch(name_or_path) or not path.is_file():
            bundled = bundled_names()
            raise FileNotFoundError(Phrase("err.policy_unknown", name=shown, bundled=bundled))
        return Policy.from_file(path)
    if base is None:
        path = p
    else:
        if p.is_absolute() or ".." in p.parts:
            raise FileNotFoundError(Phrase("err.policy_outside", name=shown))
        path = base / p
        if not path.resolve().is_relative_to(base.resolve()):
            raise FileNotFoundError(Phrase("err.policy_leads_out", name=shown))
    if not path.is_file():
        where = str(base or ".")
        raise FileNotFoundError(Phrase("err.policy_not_found", name=shown, folder=where))
    return Policy.from_file(path)
