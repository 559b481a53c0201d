"""The home description: ``home.yaml`` loaded into frozen pydantic models.

Every model forbids unknown fields, every quantity carries its unit in its name, and a malformed
file fails with the field path and the reason (``battery.max_soc_pct: must be ≤ 100, got 120``).
Daily clock rules (windows, quiet hours, TOU bands) are local wall-clock times ``HH:MM`` in the
home's time zone; ``24:00`` may end a band, and a window whose end is before its start wraps past
midnight.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tools.errors import HomeFileError


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ----------------------------------------------------------------------------- clock times


def parse_clock_minutes(text: str) -> int:
    """``"07:30"`` → 450 minutes after local midnight; ``"24:00"`` → 1440."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"must be a clock time HH:MM, got {text!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"must be a clock time between 00:00 and 24:00, got {text!r}")
    return hours * 60 + minutes


ClockTime = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$", description="Local clock time HH:MM.")]


class DailyWindow(Frozen):
    """A daily local-time interval ``[start, end)``; wraps past midnight when end ≤ start."""

    start: ClockTime = Field(description="Local start time HH:MM.")
    end: ClockTime = Field(description="Local end time HH:MM (24:00 allowed).")

    @model_validator(mode="after")
    def _check(self) -> DailyWindow:
        start, end = parse_clock_minutes(self.start), parse_clock_minutes(self.end)
        if start == 1440:
            raise ValueError("start must be before 24:00")
        if start == end:
            raise ValueError(f"start and end are both {self.start}: the window is empty")
        return self

    @property
    def start_minute(self) -> int:
        return parse_clock_minutes(self.start)

    @property
    def end_minute(self) -> int:
        return parse_clock_minutes(self.end)

    def minute_ranges(self) -> list[tuple[int, int]]:
        """The window as non-wrapping ``[lo, hi)`` minute ranges within one day."""
        lo, hi = self.start_minute, self.end_minute
        return [(lo, hi)] if lo < hi else [(lo, 1440), (0, hi)]

    def contains_minute(self, minute: int) -> bool:
        return any(lo <= minute < hi for lo, hi in self.minute_ranges())

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


def _check_no_overlap(windows: tuple[DailyWindow, ...], what: str) -> None:
    ranges = sorted(r for w in windows for r in w.minute_ranges())
    for (lo_a, hi_a), (lo_b, _) in itertools.pairwise(ranges):
        if lo_b < hi_a:
            raise ValueError(f"{what} overlap around {lo_b // 60:02d}:{lo_b % 60:02d}; merge them")
        del lo_a


# ----------------------------------------------------------------------------- location & grid


class Location(Frozen):
    latitude_deg: float = Field(ge=-90, le=90, description="Latitude [deg], north positive.")
    longitude_deg: float = Field(ge=-180, le=180, description="Longitude [deg], east positive.")
    altitude_m: float = Field(default=0.0, ge=-500, le=9000, description="Altitude [m].")


class GridConnection(Frozen):
    import_limit_kw: float = Field(gt=0, le=1000, description="Maximum import power [kW].")
    export_limit_kw: float = Field(ge=0, le=1000, description="Maximum export power [kW].")


# ----------------------------------------------------------------------------- tariffs


class TouBand(Frozen):
    """A price that applies from ``start`` to ``end`` local time."""

    start: ClockTime
    end: ClockTime
    price_per_kwh: float = Field(ge=-10, le=10, description="Energy price [currency/kWh].")

    @model_validator(mode="after")
    def _check(self) -> TouBand:
        DailyWindow(start=self.start, end=self.end)
        return self

    def window(self) -> DailyWindow:
        return DailyWindow(start=self.start, end=self.end)


class TouRule(Frozen):
    """Bands for some months and day types; together a rule's bands must cover the whole day."""

    name: str = Field(default="all year", description="Label, e.g. 'summer'.")
    months: tuple[int, ...] = Field(default=tuple(range(1, 13)), min_length=1)
    days: Literal["all", "weekdays", "weekends"] = "all"
    bands: tuple[TouBand, ...] = Field(min_length=1)

    @field_validator("months")
    @classmethod
    def _months(cls, months: tuple[int, ...]) -> tuple[int, ...]:
        for m in months:
            if not 1 <= m <= 12:
                raise ValueError(f"months must be 1..12, got {m}")
        return months

    @model_validator(mode="after")
    def _cover(self) -> TouRule:
        windows = tuple(b.window() for b in self.bands)
        _check_no_overlap(windows, "bands")
        covered = sum(hi - lo for w in windows for lo, hi in w.minute_ranges())
        if covered != 1440:
            raise ValueError(f"bands cover {covered / 60:g} h of the day; they must cover all 24 h")
        return self


