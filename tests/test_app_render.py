"""The plan card (app/card.py) and its Markdown (app/render.py): names, times, money, notes,
approved and cancelled runs, the battery's day, infeasible requests, diffs and what comes next.

Sample plan a (app_samples): now Tue 24 Nov 2026 18:00 +01:00 (Europe/Berlin), 12 hourly steps;
Dishwasher 22:00–23:00 (1.2 kWh × 0.30 = 0.36 EUR), Family car Wed 00:00–03:00 (21 kWh × 0.10 =
2.10 EUR); cost 3.96 EUR, baseline 9.00 EUR, saving 5.04 EUR = 56 % of the baseline. The home
file's ids are ``ev``, ``dishwasher`` and ``battery``; none of them may appear in the text
(``battery`` only where it is part of the name "Home battery" or plain English).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from app_samples import NOW, TZ, make_plan, only_dishwasher, sample_home

from app.card import battery_story, infeasible_card, plan_card
from app.diff import diff_commitments, diff_plans
from app.render import (
    approver_label,
    card_markdown,
    commitments_markdown,
    diff_markdown,
    infeasible_markdown,
    money,
    next_steps,
    plain,
    planned_summary,
    saving_line,
    span,
)
from tools.commitments import plan_commitments
from tools.reading import reading_line
from tools.requests import DeviceRequest
from tools.results import (
    Alternative,
    BatteryRequestResult,
    BindingConstraint,
    Conflict,
    Diagnosis,
)

IDS = ("ev", "dishwasher")


def has_an_id(text: str) -> bool:
    return any(re.search(rf"\b{device}\b", text) for device in IDS)


def conflict(n: int, severity: str = "info") -> Conflict:
    return Conflict(kind="grid_limit", severity=severity, message=f"Note {n} applies. More text.",
                    resolutions=[f"fix {n}"])


def test_card_lines_name_each_run_with_local_times_energy_and_cost() -> None:
    card = plan_card(make_plan(), sample_home(), number=3)
    text = card_markdown(card, TZ, heading="Plan 3 — proposed")
    assert text.startswith("### Plan 3 — proposed")
    assert "- **Dishwasher** · Tue 22:00–23:00 · 1.2 kWh · 0.36 EUR" in text
    assert "- **Family car** · Wed 00:00–03:00 · 21.0 kWh · 2.10 EUR" in text
    assert text.index("Dishwasher") < text.index("Family car")  # by start time
    assert ("**Total 3.96 EUR** for Tue 18:00–Wed 06:00 · without planning 9.00 EUR · "
            "**you save 5.04 EUR** (56% of the cost without planning): 5.04 EUR from the "
            "requests' timing, 0.00 EUR from the battery and PV plan for the whole home") in text
    assert not has_an_id(text)
    assert "plan-" not in text  # the plan's internal id never shows


def test_the_battery_line_tells_its_day() -> None:
    """Battery idle at 50 %: "50% now, 50% at the end · stays idle". Then a day with PV 3 kW
    and base 0.5 kW in step 0 (no other load): charging 2 kW, all of it from the 2.5 kW spare
    PV; discharging 1 kW in step 5; SoC 50 → 69 (step 1) … down to 40 at step 6, 45 at the end.
    Stored 2.0 kWh (2.0 kWh from solar), given back 1.0 kWh, lowest 40% at Wed 00:00."""
    home = sample_home()
    idle = card_markdown(plan_card(make_plan(), home), TZ, heading="x")
    assert "- **Home battery** · 50% now, 50% at the end · stays idle" in idle

    plan = make_plan()
    n = len(plan.series.times)
    zeros = [0.0] * n
    series = plan.series.model_copy(update={
        "pv_kw": [3.0, *zeros[1:]], "battery_charge_kw": [2.0, *zeros[1:]],
        "battery_discharge_kw": [*zeros[:5], 1.0, *zeros[6:]],
        "battery_soc_pct": [50.0] + [69.0] * 5 + [40.0] * 6 + [45.0, 45.0][: n + 1 - 12],
    })
    story = battery_story(plan.model_copy(update={"series": series}), home)
    assert story is not None
    assert (story.stored_kwh, story.stored_from_solar_kwh, story.given_kwh) == (
        pytest.approx(2.0), pytest.approx(2.0), pytest.approx(1.0))
    assert story.soc_min_pct == 40.0 and story.soc_min_at == NOW + timedelta(hours=6)
    card = plan_card(plan.model_copy(update={"series": series}), home)
    assert ("- **Home battery** · 50% now, lowest 40% at Wed 00:00, 45% at the end · stores "
            "2.0 kWh (2.0 kWh from solar), gives back 1.0 kWh") in card_markdown(card, TZ,
                                                                                  heading="x")


def test_at_most_three_notes_most_severe_first_each_one_sentence_with_its_fix() -> None:
    conflicts = [conflict(1, "warning"), conflict(2), conflict(3), conflict(4), conflict(5)]
    card = plan_card(make_plan(), sample_home(), conflicts=conflicts)
    assert [n.text for n in card.notes] == ["Note 1 applies.", "Note 2 applies.",
                                            "Note 3 applies."]
    assert card.more_notes == 2
    text = card_markdown(card, TZ, heading="x")
    assert "- Note 1 applies. *To change it: fix 1.*" in text
    assert "- and 2 more notes of less weight." in text
    assert "grid_limit" not in text and "warning" not in text and "info" not in text


def test_already_approved_and_cancelled_runs_are_listed_apart() -> None:
    """The dishwasher planned alone next to the car's run approved in plan 1 (21 kWh, 2.10 EUR
    at this plan's prices); then a plan that cancels the car's run."""
    car = plan_commitments(make_plan(dishwasher_step=None))
    car = [c.model_copy(update={"plan_number": 1, "approved_by": "you (no login)"})
           for c in car if c.device == "ev"]
    plan = only_dishwasher(committed=car)
    run = next(r for r in make_plan().runs if r.device == "ev")
    plan = plan.model_copy(update={"committed_runs": [run]})
    text = card_markdown(plan_card(plan, sample_home(), number=2), TZ, heading="x")
    assert ("*Already approved, kept as they are:*\n"
            "- **Family car** · Wed 00:00–03:00 · 21.0 kWh · 2.10 EUR (plan 1)") in text
    cancel = make_plan(dishwasher_step=None).model_copy(update={"released": car, "runs": []})
    text = card_markdown(plan_card(cancel, sample_home()), TZ, heading="x")
    assert "*Approving this cancels:*\n- **Family car** · Wed 00:00–03:00" in text
    assert "Nothing new to run." not in text  # the battery line is there
    assert not has_an_id(text)


def test_planned_summary_and_solver_note() -> None:
    card = plan_card(make_plan(), sample_home())
    assert planned_summary(card) == "Planned 2 devices, optimal"
    feasible = make_plan().model_copy(update={"solve_status": "feasible"})
    card = plan_card(feasible, sample_home())
    assert planned_summary(card) == "Planned 2 devices, not proven optimal"
    assert "stopped before proving it the cheapest" in card_markdown(card, TZ, heading="x")


def test_saving_line_names_both_parts_and_what_the_share_is_of() -> None:
    """Contract 5 on the card. Sample: 9.00 − 3.96 = 5.04 saved, 5.04 / 9.00 = 56.0 % of the cost
    without planning, all of it from the requests' timing. "Run the washer right now": 1.10 −
    0.68 = 0.42 saved (0.42 / 1.10 = 38.18… → 38.2 %), none of it by the washer's timing."""
    assert saving_line(3.96, 9.0, "EUR", timing=5.04, battery_pv=0.0) == (
        "without planning 9.00 EUR · **you save 5.04 EUR** (56% of the cost without planning): "
        "5.04 EUR from the requests' timing, 0.00 EUR from the battery and PV plan for the whole "
        "home")
    assert saving_line(0.68, 1.10, "EUR", timing=0.0, battery_pv=0.42) == (
        "without planning 1.10 EUR · **you save 0.42 EUR** (38.2% of the cost without planning): "
        "0.00 EUR from the requests' timing, 0.42 EUR from the battery and PV plan for the whole "
        "home")


