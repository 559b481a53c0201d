"""Price providers: ENTSO-E (through entsoe-py), aWATTar and Octopus, behind one interface.

Each provider turns its answer into a :class:`tools.series.Series` of *market* prices
[currency/kWh] over the intervals it published; the tariff's markup, grid fees and VAT are
applied in :mod:`tools.inputs` (pure, tested without the network). Answers are validated with
pydantic models; anything wrong becomes a :class:`~app.providers.http.ProviderError`.

Units as published
------------------
ENTSO-E day-ahead
    EUR/MWh per market time unit (60 min, 15 min since the SDAC go-live of 2025-10-01) → ÷ 1000.
aWATTar ``/v1/marketdata``
    ``marketprice`` in EUR/MWh per hour, ``start_timestamp``/``end_timestamp`` in ms → ÷ 1000.
Octopus ``standard-unit-rates``
    ``value_inc_vat`` in pence/kWh per half hour (already retail, VAT included) → ÷ 100 GBP.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import requests
from pydantic import BaseModel, ConfigDict, ValidationError

from app.providers.http import HttpSettings, ProviderError, get_json
from tools.errors import SeriesError
from tools.home import AwattarPrice, EntsoePrice, OctopusPrice, ProviderPrice
from tools.inputs import PROVIDER_LABELS
from tools.series import Series

AWATTAR_URLS = {"de": "https://api.awattar.de/v1/marketdata", "at": "https://api.awattar.at/v1/marketdata"}
OCTOPUS_URL = "https://api.octopus.energy/v1/products/{product}/electricity-tariffs/{tariff}/standard-unit-rates/"
#: Octopus pages hold at most 1500 rates; 4 days of half hours are 192.
OCTOPUS_PAGE_SIZE = 1500
OCTOPUS_MAX_PAGES = 4


def feed_key(spec: ProviderPrice) -> str:
    """The cache key of a price feed: provider and what selects its prices."""
    if isinstance(spec, AwattarPrice):
        return f"awattar:{spec.country}"
    if isinstance(spec, OctopusPrice):
        return f"octopus:{spec.tariff_code}"
    return f"entsoe:{spec.bidding_zone}"


def fetch_prices(
    spec: ProviderPrice, start: datetime, end: datetime, *, session: requests.Session,
    settings: HttpSettings, env: Mapping[str, str] | None = None,
) -> Series:
    """Market prices of ``spec``'s provider over ``[start, end)`` [currency/kWh]."""
    environment = os.environ if env is None else env
    if isinstance(spec, AwattarPrice):
        return fetch_awattar(spec, start, end, session=session, settings=settings, env=environment)
    if isinstance(spec, OctopusPrice):
        return fetch_octopus(spec, start, end, session=session, settings=settings, env=environment)
    return fetch_entsoe(spec, start, end, session=session, settings=settings, env=environment)


# ----------------------------------------------------------------------------- aWATTar

