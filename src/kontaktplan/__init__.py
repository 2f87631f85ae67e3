"""Kontaktplan: appointment planning for Jobcenters under a contact-density rule set."""

from kontaktplan.calendar import OfficeCalendar, WeekTarget, first_plannable_monday
from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Exempt,
    Kind,
    Mode,
    Scenario,
    ScenarioMeta,
    Slot,
    SlotMode,
    Specialist,
    Status,
)
from kontaktplan.io import InputError, read_scenario, write_scenario
from kontaktplan.policy import Due, Policy, category_review, due_dates, load_policy

__version__ = "0.1.0"

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
    "Policy",
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
    "read_scenario",
    "write_scenario",
]
