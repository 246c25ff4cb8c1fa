"""What a quote says differently from its source, classified the way an editor reads it.

An aligned quote (:mod:`verify.match.align`) differs from the source in runs
of tokens. Each run is one :class:`Difference` with a class, most telling
first: ``negation`` (not, no, never…), ``date``, ``amount`` (a number with a
currency or a unit of magnitude), ``number``, ``pronoun``, ``name`` (a
capitalised word that does not open a sentence), ``edge`` (a word added,
dropped or changed at either end of the quote) and ``other`` (wording).
Typography is never a run: it is folded away before the alignment.

A long run of source words inside the quote's span that the quote does not
have (or the reverse) is not a wording difference: it means the span is not
one continuous stretch of the passage, as when extraction mixed two columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from verify.match.align import Alignment, Step, Token, same

BREAK_TOKENS = 5  # this many words in a row on one side only: the span is not continuous
ELSEWHERE_TOKENS = 3  # this many replaced quote words found as typed elsewhere in the passage: likewise

NEGATIONS = frozenset(
    "not no never none nor neither nothing nobody nowhere without cannot hardly barely seldom".split()
)
PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself he him his himself she her hers herself "
    "it its itself they them their theirs themselves one".split()
)
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands "
    "million millions billion billions trillion dozen dozens half third quarter twice double triple first second "
    "third fourth fifth".split()
)
MAGNITUDES = frozenset(
    "percent per cent million millions billion billions trillion thousand dollars dollar euros euro pounds pound "
    "usd eur gbp francs yen".split()
)
CURRENCY = re.compile(r"[$€£¥%]|\bper\s+cent\b", re.IGNORECASE)
YEAR = re.compile(r"^(1[5-9]|20)\d\d$")
SENTENCE_END = re.compile(r"[.!?:;\"“”'‘’(\[]\s*$")


@dataclass(frozen=True)
class Difference:
    kind: str  # negation | date | amount | number | pronoun | name | edge | other
    detail: str  # "quote says 32, source says 23"
    quote: str  # the quote's words in this run ("" when the quote lacks them)
    source: str  # the source's words in this run ("" when the source lacks them)

    def as_flag(self, locator: str | None = None) -> dict[str, Any]:
        """The evidence flag for an accepted difference (see DESIGN: evidence flags)."""
        flag: dict[str, Any] = {
            "kind": "quote_difference",
            "detail": self.detail,
            "class": self.kind,
            "quote": self.quote,
            "source": self.source,
        }
        if locator:
            flag["locator"] = locator
        return flag


@dataclass(frozen=True)
class Compared:
    differences: tuple[Difference, ...]
    breaks: tuple[str, ...]  # why the span is not continuous ("" when it is)


def _is_negation(key: str) -> bool:
    return key in NEGATIONS or key.endswith("n't")


def _is_number(key: str) -> bool:
    return any(ch.isdigit() for ch in key) or key in NUMBER_WORDS


def _opens_sentence(text: str, token: Token) -> bool:
    before = text[max(0, token.start - 3) : token.start]
    return token.start == 0 or not before.strip() and token.start < 3 or bool(SENTENCE_END.search(before))


def _is_name(text: str, token: Token, first: bool) -> bool:
    raw = token.raw(text)
    if not raw[:1].isupper():
        return False
    if len(raw) > 1 and raw.isupper():
        return True  # an acronym: UN, NATO
    return not first and not _opens_sentence(text, token)


def _join(text: str, run: list[Token]) -> str:
    return text[run[0].start : run[-1].end] if run else ""


def _classify(
    quote: str,
    source: str,
    q: list[Token],
    s: list[Token],
    near: list[Token],
    near_text: str,
    at_edge: bool,
    first_in_quote: bool,
) -> str:
    keys = [t.key for t in q + s]
    if any(_is_negation(k) for k in keys):
        return "negation"
    numeric = [k for k in keys if _is_number(k)]
    if numeric:
        neighbours = {t.key for t in near}
        raw = [t.raw(quote) for t in q] + [t.raw(source) for t in s]  # as written: "1,600" is not a year
        if any(k in MONTHS for k in keys) or neighbours & MONTHS or any(YEAR.match(r) for r in raw):
            return "date"
        around = near_text
        if neighbours & MAGNITUDES or any(k in MAGNITUDES for k in keys) or CURRENCY.search(around):
            return "amount"
        return "number"
    if any(k in MONTHS and k not in ("may", "march") for k in keys):
        return "date"
    if any(k in PRONOUNS for k in keys):
        return "pronoun"
    if any(_is_name(quote, t, first_in_quote and i == 0) for i, t in enumerate(q)) or any(
        _is_name(source, t, False) for t in s
    ):
        return "name"
    return "edge" if at_edge else "other"


def compare(
    quote: str, quote_tokens: list[Token], source: str, source_tokens: list[Token], alignment: Alignment
) -> Compared:
    """The differences between a quote and the source span it is aligned with, in quote order."""
    steps = alignment.steps
    runs: list[tuple[int, int]] = []  # [from, to) over steps
    i = 0
    while i < len(steps):
        step = steps[i]
        equal = step.q is not None and step.s is not None and same(quote_tokens[step.q].key, source_tokens[step.s].key)
        if equal:
            i += 1
            continue
        j = i
        while j < len(steps):
            st = steps[j]
            if st.q is not None and st.s is not None and same(quote_tokens[st.q].key, source_tokens[st.s].key):
                break
            j += 1
        runs.append((i, j))
        i = j
    differences: list[Difference] = []
    breaks: list[str] = []
    for a, b in runs:
        q = [quote_tokens[st.q] for st in steps[a:b] if st.q is not None]
        s = [source_tokens[st.s] for st in steps[a:b] if st.s is not None]
        at_start, at_end = a == 0, b == len(steps)
        said, found = _join(quote, q), _join(source, s)
        if not (at_start or at_end) and (len(s) - len(q) >= BREAK_TOKENS or len(q) - len(s) >= BREAK_TOKENS):
            if len(s) > len(q):
                breaks.append(
                    f"{len(s) - len(q)} words of the source (“{_short(found)}”) stand inside the quote's span "
                    "but not in the quote"
                )
            else:
                breaks.append(
                    f"{len(q) - len(s)} words of the quote (“{_short(said)}”) are not in this stretch of the source"
                )
            continue
        elsewhere = _further_on(source, q, s, source_tokens)
        if elsewhere is not None:
            breaks.append(elsewhere)
            continue
        near = _neighbours(source_tokens, steps, a, b)
        near_text = source[max(0, s[0].start - 3) : s[-1].end + 12] if s else ""
        kind = _classify(quote, source, q, s, near, near_text, at_start or at_end, at_start)
        if q and s:
            detail = f"quote says {said}, source says {found}"
        elif q:
            where = " at the start" if at_start else " at the end" if at_end else ""
            detail = f"quote adds {said}{where}, the source does not have it"
        else:
            detail = f"quote leaves out {found}"
        differences.append(Difference(kind, detail, said, found))
    return Compared(tuple(differences), tuple(breaks))


def _further_on(source: str, q: list[Token], s: list[Token], source_tokens: list[Token]) -> str | None:
    """A run of quote words replaced by other words here, but standing as typed elsewhere in the passage.

    The alignment paired them with what happens to stand at this place (a
    line of another column, say) because skipping that costs more than a few
    substitutions; if the quote's words follow (or precede) in the passage,
    the quote is not one continuous stretch of it.
    """
    if len(q) < ELSEWHERE_TOKENS or not s:
        return None
    keys = [t.key for t in q]
    width = len(keys)
    first = s[0]
    here = next(i for i, t in enumerate(source_tokens) if t is first)
    for at in range(len(source_tokens) - width + 1):
        if at == here or [t.key for t in source_tokens[at : at + width]] != keys:
            continue
        between = source_tokens[here:at] if at > here else source_tokens[at + width : here + len(s)]
        words = source[between[0].start : between[-1].end] if between else ""
        return (
            f"{len(between)} words of the source (“{_short(words)}”) stand inside the quote's span but not in the quote"
        )
    return None


def _neighbours(source_tokens: list[Token], steps: tuple[Step, ...], a: int, b: int) -> list[Token]:
    """The source tokens just before and after a run (a date's month, an amount's unit)."""
    indices = [st.s for st in steps[max(0, a - 1) : min(len(steps), b + 1)] if st.s is not None]
    if not indices:
        return []
    lo, hi = max(0, min(indices) - 1), min(len(source_tokens), max(indices) + 2)
    return source_tokens[lo:hi]


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
