"""The plan's temperatures as a Plotly figure (pure function of the plan; no Chainlit import).

Top panel, one group per heat pump: the room's temperature at every step boundary, its comfort
band as a shaded area between the band's edges, and the outdoor temperature (a step mean, drawn
step-shaped). Bottom panel, one group per water tank: its temperature and the lowest temperature
it may have. Values are the plan's own series, so the chart and the card quote the same numbers.
Times are the home's wall clock, as in :mod:`app.ui.chart`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.render import local_time
from tools.results import Plan

ROOM_COLORS = ("#c62828", "#ad1457", "#6a1b9a")
TANK_COLORS = ("#1565c0", "#00838f", "#2e7d32")
OUTDOOR_COLOR = "#607d8b"


def _wall_clock(moments: Sequence[datetime], tz_name: str | None) -> list[datetime]:
    return [local_time(moment, tz_name).replace(tzinfo=None) for moment in moments]


def heat_figure(plan: Plan, *, tz_name: str | None = None) -> go.Figure | None:
    """Temperatures of the plan's rooms and tanks, or ``None`` for a plan without them.

    Traces, in order: per heat pump ``<name> band (min)`` (hidden in the legend), ``<name>
    band`` (its maximum, filled down to the minimum), ``<name> indoors``; ``outdoors`` (when the
    plan has an outdoor temperature); per tank ``<name> minimum`` and ``<name>``.
    """
    series = plan.series
    rooms, tanks = series.indoor_temp_c, series.tank_temp_c
    if not rooms and not tanks:
        return None
    steps = list(series.times)
    boundaries = _wall_clock([*steps, plan.horizon_end], tz_name)
    names = {line.device: line.name for line in (plan.heat.lines if plan.heat else [])}
    panels = int(bool(rooms)) + int(bool(tanks))
    figure = make_subplots(
        rows=panels,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=[t for t, on in (("Rooms", rooms), ("Hot water", tanks)) if on],
    )
    row = 1
    if rooms:
        for index, (device, temps) in enumerate(rooms.items()):
            color = ROOM_COLORS[index % len(ROOM_COLORS)]
            name = names.get(device, device)
            band = series.comfort_band_c.get(device)
            if band is not None:
                figure.add_trace(
                    go.Scatter(x=boundaries, y=band.min_temp_c, name=f"{name} band (min)",
                               line={"color": color, "width": 0}, showlegend=False,
                               hovertemplate="%{y:.1f} °C"),
                    row=row, col=1,
                )
                figure.add_trace(
                    go.Scatter(x=boundaries, y=band.max_temp_c, name=f"{name} band",
                               line={"color": color, "width": 0}, fill="tonexty",
                               fillcolor="rgba(198,40,40,0.12)", hovertemplate="%{y:.1f} °C"),
                    row=row, col=1,
                )
            figure.add_trace(
                go.Scatter(x=boundaries, y=temps, name=f"{name} indoors",
                           line={"color": color, "width": 2}, hovertemplate="%{y:.1f} °C"),
                row=row, col=1,
            )
        if series.outdoor_temp_c:
            outdoor = [*series.outdoor_temp_c, series.outdoor_temp_c[-1]]
            figure.add_trace(
                go.Scatter(x=boundaries, y=outdoor, name="outdoors", line_shape="hv",
                           line={"color": OUTDOOR_COLOR, "dash": "dot"},
                           hovertemplate="%{y:.1f} °C"),
                row=row, col=1,
            )
        figure.update_yaxes(title_text="°C", row=row, col=1)
        row += 1
    if tanks:
        for index, (device, temps) in enumerate(tanks.items()):
            color = TANK_COLORS[index % len(TANK_COLORS)]
            name = names.get(device, device)
            band = series.comfort_band_c.get(device)
            if band is not None:
                figure.add_trace(
                    go.Scatter(x=boundaries, y=band.min_temp_c, name=f"{name} minimum",
                               line={"color": color, "dash": "dash", "width": 1},
                               hovertemplate="%{y:.1f} °C"),
                    row=row, col=1,
                )
            figure.add_trace(
                go.Scatter(x=boundaries, y=temps, name=name, line={"color": color, "width": 2},
                           hovertemplate="%{y:.1f} °C"),
                row=row, col=1,
            )
        figure.update_yaxes(title_text="°C", row=row, col=1)
    figure.update_layout(
        height=260 * panels, margin={"l": 40, "r": 10, "t": 30, "b": 30},
        legend={"orientation": "h", "y": -0.15}, hovermode="x unified",
    )
    return figure
