"""Specific exceptions of the planning core.

Every message names what is wrong in words a homeowner, a developer and an LLM can act on.
Translation into exit codes or chat replies happens once, in ``app/``.
"""

from __future__ import annotations


class HearthError(Exception):
    """Base class of every error the planning core raises on purpose."""


class InputError(HearthError, ValueError):
    """Bad input from a file, a flag or a request.

    Parameters
    ----------
    field:
        Dotted path of the offending field (``battery.max_soc_pct``) or a short subject.
    reason:
        What is wrong and, where it helps, what would be accepted.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)


class HomeFileError(InputError):
    """The home description could not be read or is invalid.

    ``problems`` holds one ``(field, reason)`` pair per defect, so all of them can be shown.
    """

    def __init__(self, problems: list[tuple[str, str]], source: str = "") -> None:
        self.problems = problems
        self.source = source
        first_field, first_reason = problems[0]
        super().__init__(first_field, first_reason)

    def __str__(self) -> str:
        head = f"invalid home file {self.source}" if self.source else "invalid home description"
        lines = [f"{field}: {reason}" if field else reason for field, reason in self.problems]
        return head + "\n  " + "\n  ".join(lines)


class RequestError(InputError):
    """A device request cannot be understood or does not fit the home or the horizon."""


class SeriesError(InputError):
    """A price, PV, cloud-cover or CO2 series file is missing, malformed or too short."""


class SolverUnavailableError(HearthError):
    """The requested MILP solver is not installed or not usable on this machine."""


class AuditError(HearthError):
    """A schedule failed the independent audit; it must never reach a homeowner.

    ``violations`` lists every failed check with its residual.
    """

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        super().__init__("schedule failed the audit: " + "; ".join(violations))
