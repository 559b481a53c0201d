"""The guard that keeps every test off the price and weather providers, and its replay fixture.

``no_provider_network`` (autouse, wired for the whole suite in ``tests/conftest.py``) routes every
``requests`` call through a :class:`responses.RequestsMock`: a call to a URL no test registered
fails with ``ConnectionError`` (as if the machine were offline), so no test can reach a provider,
while loopback URLs pass through. Tests register recorded answers on the ``http_mock`` fixture.
The socket guard of ``agents_conftest`` stays in force underneath.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

ANSWERS = Path(__file__).resolve().parent / "data" / "providers"
LOOPBACK_URL = re.compile(r"^https?://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(/|$)")


@pytest.fixture(autouse=True)
def no_provider_network() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(LOOPBACK_URL)
        yield mock


@pytest.fixture
def http_mock(no_provider_network: responses.RequestsMock) -> responses.RequestsMock:
    """The suite's requests mock, to register recorded provider answers on."""
    return no_provider_network


def answer(name: str) -> str:
    """The text of a recorded provider answer in ``tests/data/providers/``."""
    return (ANSWERS / name).read_text(encoding="utf-8")
