"""A simulated week of the runner: CPU time, peak memory, commands and re-plans per day.

    .venv/bin/python bench/runner_week.py [--days 7] [--interval 15] [--json out.json]

The example Berlin home (examples/home.yaml) on the in-process simulated home (PV and base load
with the seeded noise of the home's integration section), from Mon 2026-11-23 18:00. Every
evening at 18:00 the homeowner approves a plan made from the live state: the family car to 80 %
by 07:00 and the dishwasher by 06:00. Every morning at 08:00 the car leaves (unplugged) and comes
back at 17:30 with 25 percentage points less charge — two plug events a day, and a car that is
off its plan — and the dishwasher is loaded again for the night. The runner re-plans every ``--interval`` minutes and on events, as in production.

Reported: the runner process's CPU time (user + system, ``resource.getrusage``) and peak
resident memory (``ru_maxrss``) for the whole week, wall time, commands sent and acknowledged,
and per simulated day the re-plans applied automatically and those that asked the homeowner.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from app.drivers.sim import SimDriver  # noqa: E402
from app.drivers.simhome import SimHome  # noqa: E402
from app.runner.clock import SimClock  # noqa: E402
from app.runner.journal import Journal  # noqa: E402
from app.runner.live import live_home  # noqa: E402
from app.runner.loop import Runner  # noqa: E402
from app.store import PlanStore  # noqa: E402
from tools.home import parse_home  # noqa: E402
from tools.planning import schedule  # noqa: E402
from tools.requests import parse_request_spec  # noqa: E402

START = datetime.fromisoformat("2026-11-23T18:00:00+01:00")
REQUESTS = ("ev:target_soc=80,deadline=07:00", "dishwasher:deadline=06:00")


async def week(days: int, interval: int, db: Path) -> dict[str, object]:
    data = yaml.safe_load((ROOT / "examples" / "home.yaml").read_text(encoding="utf-8"))
    data["integration"] = {"replan": {"interval_minutes": interval}}
    home = parse_home(data, source_dir=ROOT / "examples")
    store = PlanStore(db)
    journal = Journal(store.path)
    clock = SimClock(START, speed=None)
    sim = SimHome(home, START)
    driver = SimDriver(sim, clock)
    runner = Runner(home, store, journal, driver, clock, controlled={d.id for d in home.devices()})
    per_day = []
    for day in range(days):
        evening = START + timedelta(days=day)
        since = journal.last_event_id()
        live = live_home(home, driver.readings(), evening).home
        outcome = schedule(live, evening, [parse_request_spec(s, live, evening) for s in REQUESTS])
        assert outcome.plan is not None, outcome.message
        plan_id = store.save_proposal(outcome.plan, based_on_active=store.active_id())
        store.approve(plan_id, by="homeowner (bench)")
        await runner.run(until=evening + timedelta(hours=14))  # to 08:00
        sim.unplug("ev")
        await runner.run(until=evening + timedelta(hours=23, minutes=30))  # to 17:30
        sim.set_ev_soc("ev", max(10.0, sim.state.evs["ev"].soc_pct - 25))
        sim.plug("ev")
        sim.load("dishwasher")
        await runner.run(until=evening + timedelta(hours=23, minutes=59))
        events = journal.events(since_id=since)
        deadlines = [e for e in events if e.kind == "deadline"]
        per_day.append(
            {
                "day": evening.date().isoformat(),
                "replans_automatic": sum(1 for e in events if e.kind == "replan_applied"),
                "replans_asked": sum(1 for e in events if e.kind == "replan_proposed"),
                "commands_sent": sum(1 for e in events if e.kind == "command"),
                "commands_acknowledged": sum(
                    1 for e in events if e.kind == "command" and e.data.get("acknowledged")
                ),
                "requests_met": sum(1 for e in deadlines if e.data.get("met")),
                "requests_due": len(deadlines),
            }
        )
    return {"days": per_day}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--interval", type=int, default=15, help="re-plan interval [min]")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        wall = time.perf_counter()
        result = asyncio.run(week(args.days, args.interval, Path(folder) / "plans.sqlite3"))
        wall_s = time.perf_counter() - wall
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update(
        cpu_s=round(usage.ru_utime + usage.ru_stime, 1),
        wall_s=round(wall_s, 1),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
        interval_minutes=args.interval,
    )
    days = result["days"]
    assert isinstance(days, list)
    print(f"{'day':<12}{'auto':>6}{'asked':>7}{'sent':>6}{'acked':>7}{'met':>8}")
    for row in days:
        print(
            f"{row['day']:<12}{row['replans_automatic']:>6}{row['replans_asked']:>7}"
            f"{row['commands_sent']:>6}{row['commands_acknowledged']:>7}"
            f"{row['requests_met']:>5}/{row['requests_due']}"
        )
    print(
        f"\n{len(days)} simulated days, re-plans every {args.interval} min: CPU "
        f"{result['cpu_s']} s, wall {result['wall_s']} s, peak memory {result['peak_rss_mb']} MB"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
