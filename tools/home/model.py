"""The :class:`Home`: everything Hearth knows about one home, and its device look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, field_validator, model_validator

from tools.files import confined_path
from tools.home.base_load import BaseLoadSpec, SeriesBaseLoad
from tools.home.climate import Climate
from tools.home.clock import Frozen, check_label
from tools.home.daily_loads import DailyRunLoad
from tools.home.devices import Appliance, Battery, Ev
from tools.home.integration import DeviceKind, Integration, check_roles
from tools.home.modes import Modes
from tools.home.site import GridConnection, Location, OpenMeteoWeather, PvArray, PvSettings
from tools.home.tariffs import Tariff
from tools.home.thermal import HeatPump, WaterTank
from tools.home.wind import WindTurbine

AnyDevice = Battery | Ev | Appliance | WaterTank | HeatPump | DailyRunLoad
"""Every kind of device a home file can describe."""

RESERVED_IDS = ("home",)
"""Ids no device may take: ``home`` names the whole home in mode requests."""

#: Longest home name [characters].
MAX_HOME_NAME_CHARS = 80


class Home(Frozen):
    """Everything Hearth knows about one home."""

    name: Annotated[str, AfterValidator(lambda text: check_label(text, MAX_HOME_NAME_CHARS, comma=True))] = "Home"
    timezone: str = Field(description="IANA time zone, e.g. Europe/Berlin.")
    location: Location
    grid: GridConnection
    tariff: Tariff
    pv_arrays: tuple[PvArray, ...] = ()
    pv_settings: PvSettings = PvSettings()
    pv_series: SeriesBaseLoad | None = Field(
        default=None, description="Measured or forecast PV power [kW] used instead of the model."
    )
    battery: Battery | None = None
    evs: tuple[Ev, ...] = ()
    appliances: tuple[Appliance, ...] = ()
    water_tanks: tuple[WaterTank, ...] = ()
    heat_pumps: tuple[HeatPump, ...] = ()
    daily_loads: tuple[DailyRunLoad, ...] = ()
    wind_turbines: tuple[WindTurbine, ...] = ()
    climate: Climate = Climate()
    modes: Modes = Modes()
    base_load: BaseLoadSpec
    weather: OpenMeteoWeather | None = Field(
        default=None, description="Weather forecast provider; none = clear sky."
    )
    integration: Integration = Field(
        default=Integration(), description="How the runner reaches the devices (hearth run)."
    )
    source_dir: str | None = Field(default=None, exclude=True, description="Set by load_home.")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (KeyError, ValueError):
            raise ValueError(f"{name!r} is not an IANA time zone such as Europe/Berlin") from None
        return name

    @model_validator(mode="after")
    def _devices(self) -> Home:
        seen: dict[str, str] = {}
        for device_id, label in self._device_labels():
            if device_id in RESERVED_IDS:
                raise ValueError(f"device id {device_id!r} is reserved; choose another")
            if device_id in seen:
                raise ValueError(f"device id {device_id!r} is used twice")
            seen[device_id] = label
        names: dict[str, str] = {}
        for device_id, alias in self._alias_pairs():
            if alias in names and names[alias] != device_id:
                raise ValueError(f"alias {alias!r} names both {names[alias]} and {device_id}")
            names[alias] = device_id
        appliance_ids = {a.id for a in self.appliances}
        for appliance in self.appliances:
            for dep in appliance.after:
                if dep not in appliance_ids:
                    raise ValueError(
                        f"appliance {appliance.id}: 'after' names {dep!r}, which is not an appliance "
                        f"of this home ({', '.join(sorted(appliance_ids))})"
                    )
        self._check_acyclic()
        self._check_integration()
        return self

    def _check_integration(self) -> None:
        for device_id, link in self.integration.devices.items():
            try:
                device = self.device(device_id)
            except KeyError:
                known = ", ".join(d.id for d in self.devices()) or "none"
                raise ValueError(
                    f"integration.devices: {device_id!r} is not a device of this home ({known})"
                ) from None
            if not isinstance(device, Battery | Ev | Appliance):
                raise ValueError(
                    f"integration.devices.{device_id}: the runner's drivers do not control "
                    "water tanks, heat pumps or daily loads yet; plan them with hearth schedule "
                    "or the chat"
                )
            check_roles(f"integration.devices.{device_id}", self.kind_of(device), link)

    def _device_labels(self) -> Iterator[tuple[str, str]]:
        if self.battery:
            yield self.battery.id, "battery"
        for ev in self.evs:
            yield ev.id, "ev"
        for appliance in self.appliances:
            yield appliance.id, "appliance"
        for tank in self.water_tanks:
            yield tank.id, "water tank"
        for pump in self.heat_pumps:
            yield pump.id, "heat pump"
        for load in self.daily_loads:
            yield load.id, "daily load"

    def _alias_pairs(self) -> Iterator[tuple[str, str]]:
        for device in self.devices():
            yield device.id, device.id.replace("_", " ")
            for alias in device.aliases:
                yield device.id, alias

    def _check_acyclic(self) -> None:
        graph = {a.id: a.after for a in self.appliances}
        state: dict[str, int] = {}

        def visit(node: str, path: list[str]) -> None:
            if state.get(node) == 1:
                raise ValueError("'after' dependencies form a cycle: " + " → ".join([*path, node]))
            if state.get(node) == 2:
                return
            state[node] = 1
            for dep in graph[node]:
                visit(dep, [*path, node])
            state[node] = 2

        for node in graph:
            visit(node, [])

    # -- look-ups ------------------------------------------------------------------------------

    def devices(self) -> list[AnyDevice]:
        return [
            *([self.battery] if self.battery else []),
            *self.evs,
            *self.appliances,
            *self.water_tanks,
            *self.heat_pumps,
            *self.daily_loads,
        ]

    def drivable_devices(self) -> list[Battery | Ev | Appliance]:
        """The devices the runner's drivers control (battery, EVs, appliances); tanks, heat
        pumps and daily loads are planned but not driven yet."""
        return [*([self.battery] if self.battery else []), *self.evs, *self.appliances]

    def thermal_devices(self) -> list[WaterTank | HeatPump]:
        """Devices with a temperature state: tanks and heat pumps (always in the plan)."""
        return [*self.water_tanks, *self.heat_pumps]

    def device(self, device_id: str) -> AnyDevice:
        for device in self.devices():
            if device.id == device_id:
                return device
        raise KeyError(device_id)

    def label(self, device_id: str) -> str:
        """The device's name from the home file, else its id with spaces (for messages)."""
        try:
            device = self.device(device_id)
        except KeyError:
            return device_id.replace("_", " ")
        return device.name or device_id.replace("_", " ")

    def kind_of(self, device: Battery | Ev | Appliance) -> DeviceKind:
        """``battery``, ``ev`` or ``appliance``."""
        if isinstance(device, Battery):
            return "battery"
        return "ev" if isinstance(device, Ev) else "appliance"

    def ev(self, device_id: str) -> Ev:
        return next(ev for ev in self.evs if ev.id == device_id)

    def appliance(self, device_id: str) -> Appliance:
        return next(a for a in self.appliances if a.id == device_id)

    def tank(self, device_id: str) -> WaterTank:
        return next(t for t in self.water_tanks if t.id == device_id)

    def heat_pump(self, device_id: str) -> HeatPump:
        return next(h for h in self.heat_pumps if h.id == device_id)

    def find_device(self, name: str) -> list[str]:
        """Ids of devices whose id, name or alias equals ``name`` (case-insensitive)."""
        key = name.strip().lower().replace("-", " ")
        hits = []
        for device in self.devices():
            labels = {device.id, device.id.replace("_", " "), *device.aliases}
            if device.name:
                labels.add(device.name.lower())
            if key in labels or key.replace(" ", "_") == device.id:
                hits.append(device.id)
        return hits

    def with_state(
        self,
        *,
        ev_soc_pct: dict[str, float] | None = None,
        battery_soc_pct: float | None = None,
        temp_c: dict[str, float] | None = None,
    ) -> Home:
        """This home with the charge levels of its EVs (by id) and battery replaced [%], and the
        temperatures [°C] of its tanks and heated rooms (by device id) in ``temp_c``.

        Used for what is known to be true now and the home file cannot know: a live reading from
        the home, or "my car is at 50%" in a conversation. Unknown EV ids raise ``KeyError``.
        """
        levels = [*(ev_soc_pct or {}).values(), *([] if battery_soc_pct is None else [battery_soc_pct])]
        for soc in levels:
            if not 0 <= soc <= 100:
                raise ValueError(f"a charge level must be between 0 and 100 %, got {soc:g}")
        evs = list(self.evs)
        for device_id, soc in (ev_soc_pct or {}).items():
            index = next((i for i, ev in enumerate(evs) if ev.id == device_id), None)
            if index is None:
                raise KeyError(device_id)
            evs[index] = evs[index].model_copy(update={"current_soc_pct": float(soc)})
        battery = self.battery
        if battery_soc_pct is not None and battery is not None:
            battery = battery.model_copy(update={"initial_soc_pct": float(battery_soc_pct)})
        update: dict[str, object] = {"evs": tuple(evs), "battery": battery}
        if temp_c:
            update.update(self._with_temperatures(temp_c))
        return self.model_copy(update=update)

    def _with_temperatures(self, temp_c: dict[str, float]) -> dict[str, object]:
        tanks, pumps = list(self.water_tanks), list(self.heat_pumps)
        for device_id, value in temp_c.items():
            if not -50 <= value <= 100:
                raise ValueError(f"a temperature must be between -50 and 100 °C, got {value:g}")
            tank = next((i for i, t in enumerate(tanks) if t.id == device_id), None)
            pump = next((i for i, h in enumerate(pumps) if h.id == device_id), None)
            if tank is not None:
                tanks[tank] = tanks[tank].model_copy(update={"temp_c": float(value)})
            elif pump is not None:
                pumps[pump] = pumps[pump].model_copy(update={"indoor_temp_c": float(value)})
            else:
                raise KeyError(device_id)
        return {"water_tanks": tuple(tanks), "heat_pumps": tuple(pumps)}

    def resolve_path(self, relative: str, field: str = "file") -> Path:
        """A file named in the home file, relative to the file's own folder and confined to it.

        Without a home file (a home built in code) the folder is the working directory. An
        absolute path outside the folder, ``..`` leaving it, or a symbolic link pointing out of
        it raise :class:`~tools.errors.InputError` naming ``field``.
        """
        return confined_path(Path(self.source_dir or "."), relative, field)
