"""The one HTTP stack of the providers: a ``requests`` session with timeouts and retries.

Retries come from urllib3's :class:`~urllib3.util.retry.Retry` (mounted through
:class:`requests.adapters.HTTPAdapter`): connection errors, read time-outs and the statuses a busy
server answers with (429, 500, 502, 503, 504) are retried with exponential back-off, honouring
``Retry-After``. Every call has a connect and a read time-out. Everything a provider can get wrong
ends as one :class:`ProviderError` with a plain sentence; nothing else leaves this package.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tools.errors import HearthError

USER_AGENT = "hearth (home energy assistant)"


class ProviderError(HearthError):
    """A provider could not deliver: unreachable, refused, malformed or empty answer.

    ``reason`` is a short plain phrase for the homeowner ("no answer within 10 s", "the server
    answered 503", "no prices published yet for that day").
    """

    def __init__(self, provider: str, reason: str) -> None:
        self.provider = provider
        self.reason = reason
        super().__init__(f"{provider}: {reason}")


@dataclass(frozen=True)
class HttpSettings:
    """Time-outs [s] and retries of every provider call."""

    connect_timeout_s: float = 3.05
    read_timeout_s: float = 10.0
    retries: int = 2
    backoff_factor_s: float = 0.5

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.read_timeout_s)


def make_session(settings: HttpSettings) -> requests.Session:
    """A session that retries idempotent calls on connection errors and busy-server statuses."""
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=settings.backoff_factor_s,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def get_json(
    session: requests.Session, url: str, *, params: dict[str, str | int | float], settings: HttpSettings,
    provider: str,
) -> object:
    """GET ``url`` and return its JSON body, or raise :class:`ProviderError` in plain words."""
    try:
        response = session.get(url, params=params, timeout=settings.timeout)
    except requests.Timeout:
        raise ProviderError(
            provider, f"no answer within {settings.read_timeout_s:g} s"
        ) from None
    except requests.ConnectionError:
        raise ProviderError(provider, "cannot be reached: no network, or the server is down") from None
    except requests.RequestException as err:
        raise ProviderError(provider, f"the request failed ({type(err).__name__})") from None
    if response.status_code != 200:
        raise ProviderError(provider, f"the server answered {response.status_code}{_detail(response)}")
    try:
        return response.json()
    except ValueError:
        raise ProviderError(provider, "the answer is not JSON") from None


def _detail(response: requests.Response) -> str:
    """The provider's own error text, when it gives one in a JSON ``reason``/``detail`` field."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("reason", "detail", "message"):
            if isinstance(body.get(key), str):
                return f": {body[key][:200]}"
    return ""
