"""Write the what-if notebooks of this folder (outputs cleared): ``python notebooks/build.py``.

Each notebook tells one story on the bundled demo office (``scenarios/demo``: one team
of 8 specialists, 1 510 customers) and prints its conclusion from the numbers of the run.
The cells are kept here as plain text, so that a change is a readable diff;
``tests/test_notebooks.py`` runs every notebook and checks that they match this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


ABSENCE = [
    md(
        """
# An absence wave: 15 % of the specialists away for two weeks

A flu wave or a training block takes 15 % of the team away for the first two plannable weeks.
What happens to the density deadlines, and how many appointments end up on the team lead's desk?
Two cases:

- **known in advance**: the absences are entered before the fortnight is planned;
- **hits a planned fortnight**: the plan is made, then the absences come in. The disruption
  handling (docs/rules.md) never cancels: each appointment keeps its date and time and moves to the
  named substitute or a free colleague of the team, or it is escalated to the team lead. If the
  team lead finds nobody either, the appointment is lost (*worst case*).
"""
    ),
    code(
        """
from pathlib import Path

import matplotlib.pyplot as plt

from kontaktplan import whatif
from kontaktplan.io import read_scenario
from kontaktplan.planning import plan
from kontaktplan.report import plots
from kontaktplan.validation import validate

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "scenarios" / "demo").is_dir())
office = read_scenario(ROOT / "scenarios" / "demo")
scenario, policy = office.scenario, office.policy
SOLVE = {"time_limit": 5.0, "workers": 1, "seed": 0}  # small and reproducible
print(
    f"{scenario.meta.name}: {len(scenario.specialists)} specialists, "
    f"{len(scenario.customers)} customers, planning date {scenario.today}, "
    f"rule set {policy.name}"
)
"""
    ),
    code(
        """
SHARE, DAYS, SEED = 0.15, 14, 1
base = plan(scenario, policy, weeks=2, **SOLVE)
first, last = base.horizon.first_day, base.horizon.last_day
before = whatif.deadlines(base.planned_scenario(), policy, first, last)
print(
    f"fortnight {first} .. {last}: {before.due} deadlines, {before.broken} broken without the wave"
)
"""
    ),
    code(
        """
waved = whatif.absence_wave(scenario, SHARE, first, DAYS, SEED)
ahead = whatif.deadlines(
    plan(waved, policy, weeks=2, **SOLVE).planned_scenario(), policy, first, last
)
hit = whatif.hit_by_absence_wave(base.planned_scenario(), policy, SHARE, first, DAYS, SEED)
worst = whatif.deadlines(hit.worst_case, policy, first, last)
print(
    f"away: {', '.join(hit.absent)}; {hit.affected} booked appointments affected, "
    f"{hit.moved} handed over, {hit.escalated} escalated"
)
for line in hit.escalations[:5]:
    print("  ", line[:140])
"""
    ),
    md(
        """
The bookings after the hand-over: the absent specialist's fortnight is hatched grey, and the
numbers left on it are the escalated appointments; the colleagues who took over carry more. (The
plot is the HTML report's, composed here with `ax=`.)
"""
    ),
    code(
        """
from kontaktplan.report.data import days_off

fig, ax = plt.subplots(figsize=(12, 4), layout="constrained")
plots.bookings_heatmap(
    validate(hit.scenario, policy).figures,
    policy.booking.daily_cap,
    closed=days_off(hit.scenario, policy),
    ax=ax,
)
plt.show()
"""
    ),
    md(
        """
The same wave at larger shares: how fast do escalations grow?
"""
    ),
    code(
        r"""
shares = [0.15, 0.25, 0.40]
hits = [
    whatif.hit_by_absence_wave(base.planned_scenario(), policy, s, first, DAYS, SEED)
    for s in shares
]
lost = [whatif.deadlines(h.worst_case, policy, first, last).broken for h in hits]
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.5), layout="constrained")
labels = ["no wave", "known in advance", "hits the plan\n(worst case)"]
a1.bar(labels, [before.broken, ahead.broken, worst.broken], color=["#2ca02c", "#1f77b4", "#d62728"])
a1.set_ylabel("deadlines broken in the fortnight")
a1.set_title(f"{SHARE:.0%} away for {DAYS} days", loc="left")
x = [f"{s:.0%}\n({len(h.absent)} away)" for s, h in zip(shares, hits, strict=False)]
a2.bar(x, [h.moved for h in hits], label="handed over", color="#1f77b4")
a2.bar(
    x,
    [h.escalated for h in hits],
    bottom=[h.moved for h in hits],
    label="escalated to the team lead",
    color="#d62728",
)
a2.plot(x, lost, "ko-", label="deadlines broken (worst case)")
a2.set_ylabel("appointments")
a2.set_title("larger waves, hitting the plan", loc="left")
a2.legend(fontsize=8)
plt.show()
"""
    ),
    code(
        """
