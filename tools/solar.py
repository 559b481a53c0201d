"""PV power forecast on the planning axis, with pvlib.

The model chain, per 5-minute sample (arrays in, arrays out, pvlib's glossary):

1. **Solar geometry** — :func:`pvlib.solarposition.get_solarposition` (NREL SPA, numpy) at the
   middle of every 5-minute slice of the axis; absolute airmass (Kasten & Young 1989 relative
   airmass times ``p / p0`` from the site altitude) and the extra-terrestrial normal irradiance
   ``dni_extra`` (Spencer 1971).
2. **Sky irradiance** — clear sky by Ineichen & Perez with the monthly Linke turbidity climatology
   that ships with pvlib (``LinkeTurbidities.h5``, read locally, no network). When a cloud cover
   ``c`` [%] is given, the global horizontal irradiance follows Kasten & Czeplak (1980)::

       ghi = ghi_clear * (1 - 0.75 * (c / 100) ** 3.4)

   and is split into beam and diffuse with the Erbs et al. (1982) diffuse-fraction correlation.
   Without cloud cover the Ineichen components are used as they are (note: 0 % cloud cover and
   no cloud information give the same GHI but slightly different DNI/DHI splits).
3. **Plane of array** — :func:`pvlib.irradiance.get_total_irradiance` with the **Hay & Davies**
   (1980) sky-diffuse model (isotropic sky plus a circumsolar part weighted by ``dni / dni_extra``)
   and ground reflection with albedo :data:`ALBEDO`.
4. **Cell temperature** — Faiman (2008): ``temp_cell = temp_air + poa_global / (u0 + u1 * wind)``
   with pvlib's default ``u0 = 25 W/(m² K)``, ``u1 = 6.84 W s/(m³ K)``.
5. **DC** — PVWatts: ``p_dc = pdc0 * poa / 1000 * (1 + gamma_pdc * (temp_cell - 25))`` with
   ``pdc0 = kWp * 1000`` [W], then the array's ``losses_pct`` as ``* (1 - losses_pct / 100)``.
   The effective irradiance is the plane-of-array global irradiance (no separate incidence-angle
   or spectral modifier; those sit inside ``losses_pct``).
6. **AC** — PVWatts inverter (:func:`pvlib.inverter.pvwatts`) with ``eta_inv_nom`` = the array's
   ``inverter_efficiency`` and DC input limit ``pdc0 = inverter_ac_kw / eta_inv_nom`` (so the AC
   output clips at exactly ``inverter_ac_kw``), or ``pdc0 = kWp`` without an inverter limit.

The AC power of each sample is computed first and then averaged over each axis step (a 60-minute
step is the mean of 12 samples), so clipping and the inverter's part-load curve are averaged
correctly. Samples with the sun at or below the horizon (apparent zenith ≥ 90°) are exactly 0.

A measured or forecast PV series in the home file (``pv_series``) replaces the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from tools.errors import InputError, SeriesError
from tools.home import Home, Location, PvArray
from tools.series import Series, align, align_mean, read_series
from tools.timeaxis import TimeAxis

SAMPLE_MINUTES = 5
"""Spacing of the solar samples [min]; each sample sits in the middle of its 5-minute slice."""

TRANSPOSITION_MODEL = "haydavies"
"""Sky-diffuse transposition model passed to :func:`pvlib.irradiance.get_total_irradiance`."""

ALBEDO = 0.25
"""Ground reflectance [-]; pvlib's default, typical of grass and open ground."""

KASTEN_CZEPLAK_A = 0.75
"""Kasten & Czeplak (1980) coefficient: overcast sky keeps ``1 - 0.75 = 25 %`` of clear GHI."""

KASTEN_CZEPLAK_B = 3.4
"""Kasten & Czeplak (1980) exponent of the cloud fraction."""

AIR_TEMPERATURE_RANGE_C = (-90.0, 60.0)
"""Accepted air temperatures [°C], the extremes ever measured on Earth (catches Kelvin files)."""


# ----------------------------------------------------------------------------- sampling

def samples_per_step(axis: TimeAxis) -> int:
    """Number of 5-minute solar samples in one axis step (1, 3, 6 or 12)."""
    return axis.step_minutes // SAMPLE_MINUTES


