"""Moving evidence to a new version of its source, or reporting it orphaned.

When a document is reissued, each active evidence of the old version is
looked up in the new text: exactly (the stored prefix/suffix pick between
repeated occurrences), after folding typography, or fuzzily inside the new
passages. Found evidence moves to the new version with its new span and
locator; evidence that cannot be found stays on the old version, marked
``orphaned``, and is listed by ``verify source check`` and ``verify status``.
Evidence found with different characters (typography folded, or a fuzzy match
on reworded text) moves too, but its quote now says something else: it is
marked ``reworded`` ("re-anchored with different wording, re-check") and an
``evidence_reworded`` event keeps the old quote (``old``) and the new one
(``new``). It stays ``reworded`` through later versions until the evidence is
retracted (and, if still apt, linked again). Only an exact re-anchor (the same
text) is silent. Every outcome is logged; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from verify.db.models import Evidence, Passage, Source
from verify.db.queries.claims import find_claim
from verify.db.queries.evidence import in_force, in_force_anchored
from verify.match.anchor import Anchor, anchor
from verify.workflow.audit import record
from verify.workflow.signoff import lapse_signoffs


@dataclass
class Reanchored:
    moved: list[int] = field(default_factory=list)  # all evidence moved to the new version, reworded included
    reworded: list[int] = field(default_factory=list)  # moved, but the quoted text is no longer the same
    orphaned: list[int] = field(default_factory=list)


ORPHANED = "orphaned"  # Evidence.anchor of evidence not found in the new version of its source
REWORDED = "reworded"  # Evidence.anchor of evidence re-anchored with different wording: re-check it


def _passage_at(passages: list[Passage], position: int) -> Passage | None:
    return next((p for p in passages if p.start <= position < p.end), None)


def reanchor(
    session: Session, old: Source, new: Source, passages: list[Passage], *, actor: str, now: str
) -> Reanchored:
    result = Reanchored()
    text = new.text or ""
    windows = [(p.start, p.end) for p in passages] or None
    active = in_force(session, source_id=old.id)
    for evidence in active:
        if evidence.kind == "note":  # a note of a call is in no text: it follows the source as it is
            evidence.source_id = new.id  # type: ignore[assignment]
            record(
                session,
                actor,
                "evidence_reanchor",
                claim_id=evidence.claim_id,
                source_id=new.id,
                evidence_id=evidence.id,
                old=f"{old.key} v{old.version}",
                new=f"{new.key} v{new.version}",
                note="call note moved to the new version as it is",
                at=now,
            )
            result.moved.append(evidence.id)  # type: ignore[arg-type]
            continue
        found = anchor(text, evidence.quote, windows=windows, prefix=evidence.prefix, suffix=evidence.suffix)
        claim = find_claim(session, evidence.claim_id)
        claim_article = claim.article_id if claim else None
        if isinstance(found, Anchor):
            passage = _passage_at(passages, found.start)
            old_locator, old_quote = evidence.locator, evidence.quote
            new_quote = text[found.start : found.end]
            reworded = (
                new_quote != old_quote or evidence.anchor == REWORDED
            )  # a reworded quote stays flagged until re-checked
            evidence.source_id = new.id  # type: ignore[assignment]
            evidence.passage_id = passage.id if passage else None
            evidence.start, evidence.end = found.start, found.end
            evidence.quote = new_quote
            evidence.prefix, evidence.suffix = found.context(text)
            evidence.locator = passage.locator if passage else evidence.locator
            evidence.anchor, evidence.anchor_score = (REWORDED if reworded else found.method), found.score
            record(
                session,
                actor,
                "evidence_reanchor",
                article_id=claim_article,
                claim_id=evidence.claim_id,
                source_id=new.id,
                evidence_id=evidence.id,
                old=f"{old.key} v{old.version} {old_locator or ''}".strip(),
                new=f"{new.key} v{new.version} {evidence.locator or ''}".strip(),
                note=f"{found.method} match",
                at=now,
            )
            if new_quote != old_quote:
                record(
                    session,
                    actor,
                    "evidence_reworded",
                    article_id=claim_article,
                    claim_id=evidence.claim_id,
                    source_id=new.id,
                    evidence_id=evidence.id,
                    old=old_quote,
                    new=new_quote,
                    note=f"re-anchored with different wording in {new.key} v{new.version} ({found.method} match, "
                    f"score {found.score:.0f}); re-check",
                    at=now,
                )
            if claim is not None and (
                found.method != "exact" or new_quote != old_quote
            ):  # the quoted words changed: the verdict needs a new look
                lapse_signoffs(
                    session,
                    claim,
                    actor=actor,
                    reason=f"evidence {evidence.id} re-anchored in a reworded source",
                    at=now,
                )
            result.moved.append(evidence.id)  # type: ignore[arg-type]
            if reworded:
                result.reworded.append(evidence.id)  # type: ignore[arg-type]
        else:
            evidence.anchor, evidence.anchor_score = ORPHANED, found.score
            record(
                session,
                actor,
                "evidence_orphaned",
                article_id=claim_article,
                claim_id=evidence.claim_id,
                source_id=new.id,
                evidence_id=evidence.id,
                old=f"{old.key} v{old.version}",
                new=None,
                note=f"quote not found in version {new.version} (closest score {found.score:.0f})",
                at=now,
            )
            if claim is not None:
                lapse_signoffs(
                    session,
                    claim,
                    actor=actor,
                    reason=f"evidence {evidence.id} orphaned by a new source version",
                    at=now,
                )
            result.orphaned.append(evidence.id)  # type: ignore[arg-type]
    return result


def evidence_to_recheck(session: Session) -> list[tuple[Evidence, Source]]:
    """Active evidence a new source version left orphaned or reworded, ordered by id."""
    return in_force_anchored(session, (ORPHANED, REWORDED))