own = sum(ahead.broken_by_specialist.get(s, 0) for s in hit.absent)
why = (
    f", {own} of them customers of the absent: the planner books each customer "
    f"only with their own specialist, so a known absence needs a hand-over of "
    f"customers, not only of appointments"
    if own
    else ""
)
print(
    f"Conclusion: with {len(hit.absent)} of {len(scenario.specialists)} specialists "
    f"({SHARE:.0%}) away for {DAYS} days from {first}, {hit.moved} of "
    f"{hit.affected} booked appointments move to a substitute or a colleague and "
    f"{hit.escalated} go to the team lead; if nobody takes those, "
    f"{worst.broken - before.broken} more deadlines break ({worst.broken} of "
    f"{worst.due}). Known in advance, the plan breaks {ahead.broken}{why}. "
    f"At {shares[-1]:.0%} away, {hits[-1].escalated} appointments are escalated and "
    f"{lost[-1]} deadlines break in the worst case."
)
"""
    ),
]

CASELOAD = [
    md(
        """
# Caseload growth: when do deadlines start to break at 25 a week?

More customers per specialist, the same team, the same weekly volume of 25 bookings per
full-time post and the same daily cap of 8. The grown caseload clones real customers of the
office (same category, last contact and preferences) under new pseudonymous ids; every step
plans the first two weeks and counts the deadlines with the independent validator.
"""
    ),
    code(
        """
from pathlib import Path

import matplotlib.pyplot as plt

from kontaktplan import whatif
from kontaktplan.io import read_scenario
from kontaktplan.planning import plan
from kontaktplan.report import plots
from kontaktplan.validation import validate

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "scenarios" / "demo").is_dir())
office = read_scenario(ROOT / "scenarios" / "demo")
scenario, policy = office.scenario, office.policy
SOLVE = {"time_limit": 5.0, "workers": 1, "seed": 0}  # small and reproducible
print(
    f"{scenario.meta.name}: {len(scenario.specialists)} specialists, "
    f"{len(scenario.customers)} customers, planning date {scenario.today}, "
    f"rule set {policy.name}"
)
"""
    ),
    code(
        """
factors = [1.0, 1.1, 1.2, 1.3]
runs = []
for f in factors:
    grown = whatif.scale_caseload(scenario, f, seed=1)
    result = plan(grown, policy, weeks=2, **SOLVE)
    first, last = result.horizon.first_day, result.horizon.last_day
    figures = validate(result.planned_scenario(), policy).figures
    planned = [w for w in figures["weeks"] if first.isoformat() <= w["monday"] <= last.isoformat()]
    runs.append(
        {
            "factor": f,
            "customers": len(grown.customers),
            "figures": figures,
            "deadlines": whatif.deadlines(result.planned_scenario(), policy, first, last),
            "booked": sum(w["booked"] for w in planned),
            "target": sum(w["target"] for w in planned),
        }
    )
    d, r = runs[-1]["deadlines"], runs[-1]
    print(
        f"+{f - 1:.0%}: {r['customers']} customers, {d.due} deadlines in the fortnight, "
        f"{d.broken} broken; booked {r['booked']} of target {r['target']}"
    )
