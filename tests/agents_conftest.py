"""Fixtures for the agent tests, and the guard that keeps model traffic on this machine.

Wire it for the whole suite with ``pytest_plugins = ["agents_conftest"]`` in ``tests/conftest.py``;
the agent test modules declare the same ``pytest_plugins`` themselves, so they work without that.

``no_network_models`` (autouse) makes any OpenAI or Azure OpenAI client aimed at a host other
than the loopback interface fail at construction, and any socket connection to a non-loopback
address fail, so no test can reach a network model. Tests that need a model server start one
on 127.0.0.1 (see ``test_agents_models.py``).
"""

from __future__ import annotations

import inspect
import socket
from datetime import datetime
from typing import Any

import pytest
from agents_helpers import EXAMPLES, NOW, NetworkModelInTest, example_data

from agents.session import PlanningSession
from tools.home import Home, load_home, parse_home

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _is_loopback(host: str | None) -> bool:
    return host is not None and (host in LOOPBACK_HOSTS or host.startswith("127."))


@pytest.fixture(autouse=True)
def no_network_models(monkeypatch: pytest.MonkeyPatch) -> None:
    import openai

    for cls in (openai.OpenAI, openai.AsyncOpenAI, openai.AzureOpenAI, openai.AsyncAzureOpenAI):
        original = cls.__init__

        def guarded(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            _original(self, *args, **kwargs)
            host = self.base_url.host
            if not _is_loopback(host):
                raise NetworkModelInTest(f"a model client for {host} was built in a test")

        # autogen_ext reads the constructor's keyword names by introspection: keep them
        guarded.__signature__ = inspect.signature(original)  # type: ignore[attr-defined]
        monkeypatch.setattr(cls, "__init__", guarded)

    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            self.close()
            raise NetworkModelInTest(f"a test tried to connect to {address[0]}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def home() -> Home:
    return load_home(EXAMPLES / "home.yaml")


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def session(home: Home, now: datetime) -> PlanningSession:
    return PlanningSession(home=home, now=now)


@pytest.fixture
def two_car_home() -> Home:
    """The example home with a second EV; neither has the alias 'car'."""
    data = example_data()
    first = dict(data["evs"][0], aliases=["tesla", "model 3"])
    second = dict(first, id="van", name="Delivery van", aliases=["van", "id buzz"])
    data["evs"] = [first, second]
    return parse_home(data, source_dir=EXAMPLES)
