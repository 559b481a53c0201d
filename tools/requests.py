"""Typed device requests: what the homeowner asked for, checked against the home and the horizon.

A :class:`DeviceRequest` is the contract between the agents, the CLI and the scheduler (the
``requests`` part of the machine interface). :func:`resolve_requests` turns requests into
step-indexed :class:`ResolvedRequest` objects for the MILP, or raises :class:`RequestError`
naming the request and the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from tools.dates import parse_aware_datetime
from tools.errors import RequestError
from tools.home import (
    MODE_NAMES,
    AnyDevice,
    Appliance,
    Battery,
    DailyRunLoad,
    Ev,
    HeatPump,
    Home,
    ModeName,
    WaterTank,
)

if TYPE_CHECKING:  # the axis is only passed through here; importing it would load pandas
    from tools.timeaxis import TimeAxis

RequestKind = Literal[
    "ev_charge",
    "appliance_run",
    "battery_target",
    "battery_floor",
    "battery_no_ev_discharge",
    "water_heat",
    "comfort",
    "mode",
]
Objective = Literal["cost", "co2", "asap"]
HOME_DEVICE = "home"
"""The device id of requests about the whole home (``kind: mode``)."""
BATTERY_KINDS: tuple[RequestKind, ...] = (
    "battery_target",
    "battery_floor",
    "battery_no_ev_discharge",
)
"""The home battery takes up to one request of each of these kinds at once."""


class DeviceRequest(BaseModel):
    """One thing to get done by a deadline, or a rule over a period from ``earliest_start`` to
    ``deadline``.

    Kinds: ``ev_charge`` (``target_soc_pct`` or ``energy_kwh`` by the deadline),
    ``appliance_run`` (one whole cycle inside ``[earliest_start, deadline]``); for the home
    battery ``battery_target`` (at least ``target_soc_pct`` at the deadline),
    ``battery_floor`` (at least ``floor_soc_pct`` all through the period) and
    ``battery_no_ev_discharge`` (in the period the battery supplies only the household, never an
    EV); ``water_heat``, ``comfort`` and ``mode`` for tanks, heat pumps and the whole home. An
    open period runs from now to the horizon end.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    device: str = Field(description="Device id from the home file.")
    kind: RequestKind = Field(
        description="ev_charge, appliance_run, battery_target, battery_floor, "
        "battery_no_ev_discharge, water_heat, comfort or mode."
    )
    earliest_start: AwareDatetime | None = Field(
        default=None, description="Not before this time (ISO 8601 with offset); default: now."
    )
    deadline: AwareDatetime | None = Field(
        default=None, description="Done by this time (ISO 8601 with offset); default: horizon end."
    )
    target_soc_pct: float | None = Field(default=None, ge=0, le=100, description="Target SoC [%].")
    floor_soc_pct: float | None = Field(
        default=None, ge=0, le=100, description="Battery floor over the period [%] (battery_floor)."
    )
    energy_kwh: float | None = Field(
        default=None, gt=0, le=500, description="Energy to add to the EV battery [kWh]."
    )
    objective: Objective = Field(default="cost", description="cost, co2 (greenest) or asap.")
    target_temp_c: float | None = Field(
        default=None, ge=20, le=95, description="Water tank: at least this hot by the deadline [°C]."
    )
    draw_litres: float | None = Field(
        default=None,
        gt=0,
        le=2000,
        description="Water tank: hot water used at the deadline, e.g. a bath of 150 l at 40 °C [l].",
    )
    min_temp_c: float | None = Field(
        default=None, ge=-10, le=40, description="Heat pump: coldest indoors in the period [°C]."
    )
    max_temp_c: float | None = Field(
        default=None, ge=-10, le=45, description="Heat pump: warmest indoors in the period [°C]."
    )
    mode: ModeName | None = Field(
        default=None, description="kind mode: eco, comfort or away for the period."
    )

    @model_serializer(mode="wrap")
    def _drop_unused_heat_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave the heat fields and the battery floor out of the JSON of requests that do not
        use them, so an EV or appliance request reads as it always has."""
        data: dict[str, Any] = handler(self)
        for name in (*HEAT_FIELDS, "floor_soc_pct"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


HEAT_FIELDS = ("target_temp_c", "draw_litres", "min_temp_c", "max_temp_c", "mode")
"""The request fields of tanks, heat pumps and modes."""


def kind_for(device: AnyDevice) -> RequestKind:
    """The usual request kind of a device (the battery's is ``battery_target``)."""
    if isinstance(device, Ev):
        return "ev_charge"
    if isinstance(device, Battery):
        return "battery_target"
    if isinstance(device, WaterTank):
        return "water_heat"
    if isinstance(device, HeatPump):
        return "comfort"
    if isinstance(device, DailyRunLoad):
        raise RequestError(
            device.id, f"{device.id} runs every day by itself (min_hours_per_day in the home file)"
        )
    return "appliance_run"


@dataclass(frozen=True)
class ResolvedRequest:
    """A request on the axis: allowed steps are ``[first_step, end_step)``.

    ``energy_kwh`` is the energy to store (EV/battery) after efficiency; ``None`` for appliances.
    """

    request: DeviceRequest
    first_step: int
    end_step: int
    energy_kwh: float | None = None
    target_soc_pct: float | None = None
    floor_soc_pct: float | None = None

    @property
    def device(self) -> str:
        return self.request.device

    def filled(self, now: datetime, axis: TimeAxis) -> DeviceRequest:
        """The request with its defaults made explicit (start, deadline, EV and tank targets)."""
        update: dict[str, object] = {
            "earliest_start": (self.request.earliest_start or now).astimezone(axis.tz),
            "deadline": (self.request.deadline or axis.end).astimezone(axis.tz),
        }
        if self.request.kind == "ev_charge" and self.request.energy_kwh is None:
            update["target_soc_pct"] = self.target_soc_pct
        if self.request.kind == "water_heat":
            update["target_temp_c"] = self.target_temp_c
        return self.request.model_copy(update=update)

    @property
    def target_temp_c(self) -> float | None:
        """A tank request's temperature to reach [°C], the tank's set point when not given."""
        return self.request.target_temp_c if self.request.target_temp_c else self.default_temp_c

    default_temp_c: float | None = None


def resolve_requests(
    home: Home, axis: TimeAxis, now: datetime, requests: list[DeviceRequest]
) -> list[ResolvedRequest]:
    """Check requests against the home and the horizon and put them on the axis.

    Each device takes one request of each kind it takes: an EV or appliance one, the battery one
    of each of :data:`BATTERY_KINDS`.
    """
    seen: set[tuple[str, str]] = set()
    resolved = []
    for number, request in enumerate(requests, start=1):
        label = f"request {number} ({request.device})"
        if (request.device, request.kind) in seen:
            what = (
                f"has two {request.kind} requests"
                if request.kind in BATTERY_KINDS
                else "is requested twice"
            )
            raise RequestError(label, f"{request.device} {what}; combine the requests")
        seen.add((request.device, request.kind))
        resolved.append(_resolve_one(home, axis, now, request, label))
    return resolved


def _resolve_one(
    home: Home, axis: TimeAxis, now: datetime, request: DeviceRequest, label: str
) -> ResolvedRequest:
    if request.device == HOME_DEVICE:
        if request.kind != "mode" or request.mode is None:
            raise RequestError(
                label, f"requests for the whole home are kind mode with a mode ({', '.join(MODE_NAMES)})"
            )
        first, end = _period(axis, now, request, label)
        return ResolvedRequest(request, first, end)
    try:
        device = home.device(request.device)
    except KeyError:
        known = ", ".join(d.id for d in home.devices()) or "none"
        raise RequestError(
            label, f"unknown device {request.device!r} (this home has: {known})"
        ) from None
    expected = kind_for(device)
    if isinstance(device, Battery):
        if request.kind not in BATTERY_KINDS:
            raise RequestError(
                label, f"{request.device} takes kind {', '.join(BATTERY_KINDS)}, not {request.kind}"
            )
    elif request.kind != expected:
        raise RequestError(label, f"{request.device} takes kind {expected}, not {request.kind}")
    if request.floor_soc_pct is not None and request.kind != "battery_floor":
        raise RequestError(label, "floor_soc_pct belongs to a battery_floor request")
    _check_fields(device, request, label)
    if isinstance(device, WaterTank | HeatPump):
        first, end = _period(axis, now, request, label)
        if isinstance(device, HeatPump):
            return ResolvedRequest(request, first, end)
        target = request.target_temp_c or device.setpoint_c
        if not device.min_temp_c <= target <= device.max_temp_c:
            raise RequestError(
                label,
                f"{target:g} °C is outside {device.id}'s range {device.min_temp_c:g}–"
                f"{device.max_temp_c:g} °C",
            )
        return ResolvedRequest(request, first, end, default_temp_c=device.setpoint_c)

    earliest = request.earliest_start or now
    deadline = request.deadline or axis.end
    if deadline <= now:
        raise RequestError(
            label, f"deadline {_fmt(deadline, axis)} is not after now ({_fmt(now, axis)})"
        )
    if deadline > axis.end:
        raise RequestError(
            label,
            f"deadline {_fmt(deadline, axis)} is beyond the planning horizon, which ends "
            f"{_fmt(axis.end, axis)}; plan with a longer horizon (up to 72 h)",
        )
    if earliest >= deadline:
        raise RequestError(
            label,
            f"earliest start {_fmt(earliest, axis)} is not before the deadline {_fmt(deadline, axis)}",
        )
    first = axis.boundary_at_or_after(earliest)
    end = axis.boundary_at_or_before(deadline)

    if isinstance(device, Appliance):
        if request.target_soc_pct is not None or request.energy_kwh is not None:
            raise RequestError(
                label, f"{device.id} is an appliance: it takes no target SoC or energy"
            )
        return ResolvedRequest(request, first, end)

    if isinstance(device, Ev):
        energy, target = _ev_energy(device, request, label)
        return ResolvedRequest(request, first, end, energy_kwh=energy, target_soc_pct=target)

    assert isinstance(device, Battery), "kind_for refuses requests for daily loads"
    return _resolve_battery(device, request, label, now, axis)


def _resolve_battery(
    battery: Battery, request: DeviceRequest, label: str, now: datetime, axis: TimeAxis
) -> ResolvedRequest:
    """A battery request on the axis.

    A target holds at the last boundary ``end`` at or before its deadline. A floor holds at the
    boundaries ``[first, end]`` and "not into the car" in the steps ``[first, end)``, widened
    outwards to whole steps (``first`` at or before the period's start, ``end`` at or after its
    end), so the rule covers all of the time asked for.
    """
    earliest = request.earliest_start or now
    deadline = request.deadline or axis.end
    first = axis.boundary_at_or_before(earliest)
    end = axis.boundary_at_or_after(deadline)
    if request.energy_kwh is not None:
        raise RequestError(label, "a battery request takes a SoC in %, not energy_kwh")
    kind = request.kind
    if kind == "battery_target":
        if request.target_soc_pct is None:
            raise RequestError(label, "a battery target needs target_soc_pct")
        if request.earliest_start is not None and request.earliest_start > now:
            raise RequestError(
                label,
                "a battery target takes no earliest start: the battery may charge any time "
                f"before the deadline (ask for a floor from {_fmt(request.earliest_start, axis)} "
                "instead to hold it from then on)",
            )
        _check_pct(battery, request.target_soc_pct, "target", label)
        end = axis.boundary_at_or_before(deadline)
        return ResolvedRequest(request, first, end, target_soc_pct=request.target_soc_pct)
    if request.target_soc_pct is not None:
        raise RequestError(label, f"a {kind} request takes no target_soc_pct")
    if kind == "battery_floor":
        if request.floor_soc_pct is None:
            raise RequestError(label, "a battery floor needs floor_soc_pct")
        _check_pct(battery, request.floor_soc_pct, "floor", label)
        return ResolvedRequest(request, first, end, floor_soc_pct=request.floor_soc_pct)
    return ResolvedRequest(request, first, end)


def _check_pct(battery: Battery, pct: float, what: str, label: str) -> None:
    if pct > battery.max_soc_pct:
        raise RequestError(
            label, f"{what} {pct:g}% is above the battery's max_soc_pct {battery.max_soc_pct:g}%"
        )


_FIELDS_BY_KIND = {
    "water_heat": ("target_temp_c", "draw_litres"),
    "comfort": ("min_temp_c", "max_temp_c"),
}


def _check_fields(device: AnyDevice, request: DeviceRequest, label: str) -> None:
    """Temperature and mode fields only where they mean something."""
    allowed = _FIELDS_BY_KIND.get(request.kind, ())
    for name in HEAT_FIELDS:
        if getattr(request, name) is not None and name not in allowed:
            raise RequestError(label, f"{device.id} takes no {name}")
    if request.kind in ("water_heat", "comfort") and (
        request.target_soc_pct is not None or request.energy_kwh is not None
    ):
        raise RequestError(label, f"{device.id} takes a temperature, not a charge target")
    if (
        request.min_temp_c is not None
        and request.max_temp_c is not None
        and request.min_temp_c > request.max_temp_c
    ):
        raise RequestError(
            label,
            f"min_temp_c ({request.min_temp_c:g}) must not exceed max_temp_c ({request.max_temp_c:g})",
        )
    if request.kind == "comfort" and request.min_temp_c is None and request.max_temp_c is None:
        raise RequestError(label, f"a comfort request for {device.id} needs min_temp_c or max_temp_c")


def _period(axis: TimeAxis, now: datetime, request: DeviceRequest, label: str) -> tuple[int, int]:
    """Steps ``[first, end)`` of a period request (comfort band, mode, tank target)."""
    earliest = request.earliest_start or now
    deadline = request.deadline or axis.end
    if deadline <= now:
        raise RequestError(
            label, f"deadline {_fmt(deadline, axis)} is not after now ({_fmt(now, axis)})"
        )
    if earliest >= deadline:
        raise RequestError(
            label,
            f"earliest start {_fmt(earliest, axis)} is not before the deadline {_fmt(deadline, axis)}",
        )
    if request.kind == "water_heat" and deadline > axis.end:
        raise RequestError(
            label,
            f"deadline {_fmt(deadline, axis)} is beyond the planning horizon, which ends "
            f"{_fmt(axis.end, axis)}",
        )
    # A comfort band or mode may outlast the horizon ("away until Friday"): it holds to its end.
    return axis.boundary_at_or_after(earliest), axis.boundary_at_or_before(min(deadline, axis.end))


def _ev_energy(ev: Ev, request: DeviceRequest, label: str) -> tuple[float, float]:
    """Energy to store [kWh] and the resulting target SoC [%] of an EV request."""
    if request.energy_kwh is not None and request.target_soc_pct is not None:
        raise RequestError(label, "give either target_soc_pct or energy_kwh, not both")
    if request.energy_kwh is not None:
        target = ev.current_soc_pct + 100.0 * request.energy_kwh / ev.battery_kwh
        if target > ev.max_soc_pct + 1e-9:
            room = ev.battery_kwh * (ev.max_soc_pct - ev.current_soc_pct) / 100
            raise RequestError(
                label,
                f"{request.energy_kwh:g} kWh does not fit: {ev.id} is at "
                f"{ev.current_soc_pct:g}% and can take {room:.1f} kWh up to {ev.max_soc_pct:g}%",
            )
        return request.energy_kwh, target
    target = (
        request.target_soc_pct if request.target_soc_pct is not None else ev.default_target_soc_pct
    )
    if target > ev.max_soc_pct:
        raise RequestError(
            label, f"target {target:g}% is above {ev.id}'s charge limit of {ev.max_soc_pct:g}%"
        )
    return max(0.0, (target - ev.current_soc_pct) / 100 * ev.battery_kwh), target


def _fmt(moment: datetime, axis: TimeAxis) -> str:
    return moment.astimezone(axis.tz).strftime("%a %H:%M")


# ----------------------------------------------------------------------------- CLI specs

_KEYS = {
    "target_soc": "target_soc_pct",
    "target_soc_pct": "target_soc_pct",
    "soc": "target_soc_pct",
    "energy": "energy_kwh",
    "energy_kwh": "energy_kwh",
    "kwh": "energy_kwh",
    "deadline": "deadline",
    "by": "deadline",
    "earliest": "earliest_start",
    "earliest_start": "earliest_start",
    "start": "earliest_start",
    "after": "earliest_start",
    "objective": "objective",
    "temp": "target_temp_c",
    "target_temp": "target_temp_c",
    "target_temp_c": "target_temp_c",
    "draw": "draw_litres",
    "draw_litres": "draw_litres",
    "litres": "draw_litres",
    "min_temp": "min_temp_c",
    "min_temp_c": "min_temp_c",
    "max_temp": "max_temp_c",
    "max_temp_c": "max_temp_c",
    "mode": "mode",
    "until": "deadline",
    "floor": "floor_soc_pct",
    "floor_soc": "floor_soc_pct",
    "floor_soc_pct": "floor_soc_pct",
}
_FLAGS = {"no_ev_discharge": "battery_no_ev_discharge"}
"""Keys that stand alone (no ``=value``) and set the request kind."""


#: Longest ``--request`` text [characters].
MAX_SPEC_CHARS = 500


def _short(text: str, limit: int = 60) -> str:
    """``repr`` of ``text``, cut to ``limit`` characters first (user text of any length)."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def parse_request_spec(spec: str, home: Home, now: datetime) -> DeviceRequest:
    """Parse ``'ev:target_soc=80,deadline=07:00'`` into a :class:`DeviceRequest`.

    The device may be an id or an alias. Times are ``HH:MM`` (the next such local time after
    ``now``) or ISO 8601 with offset. The battery's kind follows from its keys:
    ``target_soc`` (+ ``deadline``) is a ``battery_target``, ``floor`` (+ ``earliest``,
    ``deadline``: the period) a ``battery_floor``, and the flag ``no_ev_discharge`` (+ the
    period) a ``battery_no_ev_discharge``; one kind per spec.
    """
    field = f"--request {_short(spec)}"
    if len(spec) > MAX_SPEC_CHARS:
        raise RequestError(field, f"is {len(spec):,} characters long; at most {MAX_SPEC_CHARS}")
    name, _, rest = spec.partition(":")
    if name.strip().lower() == HOME_DEVICE:
        return _spec_fields(field, rest, {"device": HOME_DEVICE, "kind": "mode"}, home, now)
    if not name.strip():
        raise RequestError(field, "names no device: write device:key=value,… e.g. ev:deadline=07:00")
    matches = home.find_device(name)
    if not matches:
        known = ", ".join(d.id for d in home.devices()) or "none"
        raise RequestError(field, f"unknown device {_short(name.strip())} (this home has: {known})")
    if len(matches) > 1:
        raise RequestError(field, f"{_short(name.strip())} could mean {' or '.join(matches)}")
    device = home.device(matches[0])
    try:
        kind = kind_for(device)
    except RequestError as err:
        raise RequestError(field, err.reason) from None
    return _spec_fields(field, rest, {"device": device.id, "kind": kind}, home, now)


def _spec_fields(
    field: str, rest: str, fields: dict[str, object], home: Home, now: datetime
) -> DeviceRequest:
    """The ``key=value`` items of a ``--request`` spec on top of ``fields``."""
    kinds: set[str] = set()
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if key in _FLAGS and (not sep or value.strip().lower() in ("true", "yes", "1")):
            kinds.add(_FLAGS[key])
            continue
        if not sep or key not in _KEYS:
            raise RequestError(
                field,
                f"cannot read {_short(item)}; use key=value with keys target_soc, energy_kwh, "
                "deadline, earliest, objective, temp, draw, min_temp, max_temp, mode (battery: "
                "also floor, and the flag no_ev_discharge)",
            )
        target = _KEYS[key]
        value = value.strip()
        if target in ("deadline", "earliest_start"):
            fields[target] = resolve_clock(value, now, home.timezone, f"{field} {key}")
        elif target in ("objective", "mode"):
            fields[target] = value.lower()
        else:
            try:
                number = float(value.rstrip("%"))
            except ValueError:
                raise RequestError(field, f"{key} must be a number, got {_short(value)}") from None
            if not math.isfinite(number):
                raise RequestError(field, f"{key} is not a number ({value}); give a finite value")
            fields[target] = number
    if "floor_soc_pct" in fields:
        kinds.add("battery_floor")
    if kinds and fields["kind"] != "battery_target":
        raise RequestError(
            field, f"floor and no_ev_discharge are for the battery, not {fields['device']}"
        )
    if len(kinds) > 1 or (kinds and "target_soc_pct" in fields):
        raise RequestError(
            field, "one battery request per --request: target_soc, floor or no_ev_discharge"
        )
    if kinds:
        fields["kind"] = kinds.pop()
    try:
        return DeviceRequest.model_validate(fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RequestError(field, f"{where}: {first['msg'].lower()}") from None


def resolve_clock(text: str, now: datetime, tz_name: str, field: str) -> datetime:
    """``"07:00"`` → the next 07:00 local time strictly after ``now``; ISO text is parsed as is."""
    if "T" in text or len(text) > 5:
        return parse_aware_datetime(text, field)
    try:
        clock = time.fromisoformat(text if len(text) == 5 else f"0{text}")
    except ValueError:
        raise RequestError(field, f"must be HH:MM or an ISO 8601 time, got {text!r}") from None
    local_now = now.astimezone(ZoneInfo(tz_name))
    candidate = local_now.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
    if candidate <= local_now:
        naive_next = candidate.replace(tzinfo=None) + timedelta(days=1)
        candidate = naive_next.replace(tzinfo=local_now.tzinfo)
    return candidate.astimezone(local_now.tzinfo)
