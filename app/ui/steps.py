"""The team's work shown live as Chainlit steps, each named by a short human summary.

One ``run`` step per agent turn ("Reading your request", "Planning", …) and, inside it, one
``tool`` step per tool call. A tool step is named by what happened ("Read your request: Family
car", "Planned 2 devices, optimal", "Checked the numbers in my reply"); its arguments and its
result as JSON are only in the step's details, which stay collapsed until opened.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import chainlit as cl
from autogen_agentchat.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    ModelClientStreamingChunkEvent,
    SelectSpeakerEvent,
    TextMessage,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    ToolCallSummaryMessage,
)
from chainlit.context import context
from chainlit.utils import utc_now

from tools.home import Home

#: What each agent's turn is called in the chat (the coordinator's later turns: its reply).
TURN_NAMES = {
    "coordinator": "Reading your request",
    "coordinator again": "Writing my reply",
    "forecaster": "Looking at prices and solar",
    "scheduler": "Planning",
    "auditor": "Checking",
}
#: What a tool step is called while it runs.
RUNNING = {
    "update_requests": "Reading your request",
    "ask_homeowner": "Asking you",
    "get_plan": "Looking up the plan",
    "explain": "Working out why",
    "what_if": "Trying your what-if",
    "get_forecast": "Reading prices, solar and household use",
    "propose_plan": "Planning",
    "check_conflicts": "Checking for conflicts",
    "verify_reply": "Checking the numbers in my reply",
}
#: Longest JSON shown in a step's details [characters].
DETAILS_CHARS = 6000


def _names(home: Home, devices: object) -> str:
    if not isinstance(devices, list):
        return ""
    return ", ".join(home.label(str(d)) for d in devices)


def _count(count: int, one: str) -> str:
    return f"{count} {one}{'' if count == 1 else 's'}"


def _planned(data: dict) -> str:
    status = data.get("status")
    if status == "infeasible":
        return "Found that it cannot be done as asked"
    if status == "error":
        return "Could not finish planning"
    devices = len({r.get("device") for r in data.get("requests", []) if isinstance(r, dict)})
    proven = "optimal" if data.get("solve_status") == "optimal" else "not proven optimal"
    return f"Planned {_count(devices, 'device')}, {proven}"


def _summaries(home: Home) -> dict[str, Callable[[dict], str]]:
    return {
        "update_requests": lambda d: (
            "Read your request" + (f": {_names(home, d.get('changed'))}" if d.get("changed") else "")
            + (f"; cancelled {_names(home, d.get('cancelled'))}" if d.get("cancelled") else "")
        ),
        "ask_homeowner": lambda d: "Asked you a question",
        "get_plan": lambda d: "Looked up the plan",
        "explain": lambda d: f"Explained {d.get('name', 'the run')}",
        "what_if": lambda d: "Tried your what-if: " + _planned(d)[0].lower() + _planned(d)[1:],
        "get_forecast": lambda d: "Read prices, solar and household use",
        "propose_plan": _planned,
        "check_conflicts": lambda d: (
            "Checked for conflicts: none" if not d.get("conflicts")
            else f"Checked for conflicts: {_count(len(d['conflicts']), 'note')}"
        ),
        "verify_reply": lambda d: (
            "Checked the numbers in my reply" if d.get("verified", True)
            else "Found numbers in my reply no tool computed"
        ),
    }


def tool_summary(home: Home, tool: str, content: str, *, failed: bool) -> str:
    """A tool result in a few words, for the step's name."""
    try:
        data = json.loads(content)
    except ValueError:
        data = None
    if failed or not isinstance(data, dict) or data.get("ok") is False:
        error = data.get("error") if isinstance(data, dict) else None
        text = str(error or content).strip().split(". ")[0].rstrip(".")
        return f"Could not do that: {text[:120]}"
    summary = _summaries(home).get(tool)
    return summary(data) if summary is not None else RUNNING.get(tool, "Done")


def details(arguments: str | None, content: str) -> str:
    """The call's arguments and result as pretty JSON (the collapsed details view)."""
    def pretty(text: str) -> str:
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False, default=str)
        except ValueError:
            return text
    body = pretty(content)
    if len(body) > DETAILS_CHARS:
        body = body[: DETAILS_CHARS - 1] + "…"
    parts = []
    if arguments and arguments.strip() not in ("", "{}"):
        parts.append("Arguments:\n```json\n" + pretty(arguments) + "\n```")
    parts.append("Result:\n```json\n" + body + "\n```")
    return "\n\n".join(parts)


class RunSteps:
    """Shows one run live: a ``run`` step per agent turn, a ``tool`` step per tool call in it.

    An agent's streamed tokens and final text go into its turn step; the reply to the
    homeowner is sent as a message after the run.
    """

    def __init__(self, home: Home) -> None:
        self.home = home
        self.turn: cl.Step | None = None
        self.turn_source: str | None = None
        self.tools: dict[tuple[str, str], tuple[cl.Step, str, str]] = {}
        self.tool_names: list[str] = []
        self.turned: set[str] = set()

    async def _turn_for(self, source: str) -> cl.Step:
        if self.turn is not None and self.turn_source == source:
            return self.turn
        await self._close_turn()
        # nest under the callback's own step (on_message's run), so the frontend shows the
        # turns between the homeowner's message and the reply
        parent = context.current_step
        name = TURN_NAMES.get(f"{source} again" if source in self.turned else source,
                              TURN_NAMES.get(source, source.capitalize()))
        self.turned.add(source)
        step = cl.Step(name=name, type="run",
                       show_input=False, parent_id=parent.id if parent is not None else None)
        step.start = utc_now()
        await step.send()
        self.turn, self.turn_source = step, source
        return step

    async def _close_turn(self) -> None:
        if self.turn is not None:
            self.turn.end = utc_now()
            await self.turn.update()
        self.turn, self.turn_source = None, None

    async def handle(self, event: object) -> None:
        """Render one event of ``team.run_stream``; unknown events are ignored."""
        if not isinstance(event, BaseAgentEvent | BaseChatMessage):
            return
        if isinstance(event, SelectSpeakerEvent) or event.source in ("user", "clock"):
            return
        if isinstance(event, ModelClientStreamingChunkEvent):
            turn = await self._turn_for(event.source)
            await turn.stream_token(event.content)
        elif isinstance(event, ToolCallRequestEvent):
            turn = await self._turn_for(event.source)
            for call in event.content:
                step = cl.Step(name=RUNNING.get(call.name, "Working"), type="tool",
                               parent_id=turn.id, show_input=False)
                step.start = utc_now()
                await step.send()
                self.tools[(event.source, call.id)] = (step, call.name, call.arguments)
                self.tool_names.append(call.name)
        elif isinstance(event, ToolCallExecutionEvent):
            for result in event.content:
                key = (event.source, result.call_id)
                if key not in self.tools:
                    continue
                step, tool, arguments = self.tools.pop(key)
                failed = bool(result.is_error)
                step.name = tool_summary(self.home, tool, result.content, failed=failed)
                step.output = details(arguments, result.content)
                step.language = None
                step.is_error = failed
                step.end = utc_now()
                await step.update()
        elif isinstance(event, TextMessage | ThoughtEvent):
            turn = await self._turn_for(event.source)
            turn.output = event.content
            await turn.update()
        elif isinstance(event, ToolCallSummaryMessage):
            await self._turn_for(event.source)

    async def close(self) -> None:
        """End open steps (after the run, also when it was stopped or failed)."""
        for step, _, _ in self.tools.values():
            step.name = "Stopped before a result"
            step.end = utc_now()
            await step.update()
        self.tools.clear()
        await self._close_turn()
