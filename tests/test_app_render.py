"""Markdown rendering of plans, conflicts, diagnoses and diffs.

Sample plan a (app_samples): now Tue 24 Nov 2026 18:00 +01:00 (Europe/Berlin); dishwasher
22:00–23:00 (1.2 kWh × 0.30 = 0.36 EUR), EV 00:00–03:00 Wed (21 kWh × 0.10 = 2.10 EUR);
base load 0.5 kW × 12 h = 6.0 kWh for 1.50 EUR; no PV, no battery, so every kWh comes from the
grid; cost 3.96 EUR, baseline 9.00 EUR, saving 5.04 EUR = 56 % of the baseline, all of it from the
requests' timing (the sample has no battery).
"""

from __future__ import annotations

from datetime import timedelta

from app_samples import NOW, TZ, make_plan

from app.diff import diff_plans
from app.render import (
    conflicts_section,
    diagnosis_section,
    diff_section,
    format_time,
    money,
    outcome_summary,
    plan_summary,
    runs_table,
    totals,
)
from tools.results import Alternative, BindingConstraint, Conflict, Diagnosis, ScheduleOutcome


def test_runs_table_in_home_time_sorted_by_start() -> None:
    """Rows: the devices by first start, then the base load; the costs add up to the total."""
    table = runs_table(make_plan(), TZ).splitlines()
    assert table[0] == "| Item | Start | End | Energy [kWh] | From grid [kWh] | Cost [EUR] |"
    assert table[2] == "| dishwasher | Tue 24 Nov 22:00 | Tue 24 Nov 23:00 | 1.2 | 1.2 | 0.36 |"
    assert table[3] == "| ev | Wed 25 Nov 00:00 | Wed 25 Nov 03:00 | 21.0 | 21.0 | 2.10 |"
    assert table[4] == "| Base load | — | — | 6.0 | 6.0 | 1.50 |"
    assert table[5] == "| **Total** |  |  |  |  | 3.96 |"
    assert len(table) == 6


def test_runs_table_in_another_zone() -> None:
    """00:00 +01:00 is 23:00 UTC the day before."""
    table = runs_table(make_plan(), "UTC")
    assert "| ev | Tue 24 Nov 23:00 | Wed 25 Nov 02:00 | 21.0 | 21.0 | 2.10 |" in table


def test_empty_plan_says_so() -> None:
    """Nothing runs, but the base load still costs 1.50 and the table says so."""
    plan = make_plan(ev_steps=(), dishwasher_step=None)
    text = runs_table(plan, TZ)
    assert text.startswith("_Nothing to run in this plan._")
    assert "| **Total** |  |  |  |  | 1.50 |" in text


def test_totals_show_cost_baseline_and_saving() -> None:
    assert totals(make_plan()) == (
        "**Plan cost:** 3.96 EUR · **without planning:** 9.00 EUR · **saving:** 5.04 EUR "
        "(56% of the cost without planning)\n\nof which the requests' timing 5.04 EUR, the "
        "battery and PV plan 0.00 EUR (for the whole home)"
    )


def test_negative_saving_is_an_extra_cost() -> None:
    """Baseline 3.00 < cost 3.96: extra cost 0.96."""
    assert "**extra cost:** 0.96 EUR" in totals(make_plan(baseline_cost=3.0))


def test_money_has_no_negative_zero() -> None:
    assert money(-0.004, "EUR") == "0.00 EUR"
    assert money(1.235, "GBP") == "1.24 GBP"


def test_format_time_uses_wall_clock() -> None:
    assert format_time(NOW, "America/New_York") == "Tue 24 Nov 12:00"


