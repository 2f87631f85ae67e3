"""The simulation settings file (TOML): event rates, their sources, planning options."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import os_reason, pydantic_reason, toml_reason
from kontaktplan.rules.policy import models_dir

__all__ = ["SettingsError", "SimulationSettings", "default_settings_path", "load_settings"]

Rate = Field(ge=0, le=1)


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _sums_to_one(weights: dict, what: str) -> None:
    if not weights or not math.isclose(sum(weights.values()), 1.0, abs_tol=1e-6):
        total = f"{sum(weights.values()):g}"
        raise ValueError(Phrase("err.sum_to_one", what=what, total=total))
    if any(w < 0 for w in weights.values()):
        raise ValueError(Phrase("err.at", where=what, message=Phrase("err.negative")))


class Appointments(_Section):
    no_show_rate: float = Rate
    cancellation_rate_7_days_or_more: float = Rate
    cancellation_rate_under_7_days: float = Rate
    fill_late_cancellations: bool = False

    @model_validator(mode="after")
    def _total(self) -> Appointments:
        if self.cancellation_rate_7_days_or_more + self.cancellation_rate_under_7_days > 1:
            raise ValueError(Phrase("err.cancellation_rates"))
        return self


class Sickness(_Section):
    daily_rate: float = Rate
    durations: dict[int, float]

    @model_validator(mode="after")
    def _distribution(self) -> Sickness:
        _sums_to_one(self.durations, "sickness.durations")
        if any(d < 1 for d in self.durations):
            what = Phrase("err.spell")
            raise ValueError(Phrase("err.at", where="sickness.durations", message=what))
        return self


class Caseload(_Section):
    arrivals_per_week: float = Field(ge=0)
    leavers_per_week: float = Rate
    new_customer_mix: dict[Literal["U25", "K1", "K3"], float]
    first_interview_grace_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _mix(self) -> Caseload:
        _sums_to_one(self.new_customer_mix, "caseload.new_customer_mix")
        return self


class Planning(_Section):
    solver: Literal["cpsat", "greedy"] = "cpsat"
    time_limit: float = Field(default=10.0, gt=0)
    warmup_weeks: int = Field(default=2, ge=0)
    compact_every_weeks: int = Field(default=4, ge=1)


class SimulationSettings(_Section):
    """What happens in an office from day to day; every rate is a setting."""

    appointments: Appointments
    sickness: Sickness
    caseload: Caseload
    planning: Planning = Planning()

    @classmethod
    def from_file(cls, path: str | Path) -> SimulationSettings:
        """Read and check a settings file; :class:`SettingsError` names the file and key."""
        path = Path(path)
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except OSError as e:
            what = Phrase("err.cannot_read", reason=os_reason(e))
            raise SettingsError(Phrase("err.at", where=path, message=what)) from None
        except tomllib.TOMLDecodeError as e:
            what = Phrase("err.not_toml", reason=toml_reason(e))
            raise SettingsError(Phrase("err.at", where=path, message=what)) from None
        try:
            return cls.model_validate(data)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top)"
            what = Phrase("err.at", where=where, message=pydantic_reason(first))
            raise SettingsError(Phrase("err.at", where=path, message=what)) from None

    def with_rates(self, **changes: float) -> SimulationSettings:
        """A copy with ``section__key=value`` changes (e.g. ``appointments__no_show_rate=0``)."""
        data = self.model_dump()
        for key, value in changes.items():
            section, name = key.split("__")
            data[section][name] = value
        return SimulationSettings.model_validate(data)


class SettingsError(ValueError):
    """A settings file that cannot be used (names the file and the key)."""


def default_settings_path() -> Path:
    """The bundled ``models/simulation-default.toml``."""
    return models_dir() / "simulation-default.toml"


def load_settings(path: str | Path | None = None) -> SimulationSettings:
    """The settings of ``path``, or the bundled defaults."""
    return SimulationSettings.from_file(path or default_settings_path())
