"""Whole-number arguments bounded to what both databases store (64-bit signed), checked before any query.

SQLite raises OverflowError deep in the driver for an id of 2^63 and PostgreSQL
a "value out of range" error: without this, the same mistyped id would give an
internal error on one backend and a database error on the other. Every plain
integer argument and option of every command gets this type, in one place.
"""

from __future__ import annotations

from typing import Any

from typer import _click as click

from verify.exports.values import LIMIT


class BoundedInt(click.types.IntParamType):
    """An ``int`` refused (usage error, exit 2) beyond ±(2^63 - 1), with the same message everywhere."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        number = super().convert(value, param, ctx)
        if isinstance(number, int) and not -LIMIT <= number <= LIMIT:
            self.fail(f"{number} is out of range (whole numbers here are at most {LIMIT})", param, ctx)
        return number


def bound_integers(command: Any) -> None:
    """Give every plain ``int`` parameter under ``command`` the bounded type (ranges set by a command keep theirs)."""
    for param in getattr(command, "params", []):
        if type(param.type) is click.types.IntParamType:
            param.type = BoundedInt()
    for sub in getattr(command, "commands", {}).values():
        bound_integers(sub)
