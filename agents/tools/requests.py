"""The draft of device requests: ``update_requests``, ``ask_homeowner`` and how their time and device
arguments are read."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from agents.session import Clarification, PlanningSession
from agents.tools.models import (
    AskArgs,
    DraftResult,
    QuestionRecorded,
    RequestChange,
    UpdateRequestsArgs,
)
from agents.tools.views import device_label
from tools.errors import RequestError
from tools.home import Battery, Ev, Home
from tools.requests import HOME_DEVICE, DeviceRequest, RequestKind, kind_for, resolve_requests
from tools.timeaxis import parse_aware_datetime

_CLOCK = re.compile(r"^(?:(today|tomorrow)\s+)?(\d{1,2}):(\d{2})$")
_RELATIVE = re.compile(r"^\+\s*(\d+(?:\.\d+)?)\s*(h|hours?|min|minutes?)$")


def resolve_when(text: str, session: PlanningSession, field: str, *, allow_end: bool) -> datetime | None:
    """Turn a time argument into an aware datetime (``None`` for ``"now"``).

    See the module docstring for the accepted forms. Raises :class:`RequestError` naming
    ``field`` for anything else.
    """
    value = text.strip().lower()
    tz = ZoneInfo(session.home.timezone)
    local_now = session.now.astimezone(tz)
    if value == "now":
        if allow_end:
            raise RequestError(field, "'now' cannot be a deadline")
        return None
    if value in ("horizon_end", "horizon end", "end"):
        if not allow_end:
            raise RequestError(field, "'horizon_end' is only a deadline")
        return session.axis().end
    relative = _RELATIVE.match(value)
    if relative:
        amount = float(relative.group(1))
        minutes = amount * 60 if relative.group(2).startswith("h") else amount
        return (session.now + timedelta(minutes=minutes)).astimezone(tz)
    clock = _CLOCK.match(value)
    if clock:
        day, hours, minutes = clock.group(1), int(clock.group(2)), int(clock.group(3))
        if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
            raise RequestError(field, f"{text!r} is not a clock time between 00:00 and 24:00")
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0).replace(tzinfo=None)
        offset_days = {"today": 0, "tomorrow": 1}.get(day or "", 0)
        naive = midnight + timedelta(days=offset_days, hours=hours, minutes=minutes)
        moment = _localize(naive, tz)
        if day is None and moment <= local_now:
            moment = _localize(naive + timedelta(days=1), tz)
        return moment
    if "t" in value and len(value) > 10:
        return parse_aware_datetime(text, field).astimezone(tz)
    raise RequestError(
        field,
        f"cannot read the time {text!r}; use 'HH:MM', 'tomorrow HH:MM', '+3h', ISO 8601 with "
        "offset" + (", or 'horizon_end'" if allow_end else ", or 'now'"),
    )


def _localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in ``tz``: the first reading of a repeated hour, shifted past a gap."""
    return naive.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).astimezone(tz)


def resolve_device(home: Home, name: str, field: str = "device") -> str:
    """The id of the one device called ``name``; :class:`RequestError` if none or several.

    ``home`` names the whole home, for mode requests; so do "the house" and "everything" unless
    a device of the home is called that.
    """
    key = name.strip().lower()
    if key == HOME_DEVICE or (
        key in ("the home", "the house", "house", "everything") and not home.find_device(key)
    ):
        return HOME_DEVICE
    for prefix in ("the ", "my ", "our "):
        if key.startswith(prefix) and not home.find_device(key):
            key = key[len(prefix):]
    matches = home.find_device(key)
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(device_label(d) for d in home.devices()) or "none"
    if not matches:
        raise RequestError(field, f"this home has no device called {name!r} (it has: {known})")
    raise RequestError(field, f"{name!r} could mean {' or '.join(matches)}; say which")




