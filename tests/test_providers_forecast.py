"""The forecast in chat: answered from the live inputs, naming their source and fetch time.

The offline model drives the real team; the session gets the provider-backed builder as ``app/``
injects it, with aWATTar and Open-Meteo answers replayed (``tests/data/providers/``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import responses
from agents_helpers import EXAMPLES, NOW
from providers_conftest import answer

from agents.models import make_client_factory
from agents.run import run_request
from agents.session import PlanningSession
from agents.tools import NoArgs, get_forecast
from app.providers import ProviderCache, ProviderInputs
from app.providers.prices import AWATTAR_URLS
from app.providers.weather import OPEN_METEO_URL
from tools.home import load_home

pytest_plugins = ["agents_conftest"]

FETCHED = datetime(2026, 11, 24, 12, 30, tzinfo=timezone.utc)  # 13:30 in Berlin


@pytest.fixture
def live_session(tmp_path: Path, http_mock: responses.RequestsMock) -> PlanningSession:
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-2026-11-24.json"))
    http_mock.get(OPEN_METEO_URL, body=answer("open-meteo-2026-11-24.json"))
    builder = ProviderInputs(ProviderCache(tmp_path / "cache.sqlite3"), clock=lambda: FETCHED)
    return PlanningSession(home=load_home(EXAMPLES / "home-live.yaml"), now=NOW,
                           inputs_builder=builder)


def test_get_forecast_carries_sources_and_weather(live_session: PlanningSession) -> None:
    """Prices over 18:00 Tue – 18:00 Wed from aWATTar (hour h after Tue 00:00 at 100 + h EUR/MWh):
    the cheapest hour is the first, 18:00 Tue, (0.118 + 0.02 + 0.15) × 1.19 = 0.3427 EUR/kWh; the
    weather is the replayed 50 % cloud and 5 °C."""
    summary = get_forecast(live_session, NoArgs())
    assert summary.import_price_min_per_kwh == pytest.approx(0.3427, abs=1e-4)
    assert summary.import_price_min_at == NOW
    assert summary.cloud_cover_mean_pct == 50.0
    assert summary.air_temperature_min_c == 5.0 and summary.air_temperature_max_c == 5.0
    assert summary.sources["prices"].source == "aWATTar prices"
    assert summary.sources["prices"].fetched_at == FETCHED
    assert summary.sources["weather"].source == "Open-Meteo forecast"


@pytest.mark.asyncio
@pytest.mark.parametrize("question", [
    "what's the sun like tomorrow?",
    "when is electricity cheapest tonight?",
])
async def test_forecast_questions_name_source_and_time(
    live_session: PlanningSession, question: str
) -> None:
    result = await run_request(live_session, question, make_client_factory())
    assert result.status == "answered", result.message
    assert "Prices: aWATTar prices, fetched Tue 13:30." in result.message
    assert "Weather: Open-Meteo forecast, fetched Tue 13:30." in result.message
    assert "Cloud cover averages 50%." in result.message
    assert "0.3427 EUR/kWh (Tue 18:00)" in result.message


def test_an_assumed_temperature_is_not_reported(session: PlanningSession) -> None:
    """Without a forecast the PV model assumes 15 °C; the forecast tool does not pass that off as
    tomorrow's weather, and says the weather is an assumption."""
    summary = get_forecast(session, NoArgs())
    assert summary.air_temperature_min_c is None and summary.cloud_cover_mean_pct is None
    assert summary.sources["weather"].source == "clear sky at 15 °C (no weather forecast)"
