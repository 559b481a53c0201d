"""Replies written only from tool results (the offline model's voice, and the fallback reply).

Every number and time in these texts is copied from a tool result, formatted so that
:mod:`agents.numbers` finds it there: money with 2 decimals, energies and powers as given
(trailing zeros dropped), prices with up to 4 decimals, times as local ``Tue 23:00``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from agents.session import PlanningSession
from agents.tools import (
    DraftResult,
    Explanation,
    ForecastSummary,
    NoArgs,
    PlanView,
    StateRecorded,
    WhatIfResult,
    get_plan,
)
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
        "save": ", so you save {saving}{pct}.", "more": ": this plan costs {saving} more, for the objective you chose.",
        "same": " too.", "note": "Note", "approve": "Approve it to make it the active plan.",
        "none": "There is no plan yet. Tell me what to plan, for example charging the car by a time.",
        "cannot": "I cannot meet every request", "prefer": "Choose one of these, or change a request.",
        "or": "or", "no_co2": "This home has no CO2 data, so I planned for the lowest cost instead of the greenest.",
        "solar": "Solar power is free here, so the cheapest plan uses as much of it as it can.",
        "quiet": "The {name} keeps its quiet hours ({window}) from the home file.",
        "cancelled": "Done: I cancelled {names}. Nothing else is planned.",
        "cancelled_some": "Done: I cancelled {names}.",
        "nothing_to_cancel": "There is no request for the {name} to cancel.",
        "state": "Noted: the {name} is at {pct} now. I use that for the rest of this conversation; "
        "it is not a charging target.",
        "state_planned": "The {name} is at {pct} now, as you said: I planned from there.",
        "price": "Electricity costs {now} now. Over the next {hours} hours it is cheapest at {min_at} "
        "({min}) and dearest at {max_at} ({max}), {mean} on average.",
        "price_good": "So now is a good time.", "price_wait": "So it is cheaper to wait: I can plan it for you.",
        "weather": "I have no weather service; from the solar forecast",
        "optimiser_failed": "The optimiser could not finish: {message}.",
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
        "save": ", Sie sparen also {saving}{pct}.", "more": ": dieser Plan kostet {saving} mehr, für das gewählte Ziel.",
        "same": " ebenfalls.", "note": "Hinweis", "approve": "Genehmigen Sie ihn, um ihn zum aktiven Plan zu machen.",
        "none": "Es gibt noch keinen Plan. Sagen Sie mir, was ich planen soll, zum Beispiel das Auto bis zu einer Uhrzeit laden.",
        "cannot": "Ich kann nicht alle Wünsche erfüllen", "prefer": "Wählen Sie eine Möglichkeit, oder ändern Sie einen Wunsch.",
        "or": "oder", "no_co2": "Für dieses Haus gibt es keine CO2-Daten, deshalb plane ich möglichst günstig statt möglichst klimafreundlich.",
        "solar": "Solarstrom ist hier kostenlos, deshalb nutzt der günstigste Plan so viel davon wie möglich.",
        "quiet": "Für {name} gelten die Ruhezeiten ({window}) aus der Hausdatei.",
        "cancelled": "Erledigt: {names} gestrichen. Sonst ist nichts geplant.",
        "cancelled_some": "Erledigt: {names} gestrichen.",
        "nothing_to_cancel": "Für {name} gibt es keinen Auftrag zum Streichen.",
        "state": "Notiert: {name} steht jetzt bei {pct}. Das gilt für den Rest dieses Gesprächs; "
        "es ist kein Ladeziel.",
        "state_planned": "{name} steht jetzt bei {pct}, wie Sie sagten: ich habe von dort aus geplant.",
        "price": "Strom kostet jetzt {now}. In den nächsten {hours} Stunden ist er am günstigsten um "
        "{min_at} ({min}) und am teuersten um {max_at} ({max}), im Mittel {mean}.",
        "price_good": "Jetzt ist also ein guter Zeitpunkt.", "price_wait": "Warten ist also günstiger: ich kann es für Sie planen.",
        "weather": "Einen Wetterdienst habe ich nicht; laut Solarprognose",
        "optimiser_failed": "Der Optimierer ist nicht fertig geworden: {message}.",
        "why_no_plan": "Ich erkläre die Pläne, die ich mache: Strompreise ändern sich stündlich, "
        "deshalb verschiebt Hearth flexible Verbraucher in günstige Stunden, nutzt Solarstrom, wenn "
        "er da ist, und hält die Grenzen und Hausregeln der Hausdatei ein. Fragen Sie nach einem "
        "Plan, dann erkläre ich, warum etwas wann läuft.",
    },
}
APPROVAL_NOTE = T["en"]["approval"]
HELP = T["en"]["help"]
NOT_UNDERSTOOD = T["en"]["not_understood"]
_DAYS = {"de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")}


def _t(lang: str) -> dict[str, str]:
    return T.get(lang, T["en"])


def _num(value: float, decimals: int = 2) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float, currency: str) -> str:
    return f"{abs(value):.2f} {currency}"


def price(value: float, currency: str) -> str:
    return f"{_num(value, 4)} {currency}/kWh"


def when(moment: datetime, lang: str = "en") -> str:
    if lang in _DAYS:
        return f"{_DAYS[lang][moment.weekday()]} {moment:%H:%M}"
    return moment.strftime("%a %H:%M")


def span(start: datetime, end: datetime, lang: str = "en") -> str:
    return f"{when(start, lang)}–{when(end, lang)}"


def _request_for(requests: Sequence[DeviceRequest], device: str) -> DeviceRequest | None:
    return next((r for r in requests if r.device == device), None)


def _runs(view: PlanView, lang: str = "en") -> list[str]:
    """One line per requested device's run; devices that only help (the battery) in one line."""
    t = _t(lang)
    lines = []
    helpers = [run.name for run in view.runs if _request_for(view.requests, run.device) is None]
    for run in view.runs:
        request = _request_for(view.requests, run.device)
        if request is None:
            continue
        ready = f" ({t['ready']} {when(request.deadline, lang)})" if request and request.deadline else ""
        lines.append(
            f"- {run.name}: {span(run.start, run.end, lang)}{ready}, {_num(run.energy_kwh)} kWh, "
            f"{money(run.cost, view.currency)}"
        )
    if helpers:
        lines.append(f"- {', '.join(helpers)}: {t['alongside']}")
    return lines


