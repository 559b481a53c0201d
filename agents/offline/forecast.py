"""Replies about the forecast and prices, from the forecaster's summary, in English or German:
prices, solar, base load, the grid's CO2, the weather when a forecast service gave one, and
where each input came from and when it was fetched."""

from __future__ import annotations

from agents.offline.render import _num, _t, price, span, when
from agents.tools import ForecastSummary
from tools import formatting

_SOURCE_LABELS = {
    "en": {"prices": "Prices", "export_prices": "Export prices", "weather": "Weather",
           "base_load": "Base load"},
    "de": {"prices": "Preise", "export_prices": "Einspeisepreise", "weather": "Wetter",
           "base_load": "Grundverbrauch"},
}
_WEATHER = {
    "en": ("The weather forecast", "I have no weather forecast; from the solar forecast"),
    "de": ("Die Wettervorhersage", "Eine Wettervorhersage habe ich nicht; laut Solarprognose"),
}


def _weather_lines(fs: ForecastSummary, lang: str) -> list[str]:
    """Cloud cover and air temperature, when a weather forecast gave them."""
    lines = []
    if fs.cloud_cover_mean_pct is not None:
        cloud = _num(fs.cloud_cover_mean_pct, 1)
        lines.append(f"Die Bewölkung liegt im Mittel bei {cloud}%." if lang == "de"
                     else f"Cloud cover averages {cloud}%.")
    if fs.air_temperature_min_c is not None and fs.air_temperature_max_c is not None:
        low, high = _num(fs.air_temperature_min_c, 1), _num(fs.air_temperature_max_c, 1)
        lines.append(f"Es wird {low} bis {high} °C warm." if lang == "de" else f"It will be {low} to {high} °C.")
    return lines


def source_lines(fs: ForecastSummary, lang: str = "en") -> list[str]:
    """Where each input came from, when it was fetched, and what to know about it."""
    tz = fs.horizon_start.tzinfo
    labels = _SOURCE_LABELS.get(lang, _SOURCE_LABELS["en"])
    fetched = "abgerufen" if lang == "de" else "fetched"
    lines = []
    for key, source in fs.sources.items():
        text = f"{labels.get(key, key)}: {source.source}"
        if source.fetched_at is not None:
            text += f", {fetched} {when(source.fetched_at.astimezone(tz), lang)}"
        if source.note:
            text += f" ({source.note})"
        lines.append(text + ".")
    return lines


def render_forecast(fs: ForecastSummary, lang: str = "en", *, weather: bool = False) -> str:
    """The forecast over the horizon; ``weather``: the homeowner asked about the weather."""
    cur = fs.currency
    lines = []
    if weather:
        have = fs.cloud_cover_mean_pct is not None
        lines.append(f"{_WEATHER.get(lang, _WEATHER['en'])[0 if have else 1]}:")
    if lang == "de":
        if fs.pv_peak_at is not None:
            lines.append(
                f"Die Solaranlage sollte in den nächsten {_num(fs.horizon_hours)} Stunden "
                f"{formatting.energy(fs.pv_energy_kwh)} liefern, mit bis zu {formatting.power(fs.pv_peak_kw)} um "
                f"{when(fs.pv_peak_at, lang)}."
            )
        else:
            lines.append("Die Solaranlage liefert in dieser Zeit nichts.")
        lines.append(
            f"Strom kostet zwischen {price(fs.import_price_min_per_kwh, cur)} "
            f"({when(fs.import_price_min_at, lang)}) und {price(fs.import_price_max_per_kwh, cur)} "
            f"({when(fs.import_price_max_at, lang)}), im Mittel {price(fs.import_price_mean_per_kwh, cur)}."
        )
        lines.append(f"Der Grundverbrauch des Haushalts liegt bei etwa {formatting.energy(fs.base_load_energy_kwh)}.")
        if fs.co2_min_g_per_kwh is not None and fs.co2_min_at is not None:
            lines.append(f"Am saubersten ist der Strom um {when(fs.co2_min_at, lang)} "
                         f"({_num(fs.co2_min_g_per_kwh, 1)} g CO2/kWh).")
    else:
        lines.append(
            f"Over the next {_num(fs.horizon_hours)} hours ({span(fs.horizon_start, fs.horizon_end)}), "
            f"electricity costs from {price(fs.import_price_min_per_kwh, cur)} ({when(fs.import_price_min_at)}) "
            f"to {price(fs.import_price_max_per_kwh, cur)} ({when(fs.import_price_max_at)}), "
            f"{price(fs.import_price_mean_per_kwh, cur)} on average."
        )
        if fs.pv_peak_at is not None:
            lines.append(
                f"The solar panels should produce {formatting.energy(fs.pv_energy_kwh)}, peaking at "
                f"{formatting.power(fs.pv_peak_kw)} around {when(fs.pv_peak_at)}."
            )
        else:
            lines.append("The solar panels will produce nothing in that time.")
        lines.append(f"The household's base load uses about {formatting.energy(fs.base_load_energy_kwh)}.")
        if fs.co2_min_g_per_kwh is not None and fs.co2_min_at is not None:
            lines.append(
                f"The grid is cleanest at {when(fs.co2_min_at)} ({_num(fs.co2_min_g_per_kwh, 1)} g CO2/kWh)."
            )
    lines.extend(_weather_lines(fs, lang))
    lines.extend(source_lines(fs, lang))
    return " ".join(lines)


def render_price(fs: ForecastSummary, lang: str = "en") -> str:
    """Is now a good time / when is it cheapest: the price now against the horizon's range, and
    where the prices came from."""
    t, cur = _t(lang), fs.currency
    text = t["price"].format(
        now=price(fs.import_price_now_per_kwh, cur), hours=_num(fs.horizon_hours),
        min_at=when(fs.import_price_min_at, lang), min=price(fs.import_price_min_per_kwh, cur),
        max_at=when(fs.import_price_max_at, lang), max=price(fs.import_price_max_per_kwh, cur),
        mean=price(fs.import_price_mean_per_kwh, cur),
    )
    good = fs.import_price_now_per_kwh <= fs.import_price_mean_per_kwh
    return " ".join([text, t["price_good"] if good else t["price_wait"], *source_lines(fs, lang)])
