"""The plan card: a plan in the homeowner's words, as typed data (no Chainlit, no Markdown).

:func:`plan_card` turns a :class:`~tools.results.Plan` (and its conflicts and the readings of its
requests) into a :class:`PlanCard`: one line per device run with its name, local start–end,
energy and cost; the home battery's story in one line; the runs already approved and kept, and
the runs this plan cancels; the total, the cost without planning and the saving; at most three
notes on conflicts or rules applied. :func:`infeasible_card` does the same for requests that
cannot all be met: one sentence per device on what cannot be done and why, and the achievable
alternatives as typed choices (the UI makes them buttons).

Every number is read from the plan (the optimiser's output) or summed from its per-step series;
nothing is parsed from a model's prose. Device ids never reach the text: names come from the home
file (:meth:`tools.home.Home.label`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.figures import battery_lines, status_note
from tools.home import Home
from tools.results import Alternative, Conflict, Diagnosis, Plan

#: At most this many notes (conflicts, rules applied) on a card; the rest are counted.
MAX_NOTES = 3
#: A state of charge within this of the lowest counts as the lowest [%-points]; the same
#: tolerance the conflict detector uses for "down to its floor" (tools.conflicts).
SOC_TOLERANCE_PCT = 0.5


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CardRun(Frozen):
    """One device's run on the card."""

    device: str = Field(description="Device id (for buttons and tests; never shown).")
    name: str = Field(description="The device's name from the home file.")
    start: AwareDatetime
    end: AwareDatetime
    energy_kwh: float = Field(description="Energy of the run [kWh].")
    cost: float = Field(description="That energy at the plan's import prices [currency].")
    plan_number: int | None = Field(
        default=None, description="The plan that approved it (already approved runs only)."
    )
    approved_by: str | None = None


class BatteryStory(Frozen):
    """What the home battery does in the plan."""

    name: str
    soc_start_pct: float
    soc_min_pct: float
    soc_min_at: AwareDatetime
    soc_end_pct: float
    stored_kwh: float = Field(description="Energy charged over the horizon (AC side) [kWh].")
    stored_from_solar_kwh: float = Field(description="The part of it that came from PV [kWh].")
    given_kwh: float = Field(description="Energy discharged to the home (AC side) [kWh].")


class CardNote(Frozen):
    """One plain sentence on a conflict or a rule applied, with its suggested fix (text)."""

    text: str
    fix: str | None = None
    severity: str


class Choice(Frozen):
    """An achievable alternative the homeowner can pick (a button)."""

    label: str
    alternative: Alternative


class Problem(Frozen):
    """One device's request that cannot be met: why, and what can be done instead."""

    device: str | None
    name: str | None
    sentence: str
    choices: list[Choice]


class PlanCard(Frozen):
    """Everything a proposal (or the active plan) shows, in the homeowner's terms."""

    number: int | None = Field(description="The plan store's number ('plan 3'), if stored.")
    currency: str
    readings: list[str] = Field(description="How each request was read, one line each.")
    runs: list[CardRun] = Field(description="The plan's own runs, by start time.")
    battery: BatteryStory | None
    battery_requests: list[str] = Field(
        default=[], description="What the plan does for each battery request, one line each."
    )
    heat_lines: list[str] = Field(
        default=[], description="Tanks and rooms, the weather used, a demand-response event."
    )
    committed: list[CardRun] = Field(description="Already approved runs kept by this plan.")
    released: list[CardRun] = Field(description="Approved runs this plan cancels.")
    cost: float = Field(description="Net cost of the whole plan [currency].")
    baseline_cost: float = Field(description="Net cost without planning [currency].")
    saving: float = Field(description="baseline_cost − cost [currency].")
    saving_timing: float = Field(
        default=0.0, description="The part of the saving the requests' timing earns [currency]."
    )
    saving_battery_pv: float = Field(
        default=0.0,
        description="The part the battery and PV plan earns for the whole home [currency].",
    )
    baseline_valid: bool = Field(
        default=True, description="Whether running everything at once fits the home's limits."
    )
    horizon_start: AwareDatetime
    horizon_end: AwareDatetime
    notes: list[CardNote]
    more_notes: int = Field(description="Notes left out to keep the card short.")
    proven_optimal: bool
    status_note: str = Field(
        default="",
        description="How sure the plan is when not proven optimal: its gap to the best possible "
        "cost, or that it is the plan of running everything as soon as possible.",
    )
    devices_planned: int = Field(description="Devices with a request in the plan.")


class InfeasibleCard(Frozen):
    """Requests that cannot all be met."""

    readings: list[str]
    problems: list[Problem]


# ============================================================================ plan card


