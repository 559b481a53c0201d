"""Tests of the conflict detector (tools/conflicts.py).

Every scenario starts on Tuesday 2026-11-24 at 18:00 in Europe/Berlin (UTC+01:00). With 15-minute
steps, step ``k`` starts at 18:00 + 15·k min: step 4 = 19:00, step 8 = 20:00, step 24 = 24:00
(Wed 00:00), step 52 = Wed 07:00, step 56 = Wed 08:00, step 96 = Wed 18:00 (the horizon end).
Times on Wednesday print with the weekday ("Wed 09:00"), times on Tuesday without.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, get_args

import pytest

from tools.conflicts import detect_conflicts, plan_conflicts, request_conflicts
from tools.devices import earliest_end, latest_start
from tools.home import Home, parse_home
from tools.requests import DeviceRequest, ResolvedRequest, resolve_requests
from tools.results import (
    Commitment,
    Conflict,
    ConflictKind,
    CostBreakdown,
    Plan,
    SavingsSplit,
    Segment,
    StepSeries,
)
from tools.timeaxis import TimeAxis

NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")
TZ = "Europe/Berlin"

needs_window_kind = pytest.mark.skipif(
    "window" not in get_args(ConflictKind),
    reason="needs the conflict kind 'window' in tools/results.py ConflictKind",
)


# ----------------------------------------------------------------------------- builders

def make_home(**sections: Any) -> Home:
    """A home with an 11 kW grid connection, a flat tariff and the given sections."""
    data: dict[str, Any] = {
        "timezone": TZ,
        "location": {"latitude_deg": 52.5, "longitude_deg": 13.4},
        "grid": {"import_limit_kw": 11.0, "export_limit_kw": 5.0},
        "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": 0.3}},
        "base_load": {"type": "hourly", "power_kw": [0.3] * 24},
    }
    data.update(sections)
    return parse_home(data)


def appliance(device_id: str, minutes: int, power_kw: float, **extra: Any) -> dict[str, Any]:
    return {"id": device_id, "cycle": {"duration_minutes": minutes, "power_kw": power_kw}, **extra}


def car(**extra: Any) -> dict[str, Any]:
    spec = {"id": "car", "battery_kwh": 60.0, "charger_max_kw": 7.4, "charging_efficiency": 0.9,
            "current_soc_pct": 20.0}
    spec.update(extra)
    return spec


BATTERY = {"capacity_kwh": 10.0, "min_soc_pct": 10.0, "backup_reserve_pct": 20.0,
           "max_charge_kw": 3.0, "max_discharge_kw": 3.0, "initial_soc_pct": 60.0}


def axis(hours: float = 24, step_minutes: int = 15) -> TimeAxis:
    return TimeAxis.from_now(NOW, tz_name=TZ, step_minutes=step_minutes, horizon_hours=hours)


def run(device: str, first: int, end: int) -> ResolvedRequest:
    return ResolvedRequest(DeviceRequest(device=device, kind="appliance_run"), first, end)


def charge(device: str, first: int, end: int, energy_kwh: float, target: float) -> ResolvedRequest:
    return ResolvedRequest(
        DeviceRequest(device=device, kind="ev_charge", target_soc_pct=target), first, end,
        energy_kwh=energy_kwh, target_soc_pct=target,
    )


def make_plan(
    grid_import_kw: list[float],
    device_kw: dict[str, list[float]] | None = None,
    *,
    step_minutes: int = 15,
    battery_soc_pct: list[float] | None = None,
    requests: list[DeviceRequest] | None = None,
    plan_id: str = "p2",
    now: datetime = NOW,
) -> Plan:
    """A plan from per-step arrays; segments join consecutive steps of equal, nonzero power."""
    n = len(grid_import_kw)
    step = timedelta(minutes=step_minutes)
    times = [now + k * step for k in range(n)]
    device_kw = device_kw or {}
    devices: dict[str, list[Segment]] = {}
    for device, power in device_kw.items():
        segments: list[Segment] = []
        for k, p in enumerate(power):
            if p <= 0:
                continue
            if segments and segments[-1].end == times[k] and segments[-1].power_kw == p:
                segments[-1] = Segment(start=segments[-1].start, end=times[k] + step, power_kw=p)
            else:
                segments.append(Segment(start=times[k], end=times[k] + step, power_kw=p))
        devices[device] = segments
    zeros = [0.0] * n
    breakdown = CostBreakdown(energy_cost=0.0, export_revenue=0.0, demand_charge=0.0,
                              peak_import_kw=max(grid_import_kw))
    return Plan(
        id=plan_id, home="Home", now=now, horizon_start=now, horizon_end=now + n * step,
        step_minutes=step_minutes, currency="EUR", cost=0.0, baseline_cost=0.0, saving=0.0,
        savings=SavingsSplit(timing=0.0, battery_pv=0.0),
        breakdown=breakdown, baseline_breakdown=breakdown, solve_status="optimal",
        solve_seconds=0.0, solver="test", requests=requests or [], devices=devices, runs=[],
        cost_lines=[],
        series=StepSeries(
            step_minutes=step_minutes, times=times, import_price_per_kwh=[0.3] * n,
            export_price_per_kwh=zeros, pv_kw=zeros, pv_curtailed_kw=zeros,
            base_load_kw=[0.3] * n, grid_import_kw=grid_import_kw, grid_export_kw=zeros,
            battery_charge_kw=zeros, battery_discharge_kw=zeros,
            battery_soc_pct=battery_soc_pct or [], device_kw=device_kw,
        ),
    )


def only(conflicts: list[Conflict], kind: str) -> Conflict:
    matching = [c for c in conflicts if c.kind == kind]
    assert len(matching) == 1, conflicts
    return matching[0]


# ----------------------------------------------------------------------------- slot search

def test_slot_search_contiguous_and_interruptible() -> None:
    """Quiet 18:30–18:45 and 19:30–19:45 on a 2-hour axis of 15-minute steps forbid steps 2
    and 6: allowed mask = 1 1 0 1 1 1 0 1. A 45-minute cycle takes 3 steps.

    Contiguous: the only 3-run is steps 3..5 → earliest end 6, latest start 3.
    Interruptible: allowed steps 0,1,3,4,5,7 → the 3rd from the front is 3 → end 4; the 3rd
    from the back is 4 → latest start 4. In [0, 5) a contiguous cycle does not fit.
    """
    home = make_home(appliances=[
        appliance("a", 45, 2.0, quiet_hours=[{"start": "18:30", "end": "18:45"},
                                             {"start": "19:30", "end": "19:45"}]),
        appliance("b", 45, 2.0, interruptible=True,
                  quiet_hours=[{"start": "18:30", "end": "18:45"},
                               {"start": "19:30", "end": "19:45"}]),
    ])
    contiguous, pausing, two_hours = home.appliance("a"), home.appliance("b"), axis(hours=2)
    assert earliest_end(contiguous, two_hours, 0) == 6
    assert latest_start(contiguous, two_hours, 0, 8) == 3
    assert earliest_end(pausing, two_hours, 0) == 4
    assert latest_start(pausing, two_hours, 0, 8) == 4
    assert earliest_end(contiguous, two_hours, 0, 5) is None


# ----------------------------------------------------------------------------- quiet hours

def test_quiet_hours_block_the_cycle() -> None:
    """Dishwasher: 120 min = 8 steps, quiet 22:00–07:00, allowed steps [12, 56) = 21:00–Wed 08:00.

    Outside quiet hours that leaves 21:00–22:00 (4 steps) and Wed 07:00–08:00 (4 steps): no
    8-step run. Without quiet hours it fits, so the quiet hours block it. The earliest allowed
    slot from 21:00 starts Wed 07:00 (step 52) and ends step 60 = Wed 09:00.
    """
    home = make_home(appliances=[appliance("dishwasher", 120, 2.0,
                                           quiet_hours=[{"start": "22:00", "end": "07:00"}])])
    conflicts = request_conflicts(home, axis(), [run("dishwasher", 12, 56)])
    assert conflicts == [Conflict(
        kind="quiet_hours", severity="error", devices=["dishwasher"],
        message="Dishwasher cannot run its 120-minute cycle between 21:00 and Wed 08:00 outside "
                "its quiet hours 22:00–07:00.",
        resolutions=["finish by Wed 09:00 instead",
                     "allow it to run during quiet hours 22:00–07:00"],
    )]


def test_a_step_touching_quiet_hours_is_not_allowed() -> None:
    """30-minute steps, quiet 22:15–07:00, 150-minute cycle = 5 steps, request [4, 9) =
    20:00–22:30.

    Step 8 (22:00–22:30) starts outside quiet hours but its minutes 22:15–22:30 are inside, so
    it is not allowed (the rule of tools.devices.allowed_steps, which the scheduler uses): only
    4 steps remain and the quiet hours block the cycle. The earliest slot from 20:00 starts at
    Wed 07:00 (step 26) and ends step 31 = Wed 09:30.
    """
    home = make_home(appliances=[appliance("dishwasher", 150, 2.0,
                                           quiet_hours=[{"start": "22:15", "end": "07:00"}])])
    conflicts = request_conflicts(home, axis(step_minutes=30), [run("dishwasher", 4, 9)])
    assert conflicts == [Conflict(
        kind="quiet_hours", severity="error", devices=["dishwasher"],
        message="Dishwasher cannot run its 150-minute cycle between 20:00 and 22:30 outside "
                "its quiet hours 22:15–07:00.",
        resolutions=["finish by Wed 09:30 instead",
                     "allow it to run during quiet hours 22:15–07:00"],
    )]


def test_interruptible_appliance_fits_around_quiet_hours() -> None:
    """The same request, interruptible: 4 + 4 = 8 allowed steps ≥ 8 needed → no conflict."""
    home = make_home(appliances=[appliance("dishwasher", 120, 2.0, interruptible=True,
                                           quiet_hours=[{"start": "22:00", "end": "07:00"}])])
    assert request_conflicts(home, axis(), [run("dishwasher", 12, 56)]) == []


def test_quiet_hours_and_windows_block_together() -> None:
    """Windows 18:00–19:30 and 20:00–24:00, quiet 19:00–19:30, cycle 8 steps, request [0, 12).

    In-window steps: 18:00–19:30 (6) and 20:00–21:00 (4): no 8-run. Outside quiet hours:
    18:00–19:00 (4) and 19:30–21:00 (6): no 8-run. Without both rules 12 steps ≥ 8: both block.
    Earliest allowed slot on the axis: 20:00 (step 8) to 22:00 (step 16).
    """
    home = make_home(appliances=[appliance(
        "dishwasher", 120, 2.0,
        allowed_windows=[{"start": "18:00", "end": "19:30"}, {"start": "20:00", "end": "24:00"}],
        quiet_hours=[{"start": "19:00", "end": "19:30"}],
    )])
    conflict = only(request_conflicts(home, axis(), [run("dishwasher", 0, 12)]), "quiet_hours")
    assert conflict.message == (
        "Dishwasher cannot run its 120-minute cycle between 18:00 and 21:00 inside its allowed "
        "windows 18:00–19:30, 20:00–24:00 and outside its quiet hours 19:00–19:30."
    )
    assert conflict.resolutions == [
        "finish by 22:00 instead",
        "allow it to run during quiet hours 19:00–19:30 and outside its allowed windows "
        "18:00–19:30, 20:00–24:00",
    ]


@needs_window_kind
def test_allowed_windows_block_the_cycle() -> None:
    """Washing machine, window 09:00–17:00, 8 steps, request [0, 64) = 18:00–Wed 10:00.

    In-window steps: Wed 09:00–10:00 (4) only. No quiet hours, so the window blocks. Earliest
    slot: Wed 09:00 (step 60) to step 68 = Wed 11:00.
    """
    home = make_home(appliances=[appliance("washing_machine", 120, 2.0,
                                           allowed_windows=[{"start": "09:00", "end": "17:00"}])])
    conflicts = request_conflicts(home, axis(), [run("washing_machine", 0, 64)])
    assert conflicts == [Conflict(
        kind="window", severity="error", devices=["washing_machine"],
        message="Washing machine cannot run its 120-minute cycle between 18:00 and Wed 10:00 "
                "inside its allowed windows 09:00–17:00.",
        resolutions=["finish by Wed 11:00 instead",
                     "allow it to run outside its allowed windows 09:00–17:00"],
    )]


@needs_window_kind
def test_request_shorter_than_the_cycle() -> None:
    """A 100-minute cycle takes ceil(100/15) = 7 steps = 105 min; [0, 4) offers 60 min.

    Earliest end from 18:00: step 7 = 19:45.
    """
    home = make_home(appliances=[appliance("dishwasher", 100, 2.0)])
    conflict = only(request_conflicts(home, axis(), [run("dishwasher", 0, 4)]), "window")
    assert conflict.message == (
        "Dishwasher needs 105 minutes for its cycle, but only 60 minutes lie between 18:00 and "
        "19:00."
    )
    assert conflict.resolutions == ["finish by 19:45 instead"]


# ----------------------------------------------------------------------------- dependencies

def laundry_home() -> Home:
    return make_home(appliances=[
        appliance("washing_machine", 120, 2.0),
        appliance("tumble_dryer", 90, 2.5, after=["washing_machine"]),
    ])


def test_dependency_cannot_finish_in_time() -> None:
    """Washer (8 steps) from step 4 (19:00): earliest end step 12 = 21:00.

    Dryer (6 steps) by step 16 (22:00): latest start step 10 = 20:30 < 21:00 → error.
    Dryer from step 12: ends step 18 = 22:30. Washer ending by step 10 starts at step 2 = 18:30,
    before its requested 19:00.
    """
    conflicts = request_conflicts(
        laundry_home(), axis(), [run("washing_machine", 4, 96), run("tumble_dryer", 0, 16)]
    )
    assert conflicts == [Conflict(
        kind="dependency_order", severity="error", devices=["tumble_dryer", "washing_machine"],
        message="Tumble dryer runs after washing machine, but washing machine finishes at 21:00 "
                "at the earliest, and tumble dryer must start by 20:30 to finish by 22:00.",
        resolutions=["finish tumble dryer by 22:30 instead",
                     "let washing machine start by 18:30 (the request says not before 19:00)"],
    )]


def test_dependency_not_requested_is_assumed_done() -> None:
    """Only the dryer is requested: info, and the resolution adds the washer."""
    conflicts = request_conflicts(laundry_home(), axis(), [run("tumble_dryer", 0, 96)])
    assert conflicts == [Conflict(
        kind="dependency_order", severity="info", devices=["tumble_dryer", "washing_machine"],
        message="Tumble dryer runs after washing machine, which is not in this plan; Hearth "
                "assumes it has finished.",
        resolutions=["add washing machine to the plan"],
    )]


def test_dependency_with_room_is_no_conflict() -> None:
    """Both over the whole day: washer ends step 8, dryer may start up to step 90."""
    resolved = [run("washing_machine", 0, 96), run("tumble_dryer", 0, 96)]
    assert request_conflicts(laundry_home(), axis(), resolved) == []


# ----------------------------------------------------------------------------- grid limit

def test_appliance_above_the_import_limit() -> None:
    """A 12 kW sauna on an 11 kW connection, no battery or PV: it can never run."""
    home = make_home(appliances=[appliance("sauna", 60, 12.0)])
    assert request_conflicts(home, axis(), [run("sauna", 0, 96)]) == [Conflict(
        kind="grid_limit", severity="error", devices=["sauna"],
        message="Sauna draws 12.0 kW, more than the 11.0 kW grid import limit: it cannot run.",
        resolutions=["raise the grid import limit to at least 12.0 kW"],
    )]


def test_appliance_above_the_import_limit_with_a_battery_is_a_warning() -> None:
    """With a home battery the other 12 − 11 = 1.0 kW may come from it: warning."""
    home = make_home(appliances=[appliance("sauna", 60, 12.0)], battery=BATTERY)
    conflict = only(request_conflicts(home, axis(), [run("sauna", 0, 96)]), "grid_limit")
    assert conflict.severity == "warning"
    assert conflict.message.endswith(
        "; it can run only while the home battery or PV supply the other 1.0 kW."
    )


def test_ev_charger_cannot_store_the_energy_in_time() -> None:
    """60 kWh car from 20% to 80% needs 36.0 kWh stored; 7.4 kW × 0.9 × 0.25 h = 1.665 kWh/step.

    Steps [0, 20) (18:00–23:00) store 33.3 kWh → floor(20 + 100·33.3/60) = floor(75.5) = 75%.
    36 / 1.665 = 21.6 → 22 steps → 18:00 + 5.5 h = 23:30.
    """
    home = make_home(evs=[car()])
    conflicts = request_conflicts(home, axis(), [charge("car", 0, 20, 36.0, 80.0)])
    assert conflicts == [Conflict(
        kind="grid_limit", severity="error", devices=["car"],
        message="Car to 80% by 23:00 needs 36.0 kWh in the battery; charging at 7.4 kW (the "
                "charger's maximum) from 18:00 stores at most 33.3 kWh by then.",
        resolutions=["reach 75% by 23:00", "reach 80% by 23:30"],
    )]


def test_ev_limited_by_the_grid_and_beyond_the_horizon() -> None:
    """22 kW charger, 11 kW grid, no battery/PV: P = 11 kW → 11 × 0.9 × 0.25 = 2.475 kWh/step.

    A 3-hour axis (12 steps, ends 21:00) stores 29.7 kWh → floor(20 + 49.5) = 69%.
    36 / 2.475 = 14.5 → 15 steps → 21:45, beyond the horizon.
    """
    home = make_home(evs=[car(charger_max_kw=22.0)])
    conflict = only(request_conflicts(home, axis(hours=3), [charge("car", 0, 12, 36.0, 80.0)]),
                    "grid_limit")
    assert conflict.message == (
        "Car to 80% by 21:00 needs 36.0 kWh in the battery; charging at 11.0 kW (the grid import "
        "limit) from 18:00 stores at most 29.7 kWh by then."
    )
    assert conflict.resolutions == [
        "reach 69% by 21:00",
        "reach 80% by 21:45 (beyond this plan's horizon, which ends 21:00)",
    ]


def test_ev_charger_minimum_above_the_import_limit() -> None:
    """charger_min_kw 12 > 11 kW: the car cannot charge at all (and the energy check, at
    min(22, 11) = 11 kW over 96 steps = 237.6 kWh, is satisfied)."""
    home = make_home(evs=[car(charger_min_kw=12.0, charger_max_kw=22.0)])
    conflicts = request_conflicts(home, axis(), [charge("car", 0, 96, 36.0, 80.0)])
    assert [c.message for c in conflicts] == [
        "Car charges at no less than 12.0 kW, more than the 11.0 kW grid import limit: it "
        "cannot charge."
    ]


# ----------------------------------------------------------------------------- nothing to do

def test_ev_already_at_target_needs_nothing() -> None:
    """Car at 85%, target 80% → resolve_requests gives 0 kWh → info, no grid check."""
    home = make_home(evs=[car(current_soc_pct=85.0)])
    the_axis = axis()
    resolved = resolve_requests(home, the_axis, NOW, [
        DeviceRequest(device="car", kind="ev_charge", target_soc_pct=80.0)
    ])
    assert request_conflicts(home, the_axis, resolved) == [Conflict(
        kind="nothing_to_do", severity="info", devices=["car"],
        message="Car is at 85% already, at or above the target of 80%: nothing to charge.",
        resolutions=["ask for more than 85% (up to 100%)", "drop car from the request"],
    )]


def test_battery_target_below_the_backup_reserve() -> None:
    """Reserve 20% > min SoC 10%: a 15% target is kept at 20%; lowering the reserve to 15%
    is possible because 15% ≥ min SoC 10%."""
    home = make_home(battery=BATTERY)
    request = DeviceRequest(device="battery", kind="battery_target", target_soc_pct=15.0)
    conflicts = request_conflicts(home, axis(), [ResolvedRequest(request, 0, 96, None, 15.0)])
    assert conflicts == [Conflict(
        kind="battery_reserve", severity="warning", devices=["battery"],
        message="The target of 15% for Home battery is below its backup reserve of 20%: the plan "
                "keeps it at 20% or more.",
        resolutions=["ask for 20% or more", "lower the backup reserve to 15% in the home file"],
    )]


def test_reasonable_requests_have_no_conflicts() -> None:
    """Car 20% → 80% over 24 h (160 kWh possible), washer and dryer all day, battery to 50%."""
    home = make_home(
        evs=[car()], battery=BATTERY,
        appliances=[appliance("washing_machine", 120, 2.0),
                    appliance("tumble_dryer", 90, 2.5, after=["washing_machine"])],
    )
    battery = DeviceRequest(device="battery", kind="battery_target", target_soc_pct=50.0)
    resolved = [charge("car", 0, 96, 36.0, 80.0), run("washing_machine", 0, 96),
                run("tumble_dryer", 0, 96), ResolvedRequest(battery, 0, 96, None, 50.0)]
    assert request_conflicts(home, axis(), resolved) == []


# ----------------------------------------------------------------------------- plan: grid

def grid_home() -> Home:
    return make_home(evs=[car()], appliances=[appliance("dishwasher", 60, 2.0)])


def test_plan_grid_import_close_to_the_limit() -> None:
    """Limit 11 kW → threshold 0.95 × 11 = 10.45 kW; steps 2–4 (18:30–19:15) are at or above.

    Peak 10.6 kW first at step 2 (18:30), headroom 11 − 10.6 = 0.4 kW; loads at 18:30:
    car 7.4 kW, dishwasher 2.0 kW.
    """
    plan = make_plan(
        [3.0, 3.0, 10.6, 10.6, 10.5, 3.0, 3.0, 3.0],
        {"car": [0, 0, 7.4, 7.4, 7.4, 0, 0, 0], "dishwasher": [0, 0, 2.0, 2.0, 2.0, 0, 0, 0]},
    )
    conflicts = plan_conflicts(grid_home(), plan)
    assert conflicts == [Conflict(
        kind="grid_limit", severity="warning", devices=["car", "dishwasher"],
        message="Grid import comes within 5% of the 11.0 kW import limit from 18:30 to 19:15, "
                "peaking at 10.6 kW at 18:30 (0.4 kW headroom).",
        resolutions=["move car (7.4 kW at 18:30) to a time with more headroom",
                     "move dishwasher (2.0 kW at 18:30) to a time with more headroom"],
    )]


def test_plan_grid_import_above_the_limit() -> None:
    """Steps 1–2 at 11.6 kW (18:15–18:45), 0.6 kW over; step 4 at 11.2 kW is another."""
    plan = make_plan([3.0, 11.6, 11.6, 3.0, 11.2, 3.0], {"car": [0, 7.4, 7.4, 0, 7.4, 0]})
    conflict = only(plan_conflicts(grid_home(), plan), "grid_limit")
    assert conflict.severity == "error"
    assert conflict.message == (
        "Grid import exceeds the 11.0 kW import limit from 18:15 to 18:45, peaking at 11.6 kW at "
        "18:15 (0.6 kW over). 1 other step(s) are over the limit too."
    )


def test_plan_with_headroom_has_no_conflict() -> None:
    """Peak 10.4 kW < 10.45 kW: no grid conflict; a single appliance overlaps nothing."""
    plan = make_plan([3.0, 10.4, 3.0], {"car": [0, 7.4, 0], "dishwasher": [0, 2.0, 0]})
    assert plan_conflicts(grid_home(), plan) == []


# ----------------------------------------------------------------------------- plan: overlap, rules

def two_appliance_home() -> Home:
    return make_home(appliances=[appliance("washing_machine", 60, 2.0),
                                 appliance("dishwasher", 60, 2.0)])


def test_plan_overlap_is_info() -> None:
    """Washer steps 0–3, dishwasher 2–5: both in steps 2–3 = 18:30–19:00. The washer starts
    first and ends at step 4 = 19:00."""
    plan = make_plan([2.3] * 8, {"washing_machine": [2.0] * 4 + [0.0] * 4,
                                 "dishwasher": [0.0] * 2 + [2.0] * 4 + [0.0] * 2})
    assert plan_conflicts(two_appliance_home(), plan) == [Conflict(
        kind="overlap", severity="info", devices=["washing_machine", "dishwasher"],
        message="Washing machine and dishwasher run at the same time from 18:30 to 19:00.",
        resolutions=["run dishwasher after washing machine (from 19:00)"],
    )]


def test_plan_overlap_on_a_tight_grid_is_a_warning() -> None:
    """Import 10.5 kW ≥ 10.45 kW in step 3, a shared step → overlap warning (plus grid)."""
    grid = [2.3, 2.3, 4.3, 10.5, 2.3, 2.3, 2.3, 2.3]
    plan = make_plan(grid, {"washing_machine": [2.0] * 4 + [0.0] * 4,
                            "dishwasher": [0.0] * 2 + [2.0] * 4 + [0.0] * 2})
    conflict = only(plan_conflicts(two_appliance_home(), plan), "overlap")
    assert conflict.severity == "warning"
    assert conflict.message == (
        "Washing machine and dishwasher run at the same time from 18:30 to 19:00, while grid "
        "import is within 5% of the 11.0 kW limit."
    )


def test_plan_dryer_before_washer_finishes() -> None:
    """Washer steps 0–3 (ends 19:00), dryer from step 2 (18:30): dependency error, no overlap."""
    plan = make_plan([4.8] * 6, {"washing_machine": [2.0] * 4 + [0.0] * 2,
                                 "tumble_dryer": [0.0] * 2 + [2.5] * 4})
    assert plan_conflicts(laundry_home(), plan) == [Conflict(
        kind="dependency_order", severity="error", devices=["tumble_dryer", "washing_machine"],
        message="Tumble dryer starts at 18:30, before washing machine finishes at 19:00.",
        resolutions=["run tumble dryer from 19:00"],
    )]


def test_plan_running_in_quiet_hours() -> None:
    """Quiet 18:30–19:00; the plan runs steps 1–2 (18:15–18:45): step 2 (18:30) is quiet."""
    home = make_home(appliances=[appliance("dishwasher", 30, 2.0,
                                           quiet_hours=[{"start": "18:30", "end": "19:00"}])])
    plan = make_plan([2.3] * 4, {"dishwasher": [0.0, 2.0, 2.0, 0.0]})
    assert plan_conflicts(home, plan) == [Conflict(
        kind="quiet_hours", severity="error", devices=["dishwasher"],
        message="The plan runs dishwasher from 18:30 to 18:45, inside its quiet hours 18:30–19:00.",
    )]


def test_plan_step_partly_in_quiet_hours() -> None:
    """Hourly steps, quiet 18:30–19:00; the plan runs step 0 (18:00–19:00), half of it quiet.

    A step counts when any of its minutes is quiet, as in the audit and the scheduler.
    """
    home = make_home(appliances=[appliance("dishwasher", 60, 2.0,
                                           quiet_hours=[{"start": "18:30", "end": "19:00"}])])
    plan = make_plan([2.3, 0.3], {"dishwasher": [2.0, 0.0]}, step_minutes=60)
    assert plan_conflicts(home, plan) == [Conflict(
        kind="quiet_hours", severity="error", devices=["dishwasher"],
        message="The plan runs dishwasher from 18:00 to 19:00, inside its quiet hours 18:30–19:00.",
    )]


@needs_window_kind
def test_plan_running_outside_its_window() -> None:
    """Window 18:00–18:30; the plan runs steps 1–2 (18:15–18:45): step 2 (18:30) is outside."""
    home = make_home(appliances=[appliance("dishwasher", 30, 2.0,
                                           allowed_windows=[{"start": "18:00", "end": "18:30"}])])
    plan = make_plan([2.3] * 4, {"dishwasher": [0.0, 2.0, 2.0, 0.0]})
    assert plan_conflicts(home, plan) == [Conflict(
        kind="window", severity="error", devices=["dishwasher"],
        message="The plan runs dishwasher from 18:30 to 18:45, outside its allowed windows "
                "18:00–18:30.",
    )]


# ----------------------------------------------------------------------------- plan: battery

def test_plan_takes_the_battery_to_its_floor() -> None:
    """Floor = max(10, 20) = 20% (backup reserve). SoC at boundaries 60 50 40 30 20 20 20.3 30 40:
    boundaries 4–6 are within 0.5 %-points of 20%; boundary 4 = 19:00, boundary 6 = 19:30."""
    home = make_home(battery=BATTERY)
    plan = make_plan([1.0] * 8, battery_soc_pct=[60, 50, 40, 30, 20, 20, 20.3, 30, 40])
    assert plan_conflicts(home, plan) == [Conflict(
        kind="battery_reserve", severity="info", devices=["battery"],
        message="The plan takes Home battery from 60% down to its floor of 20% (backup reserve) "
                "at 19:00 and keeps it there until 19:30.",
        resolutions=["ask for a battery target above 20% by 19:00 to keep more stored"],
    )]


def test_plan_above_the_floor_or_starting_there_is_quiet() -> None:
    """Lowest SoC 21% > 20.5%: nothing; starting at 20% and staying there: no descent."""
    home = make_home(battery=BATTERY)
    assert plan_conflicts(home, make_plan([1.0] * 2, battery_soc_pct=[60, 21, 40])) == []
    assert plan_conflicts(home, make_plan([1.0] * 2, battery_soc_pct=[20, 20, 20])) == []


# ----------------------------------------------------------------------------- plan: approved runs

def test_an_appliance_waiting_for_an_approved_run_is_told() -> None:
    """The washing machine's approved run ends at 20:00; the planner moved the dryer's earliest
    start there (tools.planning), so the plan says why the dryer waits (info, not a warning)."""
    home = laundry_home()
    washer_end = NOW + timedelta(hours=2)
    washer = Commitment(
        device="washing_machine", kind="appliance_run", energy_kwh=4.0, cost=1.2,
        segments=[Segment(start=NOW, end=washer_end, power_kw=2.0)], plan_number=1,
    )
    dryer = DeviceRequest(device="tumble_dryer", kind="appliance_run", earliest_start=washer_end)
    plan = make_plan([1.0] * 12, {"tumble_dryer": [0] * 8 + [2.5] * 4}, requests=[dryer])
    plan = plan.model_copy(update={"committed": [washer]})
    assert plan_conflicts(home, plan) == [Conflict(
        kind="dependency_order", severity="info", devices=["tumble_dryer", "washing_machine"],
        message="Tumble dryer waits for the approved washing machine run, which ends at 20:00.",
    )]


# ----------------------------------------------------------------------------- all together

def test_detect_conflicts_sorts_by_severity_then_kind() -> None:
    """Requests: sauna 12 kW (error grid_limit), dryer alone (info dependency_order), car at 85%
    (info nothing_to_do). Plan: import 10.6 kW (warning grid_limit). Order: error, warning,
    then the infos by kind (dependency_order < nothing_to_do)."""
    home = make_home(
        evs=[car(current_soc_pct=85.0)],
        appliances=[appliance("washing_machine", 120, 2.0),
                    appliance("tumble_dryer", 90, 2.5, after=["washing_machine"]),
                    appliance("sauna", 60, 12.0)],
    )
    resolved = [charge("car", 0, 96, 0.0, 80.0), run("tumble_dryer", 0, 96), run("sauna", 0, 96)]
    plan = make_plan([10.6, 3.0], {"tumble_dryer": [2.5, 0.0]})
    conflicts = detect_conflicts(home, axis(), resolved, plan)
    assert [(c.severity, c.kind) for c in conflicts] == [
        ("error", "grid_limit"), ("warning", "grid_limit"),
        ("info", "dependency_order"), ("info", "nothing_to_do"),
    ]
    assert detect_conflicts(home, axis(), resolved, None) == request_conflicts(
        home, axis(), resolved
    )
