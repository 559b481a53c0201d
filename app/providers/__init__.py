"""Providers at the edge: day-ahead prices (ENTSO-E, aWATTar, Octopus) and the weather
forecast (Open-Meteo), fetched with time-outs and retries, cached in SQLite, with honest fallbacks.

``prices``/``weather`` fetch and validate one provider's answer; ``cache`` keeps deliveries and
attempts; ``inputs`` is the builder ``app/`` injects into planning. The pure part (turning what
was delivered into series on the planning axis, with markup, fees and VAT) is
:mod:`tools.inputs`.
"""

from app.providers.cache import ProviderCache, default_cache_path
from app.providers.http import HttpSettings, ProviderError
from app.providers.inputs import (
    InputsBuilder,
    ProviderInputs,
    ProviderSettings,
    inputs_builder_for,
    needs_providers,
)

__all__ = [
    "HttpSettings",
    "InputsBuilder",
    "ProviderCache",
    "ProviderError",
    "ProviderInputs",
    "ProviderSettings",
    "default_cache_path",
    "inputs_builder_for",
    "needs_providers",
]
