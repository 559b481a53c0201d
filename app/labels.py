"""The plan card's own words in each language: its buttons and its fixed texts.

One table per language (:data:`LABELS`), so a German conversation gets a German card
("Freigeben", "Anpassen", "Ablehnen") and a new text is added to both tables or to none. The
language is the conversation's (``RunResult.language``, ``PlanningSession.language``); what the
homeowner's requests say comes from :func:`tools.reading.reading_line` in the same language.
Placeholders in braces are filled with :meth:`str.format`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.reading import WEEKDAYS, Language


@dataclass(frozen=True)
class CardLabels:
    """Every fixed word of the card, its buttons and the replies to them, in one language."""

    weekdays: tuple[str, ...]
    # buttons and their tooltips
    approve: str
    approve_tip: str
    adjust: str
    adjust_tip: str
    reject: str
    reject_tip: str
    choice_tip: str
    switch: str
    switch_tip: str
    cancel_run: str
    cancel_run_tip: str
    standing_approve: str
    standing_approve_tip: str
    standing_discard: str
    standing_discard_tip: str
    standing_resume: str
    standing_resume_tip: str
    standing_pause: str
    standing_pause_tip: str
    standing_cancel: str
    standing_cancel_tip: str
    # headings and fixed texts of the card
    heading_proposed: str
    heading_cancel: str
    planned: str
    device_one: str
    device_many: str
    the_cancellation: str
    optimal: str
    not_optimal: str
    how_read: str
    nothing_new: str
    kept: str
    cancels: str
    plan_number: str
    total: str
    for_span: str
    to_change: str
    more_note: str
    more_notes: str
    cannot: str
    pick: str
    chose: str
    replaced: str
    # the battery's line
    now: str
    lowest: str
    at_end: str
    stores: str
    from_solar: str
    gives_back: str
    idle: str
    # the saving
    without: str
    you_save: str
    share: str
    costs_more: str
    not_fit: str
    part_adds: str
    part_from: str
    timing: str
    battery_pv: str


LABELS: dict[Language, CardLabels] = {
    "en": CardLabels(
        weekdays=WEEKDAYS["en"],
        approve="Approve", approve_tip="Approve plan {number}",
        adjust="Adjust", adjust_tip="Change something and plan again",
        reject="Reject", reject_tip="Say what should change",
        choice_tip="Plan with this instead",
        switch="Switch to this plan", switch_tip="Make this what-if the proposal",
        cancel_run="Cancel {name}", cancel_run_tip="Plan without this run; you approve the change",
        standing_approve="Approve standing order",
        standing_approve_tip="Plan this every time from now on",
        standing_discard="Discard", standing_discard_tip="Do not keep this standing order",
        standing_resume="Resume", standing_resume_tip="Plan it again",
        standing_pause="Pause this week", standing_pause_tip="Skip it up to and including Sunday",
        standing_cancel="Cancel", standing_cancel_tip="Stop this standing order for good",
        heading_proposed="Plan {number} — proposed ({summary})",
        heading_cancel="Plan {number} — cancel {names}?",
        planned="Planned {what}, {how}", device_one="{count} device",
        device_many="{count} devices", the_cancellation="the cancellation",
        optimal="optimal", not_optimal="not proven optimal",
        how_read="How I read it:", nothing_new="Nothing new to run.",
        kept="Already approved, kept as they are:", cancels="Approving this cancels:",
        plan_number="plan {number}", total="Total {cost}", for_span="for {span}",
        to_change="To change it: {fix}.",
        more_note="and {count} more note of less weight.",
        more_notes="and {count} more notes of less weight.",
        cannot="This cannot be done as asked.",
        pick="Pick what works for you below, or tell me something else.",
        chose="You chose: {label}. Planning again.", replaced="Replaced by plan {number}.",
        now="{pct} now", lowest="lowest {pct} at {at}", at_end="{pct} at the end",
        stores="stores {kwh}", from_solar=" ({kwh} from solar)", gives_back="gives back {kwh}",
        idle="stays idle",
        without="without planning {cost}", you_save="you save {saving}",
        share=" ({pct} of the cost without planning)", costs_more="this costs {cost} more",
        not_fit=" (running everything at once does not fit this home's limits)",
        part_adds="{what} adds {cost}", part_from="{cost} from {what}",
        timing="the requests' timing", battery_pv="the battery and PV plan for the whole home",
    ),
    "de": CardLabels(
        weekdays=WEEKDAYS["de"],
        approve="Freigeben", approve_tip="Plan {number} freigeben",
        adjust="Anpassen", adjust_tip="Etwas ändern und neu planen",
        reject="Ablehnen", reject_tip="Sagen, was sich ändern soll",
        choice_tip="Stattdessen so planen",
        switch="Diesen Plan nehmen", switch_tip="Diese Variante zum Vorschlag machen",
        cancel_run="{name} streichen",
        cancel_run_tip="Ohne diesen Lauf planen; Sie geben die Änderung frei",
        standing_approve="Dauerauftrag freigeben",
        standing_approve_tip="Ab jetzt jedes Mal so planen",
        standing_discard="Verwerfen", standing_discard_tip="Diesen Dauerauftrag nicht behalten",
        standing_resume="Fortsetzen", standing_resume_tip="Wieder einplanen",
        standing_pause="Diese Woche aussetzen",
        standing_pause_tip="Bis einschließlich Sonntag auslassen",
        standing_cancel="Beenden", standing_cancel_tip="Diesen Dauerauftrag endgültig beenden",
        heading_proposed="Plan {number} — Vorschlag ({summary})",
        heading_cancel="Plan {number} — {names} streichen?",
        planned="{what} geplant, {how}", device_one="{count} Gerät",
        device_many="{count} Geräte", the_cancellation="die Streichung",
        optimal="optimal", not_optimal="nicht als optimal bewiesen",
        how_read="So habe ich es verstanden:", nothing_new="Nichts Neues zu tun.",
        kept="Schon freigegeben, bleibt wie es ist:", cancels="Die Freigabe streicht:",
        plan_number="Plan {number}", total="Gesamt {cost}", for_span="für {span}",
        to_change="Zum Ändern: {fix}.",
        more_note="und {count} weiterer, weniger wichtiger Hinweis.",
        more_notes="und {count} weitere, weniger wichtige Hinweise.",
        cannot="So geht es leider nicht.",
        pick="Wählen Sie unten, was für Sie passt, oder sagen Sie mir etwas anderes.",
        chose="Ihre Wahl: {label}. Ich plane neu.", replaced="Ersetzt durch Plan {number}.",
        now="jetzt {pct}", lowest="am niedrigsten {pct} um {at}", at_end="am Ende {pct}",
        stores="speichert {kwh}", from_solar=" ({kwh} aus Solarstrom)",
        gives_back="gibt {kwh} ab", idle="bleibt ungenutzt",
        without="ohne Planung {cost}", you_save="Sie sparen {saving}",
        share=" ({pct} der Kosten ohne Planung)", costs_more="das kostet {cost} mehr",
        not_fit=" (alles sofort laufen zu lassen passt nicht in die Grenzen dieses Hauses)",
        part_adds="{what} kostet {cost} mehr", part_from="{cost} durch {what}",
        timing="die Zeitwahl der Wünsche",
        battery_pv="den Batterie- und PV-Plan für das ganze Haus",
    ),
}


def labels(lang: str) -> CardLabels:
    """The table of ``lang`` (``"de"``), English for any other language."""
    return LABELS["de"] if lang == "de" else LABELS["en"]