class _AwattarPoint(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start_timestamp: int
    end_timestamp: int
    marketprice: float
    unit: str


class _AwattarAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    data: list[_AwattarPoint]


def fetch_awattar(
    spec: AwattarPrice, start: datetime, end: datetime, *, session: requests.Session,
    settings: HttpSettings, env: Mapping[str, str],
) -> Series:
    """aWATTar market data: ``GET /v1/marketdata?start=<ms>&end=<ms>`` (no token)."""
    del env
    label = PROVIDER_LABELS["awattar"]
    body = get_json(
        session, AWATTAR_URLS[spec.country],
        params={"start": _ms(start), "end": _ms(end)}, settings=settings, provider=label,
    )
    try:
        answer = _AwattarAnswer.model_validate(body)
    except ValidationError as err:
        raise ProviderError(label, f"unexpected answer ({_first_error(err)})") from None
    points = sorted(answer.data, key=lambda p: p.start_timestamp)
    for point in points:
        if point.unit.replace(" ", "").lower() != "eur/mwh":
            raise ProviderError(label, f"prices in {point.unit!r}, expected Eur/MWh")
    return _series(
        label,
        [(_from_ms(p.start_timestamp), _from_ms(p.end_timestamp), p.marketprice / 1000.0)
         for p in points],
        start, end,
    )


# ----------------------------------------------------------------------------- Octopus

class _OctopusRate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    value_inc_vat: float
    valid_from: datetime
    valid_to: datetime | None


class _OctopusPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    results: list[_OctopusRate]
    next: str | None = None


def fetch_octopus(
    spec: OctopusPrice, start: datetime, end: datetime, *, session: requests.Session,
    settings: HttpSettings, env: Mapping[str, str],
) -> Series:
    """Octopus unit rates: ``GET /v1/products/{product}/electricity-tariffs/{tariff}/
    standard-unit-rates/?period_from=…&period_to=…`` (public, no key), following ``next`` pages."""
    del env
    label = PROVIDER_LABELS["octopus"]
    url: str | None = OCTOPUS_URL.format(product=spec.product_code, tariff=spec.tariff_code)
    params: dict[str, str | int | float] = {
        "period_from": _iso_z(start), "period_to": _iso_z(end), "page_size": OCTOPUS_PAGE_SIZE,
    }
    rates: list[_OctopusRate] = []
    for _ in range(OCTOPUS_MAX_PAGES):
        if url is None:
            break
        body = get_json(session, url, params=params, settings=settings, provider=label)
        try:
            page = _OctopusPage.model_validate(body)
        except ValidationError as err:
            raise ProviderError(label, f"unexpected answer ({_first_error(err)})") from None
        rates.extend(page.results)
        url, params = page.next, {}
    intervals = []
    for rate in sorted(rates, key=lambda r: r.valid_from):
        # An open-ended rate (a fixed tariff) holds to the end of the requested period.
        valid_to = rate.valid_to or end
        intervals.append((max(rate.valid_from, start), min(valid_to, end), rate.value_inc_vat / 100.0))
    return _series(label, [iv for iv in intervals if iv[1] > iv[0]], start, end)


# ----------------------------------------------------------------------------- ENTSO-E

def fetch_entsoe(
    spec: EntsoePrice, start: datetime, end: datetime, *, session: requests.Session,
    settings: HttpSettings, env: Mapping[str, str],
) -> Series:
    """ENTSO-E day-ahead prices through entsoe-py's ``EntsoePandasClient.query_day_ahead_prices``.

    The security token comes from the environment variable the home file names (never from the
    file). entsoe-py's own retry loop is set to one attempt: the session's urllib3 retries apply.
    """
    from entsoe import EntsoePandasClient
    from entsoe.exceptions import InvalidBusinessParameterError, NoMatchingDataError

    label = PROVIDER_LABELS["entsoe"]
    token = env.get(spec.token_env, "").strip()
    if not token:
        raise ProviderError(label, f"needs your security token in the environment variable {spec.token_env}")
    client = EntsoePandasClient(
        api_key=token, session=session, retry_count=1, retry_delay=0,
        timeout=int(np.ceil(settings.read_timeout_s)),
    )
    try:
        with warnings.catch_warnings():
            # entsoe-py 0.8 aggregates with a pandas idiom pandas 3 deprecates; its warning is
            # about the library's code, not about this call or its data
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"entsoe\.")
            warnings.filterwarnings("ignore", category=FutureWarning, module=r"entsoe\.")
            prices = client.query_day_ahead_prices(
                spec.bidding_zone, start=pd.Timestamp(start), end=pd.Timestamp(end)
            )
    except NoMatchingDataError:
        raise ProviderError(label, "no prices published for that period yet") from None
    except InvalidBusinessParameterError:
        raise ProviderError(label, f"does not know the bidding zone {spec.bidding_zone}") from None
    except requests.HTTPError as err:
        status = err.response.status_code if err.response is not None else "?"
        hint = " (check the security token)" if status == 401 else ""
        raise ProviderError(label, f"the server answered {status}{hint}") from None
    except requests.Timeout:
        raise ProviderError(label, f"no answer within {settings.read_timeout_s:g} s") from None
    except requests.RequestException:
        raise ProviderError(label, "cannot be reached: no network, or the server is down") from None
    except (KeyError, ValueError, AttributeError) as err:
        raise ProviderError(label, f"unexpected answer ({type(err).__name__})") from None
    index = pd.DatetimeIndex(prices.index)
    if len(index) == 0:
        raise ProviderError(label, "no prices published for that period yet")
    steps = np.diff(index.asi8) / 1e9 if len(index) > 1 else np.array([3600.0])
    last_s = float(steps[-1]) if len(steps) else 3600.0
    starts = [t.to_pydatetime() for t in index]
    ends = [*starts[1:], starts[-1] + timedelta(seconds=last_s)]
    values = prices.to_numpy(dtype=float) / 1000.0
    return _series(label, list(zip(starts, ends, values, strict=True)), start, end)


# ----------------------------------------------------------------------------- shared

def _series(
    label: str, intervals: list[tuple[datetime, datetime, float]], start: datetime, end: datetime
) -> Series:
    """A Series from ``(start, end, value)`` intervals inside ``[start, end)``; gaps end it.

    Values hold from their start to the next start; a gap between an interval's end and the next
    start would stretch a price over hours nobody published, so the series stops at the first gap.
    """
    kept = [(s, e, v) for s, e, v in intervals if e > start and s < end]
    if not kept:
        raise ProviderError(label, "no prices published for that period yet")
    contiguous = [kept[0]]
    for s, e, v in kept[1:]:
        if abs((s - contiguous[-1][1]).total_seconds()) > 1:
            break
        contiguous.append((s, e, v))
    starts = tuple(s.astimezone(timezone.utc) for s, _, _ in contiguous)
    last_minutes = round((contiguous[-1][1] - contiguous[-1][0]).total_seconds() / 60)
    try:
        return Series(starts, np.array([v for _, _, v in contiguous]), last_minutes, label)
    except SeriesError as err:
        raise ProviderError(label, f"unusable prices ({err.reason})") from None


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc)


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first_error(err: ValidationError) -> str:
    first = err.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}"
