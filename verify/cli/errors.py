"""The one place where failures become a single stderr line and an exit code."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from verify.errors import VerifyError

EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr; what the message quotes from the input (names, paths) cannot act on the terminal."""
    from verify.text.safe import visible

    sys.stderr.write(f"verify: {visible(message, one_line=True)}\n")
    sys.stderr.flush()
    sys.exit(code)


def _database_message(exc: BaseException) -> str | None:
    """Readable text for driver errors that users can meet (locks, unreachable servers)."""
    module = type(exc).__module__ or ""
    if not module.startswith("sqlalchemy"):
        return None
    orig = getattr(exc, "orig", None)
    detail = str(orig if orig is not None else exc).strip().splitlines()[0]
    if "locked" in detail or "busy" in detail:
        return f"the database is busy (another reviewer is writing); try again: {detail}"
    if type(exc).__name__ == "OperationalError":
        return f"cannot use the database: {detail}"
    return f"database error: {detail}"


def _is_click_exception(exc: BaseException) -> bool:
    """Click's exceptions (typer vendors click, so match them by their interface)."""
    return hasattr(exc, "format_message") and hasattr(exc, "exit_code")


def _click_message(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:  # a usage error: point at the command's help
        return f"{exc.format_message()} (see '{ctx.command_path} --help')"
    return str(exc.format_message())


class VerifyGroup(TyperGroup):
    """Root group whose ``main`` turns every failure into one line on stderr."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        from verify.cli.integers import bound_integers

        bound_integers(self)
        try:
            result = super().main(*args, **kwargs)
        except VerifyError as exc:
            fail(exc.message, exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            fail("interrupted", EXIT_INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("VERIFY_DEBUG"):
                raise
            if _is_click_exception(exc):
                if not str(exc.format_message()).strip():  # type: ignore[attr-defined]  # a group run bare: its help is the whole answer
                    sys.exit(getattr(exc, "exit_code", 2))
                fail(_click_message(exc), getattr(exc, "exit_code", 2))
            message = _database_message(exc)
            if message:
                fail(message, 2)
            fail(f"internal error: {type(exc).__name__}: {exc} (set VERIFY_DEBUG=1 for the traceback)", EXIT_INTERNAL)
        sys.exit(result if isinstance(result, int) else 0)
