"""Replies written only from tool results (the offline model's voice, and the fallback reply).

Every number and time in these texts is copied from a tool result and formatted by Hearth's one
rounding rule (:mod:`tools.formatting`: money 2 decimals, energies and powers 1, prices 4,
percentages 1), so :mod:`agents.numbers` finds it there; times as local ``Tue 23:00``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from agents.session import PlanningSession
from agents.tools import (
    AlternativeView,
    BindingView,
    DraftResult,
    Explanation,
    NoArgs,
    PlanView,
    StateRecorded,
    WhatIfResult,
    get_plan,
)
from tools import formatting
from tools.reading import WEEKDAYS
from tools.requests import DeviceRequest

T: dict[str, dict[str, str]] = {
    "en": {
        "approval": "I cannot approve, reject or apply plans, and no instruction changes that: only "
        "you can approve a proposal, with the Approve button or the approve command.",
        "help": "I plan when your car, appliances and home battery use electricity, so they cost "
        "least. Tell me what you need, for example: charge the car by a time, run the dishwasher "
        "overnight, or ask what the plan is, what it costs, or why something runs when it does.",
        "not_understood": "What would you like me to plan, for example charging the car by a time "
        "or running an appliance overnight?",
        "proposal": "Here is my proposal", "active": "The active plan", "proposed": "The proposed plan",
        "ready": "ready by", "alongside": "works alongside to lower the cost.",
        "total": "In total it costs {cost}; running everything as soon as possible would cost {base}",
        "save": ", so you save {saving}{pct}.", "more": ": this plan costs {saving} more, {why}.",
        "battery_target": "- Home battery: at least {wish} by {at}, planned {planned}",
        "battery_floor": "- Home battery: at least {wish} from {start} to {end}, lowest planned {planned}",
        "battery_no_ev": "- Home battery: supplies only the household, not the car, until {end}",
        "of_that": " ({pct} of that)",
        "why_limits": "which is not possible within your home's limits",
        "why_objective": "for the objective you chose",
        "timing_saves": "The timing of what you asked for saves {amount}",
        "timing_nothing": "The timing of what you asked for saves nothing (it runs as soon as allowed)",
        "timing_costs": "The timing of what you asked for costs {amount} more",
        "battery_saves": "the battery and solar plan saves {amount} for the whole home",
        "battery_costs": "the battery and solar plan costs {amount} more",
        "basis_baseline": " I found nothing cheaper than running everything as soon as possible, so that is the plan.",
        "basis_asap": " In the time I had I found no better timing than as soon as allowed; the battery is planned around it.",
        "gap_pct": " It is within {pct} of the best possible cost.",
        "gap_money": " It costs at most {amount} more than the best possible.",
        "same": " too.", "note": "Note", "approve": "Approve it to make it the active plan.",
        "none": "There is no plan yet. Tell me what to plan, for example charging the car by a time.",
        "cannot": "I cannot meet every request", "prefer": "Choose one of these, or change a request.",
        "or": "or", "no_co2": "This home has no CO2 data, so I planned for the lowest cost instead of the greenest.",
        "solar": "Solar power is free here, so the cheapest plan uses as much of it as it can.",
        "quiet": "The {name} keeps its quiet hours ({window}) from the home file.",
        "cancelled": "Done: I cancelled {names}. Nothing else is planned.",
        "cancelled_some": "Done: I cancelled {names}.",
        "nothing_to_cancel": "There is no request for the {name} to cancel.",
        "no_heat": "This home's file has no heat pump and no hot-water tank, so I cannot plan room "
        "temperatures, hot water for a bath or heating modes. I can plan: {devices}.",
        "state": "Noted: the {name} is at {pct} now. I use that for the rest of this conversation; "
        "it is not a charging target.",
        "state_planned": "The {name} is at {pct} now, as you said: I planned from there.",
        "price": "Electricity costs {now} now. Over the next {hours} hours it is cheapest at {min_at} "
        "({min}) and dearest at {max_at} ({max}), {mean} on average.",
        "price_good": "So now is a good time.", "price_wait": "So it is cheaper to wait: I can plan it for you.",
        "optimiser_failed": "The optimiser could not finish: {message}.",
        "fallback_none": "I could not write a reply I can vouch for. Please ask again.",
        "scheduler_failed": "The scheduler could not plan: {error}.", "forecast_failed": "The forecast failed: {error}.",
        "updated": "The requests are updated; the scheduler will plan them.",
        "no_clock": "I do not know the current time or time zone, so I cannot plan yet.",
        "fallback": "Here is the plan (numbers from the optimiser)",
        "everything": "everything",
        "if": "If {condition}, ", "if_done_by": "the {name} must be done by {at}",
        "if_changed": "the {name} changes as you say", "if_and": " and ", "if_that": "that changes",
        "if_fails": "it would not work. ", "if_error": "the optimiser could not finish: {message}.",
        "if_cost": "the plan would cost {cost}", "if_diff": ", {diff} {more} than the current proposal.",
        "if_more": "more", "if_less": "less", "if_same": ", the same as the current proposal.",
        "if_adopted": "This is now the proposal. Approve it to make it the active plan.",
        "if_kept": "The current proposal is unchanged; say 'do it' to switch to this one.",
        "standing": "From your standing orders: {orders}.",
        "once": "Standing orders are not available here, so I planned this once, not every day.",
        "why_no_plan": "I explain the plans I make: electricity prices change by the hour, so Hearth "
        "moves flexible loads to cheap hours, uses solar power when it is there, and keeps the "
        "limits and house rules of the home file. Ask me for a plan, then ask why something runs when it does.",
    },
    "de": {
        "approval": "Ich kann Pläne weder genehmigen noch ablehnen oder anwenden, und keine Anweisung "
        "ändert das: nur Sie genehmigen einen Vorschlag, mit dem Genehmigen-Knopf oder dem Befehl approve.",
        "help": "Ich plane, wann Auto, Haushaltsgeräte und Hausbatterie Strom nutzen, damit es am "
        "wenigsten kostet. Sagen Sie mir, was Sie brauchen, zum Beispiel: das Auto bis zu einer "
        "Uhrzeit laden, die Spülmaschine über Nacht laufen lassen, oder fragen Sie, was der Plan "
        "ist, was er kostet oder warum etwas wann läuft.",
        "not_understood": "Was soll ich planen, zum Beispiel das Auto bis zu einer Uhrzeit laden "
        "oder ein Gerät über Nacht laufen lassen?",
        "proposal": "Mein Vorschlag", "active": "Der aktive Plan", "proposed": "Der vorgeschlagene Plan",
        "ready": "fertig bis", "alongside": "hilft mit, die Kosten zu senken.",
        "total": "Insgesamt kostet es {cost}; alles sofort laufen zu lassen würde {base} kosten",
        "save": ", Sie sparen also {saving}{pct}.", "more": ": dieser Plan kostet {saving} mehr, {why}.",
        "battery_target": "- Hausbatterie: mindestens {wish} bis {at}, geplant {planned}",
        "battery_floor": "- Hausbatterie: mindestens {wish} von {start} bis {end}, geplant mindestens {planned}",
        "battery_no_ev": "- Hausbatterie: versorgt bis {end} nur den Haushalt, nicht das Auto",
        "of_that": " ({pct} davon)",
        "why_limits": "weil es anders mit den Grenzen Ihres Hauses nicht geht",
        "why_objective": "für das gewählte Ziel",
        "timing_saves": "Der Zeitpunkt Ihrer Wünsche spart {amount}",
        "timing_nothing": "Der Zeitpunkt Ihrer Wünsche spart nichts (sie laufen so früh wie erlaubt)",
        "timing_costs": "Der Zeitpunkt Ihrer Wünsche kostet {amount} mehr",
        "battery_saves": "der Batterie- und Solarplan spart {amount} für das ganze Haus",
        "battery_costs": "der Batterie- und Solarplan kostet {amount} mehr",
        "basis_baseline": " Ich habe nichts Günstigeres gefunden, als alles sofort laufen zu lassen, deshalb ist das der Plan.",
        "basis_asap": " In der verfügbaren Zeit habe ich keinen besseren Zeitpunkt als so früh wie erlaubt gefunden; die Batterie ist darum herum geplant.",
        "gap_pct": " Er liegt höchstens {pct} über den bestmöglichen Kosten.",
        "gap_money": " Er kostet höchstens {amount} mehr als bestmöglich.",
        "same": " ebenfalls.", "note": "Hinweis", "approve": "Genehmigen Sie ihn, um ihn zum aktiven Plan zu machen.",
        "none": "Es gibt noch keinen Plan. Sagen Sie mir, was ich planen soll, zum Beispiel das Auto bis zu einer Uhrzeit laden.",
        "cannot": "Ich kann nicht alle Wünsche erfüllen", "prefer": "Wählen Sie eine Möglichkeit, oder ändern Sie einen Wunsch.",
        "or": "oder", "no_co2": "Für dieses Haus gibt es keine CO2-Daten, deshalb plane ich möglichst günstig statt möglichst klimafreundlich.",
        "solar": "Solarstrom ist hier kostenlos, deshalb nutzt der günstigste Plan so viel davon wie möglich.",
        "quiet": "Für {name} gelten die Ruhezeiten ({window}) aus der Hausdatei.",
        "cancelled": "Erledigt: {names} gestrichen. Sonst ist nichts geplant.",
        "cancelled_some": "Erledigt: {names} gestrichen.",
        "nothing_to_cancel": "Für {name} gibt es keinen Auftrag zum Streichen.",
        "no_heat": "Die Hausdatei hat keine Wärmepumpe und keinen Warmwasserspeicher; Raumtemperaturen, "
        "Warmwasser für ein Bad oder Heizmodi kann ich daher nicht planen. Planen kann ich: {devices}.",
        "state": "Notiert: {name} steht jetzt bei {pct}. Das gilt für den Rest dieses Gesprächs; "
        "es ist kein Ladeziel.",
        "state_planned": "{name} steht jetzt bei {pct}, wie Sie sagten: ich habe von dort aus geplant.",
        "price": "Strom kostet jetzt {now}. In den nächsten {hours} Stunden ist er am günstigsten um "
        "{min_at} ({min}) und am teuersten um {max_at} ({max}), im Mittel {mean}.",
        "price_good": "Jetzt ist also ein guter Zeitpunkt.", "price_wait": "Warten ist also günstiger: ich kann es für Sie planen.",
        "optimiser_failed": "Der Optimierer ist nicht fertig geworden: {message}.",
        "fallback_none": "Ich konnte keine Antwort schreiben, für die ich einstehen kann. Bitte fragen Sie noch einmal.",
        "scheduler_failed": "Der Planer konnte nicht planen: {error}.", "forecast_failed": "Die Prognose ist fehlgeschlagen: {error}.",
        "updated": "Die Wünsche sind eingetragen; der Planer plant sie.",
        "no_clock": "Ich kenne die aktuelle Uhrzeit oder Zeitzone nicht und kann deshalb noch nicht planen.",
        "fallback": "Hier ist der Plan (Zahlen vom Optimierer)",
        "everything": "alles",
        "reach": "{pct}% bis {at}", "finish": "fertig bis {at}", "finish_named": "{name} fertig bis {at}",
        "if": "Wenn {condition}, ", "if_done_by": "{name} bis {at} fertig sein muss",
        "if_changed": "{name} sich so ändert", "if_and": " und ", "if_that": "sich das so ändert",
        "if_fails": "würde es nicht gehen. ", "if_error": "wäre der Optimierer nicht fertig geworden: {message}.",
        "if_cost": "würde der Plan {cost} kosten", "if_diff": ", {diff} {more} als der aktuelle Vorschlag.",
        "if_more": "mehr", "if_less": "weniger", "if_same": ", genauso viel wie der aktuelle Vorschlag.",
        "if_adopted": "Das ist jetzt der Vorschlag. Genehmigen Sie ihn, um ihn zum aktiven Plan zu machen.",
        "if_kept": "Der aktuelle Vorschlag bleibt; sagen Sie 'mach das', um zu diesem zu wechseln.",
        "standing": "Aus Ihren Daueraufträgen: {orders}.",
        "once": "Daueraufträge gibt es hier nicht, deshalb habe ich das einmal geplant, nicht jeden Tag.",
        "why_no_plan": "Ich erkläre die Pläne, die ich mache: Strompreise ändern sich stündlich, "
        "deshalb verschiebt Hearth flexible Verbraucher in günstige Stunden, nutzt Solarstrom, wenn "
        "er da ist, und hält die Grenzen und Hausregeln der Hausdatei ein. Fragen Sie nach einem "
        "Plan, dann erkläre ich, warum etwas wann läuft.",
    },
}
#: Why a German reply cannot meet a request, by the diagnosis's binding kind (English replies
#: quote the diagnosis's own message, which carries its numbers).
BINDING_DE: dict[str, str] = {
    "ev_charger_power": "{name} schafft {wish} nicht: das Ladegerät liefert nicht genug bis dahin",
    "grid_import_limit": "{name} schafft {wish} nicht: der Netzanschluss lässt nicht genug Leistung übrig",
    "quiet_hours": "{name}: die Zeit vor der Frist liegt in den Ruhezeiten",
    "appliance_window": "{name}: vor der Frist passt kein ganzer Durchlauf in die erlaubten Zeiten",
    "battery_power": "{name} schafft {wish} nicht: die Ladeleistung reicht nicht",
    "dependency_order": "{name}: mit der Reihenfolge der Hausdatei passt nicht alles vor die Frist",
    "combination": "alle Wünsche zusammen passen nicht in die Zeit",
}
#: German notes for the plan's conflicts, by kind.
CONFLICT_DE: dict[str, str] = {
    "grid_limit": "Der Netzbezug kommt nahe an die Anschlussgrenze des Hauses.",
    "quiet_hours": "Der Plan lässt {names} in den Ruhezeiten laufen.",
    "window": "Der Plan lässt {names} außerhalb der erlaubten Zeiten laufen.",
    "dependency_order": "Die Reihenfolge von {names} widerspricht einer Regel der Hausdatei.",
    "overlap": "{names} laufen gleichzeitig.",
    "battery_reserve": "Die Hausbatterie sinkt bis auf ihre Notstromreserve.",
    "active_plan": "Dieser Plan ändert den aktiven Plan für {names}.",
    "nothing_to_do": "Für {names} ist nichts zu tun.",
}

APPROVAL_NOTE = T["en"]["approval"]
HELP = T["en"]["help"]
NOT_UNDERSTOOD = T["en"]["not_understood"]


def _t(lang: str) -> dict[str, str]:
    return T.get(lang, T["en"])


def _num(value: float, decimals: int = 2) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float, currency: str) -> str:
    return formatting.money(abs(value), currency)


def price(value: float, currency: str) -> str:
    return formatting.price(value, currency)


def when(moment: datetime, lang: str = "en") -> str:
    return f"{WEEKDAYS.get(lang, WEEKDAYS['en'])[moment.weekday()]} {moment:%H:%M}"


def span(start: datetime, end: datetime, lang: str = "en") -> str:
    return f"{when(start, lang)}–{when(end, lang)}"


def _request_for(requests: Sequence[DeviceRequest], device: str) -> DeviceRequest | None:
    return next((r for r in requests if r.device == device), None)


def _runs(view: PlanView, lang: str = "en") -> list[str]:
    """One line per requested device's run, then one per battery request."""
    t = _t(lang)
    lines = []
    for run in view.runs:
        request = _request_for(view.requests, run.device)
        if request is None:
            continue
        ready = f" ({t['ready']} {when(request.deadline, lang)})" if request and request.deadline else ""
        lines.append(
            f"- {run.name}: {span(run.start, run.end, lang)}{ready}, {formatting.energy(run.energy_kwh)}, "
            f"{money(run.cost, view.currency)}"
        )
    for b in view.battery_requests:
        wish, planned = formatting.pct(b.requested_soc_pct or 0), formatting.pct(b.planned_soc_pct or 0)
        if b.kind == "battery_target":
            lines.append(t["battery_target"].format(wish=wish, at=when(b.end, lang), planned=planned))
        elif b.kind == "battery_floor":
            lines.append(t["battery_floor"].format(wish=wish, start=when(b.start, lang),
                                                   end=when(b.end, lang), planned=planned))
        else:
            lines.append(t["battery_no_ev"].format(end=when(b.end, lang)))
    return lines


