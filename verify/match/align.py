"""Token-by-token alignment of a typed quote with a span of the source.

A character score (rapidfuzz) says how alike two strings are, not *where*
they differ: "32" for "23" costs one point in a hundred. To decide whether a
quote says what the source says, both are cut into word tokens over their
folded text (:mod:`verify.match.normalize`: case, curly quotes, dashes,
line-end hyphenation and soft hyphens are gone before anything is compared)
and aligned token by token. Every token keeps its offsets in the original, so
a difference can be shown in the source's own characters and the stored span
always runs from the counterpart of the quote's first token to that of its
last — never trimmed to the part that happened to match.

Footnote markers are not words: a token made only of superscript digits is
dropped, and a word with one to three digits glued on (``squad12``) compares
equal to the bare word when the quote has the bare word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from verify.match.normalize import normalize

# A number keeps its separators ("1,600", "30.5"); a word keeps inner apostrophes ("don't").
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*|\w+", re.UNICODE)
THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
GLUED_FOOTNOTE = re.compile(r"^([^\W\d_]{3,})(\d{1,3})$")
QUOTE_GAP = 1.0  # a quote word the source does not have
SOURCE_GAP = 0.5  # a source word the quote skips: below a substitution, so a skipped stretch shows as one block


@dataclass(frozen=True)
class Token:
    key: str  # folded form compared
    start: int  # offsets in the original text
    end: int

    def raw(self, text: str) -> str:
        return text[self.start : self.end]


def _superscript(ch: str) -> bool:
    try:
        return "SUPERSCRIPT" in unicodedata.name(ch)
    except ValueError:
        return False


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]`` with original offsets; footnote superscripts left out."""
    stop = len(text) if end is None else end
    folded = normalize(text[start:stop])
    out: list[Token] = []
    for match in TOKEN.finditer(folded.text):
        a, b = folded.span(match.start(), match.end())
        origin = [folded.offsets[i] for i in range(match.start(), match.end())]
        key = "".join(ch for ch, o in zip(match.group(), origin, strict=True) if not _superscript(text[start + o]))
        if not key:
            continue  # a superscript footnote number standing alone
        if THOUSANDS.match(key):
            key = key.replace(",", "")  # "1,600" and "1600" are one number
        if key.isdigit() and len(key) <= 3 and out and out[-1].end == start + a and out[-1].key.isalpha():
            out[-1] = Token(out[-1].key + key, out[-1].start, start + b)  # "late12": a footnote glued to its word
            continue
        out.append(Token(key, start + a, start + b))
    return out


def same(quoted: str, found: str) -> bool:
    """Equal keys, or the source's word carries a glued footnote number the quote lacks."""
    if quoted == found:
        return True
    glued = GLUED_FOOTNOTE.match(found)
    return bool(glued and glued.group(1) == quoted)


def _cost(a: str, b: str) -> float:
    if same(a, b):
        return 0.0
    # a near-miss (a typo) is cheaper than two unrelated words, so it pairs up instead of splitting into gaps
    from rapidfuzz import fuzz

    return 0.6 if len(a) > 3 and fuzz.ratio(a, b) >= 75 else 1.0


@dataclass(frozen=True)
class Step:
    """One column of an alignment: quote token index and source token index (None for a gap)."""

    q: int | None
    s: int | None


@dataclass(frozen=True)
class Alignment:
    steps: tuple[Step, ...]
    cost: float
    first: int  # index of the first source token covered
    last: int  # index of the last source token covered (inclusive)


def align(quote: list[Token], source: list[Token]) -> Alignment | None:
    """Semi-global alignment: every quote token is placed, the source may run on at both ends for free.

    Skipping a source word costs less than a substitution, so a stretch of
    the source the quote skips comes out as one block; then the quote's unplaced first and
    last words are paired with the source words just outside the span
    (:func:`_extend_edges`), so a differing first word ("Some years later")
    takes the source's ("Many") into the span instead of being left out.
    """
    n, m = len(quote), len(source)
    if n == 0 or m == 0:
        return None
    inf = float("inf")
    # cost[i][j]: best cost aligning quote[:i] ending at source position j (source before is free)
    cost = [[0.0] * (m + 1)] + [[inf] * (m + 1) for _ in range(n)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 1 diagonal, 2 quote gap (up), 3 source gap (left)
    for i in range(1, n + 1):
        cost[i][0] = i * QUOTE_GAP
        move[i][0] = 2
        qk = quote[i - 1].key
        row, above = cost[i], cost[i - 1]
        for j in range(1, m + 1):
            best, how = above[j - 1] + _cost(qk, source[j - 1].key), 1
            up = above[j] + QUOTE_GAP
            if up < best:
                best, how = up, 2
            left = row[j - 1] + SOURCE_GAP
            if left < best:
                best, how = left, 3
            row[j], move[i][j] = best, how
    end = min(range(m + 1), key=lambda j: (cost[n][j], -j))  # on a tie, take the source's counterpart in
    steps: list[Step] = []
    i, j = n, end
    while i > 0:
        how = move[i][j]
        if how == 1:
            steps.append(Step(i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 2:
            steps.append(Step(i - 1, None))
            i -= 1
        else:
            steps.append(Step(None, j - 1))
            j -= 1
    steps.reverse()
    steps = _extend_edges(steps, m)
    covered = [s.s for s in steps if s.s is not None]
    if not covered:
        return None
    return Alignment(tuple(steps), cost[n][end], covered[0], covered[-1])


def _extend_edges(steps: list[Step], m: int) -> list[Step]:
    """Pair the quote's unplaced edge words with their counterparts just outside the span, if the source has them."""
    covered = [st.s for st in steps if st.s is not None]
    if not covered:
        return steps
    lead = 0
    while lead < len(steps) and steps[lead].s is None:
        lead += 1
    take = min(lead, covered[0])
    if take:
        first = covered[0]
        steps = (
            steps[: lead - take]
            + [Step(steps[lead - take + k].q, first - take + k) for k in range(take)]
            + steps[lead:]
        )
    trail = 0
    while trail < len(steps) and steps[len(steps) - 1 - trail].s is None:
        trail += 1
    take = min(trail, m - 1 - covered[-1])
    if take:
        last, cut = covered[-1], len(steps) - trail
        steps = steps[:cut] + [Step(steps[cut + k].q, last + 1 + k) for k in range(take)] + steps[cut + take :]
    return steps


def cover_punctuation(quote: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a token span over the punctuation the quote also has at its ends ("onslaught." for "…onslaught.")."""
    from verify.match.normalize import fold

    stripped = quote.strip()
    head = stripped[: len(stripped) - len(stripped.lstrip("".join(c for c in stripped if not c.isalnum())))]
    tail_start = len(stripped.rstrip("".join(c for c in stripped if not c.isalnum())))
    tail = fold(stripped[tail_start:])
    lead = fold(head)
    while (
        end < len(text)
        and not text[end].isalnum()
        and not text[end].isspace()
        and fold(text[end])
        and fold(text[end]) in tail
    ):
        end += 1
    while (
        start > 0
        and not text[start - 1].isalnum()
        and not text[start - 1].isspace()
        and fold(text[start - 1])
        and fold(text[start - 1]) in lead
    ):
        start -= 1
    return start, end