def sample_times(axis: TimeAxis) -> pd.DatetimeIndex:
    """Middle of every 5-minute slice of the axis, in UTC.

    Sample ``k`` is at ``axis.start + (k + 0.5) * 5 min``; there are
    ``axis.n_steps * samples_per_step(axis)`` of them.
    """
    n_samples = axis.n_steps * samples_per_step(axis)
    offsets = pd.to_timedelta((np.arange(n_samples) + 0.5) * SAMPLE_MINUTES * 60.0, unit="s")
    return pd.DatetimeIndex(pd.Timestamp(axis.start).tz_convert("UTC") + offsets)


def step_mean(sample_values: np.ndarray, axis: TimeAxis) -> np.ndarray:
    """Mean of the 5-minute samples over each axis step (length ``axis.n_steps``)."""
    values = np.asarray(sample_values, dtype=float)
    return values.reshape(axis.n_steps, samples_per_step(axis)).mean(axis=1)


def per_sample(step_values: np.ndarray, axis: TimeAxis) -> np.ndarray:
    """Repeat a per-step array for every 5-minute sample of its step."""
    return np.repeat(np.asarray(step_values, dtype=float), samples_per_step(axis))


# ----------------------------------------------------------------------------- solar geometry

@dataclass(frozen=True)
class SolarGeometry:
    """Sun position and atmosphere at each sample time.

    Attributes
    ----------
    times:
        Sample times (UTC).
    apparent_zenith_deg, zenith_deg, azimuth_deg:
        Refraction-corrected and geometric solar zenith, solar azimuth (180 = south) [deg].
    airmass_absolute:
        Pressure-corrected airmass [-]; NaN with the sun below the horizon.
    dni_extra_w_m2:
        Extra-terrestrial normal irradiance [W/m²].
    """

    times: pd.DatetimeIndex
    apparent_zenith_deg: np.ndarray
    zenith_deg: np.ndarray
    azimuth_deg: np.ndarray
    airmass_absolute: np.ndarray
    dni_extra_w_m2: np.ndarray

    @property
    def sun_up(self) -> np.ndarray:
        """True where the apparent zenith is below 90° (the sun above the horizon)."""
        return self.apparent_zenith_deg < 90.0


def solar_geometry(
    times: pd.DatetimeIndex, location: Location, air_temperature_c: np.ndarray | float
) -> SolarGeometry:
    """Solar position, absolute airmass and ``dni_extra`` at ``times``.

    Parameters
    ----------
    times:
        Tz-aware sample times.
    location:
        Site latitude/longitude [deg] and altitude [m]; the pressure ``p`` [Pa] follows from the
        altitude with :func:`pvlib.atmosphere.alt2pres`.
    air_temperature_c:
        Air temperature [°C] for the refraction correction (scalar or one per time).

    Notes
    -----
    ``airmass_absolute = AM_rel(apparent_zenith) * p / 101325`` with the Kasten & Young (1989)
    relative airmass.
    """
    pressure_pa = float(pvlib.atmosphere.alt2pres(location.altitude_m))
    position = pvlib.solarposition.get_solarposition(
        times, location.latitude_deg, location.longitude_deg, altitude=location.altitude_m,
        pressure=pressure_pa, temperature=air_temperature_c,
    )
    apparent_zenith = position["apparent_zenith"].to_numpy(dtype=float)
    airmass_relative = pvlib.atmosphere.get_relative_airmass(apparent_zenith)
    airmass_absolute = pvlib.atmosphere.get_absolute_airmass(airmass_relative, pressure_pa)
    dni_extra = pvlib.irradiance.get_extra_radiation(_day_of_year(times))
    return SolarGeometry(
        times=times,
        apparent_zenith_deg=apparent_zenith,
        zenith_deg=position["zenith"].to_numpy(dtype=float),
        azimuth_deg=position["azimuth"].to_numpy(dtype=float),
        airmass_absolute=np.asarray(airmass_absolute, dtype=float),
        dni_extra_w_m2=np.asarray(dni_extra, dtype=float),
    )


def _day_of_year(times: pd.DatetimeIndex) -> np.ndarray:
    """UTC day of year (1..366) as floats, as pvlib's day-of-year models expect."""
    return times.tz_convert("UTC").day_of_year.to_numpy(dtype=float)


