"""``claim check-quotes``: is every direct quotation in the article in a source?

An author's quotation is read as an editor reads it: a bracketed insertion
("fight [local regimes]") stands for words of the source that were replaced,
and an ellipsis for words left out. The quotation is split into fragments at
those points; the fragments must be found in order, close together, in one
source. Each quotation is reported as found (exactly, or with typography only), found
with differences (each one classified as ``evidence link`` classifies them:
number, date, amount, negation, name, pronoun, edge or other wording), or not
found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from verify.claims.hints import find_quotes
from verify.db.models import Passage, Source
from verify.db.queries.articles import find_article
from verify.db.queries.claims import claims_in_order
from verify.db.queries.sources import passages_of, retrieved_sources
from verify.errors import NotFound
from verify.match.align import align, cover_punctuation, tokens
from verify.match.anchor import Anchor, anchor
from verify.match.differences import Difference, compare

GAP = re.compile(r"\s*(?:\[[^\]]*\]|\.\.\.|…)\s*")
MAX_GAP_CHARS = 300  # how far apart the fragments of one quotation may lie in the source
MIN_FRAGMENT_WORDS = 2
REGION_CHARS = 80  # how far around a fuzzy fragment its alignment looks for the words it may have trimmed
NEIGHBOUR_THRESHOLD = 70.0  # rapidfuzz score for fragments next to an already anchored one


@dataclass
class QuoteCheck:
    claim_id: int
    quote: str
    state: str  # found | differs | not_found
    source: str | None = None
    locator: str | None = None
    source_text: str | None = None
    score: float = 0.0
    differences: list[str] = field(default_factory=list)  # "quote says forced, source says compelled"
    classes: list[str] = field(default_factory=list)  # each difference's class (verify.match.differences)
    note: str | None = None  # why a quotation may be missing for now (its attributed source is not retrieved)

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "quote": self.quote,
            "state": self.state,
            "source_key": self.source,
            "locator": self.locator,
            "source_text": self.source_text,
            "score": self.score,
            "differences": self.differences,
            "classes": self.classes,
            "note": self.note,
        }


def fragments(quote: str) -> list[str]:
    """The parts of a quotation that must stand in the source, in order."""
    parts = [p.strip(" ,;:") for p in GAP.split(quote)]
    kept = [p for p in parts if len(p.split()) >= MIN_FRAGMENT_WORDS]
    return kept or [quote.strip()]


def _compare(text: str, passages: list[Passage], part: str, found: Anchor) -> tuple[Anchor, list[Difference]]:
    """Align a fragment with the source around where it was found (:mod:`verify.match.align`).

    Returns the span widened to the counterparts of the fragment's first and
    last words (a fuzzy match may have trimmed a differing edge word) and the
    classified differences; typography is none.
    """
    if found.method == "exact":
        return found, []
    passage = next((p for p in passages if p.start <= found.start < p.end), None)
    low, high = (passage.start, passage.end) if passage else (0, len(text))
    start, end = max(low, found.start - REGION_CHARS), min(high, found.end + REGION_CHARS)
    quote_tokens, source_tokens = tokens(part), tokens(text, start, end)
    alignment = align(quote_tokens, source_tokens)
    if alignment is None:
        return found, []
    span = Anchor(
        *cover_punctuation(part, text, source_tokens[alignment.first].start, source_tokens[alignment.last].end),
        found.method,
        found.score,
    )
    compared = compare(part, quote_tokens, text, source_tokens, alignment)
    return span, list(compared.differences)


def _locate(text: str, passages: list[Passage], parts: list[str]) -> tuple[list[Anchor], float] | None:
    """Anchor the longest fragment anywhere (strictly), then the others around it (leniently).

    The neighbours of a found fragment are searched only within
    :data:`MAX_GAP_CHARS` of it, so a lower threshold there cannot wander off
    into another paragraph; it lets "forced" vs "compelled" show as a
    difference instead of hiding the whole quotation.
    """
    windows = [(p.start, p.end) for p in passages] or None
    pivot = max(range(len(parts)), key=lambda i: len(parts[i]))
    found = anchor(text, parts[pivot], windows=windows)
    if not isinstance(found, Anchor):
        return None
    anchors: dict[int, Anchor] = {pivot: found}
    for index in [*range(pivot - 1, -1, -1), *range(pivot + 1, len(parts))]:
        before = index < pivot
        neighbour = anchors[index + 1] if before else anchors[index - 1]
        reach = MAX_GAP_CHARS + 2 * len(parts[index])
        start, end = (
            (max(0, neighbour.start - reach), neighbour.start) if before else (neighbour.end, neighbour.end + reach)
        )
        result = anchor(text[start:end], parts[index], threshold=NEIGHBOUR_THRESHOLD)
        if not isinstance(result, Anchor):
            return None
        anchors[index] = Anchor(result.start + start, result.end + start, result.method, result.score)
    ordered = [anchors[i] for i in range(len(parts))]
    return ordered, min(a.score for a in ordered)


def check_quote(claim_id: int, quote: str, sources: list[tuple[Source, list[Passage]]]) -> QuoteCheck:
    parts = fragments(quote)
    best: QuoteCheck = QuoteCheck(claim_id, quote, "not_found")
    for source, passages in sources:
        located = _locate(source.text or "", passages, parts)
        if located is None:
            continue
        anchors, score = located
        text = source.text or ""
        compared = [_compare(text, passages, part, a) for part, a in zip(parts, anchors, strict=True)]
        anchors = [span for span, _ in compared]
        found_text = text[anchors[0].start : anchors[-1].end]
        passage = next((p for p in passages if p.start <= anchors[0].start < p.end), None)
        differences = [d for _, found in compared for d in found]
        check = QuoteCheck(
            claim_id,
            quote,
            "differs" if differences else "found",
            source.key,
            passage.locator if passage else None,
            found_text,
            score,
            [d.detail for d in differences],
            [d.kind for d in differences],
        )
        if best.state == "not_found" or (check.state == "found" and best.state != "found") or check.score > best.score:
            best = check
        if best.state == "found":
            break
    return best


def check_quotes(session: Session, article_id: int | None = None) -> list[QuoteCheck]:
    if article_id is not None and find_article(session, article_id) is None:
        raise NotFound(f"no article with id {article_id}; see 'verify status'")
    claims = claims_in_order(session, article_id=article_id)
    sources = [(s, passages_of(session, s.id)) for s in retrieved_sources(session)]
    retrieved = {source.key for source, _ in sources}
    results = []
    for claim in claims:
        for quote in find_quotes(claim.text):
            if len(quote.split()) < MIN_FRAGMENT_WORDS:
                continue  # a single quoted word is emphasis, not a quotation to check
            attributed = (claim.attribution or {}).get("source_key")
            ordered = sorted(sources, key=lambda item: item[0].key != attributed)
            result = check_quote(claim.id, quote, ordered)  # type: ignore[arg-type]
            if result.state == "not_found" and attributed and attributed not in retrieved:
                result.note = (
                    f"its attributed source {attributed} is not retrieved yet: "
                    f"'verify source fetch {attributed}' or 'verify source add FILE --key {attributed}'"
                )
            results.append(result)
    return results
