"""``hearth plans`` / ``approve`` / ``reject`` (the plan store) and ``hearth ui`` (Chainlit).

Exit status: 0 done, 2 bad input (unknown id, stale or already decided plan, bad store file,
bad flags), 1 internal error. Approval here is the same plain code the UI's Approve button runs.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

from app.render import diff_section, format_time, money
from app.store import PlanStore, PlanStoreError, StoredPlan
from tools.errors import InputError
from tools.home import load_home
from tools.timeaxis import parse_aware_datetime

#: The project folder: holds chainlit.md and .chainlit/config.toml (Chainlit's APP_ROOT).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHAINLIT_APP = Path(__file__).resolve().parent / "chainlit_app.py"
DEFAULT_UI_PORT = 8000
LOOPBACK_HOST = "127.0.0.1"


def _add_db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="plan store file (default: $HEARTH_DB or the user data directory)")


def add_store_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register ``plans``, ``approve`` and ``reject``."""
    plans = subparsers.add_parser(
        "plans", help="list plan versions in the plan store",
        description="List the most recent plan versions, newest first; * marks the active plan.",
    )
    _add_db_arg(plans)
    plans.add_argument("--limit", type=int, default=20, help="how many versions (default 20)")
    plans.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plans.set_defaults(run=run_plans)

    approve = subparsers.add_parser(
        "approve", help="make a proposed plan the active plan",
        description="Approve a proposed plan: it becomes the active plan and the previous one is "
                    "superseded. A proposal made before the active plan changed is refused.",
    )
    _add_db_arg(approve)
    approve.add_argument("id", type=int, help="plan id (see `hearth plans`)")
    approve.add_argument("--by", help="who approves (default: the login name)")
    approve.set_defaults(run=run_approve)

    reject = subparsers.add_parser(
        "reject", help="reject a proposed plan", description="Mark a proposed plan as rejected.",
    )
    _add_db_arg(reject)
    reject.add_argument("id", type=int, help="plan id (see `hearth plans`)")
    reject.add_argument("--reason", help="what should change")
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
    try:
        record = PlanStore(args.db).reject(args.id, reason=args.reason)
    except PlanStoreError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    reason = f": {record.rejected_reason}" if record.rejected_reason else ""
    print(f"Plan {record.id} rejected{reason}.")
    return 0


# ----------------------------------------------------------------------------- hearth ui

def add_ui_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``ui``."""
    ui = subparsers.add_parser(
        "ui", help="start the chat UI (Chainlit) on 127.0.0.1",
        description="Serve the Hearth chat UI. It binds to 127.0.0.1 and opens no browser; set "
                    "HEARTH_PASSWORD (and CHAINLIT_AUTH_SECRET) to require a login.",
    )
    ui.add_argument("--port", type=int, default=DEFAULT_UI_PORT,
                    help=f"TCP port (default {DEFAULT_UI_PORT})")
    ui.add_argument("--host", default=LOOPBACK_HOST,
                    help="address to bind (default 127.0.0.1; any other needs HEARTH_PASSWORD)")
    ui.add_argument("--home", default=os.environ.get("HEARTH_HOME"),
                    help="home file (default: $HEARTH_HOME)")
    ui.add_argument("--now", help="fixed planning time, ISO 8601 with offset (demos, tests); "
                                  "default: the current time at each request")
    _add_db_arg(ui)
    ui.set_defaults(run=run_ui)


def ui_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The ``chainlit run`` command line and environment for ``hearth ui`` (checked, not run).

    Raises
    ------
    tools.errors.InputError
        Missing or invalid home file (:class:`~tools.errors.HomeFileError`), bad port, a non-loopback host without a password, or a
        password without ``CHAINLIT_AUTH_SECRET``.
    """
    if not args.home:
        raise InputError("--home", "give a home file with --home or set HEARTH_HOME")
    home = Path(args.home).expanduser().resolve()
    load_home(home)  # a bad home file fails here, with every defect, not in the first chat
    if not 1 <= args.port <= 65535:
        raise InputError("--port", f"must be between 1 and 65535, got {args.port}")
    password = os.environ.get("HEARTH_PASSWORD", "")
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback and not password:
        raise InputError(
            "--host", f"{args.host} is reachable from other machines; set HEARTH_PASSWORD to "
            "require a login first"
        )
    if password and not os.environ.get("CHAINLIT_AUTH_SECRET"):
        raise InputError(
            "CHAINLIT_AUTH_SECRET", "HEARTH_PASSWORD is set, so the UI needs a secret to sign "
            "logins: run `chainlit create-secret` and export the value it prints"
        )
    if args.now:
        parse_aware_datetime(args.now, "--now")
    env = dict(os.environ)
    env["HEARTH_HOME"] = str(home)
    env["CHAINLIT_APP_ROOT"] = str(PROJECT_ROOT)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    if args.now:
        env["HEARTH_NOW"] = args.now
    else:
        env.pop("HEARTH_NOW", None)
    if args.db is not None:
        env["HEARTH_DB"] = str(Path(args.db).expanduser().resolve())
    command = [sys.executable, "-m", "chainlit", "run", str(CHAINLIT_APP), "--headless",
               "--host", args.host, "--port", str(args.port)]
    return command, env


def run_ui(args: argparse.Namespace) -> int:
    """``hearth ui``: become the Chainlit server (exec on POSIX, so Ctrl-C, SIGTERM and kill go
    straight to it); elsewhere run it as a child and wait."""
    try:
        command, env = ui_command(args)
    except InputError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    print(f"Hearth UI on http://{args.host}:{args.port} (Ctrl-C to stop)", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(command[0], command, env)  # does not return
    process = subprocess.Popen(command, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches Chainlit too (same console); let it finish
        return process.wait()