def _scatter_daylight(sun_up: np.ndarray, daylight_values: object) -> np.ndarray:
    """Values computed for the daylight samples only, placed back with exact zeros at night.

    The clear-sky, decomposition and transposition models divide by ``cos(zenith)``, so they
    are evaluated only where the sun is above the horizon.
    """
    out = np.zeros(sun_up.shape, dtype=float)
    out[sun_up] = np.asarray(daylight_values, dtype=float)
    return out


# ----------------------------------------------------------------------------- sky irradiance

@dataclass(frozen=True)
class SkyIrradiance:
    """Horizontal irradiance components [W/m²] at each sample: ``ghi = dni * cos(zenith) + dhi``."""

    ghi_w_m2: np.ndarray
    dni_w_m2: np.ndarray
    dhi_w_m2: np.ndarray


def linke_turbidity(times: pd.DatetimeIndex, location: Location) -> np.ndarray:
    """Linke turbidity ``T_L`` [-] at ``times`` from the climatology that ships with pvlib.

    The 12 monthly values come from :func:`pvlib.clearsky.lookup_linke_turbidity` (the local
    ``LinkeTurbidities.h5``, 5' grid) and are interpolated linearly in the UTC day of year
    between month middles, as pvlib's own ``interp_turbidity=True`` does. The interpolation is
    done here on ``DatetimeIndex.day_of_year`` because pvlib's uses the ``dayofyear`` alias that
    pandas 3 deprecates (a warning, hence an error under this project's pytest settings).
    """
    month_middles = pd.DatetimeIndex(
        [pd.Timestamp(year=2015, month=m, day=15, tz="UTC") for m in range(1, 13)]
    )
    monthly = pvlib.clearsky.lookup_linke_turbidity(
        month_middles, location.latitude_deg, location.longitude_deg, interp_turbidity=False
    ).to_numpy(dtype=float)
    nodes_values = np.concatenate(([monthly[-1]], monthly, [monthly[0]]))
    times_utc = times.tz_convert("UTC")
    day_of_year = times_utc.day_of_year.to_numpy(dtype=float)
    leap = np.asarray(times_utc.is_leap_year, dtype=bool)
    return np.where(
        leap,
        np.interp(day_of_year, _month_middle_days(leap_year=True), nodes_values),
        np.interp(day_of_year, _month_middle_days(leap_year=False), nodes_values),
    )


