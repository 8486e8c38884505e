"""Every error the library raises on purpose.

Each class says when it is raised. The CLI turns any of them into ``Error: ...`` lines
and a non-zero exit; nothing else in the library prints or exits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file: where it is and what to do about it."""

    path: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class OutreachError(Exception):
    """Base of the errors a user can fix; ``lines()`` is what the CLI shows."""

    def lines(self) -> list[str]:
        return [str(self)]


class InputError(OutreachError):
    """A profile or contact file cannot be read or does not validate.

    Carries every problem found in the file at once, each with path, line and field.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class WorkspaceError(OutreachError):
    """The workspace lacks something a command needs: a profile, a contact id, a folder."""


class TemplateError(OutreachError):
    """A template cannot be found, does not compile, or uses a name the context lacks."""


class EnclosureRuleError(OutreachError):
    """A document would enclose what the rules forbid: the résumé with an approach letter."""


class LayoutError(OutreachError):
    """A document does not fit the pages it is allowed (a letter runs past one page)."""


class OutputError(OutreachError):
    """A document cannot be written where it should go."""


class UsageError(OutreachError):
    """An option's value is not one the command understands (``--since 7x``)."""


class SettingError(OutreachError):
    """An environment setting's value is not one outreach understands
    (``OUTREACH_CACHE_MB=abc``)."""
