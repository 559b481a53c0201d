"""Hard cases of the benchmark: how good a plan is after 2 s and 10 s, and when it is proven optimal.

Each case is solved three times from a fresh model with the default options except the time
limit (the stability pass off, as it does not change the cost): at 2 s and at 10 s — the status,
the proven gap (the plan's objective above the best bound the solver proved, in % of the
objective and, in brackets, in money; "optimal" when proven; "no bound" when the solver stopped
before proving one) — and with a long limit (``--proof-limit``, default 120 s) for the time
to the proof of optimality. Every schedule is audited. The solve includes the start plan (every
load as soon as allowed) that the search begins from.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pulp

from tools.audit import audit_schedule
from tools.errors import AuditError
from tools.scheduler import ScheduleProblem, build_model, extract_schedule, solve_model

LIMITS_S = (2.0, 10.0)


def _solve(problem: ScheduleProblem, limit_s: float) -> dict[str, Any]:
    options = replace(problem.options, time_limit_s=limit_s, stable=False)
    model = build_model(replace(problem, options=options))
    started = time.perf_counter()
    report = solve_model(model)
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {"status": report.status, "seconds": seconds, "objective": None,
                           "gap_pct": None, "gap": None, "audit": "not run"}
    if report.status in ("optimal", "feasible"):
        objective = float(report.objective or 0.0)
        out["objective"] = objective
        if report.status == "optimal":
            out["gap"], out["gap_pct"] = 0.0, 0.0
        elif report.bound is not None:
            out["gap"] = max(0.0, objective - report.bound)
            out["gap_pct"] = 100 * out["gap"] / abs(objective) if objective else None
        try:
            audit_schedule(problem, extract_schedule(model))
            out["audit"] = "passed"
        except AuditError as err:
            out["audit"] = str(err)
            out["status"] = "audit_failed"
    return out


def measure_hard(name: str, problem: ScheduleProblem, proof_limit_s: float) -> dict[str, Any]:
    """One hard case: model size, and the outcome at 2 s, at 10 s and with ``proof_limit_s``."""
    model = build_model(problem)
    variables = model.lp.variables()
    row: dict[str, Any] = {
        "case": name,
        "steps": problem.n_steps,
        "variables": len(variables),
        "binaries": sum(1 for v in variables if v.cat == pulp.LpInteger),
        "solver": problem.options.solver,
    }
    for limit in LIMITS_S:
        row[f"at_{limit:g}s"] = _solve(problem, limit)
    proof = _solve(problem, proof_limit_s)
    row["proof"] = proof
    row["proof_s"] = proof["seconds"] if proof["status"] == "optimal" else None
    row["proof_limit_s"] = proof_limit_s
    return row


def format_hard(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The hard-case table: gap at 2 s and 10 s [% of the cost, and (in money)], time to
    proof [s]."""
    head = (
        f"{'case':<44} {'steps':>5} {'binaries':>8} {'gap@2s':>17} {'gap@10s':>17} "
        f"{'proof s':>8} {'cost':>10}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        cells = []
        for limit in LIMITS_S:
            at = r[f"at_{limit:g}s"]
            if at["status"] == "optimal":
                cells.append("optimal")
            elif at["gap"] is not None:
                pct = "" if at["gap_pct"] is None else f"{at['gap_pct']:.2f}% "
                cells.append(f"{pct}({at['gap']:.4f})")
            elif at["status"] == "feasible":
                cells.append("no bound")
            else:
                cells.append(at["status"])
        proof = f"{r['proof_s']:.1f}" if r["proof_s"] is not None else f">{r['proof_limit_s']:g}"
        cost = r["proof"]["objective"]
        lines.append(
            f"{r['case']:<44} {r['steps']:>5} {r['binaries']:>8} {cells[0]:>17} {cells[1]:>17} "
            f"{proof:>8} {'—' if cost is None else format(cost, '.6f'):>10}"
        )
    return lines
