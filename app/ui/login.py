"""Slowing down password guessing: a limiter for the UI's login, per user name and client address.

Every failed login of a (user name, client address) pair is answered after a delay that doubles
with each failure (0.5 s, 1 s, 2 s, … up to 8 s); after :attr:`LoginLimiter.max_failures`
failures within :attr:`LoginLimiter.window_s` the pair is locked out for ``lockout_s``: every
attempt is refused without looking at the password, the right one included. A success clears
the pair's record. One hundred guesses, which took 0.7 s, now take the lockout window.

Chainlit hands the password callback only the user name and the password, so
:class:`ClientAddressMiddleware` (a plain ASGI middleware on Chainlit's server) puts each HTTP
request's client address in a context variable that :func:`client_address` reads. Behind a
reverse proxy every client has the proxy's address; the limit then applies to the user name.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

_CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("hearth_client", default="unknown")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def client_address() -> str:
    """The client address of the HTTP request being handled (``"unknown"`` outside one)."""
    return _CLIENT.get()


class ClientAddressMiddleware:
    """ASGI middleware: remembers each HTTP request's client address for :func:`client_address`."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _CLIENT.set(str(client[0]) if client else "unknown")
        try:
            await self.app(scope, receive, send)
        finally:
            _CLIENT.reset(token)


@dataclass
class _Record:
    failures: int = 0
    first_failure_at: float = 0.0
    locked_until: float = 0.0


@dataclass
class LoginLimiter:
    """Failed-login bookkeeping per (user name, client address).

    Attributes
    ----------
    max_failures:
        Failures within ``window_s`` that lock the pair out.
    window_s:
        How long failures are remembered [s].
    lockout_s:
        How long a locked-out pair is refused [s].
    base_delay_s, max_delay_s:
        Delay before answering the first failure, and the longest delay [s].
    max_pairs:
        Pairs remembered at most; the oldest are forgotten first (bounded memory).
    clock:
        Monotonic time [s]; tests pass a fake one.
    """

    max_failures: int = 5
    window_s: float = 900.0
    lockout_s: float = 900.0
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_pairs: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _records: dict[tuple[str, str], _Record] = field(default_factory=dict)

    @staticmethod
    def _key(username: str, client: str) -> tuple[str, str]:
        return username.strip().lower()[:200], client[:100]

    def locked_for(self, username: str, client: str) -> float:
        """Seconds the pair stays locked out (0 when it may try)."""
        record = self._records.get(self._key(username, client))
        if record is None:
            return 0.0
        return max(0.0, record.locked_until - self.clock())

    def failed(self, username: str, client: str) -> float:
        """Record a failed attempt; return the delay [s] to wait before answering it."""
        now = self.clock()
        key = self._key(username, client)
        record = self._records.pop(key, None) or _Record()
        if record.failures and now - record.first_failure_at > self.window_s:
            record = _Record()
        if not record.failures:
            record.first_failure_at = now
        record.failures += 1
        if record.failures >= self.max_failures:
            record.locked_until = now + self.lockout_s
        self._records[key] = record  # most recent last
        while len(self._records) > self.max_pairs:
            del self._records[next(iter(self._records))]
        return min(self.max_delay_s, self.base_delay_s * 2 ** (record.failures - 1))

    def succeeded(self, username: str, client: str) -> None:
        """Forget the pair's failures after a successful login."""
        self._records.pop(self._key(username, client), None)
