"""The sentences of the disruption and front-desk commands (cancel, absence, noshow,
status, replan, standby, resolve, slot, group, import outcomes): what changed and why.

Built as :class:`kontaktplan.i18n.phrase.Phrase` by :mod:`kontaktplan.disruption`; the
English text is what ``plan.json`` and the workspace's event log store, the German one
what ``--lang de`` prints. Merged into :data:`kontaktplan.i18n.CATALOGUE`.
"""

from __future__ import annotations

__all__ = ["DISRUPTION"]

DISRUPTION: dict[str, dict[str, str]] = {
    "said.weekdays_long": {
        "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
        "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    },
    # --- what a command printed (kontaktplan.disruption.outcome) ---
    "change.who": {
        "de": "{appointment} ({customer} bei {specialist} {start})",
        "en": "{appointment} ({customer} with {specialist} {start})",
    },
    "outcome.candidates": {"de": "Kandidaten:", "en": "candidates:"},
    "outcome.team_lead": {"de": "für die Teamleitung ({n}):", "en": "for the team lead ({n}):"},
    "outcome.no_proposal": {
        "de": "    keine freie Zeit in der Nähe hält die Frist: die Teamleitung entscheidet",
        "en": "    no free time close to it keeps the deadline: the team lead decides",
    },
    "outcome.apply": {
        "de": "    einen übernehmen: kontaktplan resolve DIR {appointment} --choice N --out OUT",
        "en": "    apply one: kontaktplan resolve DIR {appointment} --choice N --out OUT",
    },
    "cli.escalation_due": {
        "de": "{n} Termin(e) heute oder früher bei abwesender Fachkraft, niemand frei: {ids}; "
        "die Teamleitung muss handeln (kontaktplan resolve), bis dahin bricht der Ordner die "
        "Regel absence",
        "en": "{n} appointment(s) today or earlier with an absent specialist and nobody free: "
        "{ids}; the team lead must act (kontaktplan resolve); until then the folder breaks "
        "the absence rule",
    },
    "cli.run_again": {
        "de": "{what} wurde inzwischen von {actor} vergeben (Ereignis {event}); erneut "
        "ausgeführt auf dem neuen Stand",
        "en": "{what} was taken meanwhile by {actor} (event {event}); running it again on "
        "the new state",
    },
    "cli.committed": {
        "de": "Ereignis {event} im Arbeitsbereich gespeichert",
        "en": "committed event {event} to the workspace",
    },
    # --- cancel and backfill ---
    "cancel.cancelled": {
        "de": "vom Kunden am {on} abgesagt, {ahead} Tage vorher; der Kunde behält seine "
        "Frist und wird vom nächsten Plan gebucht",
        "en": "cancelled by the customer on {on}, {ahead} days ahead; the customer keeps the "
        "deadline and is booked by the next plan",
    },
    "cancel.standby_call": {
        "de": "eine Telefonberatung eines Nachrückers gibt keinen Einladungstermin frei: "
        "keine Nachbesetzung",
        "en": "a standby phone consultation frees no invitation slot: no backfill",
    },
    "cancel.too_late": {
        "de": "keine Nachbesetzung: {ahead} Tage vorher, selbst eine kurzfristige "
        "telefonische Einladung braucht {days}",
        "en": "no backfill: {ahead} days ahead, even a short-notice invitation by phone "
        "needs {days}",
    },
    "cancel.nobody": {
        "de": "kein Kunde von {specialist} kann den Termin übernehmen",
        "en": "no customer of {specialist} can take the slot",
    },
    "cancel.by_phone": {
        "de": "kurzfristig per Telefon: ein Brief braucht {days} Tage (§ 37 Abs. 2 SGB X)",
        "en": "by phone at short notice: a letter needs {days} days (§ 37 (2) SGB X)",
    },
    "cancel.by_letter": {"de": "per Brief", "en": "by letter"},
    "cancel.optional": {
        "de": "{ahead} Tage vorher (< {notice}): keine Nachbesetzungspflicht; die Kandidaten "
        "sind freiwillig, Einladung {how} (einen buchen mit --fill N)",
        "en": "{ahead} days ahead (< {notice}): no duty to backfill; the candidates are "
        "optional, invited {how} (book one with --fill N)",
    },
    "cancel.duty": {"de": "Nachbesetzungspflicht", "en": "backfill duty"},
    "cancel.fill": {"de": "Nachbesetzung (--fill {n})", "en": "backfill (--fill {n})"},
    "cancel.short": {"de": ", kurzfristig per Telefon", "en": ", short notice by phone"},
    "cancel.backfill": {
        "de": "{why}{short} für {appointment}: {reasons}",
        "en": "{why}{short} for {appointment}: {reasons}",
    },
    # --- no-show: standby call and re-invitation ---
    "noshow.missed": {"de": "der Kunde ist nicht erschienen", "en": "the customer did not come"},
    "noshow.passed": {
        "de": "{day} ist vorbei: keine Telefonberatung mit einem Nachrücker",
        "en": "{day} has passed: no standby phone consultation",
    },
    "noshow.not_working": {
        "de": "kein Nachrücker-Anruf: {specialist} arbeitet am {day} nicht",
        "en": "no standby call: {specialist} does not work on {day}",
    },
    "noshow.taken": {
        "de": "kein Nachrücker-Anruf: {appointment} belegt die Zeit",
        "en": "no standby call: {appointment} takes the time",
    },
    "noshow.nobody": {
        "de": "kein arbeitsloser Kunde von {specialist} oder aus dem Team kann angerufen werden",
        "en": "no unemployed customer of {specialist} or the team can be called",
    },
    "noshow.standby": {
        "de": "Nachrücker für {appointment}: {reasons}",
        "en": "standby for {appointment}: {reasons}",
    },
    "reinvite.exempt": {
        "de": "{customer} ist ausgenommen ({exempt}): hier keine neue Einladung",
        "en": "{customer} is exempt ({exempt}): no re-invitation here",
    },
    "reinvite.has_one": {
        "de": "{customer} hat schon {appointment} vor Ort am {day}: das zählt als neue Einladung",
        "en": "{customer} already has {appointment} in person on {day}: it counts as the "
        "re-invitation",
    },
    "reinvite.in_absence": {
        "de": "{customer} hat {appointment} ({mode}) am {day}, in einer Abwesenheit von "
        "{specialist}: eine Abwesenheit storniert nie einen Termin, von Hand vor Ort neu "
        "einladen",
        "en": "{customer} has {appointment} ({mode}) on {day}, in an absence of {specialist}: "
        "an absence never voids an appointment, re-invite in person by hand",
    },
    "reinvite.stays": {
        "de": "{why}; {appointment} ({mode}) bleibt",
        "en": "{why}; {appointment} ({mode}) stays",
    },
    "reinvite.reinvited": {
        "de": "vor Ort mit Rechtsfolgenbelehrung neu eingeladen nach dem Nichterscheinen zu "
        "{appointment} ({mode}){replacing}",
        "en": "re-invited in person with the legal notice after the no-show of {appointment} "
        "({mode}){replacing}",
    },
    "reinvite.replacing": {
        "de": ", ersetzt {appointment} ({mode}) {when}",
        "en": ", replacing {appointment} ({mode}) {when}",
    },
    "reinvite.same_time": {"de": "zur selben Zeit", "en": "at the same time"},
    "reinvite.earliest": {"de": "zum frühesten Slot", "en": "at the earliest slot"},
    "reinvite.voided": {
        "de": "Einladung ({mode}) ersetzt durch die neue Einladung vor Ort {new} nach dem "
        "Nichterscheinen zu {appointment}",
        "en": "{mode} invitation replaced by the in-person re-invitation {new} after the "
        "no-show of {appointment}",
    },
    "absence.recorded": {
        "de": "{specialist} abwesend {first} bis {last}",
        "en": "{specialist} absent {first} .. {last}",
    },
    # --- why a customer cannot be booked into a time (Office.booking) ---
    "booking.exempt": {"de": "ausgenommen", "en": "exempt"},
    "booking.planned": {"de": "bereits geplant am {day}", "en": "already planned on {day}"},
    "booking.lead": {
        "de": "weniger als {days} Tage nach {day}",
        "en": "less than {days} days after {day}",
    },
    "booking.gap": {
        "de": "letzter Kontakt {last}: nicht vor {earliest} (Mindestabstand)",
        "en": "last contact {last}: not before {earliest} (minimum gap)",
    },
    "booking.too_short": {
        "de": "{kind} braucht {minutes} min",
        "en": "a {kind} needs {minutes} min",
    },
    "booking.video_only": {
        "de": "der Slot lässt nur Video zu",
        "en": "the slot admits video only",
    },
    "booking.unavailable": {
        "de": "zu dieser Zeit nicht verfügbar",
        "en": "not available at this time",
    },
    "booking.same_day": {
        "de": "hat am {day} schon einen Termin",
        "en": "already has an appointment on {day}",
    },
    "booking.not_working": {
        "de": "{specialist} arbeitet am {day} nicht (Abwesenheit, Feiertag)",
        "en": "{specialist} does not work on {day} (absence, holiday)",
    },
    "booking.taken": {
        "de": "{specialist} hat zu dieser Zeit {appointment}",
        "en": "{specialist} has {appointment} at this time",
    },
    "booking.daily_cap": {
        "de": "{specialist} hat am {day} die Tageshöchstzahl erreicht",
        "en": "{specialist} is at the daily cap on {day}",
    },
    "booking.no_slot": {
        "de": "kein freier Slot von {specialist} ab {day} passt (slots.csv, "
        "Tageshöchstzahl, Verfügbarkeit)",
        "en": "no free slot of {specialist} from {day} fits (slots.csv, cap, availability)",
    },
    # --- why a customer ranks where they do (Office.reasons) ---
    "rank.overdue": {"de": "überfällig seit {due}", "en": "overdue since {due}"},
    "rank.met": {
        "de": "fällig {due}, mit dieser Buchung eingehalten",
        "en": "due {due}, met by this booking",
    },
    "rank.due": {"de": "fällig {due}", "en": "due {due}"},
    "rank.before_booking": {
        "de": "fällig {due}, {days} Tag(e) vor diesem Termin",
        "en": "due {due}, {days} day(s) before this booking",
    },
    "rank.first_interview": {"de": "Erstgespräch", "en": "first interview"},
    "rank.unemployed": {"de": "arbeitslos", "en": "unemployed"},
    "rank.last_contact": {
        "de": "letzter Kontakt {last} ({share} des Intervalls)",
        "en": "last contact {last} ({share} of the interval)",
    },
    # --- outcomes at the front desk (kontaktplan status, import outcomes) ---
    "desk.status": {"de": "geplant -> {status}{next}", "en": "planned -> {status}{next}"},
    "desk.next_deadline": {
        "de": "; nächste Frist {before} -> {after}",
        "en": "; next deadline {before} -> {after}",
    },
    "desk.use_noshow": {
        "de": "`kontaktplan noshow` bucht einen Nachrücker-Anruf und lädt neu ein",
        "en": "use `kontaktplan noshow` to book a standby call and re-invite",
    },
    "desk.review": {
        "de": "Kategorieprüfung: {customer} ist als {stored} gespeichert, die Regeln sagen "
        "{expected} ({reason}); geplant nach dem kürzeren Intervall, bis jemand entscheidet",
        "en": "category review: {customer} is stored {stored}, the rules say {expected} "
        "({reason}); scheduled by the stricter interval until someone decides",
    },
    "desk.no_next": {
        "de": "{customer}: nächster Termin nicht gebucht (--no-next); fällig {due}",
        "en": "{customer}: next appointment not booked (--no-next); due {due}",
    },
    "desk.has_next": {
        "de": "{customer} hat schon {appointment} am {day}: das ist der nächste Termin",
        "en": "{customer} already has {appointment} on {day}: that is the next appointment",
    },
    "desk.no_slot": {
        "de": "{customer}: kein freier Slot von {specialist} vor der Frist {due} (slots.csv, "
        "Vorlauf, Tageshöchstzahl): der nächste Plan bucht den nächsten Kontakt",
        "en": "{customer}: no free slot of {specialist} before the deadline {due} (slots.csv, "
        "lead time, cap): the next plan books the next contact",
    },
    "desk.weeks_full": {
        "de": "{customer}: jede Woche von {specialist} mit einem freien Slot vor der Frist "
        "{due} hat ihr Wochensoll erreicht: der nächste Plan bucht den nächsten Kontakt",
        "en": "{customer}: every week of {specialist} with a free slot before the deadline "
        "{due} is at its weekly target: the next plan books the next contact",
    },
    "desk.next": {
        "de": "gebucht am Ende von {appointment}: {reasons}",
        "en": "booked at the end of {appointment}: {reasons}",
    },
    "desk.left_planned": {
        "de": "bleiben geplant (Ergebnis noch offen): {ids}",
        "en": "left planned (outcome to be set): {ids}",
    },
    "desk.day": {
        "de": "{day}: {held} stattgefunden, {no_show} nicht erschienen, {not_held} nicht "
        "stattgefunden",
        "en": "{day}: {held} held, {no_show} no-show, {not_held} not held",
    },
    # --- absence hand-over (kontaktplan absence, replan) ---
    "reassign.closed": {"de": "{day} ist geschlossen", "en": "{day} is closed"},
    "reassign.absent": {"de": "abwesend", "en": "absent"},
    "reassign.weekday": {
        "de": "arbeitet an diesem Wochentag nicht",
        "en": "does not work on this weekday",
    },
    "reassign.no_video": {"de": "kann kein Video", "en": "cannot hold video"},
    "reassign.busy": {"de": "belegt ({appointment})", "en": "busy ({appointment})"},
    "reassign.cap": {"de": "an der Tageshöchstzahl", "en": "at the daily cap"},
    "reassign.needed": {
        "de": "zu dieser Zeit oder an diesem Tag für einen anderen Termin gebraucht",
        "en": "needed for another appointment at this time or day",
    },
    "reassign.to_substitute": {
        "de": "{absent} abwesend; {to} ist die benannte Vertretung",
        "en": "{absent} absent; {to} is the named substitute",
    },
    "reassign.to_team": {
        "de": "{absent} abwesend; {to} ist frei im Team",
        "en": "{absent} absent; {to} is free in the team",
    },
    "reassign.nobody": {
        "de": "keine Vertretung und niemand sonst im Team",
        "en": "no substitute and nobody else in the team",
    },
    "reassign.nobody_free": {
        "de": "niemand zu dieser Zeit frei: {reasons}",
        "en": "no one free at this time: {reasons}",
    },
    # --- kontaktplan replan ---
    "replan.closed": {"de": "{day} ist geschlossen ({why})", "en": "{day} is closed ({why})"},
    "replan.absent": {
        "de": "{specialist} ist am {day} abwesend",
        "en": "{specialist} is absent on {day}",
    },
    "replan.slot_gone": {
        "de": "kein freier Slot von {specialist} enthält ihn mehr",
        "en": "no free slot of {specialist} holds it any more",
    },
    "replan.exempt": {
        "de": "ausgenommener Kunde: nach den Regeln nicht neu gebucht",
        "en": "exempt customer: not re-booked by the rules",
    },
    "replan.summary": {
        "de": "{invalid} ungültige Buchung(en): {reassigned} zur selben Zeit übergeben, "
        "{moved} verlegt, {escalated} für die Teamleitung; der Plan hat {new} Buchung(en) "
        "ergänzt",
        "en": "{invalid} invalid booking(s): {reassigned} reassigned at the same time, "
        "{moved} moved, {escalated} for the team lead; the plan added {new} booking(s)",
    },
    # --- kontaktplan resolve: the ways out of an escalation ---
    "resolve.own": {"de": "eigene Fachkraft {specialist}", "en": "own specialist {specialist}"},
    "resolve.substitute": {"de": "Vertretung {specialist}", "en": "substitute {specialist}"},
    "resolve.colleague": {
        "de": "{specialist} aus dem Team",
        "en": "team colleague {specialist}",
    },
    "resolve.video": {
        "de": "per Video (ein qualifizierter Kontakt)",
        "en": "by video (a qualified contact)",
    },
    "resolve.phone": {
        "de": "telefonisch mit dokumentierter Ausnahme",
        "en": "by phone with the documented exception",
    },
    "resolve.kept": {"de": "Frist {due} gehalten", "en": "deadline {due} kept"},
    "resolve.late": {
        "de": "schon verspätet (fällig {due})",
        "en": "already late (due {due})",
    },
    "resolve.later": {
        "de": "am selben Tag, {minutes} min später",
        "en": "same day, {minutes} min later",
    },
    "resolve.earlier": {
        "de": "am selben Tag, {minutes} min früher",
        "en": "same day, {minutes} min earlier",
    },
    "resolve.days_later": {"de": "{days} Tag(e) später", "en": "{days} day(s) later"},
    "resolve.days_earlier": {"de": "{days} Tag(e) früher", "en": "{days} day(s) earlier"},
    "resolve.voided": {
        "de": "{specialist} am {day} abwesend, niemand zu dieser Zeit frei: ersetzt durch "
        "{new} (Vorschlag {choice})",
        "en": "{specialist} absent on {day}, nobody free at this time: replaced by {new} "
        "(proposal {choice})",
    },
    "resolve.booked": {
        "de": "ersetzt {appointment}: {reasons}",
        "en": "replaces {appointment}: {reasons}",
    },
    # --- kontaktplan slot ---
    "slot.offer": {
        "de": "{weekday} {start} bei {specialist} ({kind}, {mode}): {reasons}",
        "en": "{weekday} {start} with {specialist} ({kind}, {mode}): {reasons}",
    },
    "slot.colleague": {
        "de": "{specialist} aus dem Team ({own} hat keinen Slot vor der Frist)",
        "en": "{specialist} of the team ({own} has no slot before the deadline)",
    },
    "slot.before": {
        "de": "vor der Frist {due}{overdue}",
        "en": "before the deadline {due}{overdue}",
    },
    "slot.after": {
        "de": "nach der Frist {due}{overdue}",
        "en": "after the deadline {due}{overdue}",
    },
    "slot.overdue": {"de": " (überfällig)", "en": " (overdue)"},
    "slot.week": {
        "de": "{week}: {booked} von {target} gebucht{over}",
        "en": "week {week}: {booked} of {target} booked{over}",
    },
    "slot.over": {"de": " (Soll erreicht oder überschritten)", "en": " (at or over the target)"},
    "slot.day": {
        "de": "{weekday} hat {n}, die Tage der Woche {least}-{most}{even}",
        "en": "{weekday} has {n}, the week's days {least}-{most}{even}",
    },
    "slot.even": {"de": " (hält die Woche gleichmäßig)", "en": " (keeps the week even)"},
    "slot.customer": {
        "de": "{customer} ({category}, {specialist}): {due}",
        "en": "{customer} ({category}, {specialist}): {due}",
    },
    "slot.first_interview": {
        "de": "Erstgespräch, fällig {due}",
        "en": "first interview, due {due}",
    },
    "slot.unavailable": {"de": "nicht verfügbar: {days}", "en": "unavailable: {days}"},
    "slot.left_out": {"de": "ausgelassen: {reasons}", "en": "left out: {reasons}"},
    "slot.booked": {"de": "Slot {n}: {reasons}", "en": "slot {n}: {reasons}"},
    "slot.none": {"de": "kein freier Slot passt", "en": "no free slot fits"},
    "slot.more": {
        "de": "  ... und {n} weitere (--show N)",
        "en": "  ... and {n} more (--show N)",
    },
    "left.lead": {"de": "innerhalb des Vorlaufs", "en": "within the lead time"},
    "left.from": {"de": "vor --from", "en": "before --from"},
    "left.gap": {
        "de": "zu nah am letzten Kontakt (Mindestabstand)",
        "en": "too close to the last contact (minimum gap)",
    },
    "left.unavailable": {
        "de": "der Kunde ist nicht verfügbar (Tage, Halbtage)",
        "en": "the customer is unavailable (days, half-days)",
    },
    "left.too_short": {"de": "Slot zu kurz", "en": "slot too short"},
    "left.mode": {"de": "Kontaktform des Slots passt nicht", "en": "slot mode does not fit"},
    "left.daily_cap": {"de": "Tag an der Tageshöchstzahl", "en": "day at the daily cap"},
    "left.not_working": {
        "de": "Fachkraft abwesend oder Schließtag",
        "en": "specialist absent or closed day",
    },
    "left.taken": {"de": "Slot belegt", "en": "slot taken"},
    "left.same_day": {
        "de": "der Kunde hat an dem Tag einen anderen Termin",
        "en": "the customer has another appointment that day",
    },
    # --- kontaktplan group ---
    "group.invited": {"de": "eingeladen: {reasons}", "en": "invited: {reasons}"},
    "group.summary": {
        "de": "Gruppenberatung {specialist} {at}: {n} von {capacity} Plätzen, {eligible} "
        "infrage (zählt für {categories})",
        "en": "group session {specialist} {at}: {n} of {capacity} seats, {eligible} eligible "
        "(counts for {categories})",
    },
    "group.more": {
        "de": "die nächsten infrage kommenden Kunden stehen unter den Kandidaten",
        "en": "the next eligible customers are listed as candidates",
    },
    # --- kontaktplan standby ---
    "standby.none": {"de": "keine Termine am {day}", "en": "no appointments on {day}"},
}
