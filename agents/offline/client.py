"""The offline model: a deterministic, rule-based ``ChatCompletionClient``.

It implements every abstract member of :class:`autogen_core.models.ChatCompletionClient`, supports
function calling, and plays every role of the team from the conversation alone
(:mod:`agents.offline.policy`). No key, no network, the same answer for the same conversation.

Token accounting
----------------
A real tokenizer is not available offline, so tokens are estimated with the rule of thumb for
English text and JSON with OpenAI tokenizers, about 4 characters per token:

* prompt tokens = 3 (reply priming) + Σ over messages (4 framing tokens + ⌈characters / 4⌉)
  + Σ over tool schemas ⌈characters of the JSON schema / 4⌉;
* completion tokens = ⌈characters of the reply text, or of the tool calls' names and JSON
  arguments, / 4⌉.

The estimate is what the same transcript would roughly cost with a real model, which is how the
accounting in the machine interface is meant to be read for ``provider: offline``.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken, Component, FunctionCall
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,  # type: ignore[attr-defined]
    ModelFamily,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel, ConfigDict
from typing_extensions import Self

from agents.offline.policy import decide, text_of

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 4
REPLY_PRIMING_TOKENS = 3
CONTEXT_WINDOW_TOKENS = 128_000


def estimate_tokens(text: str) -> int:
    """⌈len(text) / 4⌉, the character rule of thumb (see the module docstring)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _tool_name(tool: Tool | ToolSchema) -> str:
    return tool.name if isinstance(tool, Tool) else tool["name"]


def _tool_schema(tool: Tool | ToolSchema) -> Mapping[str, Any]:
    return tool.schema if isinstance(tool, Tool) else tool


class OfflineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfflineChatCompletionClient(ChatCompletionClient, Component[OfflineConfig]):
    """Hearth's default model: rule-based, deterministic, offline."""

    component_type = "model"
    component_config_schema = OfflineConfig
    component_provider_override = "agents.offline.OfflineChatCompletionClient"
    MODEL = "hearth-offline"

    def __init__(self) -> None:
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._calls = 0

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        names = {_tool_name(t) for t in tools} if tool_choice != "none" else set()
        decision = decide(messages, names)
        self._calls += 1
        content: str | list[FunctionCall]
        if decision.calls:
            content = [
                FunctionCall(id=f"offline-{self._calls}-{i}", name=name, arguments=json.dumps(args))
                for i, (name, args) in enumerate(decision.calls)
            ]
            completion = sum(estimate_tokens(c.name + c.arguments) for c in content)
        else:
            content = decision.text or ""
            completion = estimate_tokens(content)
        usage = RequestUsage(prompt_tokens=self.count_tokens(messages, tools=tools), completion_tokens=completion)
        self._last = usage
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self._total.completion_tokens + usage.completion_tokens,
        )
        if cancellation_token is not None and cancellation_token.is_cancelled():
            raise asyncio.CancelledError()
        return CreateResult(
            finish_reason="function_calls" if isinstance(content, list) else "stop",
            content=content, usage=usage, cached=False,
        )

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        result = await self.create(
            messages, tools=tools, tool_choice=tool_choice, json_output=json_output,
            extra_create_args=extra_create_args, cancellation_token=cancellation_token,
        )
        if isinstance(result.content, str):
            for chunk in re.findall(r"\S+\s*", result.content):
                yield chunk
        yield result

    async def close(self) -> None:
        return None

    def actual_usage(self) -> RequestUsage:
        return self._last

    def total_usage(self) -> RequestUsage:
        return self._total

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        total = REPLY_PRIMING_TOKENS
        for message in messages:
            total += MESSAGE_OVERHEAD_TOKENS + estimate_tokens(text_of(message))
        for tool in tools:
            total += estimate_tokens(json.dumps(_tool_schema(tool)))
        return total

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return CONTEXT_WINDOW_TOKENS - self.count_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:  # deprecated in autogen-core, still abstract
        return self.model_info  # type: ignore[return-value]

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(
            vision=False, function_calling=True, json_output=False, family=ModelFamily.UNKNOWN,
            structured_output=False, multiple_system_messages=True,
        )

    def _to_config(self) -> OfflineConfig:
        return OfflineConfig()

    @classmethod
    def _from_config(cls, config: OfflineConfig) -> Self:
        del config
        return cls()
