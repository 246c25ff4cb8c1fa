"""Reading claims for listings and the detail view, in the documented JSON shape.

Listings are plain SQL through a :class:`~verify.db.reader.Reader`, so
``verify claim list`` neither loads the ORM nor builds objects, and counts
evidence in one grouped query: 10,000 claims list in a fraction of a second.
The detail view is one claim and uses the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, as_reader, in_list, json_value
from verify.db.vocabulary import check_kind_name, check_status_name
from verify.errors import NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Evidence, Source

LIST_SQL = (
    "SELECT c.id, c.article_id, c.paragraph, c.sentence, c.text, c.kind, c.status, c.assignee,"
    " c.attribution, c.version, c.changed, c.updated_at, c.updated_by FROM claim c"
)
ORDER_SQL = " ORDER BY c.article_id, c.paragraph, c.sentence, c.id"


@dataclass(frozen=True)
class ClaimFilter:
    article: int | None = None
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    paragraph: int | None = None
    assignee: str | None = None
    limit: int | None = None


def _counts(reader: Reader, claim_ids: list[int] | None) -> dict[int, dict[str, int]]:
    params: dict[str, Any] = {}
    sql = "SELECT claim_id, stance, count(*) FROM evidence WHERE retracted_at IS NULL"
    if claim_ids is not None:
        sql += f" AND claim_id IN ({in_list('c', claim_ids, params)})"
    counts: dict[int, dict[str, int]] = {}
    for claim_id, stance, count in reader.rows(sql + " GROUP BY claim_id, stance", params):
        counts.setdefault(claim_id, {})[stance] = count
    return counts


def _row(values: Any, counts: dict[int, dict[str, int]]) -> dict[str, Any]:
    (
        cid,
        article_id,
        paragraph,
        sentence,
        text,
        kind,
        status,
        assignee,
        attribution,
        version,
        changed,
        updated_at,
        updated_by,
    ) = values
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
        "attribution": json_value(attribution),
        "evidence_counts": {stance: found.get(stance, 0) for stance in ("supports", "contradicts", "context")},
        "version": version,
        "changed": bool(changed),
        "updated_at": updated_at,
        "updated_by": updated_by,
    }


def list_claims(source: Reader | Session, where: ClaimFilter) -> tuple[list[dict[str, Any]], int]:
    """Matching claims in article order, and how many matched before ``limit``."""
    reader = as_reader(source)
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if where.article is not None:
        if not reader.rows("SELECT 1 FROM article WHERE id = :article", {"article": where.article}):
            raise NotFound(f"no article with id {where.article}; see 'verify status'")
        conditions.append("c.article_id = :article")
        params["article"] = where.article
    if where.status:
        statuses = [check_status_name(s) for s in where.status]
        conditions.append(f"c.status IN ({in_list('status', statuses, params)})")
    else:  # withdrawn claims are history, not part of the article any more: list them on request
        conditions.append("c.status <> 'withdrawn'")
    if where.kind:
        kinds = [check_kind_name(k) for k in where.kind]
        conditions.append(f"c.kind IN ({in_list('kind', kinds, params)})")
    if where.paragraph is not None:
        conditions.append("c.paragraph = :paragraph")
        params["paragraph"] = where.paragraph
    if where.assignee is not None:
        if where.assignee:
            conditions.append("c.assignee = :assignee")
            params["assignee"] = where.assignee
        else:
            conditions.append("c.assignee IS NULL")
    rows = reader.rows(LIST_SQL + " WHERE " + " AND ".join(conditions) + ORDER_SQL, params)
    total = len(rows)
    if where.limit is not None:
        rows = rows[: where.limit]
    counts = _counts(reader, None if len(rows) > 500 else [r[0] for r in rows])
    return [_row(r, counts) for r in rows], total


def article_titles(source: Reader | Session) -> dict[int, str]:
    """Article id -> title, for listings that must say which article a claim is from."""
    return {int(r[0]): str(r[1]) for r in as_reader(source).rows("SELECT id, title FROM article ORDER BY id")}


def evidence_dict(evidence: Evidence, source: Source | None) -> dict[str, Any]:
    return {
        "id": evidence.id,
        "source": source.key if source else None,
        "source_title": source.title if source else None,
        "passage_id": evidence.passage_id,
        "locator": evidence.locator,
        "stance": evidence.stance,
        "quote": evidence.quote,
        "submitted_quote": evidence.submitted_quote,
        "difference_reason": evidence.difference_reason,
        "anchor": evidence.anchor,
        "note": evidence.note,
        "added_by": evidence.added_by,
        "added_at": evidence.added_at,
        "retracted": evidence.retracted_at is not None,
        "retracted_at": evidence.retracted_at,
        "retracted_by": evidence.retracted_by,
        "retraction_reason": evidence.retraction_reason,
        "flags": list(evidence.flags or []),
        "flags_accepted": None
        if evidence.flags_accepted_at is None
        else {
            "by": evidence.flags_accepted_by,
            "at": evidence.flags_accepted_at,
            "reason": evidence.flags_accepted_reason,
        },
    }


def show_claim(session: Session, claim_id: int) -> dict[str, Any]:
    """One claim with its context, hints, evidence, notes and full history."""
    from sqlmodel import col, select

    from verify.db.models import Article, ArticleRevision, Claim, Event, Evidence, Note, Passage, Source

    reader = as_reader(session)
    found = reader.rows(LIST_SQL + " WHERE c.id = :id", {"id": claim_id})
    if not found:
        raise NotFound(f"no claim with id {claim_id}; see 'verify claim list'")
    claim = session.get(Claim, claim_id)
    assert claim is not None
    result = _row(found[0], _counts(reader, [claim_id]))
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
    passages = {
        p.id: p
        for p in session.exec(
            select(Passage).where(col(Passage.id).in_({e.passage_id for e in evidence if e.passage_id}))
        )
    }
    result["evidence"] = [
        {
            **evidence_dict(e, sources.get(e.source_id)),
            "page": passages[e.passage_id].page if e.passage_id in passages else None,
        }
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
