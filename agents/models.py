"""The model-client factory, chosen by configuration.

Settings (environment variables; a TOML file named by ``HEARTH_CONFIG`` may give the same
settings, and the environment wins):

=========================  ==========================  ============================================
environment                TOML (``[llm]`` table)       meaning
=========================  ==========================  ============================================
``HEARTH_LLM``             ``provider``                 ``offline`` (default), ``openai``,
                                                        ``openai-compatible`` or ``azure``
``HEARTH_LLM_MODEL``       ``model``                    model name (openai, openai-compatible;
                                                        optional for azure)
``HEARTH_LLM_BASE_URL``    ``base_url``                 server URL, e.g. ``http://localhost:11434/v1``
                                                        (openai-compatible: Ollama, vLLM,
                                                        llama.cpp server, LM Studio)
``HEARTH_LLM_API_KEY``     ``api_key``                  key of an openai-compatible server, if it
                                                        wants one
``HEARTH_LLM_TIMEOUT_S``   ``timeout_s``                deadline of one model call, retries
                                                        included [s] (default 60)
``OPENAI_API_KEY``         ``openai_api_key``           key for ``openai``
``AZURE_OPENAI_ENDPOINT``  ``azure_endpoint``           e.g. ``https://NAME.openai.azure.com/``
``AZURE_OPENAI_API_KEY``   ``azure_api_key``            key for ``azure``
``AZURE_OPENAI_API_VERSION`` ``azure_api_version``      e.g. ``2024-06-01``
``AZURE_OPENAI_DEPLOYMENT`` ``azure_deployment``        the deployment name
=========================  ==========================  ============================================

Keys are better kept in the environment than in the file. A missing setting raises
:class:`ModelConfigError` naming it; so do a refused key and an unknown model, at the first model
call (see :mod:`agents.accounting`). A server that fails otherwise — unreachable, an HTTP error,
a reply that is no chat completion, no answer within the deadline — is a
:class:`~agents.faults.ModelFault`: one sentence naming the server (:mod:`agents.faults`).
Rate limits and server errors are retried (``Retry-After`` honoured) within the deadline.

This module imports AutoGen and the OpenAI client only when a factory is made, so reading and
checking the settings is cheap.

The default ``offline`` model needs no key and no network (:mod:`agents.offline`).
Calls use ``temperature`` only when ``HEARTH_LLM_TEMPERATURE`` / ``temperature`` is set.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from agents.faults import CallPolicy, DeadlineExceeded, ModelFault, retry_after_s
from tools.errors import HearthError, InputError
from tools.files import read_text

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient, ModelInfo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Provider = Literal["offline", "openai", "openai-compatible", "azure"]
PROVIDERS: tuple[Provider, ...] = ("offline", "openai", "openai-compatible", "azure")



def tool_model_info() -> ModelInfo:
    """Model info for models AutoGen does not know by name: tools are required by Hearth."""
    from autogen_core.models import ModelFamily, ModelInfo

    return ModelInfo(
        vision=False, function_calling=True, json_output=True, family=ModelFamily.UNKNOWN,
        structured_output=False,
    )


_ENV = {
    "provider": "HEARTH_LLM",
    "model": "HEARTH_LLM_MODEL",
    "base_url": "HEARTH_LLM_BASE_URL",
    "api_key": "HEARTH_LLM_API_KEY",
    "timeout_s": "HEARTH_LLM_TIMEOUT_S",
    "temperature": "HEARTH_LLM_TEMPERATURE",
    "openai_api_key": "OPENAI_API_KEY",
    "azure_endpoint": "AZURE_OPENAI_ENDPOINT",
    "azure_api_key": "AZURE_OPENAI_API_KEY",
    "azure_api_version": "AZURE_OPENAI_API_VERSION",
    "azure_deployment": "AZURE_OPENAI_DEPLOYMENT",
}
DEFAULT_TIMEOUT_S = 60.0
#: Attempts per model call (the first included) when the server fails in a way worth retrying.
MAX_ATTEMPTS = 3


class ModelConfigError(InputError):
    """The model configuration is incomplete or does not work; ``field`` names the setting."""


class ModelSettings(BaseModel):
    """The resolved model settings; ``origin`` says where each came from (for messages)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Provider = "offline"
    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    temperature: float | None = None
    openai_api_key: SecretStr | None = None
    azure_endpoint: str | None = None
    azure_api_key: SecretStr | None = None
    azure_api_version: str | None = None
    azure_deployment: str | None = None
    origin: dict[str, str] = {}

    def setting(self, key: str) -> str:
        """The name of the setting behind ``key`` (its variable, or the file entry it came from)."""
        return self.origin.get(key, _ENV[key])


