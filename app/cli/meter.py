"""``hearth meter check FILE``: how well a meter history forecasts its own last week.

Learns the same-weekday profile from all but the last week of the history, forecasts that week
with it and with the standard household profile (BDEW H0 scaled to the history's energy), and
prints both mean absolute errors and which one a ``base_load: {type: learned, ...}`` home would
plan with. Exit status 2 for a file or unit Hearth cannot read. The planning core is imported
when the command runs, not when its flags are defined.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tools.errors import InputError


def add_meter_parser(subparsers: argparse._SubParsersAction) -> None:
    meter = subparsers.add_parser(
        "meter", help="smart-meter history: check a learned base load",
        description="Work with a smart-meter history (CSV/JSON of timestamps and kWh or kW).",
    )
    actions = meter.add_subparsers(dest="meter_command", required=True)
    check = actions.add_parser(
        "check", help="compare the learned base load with the standard profile on the last week",
        description="Hold back the history's last week, forecast it from the rest with the "
        "same-weekday profile and with the standard household profile, and print both errors.",
    )
    check.add_argument("file", type=Path, help="meter history (CSV or JSON series)")
    check.add_argument("--unit", required=True, choices=["kwh", "kw"],
                       help="kwh: energy per interval; kw: mean power per interval")
    check.add_argument("--value-column", help="the value column, if the file has several")
    where = check.add_mutually_exclusive_group(required=True)
    where.add_argument("--home", help="home file (for its time zone)")
    where.add_argument("--timezone", help="IANA time zone of the household, e.g. Europe/Berlin")
    check.add_argument("--half-life-weeks", type=float, default=2.0,
                       help="recency weighting: a week this much older counts half (default 2)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(run=run_meter_check)


def run_meter_check(args: argparse.Namespace) -> int:
    from tools.baseload_learned import (
        HOLD_OUT_DAYS,
        MIN_TRAINING_DAYS,
        check_against_standard,
        read_meter_history,
    )
    from tools.home import load_home

    if not args.file.is_file():
        raise InputError("FILE", f"{args.file} does not exist")
    if not 0 < args.half_life_weeks <= 52:
        raise InputError("--half-life-weeks", f"must be more than 0 and at most 52, got {args.half_life_weeks:g}")
    tz_name = load_home(args.home).timezone if args.home else args.timezone
    history = read_meter_history(args.file, unit=args.unit, tz_name=_zone(tz_name),
                                 value_column=args.value_column)
    check = check_against_standard(history, half_life_weeks=args.half_life_weeks)
    valid = history.dropna()
    days = len(valid.index.normalize().unique())
    summary = {
        "file": str(args.file), "days": days,
        "mean_power_kw": round(float(valid.mean()), 3),
        "learned_mae_kw": None if check is None else round(check.learned_mae_kw, 3),
        "standard_mae_kw": None if check is None else round(check.standard_mae_kw, 3),
        "held_back": None if check is None else [check.test_start.isoformat(), check.test_end.isoformat()],
        "better": None if check is None else check.better,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{args.file}: {days} days of readings, mean {summary['mean_power_kw']:.3f} kW")
    if check is None:
        print(f"Too short to check: holding back a week needs {MIN_TRAINING_DAYS + HOLD_OUT_DAYS} "
              "days; a learned base load would use the same-weekday profile unchecked.")
        return 0
    print(f"Held back {check.test_start:%a %Y-%m-%d %H:%M} to {check.test_end:%a %Y-%m-%d %H:%M}, "
          f"forecast from the {check.training_days} days before:")
    learned_label = f"same-weekday profile (half-life {args.half_life_weeks:g} weeks)"
    print(f"  {learned_label:<44} mean absolute error {check.learned_mae_kw:.3f} kW")
    print(f"  {'standard profile (BDEW H0, scaled)':<44} mean absolute error "
          f"{check.standard_mae_kw:.3f} kW")
    chosen = "the same-weekday profile" if check.better == "learned" else "the standard profile"
    print(f"A home with base_load type 'learned' on this file plans with {chosen}.")
    return 0


def _zone(name: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        raise InputError("--timezone", f"{name!r} is not an IANA time zone such as Europe/Berlin") from None
    return name
