"""``hearth api`` (serve the HTTP API) and ``hearth api-token`` (make a token).

The API listens on 127.0.0.1 by default, beside the UI (8000) on port 8001; every call needs a
token. ``hearth api-token --role homeowner`` prints a new token once and stores only its hash in
``api-tokens.json`` beside the plan store (mode 0600).

Exit status: 2 for bad input (home file, port, token file), otherwise the server runs until
Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.cli.args import host_name, tcp_port
from app.cli.plans import add_db_arg
from app.cli.schedule import load_home_arg
from tools.errors import InputError

if TYPE_CHECKING:
    from app.store import PlanStore

DEFAULT_API_PORT = 8001


def add_api_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register ``api`` and ``api-token``."""
    api = subparsers.add_parser(
        "api",
        help="serve the HTTP API (token auth) on 127.0.0.1",
        description="Serve Hearth's HTTP API: the active plan, pending proposals, the latest "
        "state, posting structured requests (they become proposals), and approval "
        "with the homeowner's token. Docs at /api/docs.",
    )
    api.add_argument(
        "--home", help="home file (default: $HEARTH_HOME)", default=os.environ.get("HEARTH_HOME")
    )
    add_db_arg(api)
    api.add_argument(
        "--port", type=tcp_port, default=DEFAULT_API_PORT, help=f"TCP port (default {DEFAULT_API_PORT})"
    )
    api.add_argument(
        "--host", type=host_name, default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    api.set_defaults(run=run_api)

    token = subparsers.add_parser(
        "api-token",
        help="make an API token (shown once)",
        description="Make a token for the HTTP API. 'homeowner' may approve plans; 'client' "
        "(other software, agents) may read and propose only.",
    )
    add_db_arg(token)
    token.add_argument("--role", choices=["homeowner", "client"], required=True)
    token.add_argument("--label", default="", help="what the token is for")
    token.set_defaults(run=run_token)


def tokens_path(store: PlanStore) -> Path:
    return store.path.parent / "api-tokens.json"


def run_token(args: argparse.Namespace) -> int:
    from app.api.tokens import TokenStore
    from app.store import PlanStore

    try:
        store = PlanStore(args.db)
        token = TokenStore(tokens_path(store)).create(args.role, args.label)
    except InputError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    print(token)
    print(
        f"(a {args.role} token; Hearth keeps only its hash in {tokens_path(store)}; "
        "send it as 'Authorization: Bearer <token>')",
        file=sys.stderr,
    )
    return 0


def run_api(args: argparse.Namespace) -> int:
    import uvicorn

    from app.api.server import create_app
    from app.api.tokens import TokenStore
    from app.runner.journal import Journal
    from app.store import PlanStore

    try:
        home = load_home_arg(args)
        store = PlanStore(args.db)
        tokens = TokenStore(tokens_path(store))
        tokens.role_of("")  # a bad token file fails here, not at the first call
    except InputError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 2
    zone = ZoneInfo(home.timezone)
    app = create_app(home, store, Journal(store.path), tokens, lambda: datetime.now(zone))
    print(
        f"Hearth API on http://{args.host}:{args.port}/api (docs /api/docs; Ctrl-C to stop)",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
