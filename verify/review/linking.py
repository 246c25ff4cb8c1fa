"""Helpers for linking evidence from a review screen: sentences, duplicates, the default source."""

from __future__ import annotations

from verify.db.engine import Database
from verify.db.queries.claims import get_claim
from verify.errors import RefusedChange, VerifyError
from verify.review.view import Candidate, retrieved_sources
from verify.workflow.evidence import list_evidence


def sentence_quote(candidate: Candidate, sentence: int | None) -> tuple[str | None, str]:
    """The quote to link for ``N sM`` (None: the whole passage) and how to describe it."""
    if sentence is None:
        return None, ""
    sentences = candidate.sentences()
    if not 1 <= sentence <= len(sentences):
        raise VerifyError(
            f"suggestion {candidate.number} has {len(sentences)} sentence{'s' if len(sentences) != 1 else ''} "
            f"('e {candidate.number}' numbers them)"
        )
    return sentences[sentence - 1], f", sentence {sentence}"


def refuse_duplicate(db: Database, claim_id: int, passage_id: int | None, quote: str, stance: str) -> None:
    """Linking the same quote with the same stance twice is almost always a slip of the finger."""
    with db.read() as session:
        for e in list_evidence(session, claim_id):
            same_place = passage_id is None or e.passage_id == passage_id
            if not e.retracted and e.stance == stance and e.quote.strip() == quote.strip() and same_place:
                raise RefusedChange(f"already linked as {stance} (evidence {e.id}, {e.source} {e.locator or ''})")


def source_keys(db: Database) -> list[str]:
    with db.read() as session:
        keys = retrieved_sources(session)
    if not keys:
        raise VerifyError("no source has been retrieved yet; add one with 'verify source add'")
    return keys


def split_source(text: str, source: str | None, keys: list[str]) -> tuple[str, str | None]:
    """``q words KEY`` typed without quotation marks: the last word is the key when it names a source."""
    words = text.split()
    if source is None and len(words) > 1 and words[-1] in keys:
        return " ".join(words[:-1]), words[-1]
    return text, source


def default_source(db: Database, claim_id: int, keys: list[str], candidates: list[Candidate]) -> str | None:
    """The source a typed quote most likely comes from: the attributed one, else the top suggestion's."""
    with db.read() as session:
        attribution = get_claim(session, claim_id).attribution or {}
    if attribution.get("source_key") in keys:
        return str(attribution["source_key"])
    return candidates[0].source if candidates else None
