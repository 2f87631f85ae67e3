"""The simulated year: one office played out week by week, many offices side by side.

This stage owns the rolling simulation (:mod:`.office`: plan each week with the real
``plan``, play out the days with the real disruption handling), its settings file
(:mod:`.settings`, bundled ``models/simulation-default.toml``), keeping the calendar going
(:mod:`.upkeep`), the office in independent parts for the day's commands (:mod:`.teams`),
the measures and the results table (:mod:`.measures`), the list of
offices (:mod:`.offices`), the local and Ray backends (:mod:`.backends`) and the plots
(:mod:`.plots`). It changes no data of a folder: it works on copies in memory.
"""

from kontaktplan.simulate.measures import (
    GROUPS,
    MEASURES,
    concept_group,
    read_table,
    summarise,
    write_table,
)
from kontaktplan.simulate.office import RunTiming, simulate_office
from kontaktplan.simulate.settings import (
    SettingsError,
    SimulationSettings,
    default_settings_path,
    load_settings,
)

__all__ = [
    "GROUPS",
    "MEASURES",
    "RunTiming",
    "SettingsError",
    "SimulationSettings",
    "concept_group",
    "default_settings_path",
    "load_settings",
    "read_table",
    "simulate_office",
    "summarise",
    "write_table",
]
