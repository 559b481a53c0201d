"""``hearth init``: describe a home in the terminal and write its home file.

Each question of :data:`app.onboarding.QUESTIONS` is asked on standard input with its default in
brackets (Enter, or the end of the input, takes it; a bad answer is explained and asked again).
Every question also has a flag (``--timezone Europe/Berlin``, ``--pv-kwp 6`` …) that answers it
without asking; with ``--yes`` nothing is asked: flags answer, defaults fill the rest. The summary
marks each default that was used. Exit status 0 written, 2 bad input (an answer, an existing file without
``--force``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from app.onboarding import (
    QUESTIONS,
    AnswerError,
    Answers,
    Question,
    answer,
    home_document,
    write_home,
)
from app.paths import default_home_path
from tools.errors import HomeFileError, InputError


def add_init_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``init``."""
    parser = subparsers.add_parser(
        "init", help="describe your home and write its home file",
        description="Ask about the home (location, tariff, solar, battery, car, appliances) with "
                    "a default for each question, check the answers with the home file's own "
                    "rules and write the file. Flags answer questions; --yes asks nothing.",
    )
    parser.add_argument("--output", type=Path, default=None,
                        help=f"home file to write (default: $HEARTH_HOME or {default_home_path()})")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.add_argument("--yes", action="store_true",
                        help="ask nothing: use the flags given and the defaults for the rest")
    for question in QUESTIONS:
        parser.add_argument(question.option, dest=f"answer_{question.key}", metavar="TEXT",
                            help=question.prompt.replace("%", "%%"))
    parser.set_defaults(run=run_init)


def _ask(question: Question, answers: Answers, stdin: TextIO, out: TextIO) -> Any:
    choices = question.choices(answers)
    while True:
        if choices:
            out.write("\n".join(f"  {value:<34} {label}" for value, label in choices) + "\n")
        out.write(f"{question.prompt} [{question.default(answers)}] ")
        out.flush()
        line = stdin.readline()
        if not line:  # end of input: the default, as if Enter was pressed
            out.write("\n")
            return answer(question, None, answers)
        try:
            return answer(question, line, answers)
        except AnswerError as err:
            out.write(f"  {err.reason}\n")


def collect(args: argparse.Namespace, *, interactive: bool, stdin: TextIO,
            out: TextIO) -> tuple[Answers, list[str]]:
    """Answers from the flags, the terminal or the defaults; and the keys a default filled."""
    answers: Answers = {}
    defaulted: list[str] = []
    for question in QUESTIONS:
        if not question.ask(answers):
            continue
        given = getattr(args, f"answer_{question.key}")
        if given is not None:
            try:
                answers[question.key] = answer(question, given, answers)
            except AnswerError as err:
                raise InputError(question.option, err.reason) from None
        elif interactive:
            answers[question.key] = _ask(question, answers, stdin, out)
        else:
            answers[question.key] = answer(question, None, answers)
            defaulted.append(question.key)
    return answers, defaulted


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(f"{v:g}" for v in value)
    if isinstance(value, list):
        parts = [f"{v['start']}-{v['end']} {v['price_per_kwh']:g}" if isinstance(v, dict)
                 else str(v) for v in value]
        return ", ".join(parts) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_init(args: argparse.Namespace, stdin: TextIO | None = None,
             out: TextIO | None = None) -> int:
    """``hearth init``: ask, check, write; print what was used and what to do next."""
    stdin, out = stdin or sys.stdin, out or sys.stdout
    interactive = not args.yes
    path = (args.output or default_home_path()).expanduser()
    if path.exists() and not args.force:
        raise InputError("--output", f"{path} exists; choose another file or pass --force")
    answers, defaulted = collect(args, interactive=interactive, stdin=stdin, out=out)
    try:
        doc = home_document(answers)
    except HomeFileError as err:
        problems = "; ".join(f"{field}: {reason}" for field, reason in err.problems)
        raise InputError("answers", f"they do not make a valid home ({problems})") from None
    home = write_home(path, doc, overwrite=args.force)
    questions = {q.key: q for q in QUESTIONS}
    out.write(f"Wrote {path} for {home.name}:\n")
    for key, value in answers.items():
        mark = " (default)" if key in defaulted else ""
        out.write(f"  {questions[key].option[2:]:<16} {_shown(value)}{mark}\n")
    hint = "" if path == default_home_path() else f" --home {path}"
    out.write(f"Next: `hearth ui{hint}` and ask for what you need.\n")
    return 0
