"""``standing_orders``: standing orders in words.

An agent may *propose* a standing order ("every weekday the car at 80% by 7:00"); only a human
approves it (the UI's button, ``hearth standing approve``). It may list the orders, and pause,
resume or cancel them when the homeowner says so ("not this week, we're away"): each of those
only ever reduces what Hearth does unasked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field, ValidationError

from agents.session import PlanningSession, StandingOrdersHandle
from agents.tools.models import StrictModel, ToolOutput
from agents.tools.requests import resolve_device
from tools.errors import RequestError
from tools.standing import DayRule, StandingOrder, StandingOrderSpec, StandingStatus


class StandingArgs(StrictModel):
    """Propose a standing order, or list, pause, resume or cancel standing orders."""

    action: Literal["propose", "list", "pause", "resume", "cancel"]
    device: str | None = None
    days: DayRule = "daily"
    deadline: str | None = Field(default=None, description="HH:MM local")
    earliest: str | None = Field(default=None, description="HH:MM local")
    target_soc_pct: float | None = Field(default=None, gt=0, le=100)
    energy_kwh: float | None = Field(default=None, gt=0, le=500)
    objective: Literal["cost", "co2", "asap"] = "cost"
    ids: list[int] | None = Field(default=None, description="default: all")
    until: str | None = Field(default=None, description="pause: YYYY-MM-DD or end_of_week")


class StandingOrderView(StrictModel):
    id: int
    device: str
    status: StandingStatus
    paused_until: date | None = None
    description: str = Field(description="The order in words, e.g. 'Family car → 80% every weekday by 07:00'.")


class StandingOrdersResult(ToolOutput):
    orders: list[StandingOrderView] = Field(description="The orders that are not cancelled.")
    action: Literal["list", "propose", "pause", "resume", "cancel"]
    changed: list[StandingOrderView] = Field(
        default_factory=list, description="The orders proposed or changed, as they are now."
    )


def standing_orders(session: PlanningSession, args: StandingArgs) -> StandingOrdersResult:
    """Propose a standing order (a human approves it), or list, pause, resume or cancel them."""
    handle = _handle(session)
    if args.action == "propose":
        return _propose(session, handle, args)
    if args.action == "list":
        return _result(handle, session, "list", [])
    device = resolve_device(session.home, args.device) if args.device else None
    applies: dict[str, tuple[StandingStatus, ...]] = {
        "pause": ("active", "paused"), "resume": ("paused",), "cancel": ("proposed", "active", "paused"),
    }
    chosen = [
        o for o in handle.list()
        if (args.ids is None or o.id in args.ids) and (device is None or o.device == device)
        and o.status in applies[args.action]
    ]
    if args.ids is not None:
        missing = sorted(set(args.ids) - {o.id for o in chosen})
        if missing:
            raise RequestError("ids", f"no standing order {', '.join(map(str, missing))} can be "
                               f"{args.action}d (see the list)")
    if not chosen:
        raise RequestError("ids", f"there is no standing order to {args.action}")
    until = _until(session, args.until) if args.action == "pause" else None
    for order in chosen:
        if args.action == "pause":
            handle.pause(order.id, until)
        elif args.action == "resume":
            handle.resume(order.id)
        else:
            handle.cancel(order.id)
    return _result(handle, session, args.action, [o.id for o in chosen])


def _propose(
    session: PlanningSession, handle: StandingOrdersHandle, args: StandingArgs
) -> StandingOrdersResult:
    if args.device is None or args.deadline is None:
        raise RequestError("deadline" if args.device else "device",
                           "a standing order needs a device and a daily deadline HH:MM")
    device = resolve_device(session.home, args.device)
    try:
        spec = StandingOrderSpec(
            device=device, days=args.days, deadline=args.deadline, earliest=args.earliest,
            target_soc_pct=args.target_soc_pct, energy_kwh=args.energy_kwh,
            objective=args.objective,
        )
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        field = str(first["loc"][0]) if first["loc"] else "standing order"
        raise RequestError(field, first["msg"].removeprefix("Value error, ")) from None
    order = handle.propose(spec, session.home)
    return _result(handle, session, "propose", [order.id])


def _handle(session: PlanningSession) -> StandingOrdersHandle:
    if session.standing is None:
        raise RequestError("standing", "standing orders are not available in this session")
    return session.standing


def _until(session: PlanningSession, text: str | None) -> date | None:
    if text is None:
        return None
    today = session.now.astimezone(session.axis().tz).date()
    if text == "end_of_week":
        return today + timedelta(days=6 - today.weekday())
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise RequestError("until", f"is not a date YYYY-MM-DD or 'end_of_week': {text!r}") from None
    if day < today:
        raise RequestError("until", f"{day:%a %d %b} is in the past")
    return day


def _result(
    handle: StandingOrdersHandle, session: PlanningSession, action: str, changed: list[int]
) -> StandingOrdersResult:
    every = {o.id: o for o in handle.list(include_cancelled=True)}
    return StandingOrdersResult(
        orders=[_view(session, o) for o in every.values() if o.status != "cancelled"],
        action=action,  # type: ignore[arg-type]
        changed=[_view(session, every[i]) for i in changed if i in every],
    )


def _view(session: PlanningSession, order: StandingOrder) -> StandingOrderView:
    return StandingOrderView(
        id=order.id, device=order.device, status=order.status, paused_until=order.paused_until,
        description=order.describe(session.home),
    )
