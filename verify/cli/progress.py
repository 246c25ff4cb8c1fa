"""A progress display on stderr for work that takes more than about a second, and nothing anywhere else.

Long commands (suggesting for a whole article, importing an export) would
otherwise sit silent on a terminal, which reads as a hang. The display is
drawn only when stderr is a terminal, so pipes, files and scripts see exactly
the output they saw before; it appears once the work has run for ``DELAY``
seconds (a quick run never flashes a bar; a timer starts it, so one long step
shows it too) and is erased when the work ends, leaving the terminal with the
command's real output only.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DELAY = 1.0  # seconds of work before a display is worth drawing (VERIFY_PROGRESS_DELAY overrides it)


def delay() -> float:
    """Seconds before a display appears: ``VERIFY_PROGRESS_DELAY`` when it is a number, else :data:`DELAY`."""
    import os

    try:
        return max(0.0, float(os.environ.get("VERIFY_PROGRESS_DELAY", DELAY)))
    except ValueError:
        return DELAY


class Steps:
    """Count items with :meth:`advance`, or name the stage with :meth:`step`; drawn after ``DELAY`` on a terminal."""

    def __init__(self, label: str, total: int | None) -> None:
        from verify.cli.render import console

        self.label, self.total, self.done = label, total, 0
        self._console = console(stderr=True)
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self._closed = False
        self._timer: threading.Timer | None = None
        if self._console.is_terminal:
            self._timer = threading.Timer(delay(), self._start)
            self._timer.daemon = True
            self._timer.start()

    def _start(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed:
                return
            columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
            if self.total is not None:
                columns += [BarColumn(), MofNCompleteColumn()]
            columns.append(TimeElapsedColumn())
            # Output printed meanwhile goes above the display when stdout is the same terminal; a stdout
            # redirected to a file or pipe is left alone (rich would otherwise copy it to stderr).
            on_terminal = _is_terminal(sys.stdout)
            self._bar = Progress(
                *columns,
                console=self._console,
                transient=True,
                redirect_stdout=on_terminal,
                redirect_stderr=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, completed=self.done)

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            if self._bar is not None:
                self._bar.update(self._task, completed=self.done)

    def step(self, what: str) -> None:
        """Say what is being done now (for work in stages rather than items)."""
        with self._lock:
            self.label = what
            if self._bar is not None:
                self._bar.update(self._task, description=what)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Steps]:
    """A :class:`Steps` for the block, erased when it ends (also on failure or Ctrl-C)."""
    steps = Steps(label, total)
    try:
        yield steps
    finally:
        steps.close()