class FlatPrice(Frozen):
    type: Literal["flat"]
    price_per_kwh: float = Field(ge=-10, le=10, description="Energy price [currency/kWh].")


class TouPrice(Frozen):
    """Time-of-use prices; for each day the first rule whose months and day type match applies."""

    type: Literal["tou"]
    rules: tuple[TouRule, ...] = Field(min_length=1)


class SeriesPrice(Frozen):
    """Dynamic prices from a file or inline, retail price = (value + markup) × vat_factor.

    With ``repeat_daily`` the series is one local day used as a time-of-day profile for every day
    of the horizon (e.g. a published day-ahead curve used as a typical day).
    """

    type: Literal["series"]
    file: str | None = Field(
        default=None, description="CSV/JSON series, relative to the home file."
    )
    value_column: str | None = None
    start: AwareDatetime | None = Field(default=None, description="Start of inline prices.")
    step_minutes: int | None = Field(default=None, gt=0, le=1440)
    prices_per_kwh: tuple[float, ...] | None = Field(default=None, min_length=1)
    repeat_daily: bool = False
    markup_per_kwh: float = Field(
        default=0.0, ge=-10, le=10, description="Added per kWh [currency/kWh]."
    )
    vat_factor: float = Field(
        default=1.0, ge=1.0, le=2.0, description="Multiplier, e.g. 1.19 for 19% VAT."
    )

    @model_validator(mode="after")
    def _source(self) -> SeriesPrice:
        inline = self.prices_per_kwh is not None
        if inline == (self.file is not None):
            raise ValueError(
                "give either 'file' or inline 'prices_per_kwh' (with start and step_minutes)"
            )
        if inline and (self.start is None or self.step_minutes is None):
            raise ValueError("inline 'prices_per_kwh' need 'start' and 'step_minutes'")
        return self


PriceSpec = Annotated[FlatPrice | TouPrice | SeriesPrice, Field(discriminator="type")]


class Co2Series(Frozen):
    """Grid carbon intensity [gCO2/kWh] as a series (file or inline), optionally a daily profile."""

    file: str | None = None
    value_column: str | None = None
    start: AwareDatetime | None = None
    step_minutes: int | None = Field(default=None, gt=0, le=1440)
    g_per_kwh: tuple[float, ...] | None = Field(default=None, min_length=1)
    repeat_daily: bool = False

    @model_validator(mode="after")
    def _source(self) -> Co2Series:
        inline = self.g_per_kwh is not None
        if inline == (self.file is not None):
            raise ValueError(
                "give either 'file' or inline 'g_per_kwh' (with start and step_minutes)"
            )
        if inline and (self.start is None or self.step_minutes is None):
            raise ValueError("inline 'g_per_kwh' need 'start' and 'step_minutes'")
        return self


class Tariff(Frozen):
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")
    import_price: PriceSpec = Field(alias="import", description="Import energy price.")
    export_price: PriceSpec = Field(
        default=FlatPrice(type="flat", price_per_kwh=0.0),
        alias="export",
        description="Export (feed-in) price.",
    )
    demand_charge_per_kw: float = Field(
        default=0.0, ge=0, description="Charge per kW of the horizon's peak import [currency/kW]."
    )
    co2: Co2Series | None = None
    co2_price_per_kg: float = Field(
        default=0.0, ge=0, description="Weight of CO2 in the objective [currency/kg]."
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# ----------------------------------------------------------------------------- PV


class PvArray(Frozen):
    """One PV array; PVWatts DC/AC model. Azimuth as in pvlib: 180° = south, 90° = east."""

    name: str = Field(default="pv", min_length=1)
    peak_power_kwp: float = Field(gt=0, le=1000, description="DC nameplate at STC [kWp].")
    tilt_deg: float = Field(ge=0, le=90, description="Tilt from horizontal [deg].")
    azimuth_deg: float = Field(ge=0, lt=360, description="Azimuth [deg], 180 = south.")
    losses_pct: float = Field(default=14.0, ge=0, lt=100, description="PVWatts system losses [%].")
    inverter_ac_kw: float | None = Field(default=None, gt=0, description="Inverter AC limit [kW].")
    temp_coefficient_per_c: float = Field(
        default=-0.004,
        ge=-0.02,
        le=0,
        description="Power temperature coefficient gamma_pdc [1/°C].",
    )
    inverter_efficiency: float = Field(default=0.96, gt=0.5, le=1.0, description="Nominal [-].")


class PvSettings(Frozen):
    """Assumptions of the solar model that the home file states explicitly."""

    air_temperature_c: float = Field(
        default=15.0,
        ge=-40,
        le=55,
        description="Ambient air temperature assumed when no weather series is given [°C].",
    )
    wind_speed_m_s: float = Field(default=1.0, ge=0, le=40, description="Assumed wind speed [m/s].")


# ----------------------------------------------------------------------------- devices


def _alias_list(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(v.strip().lower() for v in values)
    if any(not v for v in cleaned):
        raise ValueError("aliases must not be empty")
    return cleaned


DeviceId = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        description="Lower-case id: letters, digits, underscores.",
    ),
]


