"""Small-wind output: wind speed at the hub from 10 m, then the turbine's power curve.

The shear and power-curve formulas are windpowerlib's (oemof; ``wind_speed.hellman``,
``wind_speed.logarithmic_profile``, ``power_output.power_curve``): the speed at hub height is
``v_10·(h/10)^alpha`` (Hellman power law) or ``v_10·ln(h/z0)/ln(10/z0)`` (log law), and the
output is the data-sheet curve interpolated linearly — zero below cut-in and from cut-out on.
Deterministic: no random numbers; the speed comes from a forecast or the home file's profile.
"""

from __future__ import annotations

import numpy as np
from windpowerlib import power_output
from windpowerlib import wind_speed as shear

from tools.home import LogShear, WindTurbine

REFERENCE_HEIGHT_M = 10.0
"""Height of forecast and profile wind speeds [m] (the meteorological standard)."""


def hub_wind_speed_m_s(turbine: WindTurbine, wind_speed_10m_m_s: np.ndarray) -> np.ndarray:
    """Wind speed at the turbine's hub [m/s] from the speed 10 m above ground."""
    v10 = np.asarray(wind_speed_10m_m_s, dtype=float)
    if isinstance(turbine.shear, LogShear):
        return np.asarray(
            shear.logarithmic_profile(
                v10,
                REFERENCE_HEIGHT_M,
                turbine.hub_height_m,
                turbine.shear.roughness_length_m,
            ),
            dtype=float,
        )
    return np.asarray(
        shear.hellman(
            v10, REFERENCE_HEIGHT_M, turbine.hub_height_m, hellman_exponent=turbine.shear.alpha
        ),
        dtype=float,
    )


def curve_points(turbine: WindTurbine) -> tuple[np.ndarray, np.ndarray]:
    """The power curve as (speeds [m/s], powers [kW]) from cut-in to cut-out.

    The data-sheet points inside ``(cut_in, rated)`` are kept; the curve is 0 kW at cut-in and
    ``rated_kw`` from rated up to just below cut-out. Without data-sheet points it rises with
    the cube of the speed between cut-in and rated (power in the wind ∝ v³).
    """
    inside = [
        (p.wind_speed_m_s, p.power_kw)
        for p in turbine.power_curve
        if turbine.cut_in_m_s < p.wind_speed_m_s < turbine.rated_m_s
    ]
    if not inside:
        speeds = np.linspace(turbine.cut_in_m_s, turbine.rated_m_s, 9)[1:-1]
        share = (speeds**3 - turbine.cut_in_m_s**3) / (turbine.rated_m_s**3 - turbine.cut_in_m_s**3)
        inside = list(zip(speeds.tolist(), (share * turbine.rated_kw).tolist(), strict=True))
    below_cut_out = np.nextafter(turbine.cut_out_m_s, 0.0)
    points = [
        (turbine.cut_in_m_s, 0.0),
        *inside,
        (turbine.rated_m_s, turbine.rated_kw),
        (below_cut_out, turbine.rated_kw),
    ]
    return np.array([s for s, _ in points]), np.array([p for _, p in points])


def turbine_power_kw(turbine: WindTurbine, wind_speed_10m_m_s: np.ndarray) -> np.ndarray:
    """AC output of ``turbine`` [kW] per value of the 10 m wind speed."""
    hub = hub_wind_speed_m_s(turbine, wind_speed_10m_m_s)
    speeds, powers = curve_points(turbine)
    power = np.asarray(power_output.power_curve(hub, speeds, powers), dtype=float)
    return np.clip(power, 0.0, turbine.rated_kw)
