"""Hearth's chat UI on Chainlit 2.x: live agent steps, the plan card, Approve / Adjust / Reject.

Run it with ``hearth ui`` (which runs ``chainlit run app/ui/chainlit_app.py --headless --host
127.0.0.1 --port 8000`` with ``CHAINLIT_APP_ROOT`` set to the project folder).

Environment
-----------
``HEARTH_HOME``
    Home file. Without it, the file ``hearth init`` writes (see
    :func:`app.onboarding.default_home_path`) if it exists, else every chat starts with the
    first-run setup (:mod:`app.ui.setup`), which writes that file.
``HEARTH_DB``
    Plan store file (default: the user data directory, see :mod:`app.store`).
``HEARTH_NOW``
    Fixed planning time, ISO 8601 with offset (demos, tests); default: the current time.
``HEARTH_LLM`` …
    Model choice, read by the agents' client factory (default: the offline model); the author
    label of every reply names it.
``HEARTH_PASSWORD``, ``HEARTH_USER``
    When ``HEARTH_PASSWORD`` is set, a login is required (user ``HEARTH_USER``, default
    ``homeowner``). Chainlit then also needs ``CHAINLIT_AUTH_SECRET``, the key that signs the
    login token: create it with ``chainlit create-secret``. Failed logins are slowed down and
    limited per user name and client address (:mod:`app.ui.login`).
``HEARTH_LOG``, ``HEARTH_VERBOSE``
    Warnings and tracebacks go to the log file (:mod:`app.logs`); to the console too with
    ``HEARTH_VERBOSE=1`` (``hearth ui --verbose``).

Design
------
* This module starts and ends chats and takes the homeowner's messages; :mod:`app.ui.chat`
  holds a chat's state and sends its replies and cards; :mod:`app.ui.decisions` handles the
  buttons; :mod:`app.ui.steps` shows the team's work; :mod:`app.ui.setup` is the first run.
* Everything about one chat lives in ``cl.user_session`` (the conversation with its planning
  session, the plan store handle, the proposals shown in this chat); module globals hold only
  constants, so one chat's state never reaches another.
* The card shown is built from this run's typed results (:mod:`app.card`), never from numbers in
  an agent's prose; the prose stays in the agent's step.
* Approve, Reject, Adjust, the alternatives, "Switch to this plan" and "Cancel …" are plain code
  against the planning tools and :class:`app.store.PlanStore`; no agent tool can approve. A chat
  can only act on proposals it showed itself, and a newer proposal closes the older ones.
* Module globals hold constants, plus the login limiter, which is per server by design.
* The stop button sets the team's ``ExternalTermination`` (cancelling the task alone does not
  stop an AgentChat team).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from datetime import datetime

import chainlit as cl

from agents.models import make_client_factory
from agents.run import Conversation as TeamConversation
from agents.session import PlanningSession
from app.logs import configure_logging
from app.paths import default_home_path
from app.providers import inputs_builder_for
from app.runner.notify import live_note, live_state
from app.standing import StandingOrders
from app.store import PlanStore
from app.ui import standing as standing_ui  # registers the standing-order buttons
from app.ui.chat import (
    Conversation,
    author,
    now_for,
    run_request,
    say,
    show_active_plan,
    show_runner_proposal,
    state,
)
from app.ui.decisions import (
    mode_select,
    on_adjust,
    on_adopt_what_if,
    on_approve,
    on_cancel_run,
    on_choose_option,
    on_reject,
    on_settings_update,
)
from app.ui.login import ClientAddressMiddleware, LoginLimiter, client_address
from app.ui.setup import run_setup
from tools.errors import HearthError
from tools.home import Home, load_home

#: The decisions' callbacks are registered with Chainlit when app.ui.decisions is imported; they
#: are named here for the tests and for readers looking for them.
__all__ = ["on_adjust", "on_adopt_what_if", "on_approve", "on_cancel_run",
           "on_choose_option", "on_reject", "on_settings_update"]

log = logging.getLogger("hearth.ui")
configure_logging(verbose=os.environ.get("HEARTH_VERBOSE", "") == "1")
# Chainlit logs at INFO; autogen_core logs every runtime message at INFO.
for _name in ("autogen_core", "autogen_core.events", "autogen_agentchat"):
    logging.getLogger(_name).setLevel(logging.WARNING)

WELCOME = (
    "Hi, I'm **Hearth**. Tell me what your home needs and by when — for example "
    "*charge my car cheaply by 7am* or *run the dishwasher tonight* — and I'll propose a plan "
    "for you to approve. I plan with the {model}; the numbers always come from my optimiser. "
    "Open **Readme** for more examples."
)


# ============================================================================ conversation seam

def model_label(provider: str, model: str | None) -> str:
    """The model in use, as the homeowner reads it."""
    if provider == "offline":
        return "offline rule-based model"
    return f"{model} ({provider})" if model else provider


def open_conversation(home: Home, store: PlanStore, now: datetime) -> Conversation:
    """A per-chat team from the agents' factories; the model client is chosen by configuration
    (``HEARTH_LLM``, default offline) and streams its tokens to the UI."""
    session = PlanningSession(
        home=home, now=now, store=store, inputs_builder=inputs_builder_for(home),
        standing=StandingOrders(store.path),
    )
    return TeamConversation(session, make_client_factory(), stream=True)


# ============================================================================ configuration

def home_from_env() -> Home | None:
    """The home file named by ``HEARTH_HOME``, else the one ``hearth init`` wrote; ``None``
    when there is none yet (the first run)."""
    path = default_home_path()
    if not os.environ.get("HEARTH_HOME", "").strip() and not path.is_file():
        return None
    return load_home(path)


#: Failed logins per (user name, client address): delayed, then locked out (app.ui.login).
LOGIN_LIMITER = LoginLimiter()


async def check_login(username: str, password: str) -> cl.User | None:
    """The one login from ``HEARTH_USER`` / ``HEARTH_PASSWORD``, compared in constant time.

    A locked-out (user name, client) pair is refused without a look at the password; a failure
    is answered only after the limiter's delay.
    """
    client = client_address()
    if LOGIN_LIMITER.locked_for(username, client) > 0:
        log.warning("login refused: too many failed attempts for this user from %s", client)
        return None
    expected_password = os.environ.get("HEARTH_PASSWORD", "")
    expected_user = os.environ.get("HEARTH_USER", "homeowner")
    user_ok = hmac.compare_digest(username.encode(), expected_user.encode())
    password_ok = hmac.compare_digest(password.encode(), expected_password.encode())
    if expected_password and user_ok and password_ok:
        LOGIN_LIMITER.succeeded(username, client)
        return cl.User(identifier=username, metadata={"role": "homeowner"})
    await asyncio.sleep(LOGIN_LIMITER.failed(username, client))
    return None


if os.environ.get("HEARTH_PASSWORD"):
    from chainlit.server import app as _server

    _server.add_middleware(ClientAddressMiddleware)
    cl.password_auth_callback(check_login)


@cl.on_chat_start
async def on_chat_start() -> None:
    """Set up the home on a first run, build this chat's conversation, show the active plan."""
    try:
        home = home_from_env()
    except HearthError as err:
        await say(f"Hearth cannot start: {err}")
        return
    if home is None:
        home = await run_setup(default_home_path(), author())
        if home is None:
            return
    try:
        store = PlanStore()
        now = now_for(home)
        live = live_state(home, store, now)
        conversation = open_conversation(live.home, store, now)
    except HearthError as err:
        await say(f"Hearth cannot start: {err}")
        return
    standing = StandingOrders(store.path)
    factory = getattr(conversation, "_factory", None)
    label = model_label(getattr(factory, "provider", "offline"), getattr(factory, "model", None))
    cl.user_session.set("author", f"Hearth · {label}")
    cl.user_session.set("model_label", label)
    cl.user_session.set("home", home)
    cl.user_session.set("store", store)
    cl.user_session.set("standing", standing)
    cl.user_session.set("clock", lambda: now_for(home))
    cl.user_session.set("conversation", conversation)
    cl.user_session.set("proposals", {})
    cl.user_session.set("busy", False)
    await say(WELCOME.format(model=label))
    if live.sources:
        await say(live_note(live))
    await show_active_plan(store, home, now)
    if home.thermal_devices():
        await cl.ChatSettings([mode_select(home)]).send()
    await show_runner_proposal(store, home)
    await standing_ui.show_orders(standing, home)


@cl.on_chat_end
async def on_chat_end() -> None:
    """The chat is closed: release its model clients."""
    conversation = state("conversation")
    if conversation is not None:
        await conversation.close()


@cl.on_stop
async def on_stop() -> None:
    """The stop button: end the team's run after the tool call in flight."""
    conversation = state("conversation")
    if conversation is not None:
        conversation.stop()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    """One homeowner message through the team."""
    await run_request(message.content)


