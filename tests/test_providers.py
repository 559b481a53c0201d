"""Price and weather providers on recorded answers, the cache, and the fallbacks.

Every answer is replayed with ``responses`` (``tests/data/providers/``, format and values in
``make_answers.py``); the suite's guard makes any other request fail as if offline.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import responses
from agents_helpers import flat_home
from providers_conftest import answer

from app.providers import ProviderCache, ProviderInputs, ProviderSettings
from app.providers.http import HttpSettings
from app.providers.prices import AWATTAR_URLS, OCTOPUS_URL
from app.providers.weather import OPEN_METEO_URL
from tools.errors import HomeFileError, InputError
from tools.timeaxis import TimeAxis

ENTSOE_URL = "https://web-api.tp.entsoe.eu/api"
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")
FETCH_TIME = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)  # 13:00 in Berlin
FAST = HttpSettings(retries=0, backoff_factor_s=0.0, connect_timeout_s=1.0, read_timeout_s=1.0)


class Clock:
    """A settable clock for the provider builder."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def awattar_home(**tariff: Any) -> Any:
    import_spec = {"type": "awattar", "markup_per_kwh": 0.02, "grid_fees_per_kwh": 0.15,
                   "vat_factor": 1.19, **tariff}
    return flat_home(tariff={"currency": "EUR", "import": import_spec})


def builder(tmp_path: Path, clock: Clock | None = None, **env: str) -> ProviderInputs:
    return ProviderInputs(
        ProviderCache(tmp_path / "cache.sqlite3"), settings=ProviderSettings(http=FAST),
        clock=clock or Clock(FETCH_TIME), env=env,
    )


def axis(step: int = 60, hours: float = 6, now: datetime = NOW, tz: str = "Europe/Berlin") -> TimeAxis:
    return TimeAxis.from_now(now, tz_name=tz, step_minutes=step, horizon_hours=hours)


# ----------------------------------------------------------------------------- aWATTar

