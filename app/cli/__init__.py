"""The ``hearth`` command line. Errors are translated to exit codes here, once:
0 for a valid outcome (proposed, answered, needs clarification, infeasible), 2 for bad input,
1 for an internal error.

Start-up is kept light: this package and every command's flag definitions import only the
standard library and ``tools.dates``/``tools.errors``/``tools.limits``, so ``hearth --help`` and a
bad flag answer at once. Each command imports the planning core, the agents or the UI when it
runs (``tests/test_cli_startup.py`` keeps it so).

Internal errors are logged with their traceback to the log file (:mod:`app.logs`); the terminal
gets one line, or the traceback too with ``--verbose``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from app.cli.api import add_api_parsers
from app.cli.args import HearthParser, add_verbose
from app.cli.conversation import add_chat_parser, add_plan_parser
from app.cli.init import add_init_parser
from app.cli.meter import add_meter_parser
from app.cli.plans import add_store_parsers
from app.cli.run import add_run_parser
from app.cli.schedule import add_schedule_parser
from app.cli.standing import add_standing_parser
from app.cli.ui import add_ui_parser
from app.logs import configure_logging
from tools.errors import HearthError, InputError

log = logging.getLogger("hearth")


def build_parser() -> argparse.ArgumentParser:
    parser = HearthParser(prog="hearth", description="Hearth, the home energy assistant.")
    add_verbose(parser, top=True)
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_schedule_parser(subparsers)
    add_plan_parser(subparsers)
    add_chat_parser(subparsers)
    add_ui_parser(subparsers)
    add_init_parser(subparsers)
    add_store_parsers(subparsers)
    add_run_parser(subparsers)
    add_api_parsers(subparsers)
    add_meter_parser(subparsers)
    add_standing_parser(subparsers)
    for command in subparsers.choices.values():
        add_verbose(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log_path = configure_logging(verbose=args.verbose)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # Ctrl-C: the user's choice, not an error to explain
        print("hearth: interrupted", file=sys.stderr)
        return 130
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
        log.exception("internal error in `hearth %s`", args.command)
        where = "above" if args.verbose else f"in {log_path}"
        print(f"hearth: internal error (details {where}); please report it", file=sys.stderr)
        return 1