"""
    ),
    code(
        """
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.5), layout="constrained")
x = [f"+{r['factor'] - 1:.0%}" for r in runs]
a1.bar(x, [r["deadlines"].kept for r in runs], label="kept", color="#2ca02c")
a1.bar(
    x,
    [r["deadlines"].broken for r in runs],
    bottom=[r["deadlines"].kept for r in runs],
    label="broken",
    color="#d62728",
)
a1.set_ylabel("deadlines in the first two weeks")
a1.legend(fontsize=8)
a2.plot(x, [r["booked"] / r["target"] for r in runs], "o-")
a2.axhline(1, color="black", lw=1)
a2.set_ylabel("bookings / weekly targets")
a2.set_title("how far above 25 a week the deadlines push", loc="left")
plt.show()
"""
    ),
    md(
        """
Due contacts per week against capacity at the largest caseload (the HTML report's plot): the
solid marks are the weekly targets, the dashed ones what the daily cap allows.
"""
    ),
    code(
        """
fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
plots.due_per_week(runs[-1]["figures"], policy.booking.daily_cap, ax=ax)
plt.show()
"""
    ),
    code(
        """
breaking = [r for r in runs if r["deadlines"].broken > runs[0]["deadlines"].broken]
holding = [r for r in runs if not breaking or r["factor"] < breaking[0]["factor"]]
over = max(r["booked"] / r["target"] for r in holding)
if breaking:
    r = breaking[0]
    print(
        f"Conclusion: deadlines start to break at +{r['factor'] - 1:.0%} caseload "
        f"({r['deadlines'].broken} of {r['deadlines'].due} in the first fortnight, "
        f"{r['customers']} customers). Below that, the plan keeps every "
        f"deadline it can by booking up to {over - 1:.0%} above the target of "
        f"{policy.booking.weekly_volume_per_fte} a week."
    )
else:
    print(
        f"Conclusion: no deadline breaks up to +{factors[-1] - 1:.0%} caseload; the "
        f"plan books up to {over - 1:.0%} above the target of "
        f"{policy.booking.weekly_volume_per_fte} a week to keep them."
    )
"""
    ),
]

RULE_SETS = [
    md(
        """
# heilbronn-2025 against ba-2010: contacts needed per specialist and week

The same office under the two rule sets of docs/rules.md: the 2025 concept (U25 monthly, K1 every 4
months, K3 every 6 months) and the federal agency's 2010 recommendation (a number of contacts
per 6-month agreement period by profile, under-25s every 4 weeks). Customers without a 2010
profile get one consistent with their 2025 category (see `kontaktplan.whatif`). Two measures per
specialist: the contacts per week the rules ask for in the long run, and the deadlines of the
coming weeks.
"""
    ),
    code(
        """
from pathlib import Path

import matplotlib.pyplot as plt

from kontaktplan import whatif
from kontaktplan.io import read_scenario

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "scenarios" / "demo").is_dir())
office = read_scenario(ROOT / "scenarios" / "demo")
scenario, policy = office.scenario, office.policy
SOLVE = {"time_limit": 5.0, "workers": 1, "seed": 0}  # small and reproducible
print(
    f"{scenario.meta.name}: {len(scenario.specialists)} specialists, "
    f"{len(scenario.customers)} customers, planning date {scenario.today}, "
    f"rule set {policy.name}"
)
"""
    ),
    code(
        """
from kontaktplan.rules.policy import load_policy

WEEKS = 8
ba_scenario = whatif.with_policy(scenario, "ba-2010", seed=1)
ba_policy = load_policy("ba-2010")
needed = {
    policy.name: whatif.contacts_needed(scenario, policy, weeks=WEEKS),
    ba_policy.name: whatif.contacts_needed(ba_scenario, ba_policy, weeks=WEEKS),
}
for name, rows in needed.items():
    print(name, " ".join(f"{r.specialist_id}:{r.steady_per_week:.1f}" for r in rows))
"""
    ),
    code(
        """
import numpy as np

fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 3.8), layout="constrained")
ids = [r.specialist_id for r in needed[policy.name]]
x = np.arange(len(ids))
for k, (name, rows) in enumerate(needed.items()):
    a1.bar(x + (k - 0.5) * 0.4, [r.steady_per_week for r in rows], 0.4, label=name)
targets = [r.target_per_week for r in needed[policy.name]]
a1.hlines(targets, x - 0.4, x + 0.4, "black", lw=2, label="weekly target")
a1.set_xticks(x, ids)
a1.set_ylabel("qualified contacts per week")
a1.set_title("in the long run, per specialist", loc="left")
a1.set_ylim(0, 1.3 * max(max(targets), *(r.steady_per_week for r in needed[ba_policy.name])))
a1.legend(fontsize=8, ncols=3, loc="upper center")
weeks = [f"week {i + 1}" for i in range(WEEKS)]
for name, rows in needed.items():
    a2.plot(weeks, [sum(r.due_per_week[i] for r in rows) for i in range(WEEKS)], "o-", label=name)
a2.axhline(sum(targets), color="black", lw=1, label="team target per week")
a2.set_ylabel("customers due (team)")
a2.set_title("deadlines in the coming weeks (week 1 with the backlog)", loc="left")
a2.tick_params(axis="x", labelrotation=45)
a2.legend(fontsize=8)
plt.show()
"""
    ),
    code(
        """
def per_full_time(rows):
    return sum(r.steady_per_week for r in rows) / sum(r.fte for r in rows)


now, old = per_full_time(needed[policy.name]), per_full_time(needed[ba_policy.name])
first_week = {name: sum(r.due_per_week[0] for r in rows) for name, rows in needed.items()}
print(
    f"Conclusion: a full-time specialist needs {now:.1f} qualified contacts a week "
    f"under {policy.name} and {old:.1f} under {ba_policy.name} "
    f"({old / now:.1f} times as many), against a target of "
    f"{policy.booking.weekly_volume_per_fte}. Switched today, {ba_policy.name} would "
    f"make {first_week[ba_policy.name]} customers due in the first plannable week "
    f"(against {first_week[policy.name]}): the history was kept for "
    f"{policy.name}."
)
"""
    ),
]

NO_SHOW = [
    md(
        """
# No-shows: standby calls needed and deadlines kept

The first plannable week is planned once and then played out with no-show rates of 5, 15 and 30
%. Every no-show is handled as docs/rules.md says: another unemployed customer from the standby list
gets a phone consultation in the missed time, and the no-show customer is re-invited in person,
with the legal notice, at the earliest slot the lead time allows. A phone consultation is no
qualified contact, so a no-show customer due that week misses the deadline. The same seed draws
the no-shows, so those at 5 % are among those at 15 %.
"""
    ),
    code(
        """
from pathlib import Path

import matplotlib.pyplot as plt

from kontaktplan import whatif
from kontaktplan.io import read_scenario
from kontaktplan.planning import plan

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "scenarios" / "demo").is_dir())
office = read_scenario(ROOT / "scenarios" / "demo")
scenario, policy = office.scenario, office.policy
SOLVE = {"time_limit": 5.0, "workers": 1, "seed": 0}  # small and reproducible
print(
    f"{scenario.meta.name}: {len(scenario.specialists)} specialists, "
    f"{len(scenario.customers)} customers, planning date {scenario.today}, "
    f"rule set {policy.name}"
)
"""
    ),
    code(
        """
planned = plan(scenario, policy, weeks=1, **SOLVE).planned_scenario()
rates = [0.0, 0.05, 0.15, 0.30]
sims = [whatif.simulate_week(scenario, policy, r, seed=1, planned=planned) for r in rates]
for s in sims:
    print(
        f"{s.no_show_rate:>4.0%}: {s.no_shows:3d} no-shows of {s.appointments}, "
        f"{s.standby_calls} standby calls ({s.standby_missing} without a candidate), "
        f"{s.reinvited} re-invited, deadlines kept {s.kept}/{s.due}"
    )
