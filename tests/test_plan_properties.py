"""Properties of every plan over generated homes (``tests/generated_homes.py``): battery targets
and floors and "not into the car", tight import and export limits, negative prices, several
appliances with windows, quiet hours and dependencies — 30 small homes (≤ 24 h at 15–60 min) and
6 full-size ones (5–60 min steps up to 72 h). ``make fuzz`` runs the full-size generator over 300
homes.

For every home, whatever the requests:

* planning never raises but for a request that does not fit (``InputError``): the audit accepts
  every plan the optimiser returns (an ``AuditError`` here is a bug);
* a plan exists whenever the naive schedule is valid (it passes the audit) — no ``error`` and
  no ``infeasible`` then;
* with money as the only objective, no plan costs more than a valid naive schedule;
* the saving's parts add up to the saving, and the cost table's rows to the plan's cost (also in
  cents).
"""

from __future__ import annotations

import pytest
from generated_homes import Case, DrawPicker, generate_case
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tools.audit import audit_schedule
from tools.baseline import baseline_schedule
from tools.errors import AuditError, InputError
from tools.formatting import round_money
from tools.planning import schedule
from tools.requests import resolve_requests
from tools.scheduler import ScheduleOptions, ScheduleProblem

OPTIONS = ScheduleOptions(time_limit_s=5.0)


@st.composite
def cases(draw: st.DrawFn, size: str = "small") -> Case:
    return generate_case(DrawPicker(draw), size=size)


def naive_is_valid(case: Case) -> bool:
    resolved = resolve_requests(case.home, case.inputs.axis, case.now, case.requests)
    problem = ScheduleProblem(case.home, case.inputs, tuple(resolved), OPTIONS)
    try:
        audit_schedule(problem, baseline_schedule(problem))
    except AuditError:
        return False
    return True


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
        derandomize=True,
    )


@_settings(30)
@given(cases())
def test_every_plan_is_audited_exists_when_it_can_and_reconciles(case: Case) -> None:
    check_plan_properties(case)


@_settings(6)
@given(cases(size="full"))
def test_long_horizons_at_five_minutes_too(case: Case) -> None:
    check_plan_properties(case)


def check_plan_properties(case: Case) -> None:
    try:
        outcome = schedule(case.home, case.now, case.requests, inputs=case.inputs, options=OPTIONS)
    except AuditError as err:
        pytest.fail(f"the audit rejected the optimiser's plan: {err}")
    except InputError:
        event("refused: a request does not fit")
        return  # a request that does not fit the home or the horizon is refused, as it should be
    event(f"{outcome.status}, {len(case.requests)} request(s), {case.inputs.axis.n_steps} steps")
    valid = naive_is_valid(case)
    if valid:
        assert outcome.status == "proposed", outcome.message
    plan = outcome.plan
    if plan is None:
        assert outcome.status in ("infeasible", "error")
        return
    money_only = all(r.objective == "cost" for r in case.requests)
    if valid and money_only:
        assert plan.cost <= plan.baseline_cost + 1e-6, (plan.cost, plan.baseline_cost)
    assert plan.savings.timing + plan.savings.battery_pv == pytest.approx(plan.saving, abs=2e-6)
    assert sum(line.cost for line in plan.cost_lines) == pytest.approx(plan.cost, abs=1e-5)
    assert round(sum(line.cost_cents for line in plan.cost_lines), 2) == round_money(plan.cost)