def plan_card(
    plan: Plan,
    home: Home,
    *,
    number: int | None = None,
    conflicts: Sequence[Conflict] = (),
    readings: Sequence[str] = (),
) -> PlanCard:
    """The card of ``plan`` for ``home``.

    Parameters
    ----------
    plan:
        A proposed or approved plan.
    home:
        The home, for device names.
    number:
        The plan store's number of the plan, if stored.
    conflicts:
        The plan's conflicts; the most severe :data:`MAX_NOTES` become notes.
    readings:
        The reading line of each request ("Family car → 80% (your usual) by Wed 07:00,
        cheapest"), from :func:`tools.reading.reading_line` in the conversation's language.
    """
    battery_id = home.battery.id if home.battery is not None else None
    runs = [
        CardRun(device=r.device, name=home.label(r.device), start=r.start, end=r.end,
                energy_kwh=r.energy_kwh, cost=r.cost)
        for r in plan.runs if r.device != battery_id
    ]
    approved = {c.device: c for c in plan.committed}
    committed = [
        CardRun(device=r.device, name=home.label(r.device), start=r.start, end=r.end,
                energy_kwh=r.energy_kwh, cost=r.cost,
                plan_number=approved[r.device].plan_number if r.device in approved else None,
                approved_by=approved[r.device].approved_by if r.device in approved else None)
        for r in plan.committed_runs
    ]
    released = [
        CardRun(device=c.device, name=home.label(c.device), start=c.start, end=c.end,
                energy_kwh=c.energy_kwh, cost=c.cost, plan_number=c.plan_number,
                approved_by=c.approved_by)
        for c in plan.released if c.start is not None and c.end is not None
    ]
    notes = [_note(c) for c in conflicts]
    heat_lines = [line.text for line in plan.heat.lines] if plan.heat is not None else []
    if plan.heat is not None and plan.heat.outdoor_temp_source:
        heat_lines.append(f"Outdoor temperature from {plan.heat.outdoor_temp_source}")
    if plan.demand_response is not None:
        heat_lines.append(f"{plan.demand_response.message}; approve to take part")
    return PlanCard(
        number=number, currency=plan.currency, readings=list(readings),
        runs=sorted(runs, key=lambda r: (r.start, r.name)),
        battery=battery_story(plan, home), heat_lines=heat_lines,
        battery_requests=battery_lines(
            plan, home.label(battery_id) if battery_id else "", home.timezone
        ),
        committed=committed, released=released,
        cost=plan.cost, baseline_cost=plan.baseline_cost, saving=plan.baseline_cost - plan.cost,
        saving_timing=plan.savings.timing, saving_battery_pv=plan.savings.battery_pv,
        baseline_valid=plan.baseline_valid,
        horizon_start=plan.horizon_start, horizon_end=plan.horizon_end,
        notes=notes[:MAX_NOTES], more_notes=max(0, len(notes) - MAX_NOTES),
        proven_optimal=plan.solve_status == "optimal",
        status_note=status_note(plan),
        devices_planned=len({r.device for r in plan.requests}),
    )


def battery_story(plan: Plan, home: Home) -> BatteryStory | None:
    """The battery's day from the plan's series, or ``None`` without a battery.

    Stored from solar, per step: ``min(charge_t, max(0, pv_t − curtailed_t − export_t −
    (base_t + devices_t + committed_t)))`` — the PV left after the home's own use and the
    export that went into the battery; the rest of the charge came from the grid.
    """
    series = plan.series
    if home.battery is None or not series.battery_soc_pct:
        return None
    hours = plan.step_minutes / 60
    charge = np.asarray(series.battery_charge_kw)
    discharge = np.asarray(series.battery_discharge_kw)
    load = np.asarray(series.base_load_kw) + sum(
        (np.asarray(p) for p in [*series.device_kw.values(), *series.committed_kw.values()]),
        np.zeros(len(charge)),
    )
    spare_pv = np.asarray(series.pv_kw) - np.asarray(series.pv_curtailed_kw) - np.asarray(
        series.grid_export_kw) - load
    from_solar = np.minimum(charge, np.clip(spare_pv, 0.0, None))
    soc = np.asarray(series.battery_soc_pct)
    # the first time it comes within SOC_TOLERANCE_PCT of its lowest (as the conflicts say it)
    lowest = int(np.flatnonzero(soc <= soc.min() + SOC_TOLERANCE_PCT)[0])
    boundaries = [*series.times, plan.horizon_end]
    return BatteryStory(
        name=home.label(home.battery.id),
        soc_start_pct=float(soc[0]), soc_min_pct=float(soc[lowest]),
        soc_min_at=boundaries[lowest], soc_end_pct=float(soc[-1]),
        stored_kwh=float(charge.sum() * hours),
        stored_from_solar_kwh=float(from_solar.sum() * hours),
        given_kwh=float(discharge.sum() * hours),
    )


def _first_sentence(text: str) -> str:
    """Up to the first full stop followed by a space (keeps "13.8 kW" intact)."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _note(conflict: Conflict) -> CardNote:
    return CardNote(
        text=_first_sentence(conflict.message),
        fix=conflict.resolutions[0] if conflict.resolutions else None,
        severity=conflict.severity,
    )


# ============================================================================ infeasible


def infeasible_card(
    diagnosis: Diagnosis,
    home: Home,
    *,
    conflicts: Sequence[Conflict] = (),
    readings: Sequence[str] = (),
) -> InfeasibleCard:
    """One problem per binding constraint, with its alternatives as choices.

    The sentence is the device's exact conflict when the conflict detector found one (it says
    what and why without the alternatives, which become buttons), else the diagnosis' own text.
    """
    problems = []
    for binding in diagnosis.binding:
        exact = next(
            (c for c in conflicts
             if c.severity == "error" and binding.device is not None and binding.device in c.devices),
            None,
        )
        sentence = exact.message if exact is not None else binding.message
        name = home.label(binding.device) if binding.device is not None else None
        several = len(diagnosis.binding) > 1
        choices = [
            Choice(label=_choice_label(a, name if several else None), alternative=a)
            for a in binding.alternatives
        ]
        problems.append(Problem(device=binding.device, name=name, sentence=sentence,
                                choices=choices))
    return InfeasibleCard(readings=list(readings), problems=problems)


def _choice_label(alternative: Alternative, name: str | None) -> str:
    text = alternative.description
    text = text[0].upper() + text[1:] if text else text
    return f"{name}: {text[0].lower() + text[1:]}" if name else text
