"""The homeowner's decisions, as Chainlit action callbacks in plain code (no agent can approve).

Approve, Reject and Adjust act on a proposal this chat showed; a newer proposal has taken the
older ones' buttons away, so Approve always acts on the card on screen. An offered option's
button (one per ``RunResult.options`` entry) is said to the team as "option N", which makes it
the request and plans again; "Switch to this plan" adopts the what-if shown;
"Cancel …" proposes the plan without that device's approved run, for the homeowner to approve.
In a home with heat, the chat settings' operation mode (eco / comfort / away) proposes the plan
that follows the switch.
"""

from __future__ import annotations

from typing import Any

import chainlit as cl
from chainlit.context import context
from chainlit.input_widget import Select

from agents.tools import NoArgs, RequestChange, UpdateRequestsArgs, propose_plan
from agents.tools.requests import update_requests
from app.labels import labels
from app.render import approver_label, diff_markdown, next_steps
from app.store import (
    PlanStatusError,
    PlanStore,
    PlanStoreError,
    StaleProposalError,
    UnknownPlanError,
)
from app.ui.chat import (
    approver,
    author,
    close_choices,
    language,
    now_for,
    planning_session,
    run_request,
    say,
    send_outcome,
    state,
)
from app.ui.messages import cancel_actions
from tools.errors import HearthError
from tools.home import MODE_NAMES, Home
from tools.planning import schedule
from tools.requests import HOME_DEVICE

#: How long Reject / Adjust wait for the homeowner's answer [s].
ASK_TIMEOUT_S = 600


async def _own_proposal(action: cl.Action) -> tuple[int, cl.Message] | None:
    """The proposal an action refers to, if this chat showed it; else tell the homeowner."""
    proposals: dict[int, cl.Message] = state("proposals") or {}
    plan_id = action.payload.get("plan_id") if isinstance(action.payload, dict) else None
    if not isinstance(plan_id, int) or plan_id not in proposals:
        await say("That proposal is not part of this chat.")
        return None
    return plan_id, proposals[plan_id]


async def _idle() -> bool:
    """Whether the team is idle; else tell the homeowner to wait."""
    if state("busy"):
        await say("I'm still working on your previous request; wait for it or press stop.")
        return False
    return state("conversation") is not None


async def _own_idle_proposal(action: cl.Action) -> tuple[int, cl.Message] | None:
    """Like :func:`_own_proposal`, and also refuse while the team is still working."""
    owned = await _own_proposal(action)
    if owned is not None and not await _idle():
        return None
    return owned


async def _close_proposal(plan_id: int, message: cl.Message) -> None:
    await message.remove_actions()
    proposals: dict[int, cl.Message] = state("proposals")
    proposals.pop(plan_id, None)


@cl.action_callback("approve_plan")
async def on_approve(action: cl.Action) -> None:
    """Approve in plain code: the store takes the plan's runs (or refuses a stale plan)."""
    owned = await _own_proposal(action)
    if owned is None:
        return
    plan_id, message = owned
    store: PlanStore = state("store")
    home: Home = state("home")
    try:
        result = store.approve(plan_id, by=approver())
    except StaleProposalError as err:
        await _close_proposal(plan_id, message)
        await say(f"**Not approved.** {err}. Tell me what you need and I'll plan it with the "
                   "runs approved now.")
        return
    except (UnknownPlanError, PlanStatusError) as err:
        await _close_proposal(plan_id, message)
        await say(f"**Not approved.** {err}.")
        return
    await _close_proposal(plan_id, message)
    planning_session().approved(result.covered)
    who = approver_label(result.approved.approved_by, approver())
    now = now_for(home)
    await say(
        "\n\n".join([
            f"**Approved by {who}.** Plan {plan_id}'s runs are now part of your active plan.",
            diff_markdown(result.diff, home.label, home.timezone,
                          battery_ids=result.battery_ids),
            next_steps(result.commitments, now, home.timezone),
        ]),
        actions=cancel_actions(result.commitments, now, language()),
    )


async def _ask(question: str) -> str | None:
    """Ask in the chat and wait for the typed answer (``None`` on timeout or an empty answer).

    Chainlit marks the chat busy again after the answer (``task_start``); action callbacks run
    outside Chainlit's task bookkeeping, so the callers end it with :func:`_task_done`.
    """
    answer = await cl.AskUserMessage(content=question, author=author(),
                                     timeout=ASK_TIMEOUT_S).send()
    text = str(answer.get("output", "")).strip() if answer else ""
    return text or None


async def _task_done() -> None:
    """Tell the browser the work started by an action is over (re-enables input and buttons)."""
    await context.emitter.task_end()


