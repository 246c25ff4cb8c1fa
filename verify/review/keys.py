"""Single key presses in a terminal, turned into the commands scripted mode reads.

Most keys act at once (``v``, ``s``, ``b``, ``x``, ``?`` …). A digit waits for
one more key, so ``1`` then ``v`` links suggestion 1 as supporting evidence
and marks the claim verified — the same as the lines ``1`` and ``v``:

* Enter links it as supporting; ``c`` as contradicting; ``x`` as context;
  ``s`` asks for one sentence of it; Esc or Backspace cancels;
* any other key links it as supporting, then acts as that key.

Keys that need words (``/`` search, ``e`` expand, ``a`` assign, ``:`` any
command) ask for the rest of the line.
"""

from __future__ import annotations

from dataclasses import dataclass

IMMEDIATE = set("vpdfuosbx?hrnqt*")
LINES = {
    "/": ("search", "/ "),
    ":": ("command", ""),
    "e": ("expand suggestion (number; empty folds)", "e "),
    "a": ("assign to (a name, me, or - to unassign)", "a "),
}
ENTER = ("\r", "\n")
CANCEL = ("\x1b", "\x7f", "\x08")
EOF = "\x04"


@dataclass(frozen=True)
class KeyAction:
    command: str | None = None  # run this command line
    ask: str | None = None  # read a line with this label; the command is prefix + the line
    prefix: str = ""
    hint: str | None = None  # show this on the status line (None with no command: clear it)
    eof: bool = False


def pending_hint(digit: str) -> str:
    return f"{digit} → Enter supports · c contradicts · x context · s one sentence · v +verified"


class KeyMap:
    def __init__(self) -> None:
        self.pending: str | None = None

    def press(self, key: str) -> list[KeyAction]:
        """What one key (or one escape sequence, e.g. an arrow key) asks for."""
        if key == EOF:
            self.pending = None
            return [KeyAction(eof=True)]
        if self.pending is not None:
            digit, self.pending = self.pending, None
            if key in ENTER:
                return [KeyAction(command=digit)]
            if key.lower() in ("c", "x"):
                return [KeyAction(command=digit + key.lower())]
            if key.lower() == "s":
                return [KeyAction(ask=f"sentence of suggestion {digit} (number)", prefix=f"{digit} s")]
            if key in CANCEL or key.startswith("\x1b"):
                return [KeyAction(hint="")]
            return [KeyAction(command=digit), *self.press(key)]
        if key.isdigit() and key != "0":
            self.pending = key
            return [KeyAction(hint=pending_hint(key))]
        if key in ENTER:
            return [KeyAction(command="r")]
        if key.lower() in IMMEDIATE:
            return [KeyAction(command=key.lower())]
        if key in LINES or key.lower() in LINES:
            label, prefix = LINES[key if key in LINES else key.lower()]
            return [KeyAction(ask=label, prefix=prefix)]
        if key.startswith("\x1b") or key in CANCEL:
            return [KeyAction(hint="")]
        if key.lower() == "c":
            return [KeyAction(hint="type the suggestion number first: 1 then c links suggestion 1 as contradicting")]
        shown = key if key.isprintable() else repr(key)
        return [KeyAction(hint=f"{shown} does nothing here; ? lists the keys")]