def test_saving_parts_add_up_to_the_rounded_saving() -> None:
    """0.333 + 0.333 = 0.666 → 0.67 saved; rounding each part alone shows 0.33 + 0.33 = 0.66, so
    the missing cent goes to the first part (equal remainders: the earlier one): 0.34 + 0.33."""
    line = saving_line(0.334, 1.0, "EUR", timing=0.333, battery_pv=0.333)
    assert "**you save 0.67 EUR** (66.6% of the cost without planning)" in line
    assert line.endswith("0.34 EUR from the requests' timing, 0.33 EUR from the battery and PV "
                         "plan for the whole home")


def test_an_extra_cost_says_so_and_why() -> None:
    """3.96 against 3.00 without planning is 0.96 more; here the timing adds 1.20 and the battery
    earns 0.24 back (−1.20 + 0.24 = −0.96). Running everything at once did not fit the home."""
    line = saving_line(3.96, 3.0, "EUR", timing=-1.20, battery_pv=0.24, baseline_valid=False)
    assert line == (
        "without planning 3.00 EUR · this costs 0.96 EUR more (running everything at once does "
        "not fit this home's limits): the requests' timing adds 1.20 EUR, 0.24 EUR from the "
        "battery and PV plan for the whole home")
    assert money(-0.004, "EUR") == "0.00 EUR"


