"""The words the product prints, in German and English: one catalogue, one language per output.

Every user-facing string that is translated lives in :data:`CATALOGUE` under a key, with a
German and an English text (``str.format`` fields allowed). :func:`translator` gives the
function that looks them up for one language; a missing key is a programming error
(``KeyError``), never a silent fallback to the other language. The default language comes
from the locale (:func:`default_lang`).

The disruption commands' sentences live in :mod:`kontaktplan.i18n.disruption`, a
simulation's words in :mod:`kontaktplan.i18n.simulation`; both are merged into
:data:`CATALOGUE`. The disruption library builds its reasons as
:class:`~kontaktplan.i18n.phrase.Phrase` (English as a ``str``, any language by
:meth:`~kontaktplan.i18n.phrase.Phrase.say`).

Codes that are part of the data format (``follow_up``, ``in_person``, ids, rule names such
as ``daily_cap``) are not translated: they are what the files and the policy say.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Literal

from kontaktplan.i18n.disruption import DISRUPTION
from kontaktplan.i18n.errors import ERRORS
from kontaktplan.i18n.phrase import IsoWeek, Listing, Phrase, Weekday, decimal, written
from kontaktplan.i18n.simulation import SIMULATION
from kontaktplan.i18n.validation import VALIDATION

__all__ = [
    "CATALOGUE",
    "LANGS",
    "IsoWeek",
    "Lang",
    "Listing",
    "Phrase",
    "Weekday",
    "decimal",
    "default_lang",
    "translator",
    "written",
]

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
    "cli.violations": {"de": "{n} Regelverstoß/-verstöße", "en": "{n} violation(s)"},
    "cli.report": {
        "de": "geschrieben: {path}: {verdict}; Fristen: {met} eingehalten, {late} verspätet, "
        "{open} im Zeitraum fällig ohne geplanten Kontakt; {overdue} überfällig; "
        "{disruptions} Störung(en) erfasst",
        "en": "wrote {path}: {verdict}; deadlines {met} met, {late} late, {open} due in the "
        "horizon with nothing planned; {overdue} overdue; {disruptions} disruption(s) logged",
    },
    "cli.xlsx_sheet": {"de": "  {sheet}: {n} Zeile(n)", "en": "  {sheet}: {n} row(s)"},
    # --- what the workspace, generator, import, simulation and web commands print ---
    "cli.resident_ready": {
        "de": "Hintergrundprozess bereit (PID {pid}): {path}",
        "en": "resident process ready (pid {pid}): {path}",
    },
    "cli.resident_running": {
        "de": "Hintergrundprozess läuft (PID {pid}): {path}",
        "en": "resident process running (pid {pid}): {path}",
    },
    "cli.resident_stopped": {
        "de": "Hintergrundprozess beendet: {path}",
        "en": "resident process stopped: {path}",
    },
    "cli.resident_none": {
        "de": "kein Hintergrundprozess unter {path}",
        "en": "no resident process at {path}",
    },
    "cli.workspace_ready": {"de": "Arbeitsbereich bereit: {url}", "en": "workspace ready: {url}"},
    "cli.imported": {
        "de": "{folder} in {url} importiert (Ereignis {event})",
        "en": "imported {folder} into {url} (event {event})",
    },
    "cli.restored": {
        "de": "Ereignis {event} im Arbeitsbereich gespeichert ({n} Zeile(n) wiederhergestellt)",
        "en": "committed event {event} to the workspace ({n} row(s) restored)",
    },
    "cli.undid": {
        "de": "Ereignis {event} zurückgenommen ({command} von {actor})",
        "en": "undid event {event} ({command} by {actor})",
    },
    "cli.purged": {
        "de": "abgeschlossene Vorgänge vor dem {before} entfernt: {counts}",
        "en": "purged closed history before {before}: {counts}",
    },
    # the lines the workspace's own events keep (stored in English and in German)
    "log.imported": {
        "de": "{office} importiert: {counts}",
        "en": "imported {office}: {counts}",
    },
    "log.plan_draft": {
        "de": "Planung: {bookings} neue Termine, {status}, {seconds} s; Fristen: {met} "
        "eingehalten, {late} verspätet, {missed} versäumt, {open} offen, "
        "{open_due_in_horizon} im Zeitraum fällig ohne Termin, {overdue} überfällig",
        "en": "plan: {bookings} bookings, {status}, {seconds} s; deadlines: met {met}, "
        "late {late}, missed {missed}, open {open}, open_due_in_horizon "
        "{open_due_in_horizon}, overdue {overdue}",
    },
    "cli.undo_of": {"de": "Rücknahme von Ereignis {event}", "en": "undo of event {event}"},
    "cli.event_rows": {"de": "({n} Zeile(n))", "en": "({n} row(s))"},
    "cli.wrote_office": {
        "de": "geschrieben: {path}: {specialists} Fachkräfte, {customers} Kunden, "
        "{slots} freie Slots, {appointments} Termine",
        "en": "wrote {path}: {specialists} specialists, {customers} customers, "
        "{slots} free slots, {appointments} appointments",
    },
    "cli.wrote_workbook": {
        "de": "geschrieben: {path}: {specialists} Fachkräfte, {customers} Kunden, "
        "{slots} freie Slots, {absences} Abwesenheiten, {appointments} Termine",
        "en": "wrote {path}: {specialists} specialists, {customers} customers, "
        "{slots} free slots, {absences} absences, {appointments} appointments",
    },
    "cli.generating": {
        "de": "erzeuge eine Dienststelle mit {n} Fachkräften",
        "en": "generating {n} specialists' office",
    },
    "cli.user_added": {
        "de": "Benutzer {name} ({role}) angelegt",
        "en": "user {name} ({role}) added",
    },
    "cli.demo_imported": {
        "de": "{demo} importiert; Anmeldung als demo / demo-demo",
        "en": "imported {demo}; log in as demo / demo-demo",
    },
    "cli.serving": {
        "de": "Kontaktplan unter http://{host}:{port}/ (Strg+C beendet)",
        "en": "Kontaktplan at http://{host}:{port}/ (Ctrl+C ends)",
    },
    "cli.sim_task": {
        "de": "{office} #{n}: {result} ({seconds} s)",
        "en": "{office} #{n}: {result} ({seconds} s)",
    },
    "cli.sim_ok": {"de": "ok", "en": "ok"},
    "cli.sim_failed": {"de": "FEHLGESCHLAGEN", "en": "FAILED"},
    "cli.sim_overall": {
        "de": "{office} {group}: Kontaktdichte {density} (90-%-Intervall {p5} bis {p95}), je "
        "Woche {standby} Nachrücker-Anrufe, {handovers} Übergaben, {escalations} "
        "Eskalationen",
        "en": "{office} {group}: density {density} (90 % interval {p5} .. {p95}), per week "
        "{standby} standby calls, {handovers} handovers, {escalations} escalations",
    },
    "cli.sim_wrote": {
        "de": "geschrieben: {files}: {tasks} Aufgaben in {seconds} s",
        "en": "wrote {files}: {tasks} tasks in {seconds} s",
    },
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
    "plan.covers": {
        "de": "  {n} Kunden bei der Vertretung oder im Team gebucht (eigene Fachkraft "
        "abwesend oder vor der Frist ausgebucht; siehe plan.json 'covers')",
        "en": "  {n} customers booked with a substitute or team colleague (own specialist "
        "absent or full before the deadline; see plan.json 'covers')",
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
    "result.missed": {"de": "versäumt", "en": "missed"},
    "result.open": {"de": "offen", "en": "open"},
    # --- why a deadline is late or missed (kontaktplan.planning.explain) ---
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
        "de": "Fristen: {met} eingehalten, {late} verspätet (davon {reachable} bei der "
        "Buchung erreichbar), {missed} versäumt (nichts geplant, nicht mehr einzuhalten), "
        "{open} offen ({in_horizon} fällig bis {end})",
        "en": "deadlines: {met} met, {late} late ({reachable} of them reachable when "
        "booked), {missed} missed (nothing planned, can no longer be met), {open} open "
        "({in_horizon} due by {end})",
    },
    "validate.overdue": {
        "de": "überfällig (nichts geplant, fällig am oder vor {today}): {overdue}; "
        "Kategorieprüfung: {review}",
        "en": "overdue (nothing planned, due on or before {today}): {overdue}; "
        "category review: {review}",
    },
    "validate.tasks": {
        "de": "offene Aufgaben der Teamleitung (Abwesenheits-Eskalationen, kontaktplan "
        "resolve): {n}",
        "en": "open tasks for the team lead (absence escalations, kontaktplan resolve): {n}",
    },
    "deadline.row": {
        "de": "  {status}: {customer} ({specialist}) fällig {due}, {when}{why}",
        "en": "  {status}: {customer} ({specialist}) due {due}, {when}{why}",
    },
    "deadline.planned": {"de": "geplant {day}", "en": "planned {day}"},
    "deadline.nothing": {"de": "nichts geplant", "en": "nothing planned"},
    "deadline.more": {"de": "  … und {n} weitere", "en": "  … and {n} more"},
    # --- the Excel workbook (export xlsx): report sheets ---
    "xlsx.sheet_overdue": {"de": "Überfällige", "en": "overdue"},
    "xlsx.sheet_review": {"de": "Kategorieprüfung", "en": "category_review"},
    "xlsx.specialist": {"de": "Fachkraft", "en": "specialist_id"},
    "xlsx.fte": {"de": "VZÄ", "en": "fte"},
    "xlsx.customer": {"de": "Kunde", "en": "customer_id"},
    "xlsx.category": {"de": "Kategorie", "en": "category"},
    "xlsx.last_contact": {"de": "letzter Kontakt", "en": "last_contact"},
    "xlsx.due": {"de": "fällig", "en": "due"},
    "xlsx.days_overdue": {"de": "Tage überfällig", "en": "days_overdue"},
    "xlsx.stored": {"de": "gespeichert", "en": "stored"},
    "xlsx.expected": {"de": "erwartet", "en": "expected"},
    "xlsx.reason": {"de": "Grund", "en": "reason"},
    "xlsx.weekdays": {"de": "Mo Di Mi Do Fr Sa So", "en": "Mon Tue Wed Thu Fri Sat Sun"},
    "xlsx.week": {
        "de": "KW {week}: {monday:%d.%m.}–{friday:%d.%m.%Y}",
        "en": "week {week}: {monday:%Y-%m-%d} to {friday:%Y-%m-%d}",
    },
    "xlsx.target": {"de": "Soll", "en": "target"},
    "xlsx.booked": {"de": "Ist", "en": "booked"},
    "xlsx.team_total": {"de": "Team gesamt", "en": "team total"},
    "xlsx.free_slots": {"de": "freie Slots", "en": "free slots"},
    "xlsx.legend": {"de": "Legende", "en": "legend"},
    "xlsx.legend_cap": {
        "de": "mehr als {cap} Termine am Tag (Tageshöchstzahl)",
        "en": "more than {cap} appointments on the day (daily cap)",
    },
    "xlsx.legend_target": {
        "de": "Termine der Woche unter dem Wochensoll",
        "en": "bookings of the week below the weekly target",
    },
    "xlsx.legend_unavailable": {
        "de": "nicht buchbar: Abwesenheit, Feiertag oder kein regulärer Arbeitstag",
        "en": "not bookable: absence, public holiday or not a regular day",
    },
    "xlsx.note_cells": {
        "de": "Tageszellen: geplante und stattgefundene Termine; Ist: je Kalenderwoche,",
        "en": "day cells: planned + held appointments; booked: per ISO week,",
    },
    "xlsx.note_booked": {
        "de": "ohne Telefonberatungen; Soll: Wochensoll x VZÄ x verfügbare Tage / reguläre Tage",
        "en": "without phone consultations; target: weekly volume x fte x available days / "
        "regular days",
    },
    "xlsx.note_docs": {
        "de": "Die Regeln: docs/rules.md; die Spalten der Tabellen: docs/format.md.",
        "en": "The rules: docs/rules.md; the columns of the tables: docs/format.md.",
    },
    "review.profile": {
        "de": "Profil {profile} gehört immer zu {category}",
        "en": "profile {profile} always belongs in {category}",
    },
    "review.unemployed": {"de": "arbeitslos", "en": "unemployed"},
    "review.not_unemployed": {"de": "nicht arbeitslos", "en": "not unemployed"},
    "review.under_25": {"de": "unter 25", "en": "under 25"},
    "review.over_25": {"de": "25 oder älter", "en": "25 or older"},
    # --- the HTML report (kontaktplan report) ---
    "report.title": {"de": "Kontaktplan-Bericht — {name}", "en": "Kontaktplan report — {name}"},
    "report.meta": {
        "de": "Planungsdatum {today} · Regelwerk {policy} · Region {region} · Wochen vom "
        "{first} bis {end} · {specialists} Fachkräfte, {customers} Kunden",
        "en": "planning date {today} · rule set {policy} · region {region} · weeks from "
        "{first} to {end} · {specialists} specialists, {customers} customers",
    },
    "report.ok": {"de": "harte Regeln: eingehalten", "en": "hard rules: ok"},
    "report.broken": {
        "de": "harte Regeln: {n} Verstoß/Verstöße ({rules})",
        "en": "hard rules: {n} violation(s) ({rules})",
    },
    "report.card_met": {
        "de": "Fristen eingehalten (Kontakt rechtzeitig geplant)",
        "en": "deadlines met (contact planned in time)",
    },
    "report.card_late": {"de": "nach der Frist geplant", "en": "planned after the deadline"},
    "report.card_missed": {
        "de": "versäumt: nichts geplant, nicht mehr einzuhalten",
        "en": "missed: nothing planned, can no longer be met",
    },
    "report.card_open": {
        "de": "fällig bis {end}, noch nichts geplant",
        "en": "due by {end}, nothing planned yet",
    },
    "report.card_overdue": {
        "de": "überfällig: nichts geplant, fällig bis zum Planungsdatum",
        "en": "overdue: nothing planned, due by the planning date",
    },
    "report.card_tasks": {
        "de": "offene Aufgaben der Teamleitung (Abwesenheits-Eskalationen)",
        "en": "open tasks for the team lead (absence escalations)",
    },
    "report.card_review": {"de": "Kategorieprüfung", "en": "category review"},
    "report.card_disruptions": {"de": "erfasste Störungen", "en": "disruptions logged"},
    "report.no_weeks": {
        "de": "Keine freien Slots oder Termine ab {monday}: nichts zu zeigen.",
        "en": "No free slots or bookings from {monday} on: nothing to show.",
    },
    "report.h_bookings": {
        "de": "Termine je Fachkraft und Tag",
        "en": "Bookings per specialist and day",
    },
    "report.note_bookings": {
        "de": "Termine je Arbeitstag (Telefonberatungen aus der Rufbereitschaft nicht "
        "gezählt). Die Farbskala endet bei der Tageshöchstzahl von {cap}; ein roter Tag liegt "
        "darüber. Grau schraffierte Tage sind frei (Abwesenheit, Feiertag, Teilzeittag).",
        "en": "Appointments per working day (standby phone calls not counted). The colour "
        "scale ends at the daily cap of {cap}; a red day is over it. Grey hatched days are "
        "days off (absence, public holiday, part-time day).",
    },
    "report.alt_bookings": {
        "de": "Termine je Tag, Team {team}",
        "en": "bookings per day, team {team}",
    },
    "report.h_volume": {"de": "Wochensoll und Ist", "en": "Weekly volume against target"},
    "report.note_volume": {
        "de": "Termine je Fachkraft und Woche (Ist) gegen das Wochensoll ({volume} je "
        "Vollzeitstelle, nach VZÄ und verfügbaren Tagen). Rot schraffiert: unter Soll.",
        "en": "Bookings per specialist and week against the weekly target ({volume} per "
        "full-time post, scaled by FTE and available days). Hatched red: below target.",
    },
    "report.alt_volume": {
        "de": "Wochensoll und Ist, Team {team}",
        "en": "weekly volume against target, team {team}",
    },
    "report.h_per_specialist": {"de": "Je Fachkraft und Woche", "en": "Per specialist and week"},
    "report.h_per_team": {"de": "Je Team und Woche", "en": "Per team and week"},
    "report.h_due": {
        "de": "Fällige Kontakte je Woche und Kapazität",
        "en": "Due contacts per week against capacity",
    },
    "report.note_due": {
        "de": "Kunden, deren Frist in die jeweilige Woche fällt, gegen die Summe der "
        "Wochensolls (Kapazität) und das Höchste, was die Tageshöchstzahl von {cap} an den "
        "verfügbaren Tagen erlaubt (Obergrenze). Die erste Woche trägt auch den Rückstand der "
        "Fristen davor. Wo die bisher fälligen Fristen die bisherige Kapazität übersteigen, "
        "muss über Soll gebucht werden; wo sie die Obergrenze übersteigen, reißen Fristen.",
        "en": "Customers whose deadline falls in each week of the horizon, against the sum "
        "of the weekly targets (capacity) and the most the daily cap of {cap} allows on the "
        "available days (ceiling). The first week also carries the backlog of deadlines "
        "before it. Where the deadlines due so far outnumber the capacity so far, the volume "
        "must exceed the target; where they outnumber the ceiling, deadlines break.",
    },
    "report.alt_due": {
        "de": "fällige Kontakte je Woche und Kapazität",
        "en": "due contacts per week against capacity",
    },
    "report.h_overdue": {"de": "Überfällige Kunden", "en": "Overdue customers"},
    "report.note_overdue": {
        "de": "Frist am oder vor dem Planungsdatum {today} (ein Erstgespräch ist an ihm "
        "fällig) und kein qualifizierter Kontakt geplant.",
        "en": "Deadline on or before the planning date {today} (a first interview is due on "
        "it) and no qualified contact planned.",
    },
    "report.h_tasks": {
        "de": "Offene Aufgaben der Teamleitung",
        "en": "Open tasks for the team lead",
    },
    "report.note_tasks": {
        "de": "Termine einer abwesenden Fachkraft, die niemand zur selben Zeit übernehmen "
        "konnte (Abwesenheits-Eskalationen). Einen ihrer Vorschläge übernimmt "
        "kontaktplan resolve; ist ihr Tag gekommen und sie noch offen, ist das ein Regelverstoß.",
        "en": "Appointments of an absent specialist that nobody could take at the same time "
        "(absence escalations). Apply one of their proposals with kontaktplan resolve; on "
        "its day one still open breaks the rules.",
    },
    "report.h_missed": {
        "de": "Versäumt: nichts geplant, nicht mehr einzuhalten",
        "en": "Missed: nothing planned, can no longer be met",
    },
    "report.note_missed": {
        "de": "Kein qualifizierter Kontakt geplant, und die Frist liegt vor dem ersten Tag, an "
        "dem eine neue Buchung stattfinden darf (Planungsdatum + Vorlauf).",
        "en": "No qualified contact planned and the deadline lies before the first day a new "
        "booking may take place (planning date + lead time).",
    },
    "col.appointment": {"de": "Termin", "en": "appointment"},
    "col.absent_specialist": {"de": "abwesende Fachkraft", "en": "absent specialist"},
    "col.start": {"de": "Beginn", "en": "start"},
    "col.day_has_come": {"de": "Tag ist gekommen", "en": "its day has come"},
    "report.h_late": {
        "de": "Kontakt nach der Frist geplant",
        "en": "Contact planned after the deadline",
    },
    "report.note_late": {
        "de": "Der erste geplante qualifizierte Kontakt liegt nach der Frist.",
        "en": "The first planned qualified contact lies after the deadline.",
    },
    "report.h_review": {"de": "Kategorieprüfung", "en": "Category review"},
    "report.note_review": {
        "de": "Kunden, deren gespeicherte Kategorie den Regeln widerspricht; bis eine Person "
        "entscheidet, gilt das kürzere Intervall.",
        "en": "Customers whose stored category contradicts the rules; they are scheduled by "
        "the stricter interval until a person decides.",
    },
    "report.h_violations": {
        "de": "Regelverstöße und Hinweise",
        "en": "Rule violations and warnings",
    },
    "report.warnings": {"de": "{n} Hinweis(e)", "en": "{n} warning(s)"},
    "report.h_disruptions": {"de": "Störungsprotokoll", "en": "Disruption log"},
    "report.note_disruptions": {
        "de": "Absagen, Abwesenheiten, Nichterscheinen, Statusänderungen und Neuplanungen "
        "aus plan.json, älteste zuerst.",
        "en": "Cancellations, absences, no-shows, status changes and re-plans recorded in "
        "plan.json, oldest first.",
    },
    "report.who": {
        "de": "({customer} bei {specialist}{when})",
        "en": "({customer} with {specialist}{when})",
    },
    "report.none": {"de": "keine", "en": "none"},
    "report.yes": {"de": "ja", "en": "yes"},
    "report.no": {"de": "nein", "en": "no"},
    "report.show_all": {"de": "alle {n} Zeilen zeigen", "en": "show all {n} rows"},
    "report.footer": {
        "de": "jede Zahl stammt vom unabhängigen Prüfer (<code>kontaktplan validate</code>); "
        "das Störungsprotokoll aus plan.json. Regeln: docs/rules.md.",
        "en": "every figure is the independent validator's (<code>kontaktplan validate</code>);"
        " the disruption log is read from plan.json. Rules: docs/rules.md.",
    },
    "col.specialist": {"de": "Fachkraft", "en": "specialist"},
    "col.specialists": {"de": "Fachkräfte", "en": "specialists"},
    "col.team": {"de": "Team", "en": "team"},
    "col.week": {"de": "Woche", "en": "week"},
    "col.monday": {"de": "Montag", "en": "Monday"},
    "col.target": {"de": "Soll", "en": "target"},
    "col.booked": {"de": "Ist", "en": "booked"},
    "col.per_day": {"de": "je Tag Mo–Fr", "en": "per day Mon–Fri"},
    "col.available_days": {"de": "verfügbare Tage", "en": "available days"},
    "col.spread": {"de": "Spreizung", "en": "spread"},
    "col.backlog": {"de": "früher fällig (Rückstand)", "en": "due earlier (backlog)"},
    "col.due_week": {"de": "fällig in der Woche", "en": "due in the week"},
    "col.planned_of": {"de": "davon geplant", "en": "of them planned"},
    "col.capacity": {"de": "Kapazität (Soll)", "en": "capacity (targets)"},
    "col.ceiling": {"de": "Obergrenze (Tageshöchstzahl)", "en": "ceiling (daily cap)"},
    "col.due_so_far": {"de": "bisher fällig", "en": "due so far"},
    "col.over_target": {"de": "bisher über Soll", "en": "over target so far"},
    "col.over_cap": {"de": "bisher über der Obergrenze", "en": "over the cap so far"},
    "col.customer": {"de": "Kunde", "en": "customer"},
    "col.category": {"de": "Kategorie", "en": "category"},
    "col.due": {"de": "fällig", "en": "due"},
    "col.days_overdue": {"de": "Tage überfällig", "en": "days overdue"},
    "col.planned": {"de": "geplant am", "en": "planned"},
    "col.first_interview": {"de": "Erstgespräch", "en": "first interview"},
    "col.stored": {"de": "gespeichert", "en": "stored"},
    "col.expected": {"de": "erwartet", "en": "expected"},
    "col.why": {"de": "warum", "en": "why"},
    "col.rule": {"de": "Regel", "en": "rule"},
    "col.what": {"de": "was", "en": "what"},
    "col.date": {"de": "Datum", "en": "date"},
    "col.command": {"de": "Befehl", "en": "command"},
    "col.changes": {"de": "Änderungen", "en": "changes"},
    "col.why_changed": {"de": "was sich änderte, und warum", "en": "what changed, and why"},
    "col.escalated": {"de": "eskaliert", "en": "escalated"},
    "col.team_lead": {"de": "für die Teamleitung", "en": "for the team lead"},
    "action.absence": {"de": "Abwesenheit", "en": "absence"},
    "action.backfilled": {"de": "nachbesetzt", "en": "backfilled"},
    "action.cancelled": {"de": "abgesagt", "en": "cancelled"},
    "action.escalated": {"de": "an die Teamleitung", "en": "escalated"},
    "action.moved": {"de": "verlegt", "en": "moved"},
    "action.no_show": {"de": "nicht erschienen", "en": "no-show"},
    "action.not_moved": {"de": "nicht verlegt", "en": "not moved"},
    "action.not_reinvited": {"de": "nicht neu eingeladen", "en": "not re-invited"},
    "action.phone_consultation": {"de": "Telefonberatung", "en": "phone consultation"},
    "action.reassigned": {"de": "übergeben", "en": "reassigned"},
    "action.reinvited": {"de": "neu eingeladen", "en": "re-invited"},
    "action.status": {"de": "Status", "en": "status"},
    "action.voided": {"de": "storniert", "en": "voided"},
    "action.booked": {"de": "gebucht", "en": "booked"},
    "action.next_appointment": {"de": "nächster Termin", "en": "next appointment"},
    "action.group_session": {"de": "Gruppenberatung", "en": "group session"},
    # --- plots (report and notebooks) ---
    "plot.team": {"de": " — Team {team}", "en": " — team {team}"},
    "plot.bookings": {"de": "Termine je Tag", "en": "Bookings per day"},
    "plot.per_day_cap": {
        "de": "Termine je Tag (Höchstzahl {cap})",
        "en": "appointments per day (cap {cap})",
    },
    "plot.volume": {"de": "Wochensoll und Ist", "en": "Weekly volume against target"},
    "plot.weekly_target": {"de": "Wochensoll", "en": "weekly target"},
    "plot.below_target": {"de": "unter Soll", "en": "below target"},
    "plot.bookings_week": {"de": "Termine in der Woche", "en": "bookings in the week"},
    "plot.due": {
        "de": "Fällige Kontakte je Woche und Kapazität",
        "en": "Due contacts per week against capacity",
    },
    "plot.backlog": {"de": "früher fällig (Rückstand)", "en": "due earlier (overdue backlog)"},
    "plot.due_planned": {
        "de": "diese Woche fällig, Kontakt geplant",
        "en": "due this week, contact planned",
    },
    "plot.due_open": {
        "de": "diese Woche fällig, nichts geplant",
        "en": "due this week, nothing planned",
    },
    "plot.capacity": {"de": "Kapazität: Wochensolls", "en": "capacity: weekly targets"},
    "plot.ceiling": {"de": "Obergrenze: {cap} am Tag", "en": "ceiling: {cap} a day"},
    "plot.over_cap": {
        "de": "bisher {n} über der Obergrenze:\nFristen reißen",
        "en": "{n} over the daily cap\nso far: deadlines break",
    },
    "plot.over_target": {"de": "bisher {n} über Soll", "en": "{n} over target so far"},
    "plot.customers_due": {"de": "fällige Kunden", "en": "customers due"},
}


def _merge(*parts: dict[str, dict[str, str]]) -> None:
    """The commands' own catalogues join :data:`CATALOGUE`; a key is defined once."""
    for part in parts:
        if twice := sorted(CATALOGUE.keys() & part.keys()):
            raise KeyError(f"catalogue keys defined twice: {', '.join(twice)}")
        CATALOGUE.update(part)  # type: ignore[arg-type]


_merge(DISRUPTION, SIMULATION)
_merge(VALIDATION)
_merge(ERRORS)
