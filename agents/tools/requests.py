"""The draft of device requests: ``update_requests``, ``ask_homeowner`` and how their time and device
arguments are read."""

from __future__ import annotations

import math
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
    StateArgs,
    StateRecorded,
    UpdateRequestsArgs,
)
from agents.tools.views import device_label
from tools.errors import RequestError
from tools.home import Battery, Ev, Home
from tools.requests import HOME_DEVICE, DeviceRequest, RequestKind, kind_for, resolve_requests
from tools.timeaxis import parse_aware_datetime

MAX_HORIZON_HOURS = 72.0
MAX_QUESTION_CHARS = 300
MAX_PENDING_MESSAGES = 4

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

    The draft changes only if every request in it still fits the home and the horizon, and no
    change contradicts a value the homeowner's message states (:func:`check_facts`). A
    deadline beyond the horizon but within 72 h lengthens the session's horizon. "greenest" on a
    home without CO2 data is planned for cost, and the result says so.
    """
    notes: list[str] = []
    args = _without_co2(session, args, notes)
    check_facts(session, args)
    _extend_horizon(session, args, notes)
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
    session.pending = None
    session.options = []
    session.what_if = None
    session.focus = changed or session.focus
    return DraftResult(
        requests=draft, changed=changed, cancelled=cancelled, horizon_end=session.axis().end,
        notes=notes,
    )


def _without_co2(session: PlanningSession, args: UpdateRequestsArgs, notes: list[str]) -> Any:
    if session.home.tariff.co2 is not None or not any(c.objective == "co2" for c in args.upsert):
        return args
    notes.append("this home has no CO2 data, so the greenest request is planned for the lowest cost")
    upsert = [c.model_copy(update={"objective": "cost"}) if c.objective == "co2" else c for c in args.upsert]
    return args.model_copy(update={"upsert": upsert})


def _extend_horizon(session: PlanningSession, args: UpdateRequestsArgs, notes: list[str]) -> None:
    """Lengthen the horizon to cover a deadline up to 72 h ahead (whole hours)."""
    latest = session.axis().end
    for number, change in enumerate(args.upsert):
        if change.deadline is None or change.deadline.strip().lower() in ("horizon_end", "horizon end", "end"):
            continue
        moment = resolve_when(change.deadline, session, f"upsert[{number}].deadline", allow_end=True)
        if moment is not None and moment > latest:
            latest = moment
    hours = (latest - session.now).total_seconds() / 3600
    if latest > session.axis().end and hours <= MAX_HORIZON_HOURS:
        session.horizon_hours = min(MAX_HORIZON_HOURS, float(math.ceil(hours + 0.25)))
        notes.append(f"the plan now looks {session.horizon_hours:g} hours ahead to cover the deadline")


def check_facts(session: PlanningSession, args: UpdateRequestsArgs) -> None:
    """Refuse a change that contradicts an explicit value of the homeowner's message.

    Checked against :class:`~agents.understanding.facts.MessageFacts` of the current message:
    a device it did not name (when it names devices and has no clause without a name), a charge
    level or an energy it did not state, a time of day it did not state, and one reading of a
    bare hour ("by 7") chosen without asking.
    """
    facts = session.run.facts
    if facts is None:
        return
    tz = ZoneInfo(session.home.timezone)
    for number, change in enumerate(args.upsert):
        field = f"upsert[{number}]"
        device_id = resolve_device(session.home, change.device, f"{field}.device")
        if facts.devices and device_id not in facts.devices and not facts.unnamed:
            named = ", ".join(sorted(facts.devices))
            raise RequestError(f"{field}.device", f"the homeowner named {named}, not {device_id}; ask if unsure")
        if change.target_soc_pct is not None and facts.percents and not any(
            abs(change.target_soc_pct - p) <= 0.5 for p in facts.percents
        ):
            said = ", ".join(f"{p:g}%" for p in sorted(facts.percents))
            raise RequestError(f"{field}.target_soc_pct", f"the homeowner said {said}, not {change.target_soc_pct:g}%")
        if change.energy_kwh is not None and facts.energies_kwh and not any(
            abs(change.energy_kwh - e) <= 0.5 for e in facts.energies_kwh
        ):
            said = ", ".join(f"{e:g} kWh" for e in sorted(facts.energies_kwh))
            raise RequestError(f"{field}.energy_kwh", f"the homeowner said {said}, not {change.energy_kwh:g} kWh")
        for name in ("deadline", "earliest_start"):
            text = getattr(change, name)
            if text is None or text.strip().lower() in ("horizon_end", "horizon end", "end", "now"):
                continue
            moment = resolve_when(text, session, f"{field}.{name}", allow_end=name == "deadline")
            if moment is None:
                continue
            local = moment.astimezone(tz)
            minute = local.hour * 60 + local.minute
            for quote, morning, evening in facts.ambiguous:
                if minute in (morning, evening) and minute not in facts.minutes:
                    raise RequestError(
                        f"{field}.{name}",
                        f"the homeowner said {quote!r} without am/pm: ask whether they mean "
                        f"{morning // 60:02d}:{morning % 60:02d} or {evening // 60:02d}:{evening % 60:02d}",
                    )
            if facts.minutes and not facts.ambiguous and minute not in facts.minutes and minute % 1440 not in {
                m % 1440 for m in facts.minutes
            }:
                said = ", ".join(f"{m // 60 % 24:02d}:{m % 60:02d}" for m in sorted(facts.minutes))
                raise RequestError(f"{field}.{name}", f"the homeowner's message says {said}, not {local:%H:%M}")


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
        defaulted = [f for f in fields.get("defaulted", []) if f != "deadline"]
        if change.deadline.strip().lower() in ("horizon_end", "horizon end", "end"):
            defaulted.append("deadline")
        fields["defaulted"] = defaulted
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


FALLBACK_QUESTION = {
    "en": "What would you like me to plan, for example charging the car by a time?",
    "de": "Was soll ich planen, zum Beispiel das Auto bis zu einer Uhrzeit laden?",
}


def one_question(text: str, language: str = "en") -> str:
    """Whatever a model drafted, one clear question: the first question, or the text as one.

    Never fails: an empty draft becomes a general question in the homeowner's language; a
    draft without a question mark gets one; a long draft keeps its first question (or is cut
    at a word boundary).
    """
    draft = " ".join(text.split())
    if len(draft) < 3:
        return FALLBACK_QUESTION.get(language, FALLBACK_QUESTION["en"])
    first = draft.find("?")
    if 0 <= first < MAX_QUESTION_CHARS:
        return draft[: first + 1]
    if first >= 0:
        start = max(draft.rfind(". ", 0, first), draft.rfind("! ", 0, first))
        question = draft[start + 2 if start >= 0 else 0: first + 1]
        if 3 <= len(question) <= MAX_QUESTION_CHARS:
            return question
    question = draft.rstrip(" .!:;")
    if len(question) > MAX_QUESTION_CHARS - 1:
        question = question[: MAX_QUESTION_CHARS - 1].rsplit(" ", 1)[0]
    return question + "?"


def ask_homeowner(session: PlanningSession, args: AskArgs) -> QuestionRecorded:
    """Ask the homeowner one clarifying question; the run ends and waits for the answer."""
    question = one_question(args.question, session.run.language)
    missing = list(args.missing) or ["other"]
    about = list(session.pending.about) if session.pending is not None else []
    if session.run.text:
        about = [*about, session.run.text][-MAX_PENDING_MESSAGES:]
    clarification = Clarification(question=question, missing=missing, asked_at=session.now, about=about)
    session.pending = clarification
    session.run.question = clarification
    session.options = list(args.options)
    session.run.options = list(args.options)
    return QuestionRecorded(question=question, missing=missing, options=list(args.options))


def record_state(session: PlanningSession, args: StateArgs) -> StateRecorded:
    """Record a charge level the homeowner reports; it holds for the rest of this conversation."""
    device_id = resolve_device(session.home, args.device)
    device = session.home.device(device_id)
    if not isinstance(device, Ev | Battery):
        raise RequestError("device", f"{device_id} has no charge level (only a car or the home battery)")
    if not 0 <= args.soc_pct <= 100:
        raise RequestError("soc_pct", f"a charge level is between 0 and 100%, got {args.soc_pct:g}")
    session.report_soc(device_id, args.soc_pct)
    session.focus = [device_id]
    return StateRecorded(device=device_id, name=device_label(device), soc_pct=args.soc_pct)
