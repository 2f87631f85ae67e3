"""Kontaktplan: appointment planning for Jobcenters under a contact-density rule set.

The public API by name, for scripts and notebooks::

    from kontaktplan import read_scenario, plan, validate, whatif

    loaded = read_scenario("scenarios/demo")
    result = plan(loaded.scenario, loaded.policy)
    report = validate(result.planned_scenario(), loaded.policy)

The stages, each a folder whose docstring says what it owns: ``rules`` (policy files,
due dates, calendar) -> ``io`` (scenario folders, Excel, calendar files) -> ``planning``
(the weekly plan) -> ``disruption`` (the day's changes); ``validation`` (the
independent checker) and ``report`` beside them; ``cli`` on top. Every name
is imported on first use, so that ``import kontaktplan`` loads nothing heavy (OR-Tools,
pydantic) until a name is asked for.
"""

from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "kontaktplan.domain": (
        "Absence Appointment Customer Exempt Kind Mode Scenario ScenarioMeta Slot SlotMode "
        "Specialist Status"
    ),
    "kontaktplan.io": "InputError read_scenario write_scenario",
    "kontaktplan.rules.calendar": "OfficeCalendar WeekTarget first_plannable_monday",
    "kontaktplan.rules.policy": "Due Policy category_review due_dates load_policy",
}
_LAZY = {
    **{name: (module, name) for module, names in _PUBLIC.items() for name in names.split()},
    "plan": ("kontaktplan.planning", "plan"),
    "Plan": ("kontaktplan.planning", "Plan"),
    "validate": ("kontaktplan.validation", "validate"),
    "Report": ("kontaktplan.validation", "Report"),
    "whatif": ("kontaktplan.whatif", None),
}
"""Every public name, imported on first use: ``import kontaktplan`` loads nothing else, so
the command line's launcher (:mod:`kontaktplan.launcher`) starts without pydantic."""


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module, attr = _LAZY[name]
    value = import_module(module) if attr is None else getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = [
    "Absence",
    "Appointment",
    "Customer",
    "Due",
    "Exempt",
    "InputError",
    "Kind",
    "Mode",
    "OfficeCalendar",
    "Plan",
    "Policy",
    "Report",
    "Scenario",
    "ScenarioMeta",
    "Slot",
    "SlotMode",
    "Specialist",
    "Status",
    "WeekTarget",
    "__version__",
    "category_review",
    "due_dates",
    "first_plannable_monday",
    "load_policy",
    "plan",
    "read_scenario",
    "validate",
    "whatif",
    "write_scenario",
]
