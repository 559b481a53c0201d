"""``get_forecast`` and ``explain``: prices, PV and base load, and why a device runs when it does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from agents.session import PlanningSession
from agents.tools.models import ExplainArgs, Explanation, ForecastSummary, NoArgs
from agents.tools.requests import resolve_device, resolve_when
from agents.tools.views import device_name
from tools.errors import RequestError
from tools.formatting import round_energy, round_money, round_power, round_price
from tools.home import Home
from tools.results import Plan
from tools.timeaxis import TimeAxis


def get_forecast(session: PlanningSession, args: NoArgs) -> ForecastSummary:
    """Import/export prices, PV, weather and base load over the planning horizon, summarised,
    with where each came from and when it was fetched."""
    del args
    inputs = session.inputs()
    axis = inputs.axis
    times = axis.index.to_pydatetime()
    price = inputs.import_price_per_kwh
    pv = inputs.pv_kw
    h = axis.step_hours
    has_pv = bool(np.any(pv > 0))
    co2 = inputs.co2_g_per_kwh
    weather = inputs.sources.get("weather")
    # an assumed temperature (no forecast, no series) is not something to tell the homeowner
    forecast_weather = inputs.cloud_cover_pct is not None or (
        weather is not None and weather.fetched_at is not None
    )
    temperature = inputs.outdoor_temp_c if forecast_weather else None
    return ForecastSummary(
        horizon_start=axis.start, horizon_end=axis.end, horizon_hours=round(axis.hours, 2),
        currency=inputs.currency,
        import_price_min_per_kwh=round_price(price.min()), import_price_min_at=times[int(np.argmin(price))],
        import_price_max_per_kwh=round_price(price.max()), import_price_max_at=times[int(np.argmax(price))],
        import_price_mean_per_kwh=round_price(price.mean()),
        export_price_min_per_kwh=round_price(inputs.export_price_per_kwh.min()),
        export_price_max_per_kwh=round_price(inputs.export_price_per_kwh.max()),
        pv_energy_kwh=round_energy(pv.sum() * h), pv_peak_kw=round_power(pv.max()),
        pv_peak_at=times[int(np.argmax(pv))] if has_pv else None,
        base_load_energy_kwh=round_energy(inputs.base_load_kw.sum() * h),
        base_load_peak_kw=round_power(inputs.base_load_kw.max()),
        co2_min_g_per_kwh=None if co2 is None else round(float(co2.min()), 1),
        co2_min_at=None if co2 is None else times[int(np.argmin(co2))],
        co2_max_g_per_kwh=None if co2 is None else round(float(co2.max()), 1),
        co2_max_at=None if co2 is None else times[int(np.argmax(co2))],
        cloud_cover_mean_pct=(
            None if inputs.cloud_cover_pct is None else round(float(inputs.cloud_cover_pct.mean()), 1)
        ),
        air_temperature_min_c=_rounded_min(temperature),
        air_temperature_max_c=_rounded_max(temperature),
        sources=dict(inputs.sources),
    )


def _rounded_min(values: np.ndarray | None) -> float | None:
    return None if values is None else round(float(values.min()), 1)


def _rounded_max(values: np.ndarray | None) -> float | None:
    return None if values is None else round(float(values.max()), 1)


def explain(session: PlanningSession, args: ExplainArgs) -> Explanation:
    """Why a device runs when it does: the price and PV at its run against its other options."""
    plan = session.latest_plan() or session.active_plan()
    if plan is None:
        raise RequestError("plan", "there is no plan to explain yet")
    tz = ZoneInfo(session.home.timezone)
    axis = TimeAxis.between(
        plan.horizon_start, plan.horizon_end, tz_name=session.home.timezone,
        step_minutes=plan.step_minutes,
    )
    power = _device_power(plan)
    at = resolve_when(args.at, _clock_of(session, plan), "at", allow_end=True) if args.at else None
    at_step = axis.boundary_at_or_before(at) if at is not None else None
    if at_step is not None and not 0 <= at_step < axis.n_steps:
        raise RequestError("at", f"{args.at!r} is outside the plan ({plan.horizon_start} to {plan.horizon_end})")
    running_at = (
        [d for d, p in power.items() if at_step is not None and p[at_step] > 1e-9]
        if at_step is not None else []
    )
    if args.device is not None:
        device_id = resolve_device(session.home, args.device)
    elif len(running_at) >= 1:
        device_id = running_at[0]
    else:
        raise RequestError("device", "say which device to explain (nothing runs at that time)")
    if device_id not in power or not np.any(power[device_id] > 1e-9):
        raise RequestError("device", f"{device_id} does not draw power in plan {plan.id}")
    p = np.clip(power[device_id], 0.0, None)
    price = np.asarray(plan.series.import_price_per_kwh)
    pv = np.asarray(plan.series.pv_kw)
    h = axis.step_hours
    active = np.flatnonzero(p > 1e-9)
    request = next((r for r in plan.requests if r.device == device_id), None)
    first = axis.boundary_at_or_after(request.earliest_start) if request and request.earliest_start else 0
    end = axis.boundary_at_or_before(request.deadline) if request and request.deadline else axis.n_steps
    first = min(first, int(active[0]))
    end = max(end, int(active[-1]) + 1)
    window = price[first:end]
    energy = float(p.sum() * h)
    cost = float(np.sum(p * price) * h)
    profile = p[active[0]: active[-1] + 1]
    asap = np.zeros_like(p)
    span = min(len(profile), axis.n_steps - first)
    asap[first: first + span] = profile[:span]
    asap_cost = float(np.sum(asap * price) * h)
    asap_energy = float(asap.sum() * h)
    times = axis.index.to_pydatetime()
    return Explanation(
        plan_id=plan.id, device=device_id, name=device_name(session.home, device_id),
        currency=plan.currency, start=axis.time_at(int(active[0])), end=axis.time_at(int(active[-1]) + 1),
        energy_kwh=round_energy(energy), cost_at_grid_price=round_money(cost),
        mean_price_per_kwh=round_price(cost / energy),
        pv_energy_kwh_during_run=round_energy(pv[active].sum() * h),
        window_start=axis.time_at(first), window_end=axis.time_at(end),
        window_price_min_per_kwh=round_price(window.min()),
        window_price_min_at=times[first + int(np.argmin(window))],
        window_price_max_per_kwh=round_price(window.max()),
        window_price_max_at=times[first + int(np.argmax(window))],
        asap_start=axis.time_at(first), asap_cost_at_grid_price=round_money(asap_cost),
        asap_mean_price_per_kwh=round_price(asap_cost / asap_energy) if asap_energy > 0 else round_price(0.0),
        saving_vs_asap=round_money(asap_cost - cost),
        at=None if at is None else at.astimezone(tz),
        price_at_per_kwh=None if at_step is None else round_price(price[at_step]),
        pv_kw_at=None if at_step is None else round_power(pv[at_step]),
        running_at=[device_name(session.home, d) for d in running_at],
    )


def _device_power(plan: Plan) -> dict[str, np.ndarray]:
    power = {d: np.asarray(p) for d, p in plan.series.device_kw.items()}
    charge = np.asarray(plan.series.battery_charge_kw)
    if np.any(charge > 0):
        for device_id in plan.devices:
            if device_id not in power:
                power[device_id] = charge
    return power


@dataclass
class _PlanClock:
    """Just enough of a session to resolve a time against the plan's own clock."""

    home: Home
    now: datetime
    plan: Plan

    def axis(self) -> TimeAxis:
        return TimeAxis.between(
            self.plan.horizon_start, self.plan.horizon_end, tz_name=self.home.timezone,
            step_minutes=self.plan.step_minutes,
        )


def _clock_of(session: PlanningSession, plan: Plan) -> Any:
    return _PlanClock(home=session.home, now=plan.now, plan=plan)
