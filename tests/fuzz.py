"""``make fuzz``: plan hundreds of generated homes and count what must never happen.

Run ``python tests/fuzz.py`` (``--count 300 --seed 1`` by default; ``--case K`` re-runs one
home and prints it). Each home comes from :func:`generated_homes.generate_case` with a seeded
generator, so case ``K`` of seed ``S`` is the same home on every machine.

Printed: the outcome counts (``proposed`` by solve status, ``infeasible``, ``error``, requests
refused as bad input), and the counts that must be 0:

* **audit violations** — a plan the independent audit rejects (:class:`~tools.errors.AuditError`);
* **internal errors** — any other exception;
* **no plan where the baseline is valid** — no proposal although the naive schedule (every load
  as soon as allowed, battery in self-consumption) passes the audit, i.e. a plan exists;
* **plans above baseline** — a plan that costs more than the naive baseline, among homes whose
  naive schedule is a valid plan and whose requests all ask for the cheapest plan (where the
  naive schedule is not valid — it overdraws the grid connection or leaves the battery below the
  SoC it must end with — it is a price comparison, not a plan Hearth could propose; and a request
  for the greenest or the earliest plan may cost more by design: both are counted apart);
* **unsplit savings** — a plan whose saving is not split into the requests' timing and the
  battery/PV plan, or whose parts do not add up to the saving.

And the slowest plan (wall time of :func:`tools.planning.schedule`, which includes the forecast-free
build, the solves, the audit and the baseline). Exit status 1 if a must-be-0 count is not 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_homes import Case, RngPicker, generate_case

from tools.audit import audit_schedule
from tools.baseline import baseline_schedule
from tools.errors import AuditError, InputError
from tools.planning import schedule
from tools.requests import resolve_requests
from tools.scheduler import ScheduleOptions, ScheduleProblem

COST_TOLERANCE = 1e-6
"""A plan "costs more" than the baseline when it does by more than this [currency]."""


def make_case(seed: int, number: int, size: str) -> Case:
    return generate_case(RngPicker([seed, number]), size=size, label=f"{seed}/{number}")


def baseline_is_valid(case: Case, options: ScheduleOptions) -> bool:
    """Whether the naive schedule of ``case`` passes the audit (so a plan exists)."""
    resolved = resolve_requests(case.home, case.inputs.axis, case.now, case.requests)
    problem = ScheduleProblem(case.home, case.inputs, tuple(resolved), options)
    try:
        audit_schedule(problem, baseline_schedule(problem))
    except AuditError:
        return False
    return True


def run(seed: int, count: int, size: str, options: ScheduleOptions, verbose: bool) -> int:
    outcomes: Counter[str] = Counter()
    bad: dict[str, list[str]] = {
        "audit violations": [],
        "internal errors": [],
        "no plan where the baseline is valid": [],
        "plans above baseline": [],
        "unsplit savings": [],
    }
    above_invalid_baseline = 0
    above_by_objective = 0
    slowest = (0.0, "")
    for number in range(count):
        case = make_case(seed, number, size)
        label = case.label
        started = time.perf_counter()
        try:
            outcome = schedule(case.home, case.now, case.requests, inputs=case.inputs,
                               options=options)
        except AuditError as err:
            bad["audit violations"].append(f"{label}: {err}")
            continue
        except InputError as err:
            outcomes["refused (bad request)"] += 1
            if verbose:
                print(f"{label}: refused: {err}", flush=True)
            continue
        except Exception as err:  # the fuzz reports every failure, then goes on
            bad["internal errors"].append(f"{label}: {type(err).__name__}: {err}")
            continue
        seconds = time.perf_counter() - started
        slowest = max(slowest, (seconds, label))
        plan = outcome.plan
        key = outcome.status if plan is None else f"proposed ({plan.solve_status})"
        outcomes[key] += 1
        valid = baseline_is_valid(case, options)
        if plan is None and valid:
            bad["no plan where the baseline is valid"].append(f"{label}: {outcome.message}")
        if plan is not None and plan.cost > plan.baseline_cost + COST_TOLERANCE:
            if not valid:
                above_invalid_baseline += 1
            elif any(r.objective != "cost" for r in case.requests):
                above_by_objective += 1
            else:
                bad["plans above baseline"].append(
                    f"{label}: {plan.cost:.6f} > {plan.baseline_cost:.6f}")
        if plan is not None:
            split = getattr(plan, "savings", None)
            if split is None or abs(split.timing + split.battery_pv - plan.saving) > 1e-6:
                bad["unsplit savings"].append(label)
        if verbose:
            print(f"{label}: {key} in {seconds:.2f} s", flush=True)

    print(f"{count} generated homes (seed {seed}, size {size}, time limit "
          f"{options.time_limit_s:g} s, solver {options.solver})")
    for key, value in sorted(outcomes.items()):
        print(f"  {key:<40} {value:>5}")
    failed = 0
    for key, cases in bad.items():
        print(f"  {key:<40} {len(cases):>5}")
        failed += len(cases)
        for line in cases[:10]:
            print(f"      {line}")
    print(f"  {'plans above an invalid naive schedule':<40} {above_invalid_baseline:>5}")
    print(f"  {'plans above baseline for co2/asap':<40} {above_by_objective:>5}")
    print(f"  slowest plan: {slowest[0]:.2f} s (case {slowest[1]})")
    return 1 if failed else 0


def show_case(seed: int, number: int, size: str) -> None:
    case = make_case(seed, number, size)
    print(case.home.model_dump_json(indent=1, exclude_defaults=True))
    print("axis:", case.inputs.axis.describe())
    for request in case.requests:
        print("request:", request.model_dump_json(exclude_defaults=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=["full", "small"], default="full")
    parser.add_argument("--time-limit", type=float, default=10.0, help="per plan [s]")
    parser.add_argument("--solver", default="highs", choices=["highs", "cbc"])
    parser.add_argument("--case", type=int, help="print case K of the seed and plan only it")
    parser.add_argument("--verbose", action="store_true", help="one line per home")
    args = parser.parse_args(argv)
    options = ScheduleOptions(solver=args.solver, time_limit_s=args.time_limit)
    if args.case is not None:
        show_case(args.seed, args.case, args.size)
        return run_one(args.seed, args.case, args.size, options)
    return run(args.seed, args.count, args.size, options, args.verbose)


def run_one(seed: int, number: int, size: str, options: ScheduleOptions) -> int:
    case = make_case(seed, number, size)
    outcome = schedule(case.home, case.now, case.requests, inputs=case.inputs, options=options)
    print(outcome.status, outcome.message)
    if outcome.plan is not None:
        plan = outcome.plan
        print(f"cost {plan.cost:.6f} baseline {plan.baseline_cost:.6f} "
              f"status {plan.solve_status} in {plan.solve_seconds:.2f} s")
    print("naive schedule valid:", baseline_is_valid(case, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
