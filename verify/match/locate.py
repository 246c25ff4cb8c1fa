"""Where a typed quote stands in a source, and what it says differently there.

Used by ``evidence link``. Three outcomes a checker can act on:

* occurrences: the quote's words stand in the source as typed (exactly, or
  after folding typography), on whole words, inside a passage. One
  occurrence anchors; several need ``--passage`` or ``--occurrence N``;
* an approximate anchor: the best passage aligned token by token with the
  quote (:mod:`verify.match.align`); its span runs from the counterpart of
  the quote's first token to that of its last, and every difference is
  classified (:mod:`verify.match.differences`). No difference at all (a
  footnote marker, a hyphenation the folding did not catch) makes it an
  ordinary typographic match;
* a broken span: the alignment is good only if words of another stretch are
  skipped, or the quote runs on into the next passage. That is not one
  continuous quote of the passage, and cannot be linked as one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from verify.match.align import Token, align, cover_punctuation, same, tokens
from verify.match.anchor import FUZZY_THRESHOLD, Anchor, Miss
from verify.match.differences import Compared, Difference, compare
from verify.match.normalize import Folded, normalize

AGREEING_WORDS = 0.7  # or this share of the quote's words, as they are, in order (a short quote with one word changed)
MIN_AGREEING = 3
CANDIDATE_WINDOWS = 4  # passages aligned token by token after the character pre-selection
CROSS_FLOOR = 50.0  # a crossing or a skipped stretch is reported only when the rest of the quote fits this well
CROSS_TOKENS = 2  # quote words on each side of a passage boundary that make it a crossing


@dataclass(frozen=True)
class Located:
    """The outcome of looking for a quote; exactly one of the fields below says what happened."""

    occurrences: list[Anchor] = field(default_factory=list)  # exact / normalized, document order
    approximate: Anchor | None = None
    differences: tuple[Difference, ...] = ()
    broken: str | None = None  # why the best span is not one continuous stretch of a passage
    broken_at: int | None = None  # offset of that span
    miss: Miss | None = None
    # approximate spans as good as the best, elsewhere, each with its own differences
    ties: list[tuple[Anchor, tuple[Difference, ...]]] = field(default_factory=list)


def _whole_word(text: str, start: int, end: int) -> bool:
    left = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    right = end >= len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return left and right


def _inside(windows: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in windows)


def word_occurrences(
    text: str, quote: str, windows: Sequence[tuple[int, int]], folded: Folded | None = None
) -> list[Anchor]:
    """Exact occurrences on whole words inside the windows or, when none, typography-folded ones."""
    needle = quote.strip()
    if not needle:
        return []
    exact = []
    position = text.find(needle)
    while position >= 0:
        end = position + len(needle)
        if _whole_word(text, position, end) and _inside(windows, position, end):
            exact.append(Anchor(position, end, "exact", 100.0))
        position = text.find(needle, position + 1)
    if exact:
        return exact
    folded = folded or normalize(text)
    folded_quote = normalize(needle).text
    found = []
    position = folded.text.find(folded_quote) if folded_quote else -1
    while position >= 0:
        start, end = folded.span(position, position + len(folded_quote))
        if _whole_word(text, start, end) and _inside(windows, start, end):
            found.append(Anchor(start, end, "normalized", 100.0))
        position = folded.text.find(folded_quote, position + 1)
    return found


@dataclass(frozen=True)
class _Candidate:
    window: int
    start: int
    end: int
    cost: float
    score: float
    compared: Compared
    agreeing: float  # share of the quote's words found as they are

    @property
    def close_enough(self) -> bool:
        """Anchored (and then judged on its differences) by characters or by words."""
        return self.score >= FUZZY_THRESHOLD or self.agreeing >= AGREEING_WORDS


def locate(text: str, quote: str, windows: Sequence[tuple[int, int]]) -> Located:
    """Find ``quote`` inside the windows (passage spans, in reading order) of ``text``."""
    from rapidfuzz import fuzz

    whole = normalize(text)
    found = word_occurrences(text, quote, windows, whole)
    if found:
        return Located(occurrences=found)
    folded_quote = normalize(quote.strip()).text
    quote_tokens = tokens(quote.strip())
    if not folded_quote or not quote_tokens:
        return Located(miss=Miss(0, 0, 0.0))
    ranked: list[tuple[float, int]] = []
    for index, (a, b) in enumerate(windows):
        folded = whole.text[bisect_left(whole.offsets, a) : bisect_left(whole.offsets, b)]  # the window, folded
        if folded:
            ranked.append((fuzz.partial_ratio(folded_quote, folded), index))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    candidates: list[_Candidate] = []
    for _, index in ranked[:CANDIDATE_WINDOWS]:
        candidate = _align_window(text, quote.strip(), quote_tokens, windows, index)
        if candidate is not None:
            candidates.append(candidate)
    if not candidates:
        return Located(miss=Miss(0, 0, 0.0))
    best = min(candidates, key=lambda c: (c.cost, -c.score, c.window))
    crossing = _crossing(text, quote_tokens, windows, best) if best.score >= CROSS_FLOOR else None
    if crossing:
        return Located(broken=crossing, broken_at=best.start)
    if best.compared.breaks and best.score >= CROSS_FLOOR:
        return Located(broken="; ".join(best.compared.breaks), broken_at=best.start)
    if not best.close_enough:
        return Located(miss=Miss(best.start, best.end, round(best.score, 2)))
    others = [c for c in candidates if c is not best and c.cost == best.cost and c.close_enough]
    ties = [(Anchor(c.start, c.end, "fuzzy", round(c.score, 2)), c.compared.differences) for c in others]
    if not best.compared.differences:
        typographic = Anchor(best.start, best.end, "normalized", 100.0)
        return Located(
            occurrences=sorted(
                [typographic, *[Anchor(c.start, c.end, "normalized", 100.0) for c in others]], key=lambda a: a.start
            )
        )
    return Located(
        approximate=Anchor(best.start, best.end, "fuzzy", round(best.score, 2)),
        differences=best.compared.differences,
        ties=ties,
    )


def _align_window(
    text: str, quote: str, quote_tokens: list[Token], windows: Sequence[tuple[int, int]], index: int
) -> _Candidate | None:
    from rapidfuzz import fuzz

    a, b = windows[index]
    source_tokens = tokens(text, a, b)
    alignment = align(quote_tokens, source_tokens)
    if alignment is None:
        return None
    start, end = cover_punctuation(quote, text, source_tokens[alignment.first].start, source_tokens[alignment.last].end)
    compared = compare(quote, quote_tokens, text, source_tokens, alignment)
    # The score leaves out a stretch the quote skips, so a mixed-in column is reported as such, not as "not found".
    kept = "".join(
        text[t.start : t.end] + " "
        for st in alignment.steps
        if st.s is not None
        for t in [source_tokens[st.s]]
        if st.q is not None or not compared.breaks
    )
    score = fuzz.ratio(" ".join(t.key for t in quote_tokens), normalize(kept).text)
    agreeing = sum(
        1
        for st in alignment.steps
        if st.q is not None and st.s is not None and same(quote_tokens[st.q].key, source_tokens[st.s].key)
    )
    share = agreeing / len(quote_tokens) if agreeing >= MIN_AGREEING else 0.0
    return _Candidate(index, start, end, alignment.cost, score, compared, share)


def _crossing(text: str, quote_tokens: list[Token], windows: Sequence[tuple[int, int]], best: _Candidate) -> str | None:
    """Does the quote fit better run on across the boundary of its passage and the one before or after?

    The quote is aligned with the two passages' tokens joined; when that
    costs less than the best single passage and places at least
    :data:`CROSS_TOKENS` quote words on each side, the quote crosses them.
    """
    index = best.window
    for first, second in ((index - 1, index), (index, index + 1)):
        if first < 0 or second >= len(windows):
            continue
        left, right = tokens(text, *windows[first]), tokens(text, *windows[second])
        joined = left + right
        alignment = align(quote_tokens, joined)
        if alignment is None or alignment.cost >= best.cost:
            continue
        placed = [st.s for st in alignment.steps if st.s is not None and st.q is not None]
        before = sum(1 for k in placed if k < len(left))
        if before >= CROSS_TOKENS and len(placed) - before >= CROSS_TOKENS:
            return "it runs on from one passage into the next"
    return None
