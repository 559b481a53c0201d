"""What live prices and weather add to planning time on a warm provider cache.

For ``examples/home-live.yaml`` (aWATTar prices, the Open-Meteo forecast, a learned base load),
three ways of building the planning inputs for a 24-hour, 15-minute axis are timed:

``home file``
    :func:`tools.inputs.build_inputs` alone: no provider asked (the inputs a plan gets offline
    without a cache).
``warm cache``
    :class:`app.providers.ProviderInputs` after one earlier plan filled the cache: the cache says
    both feeds cover the plan and are fresh, so nothing is fetched. **The target: the difference
    to ``home file`` stays under 1 s.**
``cold (replayed)``
    An empty cache each time, the providers answering instantly with the recorded answers of
    ``tests/data/providers`` (through ``responses``; no network): the cost of fetching, parsing
    and caching, without the network's own latency.

Median of ``--repeat`` runs (default 7) after one warm-up. Prints a table; ``--json FILE`` also
writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import responses  # noqa: E402

from app.providers import ProviderCache, ProviderInputs, ProviderSettings  # noqa: E402
from app.providers.http import HttpSettings  # noqa: E402
from app.providers.prices import AWATTAR_URLS  # noqa: E402
from app.providers.weather import OPEN_METEO_URL  # noqa: E402
from tools.home import load_home  # noqa: E402
from tools.inputs import build_inputs, horizon_axis  # noqa: E402

ANSWERS = REPO / "tests" / "data" / "providers"
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")
FETCHED = datetime(2026, 11, 24, 16, 30, tzinfo=timezone.utc)
TARGET_S = 1.0


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)

    home = load_home(REPO / "examples" / "home-live.yaml")
    axis = horizon_axis(home, NOW, step_minutes=15, horizon_hours=24)
    settings = ProviderSettings(http=HttpSettings(retries=0))
    work = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    counter = iter(range(10**6))

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(AWATTAR_URLS["de"], body=(ANSWERS / "awattar-2026-11-24.json").read_text())
        mock.get(OPEN_METEO_URL, body=(ANSWERS / "open-meteo-2026-11-24.json").read_text())
        warm = ProviderInputs(ProviderCache(work / "warm.sqlite3"), settings=settings,
                              clock=lambda: FETCHED)
        warm(home, axis)  # the earlier plan that fills the cache

        def cold() -> object:
            cache = ProviderCache(work / f"cold-{next(counter)}.sqlite3")
            return ProviderInputs(cache, settings=settings, clock=lambda: FETCHED)(home, axis)

        results = {"home file": median_seconds(lambda: build_inputs(home, axis), args.repeat)}
        before = len(mock.calls)
        results["warm cache"] = median_seconds(lambda: warm(home, axis), args.repeat)
        warm_fetches = len(mock.calls) - before
        results["cold (replayed)"] = median_seconds(cold, args.repeat)

    added = results["warm cache"] - results["home file"]
    print(f"Planning inputs for {home.name}, 24 h in 15-minute steps, median of {args.repeat} runs")
    print(f"{'inputs':<18}{'seconds':>10}")
    for name, seconds in results.items():
        print(f"{name:<18}{seconds:>10.3f}")
    print(f"warm cache adds {added:.3f} s to the home-file inputs (target < {TARGET_S:g} s); "
          f"requests made on the warm cache: {warm_fetches}")
    if args.json:
        args.json.write_text(json.dumps({**results, "warm_added_s": added,
                                         "warm_requests": warm_fetches}, indent=2))
    return 0 if added < TARGET_S and warm_fetches == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
