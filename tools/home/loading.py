"""Reading a home file: YAML → :class:`~tools.home.model.Home`, with every defect named by its field."""

from __future__ import annotations

import math
import reprlib
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tools.errors import HomeFileError, InputError
from tools.files import MAX_HOME_FILE_BYTES, read_text
from tools.home.model import Home
from tools.yamlfile import load_bounded

#: Most defects listed for one home file; the rest are counted.
MAX_LISTED_PROBLEMS = 20


def load_home(path: str | Path) -> Home:
    """Read and validate a home file; raise :class:`HomeFileError` listing every defect.

    The file must be a UTF-8 YAML mapping of at most 1 MB; nesting, aliases and repeated keys are
    limited as :mod:`tools.yamlfile` describes.
    """
    path = Path(path)
    try:
        text = read_text(path, "home", max_bytes=MAX_HOME_FILE_BYTES)
    except InputError as err:
        raise HomeFileError([("home", err.reason)], str(path)) from None
    try:
        data = load_bounded(text)
    except yaml.YAMLError as err:
        raise HomeFileError([("home", _yaml_problem(err))], str(path)) from None
    if not isinstance(data, dict):
        raise HomeFileError(
            [("home", "must be a YAML mapping of sections (timezone, location, …)")], str(path)
        )
    return parse_home(data, source_dir=path.resolve().parent, source=str(path))


def _yaml_problem(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(err, "problem", None) or "cannot be parsed"
    return f"is not valid YAML{where}: {problem}"


def parse_home(data: dict[str, Any], *, source_dir: Path | None = None, source: str = "") -> Home:
    """Validate a home description given as a mapping (e.g. parsed YAML)."""
    payload = dict(data)
    payload.pop("source_dir", None)
    if source_dir is not None:
        payload["source_dir"] = str(source_dir)
    try:
        return Home.model_validate(payload)
    except ValidationError as err:
        raise HomeFileError(format_validation_errors(err, data), source) from None


_MESSAGES = {
    "less_than_equal": "must be ≤ {le}, got {input}",
    "less_than": "must be < {lt}, got {input}",
    "greater_than_equal": "must be ≥ {ge}, got {input}",
    "greater_than": "must be > {gt}, got {input}",
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_pattern_mismatch": "has the wrong form {input!r}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "timezone_aware": "needs a UTC offset, got the naive time {input}",
    "finite_number": "is not a number ({input}); give a finite value",
}


def format_validation_errors(err: ValidationError, data: Any = None) -> list[tuple[str, str]]:
    """Turn pydantic errors into ``(field path, reason)`` pairs in the home file's own terms."""
    problems: list[tuple[str, str]] = []
    items = err.errors(include_url=False)
    locs = [tuple(item["loc"]) for item in items]
    for item in items:
        own = tuple(item["loc"])
        if item["type"] == "too_short" and any(
            len(other) > len(own) and other[: len(own)] == own for other in locs
        ):
            continue  # pydantic also calls a list "too short" when one of its items failed
        loc = [part for part in item["loc"] if not _is_union_tag(part)]
        field = _path(loc)
        kind = item["type"]
        ctx = {key: _short(value) for key, value in (item.get("ctx") or {}).items()}
        ctx["input"] = _short(item.get("input"))
        if kind in _MESSAGES:
            reason = _MESSAGES[kind].format(**ctx)
            if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
                reason += " (use lower-case letters, digits and underscores)"
        elif kind == "value_error":
            reason = item["msg"].removeprefix("Value error, ")
        elif kind == "union_tag_invalid":
            reason = f"type must be one of {ctx.get('expected_tags')}, got {ctx['input']}"
        elif kind == "union_tag_not_found":
            reason = f"needs a 'type' ({ctx.get('discriminator', 'type')}) to say which kind it is"
        else:
            reason = item["msg"][0].lower() + item["msg"][1:]
            if "input" in item and kind not in ("model_type",):
                reason += f", got {ctx['input']}"
        problems.append((field, reason))
        if len(problems) == MAX_LISTED_PROBLEMS:
            rest = len(items) - items.index(item) - 1
            if rest:
                problems.append(("", f"… and {rest} more problem(s)"))
            break
    return problems or [("home", "is not a valid home description")]


def _is_union_tag(part: object) -> bool:
    return isinstance(part, str) and part in (
        "flat", "tou", "series", "hourly", "standard", "linear", "carnot", "power_law", "log"
    )


def _path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "home"


_BOUNDED = reprlib.Repr()
_BOUNDED.maxlevel = 2
_BOUNDED.maxlist = _BOUNDED.maxtuple = _BOUNDED.maxdict = _BOUNDED.maxset = 4
_BOUNDED.maxstring = 60
_BOUNDED.maxother = 60


def _short(value: Any) -> str:
    """A short text for a value in a message; large or nested values are cut *before* they are
    turned into text (a shared-reference structure may describe billions of items)."""
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "…"
    if isinstance(value, int | bool) or value is None:
        return str(value)
    return _BOUNDED.repr(value)
