"""Errors a user can fix, kept apart from bugs.

A `UserError` becomes one line on the CLI (no traceback). Anything else is a bug and
raises as usual.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem the user can fix: bad config, bad input line, missing key."""


class InputError(UserError):
    """A bad record in an input file, located by file, line and field."""

    def __init__(self, path: Path | str, line: int, field: str | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        where = f"{self.path}:{line}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")


class ModelBehaviorError(Exception):
    """A model replied with something that could not be used; carries the raw body."""

    def __init__(self, message: str, raw: str = "") -> None:
        super().__init__(message)
        self.raw = raw
