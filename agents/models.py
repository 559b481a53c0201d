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
``HEARTH_LLM_TIMEOUT_S``   ``timeout_s``                seconds per model call (default 60)
``OPENAI_API_KEY``         ``openai_api_key``           key for ``openai``
``AZURE_OPENAI_ENDPOINT``  ``azure_endpoint``           e.g. ``https://NAME.openai.azure.com/``
``AZURE_OPENAI_API_KEY``   ``azure_api_key``            key for ``azure``
``AZURE_OPENAI_API_VERSION`` ``azure_api_version``      e.g. ``2024-06-01``
``AZURE_OPENAI_DEPLOYMENT`` ``azure_deployment``        the deployment name
=========================  ==========================  ============================================

Keys are better kept in the environment than in the file. A missing setting raises
:class:`ModelConfigError` naming it; so do an unreachable server, a refused key and an unknown
model, at the first model call (see :mod:`agents.accounting`).

The default ``offline`` model needs no key and no network (:mod:`agents.offline`).
Calls use ``temperature`` only when ``HEARTH_LLM_TEMPERATURE`` / ``temperature`` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from autogen_core.models import ChatCompletionClient, ModelFamily, ModelInfo
from pydantic import BaseModel, ConfigDict, SecretStr

from tools.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Provider = Literal["offline", "openai", "openai-compatible", "azure"]
PROVIDERS: tuple[Provider, ...] = ("offline", "openai", "openai-compatible", "azure")

#: Model info for models AutoGen does not know by name: tools are required by Hearth.
TOOL_MODEL_INFO: ModelInfo = ModelInfo(
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
                values[key] = float(values[key])
            except (TypeError, ValueError):
                raise ModelConfigError(origin[key], f"must be a number, got {values[key]!r}") from None
    if values.get("timeout_s", DEFAULT_TIMEOUT_S) <= 0:
        raise ModelConfigError(origin["timeout_s"], "must be more than 0 seconds")
    settings = ModelSettings(**values, origin=origin)
    _check(settings)
    return settings


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelConfigError("HEARTH_CONFIG", f"file {path} does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
                f"must be an http(s) URL such as http://localhost:11434/v1, got {settings.base_url!r}",
            )
    elif settings.provider == "azure":
        _require(settings, "azure_endpoint", "azure_api_key", "azure_api_version", "azure_deployment")


# ============================================================================ factory


@dataclass
class ClientFactory:
    """Makes the model client of each role (``coordinator`` … ``selector``).

    ``error_types`` and ``translate`` let :class:`~agents.accounting.MeteredClient` turn the
    provider's configuration failures into :class:`ModelConfigError`.
    """

    provider: str
    model: str | None
    make: Callable[[str], ChatCompletionClient]
    error_types: tuple[type[BaseException], ...] = ()
    translate: Callable[[BaseException], ModelConfigError] | None = None

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
        return TOOL_MODEL_INFO


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

    def build() -> ChatCompletionClient:
        common: dict[str, Any] = {"timeout": settings.timeout_s, "max_retries": 1, **extra}
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
            model_info=TOOL_MODEL_INFO, parallel_tool_calls=False, **common,
        )

    def make(role: str) -> ChatCompletionClient:
        del role
        if not shared:
            shared.append(build())
        return shared[0]

    def translate(err: BaseException) -> ModelConfigError:
        detail = getattr(err, "message", None) or str(err)
        if isinstance(err, openai.APIConnectionError):
            if settings.provider == "azure":
                where, name = settings.azure_endpoint, settings.setting("azure_endpoint")
            elif settings.provider == "openai-compatible":
                where, name = settings.base_url, settings.setting("base_url")
            else:
                where, name = "the OpenAI API", "HEARTH_LLM"
            return ModelConfigError(name, f"cannot reach {where}: {detail}")
        if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
            key = {"openai": "openai_api_key", "azure": "azure_api_key"}.get(settings.provider, "api_key")
            return ModelConfigError(settings.setting(key), f"the server refused the key: {detail}")
        if isinstance(err, openai.NotFoundError):
            key = "azure_deployment" if settings.provider == "azure" else "model"
            return ModelConfigError(settings.setting(key), f"the server does not know it: {detail}")
        key = "azure_deployment" if settings.provider == "azure" else "model"
        return ModelConfigError(
            settings.setting(key),
            f"the server refused the request ({detail}); the model must support tool calls",
        )

    return ClientFactory(
        provider=settings.provider,
        model=settings.model or settings.azure_deployment,
        make=make,
        error_types=(
            openai.APIConnectionError, openai.AuthenticationError, openai.PermissionDeniedError,
            openai.NotFoundError, openai.BadRequestError,
        ),
        translate=translate,
    )
