"""``hearth schedule``: structured requests straight to the planning core, no LLM."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from pathlib import Path

from tools.errors import InputError
from tools.home import Home, load_home
from tools.inputs import build_inputs, horizon_axis
from tools.planning import schedule
from tools.requests import parse_request_spec
from tools.results import Plan, ScheduleOutcome
from tools.scheduler import ScheduleOptions
from tools.solar import air_temperature_c_on_axis, cloud_cover_pct_on_axis
from tools.timeaxis import parse_aware_datetime


def add_home_and_clock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home", default=os.environ.get("HEARTH_HOME"), help="home file (default: $HEARTH_HOME)"
    )
    parser.add_argument(
        "--now", help="planning start, ISO 8601 with offset (default: the current time)"
    )


def load_home_arg(args: argparse.Namespace) -> Home:
    if not args.home:
        raise InputError("--home", "give a home file with --home or set HEARTH_HOME")
    return load_home(args.home)


def now_arg(args: argparse.Namespace, home: Home) -> datetime:
    if args.now:
        return parse_aware_datetime(args.now, "--now")
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(home.timezone)).replace(second=0, microsecond=0)


def add_schedule_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="plan structured requests with the optimiser (no LLM)",
        description="Plan device requests jointly and print the plan, its cost and conflicts.",
    )
    add_home_and_clock(parser)
    parser.add_argument(
        "--request",
        action="append",
        default=[],
        metavar="SPEC",
        help="device:key=value,... e.g. 'ev:target_soc=80,deadline=07:00' or "
        "'dishwasher:deadline=06:00'; keys: target_soc, energy_kwh, deadline, earliest, objective",
    )
    parser.add_argument("--step", type=int, default=15, help="step in minutes: 5, 15, 30 or 60")
    parser.add_argument("--horizon", type=float, default=24, help="horizon in hours (at most 72)")
    parser.add_argument("--solver", default="highs", choices=["highs", "cbc"])
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver time limit [s]")
    parser.add_argument("--cloud-cover", type=Path, help="cloud cover series [%%] (CSV/JSON)")
    parser.add_argument(
        "--air-temperature", type=Path, help="air temperature series [°C] (CSV/JSON)"
    )
    parser.add_argument("--active-plan", type=Path, help="JSON of the currently active plan")
    parser.add_argument("--json", action="store_true", help="print the machine interface JSON")
    parser.set_defaults(run=run_schedule)


def run_schedule(args: argparse.Namespace) -> int:
    home = load_home_arg(args)
    now = now_arg(args, home)
    if not args.request:
        raise InputError(
            "--request", "give at least one request, e.g. --request 'ev:deadline=07:00'"
        )
    requests = [parse_request_spec(spec, home, now) for spec in args.request]
    axis = horizon_axis(home, now, step_minutes=args.step, horizon_hours=args.horizon)
    inputs = build_inputs(
        home,
        axis,
        cloud_cover_pct=cloud_cover_pct_on_axis(args.cloud_cover, axis)
        if args.cloud_cover
        else None,
        air_temperature_c=(
            air_temperature_c_on_axis(args.air_temperature, axis) if args.air_temperature else None
        ),
    )
    active = _read_active_plan(args.active_plan) if args.active_plan else None
    outcome = schedule(
        home,
        now,
        requests,
        inputs=inputs,
        active_plan=active,
        options=ScheduleOptions(solver=args.solver, time_limit_s=args.time_limit),
    )
    if args.json:
        print(json.dumps(outcome_json(outcome), indent=2))
    else:
        print(render_outcome(outcome, home))
    return 1 if outcome.status == "error" else 0


def _read_active_plan(path: Path) -> Plan:
    from pydantic import ValidationError

    if not path.is_file():
        raise InputError("--active-plan", f"file {path} does not exist")
    try:
        return Plan.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError("--active-plan", f"not a Hearth plan: {where}: {first['msg']}") from None


def outcome_json(outcome: ScheduleOutcome) -> dict:
    """The ``status``/``message``/``requests``/``plan``/``conflicts`` parts of the machine interface."""
    data = outcome.model_dump(mode="json")
    plan = data.get("plan")
    return {
        "status": outcome.status,
        "message": outcome.message,
        "requests": data["requests"],
        "plan": plan,
        "conflicts": data["conflicts"],
        "diagnosis": data["diagnosis"],
    }


def _clock(moment: datetime, home: Home) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(home.timezone)).strftime("%a %H:%M")


def render_outcome(outcome: ScheduleOutcome, home: Home) -> str:
    """A plain-text plan: the cost table (its rows add up to the total), the cost against the
    naive baseline with the saving's two parts, and the conflicts (or the diagnosis)."""
    from app.render import battery_lines, cost_rows, saving_parts, status_note
    from tools import formatting

    lines: list[str] = []
    plan = outcome.plan
    if plan is not None:
        cur = plan.currency
        lines.append(
            f"Plan {plan.id} for {plan.home}: {_clock(plan.horizon_start, home)} to "
            f"{_clock(plan.horizon_end, home)} in {plan.step_minutes}-minute steps "
            f"({plan.solver}: {plan.solve_status} in {plan.solve_seconds:.2f} s)"
        )
        note = status_note(plan)
        if note:
            lines.append(f"Note: {note}.")
        lines.append("")
        lines.append(
            f"{'item':<24}{'start':<11}{'end':<11}{'energy':>10}{'from grid':>11}{'cost':>10}"
        )
        for item, start, end, energy, grid, cost in cost_rows(plan, home.timezone):
            if item == "Total":
                lines.append("-" * 77)
            start, end = (_short(start), _short(end))
            energy = f"{energy} kWh" if energy not in ("", "—") else energy
            grid = f"{grid} kWh" if grid not in ("", "—") else grid
            lines.append(f"{item:<24}{start:<11}{end:<11}{energy:>10}{grid:>11}{cost:>7} {cur}")
        name = home.battery.name if home.battery else "battery"
        battery = battery_lines(plan, name, home.timezone)
        if battery:
            lines.append("")
            lines.extend(battery)
        lines.append("")
        saving = plan.baseline_cost - plan.cost
        timing, battery_pv = saving_parts(plan)
        share = (formatting.share_of(saving, plan.baseline_cost)
                 if formatting.round_money(saving) > 0 else None)
        of = f" ({formatting.pct(share)} of the baseline)" if share is not None else ""
        lines.append(
            f"cost {formatting.money(plan.cost, cur)} · naive baseline "
            f"{formatting.money(plan.baseline_cost, cur)} · saving {formatting.money(saving, cur)}"
            f"{of}"
        )
        lines.append(
            f"  of which the requests' timing {formatting.money(timing, cur)}, the battery and "
            f"PV plan {formatting.money(battery_pv, cur)} (for the whole home)"
        )
    else:
        lines.append(f"No plan: {outcome.message}")
        if outcome.diagnosis is not None:
            for binding in outcome.diagnosis.binding:
                for alternative in binding.alternatives:
                    lines.append(f"  instead: {alternative.description}")
    if outcome.conflicts:
        lines.append("")
        lines.append("Conflicts:")
        for conflict in outcome.conflicts:
            lines.append(f"  [{conflict.severity}] {conflict.message}")
            lines.extend(f"      → {r}" for r in conflict.resolutions)
    return "\n".join(lines)


def _short(cell: str) -> str:
    """``"Tue 24 Nov 23:15"`` → ``"Tue 23:15"`` (the table's day-and-time columns)."""
    parts = cell.split()
    return f"{parts[0]} {parts[-1]}" if len(parts) == 4 else cell
