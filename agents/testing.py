"""Script the mock LLM for the team in a few lines (for tests and for trying prompts by hand).

Each role gets its own :class:`~autogen_ext.models.replay.ReplayChatCompletionClient` that
returns the scripted turns in order: :func:`call` for a turn with one tool call, :func:`calls` for
several tool calls in one turn, :func:`say` for a text turn. A role without a script fails loudly
if the team asks it anything.

Example::

    from agents.run import run_request
    from agents.testing import Script, call, calls, say

    script = Script(
        coordinator=[call("update_requests", upsert=[{"device": "ev", "deadline": "07:00"}]),
                     say("Your car charges overnight.")],
        scheduler=[call("propose_plan")],
        auditor=[calls(("check_conflicts", {}), ("verify_reply", {}))],
    )
    result = await run_request(session, "charge my car by 7", script)
    assert result.status == "proposed" and script.used("scheduler") == 1

``call("update_requests", "{not json")`` scripts malformed arguments; ``script.seen(role)`` is
what the role's model was shown on its last call.
"""

from __future__ import annotations

import json
from typing import Any

from autogen_core import FunctionCall
from autogen_core.models import CreateResult, LLMMessage, ModelFamily, ModelInfo, RequestUsage
from autogen_ext.models.replay import ReplayChatCompletionClient

#: ``ReplayChatCompletionClient`` defaults to ``function_calling=False``; tools need True.
TOOL_MODEL_INFO: ModelInfo = ModelInfo(
    vision=False, function_calling=True, json_output=False, family=ModelFamily.UNKNOWN,
    structured_output=False,
)

Turn = CreateResult | str
_NO_USAGE = RequestUsage(prompt_tokens=0, completion_tokens=0)


def calls(*pairs: tuple[str, dict[str, Any] | str]) -> CreateResult:
    """One model turn with several tool calls: ``calls(("a", {...}), ("b", "{raw json"))``."""
    return CreateResult(
        finish_reason="function_calls",
        content=[
            FunctionCall(
                id=f"call-{name}-{i}", name=name,
                arguments=args if isinstance(args, str) else json.dumps(args),
            )
            for i, (name, args) in enumerate(pairs)
        ],
        usage=_NO_USAGE,
        cached=False,
    )


def call(name: str, raw_arguments: str | None = None, /, **arguments: Any) -> CreateResult:
    """One model turn calling tool ``name`` with ``arguments`` (or a raw, maybe broken, string)."""
    return calls((name, raw_arguments if raw_arguments is not None else arguments))


def say(text: str) -> CreateResult:
    """One model turn answering with ``text``."""
    return CreateResult(finish_reason="stop", content=text, usage=_NO_USAGE, cached=False)


class Script:
    """A model-client factory (``role -> client``) that replays scripted turns per role."""

    provider = "replay"
    model = "replay"

    def __init__(self, **turns: list[Turn]) -> None:
        self._clients = {
            role: ReplayChatCompletionClient(list(script), model_info=TOOL_MODEL_INFO)
            for role, script in turns.items()
        }

    def __call__(self, role: str) -> ReplayChatCompletionClient:
        if role not in self._clients:
            self._clients[role] = ReplayChatCompletionClient([], model_info=TOOL_MODEL_INFO)
        return self._clients[role]

    def client(self, role: str) -> ReplayChatCompletionClient:
        return self(role)

    def used(self, role: str) -> int:
        """How many times the role's model was called."""
        return len(self(role).create_calls)

    def seen(self, role: str, index: int = -1) -> list[LLMMessage]:
        """The messages the role's model was given on call ``index``."""
        return list(self(role).create_calls[index]["messages"])