def _totals(view: PlanView, lang: str = "en") -> str:
    """Cost, baseline and saving, the saving's two parts (the requests' timing; the battery and
    PV plan for the whole home), and how sure the plan is."""
    assert view.cost is not None and view.baseline_cost is not None and view.saving is not None
    t, cur = _t(lang), view.currency
    text = t["total"].format(cost=money(view.cost, cur), base=money(view.baseline_cost, cur))
    if view.saving >= 0.005:
        share = view.saving_pct_of_baseline
        of = t["of_that"].format(pct=formatting.pct(share)) if share is not None and share >= 1 else ""
        text += t["save"].format(saving=money(view.saving, cur), pct=of)
    elif view.saving <= -0.005:
        why = t["why_limits"] if view.baseline_valid is False else t["why_objective"]
        text += t["more"].format(saving=money(view.saving, cur), why=why)
    else:
        text += t["same"]
    timing, battery_pv = view.timing_saving, view.battery_pv_saving
    if timing is not None and battery_pv is not None and abs(view.saving) >= 0.005:
        when_part = (
            t["timing_saves"].format(amount=money(timing, cur)) if timing >= 0.005
            else t["timing_nothing"] if timing > -0.005
            else t["timing_costs"].format(amount=money(timing, cur))
        )
        battery_part = (
            t["battery_saves"].format(amount=money(battery_pv, cur)) if battery_pv >= 0
            else t["battery_costs"].format(amount=money(battery_pv, cur))
        )
        text += f" {when_part}; {battery_part}." if view.runs else f" {battery_part[0].upper()}{battery_part[1:]}."
    if view.basis == "baseline":
        text += t["basis_baseline"]
    elif view.basis == "as_soon_as_allowed":
        text += t["basis_asap"]
    if view.solve_gap_pct is not None:
        text += t["gap_pct"].format(pct=formatting.pct(view.solve_gap_pct))
    elif view.solve_gap is not None:
        text += t["gap_money"].format(amount=money(view.solve_gap, cur))
    return text


