"""First-order thermal physics: one temperature, one capacitance, one resistance (1R1C).

A hot-water tank and a heated room obey the same equation::

    C·dT/dt = (T_env − T)/R + Q(t)

with ``C`` [kWh/K], ``R`` [K/kW], the surroundings at ``T_env`` [°C] and the heat ``Q`` [kW]
put in (heating element, heat pump, gains; draws and cooling count negative). With ``Q`` and
``T_env`` constant over a step of ``Δt`` hours the solution is exact (zero-order hold)::

    T_{t+1} = a·T_t + (1 − a)·(T_env,t + R·Q_t),    a = exp(−Δt / (R·C))

so a constant heat input approaches ``T_env + Q·R`` exponentially with time constant ``R·C``:
``T(t) = T_env + Q·R + (T0 − T_env − Q·R)·e^(−t/RC)``. The MILP, the audit and the baseline all
use this one recursion, so the plan's temperatures are the physics at every step boundary, not
an Euler approximation. Without standing loss (``R = ∞``) it reduces to ``T_{t+1} = T_t +
Δt·Q_t/C``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tools.home import WATER_KWH_PER_LITRE_K, CarnotCop, HeatPump, LinearCop, WaterTank

KELVIN = 273.15


@dataclass(frozen=True)
class Node:
    """A 1R1C node.

    Attributes
    ----------
    resistance_k_per_kw:
        Thermal resistance to the surroundings R [K/kW]; ``math.inf`` for none.
    capacitance_kwh_per_k:
        Heat capacity C [kWh/K].
    """

    resistance_k_per_kw: float
    capacitance_kwh_per_k: float

    def decay(self, step_hours: float) -> float:
        """``a = exp(−Δt/(R·C))`` [-]; 1 without losses."""
        if math.isinf(self.resistance_k_per_kw):
            return 1.0
        return math.exp(-step_hours / (self.resistance_k_per_kw * self.capacitance_kwh_per_k))

    def heat_gain_k_per_kw(self, step_hours: float) -> float:
        """Temperature rise over one step per kW of constant heat input [K/kW]:
        ``(1 − a)·R``, or ``Δt/C`` without losses."""
        if math.isinf(self.resistance_k_per_kw):
            return step_hours / self.capacitance_kwh_per_k
        return (1.0 - self.decay(step_hours)) * self.resistance_k_per_kw

    def step(self, temp_c: float, env_temp_c: float, heat_kw: float, step_hours: float) -> float:
        """The temperature one step later [°C] (exact for constant inputs over the step)."""
        a = self.decay(step_hours)
        return a * temp_c + (1 - a) * env_temp_c + self.heat_gain_k_per_kw(step_hours) * heat_kw

    def simulate(
        self, temp0_c: float, env_temp_c: np.ndarray, heat_kw: np.ndarray, step_hours: float
    ) -> np.ndarray:
        """Temperatures at every step boundary (``n + 1`` values) [°C]."""
        temps = np.empty(len(heat_kw) + 1)
        temps[0] = temp0_c
        for t in range(len(heat_kw)):
            temps[t + 1] = self.step(temps[t], float(env_temp_c[t]), float(heat_kw[t]), step_hours)
        return temps


def tank_node(tank: WaterTank) -> Node:
    return Node(tank.resistance_k_per_kw, tank.capacity_kwh_per_k)


def building_node(pump: HeatPump) -> Node:
    return Node(pump.building.resistance_k_per_kw, pump.building.capacitance_kwh_per_k)


def cop(pump: HeatPump, outdoor_temp_c: np.ndarray) -> np.ndarray:
    """Coefficient of performance per step [-]: heat moved per unit of electricity.

    Linear: ``cop_at_7c + slope·(T_out − 7)``. Carnot fraction: ``η·T_hot/(T_hot − T_cold)``
    for heating (``T_hot`` = supply, ``T_cold`` = outdoors) and ``η·T_cold/(T_hot − T_cold)`` for
    cooling (``T_cold`` = supply, ``T_hot`` = outdoors), in kelvin; a lift under 1 K counts as
    1 K. Both are clipped to ``[min_cop, max_cop]``.
    """
    spec = pump.cop
    outdoor = np.asarray(outdoor_temp_c, dtype=float)
    if isinstance(spec, LinearCop):
        values = spec.cop_at_7c + spec.slope_per_k * (outdoor - 7.0)
    else:
        assert isinstance(spec, CarnotCop)
        supply = spec.supply_temp_c + KELVIN
        ambient = outdoor + KELVIN
        if pump.mode == "heating":
            values = spec.efficiency * supply / np.maximum(supply - ambient, 1.0)
        else:
            values = spec.efficiency * supply / np.maximum(ambient - supply, 1.0)
    return np.clip(values, spec.min_cop, spec.max_cop)


def heat_sign(pump: HeatPump) -> float:
    """+1 when the pump heats the room, −1 when it cools it."""
    return 1.0 if pump.mode == "heating" else -1.0


def draw_energy_kwh(litres: float, tap_temp_c: float, cold_water_temp_c: float) -> float:
    """Heat that leaves a tank for ``litres`` at the tap at ``tap_temp_c`` [kWh]."""
    return litres * WATER_KWH_PER_LITRE_K * (tap_temp_c - cold_water_temp_c)


@dataclass(frozen=True)
class RcEstimate:
    """R [K/kW] and C [kWh/K] fitted to a heating history, with the fit's RMS error [K]."""

    resistance_k_per_kw: float
    capacitance_kwh_per_k: float
    rms_error_k: float


def estimate_rc(
    indoor_temp_c: np.ndarray,
    outdoor_temp_c: np.ndarray,
    heat_kw: np.ndarray,
    step_hours: float,
) -> RcEstimate:
    """Fit a 1R1C model to a heating history by linear least squares.

    From ``n + 1`` indoor readings at step boundaries and the ``n`` step means of the outdoor
    temperature and the heat delivered [kW] (heat-pump power × COP, or a heat meter), the exact
    recursion rearranges to a linear regression without intercept::

        T_{t+1} − T_out,t = a·(T_t − T_out,t) + b·Q_t,     b = (1 − a)·R

    so ``R = b/(1 − a)`` and ``C = −Δt/(R·ln a)``. The history needs the heat to vary (some
    hours on, some off) and the indoor temperature to differ from outdoors; a week of hourly
    readings in the heating season is plenty. Raises ``ValueError`` when the data cannot
    identify both parameters.
    """
    indoor = np.asarray(indoor_temp_c, dtype=float)
    outdoor = np.asarray(outdoor_temp_c, dtype=float)
    heat = np.asarray(heat_kw, dtype=float)
    n = len(heat)
    if len(indoor) != n + 1 or len(outdoor) != n:
        raise ValueError(
            f"need n + 1 indoor readings and n outdoor and heat values, got {len(indoor)}, "
            f"{len(outdoor)}, {n}"
        )
    if n < 3:
        raise ValueError("need at least 3 steps of history")
    features = np.column_stack((indoor[:-1] - outdoor, heat))
    target = indoor[1:] - outdoor
    (a, b), *_ = np.linalg.lstsq(features, target, rcond=None)
    if not 0 < a < 1 or b <= 0:
        raise ValueError(
            f"the history does not identify a 1R1C model (decay {a:.4f}, heat gain {b:.4f} K/kW); "
            "it needs hours with and without heating and indoors warmer than outdoors"
        )
    resistance = b / (1 - a)
    capacitance = -step_hours / (resistance * math.log(a))
    residual = target - features @ np.array([a, b])
    return RcEstimate(resistance, capacitance, float(np.sqrt(np.mean(residual**2))))
