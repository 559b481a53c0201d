"""The offline model and the standing orders: the ``standing_orders`` arguments for a reading
("every weekday the car at 80% by 07:00", "not this week, we're away") and the reply to its
result, in English or German."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from agents.tools import StandingOrdersResult
from agents.tools.standing import StandingOrderView
from agents.understanding import Reading, ReadRequest
from tools.reading import WEEKDAYS

T: dict[str, dict[str, str]] = {
    "en": {
        "proposed": "I have proposed a standing order: {order}. It is not active yet: approve it "
        "with the Approve button or `hearth standing approve {id}`, and it joins every plan from "
        "then on.",
        "pause": "Paused", "resume": "Active again", "cancel": "Cancelled",
        "until": " up to and including {day}", "until_resumed": " until you resume it",
        "listed": "Standing orders: {orders}.",
        "none": "There are no standing orders. Say what you need every day, e.g. 'every weekday "
        "the car at 80% by 07:00'.",
        "paused_up_to": "paused up to {day}",
    },
    "de": {
        "proposed": "Ich habe einen Dauerauftrag vorgeschlagen: {order}. Er gilt noch nicht: "
        "genehmigen Sie ihn mit dem Genehmigen-Knopf oder `hearth standing approve {id}`, dann "
        "gehört er ab da zu jedem Plan.",
        "pause": "Pausiert", "resume": "Wieder aktiv", "cancel": "Gestrichen",
        "until": " bis einschließlich {day}", "until_resumed": " bis Sie ihn fortsetzen",
        "listed": "Daueraufträge: {orders}.",
        "none": "Es gibt keine Daueraufträge. Sagen Sie, was Sie jeden Tag brauchen, z. B. "
        "'jeden Werktag das Auto auf 80% bis 7 Uhr'.",
        "paused_up_to": "pausiert bis {day}",
    },
}
_STATUS_DE = {"proposed": "vorgeschlagen", "active": "aktiv", "paused": "pausiert"}
_MONTHS_DE = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


def standing_change(reading: Reading) -> dict[str, Any]:
    """``standing_orders`` arguments for pausing, resuming, cancelling or listing."""
    args: dict[str, Any] = {"action": reading.standing_action}
    if reading.question_device is not None and reading.standing_action != "list":
        args["device"] = reading.question_device
    if reading.standing_action == "pause" and reading.standing_this_week:
        args["until"] = "end_of_week"
    return args


def standing_proposal(
    reading: Reading, requests: list[ReadRequest], tz: ZoneInfo | None
) -> dict[str, Any] | None:
    """``standing_orders`` arguments proposing the first request of a repeating message, or
    ``None`` when it names no device."""
    r = next((r for r in requests if r.device and r.action == "set"), None)
    if r is None:
        return None
    args: dict[str, Any] = {"action": "propose", "device": r.device, "days": reading.standing_days}
    if r.deadline is not None:
        args["deadline"] = r.deadline.astimezone(tz).strftime("%H:%M")
    earliest = r.earliest.astimezone(tz).strftime("%H:%M") if r.earliest else reading.standing_earliest
    if earliest is not None:
        args["earliest"] = earliest
    if r.target_soc_pct is not None:
        args["target_soc_pct"] = r.target_soc_pct
    elif r.energy_kwh is not None:
        args["energy_kwh"] = r.energy_kwh
    if r.objective is not None:
        args["objective"] = r.objective
    return args


def render_standing(result: StandingOrdersResult, lang: str = "en") -> str:
    """The reply to a ``standing_orders`` result: what was proposed or changed, then the list."""
    t = T.get(lang, T["en"])
    changed = result.changed
    if result.action == "propose" and changed:
        order = changed[0]
        return t["proposed"].format(order=order.description, id=order.id)
    lines = []
    if result.action in ("pause", "resume", "cancel"):
        done = [o.description for o in changed]
        until = next((o.paused_until for o in changed if o.paused_until), None)
        suffix = ""
        if result.action == "pause":
            suffix = t["until"].format(day=_day(until, lang)) if until else t["until_resumed"]
        lines.append(f"{t[result.action]}{suffix}: " + "; ".join(done) + ".")
    if result.orders:
        listed = "; ".join(f"{o.description} ({_status(o, lang)})" for o in result.orders)
        lines.append(t["listed"].format(orders=listed))
    elif result.action == "list":
        lines.append(t["none"])
    return " ".join(lines)


def _day(day: date, lang: str) -> str:
    if lang == "de":
        return f"{WEEKDAYS['de'][day.weekday()]} {day.day}. {_MONTHS_DE[day.month - 1]}"
    return f"{day:%a %d %b}"


def _status(order: StandingOrderView, lang: str) -> str:
    if order.status == "paused" and order.paused_until is not None:
        return T.get(lang, T["en"])["paused_up_to"].format(day=_day(order.paused_until, lang))
    return _STATUS_DE.get(order.status, order.status) if lang == "de" else order.status
