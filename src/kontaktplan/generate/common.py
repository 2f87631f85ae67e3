"""What the parts of the office generator share: the shares of a real office, a
specialist with their weekly template, a time of day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kontaktplan.domain import SlotMode, Specialist

FULL_TIME = 0.7  # share of full-time specialists; the others work 0.5-0.8
PART_TIME = {0.8: 30, 0.75: 25, 0.6: 20, 0.5: 25}
DAY_START = 8 * 60  # 08:00, in minutes
DAY_END = 16 * 60
SHARE = {  # shares of the customers of a real office (RULES.md categories)
    "under_25": 0.125,
    "unemployed": 0.46,
    "unemployed_if_under_25": 0.62,
    "complex_among_unemployed_adults": 0.15,  # K3 although unemployed
    "exempt": 0.04,
    "new": 0.03,
    "overdue": 0.04,
    "review": 0.015,
    "profile": 0.10,
    "household": 0.10,
    "video": 0.10,
    "unavailable": 0.10,
    "agreement": 0.35,
    "older_contact": 0.35,
    "phone_exception": 0.015,
    "no_show": 0.03,
    "cancelled": 0.02,
    "planned": 0.02,
}
PROFILE_WEIGHTS = {"MP": 10, "AP": 25, "FP": 25, "EP": 15, "SP": 10, "UP": 5, "I": 5, "Z": 5}


@dataclass
class Worker:
    """A specialist with the weekly template of their calendar: weekday -> positions."""

    specialist: Specialist
    template: dict[int, list[tuple[int, int, SlotMode]]]  # (start minute, minutes, mode)
    taken: dict[dt.date, list[int]] = field(default_factory=dict)  # past positions booked

    @property
    def sid(self) -> str:
        return self.specialist.specialist_id


def day_time(day: dt.date, minute: int) -> dt.datetime:
    """``day`` at ``minute`` minutes after midnight."""
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
