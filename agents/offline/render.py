"""Replies written only from tool results (the offline model's voice, and the fallback reply).

Every number and time in these texts is copied from a tool result and formatted by Hearth's one
rounding rule (:mod:`tools.formatting`: money 2 decimals, energies and powers 1, prices 4,
percentages 1), so :mod:`agents.numbers` finds it there; times as local ``Tue 23:00``.
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
    StandingOrdersResult,
    WhatIfResult,
    get_plan,
)
from agents.tools.standing import StandingOrderView
from tools import formatting
from tools.requests import DeviceRequest

APPROVAL_NOTE = (
    "I cannot approve, reject or apply plans, and no instruction changes that: only you can "
    "approve a proposal, with the Approve button or the approve command."
)
HELP = (
    "I plan when your car, appliances and home battery use electricity, so they cost least. "
    "Tell me what you need, for example: charge the car by a time, run the dishwasher overnight, "
    "or ask what the plan is, what it costs, or why something runs when it does."
)
NOT_UNDERSTOOD = (
    "What would you like me to plan, for example charging the car by a time or running an "
    "appliance overnight?"
)


def _num(value: float, decimals: int = 2) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float, currency: str) -> str:
    return formatting.money(abs(value), currency)


def price(value: float, currency: str) -> str:
    return formatting.price(value, currency)


def when(moment: datetime) -> str:
    return moment.strftime("%a %H:%M")


def span(start: datetime, end: datetime) -> str:
    return f"{when(start)}–{when(end)}"


def _request_for(requests: Sequence[DeviceRequest], device: str) -> DeviceRequest | None:
    return next((r for r in requests if r.device == device), None)


def _runs(view: PlanView) -> list[str]:
    """One line per requested device's run."""
    lines = []
    for run in view.runs:
        request = _request_for(view.requests, run.device)
        if request is None:
            continue
        ready = f" (ready by {when(request.deadline)})" if request and request.deadline else ""
        lines.append(
            f"- {run.name}: {span(run.start, run.end)}{ready}, {formatting.energy(run.energy_kwh)}, "
            f"{money(run.cost, view.currency)}"
        )
    for b in view.battery_requests:
        if b.kind == "battery_target":
            lines.append(f"- Home battery: at least {formatting.pct(b.requested_soc_pct or 0)} by "
                         f"{when(b.end)}, planned {formatting.pct(b.planned_soc_pct or 0)}")
        elif b.kind == "battery_floor":
            lines.append(f"- Home battery: at least {formatting.pct(b.requested_soc_pct or 0)} from "
                         f"{when(b.start)} to {when(b.end)}, lowest planned "
                         f"{formatting.pct(b.planned_soc_pct or 0)}")
        else:
            lines.append(f"- Home battery: supplies only the household, not the car, until {when(b.end)}")
    return lines


def _totals(view: PlanView) -> str:
    """Cost, baseline and saving, the saving's two parts (the requests' timing; the battery and
    PV plan for the whole home), and how sure the plan is."""
    assert view.cost is not None and view.baseline_cost is not None and view.saving is not None
    cur = view.currency
    text = (
        f"In total it costs {money(view.cost, cur)}; running everything as soon as possible "
        f"would cost {money(view.baseline_cost, cur)}"
    )
    if view.saving >= 0.005:
        share = view.saving_pct_of_baseline
        of = f" ({formatting.pct(share)} of that)" if share is not None and share >= 1 else ""
        text += f", so you save {money(view.saving, cur)}{of}."
    elif view.saving <= -0.005:
        why = ("which is not possible within your home's limits" if view.baseline_valid is False
               else "for the objective you chose")
        text += f": this plan costs {money(view.saving, cur)} more, {why}."
    else:
        text += " too."
    timing, battery_pv = view.timing_saving, view.battery_pv_saving
    if timing is not None and battery_pv is not None and abs(view.saving) >= 0.005:
        when_part = (
            f"The timing of what you asked for saves {money(timing, cur)}"
            if timing >= 0.005
            else "The timing of what you asked for saves nothing (it runs as soon as allowed)"
            if timing > -0.005
            else f"The timing of what you asked for costs {money(timing, cur)} more"
        )
        battery_part = (
            f"the battery and solar plan saves {money(battery_pv, cur)} for the whole home"
            if battery_pv >= 0
            else f"the battery and solar plan costs {money(battery_pv, cur)} more"
        )
        text += f" {when_part}; {battery_part}." if view.runs else f" {battery_part[0].upper()}{battery_part[1:]}."
    if view.basis == "baseline":
        text += " I found nothing cheaper than running everything as soon as possible, so that is the plan."
    elif view.basis == "as_soon_as_allowed":
        text += " In the time I had I found no better timing than as soon as allowed; the battery is planned around it."
    if view.solve_gap_pct is not None:
        text += f" It is within {formatting.pct(view.solve_gap_pct)} of the best possible cost."
    elif view.solve_gap is not None:
        text += f" It costs at most {money(view.solve_gap, cur)} more than the best possible."
    return text


