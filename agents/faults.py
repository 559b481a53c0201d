"""When the language model fails: one sentence for the homeowner, retries where the server asks
for them, and one deadline per model call that nothing outlasts.

* :class:`ModelFault` is a server's failure in the homeowner's words ("The language model at
  http://127.0.0.1:8080/v1 answered with an error (HTTP 429); try again in 30 s."). The run
  reports it as its ``message`` with status ``error``; the traceback goes to the log only.
* :class:`CallPolicy` and :func:`call_within` retry a failed call with tenacity: after the
  server's ``Retry-After`` when it sends one, else with exponential backoff, and never when the
  wait would pass the deadline. The deadline (``HEARTH_LLM_TIMEOUT_S``) bounds the whole call,
  retries included, with ``asyncio`` — an HTTP read timeout alone does not hold against a
  server that sends one byte every few seconds.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
)

from tools.errors import HearthError

T = TypeVar("T")

#: Longest wait a ``Retry-After`` header is believed for [s]; longer ones end the call at once.
MAX_RETRY_AFTER_S = 3600.0


class ModelFault(HearthError):
    """The model server failed; ``sentence`` says so in one sentence a homeowner can act on.

    Attributes
    ----------
    sentence:
        The message for the homeowner.
    status:
        The HTTP status of the server's answer, when it gave one.
    retry_after_s:
        How long the server asked to wait [s], when it said.
    """

    def __init__(
        self, sentence: str, *, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        self.sentence = sentence
        self.status = status
        self.retry_after_s = retry_after_s
        super().__init__(sentence)


class DeadlineExceeded(HearthError):
    """A model call (retries included) outlasted its deadline of ``deadline_s`` seconds."""

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s
        super().__init__(f"the model call took longer than {deadline_s:g} s")


def retry_after_s(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """The wait a server asks for [s]: ``retry-after-ms``, or ``Retry-After`` in seconds or as an
    HTTP date; ``None`` when absent or unreadable."""
    lowered = {key.lower(): value for key, value in headers.items()}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        text = lowered.get(name, "").strip()
        if not text:
            continue
        try:
            seconds = float(text) * scale
        except ValueError:
            if scale != 1.0:
                continue
            try:
                when = parsedate_to_datetime(text)
            except (TypeError, ValueError):
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
        if math.isfinite(seconds):
            return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
    return None


@dataclass(frozen=True)
class CallPolicy:
    """How one model call is retried and bounded.

    Attributes
    ----------
    deadline_s:
        The whole call, retries and waits included, ends after this many seconds [s].
    max_attempts:
        Attempts in all (the first one included).
    retry_on:
        Exception types worth another attempt (rate limits, server errors, dropped connections).
    retry_after:
        The wait the server asked for in a failed attempt's exception [s], or ``None``.
    backoff_s:
        First and longest wait of the exponential backoff when the server names none [s].
    """

    deadline_s: float
    max_attempts: int = 3
    retry_on: tuple[type[BaseException], ...] = ()
    retry_after: Callable[[BaseException], float | None] = field(default=lambda err: None)
    backoff_s: tuple[float, float] = (0.5, 8.0)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        told = self.retry_after(error) if error is not None else None
        if told is not None:
            return told
        first, longest = self.backoff_s
        return float(wait_exponential(multiplier=first, max=longest)(state))

    def retrying(self) -> AsyncRetrying:
        """A tenacity controller: retry ``retry_on`` errors while attempts and time remain."""
        return AsyncRetrying(
            retry=retry_if_exception_type(self.retry_on),
            wait=self._wait,
            stop=stop_after_attempt(self.max_attempts) | stop_before_delay(self.deadline_s),
            reraise=True,
        )


async def call_within(policy: CallPolicy, call: Callable[[], Awaitable[T]]) -> T:
    """``await call()`` with the retries of ``policy``, all within ``policy.deadline_s``.

    Raises
    ------
    DeadlineExceeded
        The deadline passed (the attempt under way is cancelled).
    BaseException
        The last attempt's own error when no retry is left.
    """

    async def attempts() -> T:
        async for attempt in policy.retrying():
            with attempt:
                return await call()
        raise AssertionError("tenacity ended without an outcome")  # pragma: no cover

    try:
        return await asyncio.wait_for(attempts(), timeout=policy.deadline_s)
    except asyncio.TimeoutError:
        raise DeadlineExceeded(policy.deadline_s) from None


async def stream_within(
    policy: CallPolicy, open_stream: Callable[[], AsyncIterator[T]]
) -> AsyncIterator[T]:
    """The items of a stream, within ``policy.deadline_s`` overall.

    Opening the stream and waiting for its first item is retried like :func:`call_within`; once
    items flow, a failure ends the stream (what was shown cannot be taken back).
    """
    started = time.monotonic()

    def remaining() -> float:
        return policy.deadline_s - (time.monotonic() - started)

    async def first() -> tuple[AsyncIterator[T], T | None, bool]:
        async for attempt in policy.retrying():
            with attempt:
                stream = open_stream()
                try:
                    return stream, await stream.__anext__(), False
                except StopAsyncIteration:
                    return stream, None, True
        raise AssertionError("tenacity ended without an outcome")  # pragma: no cover

    try:
        stream, item, done = await asyncio.wait_for(first(), timeout=remaining())
        if done:
            return
        yield item  # type: ignore[misc]
        while True:
            left = remaining()
            if left <= 0:
                raise asyncio.TimeoutError
            try:
                item = await asyncio.wait_for(stream.__anext__(), timeout=left)
            except StopAsyncIteration:
                return
            yield item
    except asyncio.TimeoutError:
        raise DeadlineExceeded(policy.deadline_s) from None