def load_model_settings(env: Mapping[str, str] | None = None) -> ModelSettings:
    """Read the settings from ``HEARTH_CONFIG`` (if set) and the environment, and check them."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    config_path = env.get("HEARTH_CONFIG", "").strip()
    if config_path:
        for key, value in _read_config(Path(config_path)).items():
            values[key] = value
            origin[key] = f"{config_path} [llm] {key}"
    for key, variable in _ENV.items():
        text = env.get(variable, "").strip()
        if text:
            values[key] = text
            origin[key] = variable
    provider = str(values.get("provider", "offline")).strip().lower()
    if provider not in PROVIDERS:
        raise ModelConfigError(
            origin.get("provider", "HEARTH_LLM"),
            f"must be one of {', '.join(PROVIDERS)}, got {provider!r}",
        )
    values["provider"] = provider
    for key in ("timeout_s", "temperature"):
        if key in values:
            try:
                number = float(values[key])
            except (TypeError, ValueError):
                raise ModelConfigError(
                    origin[key], f"must be a number, got {_shown(values[key])}"
                ) from None
            if not math.isfinite(number):
                raise ModelConfigError(
                    origin[key], f"is not a number ({_shown(values[key])}); give a finite value"
                )
            values[key] = number
    if not 0 < values.get("timeout_s", DEFAULT_TIMEOUT_S) <= 3600:
        raise ModelConfigError(origin["timeout_s"], "must be more than 0 and at most 3600 seconds")
    for key, value in values.items():
        if isinstance(value, str) and len(value) > 2000:
            raise ModelConfigError(origin[key], f"is {len(value):,} characters long; at most 2000")
    settings = ModelSettings(**values, origin=origin)
    _check(settings)
    return settings


def _shown(value: object, limit: int = 40) -> str:
    text = value if isinstance(value, str) else type(value).__name__
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        text = read_text(path, "HEARTH_CONFIG", max_bytes=100_000)
    except InputError as err:
        raise ModelConfigError("HEARTH_CONFIG", err.reason) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ModelConfigError("HEARTH_CONFIG", f"{path} is not valid TOML: {err}") from None
    table = data.get("llm")
    if not isinstance(table, dict):
        raise ModelConfigError("HEARTH_CONFIG", f"{path} needs an [llm] table")
    unknown = sorted(set(table) - set(_ENV))
    if unknown:
        raise ModelConfigError(
            f"{path} [llm]", f"unknown key(s) {', '.join(unknown)}; known: {', '.join(_ENV)}"
        )
    return dict(table)


def _require(settings: ModelSettings, *keys: str) -> None:
    for key in keys:
        if getattr(settings, key) in (None, ""):
            raise ModelConfigError(
                settings.setting(key), f"is required when HEARTH_LLM is {settings.provider}"
            )


def _check(settings: ModelSettings) -> None:
    if settings.provider == "openai":
        _require(settings, "model", "openai_api_key")
    elif settings.provider == "openai-compatible":
        _require(settings, "model", "base_url")
        if not settings.base_url or not settings.base_url.startswith(("http://", "https://")):
            raise ModelConfigError(
                settings.setting("base_url"),
                "must be an http(s) URL such as http://localhost:11434/v1, got "
                f"{_shown(settings.base_url or '')}",
            )
    elif settings.provider == "azure":
        _require(settings, "azure_endpoint", "azure_api_key", "azure_api_version", "azure_deployment")


# ============================================================================ factory


@dataclass
class ClientFactory:
    """Makes the model client of each role (``coordinator`` … ``selector``).

    ``error_types``, ``translate`` and ``policy`` are used by
    :class:`~agents.accounting.MeteredClient`: it retries and bounds each call by ``policy`` and
    turns the provider's failures (``error_types``) into a :class:`ModelConfigError` (a setting to
    fix) or a :class:`~agents.faults.ModelFault` (the server failed) with ``translate``.
    """

    provider: str
    model: str | None
    make: Callable[[str], ChatCompletionClient]
    error_types: tuple[type[BaseException], ...] = ()
    translate: Callable[[BaseException], HearthError] | None = None
    policy: CallPolicy | None = None

    def __call__(self, role: str) -> ChatCompletionClient:
        return self.make(role)


def make_client_factory(settings: ModelSettings | None = None) -> ClientFactory:
    """The factory for ``settings`` (default: read from the environment)."""
    settings = settings or load_model_settings()
    if settings.provider == "offline":
        from agents.offline import OfflineChatCompletionClient

        return ClientFactory("offline", OfflineChatCompletionClient.MODEL, lambda role: OfflineChatCompletionClient())
    return _openai_factory(settings)


def _model_info(model: str) -> ModelInfo:
    from autogen_ext.models.openai._model_info import get_info

    try:
        return get_info(model)
    except ValueError:
        return tool_model_info()


def public_url(url: str) -> str:
    """``url`` without user name, password, query or fragment (for messages and logs)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _endpoint(settings: ModelSettings) -> tuple[str, str]:
    """Where the model is (for a homeowner) and the setting that says so."""
    if settings.provider == "azure":
        return public_url(str(settings.azure_endpoint)), settings.setting("azure_endpoint")
    if settings.provider == "openai-compatible":
        return public_url(str(settings.base_url)), settings.setting("base_url")
    return "the OpenAI API", settings.setting("provider")