def _totals(view: PlanView, lang: str = "en") -> str:
    assert view.cost is not None and view.baseline_cost is not None and view.saving is not None
    t, cur = _t(lang), view.currency
    text = t["total"].format(cost=money(view.cost, cur), base=money(view.baseline_cost, cur))
    if view.saving >= 0.005:
        pct = f" ({view.saving_pct:.0f}%)" if view.saving_pct is not None and view.saving_pct >= 1 else ""
        return text + t["save"].format(saving=money(view.saving, cur), pct=pct)
    if view.saving <= -0.005:
        return text + t["more"].format(saving=money(view.saving, cur))
    return text + t["same"]


def _conflicts(view: PlanView, lang: str = "en") -> list[str]:
    lines = []
    for conflict in view.conflicts:
        if conflict.severity in ("error", "warning"):
            lines.append(f"{_t(lang)['note']}: {conflict.message}")
    return lines


def render_proposal(
    view: PlanView, *, heading: str | None = None, approval_note: bool = False, lang: str = "en",
    notes: Sequence[str] = (),
) -> str:
    """A proposed (or active) plan; an infeasible or failed outcome is explained instead."""
    t = _t(lang)
    if view.status == "infeasible":
        return render_infeasible(view, lang)
    if view.status == "error":
        return t["optimiser_failed"].format(message=view.message)
    if view.status == "none" or view.cost is None:
        return t["none"]
    lines = [f"{heading or t['proposal']}:", *_runs(view, lang), "", _totals(view, lang), *notes,
             *_conflicts(view, lang)]
    if view.status == "proposed":
        lines.append(t["approve"])
    if approval_note:
        lines.append(t["approval"])
    return "\n".join(lines)


