"""Plain helpers for the agent tests (the fixtures are in ``agents_conftest.py``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from tools.home import Home, parse_home

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")


class NetworkModelInTest(AssertionError):
    """A test tried to build a model client, or open a connection, that leaves this machine."""


def example_data() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "home.yaml").read_text(encoding="utf-8"))


def flat_home(**changes: Any) -> Home:
    """A tiny home with paper-friendly numbers.

    Europe/Berlin; flat import price 0.30 EUR/kWh, export 0.0; no PV, no battery; base load
    0.5 kW every hour; an EV (40 kWh battery, 0–10 kW charger, efficiency 1, at 50 %, default
    target 80 %); a dishwasher drawing 1.0 kW for 60 minutes.
    """
    data: dict[str, Any] = {
        "name": "Flat home",
        "timezone": "Europe/Berlin",
        "location": {"latitude_deg": 52.5, "longitude_deg": 13.4},
        "grid": {"import_limit_kw": 20.0, "export_limit_kw": 5.0},
        "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": 0.30}},
        "evs": [{
            "id": "ev", "name": "Car", "aliases": ["car"], "battery_kwh": 40.0,
            "charger_max_kw": 10.0, "charging_efficiency": 1.0, "current_soc_pct": 50,
            "default_target_soc_pct": 80,
        }],
        "appliances": [{
            "id": "dishwasher", "name": "Dishwasher",
            "cycle": {"duration_minutes": 60, "power_kw": 1.0},
        }],
        "base_load": {"type": "hourly", "power_kw": [0.5] * 24},
    }
    data.update(changes)
    return parse_home(data)
