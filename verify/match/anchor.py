"""Anchoring a quote in a source's stored text: exactly, after folding typography, or fuzzily.

What a checker links must provably be in the archived source, so the stored
evidence is always the source's own characters at the anchored span — never
the text as typed. A fuzzy anchor needs a rapidfuzz alignment score of at
least :data:`FUZZY_THRESHOLD` (out of 100) over the folded texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from verify.match.normalize import normalize

FUZZY_THRESHOLD = 90.0
CONTEXT_CHARS = 40
MIN_QUOTE_WORDS = 3  # a quote of fewer words ("the", "camps") is not evidence of anything


def word_count(quote: str) -> int:
    return len(re.findall(r"\w+", quote))


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    method: str  # exact | normalized | fuzzy
    score: float

    def context(self, text: str) -> tuple[str, str]:
        return text[max(0, self.start - CONTEXT_CHARS) : self.start], text[self.end : self.end + CONTEXT_CHARS]


@dataclass(frozen=True)
class Miss:
    """The closest thing found when a quote cannot be anchored."""

    start: int
    end: int
    score: float


def _pick(text: str, needle: str, prefix: str | None, suffix: str | None) -> int:
    """Among several exact occurrences, the one whose context matches the stored prefix/suffix."""
    first = text.find(needle)
    if first < 0 or not (prefix or suffix):
        return first
    best, best_score = first, -1
    position = first
    while position >= 0:
        score = 0
        if prefix and text[max(0, position - len(prefix)) : position] == prefix:
            score += 1
        if suffix and text[position + len(needle) : position + len(needle) + len(suffix)] == suffix:
            score += 1
        if score > best_score:
            best, best_score = position, score
        position = text.find(needle, position + 1)
    return best


def _inside(windows: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(window_start <= start and end <= window_end for window_start, window_end in windows)


def occurrences(text: str, quote: str, windows: Sequence[tuple[int, int]] | None = None) -> list[Anchor]:
    """Every exact occurrence of ``quote`` or, when there is none, every one after folding
    typography; with ``windows``, only occurrences wholly inside one of them count."""
    needle = quote.strip()
    if not needle:
        return []

    def keep(found: list[Anchor]) -> list[Anchor]:
        return found if windows is None else [a for a in found if _inside(windows, a.start, a.end)]

    exact: list[Anchor] = []
    position = text.find(needle)
    while position >= 0:
        exact.append(Anchor(position, position + len(needle), "exact", 100.0))
        position = text.find(needle, position + 1)
    if keep(exact):
        return keep(exact)
    folded_text = normalize(text)
    folded_quote = normalize(needle).text
    folded: list[Anchor] = []
    position = folded_text.text.find(folded_quote) if folded_quote else -1
    while position >= 0:
        start, end = folded_text.span(position, position + len(folded_quote))
        folded.append(Anchor(start, end, "normalized", 100.0))
        position = folded_text.text.find(folded_quote, position + 1)
    return keep(folded)


def anchor(
    text: str,
    quote: str,
    *,
    windows: Sequence[tuple[int, int]] | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
    threshold: float = FUZZY_THRESHOLD,
    confine: bool = False,
) -> Anchor | Miss:
    """Find ``quote`` in ``text``; ``windows`` (e.g. passage spans) bound the fuzzy search.

    With ``confine`` (and windows), an exact or normalized match counts only
    when it lies wholly inside a window: a quote that occurs only in a title
    line or running header is then looked for fuzzily inside the windows, and
    usually missed.
    """
    from rapidfuzz import fuzz

    needle = quote.strip()
    if not needle:
        return Miss(0, 0, 0.0)
    if confine and windows:
        inside = occurrences(text, needle, windows)
        if inside:
            return inside[0]
        folded_quote = normalize(needle).text
    else:
        position = _pick(text, needle, prefix, suffix)
        if position >= 0:
            return Anchor(position, position + len(needle), "exact", 100.0)
        folded_text = normalize(text)
        folded_quote = normalize(needle).text
        position = _pick(folded_text.text, folded_quote, None, None)
        if position >= 0:
            start, end = folded_text.span(position, position + len(folded_quote))
            return Anchor(start, end, "normalized", 100.0)
    best: Miss = Miss(0, 0, 0.0)
    spans = windows or [(0, len(text))]
    for window_start, window_end in spans:
        folded = normalize(text[window_start:window_end])
        if not folded.text:
            continue
        alignment = fuzz.partial_ratio_alignment(folded_quote, folded.text)
        if alignment is None:
            continue
        start, end = folded.span(alignment.dest_start, alignment.dest_end)
        if alignment.score > best.score:
            best = Miss(window_start + start, window_start + end, alignment.score)
    if best.score >= threshold and best.end > best.start:
        start, end = _extend(text, *_trim(text, best.start, best.end), folded_quote)
        return Anchor(start, end, "fuzzy", round(best.score, 2))
    return Miss(best.start, best.end, round(best.score, 2))


def _extend(text: str, start: int, end: int, folded_quote: str) -> tuple[int, int]:
    """Move the edges of a fuzzy span word by word while it resembles the quote more.

    The alignment is as long as the quote, so it may drop an edge word (when
    the source says it in more letters) or, once trimmed to whole words, take
    in a word beyond the quote (when the source says it in fewer letters).
    """
    from rapidfuzz import fuzz

    def score(a: int, b: int) -> float:
        return fuzz.ratio(folded_quote, normalize(text[a:b]).text)

    current = score(start, end)
    for _ in range(6):
        left = text.rfind(" ", 0, max(start - 1, 0)) + 1 if start > 0 else start
        right_space = text.find(" ", min(end + 1, len(text)))
        right = len(text) if right_space < 0 else right_space
        options = [(score(left, end), left, end), (score(start, right), start, right)]
        inner_left = text.find(" ", start, end)
        inner_right = text.rfind(" ", start, end)
        if inner_left >= 0:  # drop the first word
            options.append((score(inner_left + 1, end), inner_left + 1, end))
        if inner_right >= 0:  # drop the last word
            options.append((score(start, inner_right), start, inner_right))
        best_score, a, b = max(options)
        if best_score <= current:
            break
        current, start, end = best_score, a, b
    return _trim(text, start, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Whole words only: a fuzzy span never starts or ends inside a word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
