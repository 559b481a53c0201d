"""From the plan being carried out to the setpoint each device should have now, safely.

:func:`desired_commands` reads the plan's step at ``now`` and the devices' readings and returns one
:class:`~app.drivers.base.Command` per controlled device, or the device's *safe* command with the
reason it is held:

* EV — the planned charging power while the car is plugged in and its readings are fresh; else
  0 kW (charging paused).
* battery — ``charge``/``discharge`` at the planned AC power, ``idle`` where the plan holds it;
  ``auto`` (the inverter's own self-consumption, within its reserve) when its readings are stale
  or no plan step covers now.
* whole-cycle appliance — ``start`` once, in the step the plan starts it, only when it reports
  ``ready``, its reading is fresh, the run has not been asked for before, and every minute of the
  cycle lies inside its allowed windows, outside its quiet hours and within its request's period.
* interruptible appliance — on in the planned steps that are allowed now, off otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from app.drivers.base import Command, Readings
from app.runner.live import fresh
from tools.devices import allowed_minutes
from tools.home import Appliance, Home
from tools.requests import DeviceRequest
from tools.results import Plan

#: Planned power below this is "off" [kW].
POWER_EPSILON_KW = 1e-3


@dataclass(frozen=True)
class Intent:
    """What a device should get now.

    ``command`` is what to send (the safe command when the device is held), ``None`` when
    nothing must be sent (an appliance that is not started); ``held`` says why the device is held
    safe instead of following the plan.
    """

    device: str
    command: Command | None
    held: str | None = None


def _intent(command: Command, held: str | None = None) -> Intent:
    return Intent(command.device, command, held)


def step_index(plan: Plan, now: datetime) -> int | None:
    """The plan's step containing ``now``, or ``None`` outside its horizon."""
    offset_s = (now - plan.horizon_start).total_seconds()
    index = int(offset_s // (plan.step_minutes * 60))
    return index if 0 <= index < len(plan.series.times) else None


def run_id(plan_store_id: int, device_id: str) -> str:
    """The one run id of a device under an approved plan (the same across re-plans)."""
    return f"plan{plan_store_id}-{device_id}"


def planned_start(plan: Plan, device_id: str) -> datetime | None:
    """When the plan starts the device's cycle (its first step with power)."""
    power = plan.series.device_kw.get(device_id)
    if not power:
        return None
    on = np.flatnonzero(np.asarray(power) > POWER_EPSILON_KW)
    return plan.series.times[int(on[0])] if len(on) else None


def cycle_allowed(appliance: Appliance, start: datetime, tz: str) -> bool:
    """Every minute of a cycle from ``start`` inside the windows and outside the quiet hours."""
    ok = allowed_minutes(appliance)
    local = start.astimezone(ZoneInfo(tz))
    for minute in range(appliance.cycle.total_minutes):
        moment = (local + timedelta(minutes=minute)).astimezone(ZoneInfo(tz))
        if not ok[moment.hour * 60 + moment.minute]:
            return False
    return True


def desired_commands(
    home: Home,
    plan: Plan | None,
    plan_store_id: int | None,
    requests: dict[str, DeviceRequest],
    now: datetime,
    readings: Readings,
    *,
    controlled: set[str],
    started_runs: set[str],
) -> list[Intent]:
    """One intent per controlled device for ``now`` (see the module docstring for the rules)."""
    index = step_index(plan, now) if plan is not None else None
    intents: list[Intent] = []

    def is_fresh(device_id: str, role: str) -> bool:
        reading = readings.get(device_id, {}).get(role)
        return fresh(reading, now, home.integration.stale_after_s(device_id))

    def planned_kw(device_id: str) -> float:
        if plan is None or index is None:
            return 0.0
        return float(plan.series.device_kw.get(device_id, [0.0] * (index + 1))[index])

    for ev in home.evs:
        if ev.id not in controlled:
            continue
        power = planned_kw(ev.id)
        safe = Command(device=ev.id, action="ev_power", power_kw=0.0)
        plugged = readings.get(ev.id, {}).get("plugged_in")
        if power <= POWER_EPSILON_KW:
            intents.append(_intent(safe))
        elif not (is_fresh(ev.id, "soc_pct") and is_fresh(ev.id, "plugged_in")):
            intents.append(_intent(safe, held="its readings are stale"))
        elif plugged is None or plugged.value is not True:
            intents.append(_intent(safe))
        else:
            intents.append(
                _intent(Command(device=ev.id, action="ev_power", power_kw=round(power, 3)))
            )

    battery = home.battery
    if battery is not None and battery.id in controlled:
        auto = Command(device=battery.id, action="battery", mode="auto", power_kw=0.0)
        if plan is None or index is None:
            intents.append(_intent(auto))
        elif not is_fresh(battery.id, "soc_pct"):
            intents.append(_intent(auto, held="its readings are stale"))
        else:
            net = plan.series.battery_charge_kw[index] - plan.series.battery_discharge_kw[index]
            if net > POWER_EPSILON_KW:
                command = Command(
                    device=battery.id, action="battery", mode="charge", power_kw=round(net, 3)
                )
            elif net < -POWER_EPSILON_KW:
                command = Command(
                    device=battery.id, action="battery", mode="discharge", power_kw=round(-net, 3)
                )
            else:
                command = Command(device=battery.id, action="battery", mode="idle", power_kw=0.0)
            intents.append(_intent(command))

    for appliance in home.appliances:
        if appliance.id not in controlled or plan is None or plan_store_id is None:
            continue
        request = requests.get(appliance.id)
        if appliance.interruptible:
            intents.append(
                _interruptible(
                    appliance,
                    planned_kw(appliance.id),
                    now,
                    home,
                    request,
                    is_fresh(appliance.id, "status"),
                )
            )
            continue
        intent = _start(
            appliance,
            plan,
            plan_store_id,
            request,
            now,
            home,
            readings,
            is_fresh(appliance.id, "status"),
            started_runs,
        )
        if intent is not None:
            intents.append(intent)
    return intents


def _within(request: DeviceRequest | None, start: datetime, end: datetime) -> bool:
    if request is None:
        return False
    earliest_ok = request.earliest_start is None or start >= request.earliest_start
    deadline_ok = request.deadline is None or end <= request.deadline
    return earliest_ok and deadline_ok


def _interruptible(
    appliance: Appliance,
    power_kw: float,
    now: datetime,
    home: Home,
    request: DeviceRequest | None,
    status_fresh: bool,
) -> Intent:
    off = Command(device=appliance.id, action="appliance_enable", enabled=False)
    if power_kw <= POWER_EPSILON_KW:
        return _intent(off)
    if not status_fresh:
        return _intent(off, held="its readings are stale")
    local = now.astimezone(ZoneInfo(home.timezone))
    if not allowed_minutes(appliance)[local.hour * 60 + local.minute]:
        return _intent(off, held="now is outside its allowed hours")
    if not _within(request, now, now + timedelta(minutes=1)):
        return _intent(off, held="now is outside its request's period")
    return _intent(Command(device=appliance.id, action="appliance_enable", enabled=True))


def _start(
    appliance: Appliance,
    plan: Plan,
    plan_store_id: int,
    request: DeviceRequest | None,
    now: datetime,
    home: Home,
    readings: Readings,
    status_fresh: bool,
    started_runs: set[str],
) -> Intent | None:
    """A start command in the planned start step, if every safety check passes."""
    start = planned_start(plan, appliance.id)
    if start is None or not start <= now < start + timedelta(minutes=plan.step_minutes):
        return None
    rid = run_id(plan_store_id, appliance.id)
    if rid in started_runs:
        return None
    command = Command(device=appliance.id, action="appliance_start", run_id=rid)
    status = readings.get(appliance.id, {}).get("status")
    device = appliance.id
    if not status_fresh:
        return Intent(device, None, held="its status reading is stale; not started")
    if status is None or status.value != "ready":
        shown = status.value if status is not None else "nothing"
        return Intent(device, None, held=f"it reports {shown}, not ready; not started")
    end = now + timedelta(minutes=appliance.cycle.total_minutes)
    if not cycle_allowed(appliance, now, home.timezone):
        return Intent(
            device, None, held="its cycle would run outside its allowed hours; not started"
        )
    if not _within(request, now, end):
        return Intent(
            device, None, held="its cycle would not fit its request's period; not started"
        )
    return _intent(command)
