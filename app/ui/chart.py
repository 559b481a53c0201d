"""The plan as a Plotly figure (pure function of the plan; no Chainlit import).

Top panel: the home's consumption stacked per step — base load, each EV and appliance, battery
charging — with the PV power available as a line and the import price on a second y axis.
Bottom panel (when the home has a battery): battery state of charge at the step boundaries.
A vertical line marks "now".

Every per-step value holds for the whole step, so the traces are step-shaped (``hv``) and get
one extra point at the horizon end: ``x = [t_0, …, t_{n-1}, t_end]``, ``y = [v_0, …, v_{n-1},
v_{n-1}]``. Plotly has no time zones, so times are passed as wall-clock times of the home
(naive, after conversion to ``tz_name``); on the night a DST change repeats an hour, that hour's
steps are drawn on top of each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.render import local_time, money
from tools import formatting
from tools.errors import SeriesError
from tools.results import Plan

BASE_LOAD_COLOR = "#9e9e9e"
PV_COLOR = "#f9a825"
PRICE_COLOR = "#6a1b9a"
SOC_COLOR = "#2e7d32"
BATTERY_CHARGE_COLOR = "#66bb6a"
NOW_COLOR = "#d32f2f"
#: Colours for EVs and appliances, in the order they appear in the plan.
DEVICE_COLORS = ("#1e88e5", "#fb8c00", "#8e24aa", "#00897b", "#c0ca33", "#6d4c41", "#3949ab",
                 "#e53935")


def _wall_clock(moments: Sequence[datetime], tz_name: str | None) -> list[datetime]:
    return [local_time(moment, tz_name).replace(tzinfo=None) for moment in moments]


def _stepped(values: Sequence[float], field: str, n_steps: int) -> list[float]:
    if len(values) != n_steps:
        raise SeriesError(f"plan.series.{field}", f"has {len(values)} values for {n_steps} steps")
    return [*values, values[-1]] if values else []


def _has_battery(plan: Plan) -> bool:
    return len(plan.series.battery_soc_pct) > 0


def plan_figure(plan: Plan, *, tz_name: str | None = None, now: datetime | None = None,
                title: str | None = None) -> go.Figure:
    """Build the proposal chart.

    Parameters
    ----------
    plan:
        The plan; its ``series`` are drawn.
    tz_name:
        IANA time zone of the home; times are shown on its wall clock. ``None`` keeps the UTC
        offsets the plan was written with.
    now:
        Where to draw the now-line; ``None`` means the plan's own ``now``.
    title:
        Figure title; ``None`` gives the plan's cost, baseline and saving.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: ``base load``, one per device in ``series.device_kw``, ``battery
        charging`` (when the plan has a battery), ``PV available``, ``import price``, and
        ``battery SoC`` (when the plan has a battery).

    Raises
    ------
    tools.errors.SeriesError
        A series does not have one value per step (``battery_soc_pct``: per boundary, n + 1).
    """
    series = plan.series
    n = len(series.times)
    if n == 0:
        raise SeriesError("plan.series.times", "is empty: the plan has no steps to draw")
    x = _wall_clock([*series.times, plan.horizon_end], tz_name)
    battery = _has_battery(plan)
    if battery and len(series.battery_soc_pct) != n + 1:
        raise SeriesError(
            "plan.series.battery_soc_pct",
            f"has {len(series.battery_soc_pct)} values; a SoC per step boundary needs {n + 1}",
        )

    rows = 2 if battery else 1
    fig = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.07,
        row_heights=[0.72, 0.28] if battery else [1.0],
        specs=[[{"secondary_y": True}]] + ([[{}]] if battery else []),
    )

    def area(name: str, values: Sequence[float], field: str, color: str) -> None:
        stepped = _stepped(values, field, n)
        fig.add_trace(go.Scatter(
            x=x, y=stepped, name=name, mode="lines", line_shape="hv",
            stackgroup="consumption", line={"width": 0.5, "color": color}, fillcolor=color,
            customdata=[formatting.power(v) for v in stepped],
            hovertemplate="%{customdata}<extra>" + name + "</extra>",
        ), row=1, col=1, secondary_y=False)

    area("base load", series.base_load_kw, "base_load_kw", BASE_LOAD_COLOR)
    for index, (device, power_kw) in enumerate(series.device_kw.items()):
        area(device, power_kw, f"device_kw.{device}", DEVICE_COLORS[index % len(DEVICE_COLORS)])
    if battery:
        area("battery charging", series.battery_charge_kw, "battery_charge_kw",
             BATTERY_CHARGE_COLOR)

    pv = _stepped(series.pv_kw, "pv_kw", n)
    fig.add_trace(go.Scatter(
        x=x, y=pv, name="PV available", mode="lines",
        line_shape="hv", line={"color": PV_COLOR, "width": 2, "dash": "dot"},
        customdata=[formatting.power(v) for v in pv],
        hovertemplate="%{customdata}<extra>PV</extra>",
    ), row=1, col=1, secondary_y=False)
    price = _stepped(series.import_price_per_kwh, "import_price_per_kwh", n)
    fig.add_trace(go.Scatter(
        x=x, y=price,
        name="import price", mode="lines", line_shape="hv",
        line={"color": PRICE_COLOR, "width": 1.5},
        customdata=[formatting.price(v, plan.currency) for v in price],
        hovertemplate="%{customdata}<extra>price</extra>",
    ), row=1, col=1, secondary_y=True)
    if battery:
        fig.add_trace(go.Scatter(
            x=x, y=list(series.battery_soc_pct), name="battery SoC", mode="lines+markers",
            line={"color": SOC_COLOR, "width": 2}, marker={"size": 3},
            customdata=[formatting.pct(v) for v in series.battery_soc_pct],
            hovertemplate="%{customdata}<extra>battery</extra>",
        ), row=2, col=1)
        fig.update_yaxes(title_text="battery SoC [%]", range=[0, 100], row=2, col=1)

    now_x = local_time(now if now is not None else plan.now, tz_name).replace(tzinfo=None)
    fig.add_shape(type="line", x0=now_x, x1=now_x, xref="x", y0=0, y1=1, yref="paper",
                  line={"color": NOW_COLOR, "width": 1.5, "dash": "dash"}, name="now")
    fig.add_annotation(x=now_x, y=1, xref="x", yref="paper", text="now", showarrow=False,
                       font={"color": NOW_COLOR}, yanchor="bottom")

    fig.update_yaxes(title_text="power [kW]", rangemode="tozero", row=1, col=1, secondary_y=False)
    fig.update_yaxes(title_text=f"price [{plan.currency}/kWh]", showgrid=False, tickformat=".3f",
                     row=1, col=1, secondary_y=True)
    zone = tz_name or "home time"
    fig.update_xaxes(title_text=f"local time ({zone})", row=rows, col=1)
    if title is None:
        title = (f"Plan {plan.id}: {money(plan.cost, plan.currency)} "
                 f"(without planning {money(plan.baseline_cost, plan.currency)})")
    fig.update_layout(
        title={"text": title}, hovermode="x unified", height=560 if battery else 460,
        margin={"l": 60, "r": 60, "t": 60, "b": 110},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2 if battery else -0.25,
                "xanchor": "left", "x": 0},
    )
    return fig
