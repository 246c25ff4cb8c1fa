"""The optional semantic stage: re-rank the lexical candidates by the meaning of claim and passage.

Paraphrase is where word matching misses ("the relationship remains close and
mutually beneficial" against "renewed its symbiotic relationship"). When a
sentence-embedding model is configured (:mod:`verify.match.model`), each
re-ranked candidate gains a feature ``semantic``: the cosine of the claim's
vector and the passage's (a negative cosine counts 0), added to its score with
:attr:`verify.match.rank.Weights.semantic`. The candidates are still the
lexical first stage's (the BM25 top ``Weights.candidates``): the stage reorders
them and adds no passage, so its cost is one claim vector and a few dozen
stored ones, whatever the size of the library.

Passage vectors come from the store (:mod:`verify.match.embeddings`), written
when a source is added; a candidate without one (a source added before the
model was configured, or by another model) is embedded in memory for this
search and not written, since reading commands never write: ``verify model
embed`` stores them. With no model configured the stage does nothing, and
the ranking is exactly the lexical one.

The cosine is used as it is, not scaled over the candidates: when no passage
fits the claim, none stands out by meaning either, so the lead that
:attr:`verify.match.rank.Suggestion.relevance` measures is not inflated (min-max
scaling gave the least bad candidate a full point and marked it relevant).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from verify.match.embeddings import stored_vectors

if TYPE_CHECKING:
    from verify.db.reader import Reader
    from verify.match.model import Encoder

# On SciFact's training claims with all-MiniLM-L6-v2 (the test model) nDCG@10 goes 0.713 (no stage) -> 0.741 at 1
# -> 0.746 at 2 (flat to 3). 2 made a claim that nothing supports get a "relevant" passage (the relevance threshold
# was calibrated without the stage), 1 does not: 1 it is until the threshold is calibrated with the stage on.
# benchmarks/bench_scifact.py --model, benchmarks/README.md.
SEMANTIC_WEIGHT = 1.0


class Candidate(Protocol):
    passage_id: int
    text: str
    score: float
    features: dict[str, float]


C = TypeVar("C", bound=Candidate)


def similarities(reader: Reader, encoder: Encoder, claim: str, candidates: list[C]) -> list[float]:
    """Cosine of the claim's vector with each candidate's (stored, or computed here when not stored)."""
    import numpy as np

    stored = stored_vectors(reader, [c.passage_id for c in candidates], encoder.model_id)
    missing = [c for c in candidates if c.passage_id not in stored]
    if missing:
        stored.update(zip((c.passage_id for c in missing), encoder.encode([c.text for c in missing]), strict=True))
    query = encoder.encode([claim])[0]
    matrix = np.stack([stored[c.passage_id] for c in candidates])
    return [float(v) for v in matrix @ query]


def semantic_rerank(reader: Reader, candidates: list[C], claim: str, weight: float, encoder: Encoder | None) -> list[C]:
    """Add the ``semantic`` feature to the re-ranked candidates and sort them again (a no-op without a model)."""
    if encoder is None or not weight or not candidates:
        return candidates
    for candidate, value in zip(candidates, similarities(reader, encoder, claim, candidates), strict=True):
        value = max(0.0, value)
        candidate.features["semantic"] = value
        candidate.score += weight * value
    return sorted(candidates, key=lambda c: (-c.score, c.passage_id))
