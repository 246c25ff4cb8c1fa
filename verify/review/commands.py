"""What a reviewer can type during ``verify review``, parsed into commands.

The same words work in a terminal and in scripted mode (one per line). The
table :data:`HELP` is the ``?`` screen and the key table in docs/review.md.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from verify.errors import VerifyError

STANCE_LETTERS = {"": "supports", "s": "supports", "c": "contradicts", "x": "context"}
VERDICTS = {
    "v": "verified",
    "verified": "verified",
    "p": "partly_verified",
    "partly": "partly_verified",
    "partly_verified": "partly_verified",
    "d": "disputed",
    "disputed": "disputed",
    "f": "unsupported",
    "unsupported": "unsupported",
    "o": "opinion",
    "opinion": "opinion",
}
SIMPLE = {
    "s": "skip",
    "skip": "skip",
    "b": "back",
    "back": "back",
    "x": "quit",
    "quit": "quit",
    "exit": "quit",
    "?": "help",
    "h": "help",
    "help": "help",
    "r": "refresh",
    "": "refresh",
    "u": "undo",
    "undo": "undo",
    "*": "all",
    "all": "all",
}

HELP: list[tuple[str, str]] = [
    ("1 … 9", "link suggestion N as supporting evidence (the whole passage)"),
    ("1c  1x", "… as contradicting / as context"),
    ("1 s2", "… only its sentence 2 (e N numbers the sentences); also 1c s2"),
    ("e N", "expand suggestion N: full text, numbered sentences (e: fold)"),
    ("/ words", "search all sources; results replace suggestions (/: back)"),
    ('q "quote" KEY', "link a typed quote from source KEY (q alone asks); qc, qx"),
    ("*", "also the suggestions below the relevance threshold (* again: hide them)"),
    ("v", "verified (needs supporting evidence; flagged evidence: asks why it holds); next"),
    ("p", "partly_verified (asks which part holds); next"),
    ("d  f", "disputed / unsupported, f = found no support (asks for a note if needed); next"),
    ("o", "opinion; next claim"),
    ("u", "undo your last link, verdict or assignment of this session (a link is retracted, the status restored)"),
    ("t [ID]", "retract a listed evidence (asks which, and why)"),
    ("n [text]", "add a note (n alone asks for it); notes cannot be undone"),
    ("a NAME", "assign the claim (a me: to you; a -: unassign)"),
    ("s  b", "skip to the next claim / go back to the previous one (nothing is saved)"),
    ("r", "reload the claim and its suggestions"),
    ("x", "quit (also Ctrl-D); a claim you worked on stays in progress for next time"),
]
KEYS_HINT = "1-9 link · v p d f o mark · u undo · t retract · n note · s skip · x quit · ?"


@dataclass(frozen=True)
class Command:
    name: str  # link, quote, search, expand, mark, note, assign, skip, back, quit, help, refresh, undo, all, retract
    number: int | None = None
    stance: str = "supports"
    sentence: int | None = None
    text: str | None = None  # note, search words, quote, assignee, status
    source: str | None = None  # quote: the source key typed (or None)
    note: str | None = None  # mark: a note given on the same line


LINK_RE = re.compile(r"^(\d{1,2})\s*([scx]?)(?:\s*s\s*(\d+))?$", re.IGNORECASE)


def parse(line: str) -> Command:
    """One command line; raises :class:`VerifyError` with a hint when it means nothing."""
    text = line.strip()
    word, _, rest = text.partition(" ")
    rest = rest.strip()
    lowered = word.lower()
    if text.lower() in SIMPLE:
        return Command(SIMPLE[text.lower()])
    if match := LINK_RE.match(text):
        number, letter, sentence = match.groups()
        return Command("link", int(number), STANCE_LETTERS[letter.lower()], int(sentence) if sentence else None)
    if text.startswith("/"):
        return Command("search", text=text[1:].strip() or None)
    if lowered in VERDICTS:
        return Command("mark", text=VERDICTS[lowered], note=rest or None)
    if lowered in ("t", "retract"):
        number, _, reason = rest.lstrip("#").partition(" ")
        if number and not number.isdigit():
            raise VerifyError("retract which evidence? e.g. 't 3' (its number on the screen, #3)")
        return Command("retract", int(number) if number else None, text=reason.strip() or None)
    if lowered in ("n", "note"):
        return Command("note", text=rest or None)
    if lowered in ("a", "assign"):
        if not rest:
            raise VerifyError("assign to whom? type a NAME, 'a me' or 'a -' to unassign")
        return Command("assign", text=rest)
    if re.fullmatch(r"e\d*", lowered) or lowered == "expand":
        number = lowered[1:] or rest
        if not number:
            return Command("expand")
        if not number.isdigit():
            raise VerifyError("expand which suggestion? e.g. 'e 2'")
        return Command("expand", int(number))
    if lowered in ("q", "qs", "qc", "qx", "quote"):
        return _quote(lowered, rest)
    raise VerifyError(f"unknown command {text!r}; type ? for the list")


def _quote(word: str, rest: str) -> Command:
    stance = STANCE_LETTERS[word[1:]] if len(word) == 2 else "supports"
    if not rest:
        return Command("quote", stance=stance)
    try:
        parts = shlex.split(rest)
    except ValueError:  # an apostrophe or an unclosed quotation mark: take the words as they are
        parts = [rest.strip("\"'“”")]
    if len(parts) == 1:
        return Command("quote", stance=stance, text=parts[0])
    if rest.lstrip()[:1] in "\"'“":
        return Command("quote", stance=stance, text=parts[0], source=" ".join(parts[1:]))
    # Unquoted words: the session takes the last one as the source key when it names a source.
    return Command("quote", stance=stance, text=" ".join(parts))