def test_awattar_prices_become_retail_prices_with_markup_fees_and_vat(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """Hour h after Berlin midnight costs 100 + h EUR/MWh on the market. At 18:00 (h = 18):
    (0.118 + 0.02 markup + 0.15 grid fees) × 1.19 = 0.34272 EUR/kWh; at 23:00: (0.123 + 0.17)
    × 1.19 = 0.34867. The request asks from Berlin midnight (2026-11-23T23:00Z = 1795474800000 ms)
    to the midnight after the plan (25 Nov 00:00 = 1795561200000 ms)."""
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-2026-11-24.json"))
    home = awattar_home()
    inputs = builder(tmp_path)(home, axis())
    assert inputs.import_price_per_kwh == pytest.approx(
        [(0.1 + h / 1000 + 0.17) * 1.19 for h in range(18, 24)], abs=1e-12
    )
    assert inputs.import_price_per_kwh[0] == pytest.approx(0.34272)
    source = inputs.sources["prices"]
    assert source.source == "aWATTar prices"
    assert source.fetched_at == FETCH_TIME and source.note is None
    request = http_mock.calls[0].request
    assert "start=1795474800000" in request.url and "end=1795561200000" in request.url


def test_awattar_quarter_hour_steps_take_the_hour_price(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """A 15-minute axis from 18:00 gets 0.34272 four times, then 0.34391 (h = 19)."""
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-2026-11-24.json"))
    inputs = builder(tmp_path)(awattar_home(), axis(step=15, hours=2))
    assert inputs.import_price_per_kwh[:4] == pytest.approx([0.34272] * 4)
    assert inputs.import_price_per_kwh[4] == pytest.approx((0.119 + 0.17) * 1.19)


def test_an_empty_day_plans_on_the_fallback_and_says_why(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """aWATTar answers ``data: []``: every step costs the fallback's flat 0.40 EUR/kWh, and the
    source says it is the fallback and that aWATTar had nothing for the period."""
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-empty.json"))
    home = awattar_home(fallback={"type": "flat", "price_per_kwh": 0.40})
    inputs = builder(tmp_path)(home, axis())
    assert inputs.import_price_per_kwh == pytest.approx([0.40] * 6)
    source = inputs.sources["prices"]
    assert source.source == "the home file's fallback (a flat 0.4/kWh)"
    assert source.fetched_at is None
    assert "live aWATTar prices unavailable since 13:00" in source.note
    assert "no prices published for that period yet" in source.note


def test_a_server_error_without_cache_or_fallback_stops_with_a_clear_error(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    http_mock.get(AWATTAR_URLS["de"], status=503, json={"detail": "maintenance"})
    with pytest.raises(InputError) as err:
        builder(tmp_path)(awattar_home(), axis())
    assert err.value.field == "tariff.import"
    assert "the server answered 503: maintenance" in str(err.value)
    assert "add one" in str(err.value)


def test_prices_that_end_at_midnight_continue_on_the_fallback(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """Only 24 Nov is published: 18:00–24:00 from aWATTar, 00:00–06:00 from the flat 0.40."""
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-2026-11-24-only.json"))
    home = awattar_home(fallback={"type": "flat", "price_per_kwh": 0.40})
    inputs = builder(tmp_path)(home, axis(hours=12))
    assert inputs.import_price_per_kwh[:6] == pytest.approx(
        [(0.1 + h / 1000 + 0.17) * 1.19 for h in range(18, 24)]
    )
    assert inputs.import_price_per_kwh[6:] == pytest.approx([0.40] * 6)
    source = inputs.sources["prices"]
    assert source.fetched_at == FETCH_TIME
    assert source.note == "aWATTar prices end Wed 00:00; the home file's fallback (a flat 0.4/kWh) after that"


def test_provider_currency_must_match_the_tariff() -> None:
    with pytest.raises(HomeFileError, match="awattar prices are in EUR, but the tariff's currency is GBP"):
        flat_home(tariff={"currency": "GBP", "import": {"type": "awattar"}})


# ----------------------------------------------------------------------------- cache

def test_a_warm_cache_answers_without_the_network(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """The second plan an hour later finds the cached delivery covering it: no second request,
    the same prices, and the source names the time of the original fetch (13:00 Berlin)."""
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-2026-11-24.json"))
    clock = Clock(FETCH_TIME)
    first = builder(tmp_path, clock)(awattar_home(), axis())
    clock.now = FETCH_TIME + timedelta(hours=1)
    second = builder(tmp_path, clock)(awattar_home(), axis())
    assert len(http_mock.calls) == 1
    assert second.import_price_per_kwh == pytest.approx(first.import_price_per_kwh)
    assert second.sources["prices"].fetched_at == FETCH_TIME
    assert second.sources["prices"].source == "aWATTar prices"


def test_a_failing_provider_plans_on_the_cache_and_says_since_when(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """Prices cached at 13:00 cover 18:00–24:00 only; a plan at 14:00 asks for the rest,
    aWATTar is unreachable (no answer registered: the guard refuses the connection), so the plan
    runs on the cached prices and the fallback and the note says live prices fail since 14:00."""
    http_mock.get(AWATTAR_URLS["de"], body=answer("awattar-2026-11-24-only.json"))
    clock = Clock(FETCH_TIME)
    home = awattar_home(fallback={"type": "flat", "price_per_kwh": 0.40})
    builder(tmp_path, clock)(home, axis(hours=12))
    http_mock.reset()
    clock.now = FETCH_TIME + timedelta(hours=1)
    inputs = builder(tmp_path, clock)(home, axis(hours=12))
    assert inputs.import_price_per_kwh[0] == pytest.approx(0.34272)
    assert inputs.import_price_per_kwh[-1] == pytest.approx(0.40)
    source = inputs.sources["prices"]
    assert source.fetched_at == FETCH_TIME
    assert "(live aWATTar prices unavailable since 14:00 — cannot be reached" in source.note


def test_a_failing_feed_is_not_asked_again_at_once(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """After a failure at 13:00, a plan at 13:05 does not ask again (retry after 10 minutes) and
    still says since when live prices fail; at 13:11 it asks again."""
    http_mock.get(AWATTAR_URLS["de"], status=500)
    clock = Clock(FETCH_TIME)
    home = awattar_home(fallback={"type": "flat", "price_per_kwh": 0.40})
    builder(tmp_path, clock)(home, axis())
    clock.now = FETCH_TIME + timedelta(minutes=5)
    inputs = builder(tmp_path, clock)(home, axis())
    assert len(http_mock.calls) == 1
    assert inputs.sources["prices"].note == (
        "live aWATTar prices unavailable since 13:00 — the server answered 500"
    )
    clock.now = FETCH_TIME + timedelta(minutes=11)
    builder(tmp_path, clock)(home, axis())
    assert len(http_mock.calls) == 2


def test_offline_mode_asks_nobody(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    home = awattar_home(fallback={"type": "flat", "price_per_kwh": 0.40})
    offline = ProviderInputs(
        ProviderCache(tmp_path / "cache.sqlite3"),
        settings=ProviderSettings.from_env({"HEARTH_OFFLINE": "1"}), clock=Clock(FETCH_TIME),
    )
    inputs = offline(home, axis())
    assert len(http_mock.calls) == 0
    assert inputs.sources["prices"].note == "offline mode (HEARTH_OFFLINE), live aWATTar prices not asked"


# ----------------------------------------------------------------------------- Octopus

def octopus_home(**tariff: Any) -> Any:
    return flat_home(
        timezone="Europe/London",
        location={"latitude_deg": 51.5, "longitude_deg": -0.12},
        tariff={"currency": "GBP", "import": {"type": "octopus", "product_code": "AGILE-24-10-01",
                                              "region": "C", **tariff}},
    )


def test_octopus_agile_rates_over_two_pages(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    """Half hour k after London midnight costs 20 + k/2 p/kWh incl. VAT. At 18:00 (k = 36):
    38.0 p = 0.38 GBP/kWh; an hourly step 18:00–19:00 averages k = 36, 37: 0.3825 GBP/kWh. The
    rates come on two pages, newest first; the second page is the first page's ``next``."""
    url = OCTOPUS_URL.format(product="AGILE-24-10-01", tariff="E-1R-AGILE-24-10-01-C")
    http_mock.get(url, body=answer("octopus-agile-page2.json"),
                  match=[responses.matchers.query_param_matcher(
                      {"page": "2", "period_from": "2026-11-24T00:00:00Z"})])
    http_mock.get(url, body=answer("octopus-agile-page1.json"),
                  match=[responses.matchers.query_param_matcher({
                      "period_from": "2026-11-24T00:00:00Z", "period_to": "2026-11-25T00:00:00Z",
                      "page_size": "1500"})])
    now = datetime.fromisoformat("2026-11-24T18:00:00+00:00")
    inputs = builder(tmp_path)(octopus_home(), axis(step=30, hours=2, now=now, tz="Europe/London"))
    assert inputs.import_price_per_kwh == pytest.approx([0.38, 0.385, 0.39, 0.395])
    hourly = builder(tmp_path / "h")(octopus_home(), axis(step=60, hours=1, now=now, tz="Europe/London"))
    assert hourly.import_price_per_kwh == pytest.approx([0.3825])
    first = http_mock.calls[0].request.url
    assert "period_from=2026-11-24T00%3A00%3A00Z" in first and "period_to=2026-11-25T00%3A00%3A00Z" in first
    assert inputs.sources["prices"].source == "Octopus prices"


def test_octopus_unknown_product_is_a_plain_error(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    url = OCTOPUS_URL.format(product="AGILE-24-10-01", tariff="E-1R-AGILE-24-10-01-C")
    http_mock.get(url, status=404, json={"detail": "No EnergyProduct matches the given query."})
    home = octopus_home(fallback={"type": "flat", "price_per_kwh": 0.25})
    now = datetime.fromisoformat("2026-11-24T18:00:00+00:00")
    inputs = builder(tmp_path)(home, axis(now=now, tz="Europe/London"))
    assert inputs.import_price_per_kwh == pytest.approx([0.25] * 6)
    assert "the server answered 404: No EnergyProduct matches the given query." in inputs.sources["prices"].note


# ----------------------------------------------------------------------------- ENTSO-E

def entsoe_offset(first_page: bool) -> Any:
    """A matcher for entsoe-py's paging: it asks offset 0, 100, 200, … until the platform answers
    "No matching data found"; only offset 0 has documents."""

    def match(request: Any) -> tuple[bool, str]:
        offset = parse_qs(urlsplit(request.url).query).get("offset", ["0"])[0]
        return (offset == "0") == first_page, "offset"

    return match


def register_entsoe(http_mock: responses.RequestsMock, name: str) -> None:
    http_mock.get(ENTSOE_URL, body=answer(name), content_type="application/xml",
                  match=[entsoe_offset(True)])
    http_mock.get(ENTSOE_URL, body=answer("entsoe-no-data.xml"), content_type="application/xml",
                  match=[entsoe_offset(False)])


def entsoe_home(**tariff: Any) -> Any:
    return flat_home(tariff={"currency": "EUR", "import": {
        "type": "entsoe", "bidding_zone": "DE_LU", **tariff}})


def test_entsoe_day_ahead_quarter_hours(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    """Quarter hour q of the CET day costs 80 + q EUR/MWh. 18:00 is q = 72: 0.152 EUR/kWh on a
    15-minute axis; the hour 18:00–19:00 averages q = 72..75: 0.1535. The token is read from the
    environment variable the home file names and sent as ``securityToken``."""
    register_entsoe(http_mock, "entsoe-de-lu-2026-11-24.xml")
    quarter = builder(tmp_path, ENTSOE_API_KEY="test-token")(entsoe_home(), axis(step=15, hours=1))
    assert quarter.import_price_per_kwh == pytest.approx([0.152, 0.153, 0.154, 0.155])
    hourly = builder(tmp_path / "h", ENTSOE_API_KEY="test-token")(entsoe_home(), axis(hours=1))
    assert hourly.import_price_per_kwh == pytest.approx([0.1535])
    assert "securityToken=test-token" in http_mock.calls[0].request.url
    assert "documentType=A44" in http_mock.calls[0].request.url


def test_entsoe_without_a_token_names_the_variable(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    home = entsoe_home(token_env="MY_ENTSOE_TOKEN", fallback={"type": "flat", "price_per_kwh": 0.3})
    inputs = builder(tmp_path)(home, axis())
    assert len(http_mock.calls) == 0
    assert "needs your security token in the environment variable MY_ENTSOE_TOKEN" in (
        inputs.sources["prices"].note
    )


def test_entsoe_no_matching_data(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    register_entsoe(http_mock, "entsoe-no-data.xml")
    home = entsoe_home(fallback={"type": "flat", "price_per_kwh": 0.3})
    inputs = builder(tmp_path, ENTSOE_API_KEY="t")(home, axis())
    assert inputs.import_price_per_kwh == pytest.approx([0.3] * 6)
    assert "no prices published for that period yet" in inputs.sources["prices"].note


def test_entsoe_refused_token(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    http_mock.get(ENTSOE_URL, status=401, body="<html><body>Unauthorized</body></html>")
    home = entsoe_home(fallback={"type": "flat", "price_per_kwh": 0.3})
    inputs = builder(tmp_path, ENTSOE_API_KEY="wrong")(home, axis())
    assert "the server answered 401 (check the security token)" in inputs.sources["prices"].note


def test_the_token_is_never_in_the_home_file() -> None:
    with pytest.raises(HomeFileError):
        entsoe_home(token="abc123")


# ----------------------------------------------------------------------------- Open-Meteo

def weather_home() -> Any:
    return flat_home(weather={"type": "open_meteo"},
                     pv_arrays=[{"peak_power_kwp": 5.0, "tilt_deg": 30, "azimuth_deg": 180}])


def test_open_meteo_weather_feeds_the_pv_model(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    """The forecast says 50 % cloud, 5.0 °C and 3.0 m/s for every hour: the inputs carry exactly
    those values, and the PV forecast is the pvlib model's for that cloud cover and temperature
    (less than under clear sky: Kasten–Czeplak leaves 1 − 0.75 · 0.5^3.4 ≈ 0.93 of the clear-sky
    GHI, and Erbs moves part of the beam into diffuse light, which a tilted array sees less of)."""
    from tools.solar import pv_forecast_kw

    http_mock.get(OPEN_METEO_URL, body=answer("open-meteo-2026-11-24.json"))
    morning = datetime.fromisoformat("2026-11-25T08:00:00+01:00")
    home = weather_home()
    plan_axis = axis(now=morning, hours=8)
    inputs = builder(tmp_path)(home, plan_axis)
    assert inputs.cloud_cover_pct == pytest.approx([50.0] * 8)
    assert inputs.outdoor_temp_c == pytest.approx([5.0] * 8)
    assert inputs.wind_speed_m_s == pytest.approx([3.0] * 8)
    expected = pv_forecast_kw(home, plan_axis, cloud_cover_pct=np.full(8, 50.0),
                              air_temperature_c=np.full(8, 5.0))
    assert inputs.pv_kw == pytest.approx(expected, abs=1e-12)
    clear = ProviderInputs(ProviderCache(tmp_path / "offline.sqlite3"),
                           settings=ProviderSettings(offline=True))(home, plan_axis)
    assert 0 < inputs.pv_kw.sum() < clear.pv_kw.sum()
    assert inputs.sources["weather"].source == "Open-Meteo forecast"
    assert clear.sources["weather"].source == "clear sky at 15 °C (no weather forecast)"
    url = http_mock.calls[0].request.url
    assert "hourly=cloud_cover%2Ctemperature_2m%2Cwind_speed_10m" in url
    assert "wind_speed_unit=ms" in url and "start_date=2026-11-25" in url


def test_open_meteo_error_answer(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    http_mock.get(OPEN_METEO_URL, status=400, body=answer("open-meteo-error.json"))
    inputs = builder(tmp_path)(weather_home(), axis())
    assert inputs.cloud_cover_pct is None
    assert inputs.outdoor_temp_c is None  # no forecast, no climate profile, no heat pump
    note = inputs.sources["weather"].note
    assert "live Open-Meteo forecast unavailable since 13:00 — the server answered 400: Cannot initialize" in note


def test_open_meteo_missing_hours_end_the_forecast(tmp_path: Path, http_mock: responses.RequestsMock) -> None:
    """The last 12 of 48 hours are null: the forecast ends 2026-11-25T12:00Z = 13:00 Berlin;
    a plan from 08:00 gets 50 % cloud until 13:00, then clear sky at the PV model's assumed 15 °C
    (the home has no climate profile)."""
    http_mock.get(OPEN_METEO_URL, body=answer("open-meteo-2026-11-24-short.json"))
    start = datetime.fromisoformat("2026-11-25T08:00:00+01:00")
    inputs = builder(tmp_path)(weather_home(), axis(now=start, hours=8))
    assert inputs.cloud_cover_pct == pytest.approx([50.0] * 5 + [0.0] * 3)
    assert inputs.outdoor_temp_c == pytest.approx([5.0] * 5 + [15.0] * 3)
    assert inputs.sources["weather"].note == "the forecast ends 13:00; clear sky assumed after that"


def test_a_stale_forecast_is_refreshed_and_kept_when_the_refresh_fails(
    tmp_path: Path, http_mock: responses.RequestsMock
) -> None:
    """A forecast fetched at 13:00 is used at 13:30 without asking; at 14:30 (older than an hour)
    Open-Meteo is asked again, fails, and the 13:00 forecast is used with a note."""
    http_mock.get(OPEN_METEO_URL, body=answer("open-meteo-2026-11-24.json"))
    clock = Clock(FETCH_TIME)
    build = builder(tmp_path, clock)
    build(weather_home(), axis())
    clock.now = FETCH_TIME + timedelta(minutes=30)
    build(weather_home(), axis())
    assert len(http_mock.calls) == 1
    http_mock.reset()
    http_mock.get(OPEN_METEO_URL, status=502)
    clock.now = FETCH_TIME + timedelta(minutes=90)
    inputs = build(weather_home(), axis())
    assert len(http_mock.calls) == 1
    assert inputs.outdoor_temp_c == pytest.approx([5.0] * 6)
    source = inputs.sources["weather"]
    assert source.source == "Open-Meteo forecast fetched 13:00"
    assert source.fetched_at == FETCH_TIME
    assert source.note == "live Open-Meteo forecast unavailable since 14:30 — the server answered 502"


def test_no_cache_file_without_providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.providers import inputs_builder_for
    from tools.inputs import build_inputs

    monkeypatch.setenv("HEARTH_CACHE", str(tmp_path / "cache.sqlite3"))
    assert inputs_builder_for(flat_home()) is build_inputs
    assert not (tmp_path / "cache.sqlite3").exists()
    assert isinstance(inputs_builder_for(weather_home()), ProviderInputs)


def test_inputs_without_providers_name_the_home_file() -> None:
    from tools.inputs import build_inputs

    inputs = build_inputs(flat_home(), axis())
    assert {k: s.source for k, s in inputs.sources.items()} == {
        "prices": "the home file (a flat 0.3/kWh)",
        "export_prices": "the home file (a flat 0/kWh)",
        "weather": "clear sky at 15 °C (no weather forecast)",
        "base_load": "the home file's hourly profile",
    }
    assert all(s.note is None and s.fetched_at is None for s in inputs.sources.values())
    assert inputs.outdoor_temp_c is None and inputs.cloud_cover_pct is None


def test_price_windows_follow_the_calendar_on_dst_days() -> None:
    """Sun 25 Oct 2026 has 25 hours in Berlin: a plan from 18:00 that day asks from 00:00 CEST
    (24 Oct 22:00Z) to 00:00 CET on the 26th (25 Oct 23:00Z), not 24 h after midnight."""
    from app.providers.inputs import _local_days

    start = datetime.fromisoformat("2026-10-25T18:00:00+01:00")
    first, last = _local_days(axis(now=start, hours=6))
    assert first.astimezone(timezone.utc) == datetime(2026, 10, 24, 22, tzinfo=timezone.utc)
    assert last.astimezone(timezone.utc) == datetime(2026, 10, 25, 23, tzinfo=timezone.utc)


def test_a_damaged_cache_file_is_bad_input(tmp_path: Path) -> None:
    from app.providers.cache import CacheFileError

    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CacheFileError, match="HEARTH_CACHE"):
        ProviderCache(path)