def _month_middle_days(*, leap_year: bool) -> np.ndarray:
    """Day-of-year of the middle of each month, with mid-December before and mid-January after."""
    month_days = np.array([31, 29 if leap_year else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    year_days = int(month_days.sum())
    middles = np.cumsum(month_days) - month_days / 2.0
    return np.concatenate(([-31 / 2.0], middles, [year_days + 31 / 2.0]))


def clear_sky_irradiance(geometry: SolarGeometry, location: Location) -> SkyIrradiance:
    """Ineichen & Perez clear-sky GHI, DNI and DHI [W/m²] with pvlib's Linke turbidity data.

    The monthly Linke turbidity ``T_L`` of the site is read from the file shipped with pvlib and
    interpolated to the day of year. Zero with the sun at or below the horizon.
    """
    up = geometry.sun_up
    linke = linke_turbidity(geometry.times[up], location)
    clear = pvlib.clearsky.ineichen(
        geometry.apparent_zenith_deg[up], geometry.airmass_absolute[up], linke,
        altitude=location.altitude_m, dni_extra=geometry.dni_extra_w_m2[up],
    )
    return SkyIrradiance(
        ghi_w_m2=_scatter_daylight(up, clear["ghi"]),
        dni_w_m2=_scatter_daylight(up, clear["dni"]),
        dhi_w_m2=_scatter_daylight(up, clear["dhi"]),
    )


def kasten_czeplak_ghi(ghi_clear_w_m2: np.ndarray, cloud_cover_pct: np.ndarray) -> np.ndarray:
    """Global horizontal irradiance under cloud cover, Kasten & Czeplak (1980).

    ``ghi = ghi_clear * (1 - 0.75 * c ** 3.4)`` with the cloud fraction
    ``c = cloud_cover_pct / 100`` (0..1): a clear sky keeps all of ``ghi_clear``, an overcast
    one 25 %.

    Parameters
    ----------
    ghi_clear_w_m2:
        Clear-sky global horizontal irradiance [W/m²].
    cloud_cover_pct:
        Total cloud cover [%], 0..100.
    """
    fraction = np.asarray(cloud_cover_pct, dtype=float) / 100.0
    return np.asarray(ghi_clear_w_m2, dtype=float) * (
        1.0 - KASTEN_CZEPLAK_A * fraction**KASTEN_CZEPLAK_B
    )


def cloudy_sky_irradiance(
    clear: SkyIrradiance, cloud_cover_pct: np.ndarray, geometry: SolarGeometry
) -> SkyIrradiance:
    """Scale the clear-sky GHI by cloud cover and split it with the Erbs model.

    ``ghi`` from :func:`kasten_czeplak_ghi`; ``dhi = k_d(k_t) * ghi`` and
    ``dni = (ghi - dhi) / cos(zenith)`` with the Erbs diffuse fraction ``k_d`` of the clearness
    index ``k_t = ghi / (dni_extra * cos(zenith))``.
    """
    ghi = kasten_czeplak_ghi(clear.ghi_w_m2, cloud_cover_pct)
    up = geometry.sun_up
    split = pvlib.irradiance.erbs(
        ghi[up], geometry.zenith_deg[up], _day_of_year(geometry.times[up])
    )
    return SkyIrradiance(
        ghi_w_m2=_scatter_daylight(up, ghi[up]),
        dni_w_m2=_scatter_daylight(up, split["dni"]),
        dhi_w_m2=_scatter_daylight(up, split["dhi"]),
    )


def sky_irradiance(
    geometry: SolarGeometry, location: Location, cloud_cover_pct: np.ndarray | None = None
) -> SkyIrradiance:
    """Clear-sky irradiance, or cloudy-sky irradiance when cloud cover [%] per sample is given."""
    clear = clear_sky_irradiance(geometry, location)
    if cloud_cover_pct is None:
        return clear
    return cloudy_sky_irradiance(clear, cloud_cover_pct, geometry)


# ----------------------------------------------------------------------------- plane of array

def plane_of_array_irradiance_w_m2(
    array: PvArray, geometry: SolarGeometry, sky: SkyIrradiance
) -> np.ndarray:
    """Global irradiance on the array plane [W/m²], Hay & Davies sky diffuse.

    ``poa_global = dni * cos(aoi) + dhi * ((1 - A) * (1 + cos β) / 2 + A * R_b)
    + ghi * albedo * (1 - cos β) / 2`` with the anisotropy index ``A = dni / dni_extra``, the beam
    ratio ``R_b = cos(aoi) / cos(zenith)`` and the tilt ``β``.
    """
    up = geometry.sun_up
    poa = pvlib.irradiance.get_total_irradiance(
        array.tilt_deg, array.azimuth_deg, geometry.apparent_zenith_deg[up],
        geometry.azimuth_deg[up], sky.dni_w_m2[up], sky.ghi_w_m2[up], sky.dhi_w_m2[up],
        dni_extra=geometry.dni_extra_w_m2[up], albedo=ALBEDO, model=TRANSPOSITION_MODEL,
    )
    return _scatter_daylight(up, poa["poa_global"])


def cell_temperature_c(
    poa_global_w_m2: np.ndarray, air_temperature_c: np.ndarray | float, wind_speed_m_s: float
) -> np.ndarray:
    """Cell temperature [°C], Faiman: ``temp_air + poa_global / (25 + 6.84 * wind_speed)``."""
    return np.asarray(
        pvlib.temperature.faiman(poa_global_w_m2, air_temperature_c, wind_speed_m_s), dtype=float
    )


# ----------------------------------------------------------------------------- DC and AC

def dc_power_kw(poa_global_w_m2: np.ndarray, temp_cell_c: np.ndarray, array: PvArray) -> np.ndarray:
    """PVWatts DC power after system losses [kW].

    ``p_dc = kWp * poa / 1000 * (1 + gamma_pdc * (temp_cell - 25)) * (1 - losses_pct / 100)``,
    so 1000 W/m² at 25 °C gives ``kWp * (1 - losses_pct / 100)``.
    """
    dc_w = pvlib.pvsystem.pvwatts_dc(
        poa_global_w_m2, temp_cell_c, pdc0=array.peak_power_kwp * 1000.0,
        gamma_pdc=array.temp_coefficient_per_c,
    )
    return np.asarray(dc_w, dtype=float) / 1000.0 * (1.0 - array.losses_pct / 100.0)


def inverter_dc_limit_kw(array: PvArray) -> float:
    """PVWatts inverter DC input rating ``pdc0`` [kW].

    ``inverter_ac_kw / eta_inv_nom`` (so the AC output clips at ``inverter_ac_kw``), or the
    array's kWp without an inverter limit.
    """
    if array.inverter_ac_kw is None:
        return array.peak_power_kwp
    return array.inverter_ac_kw / array.inverter_efficiency


def ac_power_kw(dc_kw: np.ndarray, array: PvArray) -> np.ndarray:
    """PVWatts inverter AC output [kW], clipped at ``eta_inv_nom * pdc0`` and at 0.

    ``eta = eta_nom / 0.9637 * (-0.0162 * ζ - 0.0059 / ζ + 0.9858)`` with ``ζ = p_dc / pdc0``;
    at ``ζ = 1`` the efficiency is exactly ``eta_nom``.
    """
    pdc0_w = inverter_dc_limit_kw(array) * 1000.0
    ac_w = pvlib.inverter.pvwatts(
        np.asarray(dc_kw, dtype=float) * 1000.0, pdc0_w, eta_inv_nom=array.inverter_efficiency
    )
    return np.asarray(ac_w, dtype=float) / 1000.0


def array_ac_power_kw(
    poa_global_w_m2: np.ndarray | float, temp_cell_c: np.ndarray | float, array: PvArray
) -> np.ndarray:
    """AC power [kW] of one array for a plane-of-array irradiance [W/m²] and cell temperature [°C].

    The PVWatts reference point: a 1 kWp array with 0 % losses, ``inverter_efficiency = 1`` and
    no clipping gives 1 kW at 1000 W/m² and 25 °C.
    """
    poa = np.atleast_1d(np.asarray(poa_global_w_m2, dtype=float))
    temp = np.broadcast_to(np.asarray(temp_cell_c, dtype=float), poa.shape)
    return ac_power_kw(dc_power_kw(poa, temp, array), array)


# ----------------------------------------------------------------------------- forecast

def pv_forecast_kw(
    home: Home,
    axis: TimeAxis,
    *,
    cloud_cover_pct: np.ndarray | None = None,
    air_temperature_c: np.ndarray | None = None,
) -> np.ndarray:
    """Mean AC power [kW] of all PV arrays of ``home`` over each step of ``axis``.

    Parameters
    ----------
    home:
        Location, PV arrays, PV settings (assumed air temperature [°C], wind speed [m/s]) and an
        optional ``pv_series`` that replaces the model.
    axis:
        Planning axis.
    cloud_cover_pct:
        Total cloud cover [%] per axis step (0..100); without it the sky is clear.
    air_temperature_c:
        Air temperature [°C] per axis step; without it ``home.pv_settings.air_temperature_c``.

    Returns
    -------
    numpy.ndarray
        ``axis.n_steps`` values ≥ 0 [kW]; zeros for a home without arrays or series.

    Raises
    ------
    InputError
        ``cloud_cover_pct`` or ``air_temperature_c`` of the wrong length or out of range.
    SeriesError
        The PV series file is missing, malformed, too short or has negative values.
    """
    cloud_steps = _check_step_array(cloud_cover_pct, axis, "cloud_cover_pct", (0.0, 100.0), "%")
    air_steps = _check_step_array(
        air_temperature_c, axis, "air_temperature_c", AIR_TEMPERATURE_RANGE_C, "°C"
    )
    if home.pv_series is not None:
        return pv_series_on_axis(home, axis)
    if not home.pv_arrays:
        return np.zeros(axis.n_steps)

    times = sample_times(axis)
    if air_steps is None:
        air_samples = np.full(len(times), home.pv_settings.air_temperature_c)
    else:
        air_samples = per_sample(air_steps, axis)
    cloud_samples = None if cloud_steps is None else per_sample(cloud_steps, axis)

    geometry = solar_geometry(times, home.location, air_samples)
    sky = sky_irradiance(geometry, home.location, cloud_samples)
    total_kw = np.zeros(len(times))
    for array in home.pv_arrays:
        poa = plane_of_array_irradiance_w_m2(array, geometry, sky)
        temp_cell = cell_temperature_c(poa, air_samples, home.pv_settings.wind_speed_m_s)
        total_kw += array_ac_power_kw(poa, temp_cell, array)
    total_kw = np.where(geometry.sun_up, np.maximum(total_kw, 0.0), 0.0)
    return step_mean(total_kw, axis)


def pv_series_on_axis(home: Home, axis: TimeAxis) -> np.ndarray:
    """The home's PV series [kW] (``pv_series``) as the mean over each axis step.

    With ``repeat_daily`` the file is one local day used as a time-of-day profile.
    """
    spec = home.pv_series
    if spec is None:
        raise InputError("pv_series", "the home file has no pv_series")
    path = home.resolve_path(spec.file, "pv_series.file")
    series = read_series(path, value_column=spec.value_column, name=f"pv_series {spec.file}")
    negative = np.flatnonzero(series.values < 0)
    if negative.size:
        i = int(negative[0])
        raise SeriesError(
            series.name,
            f"{_where(path, i)}: PV power is negative; PV power must be ≥ 0 kW",
        )
    return align(series, axis, repeat_daily=spec.repeat_daily)


# ----------------------------------------------------------------------------- weather files

def cloud_cover_pct_on_axis(
    path: Path, axis: TimeAxis, *, value_column: str | None = None
) -> np.ndarray:
    """Total cloud cover [%] from a CSV/JSON series, as the time-weighted mean over each step.

    Raises :class:`SeriesError` naming the line of a value outside 0..100 %.
    """
    series = read_series(Path(path), value_column=value_column, name=f"cloud cover {path}")
    _check_series_range(series, Path(path), (0.0, 100.0), "cloud cover", "%")
    return align_mean(series, axis)


def air_temperature_c_on_axis(
    path: Path, axis: TimeAxis, *, value_column: str | None = None
) -> np.ndarray:
    """Air temperature [°C] from a CSV/JSON series, as the time-weighted mean over each step.

    Raises :class:`SeriesError` naming the line of a value outside -90..60 °C (e.g. Kelvin).
    """
    series = read_series(Path(path), value_column=value_column, name=f"air temperature {path}")
    _check_series_range(series, Path(path), AIR_TEMPERATURE_RANGE_C, "air temperature", "°C")
    return align_mean(series, axis)


WIND_SPEED_RANGE_M_S = (0.0, 80.0)


def wind_speed_m_s_on_axis(
    path: Path, axis: TimeAxis, *, value_column: str | None = None
) -> np.ndarray:
    """Wind speed 10 m above ground [m/s] from a CSV/JSON series, time-weighted mean per step.

    Raises :class:`SeriesError` naming the line of a value outside 0..80 m/s (e.g. km/h).
    """
    series = read_series(Path(path), value_column=value_column, name=f"wind speed {path}")
    _check_series_range(series, Path(path), WIND_SPEED_RANGE_M_S, "wind speed", "m/s")
    return align_mean(series, axis)


# ----------------------------------------------------------------------------- validation

def _check_step_array(
    values: np.ndarray | None, axis: TimeAxis, field: str, bounds: tuple[float, float], unit: str
) -> np.ndarray | None:
    if values is None:
        return None
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.shape[0] != axis.n_steps:
        raise InputError(
            field,
            f"needs {axis.n_steps} values, one per {axis.step_minutes}-minute step of the axis, "
            f"got shape {arr.shape}",
        )
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise InputError(field, f"step {i} ({axis.index[i].isoformat()}) is not finite")
    lo, hi = bounds
    outside = np.flatnonzero((arr < lo) | (arr > hi))
    if outside.size:
        i = int(outside[0])
        raise InputError(
            field,
            f"step {i} ({axis.index[i].isoformat()}) is {arr[i]:g} {unit}; "
            f"must be between {lo:g} and {hi:g} {unit}",
        )
    return arr


def _check_series_range(
    series: Series, path: Path, bounds: tuple[float, float], what: str, unit: str
) -> None:
    lo, hi = bounds
    outside = np.flatnonzero((series.values < lo) | (series.values > hi))
    if outside.size:
        i = int(outside[0])
        raise SeriesError(
            series.name,
            f"{_where(path, i)}: {what} is outside {lo:g}..{hi:g} {unit}",
        )


def _where(path: Path, index: int) -> str:
    """``line N`` of a CSV (header on line 1, as :func:`tools.series.read_series` counts) or
    ``value N`` of a JSON series."""
    if path.suffix.lower() == ".csv":
        return f"line {index + 2}"
    return f"value {index + 1}"
