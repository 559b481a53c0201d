"""The reading of a request shown back to the homeowner, in their terms and language.

Every proposal starts with one line per request, rendered here from the typed
:class:`~tools.requests.DeviceRequest` (never written by a model), so a misreading is visible
before anyone approves: ``Family car → 80% (your usual) by Wed 07:00, cheapest``.

A value a default filled (the names in ``DeviceRequest.defaulted``) is marked as such: the car's
usual target ("your usual"), the end of the planning horizon as the deadline ("the end of the
plan"). Times are local to the home, as a weekday and a 24-hour clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from tools.home import Home
from tools.requests import HOME_DEVICE, DeviceRequest

Language = Literal["en", "de"]

#: Weekday abbreviations per language: the one table every reply, card and reading line uses.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
}

_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "by": "by", "from": "not before", "usual": "your usual", "end": "the end of the plan",
        "cost": "cheapest", "co2": "greenest", "asap": "as soon as possible",
        "done": "done", "start": "starts at", "add": "add", "keep": "keep above",
        "until": "until", "no_ev": "no discharging into the car",
        "home": "Whole home", "mode": "{mode} mode", "drawn": "{litres} l drawn",
        "modes": {"eco": "eco", "comfort": "comfort", "away": "away"},
    },
    "de": {
        "by": "bis", "from": "nicht vor", "usual": "wie üblich", "end": "Ende des Plans",
        "cost": "möglichst günstig", "co2": "möglichst klimafreundlich", "asap": "so bald wie möglich",
        "done": "fertig", "start": "Start um", "add": "plus", "keep": "über",
        "until": "bis", "no_ev": "keine Entladung ins Auto",
        "home": "Ganzes Haus", "mode": "Modus {mode}", "drawn": "{litres} l Entnahme",
        "modes": {"eco": "Eco", "comfort": "Komfort", "away": "Abwesend"},
    },
}


def local_time(moment: datetime, tz_name: str, lang: Language = "en") -> str:
    """``Wed 07:00`` (English) or ``Mi 07:00`` (German), local to ``tz_name``."""
    local = moment.astimezone(ZoneInfo(tz_name))
    return f"{WEEKDAYS[lang][local.weekday()]} {local:%H:%M}"


def _pct(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def _kwh(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + " kWh"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _heat(request: DeviceRequest, words: dict[str, Any]) -> list[str]:
    """A tank's or room's temperatures, a tank's draw, the home's mode (empty for other kinds)."""
    parts: list[str] = []
    if request.mode is not None:
        parts.append(words["mode"].format(mode=words["modes"][request.mode]))
    if request.target_temp_c is not None:
        parts.append(f"{_num(request.target_temp_c)} °C")
    if request.draw_litres is not None:
        parts.append(words["drawn"].format(litres=_num(request.draw_litres)))
    if request.min_temp_c is not None or request.max_temp_c is not None:
        low = _num(request.min_temp_c) if request.min_temp_c is not None else "…"
        high = _num(request.max_temp_c) if request.max_temp_c is not None else "…"
        parts.append(f"{low}–{high} °C")
    return [" ".join(parts)] if parts else []


def reading_line(request: DeviceRequest, home: Home, *, lang: Language = "en") -> str:
    """One line saying how Hearth read ``request``, in ``lang`` (``"en"`` or ``"de"``).

    Parameters
    ----------
    request:
        A request, usually with its defaults made explicit (``ResolvedRequest.filled``).
    home:
        The home, for the device's name and time zone.
    lang:
        The homeowner's language.

    Returns
    -------
    str
        ``<device name> → <amount> <by deadline>[, <not before start>], <objective>``; values a
        default filled are marked ("your usual", "the end of the plan"). The amount is a charge
        level, an energy, "done" for an appliance, a battery's floor ("keep above 30% until …",
        no objective), a tank's temperature and draw ("55 °C 150 l drawn"), a room's band
        ("19–22 °C") or the whole home's mode ("Whole home → eco mode until Wed 18:00").
    """
    words = _WORDS[lang]
    tz = home.timezone
    defaulted = set(request.defaulted)

    def when(moment: datetime) -> str:
        return local_time(moment, tz, lang)

    parts: list[str] = []
    kind: str = request.kind
    start_at = kind == "appliance_run" and request.objective == "asap" and request.earliest_start is not None
    heat = _heat(request, words)
    if kind == "battery_floor":
        floor = request.floor_soc_pct if request.floor_soc_pct is not None else request.target_soc_pct
        parts.append(f"{words['keep']} {_pct(floor) if floor is not None else '?'}")
    elif kind == "battery_no_ev_discharge":
        parts.append(words["no_ev"])
    elif request.energy_kwh is not None:
        parts.append(f"{words['add']} {_kwh(request.energy_kwh)}")
    elif request.target_soc_pct is not None:
        amount = _pct(request.target_soc_pct)
        if "target_soc_pct" in defaulted:
            amount += f" ({words['usual']})"
        parts.append(amount)
    elif heat:
        parts.extend(heat)
    elif start_at and request.earliest_start is not None:
        parts.append(f"{words['start']} {when(request.earliest_start)}")
    elif kind == "appliance_run":
        parts.append(words["done"])
    if request.deadline is not None and not (start_at and "deadline" in defaulted):
        until = words["until"] if kind in ("battery_floor", "battery_no_ev_discharge", "mode") else words["by"]
        deadline = f"{until} {when(request.deadline)}"
        if "deadline" in defaulted:
            deadline += f" ({words['end']})"
        parts[-1:] = [f"{parts[-1]} {deadline}"] if parts else [deadline]
    name = words["home"] if request.device == HOME_DEVICE else home.label(request.device)
    line = f"{name} → " + ", ".join(parts)
    if not start_at and request.earliest_start is not None and "earliest_start" not in defaulted:
        line += f", {words['from']} {when(request.earliest_start)}"
    if kind not in ("battery_floor", "battery_no_ev_discharge"):
        line += f", {words[request.objective]}"
    return line
