"""``hearth plans`` / ``approve`` / ``reject`` / ``cancel``: the plan store on the command line.

Exit status: 0 done, 2 bad input (unknown id, stale or already decided plan, bad store file,
bad flags, a device without an approved run), 1 internal error. Approval here is the same plain
code the UI's Approve button runs: it replaces the runs of the devices the plan covers and keeps
the other approved runs. ``cancel`` proposes withdrawing one device's approved run; approving that
proposal makes it final. The plan store, the renderers and the planner are imported when a
command runs.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.args import add_home_and_clock, list_limit, nonempty_text, plan_id
from tools.errors import InputError

if TYPE_CHECKING:
    from app.store import StoredPlan


def add_db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="plan store file (default: $HEARTH_DB or the user data directory)")


def add_store_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register ``plans``, ``approve``, ``reject`` and ``cancel``."""
    plans = subparsers.add_parser(
        "plans", help="list plan versions and the approved runs",
        description="List the most recent plan versions, newest first (* marks the latest "
                    "approval), then the approved run of each device.",
    )
    add_db_arg(plans)
    plans.add_argument("--limit", type=list_limit, default=20,
                       help="how many versions (default 20)")
    plans.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plans.add_argument("--active", action="store_true",
                       help="only the approved runs (with --json: the commitments as JSON)")
    plans.set_defaults(run=run_plans)

    approve = subparsers.add_parser(
        "approve", help="approve a proposed plan",
        description="Approve a proposed plan: the devices it covers get its runs, the other "
                    "approved runs stay. A proposal made before another approval is refused.",
    )
    add_db_arg(approve)
    approve.add_argument("id", type=plan_id, help="plan number (see `hearth plans`)")
    approve.add_argument("--by", type=nonempty_text(100),
                         help="who approves (default: the login name)")
    approve.set_defaults(run=run_approve)

    reject = subparsers.add_parser(
        "reject", help="reject a proposed plan", description="Mark a proposed plan as rejected.",
    )
    add_db_arg(reject)
    reject.add_argument("id", type=plan_id, help="plan number (see `hearth plans`)")
    reject.add_argument("--reason", type=nonempty_text(1000), help="what should change")
    reject.set_defaults(run=run_reject)

    cancel = subparsers.add_parser(
        "cancel", help="propose cancelling a device's approved run",
        description="Plan again without one device's approved run (the other approved runs "
                    "stay) and store that as a proposal; `hearth approve N` makes it final.",
    )
    add_db_arg(cancel)
    add_home_and_clock(cancel)
    cancel.add_argument("device", type=nonempty_text(100),
                        help="the device's id, name or alias (e.g. dishwasher)")
    cancel.set_defaults(run=run_cancel)


def _record_json(record: StoredPlan) -> dict[str, object]:
    plan = record.plan
    return {
        "id": record.id,
        "status": record.status,
        "created_at": record.created_at.isoformat(),
        "plan_id": plan.id,
        "home": plan.home,
        "horizon_start": plan.horizon_start.isoformat(),
        "horizon_end": plan.horizon_end.isoformat(),
        "currency": plan.currency,
        "cost": plan.cost,
        "baseline_cost": plan.baseline_cost,
        "saving": plan.baseline_cost - plan.cost,
        "based_on_active": record.based_on_active,
        "approved_by": record.approved_by,
        "approved_at": record.approved_at.isoformat() if record.approved_at else None,
        "rejected_reason": record.rejected_reason,
        "superseded_by": record.superseded_by,
        "runs": [run.model_dump(mode="json") for run in plan.runs],
        "committed": [c.device for c in plan.committed],
        "released": [c.device for c in plan.released],
    }


def _covers(record: StoredPlan) -> str:
    plan = record.plan
    names = [plan.label(r.device) for r in plan.requests]
    names += [f"cancel {plan.label(c.device)}" for c in plan.released]
    return ", ".join(dict.fromkeys(names)) or "-"


