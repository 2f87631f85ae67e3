"""Customers: the category mix of a real office, profiles, households, availability,
and a few whose stored category is wrong (category review).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from kontaktplan.domain import (
    WEEKDAYS,
    Customer,
    Exempt,
    Mode,
    parse_unavailable,
)
from kontaktplan.generate.common import PROFILE_WEIGHTS, SHARE, Worker
from kontaktplan.rules.policy import Policy


def make_caseload(
    rng: random.Random, w: Worker, ids: list[str], policy: Policy, households: Iterator[int]
) -> list[Customer]:
    """One specialist's caseload with the category mix of a real office; households (BG)
    of 2-3 customers within the caseload."""
    out: list[Customer] = []
    p_young = SHARE["unemployed_if_under_25"]
    p_adult = (SHARE["unemployed"] - SHARE["under_25"] * p_young) / (1 - SHARE["under_25"])
    for cid in ids:
        u25 = rng.random() < SHARE["under_25"]
        unemployed = rng.random() < (p_young if u25 else p_adult)
        category, profile = _category(rng, policy, unemployed, u25)
        unemployed = unemployed and category not in ("I", "Z")  # ba-2010 profiles
        exempt = None
        if rng.random() < SHARE["exempt"]:
            exempt = rng.choices((Exempt.case_management, Exempt.employer_service), (3, 1))[0]
        mode = rng.choices((None, Mode.in_person, Mode.video), (0.75, 0.15, SHARE["video"]))[0]
        if mode is Mode.video and not w.specialist.video:
            mode = None
        out.append(
            Customer(
                customer_id=cid,
                specialist_id=w.sid,
                category=category,
                unemployed=unemployed,
                under_25=u25,
                exempt=exempt,
                profile=profile,
                mode=mode,
                unavailable=_unavailable(rng) if rng.random() < SHARE["unavailable"] else (),
            )
        )
    members = rng.sample(range(len(out)), round(SHARE["household"] * len(out)))
    while len(members) >= 2:
        size = 3 if len(members) == 3 or (len(members) > 4 and rng.random() < 0.3) else 2
        bg = f"BG{next(households):04d}"
        for i in members[:size]:
            out[i] = out[i].model_copy(update={"household_id": bg})
        members = members[size:]
    return out


def _category(
    rng: random.Random, policy: Policy, unemployed: bool, u25: bool
) -> tuple[str, str | None]:
    """The category the rules give this customer, and for some a consistent profile."""
    codes, rules = policy.categories, policy.category_review
    if policy.density.rule == "count_per_period":  # ba-2010: the category is the profile
        return rng.choices(codes, [PROFILE_WEIGHTS.get(c, 10) for c in codes])[0], None
    if not rules.enabled or not rules.unemployed_adult or not rules.not_unemployed_adult:
        return rng.choice(codes), None
    complex_needs = rng.random() < SHARE["complex_among_unemployed_adults"]
    category = {
        (True, True): rules.unemployed_under_25,
        (True, False): rules.under_25_not_unemployed,
        (False, True): rules.unemployed_adult[-1 if complex_needs else 0],
    }.get((u25, unemployed)) or rules.not_unemployed_adult[0]
    if rng.random() >= SHARE["profile"]:
        return category, None
    if not unemployed:  # I (integrated, still in need), Z (e.g. carers): always K3
        fixed = [p for p, c in rules.profiles.items() if c == category]
        return category, rng.choice([*fixed, *fixed, "SP", "UP"])
    if category == rules.not_unemployed_adult[0]:
        return category, rng.choice(("EP", "SP", "UP"))
    return category, rng.choice(("MP", "AP", "FP", "EP"))


def _unavailable(rng: random.Random) -> tuple:
    """One or two weekdays or half-days (part-time job, childcare, a measure)."""
    days = sorted(rng.sample(range(5), rng.choice((1, 1, 1, 2))))
    halves = rng.choices(("", "-AM", "-PM"), (40, 35, 25), k=len(days))
    return parse_unavailable(";".join(WEEKDAYS[d] + h for d, h in zip(days, halves, strict=True)))


def add_review_cases(rng: random.Random, caseloads: list[list[Customer]], policy: Policy) -> None:
    """About 1.5 % whose stored category contradicts the rules: K1 though not unemployed,
    or K1 though unemployed and under 25 (the category review list)."""
    rules = policy.category_review
    if not rules.enabled or not rules.unemployed_adult:
        return
    wrong = rules.unemployed_adult[0]
    pool = [
        (i, j)
        for i, own in enumerate(caseloads)
        for j, c in enumerate(own)
        if c.exempt is None
        and c.profile is None
        and c.category != wrong
        and (not c.unemployed or c.under_25)
    ]
    total = sum(len(own) for own in caseloads)
    for i, j in rng.sample(pool, min(len(pool), max(1, round(SHARE["review"] * total)))):
        caseloads[i][j] = caseloads[i][j].model_copy(update={"category": wrong})