def update_requests(session: PlanningSession, args: UpdateRequestsArgs) -> DraftResult:
    """Add, change or withdraw the homeowner's device requests (the draft).

    The draft changes only if every request in it still fits the home and the horizon.
    """
    draft = apply_changes(session, session.draft, args)
    session.draft = draft
    changed = [resolve_device(session.home, c.device) for c in args.upsert]
    cancelled = [resolve_device(session.home, name, "cancel") for name in args.cancel]
    committed = {c.device for c in session.commitments()}
    # a cancelled approved run is withdrawn by the next plan; asking for the device again keeps it
    session.released = [
        d for d in dict.fromkeys([*session.released, *cancelled])
        if d in committed and d not in changed and d not in {r.device for r in draft}
    ]
    if not draft and not session.released:
        session.proposal = None
    return DraftResult(
        requests=draft, changed=changed, cancelled=cancelled, horizon_end=session.axis().end
    )


def apply_changes(
    session: PlanningSession, draft: list[DeviceRequest], args: UpdateRequestsArgs
) -> list[DeviceRequest]:
    """The draft with ``args`` applied, checked against the home and the horizon.

    The draft holds one request per EV and appliance and one per battery kind; cancelling the
    battery withdraws all of its requests.
    """
    home = session.home
    by_key: dict[tuple[str, str], DeviceRequest] = (
        {} if args.clear_all else {(r.device, r.kind): r for r in draft}
    )
    upserted = {
        resolve_device(home, c.device, f"upsert[{number}].device")
        for number, c in enumerate(args.upsert)
    }
    for name in args.cancel:
        device_id = resolve_device(home, name, "cancel")
        keys = [key for key in by_key if key[0] == device_id]
        for key in keys:
            del by_key[key]
        if keys or device_id in upserted:
            continue
        if not any(c.device == device_id for c in session.commitments()):
            raise RequestError("cancel", f"there is no request for {device_id} to cancel")
    for number, change in enumerate(args.upsert):
        field = f"upsert[{number}]"
        device_id = resolve_device(home, change.device, f"{field}.device")
        kind = _change_kind(session, by_key, device_id, change, field)
        if kind is None:
            by_key.pop((device_id, "battery_no_ev_discharge"), None)
            continue
        existing = by_key.get((device_id, kind)) or session.committed_request(device_id, kind)
        by_key[(device_id, kind)] = _merge(session, existing, device_id, kind, change, field)
    requests = list(by_key.values())
    resolve_requests(home, session.axis(), session.now, requests)
    return requests


def _change_kind(
    session: PlanningSession,
    by_key: dict[tuple[str, str], DeviceRequest],
    device_id: str,
    change: RequestChange,
    field: str,
) -> RequestKind | None:
    """The request kind a change is about (``None``: withdraw "not into the car")."""
    battery_fields = {
        "floor_soc_pct": change.floor_soc_pct is not None,
        "no_ev_discharge": change.no_ev_discharge is not None,
    }
    device = None if device_id == HOME_DEVICE else session.home.device(device_id)
    if not isinstance(device, Battery):
        given = [name for name, set_ in battery_fields.items() if set_]
        if given:
            raise RequestError(f"{field}.{given[0]}", f"only the home battery takes {given[0]}")
        return "mode" if device is None else kind_for(device)
    target = change.target_soc_pct is not None or bool(change.charge_full)
    kinds: list[RequestKind] = []
    if target:
        kinds.append("battery_target")
    if battery_fields["floor_soc_pct"]:
        kinds.append("battery_floor")
    if battery_fields["no_ev_discharge"]:
        kinds.append("battery_no_ev_discharge")
    if len(kinds) > 1:
        raise RequestError(
            field,
            "one battery request per change: target_soc_pct (or charge_full), floor_soc_pct or "
            "no_ev_discharge; send two changes for two",
        )
    if change.energy_kwh is not None:
        raise RequestError(f"{field}.energy_kwh", "the battery takes a SoC in %, not energy_kwh")
    if kinds == ["battery_no_ev_discharge"] and change.no_ev_discharge is False:
        return None
    if kinds:
        return kinds[0]
    existing = [r.kind for (dev, _), r in by_key.items() if dev == device_id] or [
        r.kind for c in session.commitments() if c.device == device_id for r in c.requests
    ]
    if len(existing) == 1:
        return existing[0]
    if not existing:
        raise RequestError(
            field,
            f"say what {device_id} should do: target_soc_pct (or charge_full) by a deadline, "
            "floor_soc_pct over a period, or no_ev_discharge",
        )
    raise RequestError(
        field,
        f"{device_id} has several requests ({', '.join(sorted(existing))}); say which by giving "
        "target_soc_pct, floor_soc_pct or no_ev_discharge",
    )