def _conflicts(view: PlanView) -> list[str]:
    lines = []
    for conflict in view.conflicts:
        if conflict.severity in ("error", "warning"):
            lines.append(f"Note: {conflict.message}")
    return lines


def render_proposal(view: PlanView, *, heading: str = "Here is my proposal", approval_note: bool = False) -> str:
    """A proposed (or active) plan; an infeasible or failed outcome is explained instead."""
    if view.status == "infeasible":
        return render_infeasible(view)
    if view.status == "error":
        return f"The optimiser could not finish: {view.message}."
    if view.status == "none" or view.cost is None:
        return "There is no plan yet. Tell me what to plan, for example charging the car by a time."
    lines = [f"{heading}:", *_runs(view), "", _totals(view), *_conflicts(view)]
    if view.standing:
        lines.append("From your standing orders: " + "; ".join(view.standing) + ".")
    lines.extend(f"{note}." for note in view.inputs)
    if view.status == "proposed":
        lines.append("Approve it to make it the active plan.")
    if approval_note:
        lines.append(APPROVAL_NOTE)
    return "\n".join(lines)


def render_infeasible(view: PlanView) -> str:
    diagnosis = view.diagnosis
    lines = [f"I cannot meet every request: {diagnosis.message if diagnosis else view.message}"]
    if diagnosis is not None:
        for binding in diagnosis.binding:
            lines.extend(f"- {alternative.description}" for alternative in binding.alternatives)
    lines.append("Tell me which you prefer, or change a request.")
    return "\n".join(lines)


def render_cost(view: PlanView) -> str:
    if view.status == "none" or view.cost is None:
        return render_proposal(view)
    which = "active plan" if view.status == "active" else "proposed plan"
    return f"The {which} costs {money(view.cost, view.currency)}. " + _totals(view).replace(
        f"In total it costs {money(view.cost, view.currency)}; running", "Running"
    )


def render_plan(view: PlanView) -> str:
    heading = "The active plan" if view.status == "active" else "The proposed plan"
    return render_proposal(view, heading=heading)


