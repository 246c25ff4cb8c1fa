"""Typographic normalisation that remembers where every character came from.

Quotes drift from their source in predictable ways: curly vs straight quotes
and apostrophes, dashes, ligatures, ellipses, runs of whitespace, line-end
hyphenation, case. :func:`normalize` folds all of these and returns, for each
character of the folded text, its offset in the original, so a match found in
folded text maps back to the source's own characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_TRANSLATE = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "\u00ad": "",  # soft hyphen
}


@dataclass(frozen=True)
class Folded:
    text: str
    offsets: list[int]  # offsets[i] = index in the original of folded text[i]; one extra entry = len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span covering folded ``text[start:end]``."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


def _fold_char(ch: str) -> str:
    if ch in _TRANSLATE:
        return _TRANSLATE[ch]
    if ch == "…":
        return "..."
    if ord(ch) < 128:
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalize(text: str) -> Folded:
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        # line-end hyphenation: "Afghani-\nstan" -> "afghanistan"
        if ch in "-‐" and i + 1 < n and text[i + 1] == "\n" and out and out[-1].isalpha():
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j].islower():
                i = j
                continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                offsets.append(i)
            i += 1
            continue
        for piece in _fold_char(ch):
            out.append(piece)
            offsets.append(i)
        i += 1
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    offsets.append(n)
    return Folded("".join(out), offsets)


def fold(text: str) -> str:
    return normalize(text).text
