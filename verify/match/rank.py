"""Suggesting the passages that bear on a claim: a fast first stage, then re-ranking.

1. First stage: BM25 over the full-text index with the claim's content words
   and the spelling variants of its names (top :data:`CANDIDATES`). When the
   claim is attributed to a source, that source's best passages are always
   among the candidates.
2. Re-ranking: a weighted sum of features, each in [0, 1]: BM25 (relative to
   the best candidate), rapidfuzz similarity, the share of the claim's numbers
   and names the passage states, and how well the passage's source fits the
   claim's attribution (symbol, publisher, date). Weights were tuned on
   SciFact's training claims and the labelled set in ``tests/data/library``
   (see ``benchmarks/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session

from verify.claims.attribution import match_score
from verify.claims.hints import compute_hints
from verify.claims.names import name_key
from verify.errors import NotFound
from verify.match.flags import flags_for
from verify.match.normalize import fold
from verify.match.numbers import quantities
from verify.match.query import Terms, claim_terms, content_words

CANDIDATES = 50


@dataclass(frozen=True)
class Weights:
    bm25: float = 1.0
    fuzzy: float = 0.3
    numbers: float = 0.3
    names: float = 0.3
    attribution: float = 1.0
    variants: bool = True


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class SourceInfo:
    id: int
    key: str
    title: str | None
    publisher: str | None
    published: str | None
    symbol: str | None
    series: str | None


@dataclass
class Suggestion:
    passage_id: int
    source: SourceInfo
    locator: str
    paragraph: int | None
    page: int | None
    text: str
    bm25: float
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    matched_terms: list[str] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None  # e.g. "not the attributed source S/2023/370"

    def as_dict(self) -> dict[str, Any]:
        return {
            "passage_id": self.passage_id,
            "source": self.source.key,
            "locator": self.locator,
            "paragraph": self.paragraph,
            "page": self.page,
            "score": round(self.score, 4),
            "text": self.text,
            "matched_terms": self.matched_terms,
            "flags": self.flags,
            "note": self.note,
        }


def _fts_expression(terms: Terms, weights: Weights) -> str | None:
    words = terms.all if weights.variants else terms.words
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words)


def first_stage(session: Session, terms: Terms, weights: Weights, *, source_id: int | None = None, limit: int = CANDIDATES) -> list[Suggestion]:
    """Top passages by BM25 (current sources only, or one source)."""
    expression = _fts_expression(terms, weights)
    if expression is None:
        return []
    where = "s.is_current = 1" + (" AND s.id = :sid" if source_id is not None else "")
    rows = session.execute(
        sql(
            f"""SELECT p.id, p.locator, p.paragraph, p.page, p.text, -bm25(passage_fts),
                       s.id, s.key, s.title, s.publisher, s.published, s.symbol, s.series
                FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid JOIN source s ON s.id = p.source_id
                WHERE passage_fts MATCH :q AND {where}
                ORDER BY bm25(passage_fts) LIMIT :limit"""
        ),
        {"q": expression, "limit": limit, "sid": source_id},
    ).all()
    return [
        Suggestion(r[0], SourceInfo(*r[6:13]), r[1], r[2], r[3], r[4], float(r[5]))
        for r in rows
    ]


def _share_numbers(claim_quantities: list[Any], passage: str) -> float:
    if not claim_quantities:
        return 0.0
    stated = quantities(passage)
    hits = sum(1 for q in claim_quantities if any(q.accepts(s.low) or q.accepts(s.high) for s in stated))
    return hits / len(claim_quantities)


def _name_keys(hints: dict[str, Any]) -> set[str]:
    return {name_key(n) for k in ("places", "people", "organisations") for n in hints.get(k, [])}


def _share_names(claim_names: set[str], passage: str) -> float:
    if not claim_names:
        return 0.0
    present = _name_keys(compute_hints(passage))
    return len(claim_names & present) / len(claim_names)


def _attribution_fit(attribution: dict[str, Any] | None, source: SourceInfo) -> tuple[float, str | None]:
    if not attribution:
        return 0.0, None
    wanted = attribution.get("source_key")
    if wanted:
        if source.key == wanted:
            return 1.0, None
        return 0.0, f"not the attributed source {wanted}"
    phrase = attribution.get("phrase") or ""
    return max(0.0, min(1.0, match_score(phrase, source) / 100)), None


def _matched(words: tuple[str, ...], passage: str) -> list[str]:
    passage_words = set(content_words(fold(passage)))
    stems = {w[: max(4, len(w) - 2)] for w in passage_words}
    return [w for w in words if w in passage_words or w[: max(4, len(w) - 2)] in stems]


def rerank(
    candidates: list[Suggestion], claim: str, hints: dict[str, Any], attribution: dict[str, Any] | None, terms: Terms, weights: Weights
) -> list[Suggestion]:
    from rapidfuzz import fuzz

    if not candidates:
        return []
    best = max(c.bm25 for c in candidates) or 1.0
    folded_claim = " ".join(terms.words)
    claim_quantities = quantities(claim)
    claim_names = _name_keys(hints)
    for candidate in candidates:
        features = {"bm25": candidate.bm25 / best}
        if weights.fuzzy:
            features["fuzzy"] = fuzz.token_set_ratio(folded_claim, " ".join(content_words(fold(candidate.text)))) / 100
        if weights.numbers:
            features["numbers"] = _share_numbers(claim_quantities, candidate.text)
        if weights.names:
            features["names"] = _share_names(claim_names, candidate.text)
        fit, note = _attribution_fit(attribution, candidate.source)
        if weights.attribution:
            features["attribution"] = fit
        candidate.features = features
        candidate.note = note
        candidate.score = sum(getattr(weights, name) * value for name, value in features.items())
    ranked = sorted(candidates, key=lambda c: (-c.score, c.passage_id))
    for candidate in ranked:
        candidate.matched_terms = _matched(terms.all, candidate.text)
    return ranked


def suggest_for_text(
    session: Session,
    claim: str,
    *,
    hints: dict[str, Any] | None = None,
    attribution: dict[str, Any] | None = None,
    source_id: int | None = None,
    limit: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
    with_flags: bool = True,
) -> list[Suggestion]:
    """The passages most likely to support or contradict ``claim``, best first."""
    hints = hints if hints is not None else compute_hints(claim)
    terms = claim_terms(claim, hints, attribution, variants=weights.variants)
    candidates = first_stage(session, terms, weights, source_id=source_id)
    attributed = _attributed_source_id(session, attribution) if source_id is None else None
    if attributed is not None:
        seen = {c.passage_id for c in candidates}
        candidates += [c for c in first_stage(session, terms, weights, source_id=attributed, limit=10) if c.passage_id not in seen]
    ranked = rerank(candidates, claim, hints, attribution, terms, weights)[:limit]
    if with_flags:
        phrase = [attribution["phrase"]] if attribution and attribution.get("phrase") else None
        for suggestion in ranked:
            suggestion.flags = flags_for(claim, suggestion.text, attribution=phrase, implied=" ".join(filter(None, [suggestion.source.title, suggestion.source.series])))
    return ranked


def _attributed_source_id(session: Session, attribution: dict[str, Any] | None) -> int | None:
    if not attribution or not attribution.get("source_key"):
        return None
    row = session.execute(sql("SELECT id FROM source WHERE key = :k AND is_current = 1"), {"k": attribution["source_key"]}).first()
    return row[0] if row else None


def suggest_for_claim(session: Session, claim_id: int, *, source_key: str | None = None, limit: int = 5, weights: Weights = DEFAULT_WEIGHTS) -> list[Suggestion]:
    from verify.db.models import Claim
    from verify.ingest.sources import require_source

    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim with id {claim_id}; see 'verify claim list'")
    source_id = require_source(session, source_key).id if source_key else None
    return suggest_for_text(session, claim.text, hints=claim.hints, attribution=claim.attribution, source_id=source_id, limit=limit, weights=weights)


def with_weights(**changes: Any) -> Weights:
    return replace(DEFAULT_WEIGHTS, **changes)
