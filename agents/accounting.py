"""LLM accounting: every model call of a run, with its tokens, per agent.

:class:`MeteredClient` wraps the model client of one role and writes each call's usage (as the
client reports it in ``CreateResult.usage``) into an :class:`LlmLedger`. It runs each call under
the factory's :class:`~agents.faults.CallPolicy` (retries where the server asks for them, one
overall deadline), and turns the provider's failures into one error: a
:class:`~agents.models.ModelConfigError` naming the setting to fix (bad key, unknown model) or a
:class:`~agents.faults.ModelFault`, one sentence for the homeowner (unreachable, HTTP error,
unreadable reply, no answer in time). It remembers that error in the ledger, because AutoGen
re-raises agent failures as a plain ``RuntimeError``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,  # type: ignore[attr-defined]
    ModelInfo,
    RequestUsage,
    UserMessage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel, ConfigDict, Field

from agents.faults import CallPolicy, call_within, stream_within
from tools.errors import HearthError

ErrorTranslator = Callable[[BaseException], HearthError]


class AgentUsage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class LlmUsage(BaseModel):
    """The ``llm`` part of the machine interface."""

    model_config = ConfigDict(extra="forbid")

    provider: str
    model: str | None = None
    calls: int = Field(description="Model calls in the run (selector calls included).")
    prompt_tokens: int
    completion_tokens: int
    per_agent: dict[str, AgentUsage] = Field(default_factory=dict)


@dataclass
class LlmLedger:
    """Usage per role for the current run, and for the whole conversation."""

    provider: str
    model: str | None = None
    run: dict[str, AgentUsage] = field(default_factory=dict)
    total: dict[str, AgentUsage] = field(default_factory=dict)
    fatal: HearthError | None = None

    def begin_run(self) -> None:
        self.run = {}
        self.fatal = None

    def record(self, role: str, usage: RequestUsage) -> None:
        for book in (self.run, self.total):
            entry = book.setdefault(role, AgentUsage())
            entry.calls += 1
            entry.prompt_tokens += usage.prompt_tokens
            entry.completion_tokens += usage.completion_tokens

    def usage(self, scope: Literal["run", "total"] = "run") -> LlmUsage:
        book = self.run if scope == "run" else self.total
        return LlmUsage(
            provider=self.provider,
            model=self.model,
            calls=sum(u.calls for u in book.values()),
            prompt_tokens=sum(u.prompt_tokens for u in book.values()),
            completion_tokens=sum(u.completion_tokens for u in book.values()),
            per_agent={role: u.model_copy() for role, u in sorted(book.items())},
        )


class MeteredClient(ChatCompletionClient):
    """A model client that records each call's usage under ``role``; otherwise transparent,
    except that a turn answering a message from one of ``text_only_after``'s sources (the
    coordinator's reply to the scheduler's or forecaster's result) is sent without tool schemas:
    that turn writes the reply, and the schemas would be most of its prompt."""

    def __init__(
        self,
        inner: ChatCompletionClient,
        role: str,
        ledger: LlmLedger,
        *,
        error_types: tuple[type[BaseException], ...] = (),
        translate: ErrorTranslator | None = None,
        policy: CallPolicy | None = None,
        text_only_after: tuple[str, ...] = (),
    ) -> None:
        self.inner = inner
        self._text_only_after = text_only_after
        self.role = role
        self._ledger = ledger
        self._error_types = error_types if translate is not None else ()
        self._translate = translate
        self._policy = policy

    def _tools(self, messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema]) -> Sequence[Tool | ToolSchema]:
        last = messages[-1] if messages else None
        if isinstance(last, UserMessage) and last.source in self._text_only_after:
            return []
        return tools

    def _fail(self, err: BaseException) -> HearthError:
        assert self._translate is not None
        translated = self._translate(err)
        self._ledger.fatal = translated
        return translated

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
        def call() -> Awaitable[CreateResult]:
            return self.inner.create(
                messages, tools=self._tools(messages, tools), tool_choice=tool_choice, json_output=json_output,
                extra_create_args=extra_create_args, cancellation_token=cancellation_token,
            )

        try:
            result = await (call_within(self._policy, call) if self._policy else call())
        except self._error_types as err:
            raise self._fail(err) from err
        self._ledger.record(self.role, result.usage)
        return result

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
        def open_stream() -> AsyncGenerator[str | CreateResult, None]:
            return self.inner.create_stream(
                messages, tools=self._tools(messages, tools), tool_choice=tool_choice, json_output=json_output,
                extra_create_args=extra_create_args, cancellation_token=cancellation_token,
            )

        chunks = stream_within(self._policy, open_stream) if self._policy else open_stream()
        try:
            async for chunk in chunks:
                if isinstance(chunk, CreateResult):
                    self._ledger.record(self.role, chunk.usage)
                yield chunk
        except self._error_types as err:
            raise self._fail(err) from err

    async def close(self) -> None:
        await self.inner.close()

    def actual_usage(self) -> RequestUsage:
        return self.inner.actual_usage()

    def total_usage(self) -> RequestUsage:
        return self.inner.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self.inner.count_tokens(messages, tools=tools)

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []
    ) -> int:
        return self.inner.remaining_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:  # deprecated in autogen-core, still abstract
        return self.model_info  # type: ignore[return-value]

    @property
    def model_info(self) -> ModelInfo:
        return self.inner.model_info
