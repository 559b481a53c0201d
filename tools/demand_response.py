"""Demand-response events: a window in which the grid operator or supplier asks the home to draw
less, and pays for each kWh it does not draw.

An event is a typed object that any edge can build (``hearth schedule --dr-event``, the HTTP
API, MQTT). In the plan it is a constraint — grid import at most ``cap_kw``, or at least
``reduction_kw`` below the reference, in every step of the window — and a reward of
``incentive_per_kwh`` for each kWh imported below the reference over the window (a kWh above it
counts against). The reference is ``reference_kw`` when the programme states one, else what
the home would import in the same plan without the event. Taking part is a proposal like any
other: nothing changes until the homeowner approves it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from tools.errors import InputError
from tools.requests import resolve_clock
from tools.timeaxis import TimeAxis


class DemandResponseEvent(BaseModel):
    """One demand-response event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default="dr", min_length=1, max_length=80, description="The programme's id.")
    start: AwareDatetime = Field(description="Window start (ISO 8601 with offset).")
    end: AwareDatetime = Field(description="Window end (ISO 8601 with offset).")
    cap_kw: float | None = Field(
        default=None, ge=0, le=1000, description="Import at most this much in the window [kW]."
    )
    reduction_kw: float | None = Field(
        default=None, gt=0, le=1000, description="Import this much below the reference [kW]."
    )
    reference_kw: float | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="The programme's baseline import [kW]; default: the plan without the event.",
    )
    incentive_per_kwh: float = Field(
        default=0.0, ge=0, le=100, description="Paid per kWh below the reference [currency/kWh]."
    )

    @model_validator(mode="after")
    def _check(self) -> DemandResponseEvent:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if (self.cap_kw is None) == (self.reduction_kw is None):
            raise ValueError("give either cap_kw or reduction_kw")
        return self

    def steps(self, axis: TimeAxis) -> tuple[int, int]:
        """Steps ``[first, end)`` that overlap the window."""
        return axis.boundary_at_or_before(self.start), axis.boundary_at_or_after(self.end)

    def import_limit_kw(self, axis: TimeAxis, reference_kw: np.ndarray) -> np.ndarray:
        """Most the home may import in each step [kW] (``inf`` outside the window)."""
        limit = np.full(axis.n_steps, np.inf)
        first, end = self.steps(axis)
        if self.cap_kw is not None:
            limit[first:end] = self.cap_kw
        else:
            assert self.reduction_kw is not None
            limit[first:end] = np.maximum(reference_kw[first:end] - self.reduction_kw, 0.0)
        return limit

    def window_text(self, tz: tzinfo) -> str:
        """``"Wed 17:00–19:00"`` in the home's time zone."""
        return f"{self.start.astimezone(tz):%a %H:%M}–{self.end.astimezone(tz):%H:%M}"

    def describe(self, tz: tzinfo) -> str:
        """What the event asks, in words: ``"import at most 2 kW Wed 17:00–19:00"``."""
        ask = (
            f"import at most {self.cap_kw:g} kW"
            if self.cap_kw is not None
            else f"import {self.reduction_kw:g} kW less"
        )
        return f"{ask} {self.window_text(tz)}"


def parse_event_spec(spec: str, now: datetime, tz_name: str) -> DemandResponseEvent:
    """Read ``'start=17:00,end=19:00,cap=2,incentive=0.5'`` (``--dr-event``).

    Keys: ``start``, ``end`` (``HH:MM`` = the next such local time, or ISO 8601), ``cap`` [kW]
    or ``reduce`` [kW], ``reference`` [kW], ``incentive`` [currency/kWh], ``id``.
    """
    field = f"--dr-event {spec!r}"
    keys = {
        "start": "start",
        "end": "end",
        "cap": "cap_kw",
        "cap_kw": "cap_kw",
        "reduce": "reduction_kw",
        "reduction": "reduction_kw",
        "reduction_kw": "reduction_kw",
        "reference": "reference_kw",
        "reference_kw": "reference_kw",
        "incentive": "incentive_per_kwh",
        "incentive_per_kwh": "incentive_per_kwh",
        "id": "id",
    }
    fields: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, sep, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in keys:
            raise InputError(
                field,
                f"cannot read {item!r}; use key=value with keys start, end, cap or reduce, "
                "reference, incentive, id",
            )
        name = keys[key]
        if name in ("start", "end"):
            fields[name] = resolve_clock(value, now, tz_name, f"{field} {key}")
        elif name == "id":
            fields[name] = value
        else:
            try:
                fields[name] = float(value)
            except ValueError:
                raise InputError(field, f"{key} must be a number, got {value!r}") from None
    if "start" in fields and "end" in fields and not isinstance(fields["end"], str):
        start, end = fields["start"], fields["end"]
        assert isinstance(start, datetime) and isinstance(end, datetime)
        if end <= start and "T" not in spec:
            # "start=22:00,end=01:00" ends the next day
            fields["end"] = end + timedelta(days=1)
    try:
        return DemandResponseEvent.model_validate(fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        reason = first["msg"].removeprefix("Value error, ")
        reason = reason[0].lower() + reason[1:]
        raise InputError(field, f"{where}: {reason}" if where else reason) from None


def check_event(event: DemandResponseEvent, axis: TimeAxis) -> None:
    """The event's window must overlap the horizon."""
    if event.end <= axis.start or event.start >= axis.end:
        raise InputError(
            f"demand-response event {event.id}",
            f"its window {event.describe(axis.tz)} lies outside the planning horizon "
            f"({axis.start.astimezone(axis.tz):%a %H:%M} to {axis.end.astimezone(axis.tz):%a %H:%M})",
        )