def test_conflicts_most_severe_first_with_resolutions() -> None:
    conflicts = [
        Conflict(kind="quiet_hours", severity="info", message="dishwasher near quiet hours"),
        Conflict(kind="grid_limit", severity="error", message="11 kW over the 10 kW limit",
                 resolutions=["charge the EV at 6 kW", "move the dishwasher to 04:00"]),
    ]
    lines = conflicts_section(conflicts).splitlines()
    assert lines[0] == "**Conflicts**"
    assert lines[1].startswith("- **error** (grid_limit): 11 kW over")
    assert lines[2] == "    - charge the EV at 6 kW"
    assert lines[4].startswith("- **info** (quiet_hours)")
    assert conflicts_section([]) == ""


def test_diagnosis_lists_binding_constraints_and_alternatives() -> None:
    diagnosis = Diagnosis(
        message="80% by 07:00 needs 28 kWh; the charger delivers 21.6 kWh by then",
        binding=[BindingConstraint(
            kind="ev_charger_power", device="ev", message="charger limit 7.2 kW",
            alternatives=[Alternative(description="reach 66% by 07:00", device="ev",
                                      target_soc_pct=66, deadline=NOW + timedelta(hours=13))],
        )],
    )
    text = diagnosis_section(diagnosis, TZ)
    assert text.startswith("**Cannot be done as asked:** 80% by 07:00 needs 28 kWh")
    assert "- ev_charger_power (ev): charger limit 7.2 kW" in text
    assert "    - instead: reach 66% by 07:00 — by Wed 25 Nov 07:00" in text


def test_outcome_summary_infeasible_shows_diagnosis() -> None:
    outcome = ScheduleOutcome(
        status="infeasible", message="The EV cannot reach 80% by 07:00.",
        diagnosis=Diagnosis(message="charger too slow", binding=[]),
        solve_status="infeasible",
    )
    text = outcome_summary(outcome, TZ)
    assert text.startswith("The EV cannot reach 80% by 07:00.")
    assert "**Cannot be done as asked:** charger too slow" in text


def test_outcome_summary_with_plan_is_the_plan_summary() -> None:
    plan = make_plan()
    conflict = Conflict(kind="overlap", severity="warning", message="dishwasher overlaps EV")
    outcome = ScheduleOutcome(status="proposed", message="ok", plan=plan, conflicts=[conflict],
                              solve_status="optimal")
    assert outcome_summary(outcome, TZ) == plan_summary(plan, [conflict], TZ)


def test_plan_summary_parts_and_unproven_status() -> None:
    text = plan_summary(make_plan(), [], TZ)
    assert text.startswith("### Proposed plan\n\n**Plan cost:** 3.96 EUR")
    assert "| ev | Wed 25 Nov 00:00 |" in text
    assert "Conflicts" not in text
    assert "not proven optimal" not in text
    unproven = make_plan().model_copy(update={"solve_status": "feasible"})
    assert "_Solver status feasible: valid, but not proven optimal._" in plan_summary(
        unproven, [], TZ
    )


def test_diff_section_first_plan_and_changes() -> None:
    assert diff_section(diff_plans(None, make_plan()), TZ) == (
        "There was no active plan before; this is the first one."
    )
    text = diff_section(diff_plans(make_plan("a"), make_plan("b", ev_steps=(7, 8, 9),
                                                              dishwasher_step=None)), TZ)
    lines = text.splitlines()
    assert lines[0] == ("**Changes against the previous plan** (cost 3.96 EUR → 5.00 EUR, "
                        "+1.04 EUR):")
    assert lines[1] == ("- **ev** moved: Wed 25 Nov 00:00–Wed 25 Nov 03:00 → "
                        "Wed 25 Nov 01:00–Wed 25 Nov 04:00 (+1.40 EUR)")
    assert lines[2] == ("- **dishwasher** removed (was Tue 24 Nov 22:00–Tue 24 Nov 23:00, "
                        "1.2 kWh; -0.36 EUR)")


def test_diff_section_without_changes() -> None:
    text = diff_section(diff_plans(make_plan("a"), make_plan("b")), TZ)
    assert text.endswith("- no device runs at a different time")
