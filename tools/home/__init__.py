"""The home description: ``home.yaml`` loaded into frozen pydantic models.

Every model forbids unknown fields, every quantity carries its unit in its name, and a malformed
file fails with the field path and the reason (``battery.max_soc_pct: must be ≤ 100, got 120``).
Daily clock rules (windows, quiet hours, TOU bands) are local wall-clock times ``HH:MM`` in the
home's time zone; ``24:00`` may end a band, and a window whose end is before its start wraps past
midnight.

Modules: ``clock`` (the base model, daily windows), ``site`` (location, grid, PV), ``tariffs``,
``devices`` (battery, EVs, appliances), ``base_load``, ``model`` (:class:`Home`) and ``loading``
(:func:`load_home`), ``integration`` (how the runner reaches the devices). Everything public is importable from ``tools.home``.
"""

from tools.home.base_load import (
    BaseLoadSpec,
    HourlyBaseLoad,
    LearnedBaseLoad,
    SeriesBaseLoad,
    StandardBaseLoad,
)
from tools.home.climate import Climate
from tools.home.clock import ClockTime, DailyWindow, Frozen, parse_clock_minutes
from tools.home.daily_loads import DailyRunLoad
from tools.home.devices import Appliance, ApplianceCycle, Battery, DeviceId, Ev
from tools.home.integration import (
    TOPIC_ROLES,
    DeviceLink,
    DriverName,
    Integration,
    MqttBroker,
    Replanning,
    Simulation,
)
from tools.home.loading import format_validation_errors, load_home, parse_home
from tools.home.model import AnyDevice, Home
from tools.home.modes import MODE_NAMES, ModeName, ModePreset, Modes
from tools.home.priorities import PRIORITY_ORDER, SHED_WEIGHT, Priority
from tools.home.site import GridConnection, Location, OpenMeteoWeather, PvArray, PvSettings
from tools.home.tariffs import (
    AwattarPrice,
    Co2Series,
    EntsoePrice,
    FlatPrice,
    MarketPrice,
    OctopusPrice,
    PriceSpec,
    ProviderPrice,
    SeriesPrice,
    Tariff,
    TouBand,
    TouPrice,
    TouRule,
)
from tools.home.thermal import (
    WATER_KWH_PER_LITRE_K,
    WEEKDAYS_BY_NAME,
    Building,
    CarnotCop,
    ComfortPeriod,
    HeatPump,
    HotWaterDraw,
    Legionella,
    LinearCop,
    WaterTank,
)
from tools.home.wind import CurvePoint, LogShear, PowerLawShear, WindTurbine

__all__ = [
    "MODE_NAMES",
    "PRIORITY_ORDER",
    "SHED_WEIGHT",
    "TOPIC_ROLES",
    "WATER_KWH_PER_LITRE_K",
    "WEEKDAYS_BY_NAME",
    "AnyDevice",
    "Appliance",
    "ApplianceCycle",
    "AwattarPrice",
    "BaseLoadSpec",
    "Battery",
    "Building",
    "CarnotCop",
    "Climate",
    "ClockTime",
    "Co2Series",
    "ComfortPeriod",
    "CurvePoint",
    "DailyRunLoad",
    "DailyWindow",
    "DeviceId",
    "DeviceLink",
    "DriverName",
    "EntsoePrice",
    "Ev",
    "FlatPrice",
    "Frozen",
    "GridConnection",
    "HeatPump",
    "Home",
    "HotWaterDraw",
    "HourlyBaseLoad",
    "Integration",
    "LearnedBaseLoad",
    "Legionella",
    "LinearCop",
    "Location",
    "LogShear",
    "MarketPrice",
    "ModeName",
    "ModePreset",
    "Modes",
    "MqttBroker",
    "OctopusPrice",
    "OpenMeteoWeather",
    "PowerLawShear",
    "PriceSpec",
    "Priority",
    "ProviderPrice",
    "PvArray",
    "PvSettings",
    "Replanning",
    "SeriesBaseLoad",
    "SeriesPrice",
    "Simulation",
    "StandardBaseLoad",
    "Tariff",
    "TouBand",
    "TouPrice",
    "TouRule",
    "WaterTank",
    "WindTurbine",
    "format_validation_errors",
    "load_home",
    "parse_clock_minutes",
    "parse_home",
]