def _name_of(view: PlanView, device: str, names: dict[str, str] | None = None) -> str:
    """A device's name as the plan shows it, else as the home names it (else its id in words)."""
    return next((run.name for run in view.runs if run.device == device),
                (names or {}).get(device, device.replace("_", " ")))


def _conflicts(view: PlanView, lang: str = "en") -> list[str]:
    lines = []
    for conflict in view.conflicts:
        if conflict.severity not in ("error", "warning"):
            continue
        message = conflict.message
        if lang == "de":
            names = ", ".join(_name_of(view, d) for d in conflict.devices) or "Geräte"
            message = CONFLICT_DE.get(conflict.kind, message).format(names=names)
        lines.append(f"{_t(lang)['note']}: {message}")
    return lines


def render_proposal(
    view: PlanView, *, heading: str | None = None, approval_note: bool = False, lang: str = "en",
    notes: Sequence[str] = (), names: dict[str, str] | None = None,
) -> str:
    """A proposed (or active) plan; an infeasible or failed outcome is explained instead."""
    t = _t(lang)
    if view.status == "infeasible":
        return render_infeasible(view, lang, names)
    if view.status == "error":
        return t["optimiser_failed"].format(message=view.message)
    if view.status == "none" or view.cost is None:
        return t["none"]
    lines = [f"{heading or t['proposal']}:", *_runs(view, lang), "", _totals(view, lang), *notes,
             *_conflicts(view, lang)]
    if view.standing:
        lines.append(t["standing"].format(orders="; ".join(view.standing)))
    lines.extend(f"{note}." for note in view.inputs)
    if view.status == "proposed":
        lines.append(t["approve"])
    if approval_note:
        lines.append(t["approval"])
    return "\n".join(lines)