def render_infeasible(view: PlanView, lang: str = "en") -> str:
    t = _t(lang)
    diagnosis = view.diagnosis
    lines = [f"{t['cannot']}: {diagnosis.message if diagnosis else view.message}"]
    number = 0
    if diagnosis is not None:
        for binding in diagnosis.binding:
            for alternative in binding.alternatives:
                number += 1
                lines.append(f"{number}. {alternative.description}")
    lines.append(t["prefer"])
    return "\n".join(lines)


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
            f"Start so früh wie möglich ({when(exp.asap_start, lang)}). Das kostet {money(exp.cost, cur)} "
            f"statt {money(exp.asap_cost, cur)}." if cheap else
            f"{name} läuft {runs}, so früh wie erlaubt: später wäre es nicht günstiger. Es kostet "
            f"{money(exp.cost, cur)} (im Mittel {price(exp.mean_price_per_kwh, cur)})."
        ]
        if exp.pv_energy_kwh_during_run > 0:
            lines.append(f"Die Solaranlage liefert während des Laufs {_num(exp.pv_energy_kwh_during_run)} kWh.")
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
            f"({when(exp.asap_start)}). That costs {money(exp.cost, cur)} instead of "
            f"{money(exp.asap_cost, cur)}."
        )
    else:
        lines.append(
            f"The {name} runs {runs}, as early as it may: later "
            f"would not be cheaper. It costs {money(exp.cost, cur)} "
            f"({price(exp.mean_price_per_kwh, cur)} on average)."
        )
    if exp.pv_energy_kwh_during_run > 0:
        lines.append(f"The solar panels produce {_num(exp.pv_energy_kwh_during_run)} kWh during the run.")
    lines.append(
        f"It may run from {when(exp.window_start)} to {when(exp.window_end)}; prices in that time "
        f"range from {price(exp.window_price_min_per_kwh, cur)} ({when(exp.window_price_min_at)}) to "
        f"{price(exp.window_price_max_per_kwh, cur)} ({when(exp.window_price_max_at)})."
    )
    if exp.at is not None and exp.price_at_per_kwh is not None:
        running = ", ".join(exp.running_at) if exp.running_at else "nothing flexible"
        lines.append(f"At {when(exp.at)} the price is {price(exp.price_at_per_kwh, cur)}; running then: {running}.")
    return " ".join(lines)


def render_what_if(result: WhatIfResult, changed: Sequence[str]) -> str:
    described = []
    for device in changed:
        request = _request_for(result.requests, device)
        name = next((r.name for r in result.runs if r.device == device), device.replace("_", " "))
        if request is not None and request.deadline is not None:
            described.append(f"the {name.lower()} must be done by {when(request.deadline)}")
        else:
            described.append(f"the {name.lower()} changes as you say")
    condition = " and ".join(described) or "that changes"
    if result.status == "infeasible":
        return f"If {condition}, it would not work. " + render_infeasible(result)
    if result.status != "proposed" or result.cost is None:
        return f"If {condition}, the optimiser could not finish: {result.message}."
    cur = result.currency
    lines = [f"If {condition}, the plan would cost {money(result.cost, cur)}"]
    if result.cost_difference is not None and abs(result.cost_difference) >= 0.005:
        more = "more" if result.cost_difference > 0 else "less"
        lines[0] += f", {money(result.cost_difference, cur)} {more} than the current proposal."
    elif result.cost_difference is not None:
        lines[0] += ", the same as the current proposal."
    else:
        lines[0] += "."
    lines.extend(_runs(result))
    if result.adopted:
        lines.append("This is now the proposal. Approve it to make it the active plan.")
    else:
        lines.append("The current proposal is unchanged; say 'do it' to switch to this one.")
    return "\n".join(lines)


