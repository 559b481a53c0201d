"""The flags every ``hearth`` command shares, and the one validator per kind of value.

Each validator is an ``argparse`` ``type``: a bad value ends the command with exit status 2 and
one line naming the flag (``hearth plan: error: argument --step: must be one of 5, 15, 30 or 60
minutes, got '7'``), before anything heavy is imported. The planning core checks the same
bounds again at its own boundary (:mod:`tools.limits`).

Standard library and ``tools.dates``/``tools.limits`` only: this module is imported for
``hearth --help``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable
from datetime import datetime
from typing import NoReturn

from tools.dates import parse_aware_datetime
from tools.errors import InputError
from tools.limits import ALLOWED_STEP_MINUTES, MAX_HORIZON_HOURS

#: Longest solver time limit [s].
MAX_TIME_LIMIT_S = 3600.0
#: Longest list of ``hearth plans`` [versions].
MAX_LIST_LIMIT = 10_000
#: Largest plan id accepted on the command line (SQLite's integer range).
MAX_PLAN_ID = 2**63 - 1
_HOST = re.compile(r"^[A-Za-z0-9.:\-\[\]%]{1,253}$")


class HearthParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line: the command, the flag, the reason."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def shown(text: str, limit: int = 40) -> str:
    """``repr`` of user text for a message, cut to ``limit`` characters before it is formatted."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def is_utf8(text: str) -> bool:
    """Whether ``text`` came from valid UTF-8 (Python turns stray bytes of arguments and of
    standard input into lone surrogates, which no model client can send)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {shown(text)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"is not a number ({shown(text)}); give a finite value")
    return value


def _whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {shown(text)}") from None


def step_minutes(text: str) -> int:
    """``--step``: one of 5, 15, 30, 60 [min]."""
    allowed = ", ".join(str(s) for s in ALLOWED_STEP_MINUTES[:-1])
    words = f"must be one of {allowed} or {ALLOWED_STEP_MINUTES[-1]} minutes"
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{words}, got {shown(text)}") from None
    if value not in ALLOWED_STEP_MINUTES:
        raise argparse.ArgumentTypeError(f"{words}, got {shown(text)}")
    return value


def horizon_hours(text: str) -> float:
    """``--horizon``: more than 0 and at most 72 [h]."""
    value = _number(text)
    if not 0 < value <= MAX_HORIZON_HOURS:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_HORIZON_HOURS} hours, got {shown(text)}"
        )
    return value


def time_limit_s(text: str) -> float:
    """``--time-limit``: more than 0 and at most an hour [s]."""
    value = _number(text)
    if not 0 < value <= MAX_TIME_LIMIT_S:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_TIME_LIMIT_S:g} seconds, got {shown(text)}"
        )
    return value


def aware_time(text: str) -> datetime:
    """``--now``: ISO 8601 with an offset, years 1900–2200; never empty."""
    try:
        return parse_aware_datetime(text, "--now")
    except InputError as err:
        raise argparse.ArgumentTypeError(err.reason) from None


def plan_id(text: str) -> int:
    """A plan number of the plan store: a whole number from 1."""
    value = _whole(text)
    if not 1 <= value <= MAX_PLAN_ID:
        raise argparse.ArgumentTypeError(f"must be a plan number from 1 (see `hearth plans`), got {shown(text)}")
    return value


def list_limit(text: str) -> int:
    """``--limit``: how many plan versions, 1 to 10,000."""
    value = _whole(text)
    if not 1 <= value <= MAX_LIST_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_LIST_LIMIT:,}, got {shown(text)}")
    return value


def tcp_port(text: str) -> int:
    """``--port``: 1 to 65535."""
    value = _whole(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {shown(text)}")
    return value


def host_name(text: str) -> str:
    """``--host``: an IP address or a host name."""
    if not _HOST.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"must be an IP address or a host name such as 127.0.0.1, got {shown(text)}"
        )
    return text


def nonempty_text(limit: int) -> Callable[[str], str]:
    """A type for free text (a name, a reason) of 1 to ``limit`` characters."""

    def check(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError("is empty")
        if not is_utf8(text):
            raise argparse.ArgumentTypeError("is not UTF-8 text")
        if len(text) > limit:
            raise argparse.ArgumentTypeError(f"is {len(text):,} characters long; at most {limit}")
        return text

    return check


def add_verbose(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``-v/--verbose``: tracebacks on the terminal instead of only in the log file."""
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show internal errors with their traceback (they always go to the log file)",
    )


def add_home_and_clock(parser: argparse.ArgumentParser) -> None:
    """``--home`` (default ``$HEARTH_HOME``) and ``--now``."""
    parser.add_argument(
        "--home", default=os.environ.get("HEARTH_HOME"), help="home file (default: $HEARTH_HOME)"
    )
    parser.add_argument(
        "--now", type=aware_time,
        help="planning start, ISO 8601 with offset (default: the current time)",
    )


def add_axis(parser: argparse.ArgumentParser) -> None:
    """``--step`` and ``--horizon``, validated alike on every command that plans."""
    parser.add_argument("--step", type=step_minutes, default=15,
                        help="step in minutes: 5, 15, 30 or 60 (default 15)")
    parser.add_argument("--horizon", type=horizon_hours, default=24.0,
                        help=f"horizon in hours, at most {MAX_HORIZON_HOURS} (default 24)")