@cl.action_callback("reject_plan")
async def on_reject(action: cl.Action) -> None:
    """Reject: ask what should change, record it, and plan again with that change."""
    owned = await _own_idle_proposal(action)
    if owned is None:
        return
    plan_id, message = owned
    store: PlanStore = state("store")
    await _close_proposal(plan_id, message)
    try:
        change = await _ask("What should change?")
        try:
            store.reject(plan_id, reason=change)
        except PlanStoreError as err:
            await say(f"Plan {plan_id} could not be rejected: {err}.")
            return
        if change is None:
            await say(f"Plan {plan_id} rejected. Tell me what you need whenever you're ready.")
            return
        await say(f"Plan {plan_id} rejected. Planning again: *{change}*")
        await run_request(change)
    finally:
        await _task_done()


@cl.action_callback("adjust_plan")
async def on_adjust(action: cl.Action) -> None:
    """Adjust: the homeowner types a change; plan again from the current proposal."""
    owned = await _own_idle_proposal(action)
    if owned is None:
        return
    plan_id, message = owned
    store: PlanStore = state("store")
    try:
        change = await _ask(
            "What should I change? For example *make it 90%* or *not after 23:00*.")
        if change is None:
            await say("No change given; the proposal is still open.")
            return
        await _close_proposal(plan_id, message)
        try:
            store.reject(plan_id, reason=f"adjusted: {change}")
        except PlanStoreError as err:
            await say(f"Plan {plan_id} could not be replaced: {err}.")
            return
        await run_request(change)
    finally:
        await _task_done()


@cl.action_callback("choose_option")
async def on_choose_option(action: cl.Action) -> None:
    """An option the reply offered (``RunResult.options``): pressing option N is the homeowner
    saying "option N", so the team makes it the request and plans again, exactly as when it is
    typed; the reply and the buttons read the same list of options."""
    if not await _idle():
        return
    session = planning_session()
    payload = action.payload if isinstance(action.payload, dict) else {}
    number = payload.get("number")
    offered = session.options
    if (not isinstance(number, int) or not 1 <= number <= len(offered)
            or getattr(offered[number - 1], "label", None) != payload.get("label")):
        await say("That choice is no longer open; tell me what you need.")
        return
    await close_choices()
    await say(f"*{labels(session.language).chose.format(label=payload.get('label'))}*")
    await run_request(f"option {number}")


@cl.action_callback("adopt_what_if")
async def on_adopt_what_if(action: cl.Action) -> None:
    """"Do it": the what-if on screen becomes the proposal."""
    if not await _idle():
        return
    session = planning_session()
    store: PlanStore = state("store")
    if session.what_if is None:
        await say("That what-if is no longer open; ask again.")
        return
    await action.remove()
    outcome = session.adopt_what_if()
    await send_outcome(outcome, store.active_id())


@cl.action_callback("cancel_run")
async def on_cancel_run(action: cl.Action) -> None:
    """Cancel one device's approved run: a proposal without it, for the homeowner to approve."""
    if not await _idle():
        return
    store: PlanStore = state("store")
    home: Home = state("home")
    device = action.payload.get("device") if isinstance(action.payload, dict) else None
    now = now_for(home)
    commitments = store.active_commitments(at=now)
    gone = [c for c in commitments if c.device == device]
    if not gone:
        await say("That run is no longer approved; nothing to cancel.")
        return
    based_on = store.active_id()
    try:
        outcome = schedule(home, now, [], committed=[c for c in commitments if c.device != device],
                           released=gone)
    except HearthError as err:
        await say(f"I could not plan without it: {err}")
        return
    await send_outcome(outcome, based_on)


def mode_select(home: Home) -> Select:
    """The operation-mode switch (eco / comfort / away) shown in the chat settings of a home
    with heat; the home file's default mode is selected."""
    return Select(id="mode", label="Operation mode", values=list(MODE_NAMES),
                  initial_value=home.modes.default,
                  description="eco and away save energy; comfort keeps rooms nearer the middle "
                  "of their band. Switching plans again from now.")


@cl.on_settings_update
async def on_settings_update(settings: dict[str, Any]) -> None:
    """Switch the operation mode from now on and propose the plan that follows (plain code:
    a mode request on the whole home, then the optimiser; approval stays with the homeowner)."""
    mode = settings.get("mode")
    store: PlanStore | None = state("store")
    if state("conversation") is None or store is None or mode not in MODE_NAMES or state("busy"):
        return
    planning = planning_session()
    change = RequestChange(device=HOME_DEVICE, mode=mode, deadline="horizon_end")
    based_on = store.active_id()
    try:
        update_requests(planning, UpdateRequestsArgs(upsert=[change]))
        propose_plan(planning, NoArgs())
    except HearthError as err:
        await say(f"The mode could not be switched: {err}")
        return
    outcome = planning.proposal
    if outcome is None:
        await say(f"Mode {mode}: no plan")
        return
    await say(f"Mode switched to **{mode}** from now; here is the plan that follows.")
    await send_outcome(outcome, based_on)
