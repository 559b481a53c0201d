"""A simulated home: the physics the runner's commands act on, minute by minute.

EVs charge at their setpoint (clipped to the charger's range and the car's charge limit) while
plugged in; the battery follows its mode (``charge``/``discharge`` at a setpoint, ``idle``, or
``auto`` = self-consumption within its reserve); appliances run their whole cycle profile once
started, and an interruptible one runs while enabled until its energy is done. PV is the home's own
pvlib forecast and the base load its own profile, each times a noise factor drawn per quarter hour
from a ``numpy.random.Generator`` seeded with ``(seed, quarter-hour number)`` — so the same seed
gives the same weather whatever order the simulation is queried in, and after a restart.

Faults and homeowner actions for tests: :meth:`SimHome.freeze` (a sensor stops reporting),
:meth:`SimHome.drop_commands` (commands are lost), :meth:`SimHome.unplug`/:meth:`SimHome.plug`,
:meth:`SimHome.set_ev_soc`, :meth:`SimHome.load` (an appliance loaded again after its run).
:meth:`SimHome.snapshot` and :meth:`SimHome.restore` carry the simulated world across a restart.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.drivers.base import ApplianceStatus, BatteryMode, Command, Reading, Readings
from app.drivers.codec import current_a
from tools.baseload import base_load_kw
from tools.home import Appliance, Home
from tools.solar import pv_forecast_kw
from tools.timeaxis import TimeAxis, require_aware

SOURCE = "sim"
_QUARTER_S = 900


class SimEv(BaseModel):
    model_config = ConfigDict(extra="forbid")

    soc_pct: float
    plugged_in: bool = True
    setpoint_kw: float = 0.0
    power_kw: float = 0.0


class SimBattery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    soc_kwh: float
    mode: BatteryMode = "auto"
    setpoint_kw: float = 0.0
    power_kw: float = Field(default=0.0, description="AC power, > 0 charging [kW].")


class SimAppliance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ApplianceStatus = "ready"
    run_id: str | None = None
    minutes_done: int = 0
    enabled: bool = False
    power_kw: float = 0.0
    runs_started: list[str] = Field(default=[], description="Run ids started, in order.")
    started_at: list[AwareDatetime] = []


class SimState(BaseModel):
    """Everything that changes in the simulated home (what a snapshot holds)."""

    model_config = ConfigDict(extra="forbid")

    now: AwareDatetime
    evs: dict[str, SimEv]
    battery: SimBattery | None
    appliances: dict[str, SimAppliance]
    pv_kw: float = 0.0
    grid_kw: float = 0.0
    frozen: dict[str, dict[str, Reading]] = Field(
        default={}, description="Device → its last readings before its sensors stopped."
    )
    dropping: dict[str, int] = Field(default={}, description="Device → commands still to lose.")


class SimHome:
    """The simulated home of ``home``, starting at ``start``."""

    def __init__(self, home: Home, start: datetime, *, seed: int | None = None) -> None:
        require_aware(start, "start")
        self.home = home
        self.seed = home.integration.simulation.seed if seed is None else seed
        battery = home.battery
        self.state = SimState(
            now=start,
            evs={ev.id: SimEv(soc_pct=ev.current_soc_pct) for ev in home.evs},
            battery=(
                SimBattery(soc_kwh=battery.capacity_kwh * battery.initial_soc_pct / 100)
                if battery is not None
                else None
            ),
            appliances={a.id: SimAppliance() for a in home.appliances},
        )
        self._profiles: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    # -- faults and homeowner actions ------------------------------------------------------------

    def freeze(self, device_id: str) -> None:
        """The device's sensors stop reporting: its readings keep their values and time."""
        self.state.frozen[device_id] = self.readings()[device_id]

    def thaw(self, device_id: str) -> None:
        self.state.frozen.pop(device_id, None)

    def drop_commands(self, device_id: str, count: int) -> None:
        """Lose the next ``count`` commands to the device (no effect, no echo)."""
        self.state.dropping[device_id] = count

    def unplug(self, ev_id: str) -> None:
        self.state.evs[ev_id].plugged_in = False

    def plug(self, ev_id: str) -> None:
        self.state.evs[ev_id].plugged_in = True

    def load(self, appliance_id: str) -> None:
        """The homeowner loads the appliance again: it is ``ready`` for its next run."""
        appliance = self.state.appliances[appliance_id]
        if appliance.status != "running":
            appliance.status = "ready"
            appliance.minutes_done = 0

    def set_ev_soc(self, ev_id: str, soc_pct: float) -> None:
        """The car comes back with another charge level (driven, or charged elsewhere)."""
        self.state.evs[ev_id].soc_pct = soc_pct

    # -- persistence -----------------------------------------------------------------------------

    def snapshot(self) -> str:
        return self.state.model_dump_json()

    def restore(self, snapshot: str) -> None:
        self.state = SimState.model_validate_json(snapshot)

    # -- commands --------------------------------------------------------------------------------

    def apply(self, command: Command) -> bool:
        """Carry out a command now; ``False`` when it was lost (a fault) or cannot apply."""
        dropping = self.state.dropping.get(command.device, 0)
        if dropping > 0:
            self.state.dropping[command.device] = dropping - 1
            return False
        if command.action == "ev_power":
            ev = self.state.evs[command.device]
            ev.setpoint_kw = float(command.power_kw or 0.0)
            return True
        if command.action == "battery":
            battery = self.state.battery
            if battery is None or command.mode is None:
                return False
            battery.mode = command.mode
            battery.setpoint_kw = float(command.power_kw or 0.0)
            return True
        appliance = self.state.appliances[command.device]
        if command.action == "appliance_enable":
            appliance.enabled = bool(command.enabled)
            return True
        if command.run_id is None:
            return False
        if command.run_id in appliance.runs_started:
            return True  # the same run again: already done or running, nothing to do
        if appliance.status != "ready":
            return False
        appliance.status = "running"
        appliance.run_id = command.run_id
        appliance.minutes_done = 0
        appliance.runs_started.append(command.run_id)
        appliance.started_at.append(self.state.now)
        return True

    # -- readings --------------------------------------------------------------------------------

    def readings(self) -> Readings:
        """What the home's sensors say now; a frozen device's readings stay as they were."""
        state = self.state
        out: Readings = {}

        def put(device: str, role: str, value: float | bool | str) -> None:
            out.setdefault(device, {})[role] = Reading(
                value=value, read_at=state.now, source=SOURCE
            )

        for ev_id, ev in state.evs.items():
            put(ev_id, "soc_pct", round(ev.soc_pct, 3))
            put(ev_id, "plugged_in", ev.plugged_in)
            put(ev_id, "power_kw", round(ev.power_kw, 3))
            put(ev_id, "setpoint_kw", round(ev.setpoint_kw, 3))
            if self.home.integration.link(ev_id).command_unit == "a":
                put(ev_id, "current_a", current_a(self.home.integration, ev_id, ev.setpoint_kw))
        if state.battery is not None and self.home.battery is not None:
            battery_id = self.home.battery.id
            soc_pct = state.battery.soc_kwh / self.home.battery.capacity_kwh * 100
            put(battery_id, "soc_pct", round(soc_pct, 3))
            put(battery_id, "power_kw", round(state.battery.power_kw, 3))
            put(battery_id, "mode", state.battery.mode)
            put(battery_id, "setpoint_kw", round(state.battery.setpoint_kw, 3))
        for appliance_id, appliance in state.appliances.items():
            put(appliance_id, "status", appliance.status)
            put(appliance_id, "run_id", appliance.run_id or "")
            put(appliance_id, "enabled", appliance.enabled)
        put("site", "pv_power_kw", round(state.pv_kw, 3))
        put("site", "grid_power_kw", round(state.grid_kw, 3))
        out.update({device: dict(frozen) for device, frozen in state.frozen.items()})
        return out

    # -- physics ---------------------------------------------------------------------------------

    def advance_to(self, moment: datetime) -> None:
        """Integrate the home minute by minute up to ``moment`` with the setpoints in force."""
        minutes = int((moment - self.state.now).total_seconds() // 60)
        for _ in range(max(0, minutes)):
            self._minute()
            self.state.now = self.state.now + timedelta(minutes=1)

    def _minute(self) -> None:
        state = self.state
        pv_kw, base_kw = self._weather(state.now)
        ev_kw = sum(self._ev_minute(ev_id, ev) for ev_id, ev in state.evs.items())
        appliance_kw = sum(
            self._appliance_minute(self.home.appliance(a_id), a)
            for a_id, a in state.appliances.items()
        )
        battery_kw = self._battery_minute(base_kw + ev_kw + appliance_kw - pv_kw)
        state.pv_kw = pv_kw
        state.grid_kw = base_kw + ev_kw + appliance_kw + battery_kw - pv_kw

    def _ev_minute(self, ev_id: str, ev: SimEv) -> float:
        spec = self.home.ev(ev_id)
        power = 0.0
        if ev.plugged_in and ev.setpoint_kw > 0 and ev.soc_pct < spec.max_soc_pct:
            power = min(max(ev.setpoint_kw, spec.charger_min_kw), spec.charger_max_kw)
            room_kwh = (spec.max_soc_pct - ev.soc_pct) / 100 * spec.battery_kwh
            stored_kwh = min(power / 60 * spec.charging_efficiency, room_kwh)
            power = stored_kwh / spec.charging_efficiency * 60
            ev.soc_pct += stored_kwh / spec.battery_kwh * 100
        ev.power_kw = power
        return power

    def _appliance_minute(self, spec: Appliance, appliance: SimAppliance) -> float:
        cycle = spec.cycle
        power = 0.0
        if spec.interruptible:
            if appliance.enabled and appliance.status in ("ready", "running"):
                appliance.status = "running"
                power = float(cycle.power_kw or 0.0)
                appliance.minutes_done += 1
                if appliance.minutes_done >= cycle.total_minutes:
                    appliance.status = "done"
                    appliance.enabled = False
        elif appliance.status == "running":
            minute = appliance.minutes_done
            if cycle.profile_kw is not None and cycle.profile_step_minutes is not None:
                power = float(cycle.profile_kw[minute // cycle.profile_step_minutes])
            else:
                power = float(cycle.power_kw or 0.0)
            appliance.minutes_done += 1
            if appliance.minutes_done >= cycle.total_minutes:
                appliance.status = "done"
        appliance.power_kw = power
        return power

    def _battery_minute(self, net_load_kw: float) -> float:
        """AC power of the battery this minute (> 0 charging) [kW]."""
        state, spec = self.state.battery, self.home.battery
        if state is None or spec is None:
            return 0.0
        if state.mode == "charge":
            wanted = min(state.setpoint_kw, spec.max_charge_kw)
        elif state.mode == "discharge":
            wanted = -min(state.setpoint_kw, spec.max_discharge_kw)
        elif state.mode == "auto":
            wanted = min(max(-net_load_kw, -spec.max_discharge_kw), spec.max_charge_kw)
        else:
            wanted = 0.0
        floor_kwh = spec.capacity_kwh * spec.floor_soc_pct / 100  # the backup reserve holds
        ceiling_kwh = spec.capacity_kwh * spec.max_soc_pct / 100
        if wanted >= 0:
            stored = min(
                wanted / 60 * spec.charge_efficiency, max(0.0, ceiling_kwh - state.soc_kwh)
            )
            power = stored / spec.charge_efficiency * 60
            state.soc_kwh += stored
        else:
            taken = min(
                -wanted / 60 / spec.discharge_efficiency, max(0.0, state.soc_kwh - floor_kwh)
            )
            power = -taken * spec.discharge_efficiency * 60
            state.soc_kwh -= taken
        state.power_kw = power
        return power

    def _weather(self, moment: datetime) -> tuple[float, float]:
        """PV [kW] and base load [kW] this minute: the forecast of its quarter hour × noise."""
        quarter = int(moment.timestamp() // _QUARTER_S)
        day = quarter // 96
        if day not in self._profiles:
            start = datetime.fromtimestamp(day * 96 * _QUARTER_S, tz=timezone.utc)
            axis = TimeAxis.from_now(
                start, tz_name=self.home.timezone, step_minutes=15, horizon_hours=24
            )
            self._profiles = {day: (pv_forecast_kw(self.home, axis), base_load_kw(self.home, axis))}
        pv_day, base_day = self._profiles[day]
        index = quarter - day * 96
        simulation = self.home.integration.simulation
        noise = np.random.default_rng([self.seed, quarter]).standard_normal(2)
        pv_factor = float(np.clip(1 + simulation.pv_noise_pct / 100 * noise[0], 0.0, 1.3))
        base_factor = float(np.clip(1 + simulation.base_load_noise_pct / 100 * noise[1], 0.2, 3.0))
        return float(pv_day[index]) * pv_factor, float(base_day[index]) * base_factor
