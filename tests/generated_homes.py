"""Generated homes for the property test and ``make fuzz``: one generator, two sources of choices.

:func:`generate_case` builds a home, planning inputs on an explicit axis, and requests from a
:class:`Picker`: :class:`RngPicker` draws from a seeded ``numpy`` generator (``tests/fuzz.py``:
case ``k`` of seed ``s`` is always the same home), :class:`DrawPicker` from Hypothesis (the
property test in ``tests/test_plan_properties.py``, which shrinks a failure to a small home).

What the homes contain (``size="full"``; ``size="small"`` keeps horizons ≤ 24 h at 15–60 min
and at most three appliances so the CI run stays short):

* an axis of 5/15/30/60-minute steps over 4–72 h from a local time in Europe/Berlin (DST days
  included: the start date is drawn over a year);
* hourly import prices from a random walk around 0.05–0.40, with a negative stretch in some
  homes, export prices flat, a share of the import price, or negative; an optional demand charge;
* PV as a daylight sine scaled by a per-day cloud factor, base load from a daily shape;
* grid limits from generous to tight (the import limit may sit just above the base load, the
  export limit at 0, 1.3 or 3 kW);
* an optional battery (capacity, bounds, reserve, powers, efficiencies, start SoC, final SoC);
* 0–2 EVs (with or without a charger minimum) and 0–6 appliances from a catalogue with profiles,
  windows, quiet hours, "after" dependencies and interruptible loads;
* requests for some of the devices, with deadlines from "too soon" to the horizon end, and battery
  requests (a target by a time, a floor over a period, "not into the car").

Nothing here is checked for feasibility: the properties say what must hold in every case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from tools.home import Home, parse_home
from tools.inputs import PlanningInputs
from tools.requests import DeviceRequest
from tools.timeaxis import TimeAxis

T = TypeVar("T")
TZ = "Europe/Berlin"


class Picker(Protocol):
    """Where the generator's choices come from."""

    def choice(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (both included)."""
        ...

    def chance(self, probability: float) -> bool: ...

    def uniform(self, low: float, high: float) -> float:
        """A number in ``[low, high]``, rounded to 3 decimals."""
        ...


class RngPicker:
    """Choices from a seeded :class:`numpy.random.Generator` (reproducible per seed)."""

    def __init__(self, seed: int | Sequence[int]) -> None:
        self.rng = np.random.default_rng(seed)

    def choice(self, options: Sequence[T]) -> T:
        return options[int(self.rng.integers(len(options)))]

    def integer(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    def chance(self, probability: float) -> bool:
        return bool(self.rng.random() < probability)

    def uniform(self, low: float, high: float) -> float:
        return round(float(self.rng.uniform(low, high)), 3)


class DrawPicker:
    """Choices from Hypothesis' ``draw`` (shrinks towards the first option, low numbers, False)."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self.draw = draw
        self.st = st

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(self.st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return int(self.draw(self.st.integers(low, high)))

    def chance(self, probability: float) -> bool:
        return bool(self.draw(self.st.booleans()))

    def uniform(self, low: float, high: float) -> float:
        return round(float(self.draw(self.st.floats(low, high, allow_nan=False))), 3)


@dataclass(frozen=True)
class Case:
    """One generated home with its inputs and requests (``now`` = the axis start)."""

    home: Home
    inputs: PlanningInputs
    requests: list[DeviceRequest]
    label: str

    @property
    def now(self) -> datetime:
        return self.inputs.axis.start


APPLIANCES: list[dict[str, Any]] = [
    {"id": "dishwasher", "cycle": {"profile_step_minutes": 15,
                                   "profile_kw": [1.9, 0.15, 0.15, 0.15, 1.9, 0.1, 0.05, 0.05]}},
    {"id": "washer", "cycle": {"profile_step_minutes": 15,
                               "profile_kw": [2.0, 2.0, 0.3, 0.3, 0.3, 0.3, 0.5, 0.5]}},
    {"id": "dryer", "cycle": {"duration_minutes": 90, "power_kw": 2.2}, "after": ["washer"]},
    {"id": "water_heater", "cycle": {"duration_minutes": 180, "power_kw": 3.0},
     "interruptible": True},
    {"id": "pool_pump", "cycle": {"duration_minutes": 240, "power_kw": 1.1}},
    {"id": "sauna", "cycle": {"profile_step_minutes": 30, "profile_kw": [6.0, 4.5, 3.0]}},
    {"id": "ebike", "cycle": {"duration_minutes": 200, "power_kw": 0.4}},
    {"id": "mower", "cycle": {"duration_minutes": 75, "power_kw": 0.6}, "after": ["ebike"]},
]
PEAK_KW = {"dishwasher": 1.9, "washer": 2.0, "dryer": 2.2, "water_heater": 3.0,
           "pool_pump": 1.1, "sauna": 6.0, "ebike": 0.4, "mower": 0.6}


def _clock(minutes: int) -> str:
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _axis(pick: Picker, size: str) -> TimeAxis:
    if size == "small":
        step = pick.choice([15, 30, 60])
        hours = pick.integer(4, 24)
    else:
        step = pick.choice([5, 15, 30, 60])
        hours = pick.integer(4, 72)
    day = datetime(2026, 1, 1, tzinfo=ZoneInfo(TZ)) + timedelta(days=pick.integer(0, 364))
    now = day.replace(hour=pick.integer(0, 23), minute=pick.choice([0, 7, 30]))
    return TimeAxis.from_now(now, tz_name=TZ, step_minutes=step, horizon_hours=hours)


def _hourly_to_steps(axis: TimeAxis, hourly: np.ndarray) -> np.ndarray:
    """Per-step values from values per hour since the axis start (each step in its hour)."""
    hours_since = (np.arange(axis.n_steps) * axis.step_minutes) // 60
    return hourly[hours_since]


def _inputs(pick: Picker, axis: TimeAxis) -> PlanningInputs:
    n_hours = math.ceil(axis.hours) + 1
    level = pick.choice([0.05, 0.15, 0.25, 0.40])
    walk = [level]
    for _ in range(n_hours - 1):
        walk.append(max(0.0, walk[-1] + pick.choice([-0.04, -0.02, 0.0, 0.0, 0.02, 0.04])))
    hourly = np.round(np.array(walk), 4)
    if pick.chance(0.3):  # a stretch of negative prices
        first = pick.integer(0, n_hours - 1)
        hourly[first : first + pick.integer(1, 6)] = pick.choice([-0.02, -0.05, -0.12])
    imports = _hourly_to_steps(axis, hourly)
    export_kind = pick.choice(["flat", "flat", "share", "negative"])
    if export_kind == "flat":
        exports = np.full(axis.n_steps, pick.choice([0.0, 0.04, 0.08]))
    elif export_kind == "share":
        exports = np.round(imports * pick.choice([0.5, 0.9, 1.1]), 4)
    else:
        exports = np.where(imports < 0.1, -0.03, 0.05)
    hour = axis.local_minute_of_day / 60.0
    clouds = _hourly_to_steps(
        axis, np.array([pick.choice([0.2, 0.6, 1.0]) for _ in range(n_hours)])
    )
    peak_kw = pick.choice([0.0, 3.0, 6.0, 10.0])
    pv = np.round(peak_kw * clouds * np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None), 4)
    night, day = pick.choice([0.2, 0.4]), pick.choice([0.3, 0.8, 1.5])
    base = np.round(np.where((hour >= 7) & (hour < 22), day, night), 4)
    return PlanningInputs(
        axis=axis,
        import_price_per_kwh=imports,
        export_price_per_kwh=exports,
        pv_kw=pv,
        base_load_kw=base,
        co2_g_per_kwh=None,
        currency="EUR",
        demand_charge_per_kw=pick.choice([0.0, 0.0, 0.0, 0.5]),
    )


def _battery(pick: Picker) -> dict[str, Any]:
    min_soc = pick.choice([0.0, 5.0, 10.0])
    spec: dict[str, Any] = {
        "capacity_kwh": pick.choice([3.0, 5.0, 10.0, 13.5, 20.0]),
        "min_soc_pct": min_soc,
        "max_soc_pct": pick.choice([90.0, 100.0]),
        "backup_reserve_pct": pick.choice([0.0, 0.0, 20.0]),
        "initial_soc_pct": pick.choice([0.0, 15.0, 40.0, 80.0, 100.0]),
        "max_charge_kw": pick.choice([2.5, 5.0]),
        "max_discharge_kw": pick.choice([2.5, 5.0]),
        "charge_efficiency": pick.choice([0.9, 0.95, 1.0]),
        "discharge_efficiency": pick.choice([0.9, 0.95]),
    }
    if pick.chance(0.2):
        spec["final_soc_pct"] = pick.choice([0.0, 50.0])
    return spec


def _ev(pick: Picker, number: int) -> dict[str, Any]:
    charger_max_kw = pick.choice([3.7, 7.2, 11.0])
    return {
        "id": f"ev{number}",
        "battery_kwh": pick.choice([40.0, 60.0, 80.0]),
        "charger_min_kw": min(charger_max_kw, pick.choice([0.0, 1.4, 4.1])),
        "charger_max_kw": charger_max_kw,
        "charging_efficiency": pick.choice([0.85, 0.9, 1.0]),
        "current_soc_pct": pick.choice([10.0, 30.0, 60.0]),
    }


def _appliance(pick: Picker, spec: dict[str, Any]) -> dict[str, Any]:
    entry = {**spec}
    if pick.chance(0.5):
        start = pick.integer(0, 23) * 60
        entry["allowed_windows"] = [{"start": _clock(start),
                                     "end": _clock(start + pick.integer(5, 20) * 60)}]
    if pick.chance(0.3):
        start = pick.integer(0, 23) * 60
        entry["quiet_hours"] = [{"start": _clock(start),
                                 "end": _clock(start + pick.integer(1, 8) * 60)}]
    return entry


def _deadline(pick: Picker, axis: TimeAxis) -> datetime | None:
    """A deadline on a 5-minute clock, mostly in the later part of the horizon, or ``None``
    (the horizon end); one in ten anywhere (some of those are too soon)."""
    if pick.chance(0.3):
        return None
    slots = int(axis.hours * 12)
    low = 1 if pick.chance(0.1) else max(1, int(0.3 * slots))
    return axis.start + timedelta(minutes=pick.integer(low, slots) * 5)


def generate_case(pick: Picker, *, size: str = "full", label: str = "") -> Case:
    """One home, its inputs and its requests (see the module docstring)."""
    axis = _axis(pick, size)
    inputs = _inputs(pick, axis)
    evs = [_ev(pick, k + 1) for k in range(pick.integer(0, 2))]
    most = 3 if size == "small" else 6
    chosen = [spec for spec in APPLIANCES if pick.chance(0.5)][:most]
    ids = {spec["id"] for spec in chosen}
    chosen = [{**s, "after": [d for d in s.get("after", []) if d in ids]} for s in chosen]
    appliances = [_appliance(pick, spec) for spec in chosen]
    battery = _battery(pick) if pick.chance(0.7) else None
    device_peak = sum(e["charger_max_kw"] for e in evs) + sum(PEAK_KW[a["id"]] for a in chosen)
    base_peak = float(inputs.base_load_kw.max())
    import_limit = pick.choice(
        [base_peak + 1.0, base_peak + 4.0, 13.8, max(13.8, base_peak + device_peak + 6.0)]
    )
    home_data: dict[str, Any] = {
        "name": f"Generated home {label}".strip(),
        "timezone": TZ,
        "location": {"latitude_deg": 52.5, "longitude_deg": 13.4, "altitude_m": 34},
        "grid": {"import_limit_kw": round(import_limit, 3),
                 "export_limit_kw": pick.choice([0.0, 1.3, 3.0, 6.0, 20.0])},
        "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": 0.25}},
        "base_load": {"type": "hourly", "power_kw": [0.0] * 24},
        "evs": evs,
        "appliances": appliances,
    }
    if battery is not None:
        home_data["battery"] = battery
    home = parse_home(home_data)
    requests: list[DeviceRequest] = []
    for ev in evs:
        if pick.chance(0.8):
            deadline = _deadline(pick, axis)
            target = pick.choice([50.0, 80.0, 100.0])
            requests.append(DeviceRequest(
                device=ev["id"], kind="ev_charge", deadline=deadline,
                target_soc_pct=max(target, ev["current_soc_pct"]),
                earliest_start=_before(pick, axis, deadline),
                objective=pick.choice(["cost", "cost", "asap"]),
            ))
    for spec in appliances:
        if pick.chance(0.8):
            deadline = _deadline(pick, axis)
            requests.append(DeviceRequest(
                device=spec["id"], kind="appliance_run", deadline=deadline,
                earliest_start=_before(pick, axis, deadline),
            ))
    if battery is not None:
        requests += _battery_requests(pick, axis, battery, has_evs=bool(evs))
    return Case(home, inputs, requests, label)


