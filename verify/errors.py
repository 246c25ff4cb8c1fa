"""The one error type the core raises for problems a user can fix.

The CLI turns it into a single line on stderr and the exit code it carries,
so no traceback ever reaches a user for a foreseeable failure.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1  # a check found problems (drift, unlocatable quote)
EXIT_USAGE = 2  # bad usage or bad input, refused change, stale write
EXIT_GATE = 3  # the publication gate failed


class VerifyError(Exception):
    """A problem the user can act on; ``message`` is written for them."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class NotFound(VerifyError):
    """An id or key that names nothing in the database."""


class RefusedChange(VerifyError):
    """A workflow rule refused a change (status rule, stale write)."""
