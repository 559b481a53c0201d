"""Writes the provider answers the tests replay (run from this folder; output is committed).

This machine has no route to the providers, so these answers were not recorded live: each is
built here in the provider's documented format (field names, units, time stamps, paging and
error shapes as the providers publish them) with values chosen so that the tests' expected
prices can be worked out on paper:

* aWATTar ``/v1/marketdata``: hourly ``marketprice`` = 100 + h EUR/MWh for the h-th hour after
  2026-11-24 00:00 Europe/Berlin (2026-11-23T23:00Z), 48 hours; an empty day (``data: []``).
* Octopus ``standard-unit-rates``: two pages, newest first, half-hourly ``value_inc_vat`` =
  20 + k/2 p/kWh for the k-th half hour after 2026-11-24 00:00 Europe/London, 96 half hours.
* ENTSO-E A44 day-ahead (DE_LU): one TimeSeries per delivery day (CET), PT15M, price.amount =
  80 + q EUR/MWh for quarter hour q of the day; an acknowledgement "No matching data found".
* Open-Meteo ``/v1/forecast``: 48 hours from 2026-11-24T00:00Z, cloud cover 50 %, 5.0 °C,
  3.0 m/s; a variant whose last 12 hours are ``null``; a 400 error answer.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
BERLIN_MIDNIGHT_UTC = datetime(2026, 11, 23, 23, tzinfo=timezone.utc)
LONDON_MIDNIGHT_UTC = datetime(2026, 11, 24, 0, tzinfo=timezone.utc)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def awattar() -> None:
    data = []
    for h in range(48):
        start = BERLIN_MIDNIGHT_UTC + timedelta(hours=h)
        data.append({"start_timestamp": ms(start), "end_timestamp": ms(start + timedelta(hours=1)),
                     "marketprice": 100.0 + h, "unit": "Eur/MWh"})
    (HERE / "awattar-2026-11-24.json").write_text(json.dumps(
        {"object": "list", "data": data, "url": "/de/v1/marketdata"}, indent=1))
    first_day = {"object": "list", "data": data[:24], "url": "/de/v1/marketdata"}
    (HERE / "awattar-2026-11-24-only.json").write_text(json.dumps(first_day, indent=1))
    (HERE / "awattar-empty.json").write_text(json.dumps(
        {"object": "list", "data": [], "url": "/de/v1/marketdata"}, indent=1))


def octopus() -> None:
    rates = []
    for k in range(96):
        start = LONDON_MIDNIGHT_UTC + timedelta(minutes=30 * k)
        value = 20.0 + k / 2
        rates.append({
            "value_exc_vat": round(value / 1.05, 4), "value_inc_vat": value,
            "valid_from": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "valid_to": (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "payment_method": None,
        })
    rates.reverse()  # the API lists the newest rate first
    base = ("https://api.octopus.energy/v1/products/AGILE-24-10-01/electricity-tariffs/"
            "E-1R-AGILE-24-10-01-C/standard-unit-rates/")
    (HERE / "octopus-agile-page1.json").write_text(json.dumps({
        "count": 96, "next": f"{base}?page=2&period_from=2026-11-24T00%3A00%3A00Z", "previous": None,
        "results": rates[:60]}, indent=1))
    (HERE / "octopus-agile-page2.json").write_text(json.dumps({
        "count": 96, "next": None, "previous": f"{base}?period_from=2026-11-24T00%3A00%3A00Z",
        "results": rates[60:]}, indent=1))


def entsoe() -> None:
    series = []
    for day in range(-1, 3):
        start = BERLIN_MIDNIGHT_UTC + timedelta(days=day)
        end = start + timedelta(days=1)
        points = "".join(
            f"<Point><position>{q + 1}</position><price.amount>{80 + q}</price.amount></Point>"
            for q in range(96)
        )
        series.append(
            f"<TimeSeries><mRID>{day + 2}</mRID><auction.type>A01</auction.type>"
            "<businessType>A62</businessType>"
            "<in_Domain.mRID codingScheme=\"A01\">10Y1001A1001A82H</in_Domain.mRID>"
            "<out_Domain.mRID codingScheme=\"A01\">10Y1001A1001A82H</out_Domain.mRID>"
            "<contract_MarketAgreement.type>A01</contract_MarketAgreement.type>"
            "<currency_Unit.name>EUR</currency_Unit.name>"
            "<price_Measure_Unit.name>MWH</price_Measure_Unit.name>"
            "<curveType>A03</curveType>"
            f"<Period><timeInterval><start>{start:%Y-%m-%dT%H:%MZ}</start>"
            f"<end>{end:%Y-%m-%dT%H:%MZ}</end></timeInterval>"
            f"<resolution>PT15M</resolution>{points}</Period></TimeSeries>"
        )
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">'
        "<mRID>hearth-test</mRID><revisionNumber>1</revisionNumber><type>A44</type>"
        "<createdDateTime>2026-11-23T12:00:00Z</createdDateTime>"
        f"<period.timeInterval><start>{BERLIN_MIDNIGHT_UTC - timedelta(days=1):%Y-%m-%dT%H:%MZ}</start>"
        f"<end>{BERLIN_MIDNIGHT_UTC + timedelta(days=3):%Y-%m-%dT%H:%MZ}</end></period.timeInterval>"
        + "".join(series) + "</Publication_MarketDocument>"
    )
    (HERE / "entsoe-de-lu-2026-11-24.xml").write_text(doc)
    ack = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Acknowledgement_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0">'
        "<mRID>hearth-test-ack</mRID><createdDateTime>2026-11-23T12:00:00Z</createdDateTime>"
        "<Reason><code>999</code><text>No matching data found for Data item Day-ahead Prices "
        "[12.1.D] (10Y1001A1001A82H, 10Y1001A1001A82H) and interval "
        "2026-11-23T23:00:00.000Z/2026-11-25T23:00:00.000Z.</text></Reason>"
        "</Acknowledgement_MarketDocument>"
    )
    (HERE / "entsoe-no-data.xml").write_text(ack)


def open_meteo() -> None:
    start = datetime(2026, 11, 24, tzinfo=timezone.utc)
    times = [int((start + timedelta(hours=h)).timestamp()) for h in range(48)]
    body = {
        "latitude": 52.52, "longitude": 13.419998, "generationtime_ms": 0.05,
        "utc_offset_seconds": 0, "timezone": "GMT", "timezone_abbreviation": "GMT",
        "elevation": 38.0,
        "hourly_units": {"time": "unixtime", "cloud_cover": "%", "temperature_2m": "°C",
                         "wind_speed_10m": "m/s"},
        "hourly": {"time": times, "cloud_cover": [50] * 48, "temperature_2m": [5.0] * 48,
                   "wind_speed_10m": [3.0] * 48},
    }
    (HERE / "open-meteo-2026-11-24.json").write_text(json.dumps(body, indent=1))
    short = json.loads(json.dumps(body))
    for key in ("cloud_cover", "temperature_2m", "wind_speed_10m"):
        short["hourly"][key][36:] = [None] * 12
    (HERE / "open-meteo-2026-11-24-short.json").write_text(json.dumps(short, indent=1))
    (HERE / "open-meteo-error.json").write_text(json.dumps({
        "error": True,
        "reason": "Cannot initialize WeatherVariable from invalid String value cloudcover_total "
                  "for key hourly",
    }, indent=1))


if __name__ == "__main__":
    awattar()
    octopus()
    entsoe()
    open_meteo()
