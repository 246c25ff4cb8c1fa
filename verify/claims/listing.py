"""Reading claims for listings and the detail view, in the documented JSON shape.

Listings read plain columns (no ORM objects) and count evidence in one
grouped query, so a 10,000-claim database lists in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from verify.db.models import Article, ArticleRevision, Claim, Event, Evidence, Note, Passage, Source
from verify.errors import NotFound
from verify.workflow.rules import check_kind_name, check_status_name

LIST_COLUMNS = (
    Claim.id, Claim.article_id, Claim.paragraph, Claim.sentence, Claim.text, Claim.kind, Claim.status,
    Claim.assignee, Claim.attribution, Claim.version, Claim.changed, Claim.updated_at, Claim.updated_by,
)


@dataclass(frozen=True)
class ClaimFilter:
    article: int | None = None
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    paragraph: int | None = None
    assignee: str | None = None
    limit: int | None = None


def _counts(session: Session, claim_ids: list[int] | None) -> dict[int, dict[str, int]]:
    query = select(Evidence.claim_id, Evidence.stance, func.count()).where(Evidence.retracted_at == None)  # noqa: E711
    if claim_ids is not None:
        query = query.where(col(Evidence.claim_id).in_(claim_ids))
    counts: dict[int, dict[str, int]] = {}
    for claim_id, stance, count in session.execute(query.group_by(Evidence.claim_id, Evidence.stance)):
        counts.setdefault(claim_id, {})[stance] = count
    return counts


def _row(values: Any, counts: dict[int, dict[str, int]]) -> dict[str, Any]:
    (cid, article_id, paragraph, sentence, text, kind, status, assignee, attribution, version, changed, updated_at, updated_by) = values
    found = counts.get(cid, {})
    return {
        "id": cid,
        "article_id": article_id,
        "paragraph": paragraph,
        "sentence": sentence,
        "text": text,
        "kind": kind,
        "status": status,
        "assignee": assignee,
        "attribution": attribution,
        "evidence_counts": {stance: found.get(stance, 0) for stance in ("supports", "contradicts", "context")},
        "version": version,
        "changed": bool(changed),
        "updated_at": updated_at,
        "updated_by": updated_by,
    }


def list_claims(session: Session, where: ClaimFilter) -> tuple[list[dict[str, Any]], int]:
    """Matching claims in article order, and how many matched before ``limit``."""
    query = select(*LIST_COLUMNS)
    if where.article is not None:
        if session.get(Article, where.article) is None:
            raise NotFound(f"no article with id {where.article}; see 'verify status'")
        query = query.where(Claim.article_id == where.article)
    if where.status:
        query = query.where(col(Claim.status).in_([check_status_name(s) for s in where.status]))
    else:  # withdrawn claims are history, not part of the article any more: list them on request
        query = query.where(Claim.status != "withdrawn")
    if where.kind:
        query = query.where(col(Claim.kind).in_([check_kind_name(k) for k in where.kind]))
    if where.paragraph is not None:
        query = query.where(Claim.paragraph == where.paragraph)
    if where.assignee is not None:
        query = query.where(Claim.assignee == where.assignee) if where.assignee else query.where(col(Claim.assignee).is_(None))
    query = query.order_by(col(Claim.article_id), col(Claim.paragraph), col(Claim.sentence), col(Claim.id))
    rows = session.execute(query).all()
    total = len(rows)
    if where.limit is not None:
        rows = rows[: where.limit]
    counts = _counts(session, None if len(rows) > 500 else [r[0] for r in rows])
    return [_row(r, counts) for r in rows], total


def evidence_dict(evidence: Evidence, source: Source | None) -> dict[str, Any]:
    return {
        "id": evidence.id,
        "source": source.key if source else None,
        "source_title": source.title if source else None,
        "passage_id": evidence.passage_id,
        "locator": evidence.locator,
        "stance": evidence.stance,
        "quote": evidence.quote,
        "anchor": evidence.anchor,
        "note": evidence.note,
        "added_by": evidence.added_by,
        "added_at": evidence.added_at,
        "retracted": evidence.retracted_at is not None,
        "retracted_at": evidence.retracted_at,
        "retracted_by": evidence.retracted_by,
        "retraction_reason": evidence.retraction_reason,
    }


def show_claim(session: Session, claim_id: int) -> dict[str, Any]:
    """One claim with its context, hints, evidence, notes and full history."""
    row = session.execute(select(*LIST_COLUMNS).where(Claim.id == claim_id)).first()
    if row is None:
        raise NotFound(f"no claim with id {claim_id}; see 'verify claim list'")
    claim = session.get(Claim, claim_id)
    assert claim is not None
    result = _row(row, _counts(session, [claim_id]))
    revision = session.get(ArticleRevision, claim.revision_id)
    article = session.get(Article, claim.article_id)
    paragraph = ""
    if revision is not None and 0 < claim.paragraph <= len(revision.paragraph_spans):
        start, end = revision.paragraph_spans[claim.paragraph - 1]
        paragraph = revision.text[start:end]
        result["context"] = {
            "before": revision.text[start : claim.start],
            "claim": revision.text[claim.start : claim.end],
            "after": revision.text[claim.end : end],
        }
    result["paragraph_text"] = paragraph
    result["article_title"] = article.title if article else None
    result["hints"] = claim.hints
    result["span"] = [claim.start, claim.end]
    evidence = session.exec(select(Evidence).where(Evidence.claim_id == claim_id).order_by(col(Evidence.id))).all()
    sources = {s.id: s for s in session.exec(select(Source).where(col(Source.id).in_({e.source_id for e in evidence})))}
    passages = {p.id: p for p in session.exec(select(Passage).where(col(Passage.id).in_({e.passage_id for e in evidence if e.passage_id})))}
    result["evidence"] = [
        {**evidence_dict(e, sources.get(e.source_id)), "page": passages[e.passage_id].page if e.passage_id in passages else None}
        for e in evidence
    ]
    result["notes"] = [
        {"id": n.id, "author": n.author, "at": n.created_at, "text": n.text}
        for n in session.exec(select(Note).where(Note.claim_id == claim_id).order_by(col(Note.id)))
    ]
    result["history"] = [
        {"actor": e.actor, "at": e.at, "action": e.action, "old": e.old, "new": e.new, "note": e.note}
        for e in session.exec(select(Event).where(Event.claim_id == claim_id).order_by(col(Event.id)))
    ]
    return result
