"""Reading the homeowner's files at the boundary: what is refused, and how it is named.

Every file Hearth reads on a user's word (home file, series files, weather files, an active
plan, a configuration file) goes through :func:`read_text`: it must be a regular file (not a
folder, not a device), no larger than a limit, and UTF-8 text. A file a home file names is also
*confined* to the home file's folder (:func:`confined_path`): no absolute path outside it, no
``..`` leaving it, no symbolic link pointing out of it.

Errors name the file and what is wrong with it, never its content: a misdirected path must not
turn Hearth into a way of printing someone else's file. Standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tools.errors import InputError

#: Largest home file [bytes]; the example home is about 4 kB.
MAX_HOME_FILE_BYTES = 1_000_000
#: Largest series file [bytes]; a year of 5-minute values as CSV is about 4 MB.
MAX_SERIES_FILE_BYTES = 20_000_000


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a pipe, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "not a regular file"


def check_regular_file(path: Path, field: str, *, max_bytes: int) -> int:
    """Check that ``path`` is an existing regular file of at most ``max_bytes``; return its size.

    Raises
    ------
    InputError
        Naming ``field`` and the path: missing, unreadable, a folder or device, or too large.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(field, f"file {path} does not exist") from None
    except NotADirectoryError:
        raise InputError(field, f"file {path} does not exist (a part of its path is a file)") from None
    except PermissionError:
        raise InputError(field, f"file {path} cannot be read (permission denied)") from None
    except OSError as err:
        raise InputError(field, f"file {path} cannot be read ({err.strerror or 'error'})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(field, f"{path} is {_kind(info.st_mode)}")
    if info.st_size > max_bytes:
        raise InputError(
            field, f"file {path} is {info.st_size:,} bytes; at most {max_bytes:,} are accepted"
        )
    return info.st_size


def read_bytes(path: Path, field: str, *, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (see :func:`check_regular_file`)."""
    check_regular_file(path, field, max_bytes=max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(field, f"file {path} cannot be read (permission denied)") from None
    except OSError as err:
        raise InputError(field, f"file {path} cannot be read ({err.strerror or 'error'})") from None
    if len(data) > max_bytes:  # it grew after the check
        raise InputError(field, f"file {path} is larger than {max_bytes:,} bytes")
    return data


def decode_utf8(data: bytes, path: Path, field: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark is dropped); the error gives the line, not the bytes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            field,
            f"file {path} is not UTF-8 text (line {line}); save it as UTF-8",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(field, f"file {path} is not a text file (a NUL character on line {line})")
    return text


def read_text(path: Path, field: str, *, max_bytes: int) -> str:
    """A regular file of at most ``max_bytes`` as UTF-8 text, or an :class:`InputError`."""
    return decode_utf8(read_bytes(path, field, max_bytes=max_bytes), path, field)


def confined_path(base: Path, name: str, field: str) -> Path:
    """The file ``name`` (relative to ``base``, or absolute) if it stays inside ``base``.

    Both are resolved with every symbolic link followed, so ``..``, an absolute path elsewhere
    and a link pointing out of the folder are all refused.

    Raises
    ------
    InputError
        Naming ``field`` and ``name`` (as written): empty, or outside ``base``.
    """
    if not name.strip():
        raise InputError(field, "is empty: name a file in the home file's folder")
    if "\x00" in name:
        raise InputError(field, "contains a NUL character")
    root = Path(os.path.realpath(base))
    candidate = Path(name).expanduser()
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = Path(os.path.realpath(candidate))
    if resolved != root and root not in resolved.parents:
        link = " (through a symbolic link)" if Path(os.path.abspath(candidate)).is_relative_to(root) else ""
        raise InputError(
            field,
            f"{name} is outside the home file's folder {root}{link}; put the file in that folder "
            "(or a folder below it) and name it relative to the home file",
        )
    return resolved