class Battery(Frozen):
    """Home battery. Power limits are on the AC side (what the battery draws from or gives to
    the home); efficiencies apply between that and the stored energy."""

    id: DeviceId = "battery"
    name: str = "Home battery"
    aliases: tuple[str, ...] = ("battery", "home battery", "powerwall")
    capacity_kwh: float = Field(gt=0, le=1000, description="Usable capacity [kWh].")
    min_soc_pct: float = Field(default=0.0, ge=0, le=100, description="Lowest SoC [%].")
    max_soc_pct: float = Field(default=100.0, ge=0, le=100, description="Highest SoC [%].")
    max_charge_kw: float = Field(gt=0, le=1000, description="AC charge limit [kW].")
    max_discharge_kw: float = Field(gt=0, le=1000, description="AC discharge limit [kW].")
    charge_efficiency: float = Field(default=0.95, gt=0, le=1, description="AC→stored [-].")
    discharge_efficiency: float = Field(default=0.95, gt=0, le=1, description="Stored→AC [-].")
    initial_soc_pct: float = Field(ge=0, le=100, description="SoC now [%].")
    backup_reserve_pct: float = Field(
        default=0.0, ge=0, le=100, description="Kept for outages [%]."
    )
    final_soc_pct: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="SoC required at the horizon end [%]; default: at least the initial SoC.",
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _bounds(self) -> Battery:
        if self.min_soc_pct > self.max_soc_pct:
            raise ValueError(
                f"min_soc_pct ({self.min_soc_pct:g}) must not exceed max_soc_pct ({self.max_soc_pct:g})"
            )
        if self.backup_reserve_pct > self.max_soc_pct:
            raise ValueError(
                f"backup_reserve_pct ({self.backup_reserve_pct:g}) must not exceed max_soc_pct "
                f"({self.max_soc_pct:g})"
            )
        return self

    @property
    def floor_soc_pct(self) -> float:
        """Lowest SoC the plan may use [%]: the larger of min SoC and backup reserve."""
        return max(self.min_soc_pct, self.backup_reserve_pct)