def test_the_card_says_how_sure_a_time_limited_plan_is() -> None:
    """A plan stopped at its time limit within 0.3 % of the best bound says so; the plan of
    running everything as soon as possible says that is what it is."""
    gap = make_plan().model_copy(update={"solve_status": "feasible", "solve_gap_pct": 0.3,
                                         "solve_gap": 0.012})
    text = card_markdown(plan_card(gap, sample_home()), TZ, heading="x")
    assert ("_Within 0.3% of the best possible cost (the search stopped at its time limit)._"
            in text)
    naive = make_plan().model_copy(update={"solve_status": "feasible", "basis": "baseline"})
    text = card_markdown(plan_card(naive, sample_home()), TZ, heading="x")
    assert "_The optimiser found nothing cheaper than running everything as soon as possible" in text


def test_battery_requests_read_back_and_their_outcome_on_the_card() -> None:
    """A floor of 30 % from 22:00 to Wed 06:00 and "not into the car" until the horizon's end
    read back in words; the plan's lowest SoC in the floor's period is a line of its own."""
    home = sample_home()
    floor = DeviceRequest(device="battery", kind="battery_floor", floor_soc_pct=30,
                          earliest_start=NOW + timedelta(hours=4),
                          deadline=NOW + timedelta(hours=12))
    assert reading_line(floor, home) == (
        "Home battery → keep above 30% until Wed 06:00, not before Tue 22:00")
    assert reading_line(floor, home, lang="de") == (
        "Home battery → über 30% bis Mi 06:00, nicht vor Di 22:00")
    no_ev = DeviceRequest(device="battery", kind="battery_no_ev_discharge",
                          deadline=NOW + timedelta(hours=12))
    assert reading_line(no_ev, home) == (
        "Home battery → no discharging into the car until Wed 06:00")
    result = BatteryRequestResult(kind="battery_floor", start=floor.earliest_start,
                                  end=floor.deadline, requested_soc_pct=30, planned_soc_pct=31.25)
    plan = make_plan().model_copy(update={"battery_requests": [result]})
    text = card_markdown(plan_card(plan, home), TZ, heading="x")
    assert ("- Home battery: at least 30% from Tue 22:00 to Wed 06:00 — lowest planned 31.3%"
            in text)


def test_spans_on_one_day_and_across_midnight() -> None:
    assert span(NOW, NOW + timedelta(hours=2), TZ) == "Tue 18:00–20:00"
    assert span(NOW + timedelta(hours=5), NOW + timedelta(hours=9), TZ) == "Tue 23:00–Wed 03:00"
    assert span(NOW, NOW + timedelta(hours=2), "UTC") == "Tue 17:00–19:00"


