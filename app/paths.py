"""Where Hearth keeps the homeowner's files by default (standard library and platformdirs only,
so the command line can name them without loading the planning core)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "HEARTH_HOME"


def default_home_path() -> Path:
    """``$HEARTH_HOME`` if set, else ``home.yaml`` in the user's data directory for Hearth
    (``~/.local/share/hearth/home.yaml`` on Linux): the file ``hearth init`` and the UI's first
    run write, and every command reads when no ``--home`` is given."""
    configured = os.environ.get(HOME_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("hearth", appauthor=False) / "home.yaml"
