"""Password guessing is slowed down and limited per user name and client address.

The limiter runs on a fake clock. Defaults: failures are answered after 0.5, 1, 2, 4 s; the
fifth failure within 15 minutes locks the pair out for 15 minutes, during which even the right
password is refused; another address, or the same address after the lockout, may log in.
The login callback is the real one of the Chainlit app, with ``asyncio.sleep`` recorded instead
of waited; the client address comes from the ASGI middleware's context variable.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("CHAINLIT_APP_ROOT", str(REPO))  # before chainlit is imported
with warnings.catch_warnings():  # chainlit's literalai → traceloop uses pydantic v1-style config
    warnings.simplefilter("ignore", DeprecationWarning)
    from app.ui import chainlit_app
from app.ui.login import ClientAddressMiddleware, LoginLimiter, client_address  # noqa: E402

PASSWORD = "correct horse battery"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_delays_double_then_the_pair_is_locked_out() -> None:
    clock = FakeClock()
    limiter = LoginLimiter(clock=clock)
    delays = [limiter.failed("homeowner", "10.0.0.9") for _ in range(4)]
    assert delays == [0.5, 1.0, 2.0, 4.0]
    assert limiter.locked_for("homeowner", "10.0.0.9") == 0
    assert limiter.failed("homeowner", "10.0.0.9") == 8.0  # the fifth failure locks
    assert limiter.locked_for("homeowner", "10.0.0.9") == 900.0
    assert limiter.locked_for("HomeOwner ", "10.0.0.9") == 900.0  # the same user name
    assert limiter.locked_for("homeowner", "10.0.0.10") == 0  # another client
    clock.now += 899
    assert limiter.locked_for("homeowner", "10.0.0.9") == 1.0
    clock.now += 1
    assert limiter.locked_for("homeowner", "10.0.0.9") == 0


def test_delay_is_capped_and_old_failures_are_forgotten() -> None:
    clock = FakeClock()
    limiter = LoginLimiter(clock=clock, max_failures=100)
    delays = [limiter.failed("a", "c") for _ in range(8)]
    assert delays[-1] == 8.0 and max(delays) == 8.0
    clock.now += 901  # beyond the 15-minute window: a fresh start
    assert limiter.failed("a", "c") == 0.5


def test_success_clears_the_record_and_memory_is_bounded() -> None:
    limiter = LoginLimiter(clock=FakeClock(), max_pairs=3)
    limiter.failed("a", "c")
    limiter.failed("a", "c")
    limiter.succeeded("a", "c")
    assert limiter.failed("a", "c") == 0.5
    for i in range(10):
        limiter.failed(f"user{i}", "c")
    assert len(limiter._records) == 3


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeClock, list[float]]]:
    clock = FakeClock()
    slept: list[float] = []

    async def record_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(chainlit_app, "LOGIN_LIMITER", LoginLimiter(clock=clock))
    monkeypatch.setattr(chainlit_app.asyncio, "sleep", record_sleep)
    monkeypatch.setenv("HEARTH_PASSWORD", PASSWORD)
    monkeypatch.delenv("HEARTH_USER", raising=False)
    yield clock, slept


async def attempt(password: str, client: str) -> Any:
    """A login as the middleware would see it: the client address in the context."""
    results: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert client_address() == client
        results.append(await chainlit_app.check_login("homeowner", password))

    await ClientAddressMiddleware(app)({"type": "http", "client": (client, 51000)}, None, None)
    assert client_address() == "unknown"  # reset after the request
    return results[0]


@pytest.mark.asyncio
async def test_the_login_callback_slows_down_and_locks_out(login: tuple[FakeClock, list[float]]) -> None:
    clock, slept = login
    for _ in range(5):
        assert await attempt("guess", "192.0.2.7") is None
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert await attempt(PASSWORD, "192.0.2.7") is None  # locked out: the password is not looked at
    assert slept[-1] == 8.0 and len(slept) == 5  # refused at once, no further delay
    user = await attempt(PASSWORD, "192.0.2.8")  # the household's own device elsewhere
    assert user is not None and user.identifier == "homeowner"
    clock.now += 900
    assert await attempt(PASSWORD, "192.0.2.7") is not None


@pytest.mark.asyncio
async def test_a_hundred_guesses_cost_the_lockout_window(login: tuple[FakeClock, list[float]]) -> None:
    """The issue's 100 guesses in 0.7 s: now 5 are checked (15.5 s of delays) and 95 refused."""
    _, slept = login
    results = [await attempt(f"guess{i}", "198.51.100.1") for i in range(100)]
    assert results == [None] * 100
    assert sum(slept) == 15.5 and len(slept) == 5
