"""Hand-built plans for the app/ tests (store, diff, chart, render, UI callbacks).

One home in Europe/Berlin, now = Tue 2026-11-24 18:00 +01:00, hourly steps from 18:00.
Import price 0.30 EUR/kWh, except 0.10 EUR/kWh in the steps listed in ``cheap_steps``
(default 00:00–03:00, steps 6, 7, 8). Base load 0.5 kW, no PV (November night), battery idle at
50 %. Every number in a plan is derived from these series, so tests can check them on paper.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tools.formatting import apportion
from tools.home import Home, parse_home
from tools.requests import DeviceRequest
from tools.results import (
    Commitment,
    CostBreakdown,
    CostItem,
    CostLine,
    DeviceRun,
    Plan,
    SavingsSplit,
    Segment,
    StepSeries,
)

TZ = "Europe/Berlin"
NOW = datetime(2026, 11, 24, 18, 0, tzinfo=ZoneInfo(TZ))
BASE_LOAD_KW = 0.5
HIGH_PRICE = 0.30
LOW_PRICE = 0.10


def _segments(times: list[datetime], step: timedelta, power: list[float]) -> list[Segment]:
    segments: list[Segment] = []
    for t, p in zip(times, power, strict=True):
        if p == 0:
            continue
        if segments and segments[-1].end == t and segments[-1].power_kw == p:
            segments[-1] = Segment(start=segments[-1].start, end=t + step, power_kw=p)
        else:
            segments.append(Segment(start=t, end=t + step, power_kw=p))
    return segments


def _cost_lines(
    devices: dict[str, list[float]], base: list[float], price: list[float]
) -> list[CostLine]:
    """Everything comes from the grid (no PV, no battery): each row is its energy × price."""
    by_start = sorted(devices.items(), key=lambda item: [p > 0 for p in item[1]].index(True)
                      if any(p > 0 for p in item[1]) else len(item[1]))
    rows: list[tuple[str, CostItem, list[float]]] = [(d, "device", p) for d, p in by_start]
    rows.append(("base_load", "base_load", base))
    costs = [sum(kw * c for kw, c in zip(p, price, strict=True)) for _, _, p in rows]
    return [
        CostLine(item=item, kind=kind, energy_kwh=sum(p), grid_energy_kwh=sum(p), cost=cost,
                 cost_cents=cents)
        for (item, kind, p), cost, cents in zip(rows, costs, apportion(costs), strict=True)
    ]


def make_plan(
    plan_id: str = "plan-a",
    *,
    ev_steps: tuple[int, ...] = (6, 7, 8),
    ev_kw: float = 7.0,
    dishwasher_step: int | None = 4,
    dishwasher_kw: float = 1.2,
    n_steps: int = 12,
    cheap_steps: tuple[int, ...] = (6, 7, 8),
    with_battery: bool = True,
    baseline_cost: float = 9.0,
) -> Plan:
    """A plan whose runs, costs and series agree with each other.

    Cost of a step = (base load + EV + dishwasher) × 1 h × price of the step.
    """
    step = timedelta(hours=1)
    times = [NOW + i * step for i in range(n_steps)]
    price = [LOW_PRICE if i in cheap_steps else HIGH_PRICE for i in range(n_steps)]
    ev = [ev_kw if i in ev_steps else 0.0 for i in range(n_steps)]
    devices = {"ev": ev}
    if dishwasher_step is not None:
        devices["dishwasher"] = [dishwasher_kw if i == dishwasher_step else 0.0
                                 for i in range(n_steps)]
    base = [BASE_LOAD_KW] * n_steps
    grid = [base[i] + sum(power[i] for power in devices.values()) for i in range(n_steps)]
    energy_cost = sum(g * p for g, p in zip(grid, price, strict=True))

    runs = []
    for device, power in devices.items():
        on = [i for i, p in enumerate(power) if p > 0]
        if not on:
            continue
        runs.append(DeviceRun(
            device=device, kind="ev_charge" if device == "ev" else "appliance_run",
            start=times[on[0]], end=times[on[-1]] + step,
            energy_kwh=sum(power[i] for i in on), grid_energy_kwh=sum(power[i] for i in on),
            cost=sum(power[i] * price[i] for i in on),
        ))
    requests = [DeviceRequest(device="ev", kind="ev_charge", deadline=NOW + 13 * step,
                              target_soc_pct=80)]
    if dishwasher_step is not None:
        requests.append(DeviceRequest(device="dishwasher", kind="appliance_run"))
    breakdown = CostBreakdown(energy_cost=energy_cost, export_revenue=0.0, demand_charge=0.0,
                              peak_import_kw=max(grid))
    zeros = [0.0] * n_steps
    return Plan(
        id=plan_id, home="Test home", now=NOW, horizon_start=times[0],
        horizon_end=times[-1] + step, step_minutes=60, currency="EUR",
        cost=energy_cost, baseline_cost=baseline_cost, saving=baseline_cost - energy_cost,
        savings=SavingsSplit(timing=baseline_cost - energy_cost, battery_pv=0.0),
        breakdown=breakdown,
        baseline_breakdown=CostBreakdown(energy_cost=baseline_cost, export_revenue=0.0,
                                         demand_charge=0.0, peak_import_kw=max(grid)),
        solve_status="optimal", solve_seconds=0.01, solver="HiGHS",
        requests=requests,
        devices={device: _segments(times, step, power) for device, power in devices.items()},
        runs=runs,
        cost_lines=_cost_lines(devices, base, price),
        series=StepSeries(
            step_minutes=60, times=times, import_price_per_kwh=price,
            export_price_per_kwh=zeros, pv_kw=zeros, pv_curtailed_kw=zeros, base_load_kw=base,
            grid_import_kw=grid, grid_export_kw=zeros, battery_charge_kw=zeros,
            battery_discharge_kw=zeros,
            battery_soc_pct=[50.0] * (n_steps + 1) if with_battery else [],
            device_kw=devices,
        ),
        device_names={"ev": "Family car", "dishwasher": "Dishwasher", "battery": "Home battery"},
    )


def only_dishwasher(plan_id: str = "plan-d", *, committed: list[Commitment]) -> Plan:
    """The default dishwasher run (1.2 kW 22:00–23:00, 0.36 EUR) planned alone, with the given
    commitments (an EV run) held as fixed loads: requests, runs, devices and ``device_kw`` name
    only the dishwasher; ``committed`` lists the held runs and ``committed_kw`` their power (the
    default EV run: 7 kW 00:00–03:00)."""
    full = make_plan(plan_id)
    series = full.series.model_copy(update={
        "device_kw": {d: p for d, p in full.series.device_kw.items() if d == "dishwasher"},
        "committed_kw": {d: p for d, p in full.series.device_kw.items() if d != "dishwasher"},
    })
    return full.model_copy(update={
        "requests": [r for r in full.requests if r.device == "dishwasher"],
        "runs": [r for r in full.runs if r.device == "dishwasher"],
        "devices": {d: s for d, s in full.devices.items() if d == "dishwasher"},
        "series": series,
        "committed": committed,
    })


def sample_home(*, with_battery: bool = True) -> Home:
    """The home the sample plans belong to: "Family car" (id ``ev``), "Dishwasher" (id
    ``dishwasher``) and, by default, a 10 kWh "Home battery" (id ``battery``), in Berlin."""
    data: dict[str, Any] = {
        "name": "Test home", "timezone": TZ,
        "location": {"latitude_deg": 52.52, "longitude_deg": 13.40},
        "grid": {"import_limit_kw": 13.8, "export_limit_kw": 6.0},
        "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": HIGH_PRICE}},
        "evs": [{"id": "ev", "name": "Family car", "battery_kwh": 60, "charger_max_kw": 11,
                 "current_soc_pct": 35}],
        "appliances": [{"id": "dishwasher", "name": "Dishwasher",
                        "cycle": {"duration_minutes": 60, "power_kw": 1.2}}],
        "base_load": {"type": "hourly", "power_kw": [BASE_LOAD_KW] * 24},
    }
    if with_battery:
        data["battery"] = {"capacity_kwh": 10, "max_charge_kw": 5, "max_discharge_kw": 5,
                           "initial_soc_pct": 50}
    return parse_home(data)
