"""Suggesting the passages that bear on a claim: a fast first stage, then re-ranking.

1. First stage: BM25 over the search index (:mod:`verify.match.index`, the
   one ``verify search`` uses, on every backend) with the claim's content words OR-ed, plus the
   spelling variants of its names (on a large library its commonest words are left to the
   re-ranking, see :func:`verify.match.query.prune`); the top ``Weights.candidates`` go on.
   When the claim is attributed to a registered source, that source's best
   passages are always among them.
2. Re-ranking: a weighted sum of features, each in [0, 1] (see :func:`features`):
   BM25 relative to the best candidate; how much of the claim (idf-weighted)
   the source's title, the passage's best sentence and the whole passage
   state; the BM25 of the claim's synonyms the passage uses instead of the
   claim's own words (query expansion at half weight, from
   ``verify/data/synonyms.json``); how many of the claim's word pairs stand
   close together in the passage; rapidfuzz similarity; the share of the claim's numbers and names the passage states;
   how well the source fits the claim's attribution (half as much when the
   claim only continues an attributed sentence of its paragraph), or, failing
   that, whether the article cites that source for its other claims; and,
   when the article's date is known, whether the source is the latest of its
   series before it (:mod:`verify.match.timeline`).
3. Time: passages of sources dated after the article come after all others
   (flag ``published_after``); a suggestion from another source than the one
   the claim is attributed to carries ``other_report``, naming that one.

Relevance: the score ranks; whether a passage bears on the claim at all is
its :attr:`Suggestion.relevance`, the score's lead over the
:data:`LEAD_RANK`-th best candidate of the same search (0 when fewer match). A
passage that really states the claim stands out from the rest; when nothing
fits, the best candidates score alike. A suggestion is ``relevant`` when its
lead reaches :data:`RELEVANCE_THRESHOLD`, calibrated on SciFact's training
claims and the labelled library, each also with the right passage removed
(``benchmarks/bench_relevance.py``; figures in ``benchmarks/relevance.md``).

Words are compared by their Snowball stems (:func:`verify.match.query.stem`).
The weights were tuned on SciFact's training claims only (title, sentence,
passage, proximity, fuzzy; ``benchmarks/bench_scifact.py``) and on the labelled library
in ``tests/data/library`` (numbers, names, attribution, cited;
``benchmarks/bench_library.py``); ``benchmarks/evidence.md`` has the figures.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from verify.claims.attribution import is_continued, match_score, tied_sources
from verify.claims.hints import compute_hints
from verify.claims.names import _KEY_DROP, name_key
from verify.db.queries.claims import claim_for_suggest, live_attributions
from verify.db.queries.sources import (
    SOURCE_FIELDS,
    current_source_id,
    current_source_places,
    current_source_rows,
    passages_by_id,
    require_source_id,
)
from verify.db.reader import Reader, as_reader, json_value
from verify.match.flags import flags_for
from verify.match.index import IndexView, bm25
from verify.match.model import configured_encoder
from verify.match.numbers import quantities
from verify.match.query import (
    Terms,
    claim_terms,
    content_words,
    idf_weights,
    name_keys,
    prune,
    stem,
    stems,
    synonyms,
    word_counts,
)
from verify.match.semantic import SEMANTIC_WEIGHT, semantic_rerank
from verify.match.timeline import Timeline
from verify.match.tokenize import terms as index_terms

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.match.model import Encoder

CANDIDATES = 50  # re-ranked; more are fetched only when more are asked for
SENTENCE_RE = re.compile(r"(?<=[.!?;])\s+")
PAIR_WINDOW = 2  # claim words "a b" count as a pair when at most one content word stands between them
SYNONYM_WEIGHT = 0.5  # a claim word present only as a synonym counts half in the coverage features
BM25_K1, BM25_B = 1.2, 0.75  # as the search index's bm25(), for the expansion feature
LEAD_RANK = 5  # relevance = score − the score of the 5th best candidate
RELEVANCE_THRESHOLD = 0.20  # chosen by benchmarks/bench_relevance.py: mean recall ≥ 0.85 on the training sets


@dataclass(frozen=True)
class Weights:
    """How much each re-ranking feature counts (all features lie in [0, 1])."""

    bm25: float = 1.0
    title: float = 0.3
    sentence: float = 0.5
    passage: float = 0.2
    expansion: float = 0.5
    proximity: float = 0.4
    fuzzy: float = 0.05
    numbers: float = 0.1
    names: float = 0.1
    attribution: float = 1.0
    cited: float = 0.6
    recency: float = 0.2
    continued: float = 0.5  # share of the attribution weight a sentence only continuing an attributed one gets
    published_after: bool = True  # passages of sources dated after the article go below all others
    semantic: float = SEMANTIC_WEIGHT  # counts only when a model is configured (verify.match.semantic)
    variants: bool = True
    candidates: int = CANDIDATES


DEFAULT_WEIGHTS = Weights()


def first_stage_only() -> Weights:
    """BM25 order alone, no variants: the baseline of the ablation."""
    return Weights(
        title=0,
        sentence=0,
        passage=0,
        expansion=0,
        proximity=0,
        fuzzy=0,
        numbers=0,
        names=0,
        attribution=0,
        cited=0,
        recency=0,
        published_after=False,
        semantic=0,
        variants=False,
    )


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
    relevance: float = 0.0  # the score's lead over the LEAD_RANK-th candidate (see the module docstring)

    @property
    def relevant(self) -> bool:
        return self.relevance >= RELEVANCE_THRESHOLD

    def as_dict(self) -> dict[str, Any]:
        return {
            "passage_id": self.passage_id,
            "source_key": self.source.key,
            "locator": self.locator,
            "paragraph": self.paragraph,
            "page": self.page,
            "score": round(self.score, 4),
            "relevance": round(self.relevance, 4),
            "relevant": self.relevant,
            "text": self.text,
            "matched_terms": self.matched_terms,
            "flags": [flag_json(f) for f in self.flags],
            "note": self.note,
        }


def flag_json(flag: dict[str, Any]) -> dict[str, Any]:
    """A mismatch flag as JSON shows it everywhere: ``kind`` and ``detail`` first, as evidence stores them."""
    return {
        "kind": flag.get("kind") or flag.get("type"),
        "detail": flag.get("detail") or flag.get("message"),
        **{k: v for k, v in flag.items() if k not in ("kind", "type", "detail", "message")},
    }


@dataclass(frozen=True)
class ClaimContext:
    """What re-ranking needs to know about the claim, computed once per claim."""

    text: str
    terms: Terms
    searched: Terms  # what the first stage looks for (see prune)
    idf: dict[str, float]  # stem -> idf, for the claim's own words
    pairs: tuple[tuple[str, str], ...]
    synonyms: dict[str, frozenset[str]]  # stem of a claim word -> stems of its synonyms (those the table knows)
    quantities: list[Any]
    names: list[tuple[str, ...]]
    attribution: dict[str, Any] | None
    cited: frozenset[str]
    latest: frozenset[str] = frozenset()  # per series, the most recent source before the article


# ---------------------------------------------------------------- first stage

ROW_COLUMNS = (
    "p.id, p.locator, p.paragraph, p.page, p.text, s.id, s.key, s.title, s.publisher, s.published, s.symbol, s.series"
)


def _suggestion(row: Any, bm25: float) -> Suggestion:
    return Suggestion(row[0], SourceInfo(*row[5:12]), row[1], row[2], row[3], row[4], bm25)


def first_stage(
    reader: Reader, terms: Terms, weights: Weights, *, source_id: int | None = None, limit: int = CANDIDATES
) -> list[Suggestion]:
    """Top passages by BM25 over the search index (current sources only, or one source).

    The same index, tokenizer and scoring as ``verify search``
    (:func:`verify.match.index.bm25`), on every backend, so SQLite and
    PostgreSQL put the same passage first. Variant phrases become their words.
    """
    phrases = (*terms.words, *terms.variants) if weights.variants else terms.words
    if not phrases:
        return []
    ranked = bm25(reader, index_terms(" ".join(phrases)), limit=limit, source_id=source_id)
    scores = {r.passage_id: r.score for r in ranked}
    rows = _rows(reader, list(scores))
    return sorted((_suggestion(r, scores[r[0]]) for r in rows), key=lambda s: (-s.bm25, s.passage_id))


def _rows(reader: Reader, ids: list[int]) -> list[Any]:
    return passages_by_id(reader, ROW_COLUMNS, ids, current_only=True)


# ---------------------------------------------------------------- features


def _coverage(
    idf: dict[str, float], present: AbstractSet[str], synonyms: dict[str, frozenset[str]] | None = None
) -> float:
    """Share of the claim's idf the words in ``present`` cover.

    A word present only as a synonym counts ``SYNONYM_WEIGHT``.
    """
    total = sum(idf.values())
    if not total:
        return 0.0
    found = 0.0
    for word, weight in idf.items():
        if word in present:
            found += weight
        elif synonyms and not present.isdisjoint(synonyms.get(word, ())):
            found += SYNONYM_WEIGHT * weight
    return found / total


def _best_sentence(
    idf: dict[str, float], sentences: list[list[str]], synonyms: dict[str, frozenset[str]] | None = None
) -> float:
    return max((_coverage(idf, set(s), synonyms) for s in sentences), default=0.0)


def _expansion(context: ClaimContext, passages: list[list[str]]) -> list[float]:
    """BM25 of the synonyms each passage uses for claim words it lacks.

    Relative to the best plain BM25 of the candidates.

    Query expansion as a feature: a synonym stands for its claim word (the
    claim word's idf, BM25 saturation and length normalisation over the
    candidates' mean length); its weight in ``Weights`` sets how much less
    it counts than the claim's own words.
    """
    if not passages or not context.synonyms:
        return [0.0] * len(passages)
    mean = sum(len(p) for p in passages) / len(passages) or 1.0
    plain, expanded = [], []
    for words in passages:
        tf: dict[str, int] = {}
        for w in words:
            tf[w] = tf.get(w, 0) + 1
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(words) / mean)
        plain.append(sum(v * tf[k] * (BM25_K1 + 1) / (tf[k] + norm) for k, v in context.idf.items() if k in tf))
        extra = 0.0
        for k, v in context.idf.items():
            if k in tf:
                continue
            n = sum(tf.get(other, 0) for other in context.synonyms.get(k, ()))
            if n:
                extra += v * n * (BM25_K1 + 1) / (n + norm)
        expanded.append(extra)
    best = max(plain) or 1.0
    return [e / best for e in expanded]


def _proximity(pairs: tuple[tuple[str, str], ...], passage_stems: list[str]) -> float:
    if not pairs:
        return 0.0
    near = {
        (a, b) for gap in range(1, PAIR_WINDOW + 1) for a, b in zip(passage_stems, passage_stems[gap:], strict=False)
    }
    return sum(1 for pair in pairs if pair in near) / len(pairs)


def _share_numbers(claim_quantities: list[Any], passage: str) -> float:
    if not claim_quantities:
        return 0.0
    stated = quantities(passage)
    hits = sum(1 for q in claim_quantities if any(q.accepts(s.low) or q.accepts(s.high) for s in stated))
    return hits / len(claim_quantities)


def _share_names(claim_names: list[tuple[str, ...]], passage: str) -> float:
    """Share of the claim's names the passage mentions in any known spelling."""
    if not claim_names:
        return 0.0
    folded = _passage_key(passage)
    return sum(1 for keys in claim_names if any(k in folded for k in keys)) / len(claim_names)


def _passage_key(passage: str) -> str:
    """:func:`~verify.claims.names.name_key` of a whole passage.

    Plain ASCII skips the accent folding (same key, 10× faster).
    """
    if passage.isascii():
        return _KEY_DROP.sub("", passage).casefold()
    return name_key(passage)


def _attribution_fit(context: ClaimContext, source: SourceInfo, continued: float = 1.0) -> tuple[float, str | None]:
    """How well the source fits the claim's attribution; ``continued`` scales it for an inherited one."""
    attribution = context.attribution
    if not attribution:
        return 0.0, None
    scale = continued if is_continued(attribution) else 1.0
    wanted = attribution.get("source_key")
    if wanted:
        if source.key == wanted:
            return scale, None
        return 0.0, f"not the attributed source {wanted}"
    phrase = attribution.get("phrase") or ""
    return scale * max(0.0, min(1.0, match_score(phrase, source) / 100)), None  # type: ignore[arg-type]


def features(
    context: ClaimContext,
    candidate: Suggestion,
    best_bm25: float,
    weights: Weights,
    sentences: list[list[str]] | None = None,
    expansion: float = 0.0,
    fit: float | None = None,
) -> dict[str, float]:
    """The re-ranking features of one candidate (only those with a weight are computed).

    ``sentences`` are the passage's stemmed sentences (computed here when not
    given); ``expansion`` is the candidate's :func:`_expansion` value; ``fit``
    its source's :func:`_attribution_fit` (the same for every passage of a source).
    """
    from rapidfuzz import fuzz

    values = {"bm25": candidate.bm25 / best_bm25}
    if sentences is None:
        sentences = _sentences(candidate) if _needs_text(weights) else []
    passage_stems = [w for s in sentences for w in s]
    if weights.title:
        values["title"] = _coverage(context.idf, _title_stems(candidate.source.title or ""), context.synonyms)
    if weights.sentence:
        values["sentence"] = _best_sentence(context.idf, sentences, context.synonyms)
    if weights.passage:
        values["passage"] = _coverage(context.idf, set(passage_stems), context.synonyms)
    if weights.expansion:
        values["expansion"] = expansion
    if weights.proximity:
        values["proximity"] = _proximity(context.pairs, passage_stems)
    if weights.fuzzy:
        values["fuzzy"] = fuzz.token_set_ratio(" ".join(context.idf), " ".join(passage_stems)) / 100
    if weights.numbers:
        values["numbers"] = _share_numbers(context.quantities, candidate.text)
    if weights.names:
        values["names"] = _share_names(context.names, candidate.text)
    if weights.attribution:
        values["attribution"] = (
            fit if fit is not None else _attribution_fit(context, candidate.source, weights.continued)[0]
        )
    if weights.cited:
        own = values.get("attribution") and not is_continued(context.attribution)  # a carried one is not its own
        values["cited"] = 1.0 if candidate.source.key in context.cited and not own else 0.0
    if weights.recency:
        named = (context.attribution or {}).get("source_key")
        values["recency"] = 1.0 if candidate.source.key in context.latest and not named else 0.0
    return values


@lru_cache(maxsize=1024)
def _title_stems(title: str) -> frozenset[str]:
    """A source title's stems, read once for all the candidates of that source."""
    return frozenset(stems(title))


def _needs_text(weights: Weights) -> bool:
    return bool(weights.sentence or weights.passage or weights.expansion or weights.proximity or weights.fuzzy)


def _sentences(candidate: Suggestion) -> list[list[str]]:
    return [stems(s) for s in SENTENCE_RE.split(candidate.text)]


def rerank(candidates: list[Suggestion], context: ClaimContext, weights: Weights) -> list[Suggestion]:
    """Score every candidate by its weighted features; best first (ties by passage id, for stable output)."""
    if not candidates:
        return []
    best = max(c.bm25 for c in candidates) or 1.0
    sentences = [_sentences(c) if _needs_text(weights) else [] for c in candidates]
    expansion = (
        _expansion(context, [[w for s in ss for w in s] for ss in sentences])
        if weights.expansion
        else [0.0] * len(candidates)
    )
    fits: dict[str, tuple[float, str | None]] = {}  # per source: (feature, note); candidates share a few sources
    notes: dict[str, str | None] = {}
    for candidate, own, extra in zip(candidates, sentences, expansion, strict=True):
        key = candidate.source.key
        if key not in fits:
            fits[key] = _attribution_fit(context, candidate.source, weights.continued)
            notes[key] = _attribution_fit(context, candidate.source)[1]
        candidate.features = features(context, candidate, best, weights, own, extra, fits[key][0])
        candidate.note = notes[key]
        candidate.score = sum(getattr(weights, name) * value for name, value in candidate.features.items())
    return sorted(candidates, key=lambda c: (-c.score, c.passage_id))


def _bm25_order(tail: list[Suggestion], head: list[Suggestion], weights: Weights) -> list[Suggestion]:
    """Passages below the re-ranked head (asked for by a large ``limit``) keep their BM25 order and score."""
    best = max((c.bm25 for c in head), default=1.0) or 1.0
    for candidate in tail:
        candidate.features = {"bm25": candidate.bm25 / best}
        candidate.score = weights.bm25 * candidate.features["bm25"]
    return tail


def _matched(words: tuple[str, ...], passage: str) -> list[str]:
    """The claim's words the passage contains (as written, or with the same stem), for highlighting."""
    passage_words = set(content_words(passage))
    passage_stems = {stem(w) for w in passage_words}
    return [w for w in words if w in passage_words or stem(w) in passage_stems]


# ---------------------------------------------------------------- entry points


def claim_context(
    reader: Reader,
    claim: str,
    hints: dict[str, Any],
    attribution: dict[str, Any] | None,
    weights: Weights,
    cited: frozenset[str] = frozenset(),
    latest: frozenset[str] = frozenset(),
) -> ClaimContext:
    terms = claim_terms(claim, hints, attribution, variants=weights.variants)
    total, counts = word_counts(reader, (*terms.words, *terms.variants))
    word_stems = [stem(w) for w in terms.words]
    table = synonyms()
    related = {k: table[k] for k in dict.fromkeys(word_stems) if k in table}
    return ClaimContext(
        text=claim,
        terms=terms,
        searched=prune(terms, counts),
        idf=idf_weights(total, {w: counts[w] for w in terms.words}),
        pairs=tuple(zip(word_stems, word_stems[1:], strict=False)),
        synonyms=related,
        quantities=quantities(_without(claim, attribution)),
        names=name_keys(hints),
        attribution=attribution,
        cited=cited,
        latest=latest,
    )


def _without(claim: str, attribution: dict[str, Any] | None) -> str:
    """The claim without its attribution phrase, whose date ("June 2023") is not a claimed number."""
    phrase = (attribution or {}).get("phrase")
    return claim.replace(phrase, " ") if phrase else claim


def suggest_for_text(
    session: Reader | Session,
    claim: str,
    *,
    hints: dict[str, Any] | None = None,
    attribution: dict[str, Any] | None = None,
    cited: frozenset[str] = frozenset(),
    published: str | None = None,
    source_id: int | None = None,
    limit: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
    with_flags: bool = True,
    encoder: Encoder | None = None,
) -> list[Suggestion]:
    """The passages most likely to support or contradict ``claim``, best first.

    ``cited`` holds the keys of the sources the claim's article attributes its
    other claims to: with no attribution of its own, a claim most likely
    comes from one of them, so they win ties against other years' reports.
    ``published`` is the article's publication date: passages of sources
    dated after it come after every other (flag ``published_after``), and in
    each report series the latest report before it is preferred.
    ``encoder`` is the sentence-embedding model of the semantic stage; by
    default the configured one (none: the stage is off).
    """
    reader = IndexView(as_reader(session))  # the index's totals and frequencies, read once for this claim
    hints = hints if hints is not None else compute_hints(claim)
    # Every source's place matters only when the article's date is known; else only those flags name (below).
    timeline = Timeline.from_rows(current_source_places(reader) if published else [], published)
    context = claim_context(reader, claim, hints, attribution, weights, cited, timeline.latest_before())
    found = first_stage(reader, context.searched, weights, source_id=source_id, limit=max(weights.candidates, limit))
    head, tail = found[: weights.candidates], found[weights.candidates :]
    attributed = _attributed_source_id(reader, attribution) if source_id is None else None
    if attributed is not None:
        seen = {c.passage_id for c in found}
        head += [
            c
            for c in first_stage(reader, context.searched, weights, source_id=attributed, limit=10)
            if c.passage_id not in seen
        ]
    reranked = rerank(head, context, weights)
    if weights.semantic:
        encoder = encoder or configured_encoder()
        reranked = semantic_rerank(reader, reranked, claim, weights.semantic, encoder)
    reference = reranked[LEAD_RANK - 1].score if len(reranked) >= LEAD_RANK else 0.0
    ranked = reranked + _bm25_order(tail, head, weights)
    if weights.published_after and published:
        ranked.sort(key=lambda s: timeline.after(s.source.key))  # stable: the order within each part is kept
    ranked = ranked[:limit]
    for suggestion in ranked:
        suggestion.relevance = suggestion.score - reference
    for suggestion in ranked:
        suggestion.matched_terms = _matched(context.terms.all, suggestion.text)
    if with_flags:
        named = (attribution or {}).get("source_key")
        if named and not published:
            keys = {named, *(s.source.key for s in ranked)}
            timeline = Timeline.from_rows(current_source_places(reader, keys), published)
        phrase = [attribution["phrase"]] if attribution and attribution.get("phrase") else None
        for suggestion in ranked:
            implied = " ".join(filter(None, [suggestion.source.title, suggestion.source.series]))
            suggestion.flags = flags_for(claim, suggestion.text, attribution=phrase, implied=implied)
            placed = _source_flags(timeline, attribution, suggestion.source.key)
            suggestion.flags += placed
            if any(f["type"] == "other_report" for f in placed):
                suggestion.note = None  # the flag says it, naming the attributed report with its date
    return ranked


def _source_flags(timeline: Timeline, attribution: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """``published_after`` when the source is dated after the article; ``other_report`` when it is not the named one."""
    flags = []
    if timeline.after(key):
        flags.append(timeline.published_after_flag(key))
    named = (attribution or {}).get("source_key")
    if named and named != key:
        flags.append(timeline.other_report_flag(key, named, continued=is_continued(attribution)))
    return flags


def _attributed_source_id(reader: Reader, attribution: dict[str, Any] | None) -> int | None:
    if not attribution or not attribution.get("source_key"):
        return None
    return current_source_id(reader, attribution["source_key"])


def article_citations(session: Reader | Session, article_id: int) -> frozenset[str]:
    """Keys of the sources the article's claims are attributed to.

    An attribution that fits several sources equally ("a June 2023 UN report"
    when two UN reports of 2023 have no readable month) names none of them,
    but one of them is the article's source: each counts as cited, so
    reports of other years still give way to them.
    """
    found = [json_value(a) for a in live_attributions(session, article_id)]
    keys = {a["source_key"] for a in found if a and a.get("source_key")}
    phrases = {a["phrase"] for a in found if a and not a.get("source_key") and a.get("phrase")}
    if phrases:
        sources = [
            SimpleNamespace(**dict(zip(SOURCE_FIELDS, row, strict=True))) for row in current_source_rows(session)
        ]
        for phrase in phrases:
            keys |= tied_sources(phrase, sources)
    return frozenset(keys)


def suggest_for_claim(
    session: Reader | Session,
    claim_id: int,
    *,
    source_key: str | None = None,
    limit: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Suggestion]:
    """:func:`suggest_for_text` for a stored claim (its hints, attribution and article's citations).

    Plain SQL through a :class:`~verify.db.reader.Reader`, so ``verify evidence
    suggest`` runs without importing the ORM.
    """
    reader = as_reader(session)
    text, hints, attribution, article_id, published = claim_for_suggest(reader, claim_id)
    source_id = None
    if source_key:
        source_id = require_source_id(reader, source_key)
    return suggest_for_text(
        reader,
        text,
        hints=json_value(hints),
        attribution=json_value(attribution),
        cited=article_citations(reader, article_id),
        published=published,
        source_id=source_id,
        limit=limit,
        weights=weights,
    )
