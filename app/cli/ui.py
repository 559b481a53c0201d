"""``hearth ui``: serve the Chainlit chat UI on 127.0.0.1.

Exit status: 2 for bad input (home file, port, host without a strong enough password);
otherwise the process becomes the Chainlit server. Chainlit and the agents are imported only by
that server process.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

from app.cli.args import aware_time, host_name, tcp_port
from app.cli.plans import add_db_arg
from app.paths import default_home_path
from tools.errors import InputError

#: The project folder: holds chainlit.md and .chainlit/config.toml (Chainlit's APP_ROOT).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHAINLIT_APP = PROJECT_ROOT / "app" / "ui" / "chainlit_app.py"
DEFAULT_UI_PORT = 8000
LOOPBACK_HOST = "127.0.0.1"
#: Shortest HEARTH_PASSWORD accepted when the UI listens beyond the loopback interface.
MIN_PASSWORD_CHARS = 12


# ----------------------------------------------------------------------------- hearth ui

def add_ui_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``ui``."""
    ui = subparsers.add_parser(
        "ui", help="start the chat UI (Chainlit) on 127.0.0.1",
        description="Serve the Hearth chat UI. It binds to 127.0.0.1 and opens no browser; set "
                    "HEARTH_PASSWORD (and CHAINLIT_AUTH_SECRET) to require a login.",
    )
    ui.add_argument("--port", type=tcp_port, default=DEFAULT_UI_PORT,
                    help=f"TCP port (default {DEFAULT_UI_PORT})")
    ui.add_argument("--host", type=host_name, default=LOOPBACK_HOST,
                    help="address to bind (default 127.0.0.1; any other needs a HEARTH_PASSWORD "
                         f"of at least {MIN_PASSWORD_CHARS} characters)")
    ui.add_argument("--home", default=os.environ.get("HEARTH_HOME"),
                    help="home file (default: $HEARTH_HOME, else the one `hearth init` writes; "
                         "without any, the UI starts by asking about your home)")
    ui.add_argument("--now", type=aware_time,
                    help="fixed planning time, ISO 8601 with offset (demos, tests); "
                         "default: the current time at each request")
    add_db_arg(ui)
    ui.set_defaults(run=run_ui)


def ui_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The ``chainlit run`` command line and environment for ``hearth ui`` (checked, not run).

    Raises
    ------
    tools.errors.InputError
        An invalid home file (:class:`~tools.errors.HomeFileError`), a blank password, a
        non-loopback host without a password of at least 12 characters, or a password without
        ``CHAINLIT_AUTH_SECRET``. Without any home file the environment has no ``HEARTH_HOME``
        and the UI starts with its first run.
    """
    from tools.home import load_home

    if args.home is not None and not str(args.home).strip():
        raise InputError("--home", "is empty; give a home file, or leave it out to describe "
                         "your home in the chat")
    home: Path | None = Path(args.home).expanduser().resolve() if args.home is not None else None
    if home is None and default_home_path().is_file():
        home = default_home_path()
    if home is not None:
        load_home(home)  # a bad home file fails here, with every defect, not in the first chat
    password = os.environ.get("HEARTH_PASSWORD", "")
    if password and not password.strip():
        raise InputError("HEARTH_PASSWORD", "is blank; unset it, or set a real password")
    try:
        loopback = ipaddress.ip_address(args.host.strip("[]")).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback and not password:
        raise InputError(
            "--host", f"{args.host} is reachable from other machines; set HEARTH_PASSWORD (at "
            f"least {MIN_PASSWORD_CHARS} characters) to require a login first"
        )
    if not loopback and len(password) < MIN_PASSWORD_CHARS:
        raise InputError(
            "HEARTH_PASSWORD", f"has {len(password)} characters; the UI listens on {args.host}, "
            f"reachable from other machines, so the password needs at least {MIN_PASSWORD_CHARS}"
        )
    if password and not os.environ.get("CHAINLIT_AUTH_SECRET"):
        raise InputError(
            "CHAINLIT_AUTH_SECRET", "HEARTH_PASSWORD is set, so the UI needs a secret to sign "
            "logins: run `chainlit create-secret` and export the value it prints"
        )
    env = dict(os.environ)
    if home is not None:
        env["HEARTH_HOME"] = str(home)
    else:  # the first run: every chat asks about the home and writes default_home_path()
        env.pop("HEARTH_HOME", None)
    env["CHAINLIT_APP_ROOT"] = str(PROJECT_ROOT)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    if args.now is not None:
        env["HEARTH_NOW"] = args.now.isoformat()
    else:
        env.pop("HEARTH_NOW", None)
    if getattr(args, "verbose", False):
        env["HEARTH_VERBOSE"] = "1"
    if args.db is not None:
        env["HEARTH_DB"] = str(Path(args.db).expanduser().resolve())
    command = [sys.executable, "-m", "chainlit", "run", str(CHAINLIT_APP), "--headless",
               "--host", args.host, "--port", str(args.port)]
    return command, env


def run_ui(args: argparse.Namespace) -> int:
    """``hearth ui``: become the Chainlit server (exec on POSIX, so Ctrl-C, SIGTERM and kill go
    straight to it); elsewhere run it as a child and wait."""
    try:
        command, env = ui_command(args)
    except InputError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    print(f"Hearth UI on http://{args.host}:{args.port} (Ctrl-C to stop)", file=sys.stderr)
    if "HEARTH_HOME" not in env:
        print(f"No home file yet: the chat asks about your home first and writes "
              f"{default_home_path()}.", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(command[0], command, env)  # does not return
    process = subprocess.Popen(command, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches Chainlit too (same console); let it finish
        return process.wait()
