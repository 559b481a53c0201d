"""``hearth plans`` / ``approve`` / ``reject``: the plan store on the command line.

Exit status: 0 done, 2 bad input (unknown id, stale or already decided plan, bad store file,
bad flags), 1 internal error. Approval here is the same plain code the UI's Approve button runs.
The plan store is imported when a command runs.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.args import list_limit, nonempty_text, plan_id
from tools.errors import InputError

if TYPE_CHECKING:
    from app.store import StoredPlan


def add_db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="plan store file (default: $HEARTH_DB or the user data directory)")


def add_store_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register ``plans``, ``approve`` and ``reject``."""
    plans = subparsers.add_parser(
        "plans", help="list plan versions in the plan store",
        description="List the most recent plan versions, newest first; * marks the active plan.",
    )
    add_db_arg(plans)
    plans.add_argument("--limit", type=list_limit, default=20, help="how many versions (default 20)")
    plans.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plans.set_defaults(run=run_plans)

    approve = subparsers.add_parser(
        "approve", help="make a proposed plan the active plan",
        description="Approve a proposed plan: it becomes the active plan and the previous one is "
                    "superseded. A proposal made before the active plan changed is refused.",
    )
    add_db_arg(approve)
    approve.add_argument("id", type=plan_id, help="plan id (see `hearth plans`)")
    approve.add_argument("--by", type=nonempty_text(100),
                         help="who approves (default: the login name)")
    approve.set_defaults(run=run_approve)

    reject = subparsers.add_parser(
        "reject", help="reject a proposed plan", description="Mark a proposed plan as rejected.",
    )
    add_db_arg(reject)
    reject.add_argument("id", type=plan_id, help="plan id (see `hearth plans`)")
    reject.add_argument("--reason", type=nonempty_text(1000), help="what should change")
    reject.set_defaults(run=run_reject)


def _plain(markdown: str) -> str:
    return markdown.replace("**", "")


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
    }


def _plans_table(records: list[StoredPlan]) -> str:
    from app.render import money

    header = (f"{'':1} {'id':>4}  {'status':<10}  {'created (UTC)':<16}  {'horizon start':<16}  "
              f"{'cost':>12}  {'saving':>12}  decided")
    lines = [header]
    for record in records:
        plan = record.plan
        if record.status in ("approved", "superseded"):
            decided = f"approved by {record.approved_by}"
            if record.superseded_by is not None:
                decided += f", superseded by {record.superseded_by}"
        elif record.status == "rejected":
            decided = "rejected" + (f": {record.rejected_reason}" if record.rejected_reason else "")
        else:
            decided = (f"based on {record.based_on_active}"
                       if record.based_on_active is not None else "")
        lines.append(
            f"{'*' if record.status == 'approved' else '':1} {record.id:>4}  {record.status:<10}  "
            f"{record.created_at.strftime('%Y-%m-%d %H:%M'):<16}  "
            f"{plan.horizon_start.strftime('%Y-%m-%d %H:%M'):<16}  "
            f"{money(plan.cost, plan.currency):>12}  "
            f"{money(plan.baseline_cost - plan.cost, plan.currency):>12}  {decided}".rstrip()
        )
    return "\n".join(lines)


def run_plans(args: argparse.Namespace) -> int:
    """``hearth plans``: the newest versions, as a table or JSON."""
    from app.store import PlanStore, PlanStoreError

    try:
        store = PlanStore(args.db)
        records = store.list(limit=args.limit)
    except PlanStoreError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([_record_json(record) for record in records], indent=2))
    elif not records:
        print(f"No plans in {store.path} yet.")
    else:
        print(_plans_table(records))
    return 0


def _approver(args: argparse.Namespace) -> str:
    if args.by is not None:
        return str(args.by)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise InputError("--by", "cannot tell who you are; give --by NAME") from None


def run_approve(args: argparse.Namespace) -> int:
    """``hearth approve ID``: activate a proposal and print what changed."""
    from app.render import diff_section, format_time, money
    from app.store import PlanStore

    try:
        by = _approver(args)
        result = PlanStore(args.db).approve(args.id, by=by)
    except InputError as err:  # PlanStoreError included: unknown, stale, decided, bad file
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    plan = result.plan
    print(f"Plan {args.id} approved by {by}; it is now the active plan "
          f"({money(plan.cost, plan.currency)}, from {format_time(plan.horizon_start, None)}).")
    if result.superseded is not None:
        print(f"Plan {result.superseded.id} is superseded.")
    print(_plain(diff_section(result.diff)))
    return 0


def run_reject(args: argparse.Namespace) -> int:
    """``hearth reject ID``: mark a proposal as rejected."""
    from app.store import PlanStore, PlanStoreError

    try:
        record = PlanStore(args.db).reject(args.id, reason=args.reason)
    except PlanStoreError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    reason = f": {record.rejected_reason}" if record.rejected_reason else ""
    print(f"Plan {record.id} rejected{reason}.")
    return 0


