"""Progress per article: counts by status and kind, share reviewed, who did what."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from verify.db.models import (
    CLAIM_KINDS,
    CLAIM_STATUSES,
    Article,
    ArticleRevision,
    Claim,
    Event,
    Evidence,
    Passage,
    Source,
)

OPEN_STATUSES = ("unreviewed", "in_progress")


def article_status(session: Session) -> list[dict[str, Any]]:
    """One object per article; withdrawn claims are counted but not in the totals."""
    articles = session.exec(select(Article).order_by(col(Article.id))).all()
    by_status: dict[int, dict[str, int]] = {}
    by_kind: dict[int, dict[str, int]] = {}
    assigned: dict[int, dict[str, int]] = {}
    for article_id, status, kind, assignee, count in session.execute(
        select(Claim.article_id, Claim.status, Claim.kind, Claim.assignee, func.count()).group_by(
            Claim.article_id, Claim.status, Claim.kind, Claim.assignee
        )
    ):
        statuses = by_status.setdefault(article_id, dict.fromkeys(CLAIM_STATUSES, 0))
        statuses[status] = statuses.get(status, 0) + count
        if status == "withdrawn":
            continue
        kinds = by_kind.setdefault(article_id, dict.fromkeys(CLAIM_KINDS, 0))
        kinds[kind] = kinds.get(kind, 0) + count
        if assignee:
            people = assigned.setdefault(article_id, {})
            people[assignee] = people.get(assignee, 0) + count
    verdicts = _verdicts_by_reviewer(session)
    from verify.workflow.signoff import signed_off_by_article

    signed_off = signed_off_by_article(session)
    orphaned = dict(
        session.execute(
            select(Claim.article_id, func.count())
            .join(Evidence, Evidence.claim_id == Claim.id)
            .where(Evidence.anchor == "orphaned", col(Evidence.retracted_at).is_(None))
            .group_by(Claim.article_id)
        ).all()
    )
    revisions = dict(
        session.execute(select(ArticleRevision.article_id, func.max(ArticleRevision.number)).group_by(ArticleRevision.article_id)).all()
    )
    result = []
    for article in articles:
        statuses = by_status.get(article.id, dict.fromkeys(CLAIM_STATUSES, 0))  # type: ignore[arg-type]
        total = sum(n for s, n in statuses.items() if s != "withdrawn")
        reviewed = total - sum(statuses[s] for s in OPEN_STATUSES)
        people = sorted(set(assigned.get(article.id, {})) | set(verdicts.get(article.id, {})))  # type: ignore[arg-type]
        result.append(
            {
                "article_id": article.id,
                "title": article.title,
                "url": article.url,
                "revision": revisions.get(article.id, 0),
                "claims": total,
                "withdrawn": statuses["withdrawn"],
                "by_status": statuses,
                "by_kind": by_kind.get(article.id, dict.fromkeys(CLAIM_KINDS, 0)),  # type: ignore[arg-type]
                "reviewed": reviewed,
                "orphaned_evidence": orphaned.get(article.id, 0),
                "signed_off": signed_off.get(article.id, 0),  # type: ignore[arg-type]
                "share_reviewed": round(reviewed / total, 4) if total else 0.0,
                "reviewers": [
                    {
                        "name": name,
                        "assigned": assigned.get(article.id, {}).get(name, 0),  # type: ignore[arg-type]
                        "verdicts": verdicts.get(article.id, {}).get(name, 0),  # type: ignore[arg-type]
                    }
                    for name in people
                ],
            }
        )
    return result


def _verdicts_by_reviewer(session: Session) -> dict[int, dict[str, int]]:
    """Who set each claim's current status (the last status event per claim)."""
    last = (
        select(func.max(Event.id))
        .where(Event.action == "status", col(Event.claim_id).is_not(None))
        .group_by(Event.claim_id)
    )
    rows = session.execute(
        select(Event.article_id, Event.actor, Event.new, func.count())
        .where(col(Event.id).in_(last))
        .group_by(Event.article_id, Event.actor, Event.new)
    ).all()
    verdicts: dict[int, dict[str, int]] = {}
    for article_id, actor, new, count in rows:
        if new in OPEN_STATUSES or new == "withdrawn" or article_id is None:
            continue
        people = verdicts.setdefault(article_id, {})
        people[actor] = people.get(actor, 0) + count
    return verdicts


def source_status(session: Session) -> list[dict[str, Any]]:
    """Current sources: retrieved or only registered, and how many passages each has."""
    passages = dict(session.execute(select(Passage.source_id, func.count()).group_by(Passage.source_id)).all())
    return [
        {
            "key": s.key,
            "title": s.title,
            "publisher": s.publisher,
            "published": s.published,
            "url": s.url,
            "retrieved": s.retrieved_at is not None,
            "retrieved_at": s.retrieved_at,
            "version": s.version,
            "passages": passages.get(s.id, 0),
        }
        for s in session.exec(select(Source).where(Source.is_current == True).order_by(col(Source.key)))  # noqa: E712
    ]


def status_report(session: Session) -> dict[str, Any]:
    return {"articles": article_status(session), "sources": source_status(session)}