def _merge(
    session: PlanningSession, existing: DeviceRequest | None, device_id: str, kind: RequestKind,
    change: RequestChange, field: str,
) -> DeviceRequest:
    if device_id == HOME_DEVICE:
        return _merge_mode(session, existing, change, field)
    device = session.home.device(device_id)
    fields: dict[str, Any] = (
        existing.model_dump() if existing is not None else {"device": device_id, "kind": kind}
    )
    if change.mode is not None:
        raise RequestError(f"{field}.mode", "a mode is set on device 'home', not on a device")
    if change.deadline is not None:
        fields["deadline"] = resolve_when(change.deadline, session, f"{field}.deadline", allow_end=True)
    elif existing is None and kind == "comfort":
        fields["deadline"] = None  # a comfort band with no end holds to the horizon's end
    elif existing is None and kind not in ("battery_floor", "battery_no_ev_discharge"):
        raise RequestError(
            f"{field}.deadline",
            f"a new request for {device_id} needs a deadline; ask the homeowner by when "
            "(use 'horizon_end' only if they leave the time open)",
        )
    if change.earliest_start is not None:
        fields["earliest_start"] = resolve_when(
            change.earliest_start, session, f"{field}.earliest_start", allow_end=False
        )
    amounts = [change.target_soc_pct is not None, bool(change.charge_full), change.energy_kwh is not None]
    if sum(amounts) > 1:
        raise RequestError(field, "give one of target_soc_pct, charge_full or energy_kwh")
    if change.charge_full:
        if not isinstance(device, Ev | Battery):
            raise RequestError(f"{field}.charge_full", f"{device_id} is an appliance: it takes no charge target")
        fields.update(target_soc_pct=device.max_soc_pct, energy_kwh=None)
    if change.target_soc_pct is not None:
        fields.update(target_soc_pct=change.target_soc_pct, energy_kwh=None)
    if change.energy_kwh is not None:
        fields.update(energy_kwh=change.energy_kwh, target_soc_pct=None)
    if change.floor_soc_pct is not None:
        fields["floor_soc_pct"] = change.floor_soc_pct
    if change.objective is not None:
        fields["objective"] = change.objective
    for name in ("target_temp_c", "draw_litres", "min_temp_c", "max_temp_c"):
        if getattr(change, name) is not None:
            fields[name] = getattr(change, name)
    return _validated(fields, field)


def _merge_mode(
    session: PlanningSession, existing: DeviceRequest | None, change: RequestChange, field: str
) -> DeviceRequest:
    """A mode for the whole home over a period (default: from now to the horizon's end)."""
    fields: dict[str, Any] = (
        existing.model_dump() if existing is not None else {"device": HOME_DEVICE, "kind": "mode"}
    )
    if change.mode is not None:
        fields["mode"] = change.mode
    if fields.get("mode") is None:
        raise RequestError(f"{field}.mode", "say which mode: eco, comfort or away")
    if change.deadline is not None:
        fields["deadline"] = resolve_when(change.deadline, session, f"{field}.deadline", allow_end=True)
    if change.earliest_start is not None:
        fields["earliest_start"] = resolve_when(
            change.earliest_start, session, f"{field}.earliest_start", allow_end=False
        )
    return _validated(fields, field)


def _validated(fields: dict[str, Any], field: str) -> DeviceRequest:
    try:
        return DeviceRequest.model_validate(fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RequestError(f"{field}.{where}", first["msg"].lower()) from None


def ask_homeowner(session: PlanningSession, args: AskArgs) -> QuestionRecorded:
    """Ask the homeowner one clarifying question; the run ends and waits for the answer."""
    question = args.question.strip()
    if not question.endswith("?"):
        raise RequestError("question", "must be one question ending with '?'")
    clarification = Clarification(question=question, missing=args.missing, asked_at=session.now)
    session.pending = clarification
    session.run.question = clarification
    return QuestionRecorded(question=question, missing=args.missing)