def test_infeasible_card_says_why_once_and_offers_the_alternatives() -> None:
    """The exact conflict is the sentence (it has no alternatives in it); the alternatives are
    the choices, labelled by the device's name only when several devices are stuck."""
    deadline = datetime.fromisoformat("2026-11-24T20:00:00+01:00")
    diagnosis = Diagnosis(message="long text", binding=[BindingConstraint(
        kind="ev_charger_power", device="ev",
        message="Family car: 100% by 20:00 needs 39.0 kWh; the charger can deliver 19.8 kWh by "
                "then: reach 68% by 20:00, or 100% by 22:00",
        alternatives=[Alternative(description="reach 68% by 20:00", device="ev",
                                  target_soc_pct=68.0, deadline=deadline),
                      Alternative(description="100% by 22:00", device="ev", target_soc_pct=100.0,
                                  deadline=deadline + timedelta(hours=2))])])
    exact = Conflict(kind="grid_limit", severity="error", devices=["ev"],
                     message="Family car to 100% by 20:00 needs 39.0 kWh in the battery.",
                     resolutions=["reach 68% by 20:00"])
    card = infeasible_card(diagnosis, sample_home(), conflicts=[exact])
    [problem] = card.problems
    assert problem.sentence == exact.message
    assert [c.label for c in problem.choices] == ["Reach 68% by 20:00", "100% by 22:00"]
    first = problem.choices[0].alternative
    assert (first.target_soc_pct, first.deadline) == (68.0, deadline)
    text = infeasible_markdown(card)
    assert text.count("39.0 kWh") == 1  # said once
    assert text.startswith("**This cannot be done as asked.** Family car to 100%")
    assert "Pick what works for you below" in text
    assert not has_an_id(text)


def test_diff_names_devices_and_calls_a_removed_run_cancelled() -> None:
    """Plan b moves the car to 01:00–04:00 (+1.40 EUR) and drops the dishwasher (−0.36)."""
    home = sample_home()
    diff = diff_plans(make_plan("a"), make_plan("b", ev_steps=(7, 8, 9), dishwasher_step=None))
    text = diff_markdown(diff, home.label, TZ)
    assert "- **Family car** moved: Wed 00:00–03:00 → Wed 01:00–04:00 (+1.40 EUR)" in text
    assert "- **Dishwasher** cancelled (was Tue 22:00–23:00, 1.2 kWh; -0.36 EUR)" in text
    assert diff_markdown(diff_plans(None, make_plan()), home.label, TZ).startswith(
        "Nothing was approved before")
    assert diff_markdown(diff_plans(make_plan("a"), make_plan("b")), home.label, TZ) == (
        "No approved run changed.")
    assert not has_an_id(text)


def test_diff_of_commitments_keeps_the_battery_out_of_moves() -> None:
    """A battery whose run changed is 're-planned', not 'moved'; unchanged runs are named."""
    before = plan_commitments(make_plan("a"))
    battery = before[0].model_copy(update={"device": "battery", "kind": "battery", "name": ""})
    moved = battery.model_copy(update={"segments": [
        s.model_copy(update={"start": s.start + timedelta(hours=1), "end": s.end +
                             timedelta(hours=1)}) for s in battery.segments]})
    diff = diff_commitments([*before, battery], [*before, moved], "EUR")
    text = diff_markdown(diff, sample_home().label, TZ, battery_ids={"battery"})
    assert "- **Home battery** re-planned around the other runs" in text
    assert "- Unchanged: Family car, Dishwasher" in text or \
        "- Unchanged: Dishwasher, Family car" in text


def test_next_steps_name_the_next_run_and_what_to_do() -> None:
    commitments = plan_commitments(make_plan())
    text = next_steps(commitments, NOW, TZ)
    assert text.startswith("**Next:** Dishwasher starts at Tue 22:00. Then: Family car.")
    assert "If your plans change, just tell me" in text
    running = next_steps(commitments, NOW + timedelta(hours=4, minutes=30), TZ)
    assert running.startswith("**Next:** Dishwasher keeps running until Tue 23:00.")
    assert next_steps(commitments, NOW + timedelta(days=1), TZ).startswith(
        "**Next:** nothing is scheduled to run.")


