"""Where the home is, its grid connection and its PV arrays."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tools.home.clock import Frozen


class Location(Frozen):
    latitude_deg: float = Field(ge=-90, le=90, description="Latitude [deg], north positive.")
    longitude_deg: float = Field(ge=-180, le=180, description="Longitude [deg], east positive.")
    altitude_m: float = Field(default=0.0, ge=-500, le=9000, description="Altitude [m].")


class GridConnection(Frozen):
    import_limit_kw: float = Field(gt=0, le=1000, description="Maximum import power [kW].")
    export_limit_kw: float = Field(ge=0, le=1000, description="Maximum export power [kW].")


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


class OpenMeteoWeather(Frozen):
    """Hourly weather forecast for the home's location from Open-Meteo, fetched at plan time.

    Cloud cover and air temperature feed the PV model; temperature and wind speed are offered to
    the thermal models. When the forecast cannot be fetched and nothing cached covers the plan,
    Hearth plans on clear sky at ``pv_settings.air_temperature_c`` and says so.
    """

    type: Literal["open_meteo"]
    model: str | None = Field(
        default=None, pattern=r"^[a-z0-9_]+$",
        description="Open-Meteo weather model, e.g. icon_seamless; default: Open-Meteo's best match.",
    )
