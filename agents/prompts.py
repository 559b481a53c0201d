"""The role prompts: files in ``prompts/`` with ``{placeholders}`` filled from the home.

Only facts stated in the home file go in (its name, time zone, currency, device ids, names and
aliases, ``after`` dependencies); never a number a tool computes. :func:`fill` refuses a template
whose placeholders and values differ, so a prompt can never reach a model half filled.

The device table has one line per device,
``- <id>: <kind>; names: "<a>", "<b>"[; runs after: <ids>]``. Names and aliases come from the
home file, so they are quoted as JSON strings (quotes, backslashes and line breaks escaped) on
top of the home file's own rule that they hold only letters, digits, spaces and ``- ' . & ( ) +
/ _`` (:func:`tools.home.clock.check_label`): no text in a home file can end a line of the table
or speak outside its quotes. The table is written for the model to read and is also what the
offline model parses (:func:`parse_devices`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tools.errors import InputError
from tools.home import Appliance, Home
from tools.requests import kind_for

PROMPT_DIR = Path(__file__).resolve().parent.parent / "prompts"
ROLES = ("coordinator", "forecaster", "scheduler", "auditor")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
DEVICE_LINE = re.compile(
    r"^- (?P<id>[a-z][a-z0-9_]*): (?P<kind>ev_charge|appliance_run|battery_target); "
    rf"names: (?P<names>(?:{_QUOTED}(?:, {_QUOTED})*)?)"
    r"(?:; runs after: (?P<after>[a-z0-9_, ]*))?$",
    re.MULTILINE,
)
QUOTED_NAME = re.compile(_QUOTED)


class PromptError(InputError):
    """A prompt template and its values do not fit together."""


@dataclass(frozen=True)
class DeviceEntry:
    """One line of the device table."""

    id: str
    kind: str
    names: tuple[str, ...]
    after: tuple[str, ...] = ()


def device_names(device_id: str, name: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The names a homeowner may use for a device: its name, its id in words, its aliases."""
    names: list[str] = []
    for label in (name.lower(), device_id.replace("_", " "), *aliases):
        label = label.strip().lower()
        if label and label not in names:
            names.append(label)
    return tuple(names)


def device_table(home: Home) -> str:
    lines = []
    for device in home.devices():
        names = device_names(device.id, device.name, device.aliases)
        quoted = ", ".join(json.dumps(name, ensure_ascii=False) for name in names)
        line = f"- {device.id}: {kind_for(device)}; names: {quoted}"
        if isinstance(device, Appliance) and device.after:
            line += f"; runs after: {', '.join(device.after)}"
        lines.append(line)
    return "\n".join(lines) if lines else "- (none)"


def parse_devices(prompt: str) -> list[DeviceEntry]:
    """The device table of a filled prompt."""
    entries = []
    for m in DEVICE_LINE.finditer(prompt):
        names = tuple(
            name for name in (json.loads(q) for q in QUOTED_NAME.findall(m.group("names"))) if name
        )
        after = tuple(a.strip() for a in (m.group("after") or "").split(",") if a.strip())
        entries.append(DeviceEntry(m.group("id"), m.group("kind"), names, after))
    return entries


def prompt_values(home: Home) -> dict[str, str]:
    """The placeholder values for ``home``: facts of the home file only."""
    return {
        "home_name": home.name,
        "timezone": home.timezone,
        "currency": home.tariff.currency,
        "devices": device_table(home),
    }


def load_template(role: str, prompt_dir: Path = PROMPT_DIR) -> str:
    path = prompt_dir / f"{role}.md"
    if not path.is_file():
        raise PromptError("prompt", f"{path} does not exist (roles: {', '.join(ROLES)})")
    return path.read_text(encoding="utf-8")


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(template))


def fill(template: str, values: dict[str, str], *, name: str = "prompt") -> str:
    """Replace every ``{placeholder}`` of ``template``; every one must have a value."""
    wanted = placeholders(template)
    missing = sorted(wanted - values.keys())
    if missing:
        raise PromptError(name, f"no value for placeholder(s) {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def system_prompt(role: str, home: Home, prompt_dir: Path = PROMPT_DIR) -> str:
    """The filled system prompt of ``role`` for ``home``."""
    return fill(load_template(role, prompt_dir), prompt_values(home), name=f"prompts/{role}.md")