def test_active_runs_say_who_approved_them_as_you() -> None:
    commitments = [c.model_copy(update={"plan_number": 1, "approved_by": "you (no login)"})
                   for c in plan_commitments(make_plan())]
    text = commitments_markdown(commitments, "EUR", TZ, me="you (no login)")
    assert "- **Dishwasher** · Tue 22:00–23:00 · 1.2 kWh · 0.36 EUR (plan 1, approved by you)" \
        in text
    assert approver_label("alex", "sam") == "alex" and approver_label("sam", "sam") == "you"
    assert commitments_markdown([], "EUR", TZ, me="x") == "No device runs are approved right now."


def test_plain_text_for_the_terminal() -> None:
    text = plain(card_markdown(plan_card(make_plan(), sample_home(), number=1), TZ,
                               heading="Plan 1 — proposed"))
    assert text.startswith("Plan 1 — proposed\n")
    assert "**" not in text and "###" not in text
    assert "- Family car · Wed 00:00–03:00 · 21.0 kWh · 2.10 EUR" in text


def test_request_lines_read_each_request_back_by_name() -> None:
    """The car to 80 % by Wed 07:00 (+01:00), cheapest; the dishwasher once, not before 22:00,
    greenest; 20 kWh as soon as possible by the horizon end (Wed 18:00). The card's reading is
    :func:`tools.reading.reading_line`'s, word for word."""
    home = sample_home()
    car = DeviceRequest(device="ev", kind="ev_charge", target_soc_pct=80,
                        deadline=datetime.fromisoformat("2026-11-25T07:00:00+01:00"))
    dishes = DeviceRequest(device="dishwasher", kind="appliance_run", objective="co2",
                           earliest_start=NOW + timedelta(hours=4), deadline=NOW + timedelta(hours=12))
    energy = DeviceRequest(device="ev", kind="ev_charge", energy_kwh=20, objective="asap",
                           deadline=NOW + timedelta(hours=24))
    assert reading_line(car, home) == "Family car → 80% by Wed 07:00, cheapest"
    assert reading_line(dishes, home) == (
        "Dishwasher → done by Wed 06:00, not before Tue 22:00, greenest")
    assert reading_line(energy, home) == (
        "Family car → add 20 kWh by Wed 18:00, as soon as possible")
    text = card_markdown(plan_card(make_plan(), home, readings=[reading_line(car, home)]),
                         TZ, heading="x")
    assert "*How I read it:*\n- Family car → 80% by Wed 07:00, cheapest" in text


def test_request_lines_for_heat_and_the_home_mode() -> None:
    """examples/home-heat.yaml: the hot-water tank to 55 °C with a 150 l draw by Wed 07:00; the
    heat pump's room 19–22 °C; the whole home in eco mode until Wed 18:00 (German too)."""
    from pathlib import Path

    from tools.home import load_home

    home = load_home(Path(__file__).resolve().parents[1] / "examples" / "home-heat.yaml")
    seven = datetime.fromisoformat("2026-11-25T07:00:00+01:00")
    tank = DeviceRequest(device="hot_water", kind="water_heat", target_temp_c=55,
                         draw_litres=150, deadline=seven)
    room = DeviceRequest(device="heat_pump", kind="comfort", min_temp_c=19, max_temp_c=22,
                         deadline=seven)
    mode = DeviceRequest(device="home", kind="mode", mode="eco",
                         deadline=NOW + timedelta(hours=24))
    assert reading_line(tank, home).endswith("→ 55 °C 150 l drawn by Wed 07:00, cheapest")
    assert reading_line(tank, home, lang="de").endswith(
        "→ 55 °C 150 l Entnahme bis Mi 07:00, möglichst günstig")
    assert reading_line(room, home).endswith("→ 19–22 °C by Wed 07:00, cheapest")
    assert reading_line(mode, home) == "Whole home → eco mode until Wed 18:00, cheapest"
    assert reading_line(mode, home, lang="de") == (
        "Ganzes Haus → Modus Eco bis Mi 18:00, möglichst günstig")