def render_infeasible(view: PlanView, lang: str = "en", names: dict[str, str] | None = None) -> str:
    """Why the requests cannot all be met, and the numbered alternatives (the options offered)."""
    t = _t(lang)
    diagnosis = view.diagnosis
    reason = diagnosis.message if diagnosis else view.message
    if lang == "de" and diagnosis is not None:
        reason = "; ".join(_binding_de(view, b, names) for b in diagnosis.binding) or reason
    lines = [f"{t['cannot']}: {reason}"]
    number = 0
    if diagnosis is not None:
        for binding in diagnosis.binding:
            for alternative in binding.alternatives:
                number += 1
                lines.append(f"{number}. {option_label(alternative, lang, view, names)}")
    lines.append(t["prefer"])
    return "\n".join(lines)


def _binding_de(view: PlanView, binding: BindingView, names: dict[str, str] | None) -> str:
    """The German reason of one binding constraint, from its kind and the request it is about."""
    name = _name_of(view, binding.device, names) if binding.device else ""
    request = _request_for(view.requests, binding.device) if binding.device else None
    wish = ""
    if request is not None and request.deadline is not None:
        amount = f"{_num(request.target_soc_pct, 1)}% " if request.target_soc_pct is not None else (
            f"{formatting.energy(request.energy_kwh)} " if request.energy_kwh is not None else "")
        wish = f"{amount}bis {when(request.deadline, 'de')}"
    template = BINDING_DE.get(binding.kind, "{name}: das geht so nicht")
    text = template.format(name=name, wish=wish or "das")
    window = re.search(r"\(([^()]*\d{2}:\d{2}[^()]*)\)", binding.message)  # "(22:00–07:00)"
    return f"{text} ({window.group(1)})" if window else text


