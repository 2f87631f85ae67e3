"""The words the product prints, in German and English: one catalogue, one language per output.

Every user-facing string that is translated lives in :data:`CATALOGUE` under a key, with a
German and an English text (``str.format`` fields allowed). :func:`translator` gives the
function that looks them up for one language; a missing key is a programming error
(``KeyError``), never a silent fallback to the other language. The default language comes
from the locale (:func:`default_lang`).

Codes that are part of the data format (``follow_up``, ``in_person``, ids, rule names such
as ``daily_cap``) are not translated: they are what the files and the policy say.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Literal

__all__ = ["CATALOGUE", "LANGS", "Lang", "default_lang", "translator"]

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")


def default_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """``de`` when the locale is German (``LC_ALL``, else ``LC_MESSAGES``, else ``LANG``
    starting with ``de``), else ``en`` — the POSIX order of the locale variables."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def translator(lang: Lang) -> Callable[..., str]:
    """``t(key, *args, **fields)``: the catalogue's text for ``key`` in ``lang``, formatted."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")

    def t(key: str, *args: object, **fields: object) -> str:
        text = CATALOGUE[key][lang]
        return text.format(*args, **fields) if args or fields else text

    return t


CATALOGUE: dict[str, dict[Lang, str]] = {
    # --- appointment kinds, modes and statuses (calendar, report, xlsx) ---
    "kind.first_interview": {"de": "Erstgespräch", "en": "First interview"},
    "kind.follow_up": {"de": "Folgegespräch", "en": "Follow-up"},
    "kind.group_session": {"de": "Gruppenberatung", "en": "Group session"},
    "kind.phone_consultation": {"de": "Telefonberatung", "en": "Phone consultation"},
    "mode.in_person": {"de": "vor Ort", "en": "in person"},
    "mode.video": {"de": "per Video", "en": "by video"},
    "mode.phone": {"de": "telefonisch", "en": "by phone"},
    "status.planned": {"de": "geplant", "en": "planned"},
    "status.held": {"de": "stattgefunden", "en": "held"},
    "status.not_held": {"de": "nicht stattgefunden", "en": "not held"},
    "status.cancelled": {"de": "abgesagt", "en": "cancelled"},
    "status.no_show": {"de": "nicht erschienen", "en": "no-show"},
    "status.voided": {"de": "storniert", "en": "voided"},
    # --- calendar files (export ics) ---
    "ics.calendar": {"de": "Termine {specialist}", "en": "Appointments {specialist}"},
    "ics.summary": {"de": "{customer}: {kind}, {mode}", "en": "{customer}: {kind}, {mode}"},
    "ics.customer": {"de": "Kunde {customer}", "en": "Customer {customer}"},
    "ics.reassigned": {
        "de": "übernommen von {specialist}",
        "en": "taken over from {specialist}",
    },
    "ics.handed_over": {
        "de": "abgegeben an {specialist}",
        "en": "handed over to {specialist}",
    },
    "ics.backfill": {
        "de": "nachbesetzt für Termin {appointment}",
        "en": "backfill for appointment {appointment}",
    },
    "ics.status": {"de": "Status: {status}", "en": "Status: {status}"},
    # --- the command line ---
    "cli.wrote": {"de": "geschrieben: {path}", "en": "wrote {path}"},
    "cli.ics_file": {
        "de": "{path}: {confirmed} Termin(e), {cancelled} abgesagt/storniert",
        "en": "{path}: {confirmed} appointment(s), {cancelled} cancelled",
    },
    "cli.xlsx_sheet": {"de": "  {sheet}: {n} Zeile(n)", "en": "  {sheet}: {n} row(s)"},
    "progress.planning": {"de": "Planung", "en": "planning"},
    "progress.building": {"de": "Modelle werden gebaut", "en": "building the models"},
    "progress.line": {
        "de": "[{done}/{total}] {specialist}: geplant ({seconds} s)",
        "en": "[{done}/{total}] {specialist}: planned ({seconds} s)",
    },
    # --- kontaktplan plan ---
    "plan.horizon": {
        "de": "Zeitraum {first} bis {last} ({weeks} Woche(n)), {bookings} neue Termine",
        "en": "horizon {first} .. {last} ({weeks} week(s)), {bookings} new bookings",
    },
    "plan.team": {
        "de": "  Team {team}: {booked} von {target} (Soll) gebucht",
        "en": "  team {team}: booked {booked} of target {target}",
    },
    "plan.team_short": {
        "de": ", {short} Fachkraft-Woche(n) unter Soll",
        "en": ", {short} specialist-week(s) below target",
    },
    "plan.deadlines": {
        "de": "Fristen im Zeitraum: {met} eingehalten, {late} verspätet, {missed} verpasst",
        "en": "deadlines in horizon: {met} met, {late} late, {missed} missed",
    },
    "plan.covers": {
        "de": "  {n} Kunden bei der Vertretung oder im Team gebucht (eigene Fachkraft "
        "abwesend oder vor der Frist ausgebucht; siehe plan.json 'covers')",
        "en": "  {n} customers booked with a substitute or team colleague (own specialist "
        "absent or full before the deadline; see plan.json 'covers')",
    },
    "plan.deadline": {
        "de": "  {customer} ({specialist}) fällig {due}: {result} – {reason}",
        "en": "  {customer} ({specialist}) due {due}: {result} - {reason}",
    },
    "plan.more": {
        "de": "  ... und {n} weitere (alle in plan.json, 'deadlines')",
        "en": "  ... and {n} more (all in plan.json, 'deadlines')",
    },
    "plan.na": {"de": "keine", "en": "n/a"},
    "plan.solver": {
        "de": "Solver {solver}: Status {status}, Zielfunktion {objective}, Schranke {bound}, "
        "Lücke {gap}, {seconds} s",
        "en": "solver {solver}: {status}, objective {objective}, bound {bound}, gap {gap}, "
        "{seconds} s",
    },
    "result.met": {"de": "eingehalten", "en": "met"},
    "result.late": {"de": "verspätet", "en": "late"},
    "result.missed": {"de": "verpasst", "en": "missed"},
    # --- why a deadline is late or missed (kontaktplan.explain) ---
    "reason.overdue_no_slot": {
        "de": "überfällig seit {0}, vor dem ersten planbaren Tag {1}; alle freien Termine "
        "im Zeitraum gingen an andere Kunden",
        "en": "overdue since {0}, before the first plannable day {1}; all free slots in the "
        "horizon went to other customers",
    },
    "reason.capacity": {
        "de": "Kapazität: die {0} möglichen Tage bis {1} sind mit dringenderen Kunden belegt "
        "(Tageshöchstzahl, Wochensoll)",
        "en": "capacity: the {0} eligible days up to {1} were filled with more urgent "
        "customers (daily cap, weekly target)",
    },
    "reason.lead": {
        "de": "Frist {0} liegt vor dem ersten planbaren Tag {1} (Vorlauf)",
        "en": "deadline {0} lies before the first plannable day {1} (lead time)",
    },
    "reason.no_day": {
        "de": "Fachkraft {0} hat vom {1} bis {2} keinen verfügbaren Tag (Abwesenheit, "
        "Feiertage, Teilzeittage)",
        "en": "specialist {0} has no available day from {1} to {2} (absence, holidays, "
        "part-time days)",
    },
    "reason.no_slot": {
        "de": "kein freier Termin bei {0} vom {1} bis {2}",
        "en": "no free slot of {0} from {1} to {2}",
    },
    "reason.daily_cap": {
        "de": "jeder Tag von {0} bis {1} hat die Tageshöchstzahl erreicht",
        "en": "every day of {0} up to {1} is at the daily cap",
    },
    "reason.no_fit": {
        "de": "kein freier Termin vor der Frist passt (Dauer, Kontaktform, nicht verfügbare "
        "Tage des Kunden oder Mindestabstand zum letzten Kontakt)",
        "en": "no free slot fits the customer before the deadline (length, mode, the "
        "customer's unavailable days, or the minimum gap since the last contact)",
    },
    "reason.first_interview": {
        "de": "Erstgespräch: sofort fällig, der Vorlauf erlaubt frühestens den {0}",
        "en": "first interview: due at once, the lead time allows {0} at the earliest",
    },
    "reason.overdue_lead": {
        "de": "überfällig seit {0}; der Vorlauf erlaubt frühestens den {1}",
        "en": "overdue since {0}; the lead time allows {1} at the earliest",
    },
    "reason.exempt": {"de": "ausgenommen (FM/BAK)", "en": "exempt"},
    "reason.already_planned": {
        "de": "bereits geplant am {0}",
        "en": "already planned on {0}",
    },
    "reason.not_bookable": {"de": "nicht buchbar", "en": "not bookable"},
    "reason.unknown": {"de": "Grund siehe plan.json", "en": "reason: see plan.json"},
    # --- kontaktplan validate ---
    "validate.ok": {"de": "harte Regeln: eingehalten", "en": "hard rules: ok"},
    "validate.broken": {
        "de": "harte Regeln: {n} Verstöße ({rules})",
        "en": "hard rules: {n} violations ({rules})",
    },
    "validate.warnings": {
        "de": "Hinweise: {n} (auf stderr; --all zeigt alle)",
        "en": "warnings: {n} (on stderr; --all shows every one)",
    },
    "validate.volume": {
        "de": "Wochensoll gebucht/Soll ab {monday}:",
        "en": "weekly volume booked/target from {monday}:",
    },
    "validate.team_week": {
        "de": "  Team {team} {week}: {booked}/{target} ({specialists} Fachkräfte)",
        "en": "  team {team} {week}: {booked}/{target} ({specialists} specialists)",
    },
    "validate.deadlines": {
        "de": "Fristen: {met} eingehalten, {late} verspätet (davon {reachable} nach dem "
        "Vorlauf fällig), {open} offen ({in_horizon} fällig bis {end})",
        "en": "deadlines: {met} met, {late} late ({reachable} of them due after the lead "
        "time), {open} open ({in_horizon} due by {end})",
    },
    "validate.overdue": {
        "de": "überfällig (fällig vor {today}, nichts geplant): {overdue}; "
        "Kategorieprüfung: {review}",
        "en": "overdue (due before {today}, nothing planned): {overdue}; category review: {review}",
    },
}
