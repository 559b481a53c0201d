"""``hearth schedule``: structured requests straight to the planning core, no LLM.

The planning core is imported when the command runs, not when its flags are defined.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.cli.args import add_axis, add_home_and_clock, time_limit_s
from tools.errors import InputError
from tools.files import MAX_SERIES_FILE_BYTES, check_regular_file, read_text

if TYPE_CHECKING:
    from tools.home import Home
    from tools.results import Plan, ScheduleOutcome


def load_home_arg(args: argparse.Namespace) -> Home:
    """``--home`` (or ``$HEARTH_HOME``), else the file ``hearth init`` wrote; validated."""
    from app.paths import default_home_path
    from tools.home import load_home

    if args.home is not None:
        if not str(args.home).strip():
            raise InputError("--home", "is empty; give a home file")
        return load_home(args.home)
    written = default_home_path()
    if not written.is_file():
        raise InputError(
            "--home", "give a home file with --home, set HEARTH_HOME, or describe your home "
            "with `hearth init`"
        )
    return load_home(written)


def now_arg(args: argparse.Namespace, home: Home) -> datetime:
    """``--now`` (checked when the flags were read), else the current minute at the home."""
    if args.now is not None:
        return args.now
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
        "'dishwasher:deadline=06:00'; keys: target_soc, energy_kwh, deadline, earliest, objective; "
        "tanks: temp, draw; heat pumps: min_temp, max_temp; the battery: target_soc with "
        "deadline, floor (with earliest, deadline) or no_ev_discharge, one kind per --request; "
        "'home:mode=away,until=...'",
    )
    add_axis(parser)
    parser.add_argument("--solver", default="highs", choices=["highs", "cbc"])
    parser.add_argument("--time-limit", type=time_limit_s, default=10.0,
                        help="solver time limit [s], more than 0 (default 10)")
    parser.add_argument("--cloud-cover", type=Path, help="cloud cover series [%%] (CSV/JSON)")
    parser.add_argument(
        "--air-temperature", type=Path, help="air temperature series [°C] (CSV/JSON)"
    )
    parser.add_argument(
        "--wind-speed", type=Path, help="wind speed 10 m above ground series [m/s] (CSV/JSON)"
    )
    parser.add_argument(
        "--dr-event",
        action="append",
        default=[],
        metavar="SPEC",
        help="a demand-response event to take part in, e.g. "
        "'start=17:00,end=19:00,cap=2,incentive=0.5' (or reduce=KW instead of cap; "
        "reference=KW, id=NAME); the plan says what it costs and earns",
    )
    parser.add_argument(
        "--active-plan", type=Path,
        help="JSON of an approved plan: its runs of devices not requested now are held as "
        "already approved (fixed loads)",
    )
    parser.add_argument("--json", action="store_true", help="print the machine interface JSON")
    parser.set_defaults(run=run_schedule)


def run_schedule(args: argparse.Namespace) -> int:
    from tools.requests import parse_request_spec

    home = load_home_arg(args)
    now = now_arg(args, home)
    standing = home.water_tanks or home.heat_pumps or home.daily_loads
    if not args.request and not standing:
        raise InputError(
            "--request", "give at least one request, e.g. --request 'ev:deadline=07:00'"
        )
    requests = [parse_request_spec(spec, home, now) for spec in args.request]
    from tools.demand_response import parse_event_spec

    events = [parse_event_spec(spec, now, home.timezone) for spec in args.dr_event]
    for flag in ("cloud_cover", "air_temperature", "wind_speed", "active_plan"):
        if getattr(args, flag) is not None:
            check_file_arg(getattr(args, flag), "--" + flag.replace("_", "-"))

    from app.providers import inputs_builder_for
    from tools.commitments import plan_commitments
    from tools.inputs import horizon_axis
    from tools.planning import schedule
    from tools.scheduler import ScheduleOptions
    from tools.solar import (
        air_temperature_c_on_axis,
        cloud_cover_pct_on_axis,
        wind_speed_m_s_on_axis,
    )

    axis = horizon_axis(home, now, step_minutes=args.step, horizon_hours=args.horizon)
    builder = inputs_builder_for(home)
    inputs = builder(
        home,
        axis,
        cloud_cover_pct=cloud_cover_pct_on_axis(args.cloud_cover, axis)
        if args.cloud_cover
        else None,
        air_temperature_c=(
            air_temperature_c_on_axis(args.air_temperature, axis) if args.air_temperature else None
        ),
        wind_speed_m_s=wind_speed_m_s_on_axis(args.wind_speed, axis) if args.wind_speed else None,
    )
    active = _read_active_plan(args.active_plan) if args.active_plan else None
    committed = [*plan_commitments(active), *active.committed] if active is not None else []
    outcome = schedule(
        home,
        now,
        requests,
        inputs=inputs,
        committed=[c for c in committed if c.pending_at(now)],
        options=ScheduleOptions(solver=args.solver, time_limit_s=args.time_limit),
        events=events,
    )
    if args.json:
        print(json.dumps(outcome_json(outcome), indent=2))
    else:
        print(render_outcome(outcome, home))
    return 1 if outcome.status == "error" else 0


def check_file_arg(path: Path, flag: str) -> None:
    """A file named by a flag must be a regular file of sane size (its content is read later)."""
    check_regular_file(path, flag, max_bytes=MAX_SERIES_FILE_BYTES)


def _read_active_plan(path: Path) -> Plan:
    from pydantic import ValidationError

    from tools.results import Plan

    text = read_text(path, "--active-plan", max_bytes=MAX_SERIES_FILE_BYTES)
    try:
        return Plan.model_validate_json(text)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise InputError("--active-plan", f"{path} is not a Hearth plan: {where}: "
                         f"{first['msg'].lower()}") from None


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
    return moment.astimezone(ZoneInfo(home.timezone)).strftime("%a %H:%M")


def heat_lines(plan: Plan) -> list[str]:
    """The plan's heat and demand-response lines (nothing for a home without them)."""
    lines: list[str] = []
    heat = plan.heat
    if heat is not None:
        lines.append("")
        lines.extend(line.text for line in heat.lines)
        if heat.outdoor_temp_source:
            lines.append(f"outdoor temperature from {heat.outdoor_temp_source}")
        if heat.wind_speed_source:
            lines.append(f"wind speed from {heat.wind_speed_source}")
        modes = {span.mode for span in heat.modes}
        if len(modes) > 1 or modes - {"comfort"}:
            lines.append(
                "modes: "
                + ", ".join(
                    f"{span.mode} {span.start:%a %H:%M}–{span.end:%a %H:%M}" for span in heat.modes
                )
            )
    if plan.demand_response is not None:
        lines.append("")
        lines.append(plan.demand_response.message + " (approve the plan to take part)")
    return lines