class Ev(Frozen):
    """An electric vehicle and its charger (modulating between min and max power)."""

    id: DeviceId
    name: str = ""
    aliases: tuple[str, ...] = ()
    battery_kwh: float = Field(gt=0, le=300, description="Usable battery [kWh].")
    charger_min_kw: float = Field(
        default=0.0, ge=0, le=400, description="Lowest charging power when on [kW]."
    )
    charger_max_kw: float = Field(gt=0, le=400, description="Highest charging power [kW].")
    charging_efficiency: float = Field(default=0.9, gt=0, le=1, description="Grid→battery [-].")
    current_soc_pct: float = Field(ge=0, le=100, description="SoC now [%].")
    default_target_soc_pct: float = Field(
        default=80.0, ge=0, le=100, description="Usual target [%]."
    )
    max_soc_pct: float = Field(
        default=100.0, gt=0, le=100, description="Charge limit set in the car [%]."
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> Ev:
        if self.charger_min_kw > self.charger_max_kw:
            raise ValueError(
                f"charger_min_kw ({self.charger_min_kw:g}) must not exceed charger_max_kw "
                f"({self.charger_max_kw:g})"
            )
        return self


class ApplianceCycle(Frozen):
    """A cycle as duration and constant power, or as a power profile per profile step."""

    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60, description="[min]")
    power_kw: float | None = Field(default=None, gt=0, le=50, description="[kW]")
    profile_kw: tuple[float, ...] | None = Field(
        default=None, min_length=1, description="[kW] per step"
    )
    profile_step_minutes: int | None = Field(default=None, gt=0, le=240, description="[min]")

    @model_validator(mode="after")
    def _shape(self) -> ApplianceCycle:
        constant = self.duration_minutes is not None or self.power_kw is not None
        profile = self.profile_kw is not None or self.profile_step_minutes is not None
        if constant == profile:
            raise ValueError(
                "give duration_minutes and power_kw, or profile_kw and profile_step_minutes"
            )
        if constant and (self.duration_minutes is None or self.power_kw is None):
            raise ValueError("duration_minutes and power_kw go together")
        if profile:
            if self.profile_kw is None or self.profile_step_minutes is None:
                raise ValueError("profile_kw and profile_step_minutes go together")
            for i, p in enumerate(self.profile_kw):
                if not 0 <= p <= 50:
                    raise ValueError(f"profile_kw[{i}] must be between 0 and 50 kW, got {p:g}")
            if sum(self.profile_kw) <= 0:
                raise ValueError("profile_kw must draw some power")
        return self

    @property
    def total_minutes(self) -> int:
        if self.duration_minutes is not None:
            return self.duration_minutes
        assert self.profile_kw is not None and self.profile_step_minutes is not None
        return len(self.profile_kw) * self.profile_step_minutes

    @property
    def energy_kwh(self) -> float:
        if self.power_kw is not None and self.duration_minutes is not None:
            return self.power_kw * self.duration_minutes / 60
        assert self.profile_kw is not None and self.profile_step_minutes is not None
        return sum(self.profile_kw) * self.profile_step_minutes / 60

    @property
    def peak_kw(self) -> float:
        return self.power_kw if self.power_kw is not None else max(self.profile_kw or (0.0,))