"""
    ),
    code(
        """
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.5), layout="constrained")
x = [f"{s.no_show_rate:.0%}" for s in sims]
a1.bar(x, [s.standby_calls for s in sims], label="standby calls made", color="#1f77b4")
a1.bar(
    x,
    [s.standby_missing for s in sims],
    bottom=[s.standby_calls for s in sims],
    label="no standby candidate",
    color="#d62728",
)
a1.set_ylabel("standby calls in the week")
a1.set_title("standby calls needed", loc="left")
a1.set_xlabel("no-show rate")
a1.legend(fontsize=8)
a2.plot(x, [100 * s.kept_share for s in sims], "o-", color="#2ca02c")
a2.set_ylim(0, 105)
a2.set_ylabel("deadlines of the week kept (%)")
a2.set_title("deadlines kept", loc="left")
a2.set_xlabel("no-show rate")
plt.show()
"""
    ),
    code(
        """
base, worst = sims[0], sims[-1]
days = len(
    {
        a.day
        for a in planned.appointments
        if worst.first_day <= a.day <= worst.last_day and a.is_active
    }
)
per_day = worst.no_shows / (len(scenario.specialists) * max(1, days))
print(
    f"Conclusion: at {worst.no_show_rate:.0%} no-shows the team needs "
    f"{worst.no_shows} standby calls in the week (about {per_day:.1f} per specialist "
    f"and day), finds a candidate for {worst.standby_calls}, and keeps "
    f"{worst.kept} of {worst.due} deadlines of the week ({worst.kept_share:.0%}), "
    f"against {base.kept} ({base.kept_share:.0%}) without no-shows; every "
    f"deadline lost is a no-show customer, re-invited in person for a later week."
)
"""
    ),
]

YEAR = [
    md(
        """
# A year of the office: the 2025 concept against the 2010 rules, and the staffing each needs

`kontaktplan simulate` plays an office out week by week: each week it plans the first plannable
week with the real `plan`, then day by day draws no-shows, cancellations, sickness, new customers
and customers leaving from the simulation settings (`models/simulation-default.toml`) and handles
each with the real disruption code (backfill, standby call, re-invitation, handover). Here the
demo office runs under both rule sets, and then with fewer customers per case worker (the same
as more case workers) until 95 % of its K1 and U25 customers are within their interval.

**Kept short for CI:** `WEEKS = 8`, one replication, and two staffing levels. The first weeks
are not the office's steady state: the plan books two weeks ahead (warm-up), and the folder's
backlog of overdue customers takes a few weeks to clear, so the staffing measure reads the last
`MEASURED = 4` weeks. For the real answer set `WEEKS = 52`, `REPLICATIONS = 5` and more levels
(about an hour on two cores), or run `kontaktplan simulate scenarios/demo --weeks 52
--replications 5`.
"""
    ),
    code(
        """
from pathlib import Path

import matplotlib.pyplot as plt

from kontaktplan import whatif
from kontaktplan.io import read_scenario
from kontaktplan.rules.policy import load_policy
from kontaktplan.simulate import load_settings, plots, simulate_office, summarise

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "scenarios" / "demo").is_dir())
office = read_scenario(ROOT / "scenarios" / "demo")
scenario, policy = office.scenario, office.policy
WEEKS, MEASURED, REPLICATIONS, SEED = 8, 4, 1, 1
settings = load_settings().with_rates(planning__time_limit=5.0)
WARMUP = settings.planning.warmup_weeks
RULES = {
    "heilbronn-2025": (scenario, policy),
    "ba-2010": (whatif.with_policy(scenario, "ba-2010", seed=1), load_policy("ba-2010")),
}


def run(office_scenario, rules, name):
    rows = []
    for r in range(REPLICATIONS):
        got, _, _ = simulate_office(
            office_scenario, rules, settings, weeks=WEEKS, seed=SEED, office=name, replication=r
        )
        rows += got
    return rows