def render_outcome(outcome: ScheduleOutcome, home: Home) -> str:
    """A plain-text plan: the cost table (its rows add up to the total), the cost against the
    naive baseline with the saving's two parts, notes on its inputs and the conflicts (or the
    diagnosis)."""
    from app.figures import battery_lines, cost_rows, plan_saving_line, status_note
    from app.render import plain
    from tools import formatting
    from tools.inputs import input_notes

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
            f"{'item':<28}{'start':<11}{'end':<11}{'energy':>10}{'from grid':>11}{'cost':>10}"
        )
        for item, start, end, energy, grid, cost in cost_rows(plan, home.timezone):
            if item == "Total":
                lines.append("-" * 81)
            energy = f"{energy} kWh" if energy not in ("", "—") else energy
            grid = f"{grid} kWh" if grid not in ("", "—") else grid
            lines.append(f"{item:<28}{start:<11}{end:<11}{energy:>10}{grid:>11}{cost:>7} {cur}")
        name = home.label(home.battery.id) if home.battery else "battery"
        battery = battery_lines(plan, name, home.timezone)
        if battery:
            lines.append("")
            lines.extend(battery)
        lines.append("")
        lines.append(
            f"Total {formatting.money(plan.cost, cur)} · {plain(plan_saving_line(plan))}"
        )
        lines += heat_lines(plan)
        lines.extend(f"Note: {note}" for note in input_notes(plan.inputs))
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