def _detail(err: BaseException, limit: int = 160) -> str:
    """The provider's own message, on one line and short."""
    text = " ".join(str(getattr(err, "message", None) or err).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _openai_factory(settings: ModelSettings) -> ClientFactory:
    import openai
    from autogen_ext.models.openai import (
        AzureOpenAIChatCompletionClient,
        OpenAIChatCompletionClient,
    )

    shared: list[ChatCompletionClient] = []
    extra: dict[str, Any] = {}
    if settings.temperature is not None:
        extra["temperature"] = settings.temperature
    where, where_setting = _endpoint(settings)
    timeout_setting = settings.setting("timeout_s")

    def build() -> ChatCompletionClient:
        # Retries are Hearth's (CallPolicy), so the OpenAI client makes one attempt per call.
        common: dict[str, Any] = {"timeout": settings.timeout_s, "max_retries": 0, **extra}
        if settings.provider == "azure":
            assert settings.azure_api_key is not None and settings.azure_deployment is not None
            model = settings.model or settings.azure_deployment
            return AzureOpenAIChatCompletionClient(
                model=model, azure_endpoint=str(settings.azure_endpoint),
                azure_deployment=settings.azure_deployment,
                api_version=str(settings.azure_api_version),
                api_key=settings.azure_api_key.get_secret_value(), model_info=_model_info(model),
                **common,
            )
        assert settings.model is not None
        if settings.provider == "openai":
            assert settings.openai_api_key is not None
            return OpenAIChatCompletionClient(
                model=settings.model, api_key=settings.openai_api_key.get_secret_value(),
                model_info=_model_info(settings.model), **common,
            )
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        return OpenAIChatCompletionClient(
            model=settings.model, base_url=settings.base_url, api_key=key,
            model_info=tool_model_info(), parallel_tool_calls=False, **common,
        )

    def make(role: str) -> ChatCompletionClient:
        del role
        if not shared:
            shared.append(build())
        return shared[0]

    def server_retry_after(err: BaseException) -> float | None:
        if isinstance(err, openai.APIStatusError):
            return retry_after_s(err.response.headers)
        return None

    def translate(err: BaseException) -> HearthError:
        model_key = "azure_deployment" if settings.provider == "azure" else "model"
        if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
            key = {"openai": "openai_api_key", "azure": "azure_api_key"}.get(settings.provider, "api_key")
            return ModelConfigError(settings.setting(key), f"the server refused the key: {_detail(err)}")
        if isinstance(err, openai.NotFoundError):
            return ModelConfigError(settings.setting(model_key), f"the server does not know it: {_detail(err)}")
        if isinstance(err, openai.BadRequestError):
            return ModelConfigError(
                settings.setting(model_key),
                f"the server refused the request ({_detail(err)}); the model must support tool calls",
            )
        if isinstance(err, DeadlineExceeded | openai.APITimeoutError):
            return ModelFault(
                f"The language model at {where} did not answer within {settings.timeout_s:g} s; "
                f"try again, or allow it more time with {timeout_setting}."
            )
        if isinstance(err, openai.APIConnectionError):
            return ModelFault(
                f"The language model at {where} cannot be reached; check that the server runs "
                f"and that {where_setting} is right."
            )
        if isinstance(err, openai.APIStatusError):
            wait = server_retry_after(err)
            later = f"try again in {math.ceil(wait):d} s" if wait is not None else "try again later"
            return ModelFault(
                f"The language model at {where} answered with an error (HTTP {err.status_code}); "
                f"{later}.", status=err.status_code, retry_after_s=wait,
            )
        if isinstance(err, LookupError):
            return ModelFault(f"The language model at {where} sent a reply with no answer in it; try again.")
        if isinstance(err, json.JSONDecodeError):
            return ModelFault(
                f"The language model at {where} sent a reply that is not valid JSON; check that "
                f"{where_setting} names an OpenAI-compatible chat server."
            )
        return ModelFault(
            f"The language model at {where} sent a reply that is not a chat completion; check "
            f"that {where_setting} names an OpenAI-compatible chat server."
        )

    return ClientFactory(
        provider=settings.provider,
        model=settings.model or settings.azure_deployment,
        make=make,
        error_types=(
            openai.OpenAIError, DeadlineExceeded,
            # what a reply that is no chat completion raises inside the client
            ValueError, LookupError, AttributeError, TypeError,
        ),
        translate=translate,
        policy=CallPolicy(
            deadline_s=settings.timeout_s,
            max_attempts=MAX_ATTEMPTS,
            retry_on=(openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError),
            retry_after=server_retry_after,
        ),
    )
