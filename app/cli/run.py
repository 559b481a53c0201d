"""``hearth run``: carry out the approved plan on the home and keep it current.

Two ways to run it:

* as a service — ``hearth run --home FILE [--driver sim|mqtt]`` ticks once a minute on the real
  clock until Ctrl-C (``--ui`` also serves the chat UI, ``make run`` does both on the simulated
  home);
* over a simulated stretch — ``hearth run --home FILE --driver sim --now ISO --until ISO
  [--speed N] [--json]`` carries out the store's active plan on the simulated home from ``--now``
  to ``--until`` (as fast as possible unless ``--speed`` gives simulated seconds per real second)
  and prints the summary: per approved request its target, deadline, value reached and whether it
  was met; commands sent and acknowledged; re-plans applied and re-plans that asked.

The simulated home's state is kept in the journal, so a restarted runner on the real clock (or
with ``--resume``) continues the same simulated world instead of starting a new one.

Exit status: 0 done, 2 bad input (home file, flags, no approved plan for ``--until``), 1 internal
error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.cli.args import add_home_and_clock, aware_time, shown, tcp_port
from app.cli.plans import add_db_arg
from app.cli.schedule import load_home_arg
from tools.errors import InputError

if TYPE_CHECKING:  # the runner's modules load pvlib and the solver: only when `run` runs
    from app.drivers.simhome import SimHome
    from app.runner.clock import Clock
    from app.runner.journal import Journal, JournalEvent
    from app.runner.loop import Runner
    from app.runner.summary import RunSummary
    from tools.home import Home

SIM_STATE_KEY = "sim_state"
SIM_CLOCK_KEY = "sim_clock"


def add_run_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``run``."""
    parser = subparsers.add_parser(
        "run",
        help="carry out the approved plan on the home (sim or MQTT) and keep it current",
        description="Carry out the store's active plan: read the devices, send their setpoints, "
        "re-plan every 15 minutes and on events. With --until, run a simulated "
        "stretch of time and print its summary.",
    )
    add_home_and_clock(parser)
    add_db_arg(parser)
    parser.add_argument(
        "--driver",
        choices=["sim", "mqtt"],
        help="sim: the whole home simulated in-process; mqtt: the devices the "
        "home file's integration section puts on MQTT (default: that "
        "section's driver)",
    )
    parser.add_argument(
        "--until",
        type=aware_time,
        help="stop at this time (ISO 8601 with offset) and print the summary",
    )
    parser.add_argument(
        "--speed",
        type=speed,
        help="simulated seconds per real second (with --now/--until; default: "
        "as fast as possible with --until, else 1)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the simulated home and clock where the last run stopped",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--ui", action="store_true", help="also serve the chat UI (hearth ui)")
    parser.add_argument(
        "--port", type=tcp_port, default=8000, help="UI port with --ui (default 8000)"
    )
    parser.set_defaults(run=run_run)


def speed(text: str) -> float:
    """``--speed``: simulated seconds per real second, more than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {shown(text)}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 simulated seconds a second, got {shown(text)}"
        )
    return value


def _driver_name(args: argparse.Namespace, home: Home) -> str:
    return args.driver or home.integration.driver


def _clock(args: argparse.Namespace, home: Home, journal: Journal) -> Clock:
    from app.runner.clock import RealClock, SimClock

    tz = ZoneInfo(home.timezone)
    until: datetime | None = args.until
    if args.resume:
        if args.now is not None:
            raise InputError("--resume", "continues from the last run's time; leave out --now")
        saved = journal.get_meta(SIM_CLOCK_KEY)
        if saved is None:
            raise InputError(
                "--resume", "there is no earlier simulated run in this store to continue"
            )
        start = datetime.fromisoformat(saved)
    elif args.now is not None:
        start = args.now
    elif until is not None:
        start = datetime.now(tz).replace(second=0, microsecond=0)
    else:
        if args.speed is not None:
            raise InputError("--speed", "needs --now, --until or --resume (a simulated clock)")
        return RealClock(tz)
    if until is not None and until <= start:
        raise InputError(
            "--until", f"{until.isoformat()} is not after the start {start.isoformat()}"
        )
    speed = args.speed if args.speed is not None else (None if until is not None else 1.0)
    return SimClock(start.astimezone(tz), speed=speed)


def _sim(home: Home, clock: Clock, journal: Journal, resume: bool) -> SimHome:
    """The simulated home: continued from the journal (on the real clock, or with --resume)."""
    from app.drivers.simhome import SimHome
    from app.runner.clock import RealClock

    sim = SimHome(home, clock.now())
    snapshot = journal.get_meta(SIM_STATE_KEY)
    if snapshot is not None and (resume or isinstance(clock, RealClock)):
        sim.restore(snapshot)
        if sim.state.now > clock.now():
            sim = SimHome(home, clock.now())  # a snapshot from the future: start afresh
    return sim


def build_runner(args: argparse.Namespace) -> tuple[Runner, Clock, SimHome | None]:
    """The runner with its store, journal, clock and driver (checked, not started)."""
    from app.drivers import controlled_devices
    from app.drivers.base import Driver
    from app.drivers.sim import SimDriver
    from app.runner.fingerprint import HomeWatcher
    from app.runner.journal import Journal
    from app.runner.loop import Runner, StatusPublisher
    from app.standing import StandingOrders
    from app.store import PlanStore

    home = load_home_arg(args)
    store = PlanStore(args.db)
    journal = Journal(store.path)
    clock = _clock(args, home, journal)
    name = _driver_name(args, home)
    publishers: list[StatusPublisher] = []
    sim: SimHome | None = None
    driver: Driver
    if name == "sim":
        controlled = {d.id for d in home.drivable_devices()}
        sim = _sim(home, clock, journal, args.resume)
        driver = SimDriver(sim, clock)
    else:
        from app.drivers.mqtt import MqttDriver

        controlled = controlled_devices(home, "mqtt", default="mqtt")
        mqtt_driver = MqttDriver(home, clock, controlled)
        driver = mqtt_driver
        publishers.append(mqtt_driver)
    watcher = HomeWatcher(Path(args.home).expanduser(), home)
    runner = Runner(
        home,
        store,
        journal,
        driver,
        clock,
        controlled=controlled,
        publishers=publishers,
        watcher=watcher,
        standing=StandingOrders(store.path).list,
    )
    if sim is not None:

        def keep(now: datetime, sim: SimHome = sim) -> dict[str, str]:
            return {SIM_STATE_KEY: sim.snapshot(), SIM_CLOCK_KEY: now.isoformat()}

        runner.tick_meta = keep
    return runner, clock, sim


def run_run(args: argparse.Namespace) -> int:
    """``hearth run``."""
    from app.runner.summary import summarize

    try:
        runner, clock, _ = build_runner(args)
        until = args.until
        if until is not None and runner.store.active_record() is None and not _active_orders(
            runner.store.path
        ):
            raise InputError(
                "--until",
                "the store has no approved plan and no active standing order to carry out; "
                "approve one first (hearth plans, hearth approve ID, hearth standing approve ID)",
            )
        ui = _start_ui(args) if args.ui else None
    except InputError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    start = clock.now()
    since_id = runner.journal.last_event_id()
    try:
        asyncio.run(_serve(runner, until, quiet=args.json))
    finally:
        if ui is not None:
            ui.terminate()
            ui.wait(timeout=20)
    end = clock.now()
    summary = summarize(
        runner.journal,
        since_id=since_id,
        home=runner.home,
        commitments=runner.commitments,
        plan_store_id=runner.record.id if runner.record else None,
        start=start,
        until=end,
        driver=runner.driver.name,
        readings=runner.driver.readings(),
    )
    print(
        json.dumps(summary.model_dump(mode="json"), indent=2)
        if args.json
        else render_summary(summary, runner.home)
    )
    return 0


def _active_orders(db: Path) -> bool:
    """Whether the store ``db`` holds a standing order that is active or paused until a date."""
    from app.standing import StandingOrders

    orders = StandingOrders(db).list()
    return any(o.status == "active" or (o.status == "paused" and o.paused_until) for o in orders)


async def _serve(runner: Runner, until: datetime | None, *, quiet: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if not quiet:
        tz = ZoneInfo(runner.home.timezone)

        def echo(event: JournalEvent) -> None:
            if event.kind != "command" or not event.data.get("acknowledged", True):
                print(f"{event.at.astimezone(tz):%a %H:%M} {event.message}", file=sys.stderr)

        runner.journal.listeners.append(echo)
    try:
        await runner.run(until=until, stop=stop)
    finally:
        await runner.driver.close()


def _start_ui(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    from app.cli.ui import LOOPBACK_HOST, ui_command

    ui_args = argparse.Namespace(
        home=args.home, port=args.port, host=LOOPBACK_HOST, now=None, db=args.db
    )
    command, env = ui_command(ui_args)
    print(
        f"Hearth UI on http://{LOOPBACK_HOST}:{args.port}; runner on the "
        f"{args.driver or 'configured'} driver (Ctrl-C stops both)",
        file=sys.stderr,
    )
    return subprocess.Popen(command, env=env, start_new_session=True)


def render_summary(summary: RunSummary, home: Home) -> str:
    """The summary as text."""
    tz = ZoneInfo(home.timezone)

    def clock(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%a %H:%M") if moment else "—"

    carried = (
        f"Ran plan {summary.plan_store_id}"
        if summary.plan_store_id is not None
        else "No approved plan to carry out; ran"
    )
    lines = [
        f"{carried} on the {summary.driver} driver from {clock(summary.start)} to "
        f"{clock(summary.until)}.",
        "",
    ]
    for result in summary.requests:
        verdict = {True: "met", False: "NOT met", None: "open"}[result.met]
        if result.standing_order is not None:
            verdict += f" (standing order {result.standing_order})"
        if result.kind == "ev_charge":
            reached = "—" if result.reached_soc_pct is None else f"{result.reached_soc_pct:.1f} %"
            lines.append(
                f"  {home.label(result.device)}: target {result.target_soc_pct:g} % by "
                f"{clock(result.deadline)}, reached {reached}: {verdict}"
            )
        else:
            lines.append(
                f"  {home.label(result.device)}: by {clock(result.deadline)}, started "
                f"{clock(result.started_at)}: {verdict}"
            )
    commands = summary.commands
    replans = summary.replans
    lines += [
        "",
        f"Commands: {commands.sent} sent, {commands.acknowledged} acknowledged.",
        f"Re-plans: {replans.automatic} applied automatically ({replans.automatic_changed} "
        f"changed a run), {replans.asked} asked the homeowner"
        + (f" (proposals {', '.join(map(str, replans.proposals))})" if replans.proposals else "")
        + ".",
    ]
    if summary.held:
        lines += ["", "Held safe:"] + [f"  {line}" for line in summary.held]
    return "\n".join(lines)
