"""``hearth standing list|add|approve|pause|resume|cancel``: standing orders on the command line.

``add`` stores a *proposed* order (checked against the home file); ``approve`` makes it active —
the same plain code the UI's button runs. Active orders join every plan the team makes for the
devices the homeowner did not ask about in that conversation. Exit status: 0 done, 2 bad input.
The store and the planning core are imported when a command runs.
"""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import date
from typing import TYPE_CHECKING

from app.cli.plans import add_db_arg
from app.cli.schedule import load_home_arg
from tools.errors import InputError

if TYPE_CHECKING:
    from app.standing import StandingOrders
    from tools.home import Home
    from tools.standing import StandingOrder


def _orders(args: argparse.Namespace) -> StandingOrders:
    from app.standing import StandingOrders

    return StandingOrders(args.db)


def add_standing_parser(subparsers: argparse._SubParsersAction) -> None:
    standing = subparsers.add_parser(
        "standing", help="standing orders: requests approved once, planned every day",
        description="Standing orders such as 'every weekday the car at 80%% by 07:00'.",
    )
    actions = standing.add_subparsers(dest="standing_command", required=True)

    listing = actions.add_parser("list", help="list standing orders")
    add_db_arg(listing)
    listing.add_argument("--home", help="home file, for device names (default: $HEARTH_HOME)")
    listing.add_argument("--all", action="store_true", help="include cancelled orders")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_list)

    add = actions.add_parser(
        "add", help="propose a standing order (approve it with `hearth standing approve ID`)",
    )
    add_db_arg(add)
    add.add_argument("device", help="device id or alias from the home file")
    add.add_argument("--home", help="home file (default: $HEARTH_HOME)")
    add.add_argument("--deadline", required=True, help="done by this local time, HH:MM")
    add.add_argument("--earliest", help="not before this local time, HH:MM (the evening before "
                     "when later than the deadline)")
    add.add_argument("--days", default="daily", choices=["daily", "weekdays", "weekends"])
    add.add_argument("--target-soc", type=float, help="EV target [%%]")
    add.add_argument("--energy-kwh", type=float, help="EV energy to add [kWh]")
    add.add_argument("--objective", default="cost", choices=["cost", "co2", "asap"])
    add.set_defaults(run=run_add)

    approve = actions.add_parser("approve", help="approve a proposed standing order")
    add_db_arg(approve)
    approve.add_argument("id", type=int)
    approve.add_argument("--by", help="who approves (default: the login name)")
    approve.set_defaults(run=run_approve)

    pause = actions.add_parser("pause", help="pause a standing order (until a date, or until resumed)")
    add_db_arg(pause)
    pause.add_argument("id", type=int)
    pause.add_argument("--until", help="last paused day, YYYY-MM-DD (default: until resumed)")
    pause.set_defaults(run=run_pause)

    for name, run, text in (("resume", run_resume, "resume a paused standing order"),
                            ("cancel", run_cancel, "cancel a standing order for good")):
        action = actions.add_parser(name, help=text)
        add_db_arg(action)
        action.add_argument("id", type=int)
        action.set_defaults(run=run)


def describe(order: StandingOrder, home: Home | None) -> str:
    """One line: id, status and the order in words."""
    words = order.describe(home) if home is not None else (
        f"{order.device} {order.days} by {order.deadline}"
    )
    status = order.status
    if order.status == "paused":
        status = f"paused until {order.paused_until:%a %d %b}" if order.paused_until else "paused"
    return f"{order.id:>3}  {status:<22} {words}"


def run_list(args: argparse.Namespace) -> int:
    orders = _orders(args).list(include_cancelled=args.all)
    if args.json:
        print(json.dumps([o.model_dump(mode="json") for o in orders], indent=2))
        return 0
    home = load_home_arg(args) if args.home else None
    if not orders:
        print("No standing orders. Add one with `hearth standing add DEVICE --deadline HH:MM`.")
    for order in orders:
        print(describe(order, home))
    return 0


def run_add(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from tools.standing import StandingOrderSpec

    home = load_home_arg(args)
    matches = home.find_device(args.device)
    if len(matches) != 1:
        known = ", ".join(d.id for d in home.devices())
        raise InputError("device", f"{args.device!r} is not one device of this home ({known})")
    try:
        spec = StandingOrderSpec(
            device=matches[0], days=args.days, deadline=args.deadline, earliest=args.earliest,
            target_soc_pct=args.target_soc, energy_kwh=args.energy_kwh, objective=args.objective,
        )
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        flags = {"target_soc_pct": "target-soc", "energy_kwh": "energy-kwh"}
        field = str(first["loc"][0]) if first["loc"] else ""
        flag = f"--{flags.get(field, field.replace('_', '-'))}" if field else "standing order"
        raise InputError(flag, first["msg"].removeprefix("Value error, ")) from None
    order = _orders(args).propose(spec, home)
    print(f"Proposed standing order {order.id}: {order.describe(home)}.")
    print(f"Approve it with `hearth standing approve {order.id}`.")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    order = _orders(args).approve(args.id, args.by or getpass.getuser())
    print(f"Standing order {order.id} is active: it joins every plan from now on.")
    return 0


def run_pause(args: argparse.Namespace) -> int:
    until = None
    if args.until:
        try:
            until = date.fromisoformat(args.until)
        except ValueError:
            raise InputError("--until", f"is not a date YYYY-MM-DD: {args.until!r}") from None
    order = _orders(args).pause(args.id, until)
    when = f"up to and including {until:%a %d %b %Y}" if until else "until you resume it"
    print(f"Standing order {order.id} is paused {when}.")
    return 0


def run_resume(args: argparse.Namespace) -> int:
    order = _orders(args).resume(args.id)
    print(f"Standing order {order.id} is active again.")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    order = _orders(args).cancel(args.id)
    print(f"Standing order {order.id} is cancelled.")
    return 0