print(
    f"{scenario.meta.name}: {len(scenario.specialists)} specialists "
    f"({sum(s.fte for s in scenario.specialists):.1f} FTE), {len(scenario.customers)} customers; "
    f"{WEEKS} weeks from {scenario.today}, {REPLICATIONS} replication(s)"
)
"""
    ),
    md(
        """
## The same office under both rule sets

Realised contact density per week: the share of each group's customers whose next contact is
not yet overdue (groups of the 2025 concept; under the 2010 rules a customer's deadline comes from
their profile). The shaded band is the 90 % interval across replications.
"""
    ),
    code(
        """
rows = {name: run(sc, rules, name) for name, (sc, rules) in RULES.items()}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True, layout="constrained")
for ax, (name, got) in zip(axes, rows.items(), strict=True):
    plots.density(summarise(got), ax=ax)
    ax.set_title(name, loc="left")
plt.show()
"""
    ),
    md(
        """
## The staffing each needs for 95 % of K1 and U25

Fewer customers per case worker stand for more case workers: at half of today's caseload the
office has 1 / 0.5 = 200 % of today's staffing per customer. The measure is the lower of the K1
and U25 densities, averaged over the last `MEASURED` weeks; between two levels the staffing
needed is read off a straight line.
"""
    ),
    code(
        """
FACTORS = (1.0, 0.5)


def worst_density(got):
    means = {
        s["group"]: s["density_mean"]
        for s in summarise(got, skip_weeks=WEEKS - MEASURED, by_week=False)
    }
    return min(means["K1"], means["U25"])


staffing = {name: {} for name in RULES}
for name, (sc, rules) in RULES.items():
    for f in FACTORS:
        got = rows[name] if f == 1.0 else run(whatif.scale_caseload(sc, f, seed=1), rules, name)
        staffing[name][round(100 / f)] = worst_density(got)
for name, by_level in staffing.items():
    print(name, {f"{k} %": f"{v:.1%}" for k, v in by_level.items()})
"""
    ),
    code(
        """
from itertools import pairwise


def needed(by_level, target=0.95):
    levels = sorted(by_level)
    if by_level[levels[0]] >= target:
        return levels[0]
    for lo, hi in pairwise(levels):
        if by_level[lo] < target <= by_level[hi]:  # linear between the two tested levels
            return lo + (hi - lo) * (target - by_level[lo]) / (by_level[hi] - by_level[lo])
    return None


fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
for name, by_level in staffing.items():
    ax.plot(list(by_level), [100 * v for v in by_level.values()], marker="o", label=name)
ax.axhline(95, color="grey", linestyle=":")
ax.set_xlabel("staffing per customer (% of today)")
ax.set_ylabel("lower of K1 and U25 density (%)")
ax.legend()
plt.show()
"""
    ),
    code(
        """
parts = []
for name, by_level in staffing.items():
    n = needed(by_level)
    top = max(by_level)
    parts.append(
        f"{name} needs about {n:.0f} % of today's staffing per customer"
        if n is not None
        else f"{name} stays below 95 % even at {top} % of today's staffing"
    )
print(
    f"Conclusion: over the last {MEASURED} of {WEEKS} simulated weeks, with "
    f"{settings.appointments.no_show_rate:.0%} no-shows, for 95 % of K1 and U25 within their "
    f"interval " + "; ".join(parts) + " (a short CI run: set WEEKS = 52 for the year)."
)
"""
    ),
]

NOTEBOOKS = {
    "absence_wave.ipynb": ABSENCE,
    "caseload_growth.ipynb": CASELOAD,
    "rule_sets.ipynb": RULE_SETS,
    "no_shows.ipynb": NO_SHOW,
    "year.ipynb": YEAR,
}


def build(folder: Path = HERE) -> list[Path]:
    """Write the notebooks to ``folder``; returns their paths."""
    out = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(
            cells=cells,
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
        )
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{Path(name).stem.replace('_', '-')}-{i}"  # stable ids, stable diffs
        path = folder / name
        nbformat.write(nb, path)
        out.append(path)
    return out


if __name__ == "__main__":
    for p in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"wrote {p}")
