"""Builders for the runner tests: the example home with an integration section, an approved plan
in a fresh store, and a runner on the simulated home.

The scenario (``NIGHT``): the Berlin example home on Tue 2026-11-24 at 18:00, the family car at
35 % asked to reach 80 % by Wed 07:00, the dishwasher by Wed 06:00.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from app.drivers.sim import SimDriver
from app.drivers.simhome import SimHome
from app.runner.clock import SimClock
from app.runner.journal import Journal
from app.runner.loop import Runner
from app.runner.summary import RunSummary, summarize
from app.standing import StandingOrders
from app.store import PlanStore
from tools.home import Home, parse_home
from tools.planning import schedule
from tools.requests import parse_request_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")
NIGHT_REQUESTS = ("ev:target_soc=80,deadline=07:00", "dishwasher:deadline=06:00")


def example_home(integration: dict[str, Any] | None = None, **changes: Any) -> Home:
    """The example home; ``integration`` becomes its integration section (re-plans hourly by
    default here, to keep the tests short)."""
    data = yaml.safe_load((EXAMPLES / "home.yaml").read_text(encoding="utf-8"))
    section = copy.deepcopy(integration or {})
    section.setdefault("replan", {}).setdefault("interval_minutes", 60)
    data["integration"] = section
    data.update(changes)
    return parse_home(data, source_dir=EXAMPLES)


def approve_night(store: PlanStore, home: Home, requests: tuple[str, ...] = NIGHT_REQUESTS) -> int:
    """Plan the night's requests at ``NOW`` and approve the plan; its store id."""
    parsed = [parse_request_spec(spec, home, NOW) for spec in requests]
    outcome = schedule(home, NOW, parsed)
    assert outcome.plan is not None, outcome.message
    plan_id = store.save_proposal(outcome.plan, based_on_active=store.active_id())
    store.approve(plan_id, by="homeowner")
    return plan_id


class SimRun:
    """A runner on the in-process simulated home with a simulated clock at ``NOW``."""

    def __init__(
        self, home: Home, db: Path, *, start: datetime = NOW, standing: bool = False
    ) -> None:
        self.home = home
        self.store = PlanStore(db)
        self.journal = Journal(self.store.path)
        self.clock = SimClock(start, speed=None)
        self.sim = SimHome(home, start)
        self.driver = SimDriver(self.sim, self.clock)
        self.runner = Runner(
            home,
            self.store,
            self.journal,
            self.driver,
            self.clock,
            controlled={d.id for d in home.devices()},
            standing=StandingOrders(db).list if standing else None,
        )
        self.since_id = self.journal.last_event_id()
        self.start = start

    async def until(self, moment: datetime) -> None:
        await self.runner.run(until=moment)

    async def hours(self, hours: float) -> None:
        await self.until(self.clock.now() + timedelta(hours=hours))

    def summary(self) -> RunSummary:
        return summarize(
            self.journal,
            since_id=self.since_id,
            home=self.home,
            commitments=self.runner.commitments,
            plan_store_id=self.runner.record.id if self.runner.record else None,
            start=self.start,
            until=self.clock.now(),
            driver="sim",
            readings=self.driver.readings(),
        )