def _plans_table(records: list[StoredPlan], head: int | None) -> str:
    from app.render import money

    header = (f"{'':1} {'plan':>4}  {'status':<10}  {'created (UTC)':<16}  {'cost':>12}  "
              f"{'saving':>12}  {'covers':<28}  decided")
    lines = [header]
    for record in records:
        plan = record.plan
        if record.status in ("approved", "superseded"):
            decided = f"approved by {record.approved_by}"
            if record.superseded_by is not None:
                decided += f", superseded by plan {record.superseded_by}"
        elif record.status == "rejected":
            decided = "rejected" + (f": {record.rejected_reason}" if record.rejected_reason else "")
        else:
            decided = (f"made after plan {record.based_on_active}"
                       if record.based_on_active is not None else "")
        lines.append(
            f"{'*' if record.id == head else '':1} {record.id:>4}  {record.status:<10}  "
            f"{record.created_at.strftime('%Y-%m-%d %H:%M'):<16}  "
            f"{money(plan.cost, plan.currency):>12}  "
            f"{money(plan.baseline_cost - plan.cost, plan.currency):>12}  "
            f"{_covers(record)[:28]:<28}  {decided}".rstrip()
        )
    return "\n".join(lines)


def run_plans(args: argparse.Namespace) -> int:
    """``hearth plans``: the newest versions and the approved runs, as a table or JSON."""
    from app.render import commitments_markdown, plain
    from app.store import PlanStore, PlanStoreError

    try:
        store = PlanStore(args.db)
        commitments = store.active_commitments()
        records = [] if args.active else store.list(limit=args.limit)
        head = store.active()
        head_id = store.active_id()
    except PlanStoreError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    if args.json:
        data: object = ([c.model_dump(mode="json") for c in commitments] if args.active
                        else [_record_json(record) for record in records])
        print(json.dumps(data, indent=2))
        return 0
    if not args.active:
        if not records:
            print(f"No plans in {store.path} yet.")
            return 0
        print(_plans_table(records, head_id))
        print()
    print("Approved runs:")
    currency = head.currency if head is not None else ""
    print(plain(commitments_markdown(commitments, currency, None, me="")))
    return 0


def _approver(args: argparse.Namespace) -> str:
    if args.by is not None:
        return str(args.by)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise InputError("--by", "cannot tell who you are; give --by NAME") from None


def run_approve(args: argparse.Namespace) -> int:
    """``hearth approve N``: approve a proposal and print what changed and what comes next."""
    from app.render import diff_markdown, money, next_steps, plain, span
    from app.store import PlanStore

    try:
        by = _approver(args)
        result = PlanStore(args.db).approve(args.id, by=by)
    except InputError as err:  # PlanStoreError included: unknown, stale, decided, bad file
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    plan = result.plan
    print(f"Plan {args.id} approved by {by}: its runs are now part of your active plan "
          f"(plan total {money(plan.cost, plan.currency)} for "
          f"{span(plan.horizon_start, plan.horizon_end, None)}).")
    for record in result.superseded:
        print(f"Plan {record.id} is superseded: none of its runs is approved any more.")
    print(plain(diff_markdown(result.diff, plan.label, None, battery_ids=result.battery_ids)))
    print(plain(next_steps(result.commitments, plan.now, None)).replace(
        " or cancel a run with its button.", " or `hearth cancel DEVICE`."))
    return 0


def run_reject(args: argparse.Namespace) -> int:
    """``hearth reject N``: mark a proposal as rejected."""
    from app.store import PlanStore, PlanStoreError

    try:
        record = PlanStore(args.db).reject(args.id, reason=args.reason)
    except PlanStoreError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    reason = f": {record.rejected_reason}" if record.rejected_reason else ""
    print(f"Plan {record.id} rejected{reason}.")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    """``hearth cancel DEVICE``: store a proposal without that device's approved run."""
    from app.cli.schedule import load_home_arg, now_arg
    from app.store import PlanStore
    from tools.planning import schedule

    home = load_home_arg(args)
    now = now_arg(args, home)
    matches = home.find_device(args.device)
    if len(matches) != 1:
        raise InputError("device", f"{args.device!r} names {len(matches)} devices of this home; "
                         "give its id")
    store = PlanStore(args.db)
    head = store.active_id()
    commitments = store.active_commitments(at=now)
    gone = [c for c in commitments if c.device == matches[0]]
    if not gone:
        raise InputError("device", f"{home.label(matches[0])} has no approved run to cancel "
                         "(see `hearth plans --active`)")
    outcome = schedule(home, now, [], committed=[c for c in commitments if c not in gone],
                       released=gone)
    if outcome.plan is None:
        print(f"hearth: the plan without {home.label(matches[0])} failed: {outcome.message}",
              file=sys.stderr)
        return 1
    number = store.save_proposal(outcome.plan, head)
    print(f"Plan {number} cancels {home.label(matches[0])}'s approved run and keeps the others; "
          f"approve it with `hearth approve {number}`.")
    return 0