def _battery_requests(
    pick: Picker, axis: TimeAxis, battery: dict[str, Any], *, has_evs: bool
) -> list[DeviceRequest]:
    """Some of: a target by a deadline, a floor over a period, "not into the car"."""
    out = []
    if pick.chance(0.3):
        level = min(pick.choice([30.0, 50.0, 80.0, 100.0]), battery["max_soc_pct"])
        out.append(DeviceRequest(device="battery", kind="battery_target", target_soc_pct=level,
                                 deadline=_deadline(pick, axis)))
    if pick.chance(0.3):
        deadline = _deadline(pick, axis)
        level = min(pick.choice([20.0, 30.0, 60.0]), battery["max_soc_pct"])
        out.append(DeviceRequest(device="battery", kind="battery_floor", floor_soc_pct=level,
                                 earliest_start=_before(pick, axis, deadline), deadline=deadline))
    if has_evs and pick.chance(0.3):
        deadline = _deadline(pick, axis)
        out.append(DeviceRequest(device="battery", kind="battery_no_ev_discharge",
                                 earliest_start=_before(pick, axis, deadline), deadline=deadline))
    return out


def _before(pick: Picker, axis: TimeAxis, deadline: datetime | None) -> datetime | None:
    """An earliest start before ``deadline`` (or ``None``, "now")."""
    if pick.chance(0.6):
        return None
    end = deadline or axis.end
    slots = int((end - axis.start).total_seconds() // 300)
    if slots <= 1:
        return None
    return axis.start + timedelta(minutes=pick.integer(0, max(0, int(0.4 * slots))) * 5)
