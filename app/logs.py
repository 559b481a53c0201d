"""Where Hearth's log goes: a private file, and the terminal only when asked.

Tracebacks are for developers, not homeowners. Warnings and errors of every library (AutoGen
logs a failed model call with its traceback; Python warnings are captured too) go to the log file: ``$HEARTH_LOG``, else
``hearth.log`` in the user data directory (``~/.local/share/hearth/`` on Linux). The file is
created only when something is logged, readable by its owner only (0600, in a 0700 folder when
Hearth creates it). With ``verbose`` the same records also go to the terminal.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import platformdirs

LOG_ENV = "HEARTH_LOG"
LOG_FILENAME = "hearth.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    """``$HEARTH_LOG`` if set, else ``hearth.log`` in the user data directory."""
    configured = os.environ.get(LOG_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("hearth", appauthor=False) / LOG_FILENAME


class PrivateFileHandler(logging.FileHandler):
    """A file handler that creates its file 0600 (and a missing folder 0700), lazily.

    A log file that cannot be written costs one line on stderr, never a traceback.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=True)
        self._complained = False

    def _open(self):  # type: ignore[no-untyped-def]  # (typeshed: TextIOWrapper)
        folder = Path(self.baseFilename).parent
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        del record
        if not self._complained:
            self._complained = True
            print(f"hearth: cannot write the log file {self.baseFilename} (set {LOG_ENV})",
                  file=sys.stderr)


def configure_logging(*, verbose: bool = False) -> Path:
    """Send warnings and errors to the log file (and with ``verbose`` to stderr); return its path.

    Calling it again replaces the handlers it added before (tests run many commands in one
    process).
    """
    path = log_path()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "hearth", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [PrivateFileHandler(path)]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.hearth = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.setLevel(logging.WARNING)
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.captureWarnings(True)  # a library's warning is a log record, not terminal output
    return path
