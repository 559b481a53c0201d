"""The plan as a Plotly figure that tells the day's story (pure function; no Chainlit import).

Rows, top to bottom, sharing one time axis (rows without data are left out):

1. **Power use [kW]** — the home's consumption stacked per step: the household base load, each
   run already approved (hatched, "… (approved)"), each device of this plan, by name.
2. **Solar [kW]** (with PV) — the PV power used at home (the battery included) and the PV sent to
   the grid, stacked; what was available but curtailed is left out.
3. **Battery [kW]** (with a battery) — its own band: charging above zero, discharging below.
4. **Price [currency/kWh]** — the import price as a step line on an axis that starts at 0.

The legend names what rows 1 and 2 stack; rows 3 and 4 are named by their axis titles.

Dotted vertical lines mark each request's deadline (named after its device); a dashed red line
marks "now". Every per-step value holds for the whole step, so the traces are step-shaped
(``hv``) with one extra point at the horizon end: ``x = [t_0, …, t_{n-1}, t_end]``, ``y = [v_0,
…, v_{n-1}, v_{n-1}]`` — a run at constant power is one continuous block. Plotly has no time
zones, so times are passed as wall-clock times of the home (naive, after conversion); on the
night a DST change repeats an hour, that hour's steps are drawn on top of each other.

Phone widths: no figure title (the card above names the plan), short axis titles, a horizontal
legend under the time axis with room reserved for it, and no mode bar (:data:`CHART_CONFIG`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.render import local_time
from tools import formatting
from tools.errors import SeriesError
from tools.home import Home
from tools.results import Plan

BASE_LOAD_COLOR = "#9e9e9e"
SOLAR_USED_COLOR = "#f9a825"
SOLAR_EXPORT_COLOR = "#ffe082"
CHARGE_COLOR = "#43a047"
DISCHARGE_COLOR = "#1b5e20"
PRICE_COLOR = "#6a1b9a"
NOW_COLOR = "#d32f2f"
DEADLINE_COLOR = "#455a64"
#: Colours for EVs and appliances, by their position in the home file (stable across plans).
DEVICE_COLORS = ("#1e88e5", "#fb8c00", "#8e24aa", "#00897b", "#c0ca33", "#6d4c41", "#3949ab",
                 "#e53935")
#: Plotly config the UI sends with the figure: no mode bar over the plot on a phone.
CHART_CONFIG = {"displayModeBar": False, "responsive": True}
#: Heights [px] of the rows, in order: power use, solar, battery, price.
ROW_PX = {"power": 260, "solar": 110, "battery": 110, "price": 110}
#: Room for the time axis labels and the legend under them [px].
BOTTOM_PX = 120
#: Where the legend starts under the plot area [px]: below the two-line time axis labels.
LEGEND_GAP_PX = 40


def _wall_clock(moments: Sequence[datetime], tz_name: str | None) -> list[datetime]:
    return [local_time(moment, tz_name).replace(tzinfo=None) for moment in moments]


def _stepped(values: Sequence[float], field: str, n_steps: int) -> list[float]:
    if len(values) != n_steps:
        raise SeriesError(f"plan.series.{field}", f"has {len(values)} values for {n_steps} steps")
    return [*values, values[-1]] if values else []


def _device_color(home: Home, device: str) -> str:
    ids = [d.id for d in home.devices()]
    index = ids.index(device) if device in ids else len(ids)
    return DEVICE_COLORS[index % len(DEVICE_COLORS)]


def plan_figure(plan: Plan, home: Home, *, now: datetime | None = None) -> go.Figure:
    """Build the plan's chart.

    Parameters
    ----------
    plan:
        The plan; its ``series`` and requests are drawn.
    home:
        The home: device names, colours, time zone.
    now:
        Where to draw the now-line; ``None`` means the plan's own ``now``.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: ``Household``, one per approved run (``<name> (approved)``), one per
        device of the plan (``<name>``), then ``Solar used`` and ``Solar to grid`` (with PV),
        ``Battery charging`` and ``Battery discharging`` (with a battery), and ``Price``.

    Raises
    ------
    tools.errors.SeriesError
        A series does not have one value per step.
    """
    series = plan.series
    tz_name = home.timezone
    n = len(series.times)
    if n == 0:
        raise SeriesError("plan.series.times", "is empty: the plan has no steps to draw")
    x = _wall_clock([*series.times, plan.horizon_end], tz_name)
    pv = np.asarray(_stepped(series.pv_kw, "pv_kw", n))
    has_solar = bool(np.any(pv > 0))
    has_battery = bool(series.battery_soc_pct)
    rows = ["power", *(["solar"] if has_solar else []), *(["battery"] if has_battery else []),
            "price"]
    heights = [ROW_PX[r] for r in rows]
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        row_heights=[h / sum(heights) for h in heights])
    row = {name: i + 1 for i, name in enumerate(rows)}

    def area(name: str, values: list[float], color: str, where: str, group: str,
             pattern: bool = False) -> None:
        fig.add_trace(go.Scatter(
            x=x, y=values, name=name, mode="lines", line_shape="hv", stackgroup=group,
            line={"width": 0.5, "color": color}, fillcolor=color,
            fillpattern={"shape": "/", "fgcolor": "white", "size": 6} if pattern else None,
            customdata=[formatting.power(v) for v in values],
            hovertemplate="%{customdata}<extra>" + name + "</extra>",
        ), row=row[where], col=1)

    area("Household", _stepped(series.base_load_kw, "base_load_kw", n), BASE_LOAD_COLOR, "power",
         "use")
    for device, power in series.committed_kw.items():
        area(f"{home.label(device)} (approved)", _stepped(power, f"committed_kw.{device}", n),
             _device_color(home, device), "power", "use", pattern=True)
    for device, power in series.device_kw.items():
        area(home.label(device), _stepped(power, f"device_kw.{device}", n),
             _device_color(home, device), "power", "use")

    if has_solar:
        curtailed = np.asarray(_stepped(series.pv_curtailed_kw, "pv_curtailed_kw", n))
        exported = np.asarray(_stepped(series.grid_export_kw, "grid_export_kw", n))
        to_grid = np.minimum(exported, pv - curtailed)
        used = np.clip(pv - curtailed - to_grid, 0.0, None)
        area("Solar used", [round(float(v), 4) for v in used], SOLAR_USED_COLOR, "solar", "pv")
        area("Solar to grid", [round(float(v), 4) for v in to_grid], SOLAR_EXPORT_COLOR,
             "solar", "pv")
    if has_battery:
        if len(series.battery_soc_pct) != n + 1:
            raise SeriesError(
                "plan.series.battery_soc_pct",
                f"has {len(series.battery_soc_pct)} values; a SoC per step boundary needs {n + 1}",
            )
        charge = _stepped(series.battery_charge_kw, "battery_charge_kw", n)
        discharge = [-v for v in _stepped(series.battery_discharge_kw, "battery_discharge_kw", n)]
        for name, values, color in (("Battery charging", charge, CHARGE_COLOR),
                                    ("Battery discharging", discharge, DISCHARGE_COLOR)):
            fig.add_trace(go.Scatter(
                x=x, y=values, name=name, mode="lines", line_shape="hv", fill="tozeroy",
                line={"width": 0.5, "color": color}, fillcolor=color, showlegend=False,
                customdata=[formatting.power(v) for v in values],
                hovertemplate="%{customdata}<extra>" + name + "</extra>",
            ), row=row["battery"], col=1)

    price = _stepped(series.import_price_per_kwh, "import_price_per_kwh", n)
    fig.add_trace(go.Scatter(
        x=x, y=price, name="Price",
        mode="lines", line_shape="hv", line={"color": PRICE_COLOR, "width": 1.5}, showlegend=False,
        customdata=[formatting.price(v, plan.currency) for v in price],
        hovertemplate="%{customdata}<extra>price</extra>",
    ), row=row["price"], col=1)

    for request in plan.requests:
        if request.deadline is None or not plan.horizon_start < request.deadline < plan.horizon_end:
            continue
        at = local_time(request.deadline, tz_name).replace(tzinfo=None)
        fig.add_vline(x=at, line={"color": DEADLINE_COLOR, "width": 1, "dash": "dot"})
        fig.add_annotation(x=at, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{home.label(request.device)} ready",
                           font={"size": 10, "color": DEADLINE_COLOR})
    now_x = local_time(now if now is not None else plan.now, tz_name).replace(tzinfo=None)
    fig.add_vline(x=now_x, line={"color": NOW_COLOR, "width": 1.5, "dash": "dash"})
    fig.add_annotation(x=now_x, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text="now", font={"size": 10, "color": NOW_COLOR})

    fig.update_yaxes(title_text="use kW", rangemode="tozero", row=row["power"], col=1)
    if has_solar:
        fig.update_yaxes(title_text="solar kW", rangemode="tozero", row=row["solar"], col=1)
    if has_battery:
        fig.update_yaxes(title_text="battery kW<br>+ in, − out", zeroline=True,
                         row=row["battery"], col=1)
    fig.update_yaxes(title_text=f"{plan.currency}/kWh", rangemode="tozero", tickformat=".2f",
                     row=row["price"], col=1)
    fig.update_xaxes(tickformat="%a<br>%H:%M", nticks=5, tickangle=0, row=len(rows), col=1)
    fig.update_layout(
        height=sum(heights) + BOTTOM_PX + 30, hovermode="x unified",
        margin={"l": 56, "r": 12, "t": 30, "b": BOTTOM_PX},
        font={"size": 11},
        legend={"orientation": "h", "yanchor": "top", "y": -LEGEND_GAP_PX / sum(heights),
                "xanchor": "left", "x": 0, "font": {"size": 10}},
    )
    return fig
