"""The ``hearth`` command line. Errors are translated to exit codes here, once:
0 for a valid outcome (proposed, answered, needs clarification, infeasible), 2 for bad input,
1 for an internal error."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from app.cli.conversation import add_chat_parser, add_plan_parser
from app.cli.evaluate import add_eval_parser
from app.cli.plans import add_store_parsers
from app.cli.schedule import add_schedule_parser
from app.cli.ui import add_ui_parser
from tools.errors import HearthError, InputError

log = logging.getLogger("hearth")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth, the home energy assistant."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_schedule_parser(subparsers)
    add_plan_parser(subparsers)
    add_chat_parser(subparsers)
    add_ui_parser(subparsers)
    add_store_parsers(subparsers)
    add_eval_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BrokenPipeError:
        # The reader closed early (e.g. `hearth plans | head`): not an error of Hearth.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except InputError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    except HearthError as err:
        print(f"hearth: {err}", file=sys.stderr)
        return 1
    except Exception:  # the one catch-all: log the traceback, tell the user plainly
        log.exception("internal error")
        print("hearth: internal error (details above); please report it", file=sys.stderr)
        return 1
