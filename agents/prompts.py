"""The role prompts: files in ``prompts/`` with ``{placeholders}`` filled from the home.

Only facts stated in the home file go in (its name, time zone, currency, device ids, names and
aliases, ``after`` dependencies); never a number a tool computes. :func:`fill` refuses a template
whose placeholders and values differ, so a prompt can never reach a model half filled.

The device table has one line per device,
``- <id>: <kind>; names: "<a>", "<b>"[; runs after: <ids>][; facts: key=value, ...]``. Names and
aliases come from the home file, so they are quoted as JSON strings (quotes, backslashes and line
breaks escaped) on top of the home file's own rule that they hold only letters, digits, spaces and
``- ' . & ( ) + / _`` (:func:`tools.home.clock.check_label`): no text in a home file can end a line
of the table or speak outside its quotes. The facts are home-file values that decide what can be
asked (``charger_max_kw``, ``max_soc_pct``, ``default_target_soc_pct``, ``soc_now_pct``,
``consumption_kwh_per_100km``, ``min_soc_pct``, ``backup_reserve_pct``, ``cycle_minutes``,
``quiet_hours``, ``allowed_windows``): numbers and clock windows only. The table is written for
the model to read and is also what the offline model parses (:func:`parse_devices`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tools.errors import InputError
from tools.home import Appliance, Battery, Ev, HeatPump, Home, WaterTank
from tools.requests import kind_for

PROMPT_DIR = Path(__file__).resolve().parent.parent / "prompts"
ROLES = ("coordinator", "forecaster", "scheduler", "auditor")
PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")
_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
DEVICE_LINE = re.compile(
    r"^- (?P<id>[a-z][a-z0-9_]*): (?P<kind>ev_charge|appliance_run|battery_target|water_heat|comfort); "
    rf"names: (?P<names>(?:{_QUOTED}(?:, {_QUOTED})*)?)"
    r"(?:; runs after: (?P<after>[a-z0-9_, ]*))?(?:; facts: (?P<facts>[a-z0-9_=.:+\-, ]*))?$",
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
    facts: tuple[tuple[str, str], ...] = ()


def device_names(device_id: str, name: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The names a homeowner may use for a device: its name, its id in words, its aliases."""
    names: list[str] = []
    for label in (name.lower(), device_id.replace("_", " "), *aliases):
        label = label.strip().lower()
        if label and label not in names:
            names.append(label)
    return tuple(names)


def _g(value: float) -> str:
    return f"{value:g}"


def _windows(windows: tuple) -> str:
    return "+".join(f"{w.start}-{w.end}" for w in windows)


def device_facts(device: object) -> tuple[tuple[str, str], ...]:
    """The home-file facts of a device that decide a reading (see the module docstring): for a
    tank its set point and weekly legionella cycle, for a heat pump the top of its comfort bands
    (what "pre-heat" warms the rooms to)."""
    facts: list[tuple[str, str]] = []
    if isinstance(device, Ev):
        facts += [("charger_max_kw", _g(device.charger_max_kw)), ("max_soc_pct", _g(device.max_soc_pct)),
                  ("default_target_soc_pct", _g(device.default_target_soc_pct)),
                  ("soc_now_pct", _g(device.current_soc_pct)), ("battery_kwh", _g(device.battery_kwh))]
        if device.consumption_kwh_per_100km is not None:
            facts.append(("consumption_kwh_per_100km", _g(device.consumption_kwh_per_100km)))
    elif isinstance(device, Battery):
        facts += [("min_soc_pct", _g(device.min_soc_pct)), ("backup_reserve_pct", _g(device.backup_reserve_pct)),
                  ("max_soc_pct", _g(device.max_soc_pct)), ("soc_now_pct", _g(device.initial_soc_pct)),
                  ("max_charge_kw", _g(device.max_charge_kw))]
    elif isinstance(device, WaterTank):
        facts.append(("setpoint_c", _g(device.setpoint_c)))
        if device.legionella is not None:
            facts += [("legionella_c", _g(device.legionella.temp_c)),
                      ("legionella_due", f"{device.legionella.weekday} {device.legionella.by}")]
    elif isinstance(device, HeatPump):
        facts.append(("comfort_max_c", _g(max(p.max_temp_c for p in device.comfort))))
    elif isinstance(device, Appliance):
        facts.append(("cycle_minutes", str(device.cycle.total_minutes)))
        if device.quiet_hours:
            facts.append(("quiet_hours", _windows(device.quiet_hours)))
        if _windows(device.allowed_windows) != "00:00-24:00":
            facts.append(("allowed_windows", _windows(device.allowed_windows)))
    return tuple(facts)


def device_entries(home: Home) -> list[DeviceEntry]:
    """One :class:`DeviceEntry` per device of ``home``, with its facts."""
    entries = []
    for device in home.devices():
        after = tuple(device.after) if isinstance(device, Appliance) else ()
        entries.append(DeviceEntry(
            device.id, kind_for(device), device_names(device.id, device.name, device.aliases),
            after, device_facts(device),
        ))
    return entries


def device_table(home: Home) -> str:
    lines = []
    for entry in device_entries(home):
        quoted = ", ".join(json.dumps(name, ensure_ascii=False) for name in entry.names)
        line = f"- {entry.id}: {entry.kind}; names: {quoted}"
        if entry.after:
            line += f"; runs after: {', '.join(entry.after)}"
        if entry.facts:
            line += "; facts: " + ", ".join(f"{k}={v}" for k, v in entry.facts)
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
        facts = tuple(
            (k.strip(), v.strip())
            for k, _, v in (f.partition("=") for f in (m.group("facts") or "").split(","))
            if k.strip() and v.strip()
        )
        entries.append(DeviceEntry(m.group("id"), m.group("kind"), names, after, facts))
    return entries


def prompt_values(home: Home) -> dict[str, str]:
    """The placeholder values for ``home``: facts of the home file only."""
    return {
        "home_name": home.name,
        "timezone": home.timezone,
        "currency": home.tariff.currency,
        "devices": device_table(home),
        "co2_data": "yes" if home.tariff.co2 is not None else "none (plan greenest requests for cost, and say so)",
        "heat_fields": heat_fields(home),
    }


def heat_fields(home: Home) -> str:
    """The request fields of the home's heat devices, for the coordinator prompt ("" without any)."""
    devices = home.devices()
    parts = []
    if any(isinstance(d, WaterTank) for d in devices):
        parts.append("target_temp_c and draw_litres for a water tank")
    if any(isinstance(d, HeatPump) for d in devices):
        parts.append("min_temp_c and max_temp_c for a heat pump")
    if parts:
        parts.append('device "home" with mode eco, comfort or away for a period')
    return "".join(f"; {part}" for part in parts)


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
