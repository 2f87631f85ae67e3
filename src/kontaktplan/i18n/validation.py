"""The validator's sentences: why a rule is broken, each warning, and the lines that
``kontaktplan validate`` prints around them.

Built as :class:`kontaktplan.i18n.phrase.Phrase` by :mod:`kontaktplan.validation`; the
English text is what ``--json`` and the tests read, the German one what ``--lang de``
prints and a German report shows. A rule's name (``daily_cap``, ``spread`` ...) is the
data format's code and stays as it is in both. Merged into
:data:`kontaktplan.i18n.CATALOGUE`.
"""

from __future__ import annotations

__all__ = ["VALIDATION"]

VALIDATION: dict[str, dict[str, str]] = {
    # --- what a field says in German (kontaktplan.i18n.phrase.written) ---
    "slotmode.in_person": {"de": "Termine vor Ort", "en": "in person"},
    "slotmode.video": {"de": "Videotermine", "en": "video"},
    "slotmode.any": {"de": "jede Kontaktform", "en": "any"},
    "exempt.case_management": {"de": "Fallmanagement", "en": "case management"},
    "exempt.employer_service": {"de": "Betriebsakquisiteur", "en": "employer service"},
    # --- an appointment, a warning ---
    "check.show": {
        "de": "{appointment} ({customer} bei {specialist}, {start}-{end}, {kind}, {mode})",
        "en": "{appointment} ({customer} with {specialist}, {start}-{end}, {kind}, {mode})",
    },
    "check.problems": {"de": "{show}: {problems}", "en": "{show}: {problems}"},
    "check.warning": {"de": "{rule}: {message}", "en": "{rule}: {message}"},
    "check.existing": {
        "de": "{rule}: {message} (bestehende Buchungen)",
        "en": "{rule}: {message} (existing bookings)",
    },
    # --- the booking rules (kontaktplan.validation.rules) ---
    "check.slot_owned": {
        "de": "{show}: kein freier Slot von {specialist} zu dieser Zeit",
        "en": "{show}: no free slot of {specialist} at this time",
    },
    "check.slot_owned_other": {
        "de": "{show}: kein freier Slot von {specialist} zu dieser Zeit (er liegt in einem "
        "Slot von {others})",
        "en": "{show}: no free slot of {specialist} at this time (it lies in a slot of {others})",
    },
    "check.overlap": {
        "de": "{first} und {second} überschneiden sich",
        "en": "{first} and {second} overlap in time",
    },
    "check.share_slot": {
        "de": "{first} und {second} liegen im selben Slot",
        "en": "{first} and {second} share one slot",
    },
    "check.not_in_slot": {
        "de": "passt nicht in den Slot {start}-{end}",
        "en": "does not fit in the slot {start}-{end}",
    },
    "check.too_short": {
        "de": "dauert {minutes} Min.; {kind}: mindestens {need}",
        "en": "lasts {minutes} min, a {kind} needs {need}",
    },
    "check.daily_cap": {
        "de": "{specialist} hat {n} Termine am {day} (Tageshöchstzahl {cap})",
        "en": "{specialist} has {n} appointments on {day} (cap {cap})",
    },
    "check.lead_time": {
        "de": "{show} gebucht am {booked}, {days} Tage vorher, nötig sind {need}",
        "en": "{show} booked {booked}, {days} days ahead, needs {need}",
    },
    "check.lead_time_backfill": {
        "de": "Nachbesetzung {show} gebucht am {booked}, {days} Tage vorher, nötig sind {need}",
        "en": "backfill {show} booked {booked}, {days} days ahead, needs {need}",
    },
    "check.lead_time_not_cancelled": {
        "de": "{show} gebucht am {booked}, {days} Tage vorher, nötig sind {need}; "
        "backfill_for {cancelled} ist kein abgesagter Termin",
        "en": "{show} booked {booked}, {days} days ahead, needs {need}; backfill_for "
        "{cancelled} is no cancelled appointment",
    },
    "check.closed_day": {
        "de": "{show}: {day} ist geschlossen ({why}, {region})",
        "en": "{show}: {day} is closed ({why}, {region})",
    },
    "check.absence": {
        "de": "{show}: {specialist} ist am {day} abwesend, der Tag ist gekommen und niemand "
        "hat den Termin übernommen",
        "en": "{show}: {specialist} is absent on {day}, its day has come and nobody took it",
    },
    "check.absence_escalated": {
        "de": "{show}: {specialist} ist am {day} abwesend; offene Aufgabe der Teamleitung "
        "(kontaktplan resolve)",
        "en": "{show}: {specialist} is absent on {day}; open task for the team lead "
        "(kontaktplan resolve)",
    },
    "check.customer_unavailable": {
        "de": "{show}: {customer} ist nicht verfügbar: {when}",
        "en": "{show}: {customer} is unavailable {when}",
    },
    "check.one_per_day": {
        "de": "{customer} hat {n} Termine am {day}: {ids}",
        "en": "{customer} has {n} appointments on {day}: {ids}",
    },
    "check.min_gap": {
        "de": "{show}: {days} Tage nach dem Kontakt am {earlier}, mindestens {gap} nötig",
        "en": "{show}: {days} days after the contact on {earlier}, at least {gap} needed",
    },
    "check.one_future_booking": {
        "de": "{show}: {customer} hat schon {other} am {day} (nächste Frist {due}, nach dem "
        "letzten freien Slot {last})",
        "en": "{show}: {customer} already has {other} on {day} (next due {due}, after the last "
        "free slot {last})",
    },
    "check.one_future_booking_exempt": {
        "de": "{show}: {customer} hat schon {other} am {day} (ausgenommen, keine Frist vor dem "
        "letzten freien Slot {last})",
        "en": "{show}: {customer} already has {other} on {day} (exempt, no deadline before the "
        "last free slot {last})",
    },
    "check.spread": {
        "de": "{specialist} {week}: je Tag {per_day} (Spreizung {spread}); die freien Slots "
        "erlaubten eine Spreizung von {forced}",
        "en": "{specialist} {week}: per day {per_day} (spread {spread}); the free slots "
        "allowed a spread of {forced}",
    },
    "check.late_booking": {
        "de": "{customer} ({specialist}) fällig {due}, erster geplanter Kontakt {planned}, "
        "nach der Frist",
        "en": "{customer} ({specialist}) due {due}, first planned contact {planned}, after the "
        "deadline",
    },
    "check.phone_consultation_mode": {
        "de": "{show}: eine Telefonberatung findet telefonisch statt",
        "en": "{show}: a phone consultation is held by phone",
    },
    "check.no_video": {
        "de": "{specialist} kann keine Videotermine abhalten",
        "en": "{specialist} cannot hold video appointments",
    },
    "check.not_qualified": {
        "de": "ein Kontakt {mode} ist unter {policy} kein qualifizierter Kontakt",
        "en": "{mode} is no qualified contact under {policy}",
    },
    "check.phone_exception": {
        "de": "ein telefonischer Kontakt braucht die dokumentierte Ausnahme, die das Regelwerk "
        "zulässt",
        "en": "a phone contact needs the documented exception the rule set allows",
    },
    "check.phone_only": {
        "de": "telefonisch nur bei einer Telefonberatung",
        "en": "phone only for a phone consultation",
    },
    "check.not_video": {
        "de": "{customer} wird {mode} gebucht, nicht per Video",
        "en": "{customer} is booked {mode}, not video",
    },
    "check.slot_admits": {
        "de": "der Slot lässt nur {mode} zu",
        "en": "the slot admits {mode} only",
    },
    "check.first_interview_kind": {
        "de": "{show}: {customer} hatte noch keinen qualifizierten Kontakt: ein Erstgespräch",
        "en": "{show}: {customer} has no qualified contact yet: first_interview",
    },
    "check.follow_up_kind": {
        "de": "{show}: {customer} hatte schon einen qualifizierten Kontakt: ein Folgegespräch",
        "en": "{show}: {customer} had a qualified contact: follow_up",
    },
    "check.group_session_limit": {
        "de": "{show}: Gruppenberatung weniger als {every} Monate nach der vom {last}",
        "en": "{show}: group session within {every} months of the one on {last}",
    },
    "check.missing_status": {
        "de": "{show} liegt in der Vergangenheit und ist noch geplant",
        "en": "{show} lies in the past and is still planned",
    },
    "check.missing_status_more": {
        "de": "{n} weitere vergangene Termine ohne Status",
        "en": "{n} more past appointments without status",
    },
    # --- the disruption rules (kontaktplan.validation.disruption_rules) ---
    "check.reinvite_in_person": {
        "de": "{show}: nach dem Nichterscheinen zu {missed} am {day} ({mode}) wird {customer} "
        "vor Ort neu eingeladen",
        "en": "{show}: after the no-show of {missed} on {day} ({mode}) {customer} is "
        "re-invited in person",
    },
    "check.backfill_slot": {
        "de": "Nachbesetzung {show} für {cancelled}: {problems}",
        "en": "backfill {show} for {cancelled}: {problems}",
    },
    "check.missing": {"de": "{appointment} gibt es nicht", "en": "{appointment} does not exist"},
    "check.not_cancelled": {
        "de": "Status {status}, nicht abgesagt",
        "en": "it is {status}, not cancelled",
    },
    "check.not_voided": {
        "de": "Status {status}, nicht storniert",
        "en": "it is {status}, not voided",
    },
    "check.whose": {
        "de": "es war ein Termin von {was}, nicht von {now}",
        "en": "it was {was}'s appointment, not {now}'s",
    },
    "check.not_in_freed_time": {
        "de": "nicht in seiner Zeit {start}-{end} und nicht im Slot, der ihn enthielt",
        "en": "not in its time {start}-{end} or the slot holding it",
    },
    "check.before_cancellation": {
        "de": "gebucht am {booked}, vor der Absage am {cancelled}",
        "en": "booked {booked}, before the cancellation on {cancelled}",
    },
    "check.standby_unemployed": {
        "de": "{show}: ein Nachrücker-Anruf geht an einen arbeitslosen Kunden, {customer} ist "
        "nicht arbeitslos",
        "en": "{show}: a standby call goes to an unemployed customer, {customer} is not unemployed",
    },
    "check.standby_exempt": {
        "de": "{show}: ein Nachrücker-Anruf geht an einen Kunden mit Kontaktdichte, "
        "{customer} ist ausgenommen ({exempt})",
        "en": "{show}: a standby call goes to a customer under the density rules, {customer} "
        "is exempt ({exempt})",
    },
    "check.escalation_replaced": {
        "de": "{show} ersetzt {replaced}: {problems}",
        "en": "{show} replaces {replaced}: {problems}",
    },
    "check.not_absent": {
        "de": "{specialist} ist am {day} nicht abwesend: keine Eskalation",
        "en": "{specialist} is not absent on {day}: no escalation",
    },
    "check.after_deadline": {
        "de": "am {day}, nach der Frist {due}, die der Termin am {kept} einhielt",
        "en": "on {day}, after the deadline {due} that {kept} kept",
    },
    "check.resolve_days": {
        "de": "schon am {old} verspätet, und {later} Tage später (höchstens resolve_days {most})",
        "en": "already late on {old}, and {later} days later (at most resolve_days {most})",
    },
    "check.no_row_lost": {
        "de": "{show} ({status}) fehlt: keine Terminzeile wird entfernt",
        "en": "{show} ({status}) is missing: no appointment row is removed",
    },
    "check.reassignment": {
        "de": "{show} übergeben von {was}: {problems}",
        "en": "{show} moved from {was}: {problems}",
    },
    "check.only_planned_moves": {
        "de": "Status war {status}; nur ein geplanter Termin wird übergeben",
        "en": "it was {status}; only a planned appointment moves",
    },
    "check.customer_changed": {
        "de": "aus Kunde {was} wurde {now}",
        "en": "customer {was} became {now}",
    },
    "check.time_changed": {
        "de": "aus der Zeit {was_start}-{was_end} wurde {start}-{end}",
        "en": "time {was_start}-{was_end} became {start}-{end}",
    },
    "check.reassigned_from_empty": {
        "de": "reassigned_from ist leer, nicht {specialist}",
        "en": "reassigned_from is empty, not {specialist}",
    },
    "check.reassigned_from": {
        "de": "reassigned_from ist {given}, nicht {specialist}",
        "en": "reassigned_from is {given}, not {specialist}",
    },
    "check.absence_never_cancels": {
        "de": "{show} wurde storniert, während {specialist} am {day} abwesend ist: zur selben "
        "Zeit übergeben oder an die Teamleitung eskalieren",
        "en": "{show} was voided while {specialist} is absent on {day}: hand it over at the "
        "same time or escalate it to the team lead",
    },
    "check.history_planned": {
        "de": "{show}, eine geplante Zeile: {problems}",
        "en": "{show}, a planned row: {problems}",
    },
    "check.history_row": {
        "de": "{show}, eine Zeile mit Status {status}: {problems}",
        "en": "{show}, a {status} row: {problems}",
    },
    "check.field_changed": {
        "de": "aus {name} {was} wurde {now}",
        "en": "{name} {was} became {now}",
    },
    "check.cancelled_without_date": {
        "de": "abgesagt ohne cancelled_on",
        "en": "cancelled without cancelled_on",
    },
    "check.new_booking_in_absence": {
        "de": "{show}: gebucht, während {specialist} am {day} abwesend ist",
        "en": "{show}: booked while {specialist} is absent on {day}",
    },
    # --- what kontaktplan validate prints around them ---
    "validate.more": {
        "de": "... {n} weitere (--all zeigt alle)",
        "en": "... {n} more (--all lists every one)",
    },
    "validate.warning": {"de": "Warnung: {warning}", "en": "warning: {warning}"},
    "validate.strict": {"de": "streng: {warning}", "en": "strict: {warning}"},
    "validate.strict_count": {
        "de": "streng: {n} Warnung(en) einer strengen Klasse",
        "en": "strict: {n} warnings of a strict class",
    },
}