def option_label(
    alternative: AlternativeView, lang: str, view: PlanView | None = None, names: dict[str, str] | None = None
) -> str:
    """An alternative in the homeowner's language: the tool's own words in English, else rendered
    from its typed fields ("68% bis Di 20:00", "fertig bis Mi 07:00")."""
    if lang == "en" or alternative.deadline is None:
        return alternative.description
    t = _t(lang)
    at = when(alternative.deadline, lang)
    if alternative.target_soc_pct is not None:
        return t["reach"].format(pct=_num(alternative.target_soc_pct, 1), at=at)
    if view is not None and alternative.device:
        return t["finish_named"].format(name=_name_of(view, alternative.device, names), at=at)
    return t["finish"].format(at=at)


def render_cost(view: PlanView, lang: str = "en") -> str:
    if view.status == "none" or view.cost is None:
        return render_proposal(view, lang=lang)
    t = _t(lang)
    heading = t["active"] if view.status == "active" else t["proposed"]
    return f"{heading}: {money(view.cost, view.currency)}. " + _totals(view, lang)


def render_plan(view: PlanView, lang: str = "en") -> str:
    t = _t(lang)
    heading = t["active"] if view.status == "active" else t["proposed"]
    return render_proposal(view, heading=heading, lang=lang)


def render_explanation(exp: Explanation, lang: str = "en") -> str:
    cur = exp.currency
    name = exp.name if lang == "de" else exp.name.lower()
    runs, cheap = span(exp.start, exp.end, lang), exp.saving_vs_asap >= 0.005
    if lang == "de":
        lines = [
            f"{name} läuft {runs}, weil Strom dann günstiger ist: im Mittel "
            f"{price(exp.mean_price_per_kwh, cur)} statt {price(exp.asap_mean_price_per_kwh, cur)} bei "
            f"Start so früh wie möglich ({when(exp.asap_start, lang)}). Zum Netzpreis kostet seine Energie "
            f"{money(exp.cost_at_grid_price, cur)} statt {money(exp.asap_cost_at_grid_price, cur)}." if cheap else
            f"{name} läuft {runs}, so früh wie erlaubt: später wäre es nicht günstiger. Zum Netzpreis "
            f"kostet seine Energie {money(exp.cost_at_grid_price, cur)} (im Mittel {price(exp.mean_price_per_kwh, cur)})."
        ]
        if exp.pv_energy_kwh_during_run > 0:
            lines.append(f"Die Solaranlage liefert während des Laufs {formatting.energy(exp.pv_energy_kwh_during_run)}.")
        lines.append(
            f"Es darf von {when(exp.window_start, lang)} bis {when(exp.window_end, lang)} laufen; die Preise "
            f"liegen in dieser Zeit zwischen {price(exp.window_price_min_per_kwh, cur)} "
            f"({when(exp.window_price_min_at, lang)}) und {price(exp.window_price_max_per_kwh, cur)} "
            f"({when(exp.window_price_max_at, lang)})."
        )
        if exp.at is not None and exp.price_at_per_kwh is not None:
            running = ", ".join(exp.running_at) if exp.running_at else "nichts Flexibles"
            lines.append(f"Um {when(exp.at, lang)} kostet Strom {price(exp.price_at_per_kwh, cur)}; dann läuft: {running}.")
        return " ".join(lines)
    lines = []
    if cheap:
        lines.append(
            f"The {name} runs {runs} because electricity is cheaper "
            f"then: {price(exp.mean_price_per_kwh, cur)} on average, against "
            f"{price(exp.asap_mean_price_per_kwh, cur)} if it started as soon as allowed "
            f"({when(exp.asap_start)}). At the grid price its energy costs "
            f"{money(exp.cost_at_grid_price, cur)} instead of {money(exp.asap_cost_at_grid_price, cur)}."
        )
    else:
        lines.append(
            f"The {name} runs {runs}, as early as it may: later "
            f"would not be cheaper. At the grid price its energy costs {money(exp.cost_at_grid_price, cur)} "
            f"({price(exp.mean_price_per_kwh, cur)} on average)."
        )
    if exp.pv_energy_kwh_during_run > 0:
        lines.append(f"The solar panels produce {formatting.energy(exp.pv_energy_kwh_during_run)} during the run.")
    lines.append(
        f"It may run from {when(exp.window_start)} to {when(exp.window_end)}; prices in that time "
        f"range from {price(exp.window_price_min_per_kwh, cur)} ({when(exp.window_price_min_at)}) to "
        f"{price(exp.window_price_max_per_kwh, cur)} ({when(exp.window_price_max_at)})."
    )
    if exp.at is not None and exp.price_at_per_kwh is not None:
        running = ", ".join(exp.running_at) if exp.running_at else "nothing flexible"
        lines.append(f"At {when(exp.at)} the price is {price(exp.price_at_per_kwh, cur)}; running then: {running}.")
    return " ".join(lines)


