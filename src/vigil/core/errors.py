"""Errors every app may raise; they live in core so no app imports the top-level `cli`."""

from __future__ import annotations


class CommandError(Exception):
    """A user-facing failure of a `vigil` command: printed without a traceback."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
