"""The words of a simulation's section in the report (``kontaktplan report --simulation``)
and of the simulation plots (:mod:`kontaktplan.simulate.plots`). Merged into
:data:`kontaktplan.i18n.CATALOGUE`."""

from __future__ import annotations

__all__ = ["SIMULATION"]

SIMULATION: dict[str, dict[str, str]] = {
    "sim.h": {"de": "Simulation", "en": "Simulation"},
    "sim.note": {
        "de": "{name}: {weeks} simulierte Wochen, die Wochen vor Woche {skip} als "
        "Einschwingzeit ausgelassen. Mittelwert über die Wiederholungen je Woche, "
        "90-%-Intervall (5. bis 95. Perzentil) in Klammern und schattiert.",
        "en": "{name}: {weeks} simulated weeks, weeks before {skip} left out as warm-up. "
        "Mean across replications per week, 90 % interval (5th to 95th percentile) in "
        "brackets and shaded.",
    },
    "sim.image": {"de": "Simulation: {name}", "en": "simulation: {name}"},
    "sim.all": {"de": "alle", "en": "all"},
    "sim.col.office": {"de": "Dienststelle", "en": "office"},
    "sim.col.group": {"de": "Gruppe", "en": "group"},
    "sim.col.replications": {"de": "Wiederholungen", "en": "replications"},
    "sim.col.density": {"de": "Kontaktdichte (Mittel)", "en": "density (mean)"},
    "sim.col.p5": {"de": "5 %", "en": "5 %"},
    "sim.col.p95": {"de": "95 %", "en": "95 %"},
    "sim.col.overdue_p90": {"de": "Tage überfällig (P90)", "en": "days overdue p90"},
    "sim.col.bookings_per_fte": {"de": "Termine je VZÄ", "en": "bookings / FTE"},
    "sim.col.standby_calls": {
        "de": "Nachrücker-Anrufe je Woche",
        "en": "standby calls / week",
    },
    "sim.col.handovers": {"de": "Übergaben je Woche", "en": "handovers / week"},
    "sim.col.escalations": {"de": "Eskalationen je Woche", "en": "escalations / week"},
    "sim.plot.density": {"de": "erreichte Kontaktdichte", "en": "realised contact density"},
    "sim.plot.overdue": {
        "de": "Tage überfällig (90. Perzentil)",
        "en": "days overdue (90th percentile)",
    },
    "sim.plot.bookings_per_fte": {"de": "Termine je VZÄ", "en": "bookings per FTE"},
    "sim.plot.standby_calls": {"de": "Nachrücker-Anrufe", "en": "standby calls"},
    "sim.plot.handovers": {"de": "Übergaben", "en": "handovers"},
    "sim.plot.escalations": {
        "de": "Eskalationen an die Teamleitung",
        "en": "team-lead escalations",
    },
    # the axes of the plots (kontaktplan.simulate.plots)
    "sim.axis.week": {"de": "simulierte Woche", "en": "simulated week"},
    "sim.axis.density": {
        "de": "erreichte Kontaktdichte (Anteil im Intervall)",
        "en": "realised contact density (share within interval)",
    },
    "sim.axis.overdue_days_median": {
        "de": "Tage überfällig, Median der Überfälligen",
        "en": "days overdue, median of the overdue",
    },
    "sim.axis.overdue_days_p90": {
        "de": "Tage überfällig, 90. Perzentil",
        "en": "days overdue, 90th percentile",
    },
    "sim.axis.bookings_per_fte": {
        "de": "Termine je VZÄ und Woche",
        "en": "bookings per FTE and week",
    },
    "sim.axis.standby_calls": {"de": "Nachrücker-Anrufe je Woche", "en": "standby calls per week"},
    "sim.axis.handovers": {"de": "Übergaben je Woche", "en": "handovers per week"},
    "sim.axis.escalations": {
        "de": "Eskalationen an die Teamleitung je Woche",
        "en": "team-lead escalations per week",
    },
}