class Appliance(Frozen):
    """A shiftable appliance run: once per request, inside its windows, outside quiet hours."""

    id: DeviceId
    name: str = ""
    aliases: tuple[str, ...] = ()
    cycle: ApplianceCycle
    interruptible: bool = Field(default=False, description="May pause between steps.")
    allowed_windows: tuple[DailyWindow, ...] = Field(
        default=(DailyWindow(start="00:00", end="24:00"),),
        min_length=1,
        description="Local times the appliance may run in.",
    )
    quiet_hours: tuple[DailyWindow, ...] = Field(
        default=(), description="Local times it must not run."
    )
    after: tuple[str, ...] = Field(
        default=(), description="Ids of appliances that must finish first."
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> Appliance:
        _check_no_overlap(self.allowed_windows, "allowed_windows")
        _check_no_overlap(self.quiet_hours, "quiet_hours")
        if self.interruptible and self.cycle.profile_kw is not None:
            raise ValueError(
                "an interruptible appliance takes duration_minutes and power_kw, not a profile"
            )
        if self.id in self.after:
            raise ValueError(f"{self.id} cannot run after itself")
        return self

    def allowed_at_minute(self, minute: int) -> bool:
        """Whether local minute-of-day ``minute`` is inside a window and outside quiet hours."""
        return any(w.contains_minute(minute) for w in self.allowed_windows) and not any(
            q.contains_minute(minute) for q in self.quiet_hours
        )


# ----------------------------------------------------------------------------- base load


class HourlyBaseLoad(Frozen):
    """24 hourly mean powers [kW] by local hour, the same every day."""

    type: Literal["hourly"]
    power_kw: tuple[float, ...] = Field(min_length=24, max_length=24)

    @field_validator("power_kw")
    @classmethod
    def _non_negative(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        for i, v in enumerate(values):
            if not 0 <= v <= 100:
                raise ValueError(f"hour {i}: must be between 0 and 100 kW, got {v:g}")
        return values


class StandardBaseLoad(Frozen):
    """The BDEW H0 standard household profile scaled to ``annual_kwh``."""

    type: Literal["standard"]
    annual_kwh: float = Field(gt=0, le=100_000, description="Yearly household consumption [kWh].")


class SeriesBaseLoad(Frozen):
    """Base load [kW] from a CSV/JSON series file (e.g. a forecast from a smart meter)."""

    type: Literal["series"]
    file: str
    value_column: str | None = None
    repeat_daily: bool = False


BaseLoadSpec = Annotated[
    HourlyBaseLoad | StandardBaseLoad | SeriesBaseLoad, Field(discriminator="type")
]


# ----------------------------------------------------------------------------- the home


class Home(Frozen):
    """Everything Hearth knows about one home."""

    name: str = "Home"
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
    base_load: BaseLoadSpec
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
        return self

    def _device_labels(self) -> Iterator[tuple[str, str]]:
        if self.battery:
            yield self.battery.id, "battery"
        for ev in self.evs:
            yield ev.id, "ev"
        for appliance in self.appliances:
            yield appliance.id, "appliance"

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

    def devices(self) -> list[Battery | Ev | Appliance]:
        return [*([self.battery] if self.battery else []), *self.evs, *self.appliances]

    def device(self, device_id: str) -> Battery | Ev | Appliance:
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

    def ev(self, device_id: str) -> Ev:
        return next(ev for ev in self.evs if ev.id == device_id)

    def appliance(self, device_id: str) -> Appliance:
        return next(a for a in self.appliances if a.id == device_id)

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

    def resolve_path(self, relative: str) -> Path:
        """A file path from the home file, relative to the file's own folder."""
        path = Path(relative)
        if not path.is_absolute() and self.source_dir:
            path = Path(self.source_dir) / path
        return path


# ----------------------------------------------------------------------------- loading


def load_home(path: str | Path) -> Home:
    """Read and validate a home file; raise :class:`HomeFileError` listing every defect."""
    path = Path(path)
    if not path.is_file():
        raise HomeFileError([("home", f"file {path} does not exist")], str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "cannot be parsed"
        raise HomeFileError([("home", f"is not valid YAML{where}: {problem}")], str(path)) from None
    if not isinstance(data, dict):
        raise HomeFileError(
            [("home", "must be a YAML mapping of sections (timezone, location, …)")], str(path)
        )
    return parse_home(data, source_dir=path.resolve().parent, source=str(path))


def parse_home(data: dict[str, Any], *, source_dir: Path | None = None, source: str = "") -> Home:
    """Validate a home description given as a mapping (e.g. parsed YAML)."""
    payload = dict(data)
    payload.pop("source_dir", None)
    if source_dir is not None:
        payload["source_dir"] = str(source_dir)
    try:
        return Home.model_validate(payload)
    except ValidationError as err:
        raise HomeFileError(format_validation_errors(err, data), source) from None


_MESSAGES = {
    "less_than_equal": "must be ≤ {le}, got {input}",
    "less_than": "must be < {lt}, got {input}",
    "greater_than_equal": "must be ≥ {ge}, got {input}",
    "greater_than": "must be > {gt}, got {input}",
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_pattern_mismatch": "has the wrong form {input!r}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "timezone_aware": "needs a UTC offset, got the naive time {input}",
}


def format_validation_errors(err: ValidationError, data: Any = None) -> list[tuple[str, str]]:
    """Turn pydantic errors into ``(field path, reason)`` pairs in the home file's own terms."""
    problems: list[tuple[str, str]] = []
    items = err.errors(include_url=False)
    locs = [tuple(item["loc"]) for item in items]
    for item in items:
        own = tuple(item["loc"])
        if item["type"] == "too_short" and any(
            len(other) > len(own) and other[: len(own)] == own for other in locs
        ):
            continue  # pydantic also calls a list "too short" when one of its items failed
        loc = [part for part in item["loc"] if not _is_union_tag(part)]
        field = _path(loc)
        kind = item["type"]
        ctx = {key: _short(value) for key, value in (item.get("ctx") or {}).items()}
        ctx["input"] = _short(item.get("input"))
        if kind in _MESSAGES:
            reason = _MESSAGES[kind].format(**ctx)
            if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
                reason += " (use lower-case letters, digits and underscores)"
        elif kind == "value_error":
            reason = item["msg"].removeprefix("Value error, ")
        elif kind == "union_tag_invalid":
            reason = f"type must be one of {ctx.get('expected_tags')}, got {ctx['input']}"
        elif kind == "union_tag_not_found":
            reason = f"needs a 'type' ({ctx.get('discriminator', 'type')}) to say which kind it is"
        else:
            reason = item["msg"][0].lower() + item["msg"][1:]
            if "input" in item and kind not in ("model_type",):
                reason += f", got {ctx['input']}"
        problems.append((field, reason))
    return problems or [("home", str(err))]


def _is_union_tag(part: object) -> bool:
    return isinstance(part, str) and part in ("flat", "tou", "series", "hourly", "standard")


def _path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "home"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"