def render_what_if(result: WhatIfResult, changed: Sequence[str], lang: str = "en") -> str:
    """"What if I leave at 6?": the changed plan's cost against the proposal, in either language."""
    t = _t(lang)
    described = []
    for device in changed:
        request = _request_for(result.requests, device)
        name = _name_of(result, device)
        name = name.lower() if lang == "en" else name
        if request is not None and request.deadline is not None:
            described.append(t["if_done_by"].format(name=name, at=when(request.deadline, lang)))
        else:
            described.append(t["if_changed"].format(name=name))
    condition = t["if"].format(condition=t["if_and"].join(described) or t["if_that"])
    if result.status == "infeasible":
        return condition + t["if_fails"] + render_infeasible(result, lang)
    if result.status != "proposed" or result.cost is None:
        return condition + t["if_error"].format(message=result.message)
    cur = result.currency
    lines = [condition + t["if_cost"].format(cost=money(result.cost, cur))]
    if result.cost_difference is not None and abs(result.cost_difference) >= 0.005:
        more = t["if_more"] if result.cost_difference > 0 else t["if_less"]
        lines[0] += t["if_diff"].format(diff=money(result.cost_difference, cur), more=more)
    elif result.cost_difference is not None:
        lines[0] += t["if_same"]
    else:
        lines[0] += "."
    lines.extend(_runs(result, lang))
    lines.append(t["if_adopted"] if result.adopted else t["if_kept"])
    return "\n".join(lines)


def render_cancelled(result: DraftResult, names: dict[str, str], lang: str = "en") -> str:
    article = "the " if lang == "en" else ""
    cancelled = ", ".join(f"{article}{names.get(d, d)}" for d in result.cancelled) or _t(lang)["everything"]
    return _t(lang)["cancelled"].format(names=cancelled)


def render_state(state: StateRecorded, lang: str = "en") -> str:
    return _t(lang)["state"].format(name=state.name.split(" (")[-1].rstrip(")").lower() if lang == "en"
                                    else state.name.split(" (")[-1].rstrip(")"), pct=f"{_num(state.soc_pct, 1)}%")


def render_fallback(session: PlanningSession) -> str:
    """A reply built from the session's latest tool facts, for a model reply that failed its audit."""
    view = get_plan(session, NoArgs())
    t = _t(session.language)
    if view.status == "none":
        return t["fallback_none"]
    return render_proposal(view, heading=t["fallback"], lang=session.language)
