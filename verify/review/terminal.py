"""Running a review session: in a terminal (single keys, full-screen redraws) or scripted.

:func:`run` is the loop shared by both: start the session, show what happened,
read the next command, until the queue ends, the reviewer quits, input ends
(EOF) or Ctrl-C. Each command is committed by the session when it is taken,
so however the loop ends, nothing done is lost; the summary is printed in
every case.
"""

from __future__ import annotations

import os
import sys
from typing import Protocol, TextIO

from rich.text import Text

from verify.review import screen
from verify.review.keys import EOF as EOF_KEY
from verify.review.keys import KeyMap
from verify.review.session import ReviewSession
from verify.review.view import Message, Outcome, Summary
from verify.text.safe import safe_console


class UI(Protocol):
    def show(self, out: Outcome) -> None: ...
    def read(self) -> str | None: ...  # None: end of input
    def summary(self, summary: Summary) -> None: ...


def run(session: ReviewSession, ui: UI) -> bool:
    """Drive the session; returns True when it was interrupted (Ctrl-C)."""
    interrupted = False
    out = session.start()  # a bad filter (unknown article…) fails here, before anything is done
    try:
        ui.show(out)
        while not out.finished:
            line = ui.read()
            if line is None:
                break
            out = session.handle(line)
            ui.show(out)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        try:
            summary = session.finish()
            summary.interrupted = interrupted
            ui.summary(summary)
        except (OSError, KeyboardInterrupt):  # the terminal is gone, or a second Ctrl-C
            pass
    return interrupted


class ScriptUI:
    """Commands read line by line from a pipe or file; plain text out, no colour, no cursor movement."""

    def __init__(
        self,
        session: ReviewSession,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        width: int | None = None,
    ) -> None:
        self.session = session
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.style = screen.Style(plain=True, width=width or _columns(80), height=None)

    def _print(self, rows: list[Text]) -> None:
        if rows:
            self.stdout.write(screen.plain_text(rows) + "\n")
            self.stdout.flush()

    def show(self, out: Outcome) -> None:
        self._print(screen.message_rows(out.messages, self.style))
        view = self.session.view() if (out.new_claim or out.panel) and not out.finished else None
        if view is not None:
            rows = screen.claim_screen(view, self.style) if out.new_claim else screen.panel_only(view, self.style)
            self._print([Text("─" * min(self.style.width, 40)), *rows] if out.new_claim else rows)
        if out.prompt:
            self._print([Text(f"? {out.prompt}:")])

    def read(self) -> str | None:
        line = self.stdin.readline()
        if not line:
            return None
        line = line.rstrip("\r\n")
        self._print([Text(f"> {line}")])
        return line

    def summary(self, summary: Summary) -> None:
        self._print([Text(""), *screen.summary_rows(summary, self.style)])


def _columns(default: int) -> int:
    try:
        return max(40, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return default


class TerminalUI:
    """Full-screen redraws, single keys (see :mod:`verify.review.keys`), line input for words."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.console = safe_console(highlight=False, no_color=bool(os.environ.get("NO_COLOR")))
        self.fd = sys.stdin.fileno()
        self.keys = KeyMap()
        self.queued: list[str] = []
        self.batch = False  # the command being run follows another from the same key press
        self.messages: list[Message] = []
        self._saved: list | None = None

    # terminal modes -----------------------------------------------------------------------

    def __enter__(self) -> TerminalUI:
        import signal
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        signal.signal(signal.SIGHUP, _hang_up)
        return self

    def __exit__(self, *_: object) -> None:
        self._cooked()

    def _cooked(self) -> None:
        import termios

        if self._saved is not None:
            try:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            except (termios.error, OSError):
                pass

    # drawing ------------------------------------------------------------------------------

    def _style(self) -> screen.Style:
        size = self.console.size
        return screen.Style(plain=False, width=size.width, height=max(size.height, 12))

    def draw(self, hint: str | None = None, prompt: bool = False) -> None:
        view = self.session.view()
        if view is None:
            return
        rows = screen.claim_screen(view, self._style(), messages=self.messages, hint=hint)
        if prompt:
            rows[-1] = Text(hint or "", style="bold")
        self.console.clear()
        for index, row in enumerate(rows):
            self.console.print(row, end="\n" if index < len(rows) - 1 else "", no_wrap=True, overflow="crop")
        self.console.file.flush()

    def show(self, out: Outcome) -> None:
        # Commands from one key press (1 then v) report together.
        self.messages = [*self.messages, *out.messages] if self.batch else out.messages
        if out.finished:
            self.console.print()
            for row in screen.message_rows(out.messages, self._style()):
                self.console.print(row)
            return
        self.draw()

    # input --------------------------------------------------------------------------------

    def read(self) -> str | None:
        if self.session.prompt:
            return self._line(self.session.prompt, allow_eof=True)
        self.batch = bool(self.queued)
        while not self.queued:
            key = self._key()
            if key is None:
                return None
            for action in self.keys.press(key):
                if action.eof:
                    return None
                if action.command is not None:
                    self.queued.append(action.command)
                elif action.ask is not None:
                    line = self._line(action.ask)
                    if line:
                        self.queued.append(action.prefix + line)
                    else:
                        self.draw()
                elif action.hint is not None:
                    self.draw(hint=action.hint or None)
        return self.queued.pop(0)

    def _key(self) -> str | None:
        import select

        data = os.read(self.fd, 1)
        if not data:
            return None
        if data == b"\x1b":  # an escape sequence (arrow keys…) arrives at once; a lone Esc does not
            while select.select([self.fd], [], [], 0.03)[0]:
                more = os.read(self.fd, 8)
                if not more:
                    break
                data += more
        while data[0] >= 0xC0 and len(data) < 4:  # the rest of a UTF-8 character
            try:
                return data.decode()
            except UnicodeDecodeError:
                data += os.read(self.fd, 1)
        return data.decode(errors="replace")

    def _line(self, label: str, allow_eof: bool = False) -> str | None:
        """Read words on the bottom line, still key by key (cbreak mode), so Ctrl-C always interrupts.

        Enter ends the line; Backspace, Ctrl-U (all) and Ctrl-W (a word) edit it; Esc cancels
        (an empty answer); Ctrl-D on an empty line ends the input. A long line scrolls sideways.
        """
        self.draw(hint=f"{label}: ", prompt=True)
        typed: list[str] = []
        room = max(self.console.size.width - len(label) - 3, 10)
        while True:
            key = self._key()
            if key is None or (key == EOF_KEY and not typed):
                return None if allow_eof else ""
            if key in ("\r", "\n"):
                return "".join(typed)
            if key == "\x1b":
                return ""
            if key in ("\x7f", "\x08"):
                typed[-1:] = []
            elif key == "\x15":
                typed.clear()
            elif key == "\x17":
                text = "".join(typed).rstrip()
                typed = list(text[: text.rfind(" ") + 1])
            elif key.isprintable():
                typed.extend(key)
            else:
                continue
            shown = "".join(typed)
            shown = shown if len(shown) <= room else "…" + shown[-room + 1 :]
            self.console.file.write(f"\r\x1b[K\x1b[1m{label}: \x1b[0m{shown}")
            self.console.file.flush()

    def summary(self, summary: Summary) -> None:
        self._cooked()
        self.console.print("\n")
        for row in screen.summary_rows(summary, self._style()):
            self.console.print(row)


def _hang_up(_signum: int, _frame: object) -> None:
    raise SystemExit(129)  # the terminal closed: leave like Ctrl-C (every action is already committed)
