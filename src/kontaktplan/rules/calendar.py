"""Working days, regional public holidays, absences and weekly targets (RULES.md, booking rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from kontaktplan.domain import Scenario, Specialist
from kontaktplan.rules.holiday_cache import holidays_of
from kontaktplan.rules.holiday_cache import is_known_region as known_region
from kontaktplan.rules.policy import Policy

__all__ = [
    "Holiday",
    "OfficeCalendar",
    "WeekTarget",
    "first_bookable_day",
    "first_plannable_monday",
    "known_region",
    "round_half_up",
    "week_days",
]


def round_half_up(x: float | Fraction) -> int:
    """Round half up (12.5 -> 13; -12.5 -> -13), not Python's banker's rounding.

    A float is taken as the decimal it prints as (``str``), so ``0.58 * 25`` computed
    in floats as 14.499999999999998 stays below the half; compute exact values as a
    :class:`~fractions.Fraction` where the half matters.
    """
    exact = Fraction(str(x)) if isinstance(x, float) else Fraction(x)
    magnitude = int(abs(exact) + Fraction(1, 2))
    return magnitude if exact >= 0 else -magnitude


def week_days(monday: dt.date, n: int = 7) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(n)]


def first_plannable_monday(today: dt.date, lead_days: int) -> dt.date:
    """The first Monday whose every booking is at least ``lead_days`` after ``today``."""
    earliest = today + dt.timedelta(days=lead_days)
    return earliest + dt.timedelta(days=(7 - earliest.weekday()) % 7)


def first_bookable_day(today: dt.date, lead_days: int) -> dt.date:
    """The first day a new booking may take place: ``today + lead_days`` (RULES.md, Horizon)."""
    return today + dt.timedelta(days=lead_days)


class Holiday(str):
    """A public holiday's name: as a ``str`` its English name (what ``--json`` and the
    stored reasons say), in another language by :meth:`say` (``Erster Weihnachtstag``)."""

    region: str
    day: dt.date

    def __new__(cls, name: str, region: str, day: dt.date) -> Holiday:
        self = super().__new__(cls, name)
        self.region, self.day = region, day
        return self

    def say(self, lang: str) -> str:
        """The name in ``lang`` (``en`` or ``de``), as the ``holidays`` library words it."""
        if lang == "en":
            return str.__str__(self)
        return _names(self.region, self.day.year, lang).get(self.day, str.__str__(self))

    def __reduce__(self) -> tuple[object, ...]:
        return Holiday, (str.__str__(self), self.region, self.day)


@cache
def _holidays(region: str, year: int) -> dict[dt.date, Holiday]:
    return {day: Holiday(name, region, day) for day, name in holidays_of(region, year).items()}


@cache
def _names(region: str, year: int, lang: str) -> dict[dt.date, str]:
    return holidays_of(region, year, lang)


@dataclass(frozen=True)
class WeekTarget:
    """A specialist's weekly volume target and the days it is spread over."""

    specialist_id: str
    monday: dt.date
    available_days: tuple[dt.date, ...]
    regular_days: int
    target: int


class OfficeCalendar:
    """Which days a specialist can be booked: regular weekdays, no holiday, no absence."""

    def __init__(self, scenario: Scenario, policy: Policy) -> None:
        self.region = scenario.meta.region
        self.policy = policy
        self._absences: dict[str, list[tuple[dt.date, dt.date]]] = {}
        for a in scenario.absences:
            self._absences.setdefault(a.specialist_id, []).append((a.first_day, a.last_day))
        slot_weekdays = scenario.slot_weekdays  # kept by a copy that keeps the slots
        full = frozenset(range(policy.booking.full_time_regular_days))
        self._regular: dict[str, frozenset[int]] = {}
        for sp in scenario.specialists:
            days = slot_weekdays.get(sp.specialist_id)
            self._regular[sp.specialist_id] = full if sp.fte >= 1 or not days else days

    def holiday(self, day: dt.date) -> Holiday | None:
        """The name of the region's public holiday on ``day``, if any."""
        return _holidays(self.region, day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """A weekday (Mon-Fri) that is no public holiday of the region."""
        return day.weekday() < 5 and self.holiday(day) is None

    def is_absent(self, specialist_id: str, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self._absences.get(specialist_id, ()))

    def regular_weekdays(self, specialist_id: str) -> frozenset[int]:
        """The weekdays the specialist normally works (full-time: Mon-Fri; else from slots)."""
        return self._regular[specialist_id]

    def is_available(self, specialist_id: str, day: dt.date) -> bool:
        """Bookable: a regular weekday of the specialist, no holiday, no absence."""
        return (
            day.weekday() in self._regular[specialist_id]
            and self.is_working_day(day)
            and not self.is_absent(specialist_id, day)
        )

    def week_target(
        self, specialist: Specialist, monday: dt.date, from_day: dt.date | None = None
    ) -> WeekTarget:
        """``weekly_volume_per_fte x fte x available_days / regular_days``, rounded half up.

        Only days from ``from_day`` on count as available (a partial first week of the
        horizon gets its prorated target). A case manager (role ``fm``) has no target.
        """
        sid = specialist.specialist_id
        available = tuple(
            d
            for d in week_days(monday)
            if self.is_available(sid, d) and (from_day is None or d >= from_day)
        )
        if specialist.role == "fm":
            return WeekTarget(sid, monday, available, len(self._regular[sid]), 0)
        regular = len(self._regular[sid])
        # Exact arithmetic: in floats 25 x 0.58 x 5 / 5 is 14.499999999999996, not 14.5.
        exact = (
            self.policy.booking.weekly_volume_per_fte
            * Fraction(str(specialist.fte))
            * len(available)
            / regular
        )
        return WeekTarget(sid, monday, available, regular, round_half_up(exact))
