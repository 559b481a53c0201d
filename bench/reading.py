"""How long reading one homeowner message takes (target: under 50 ms), over the dialogue corpus.

Run: ``.venv/bin/python bench/reading.py``. Reads every message of ``tests/corpus/*.jsonl`` with
:func:`agents.understanding.understand` (no team, no solver), five times each after one warm-up
pass, and prints the median and the 95th percentile in milliseconds per message.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from agents.understanding import Clockwork, Memory, Vocabulary, understand
from tools.home import load_home

ROOT = Path(__file__).resolve().parent.parent


def messages() -> list[tuple[str, str, str]]:
    out = []
    for name in ("en.jsonl", "de.jsonl", "conversations.jsonl"):
        path = ROOT / "tests" / "corpus" / name
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            home = item.get("home", "examples/home.yaml")
            if "turns" in item:
                now = item["turns"][0].get("now", item.get("now"))
                out += [(home, now, t["text"]) for t in item["turns"] if "text" in t]
            else:
                out.append((home, item["now"], item["text"]))
    return out


def main(repeat: int = 5) -> None:
    items = messages()
    homes = {h: load_home(ROOT / h) for h in {h for h, _, _ in items}}
    vocabs = {h: Vocabulary.from_home(home) for h, home in homes.items()}
    for home, now, text in items:  # warm-up: imports, dateparser's tables
        understand(text, vocabs[home], Clockwork(datetime.fromisoformat(now), ZoneInfo(homes[home].timezone)), Memory())
    timings = []
    for home, now, text in items:
        clock = Clockwork(datetime.fromisoformat(now), ZoneInfo(homes[home].timezone))
        start = time.perf_counter()
        for _ in range(repeat):
            understand(text, vocabs[home], clock, Memory())
        timings.append((time.perf_counter() - start) / repeat * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"{len(items)} messages: median {statistics.median(timings):.1f} ms, "
          f"95th percentile {p95:.1f} ms, max {timings[-1]:.1f} ms per message (target < 50 ms)")


if __name__ == "__main__":
    main()
