"""Standing orders in the chat UI: approve a proposed order, pause this week, resume, cancel.

After a run that proposed a standing order, the reply gets **Approve standing order** and
**Discard** buttons; at chat start the orders are listed with **Pause this week** / **Resume** and
**Cancel** buttons. Every button is plain code against :class:`app.standing.StandingOrders` (the
same as ``hearth standing ...``); no agent tool can approve. The chat's handle is
``cl.user_session["standing"]``, its clock (for "this week") ``cl.user_session["clock"]``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chainlit as cl

from agents.session import PlanningSession
from agents.tools.standing import StandingOrdersResult
from app.labels import labels
from app.standing import StandingOrders
from app.store import PlanStoreError
from tools.home import Home
from tools.standing import StandingOrder

AUTHOR = "Hearth"
ANONYMOUS_APPROVER = "homeowner"


def proposed_in_run(session: PlanningSession) -> list[int]:
    """Ids of the standing orders this run's ``standing_orders`` calls proposed."""
    ids: list[int] = []
    for result in session.run.results_of("standing_orders"):
        if isinstance(result, StandingOrdersResult) and result.action == "propose":
            ids.extend(o.id for o in result.changed)
    return ids


def _actions(order: StandingOrder, lang: str = "en") -> list[cl.Action]:
    words = labels(lang)
    payload = {"order_id": order.id}
    if order.status == "proposed":
        return [
            cl.Action(id=f"standing-approve-{order.id}", name="approve_standing", payload=payload,
                      label=words.standing_approve, icon="check",
                      tooltip=words.standing_approve_tip),
            cl.Action(id=f"standing-cancel-{order.id}", name="cancel_standing", payload=payload,
                      label=words.standing_discard, icon="x", tooltip=words.standing_discard_tip),
        ]
    pause_or_resume = (
        cl.Action(id=f"standing-resume-{order.id}", name="resume_standing", payload=payload,
                  label=words.standing_resume, icon="play", tooltip=words.standing_resume_tip)
        if order.status == "paused" else
        cl.Action(id=f"standing-pause-{order.id}", name="pause_standing", payload=payload,
                  label=words.standing_pause, icon="pause", tooltip=words.standing_pause_tip)
    )
    return [pause_or_resume,
            cl.Action(id=f"standing-cancel-{order.id}", name="cancel_standing", payload=payload,
                      label=words.standing_cancel, icon="trash", tooltip=words.standing_cancel_tip)]


def _status(order: StandingOrder) -> str:
    if order.status == "paused":
        return f"paused up to {order.paused_until:%a %d %b}" if order.paused_until else "paused"
    return order.status


async def offer_approval(session: PlanningSession, orders: StandingOrders, home: Home) -> None:
    """After a run: the buttons for each standing order it proposed."""
    for order_id in proposed_in_run(session):
        order = orders.get(order_id)
        await cl.Message(
            content=f"Standing order {order.id}: {order.describe(home)} — not active until you "
                    "approve it.",
            author=AUTHOR, actions=_actions(order, session.language),
        ).send()


async def show_orders(orders: StandingOrders, home: Home) -> None:
    """At chat start: the standing orders with their buttons (nothing when there are none)."""
    for order in orders.list():
        await cl.Message(
            content=f"Standing order {order.id} ({_status(order)}): {order.describe(home)}",
            author=AUTHOR, actions=_actions(order),
        ).send()


def end_of_week(today: date) -> date:
    """Sunday of ``today``'s week (``today`` itself on a Sunday)."""
    return today + timedelta(days=6 - today.weekday())


async def _act(action: cl.Action, verb: str) -> None:
    orders: StandingOrders | None = cl.user_session.get("standing")
    home: Home | None = cl.user_session.get("home")
    order_id = action.payload.get("order_id") if isinstance(action.payload, dict) else None
    if orders is None or home is None or not isinstance(order_id, int):
        await cl.Message(content="That standing order is not part of this chat.", author=AUTHOR).send()
        return
    try:
        if verb == "approve":
            user = cl.user_session.get("user")
            order = orders.approve(order_id, str(getattr(user, "identifier", "") or ANONYMOUS_APPROVER))
            text = f"**Approved.** Standing order {order.id} joins every plan from now on: {order.describe(home)}."
        elif verb == "pause":
            clock = cl.user_session.get("clock")
            now = clock() if callable(clock) else datetime.now(tz=ZoneInfo(home.timezone))
            today = now.astimezone(ZoneInfo(home.timezone)).date()
            order = orders.pause(order_id, end_of_week(today))
            text = f"Paused up to and including {order.paused_until:%a %d %b}: {order.describe(home)}."
        elif verb == "resume":
            order = orders.resume(order_id)
            text = f"Active again: {order.describe(home)}."
        else:
            order = orders.cancel(order_id)
            text = f"Cancelled: {order.describe(home)}."
    except PlanStoreError as err:
        text = f"Not done: {err}."
    await action.remove()
    await cl.Message(content=text, author=AUTHOR).send()


@cl.action_callback("approve_standing")
async def on_approve_standing(action: cl.Action) -> None:
    await _act(action, "approve")


@cl.action_callback("pause_standing")
async def on_pause_standing(action: cl.Action) -> None:
    await _act(action, "pause")


@cl.action_callback("resume_standing")
async def on_resume_standing(action: cl.Action) -> None:
    await _act(action, "resume")


@cl.action_callback("cancel_standing")
async def on_cancel_standing(action: cl.Action) -> None:
    await _act(action, "cancel")