def render_forecast(fs: ForecastSummary, lang: str = "en", *, weather: bool = False) -> str:
    cur = fs.currency
    if lang == "de":
        lines = [f"{_t(lang)['weather']}:"] if weather else []
        if fs.pv_peak_at is not None:
            lines.append(
                f"Die Solaranlage sollte in den nächsten {_num(fs.horizon_hours)} Stunden "
                f"{_num(fs.pv_energy_kwh)} kWh liefern, mit bis zu {_num(fs.pv_peak_kw)} kW um "
                f"{when(fs.pv_peak_at, lang)}."
            )
        else:
            lines.append("Die Solaranlage liefert in dieser Zeit nichts.")
        lines.append(
            f"Strom kostet zwischen {price(fs.import_price_min_per_kwh, cur)} ({when(fs.import_price_min_at, lang)}) "
            f"und {price(fs.import_price_max_per_kwh, cur)} ({when(fs.import_price_max_at, lang)})."
        )
        return " ".join(lines)
    lines = [f"{_t(lang)['weather']}:"] if weather else []
    lines.append(
        f"Over the next {_num(fs.horizon_hours)} hours ({span(fs.horizon_start, fs.horizon_end)}), "
        f"electricity costs from {price(fs.import_price_min_per_kwh, cur)} ({when(fs.import_price_min_at)}) "
        f"to {price(fs.import_price_max_per_kwh, cur)} ({when(fs.import_price_max_at)}), "
        f"{price(fs.import_price_mean_per_kwh, cur)} on average."
    )
    if fs.pv_peak_at is not None:
        lines.append(
            f"The solar panels should produce {_num(fs.pv_energy_kwh)} kWh, peaking at "
            f"{_num(fs.pv_peak_kw)} kW around {when(fs.pv_peak_at)}."
        )
    else:
        lines.append("The solar panels will produce nothing in that time.")
    lines.append(f"The household's base load uses about {_num(fs.base_load_energy_kwh)} kWh.")
    if fs.co2_min_g_per_kwh is not None and fs.co2_min_at is not None:
        lines.append(
            f"The grid is cleanest at {when(fs.co2_min_at)} ({_num(fs.co2_min_g_per_kwh, 1)} g CO2/kWh)."
        )
    return " ".join(lines)


def render_cancelled(result: DraftResult, names: dict[str, str], lang: str = "en") -> str:
    article = "the " if lang == "en" else ""
    cancelled = ", ".join(f"{article}{names.get(d, d)}" for d in result.cancelled) or "everything"
    return _t(lang)["cancelled"].format(names=cancelled)


def render_state(state: StateRecorded, lang: str = "en") -> str:
    return _t(lang)["state"].format(name=state.name.split(" (")[-1].rstrip(")").lower() if lang == "en"
                                    else state.name.split(" (")[-1].rstrip(")"), pct=f"{_num(state.soc_pct, 1)}%")


def render_price(fs: ForecastSummary, lang: str = "en") -> str:
    """Is now a good time / when is it cheapest: the price now against the horizon's range."""
    t, cur = _t(lang), fs.currency
    text = t["price"].format(
        now=price(fs.import_price_now_per_kwh, cur), hours=_num(fs.horizon_hours),
        min_at=when(fs.import_price_min_at, lang), min=price(fs.import_price_min_per_kwh, cur),
        max_at=when(fs.import_price_max_at, lang), max=price(fs.import_price_max_per_kwh, cur),
        mean=price(fs.import_price_mean_per_kwh, cur),
    )
    good = fs.import_price_now_per_kwh <= fs.import_price_mean_per_kwh
    return text + " " + (t["price_good"] if good else t["price_wait"])


def render_fallback(session: PlanningSession) -> str:
    """A reply built from the session's latest tool facts, for a model reply that failed its audit."""
    view = get_plan(session, NoArgs())
    if view.status == "none":
        return "I could not write a reply I can vouch for. Please ask again."
    return render_proposal(view, heading="Here is the plan (numbers from the optimiser)", lang=session.language)
