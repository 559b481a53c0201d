"""diff_plans: per-device added/removed/moved/changed runs and the cost change.

Sample plans (app_samples): price 0.30 EUR/kWh, 0.10 EUR/kWh in steps 6–8 (00:00–03:00).
Default plan a: EV 7 kW in steps 6–8 (21 kWh, 2.10 EUR), dishwasher 1.2 kW in step 4 (0.36 EUR),
total 3.96 EUR.
"""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from app_samples import NOW, make_plan

from app.diff import device_spans, diff_plans
from tools.results import DeviceRun


def test_no_previous_plan_means_everything_is_added() -> None:
    diff = diff_plans(None, make_plan("a"))
    assert diff.old_cost is None and diff.cost_change is None
    assert [(c.device, c.kind) for c in diff.devices] == [("ev", "added"), ("dishwasher", "added")]
    ev = diff.devices[0]
    assert ev.new_start == NOW + timedelta(hours=6)
    assert ev.new_end == NOW + timedelta(hours=9)
    assert ev.new_energy_kwh == pytest.approx(21.0)
    assert ev.cost_change == pytest.approx(2.10)


def test_identical_plans_are_unchanged() -> None:
    diff = diff_plans(make_plan("a"), make_plan("b"))
    assert [c.kind for c in diff.devices] == ["unchanged", "unchanged"]
    assert diff.changed == []
    assert diff.cost_change == pytest.approx(0.0)


def test_moved_and_removed() -> None:
    """b charges steps 7–9: 2 × 7 × 0.10 + 7 × 0.30 = 3.50 EUR (+1.40); dishwasher gone (−0.36)."""
    diff = diff_plans(make_plan("a"), make_plan("b", ev_steps=(7, 8, 9), dishwasher_step=None))
    changes = {c.device: c for c in diff.devices}
    assert [c.device for c in diff.devices] == ["ev", "dishwasher"]  # new order, then removed
    assert changes["ev"].kind == "moved"
    assert (changes["ev"].old_start, changes["ev"].new_start) == (
        NOW + timedelta(hours=6), NOW + timedelta(hours=7))
    assert changes["ev"].energy_change_kwh == pytest.approx(0.0)
    assert changes["ev"].cost_change == pytest.approx(1.40)
    assert changes["dishwasher"].kind == "removed"
    assert changes["dishwasher"].old_energy_kwh == pytest.approx(1.2)
    assert changes["dishwasher"].cost_change == pytest.approx(-0.36)
    assert diff.cost_change == pytest.approx(1.04)


def test_same_times_other_energy_is_changed() -> None:
    """6 kW instead of 7 kW in the same cheap hours: 18 kWh, 1.80 EUR: −3 kWh, −0.30 EUR."""
    diff = diff_plans(make_plan("a"), make_plan("b", ev_kw=6.0))
    ev = next(c for c in diff.devices if c.device == "ev")
    assert ev.kind == "changed"
    assert ev.energy_change_kwh == pytest.approx(-3.0)
    assert ev.cost_change == pytest.approx(-0.30)


def test_added_device() -> None:
    diff = diff_plans(make_plan("a", dishwasher_step=None), make_plan("b"))
    dishwasher = next(c for c in diff.devices if c.device == "dishwasher")
    assert dishwasher.kind == "added"
    assert dishwasher.new_start == NOW + timedelta(hours=4)


def test_times_compare_as_instants_not_as_text() -> None:
    """The same runs written in UTC (17:00Z = 18:00+01:00) are unchanged."""
    a = make_plan("a")
    in_utc = a.model_copy(update={"runs": [
        run.model_copy(update={"start": run.start.astimezone(timezone.utc),
                               "end": run.end.astimezone(timezone.utc)})
        for run in a.runs
    ]})
    assert [c.kind for c in diff_plans(a, in_utc).devices] == ["unchanged", "unchanged"]


def test_several_runs_of_a_device_merge_into_one_span() -> None:
    """Runs 00:00–01:00 (7 kWh, 0.70) and 02:00–03:00 (7 kWh, 0.70) → 00:00–03:00, 14 kWh, 1.40."""
    t = NOW + timedelta(hours=6)
    hour = timedelta(hours=1)
    runs = [
        DeviceRun(device="ev", kind="ev_charge", start=t + 2 * hour, end=t + 3 * hour,
                  energy_kwh=7.0, grid_energy_kwh=7.0, cost=0.70),
        DeviceRun(device="ev", kind="ev_charge", start=t, end=t + hour, energy_kwh=7.0,
                  grid_energy_kwh=7.0, cost=0.70),
    ]
    span = device_spans(runs)["ev"]
    assert (span.start, span.end) == (t, t + 3 * hour)
    assert span.energy_kwh == pytest.approx(14.0)
    assert span.cost == pytest.approx(1.40)