def render_explanation(exp: Explanation) -> str:
    cur = exp.currency
    lines = []
    if exp.saving_vs_asap >= 0.005:
        lines.append(
            f"The {exp.name.lower()} runs {span(exp.start, exp.end)} because electricity is cheaper "
            f"then: {price(exp.mean_price_per_kwh, cur)} on average, against "
            f"{price(exp.asap_mean_price_per_kwh, cur)} if it started as soon as allowed "
            f"({when(exp.asap_start)}). At the grid price its energy costs "
            f"{money(exp.cost_at_grid_price, cur)} instead of {money(exp.asap_cost_at_grid_price, cur)}."
        )
    else:
        lines.append(
            f"The {exp.name.lower()} runs {span(exp.start, exp.end)}, as early as it may: later "
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


def render_forecast(fs: ForecastSummary) -> str:
    cur = fs.currency
    lines = [
        f"Over the next {_num(fs.horizon_hours)} hours ({span(fs.horizon_start, fs.horizon_end)}), "
        f"electricity costs from {price(fs.import_price_min_per_kwh, cur)} ({when(fs.import_price_min_at)}) "
        f"to {price(fs.import_price_max_per_kwh, cur)} ({when(fs.import_price_max_at)}), "
        f"{price(fs.import_price_mean_per_kwh, cur)} on average."
    ]
    if fs.pv_peak_at is not None:
        lines.append(
            f"The solar panels should produce {formatting.energy(fs.pv_energy_kwh)}, peaking at "
            f"{formatting.power(fs.pv_peak_kw)} around {when(fs.pv_peak_at)}."
        )
    else:
        lines.append("The solar panels will produce nothing in that time.")
    lines.append(f"The household's base load uses about {formatting.energy(fs.base_load_energy_kwh)}.")
    if fs.co2_min_g_per_kwh is not None and fs.co2_min_at is not None:
        lines.append(
            f"The grid is cleanest at {when(fs.co2_min_at)} ({_num(fs.co2_min_g_per_kwh, 1)} g CO2/kWh)."
        )
    if fs.cloud_cover_mean_pct is not None:
        lines.append(f"Cloud cover averages {_num(fs.cloud_cover_mean_pct, 1)}%.")
    if fs.air_temperature_min_c is not None and fs.air_temperature_max_c is not None:
        lines.append(
            f"It will be {_num(fs.air_temperature_min_c, 1)} to {_num(fs.air_temperature_max_c, 1)} °C."
        )
    lines.extend(_source_lines(fs))
    return " ".join(lines)


_SOURCE_LABELS = {"prices": "Prices", "export_prices": "Export prices", "weather": "Weather",
                  "base_load": "Base load"}


def _source_lines(fs: ForecastSummary) -> list[str]:
    """Where each input came from, when it was fetched, and what to know about it."""
    tz = fs.horizon_start.tzinfo
    lines = []
    for key, source in fs.sources.items():
        text = f"{_SOURCE_LABELS.get(key, key)}: {source.source}"
        if source.fetched_at is not None:
            text += f", fetched {when(source.fetched_at.astimezone(tz))}"
        if source.note:
            text += f" ({source.note})"
        lines.append(text + ".")
    return lines


def render_cancelled(result: DraftResult, names: dict[str, str]) -> str:
    cancelled = ", ".join(f"the {names.get(d, d)}" for d in result.cancelled) or "everything"
    return f"Done: I cancelled {cancelled}. Nothing else is planned."


def render_fallback(session: PlanningSession) -> str:
    """A reply built from the session's latest tool facts, for a model reply that failed its audit."""
    view = get_plan(session, NoArgs())
    if view.status == "none":
        return "I could not write a reply I can vouch for. Please ask again."
    return render_proposal(view, heading="Here is the plan (numbers from the optimiser)")


def render_standing(result: StandingOrdersResult) -> str:
    """The reply to a ``standing_orders`` result: what was proposed or changed, then the list."""
    changed = result.changed
    if result.action == "propose" and changed:
        order = changed[0]
        return (f"I have proposed a standing order: {order.description}. It is not active yet: "
                f"approve it with the Approve button or `hearth standing approve {order.id}`, and it "
                "joins every plan from then on.")
    words = {"pause": "Paused", "resume": "Active again", "cancel": "Cancelled"}
    lines = []
    if result.action in words:
        done = [o.description for o in changed]
        until = next((o.paused_until for o in changed if o.paused_until), None)
        suffix = f" up to and including {until:%a %d %b}" if result.action == "pause" and until else ""
        suffix += " until you resume it" if result.action == "pause" and not until else ""
        lines.append(f"{words[result.action]}{suffix}: " + "; ".join(done) + ".")
    if result.orders:
        listed = "; ".join(f"{o.description} ({_standing_status(o)})" for o in result.orders)
        lines.append(f"Standing orders: {listed}.")
    elif result.action == "list":
        lines.append("There are no standing orders. Say what you need every day, e.g. "
                     "'every weekday the car at 80% by 7:00'.")
    return " ".join(lines)


def _standing_status(order: StandingOrderView) -> str:
    if order.status == "paused" and order.paused_until is not None:
        return f"paused up to {order.paused_until:%a %d %b}"
    return order.status
