"""``hearth eval CORPUS...``: score dialogue corpora with the configured model.

Accuracy per class and language, silent wrong plans, model calls and tokens
(:mod:`app.cli.corpus` does the work; it is imported only when the command runs).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO


def run_eval(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """``hearth eval CORPUS...``: accuracy per class and language, silent wrong plans, tokens."""
    import asyncio
    import json

    from app.cli.corpus import Runner, evaluate, format_report, read_lines

    out = out or sys.stdout
    items = [item for path in args.corpus for item in read_lines(path)]
    report = asyncio.run(evaluate(items, Runner()))
    if args.json:
        out.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        out.write(format_report(report) + "\n")
        if args.failures:
            out.write("\n" + "\n".join(f"{i}: {why}" for i, why in report.failures) + "\n")
    return 0


def add_eval_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="score a dialogue corpus with the configured model",
        description="Score dialogue corpora (tests/corpus/*.jsonl) with the configured model "
        "(HEARTH_LLM): accuracy per class and language, silent wrong plans, model calls, tokens.",
    )
    parser.add_argument("corpus", nargs="+", help="JSON-lines corpus files")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--failures", action="store_true", help="list every line that failed")
    parser.set_defaults(run=run_eval)
