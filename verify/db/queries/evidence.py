"""Queries about evidence: the one place that asks for it.

"In force" means not retracted (``retracted_at IS NULL``); every question
about active evidence, from the claim listing's counts to the archive check,
asks it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, as_reader, in_list

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Evidence, Source

EVIDENCE_SQL = (
    "SELECT e.id, s.key, s.title, e.passage_id, e.locator, e.stance, e.quote, e.submitted_quote, e.difference_reason,"
    " e.anchor, e.note, e.added_by, e.added_at, e.retracted_at, e.retracted_by, e.retraction_reason, e.flags,"
    " e.flags_accepted_by, e.flags_accepted_at, e.flags_accepted_reason, p.page, e.kind, s.internal, s.kind,"
    " s.person, s.role, s.method, s.published"
    " FROM evidence e LEFT JOIN source s ON s.id = e.source_id LEFT JOIN passage p ON p.id = e.passage_id"
    " WHERE e.claim_id = :claim ORDER BY e.id"
)


# Every evidence with its claim's position, for the evidence CSV: article order, then evidence id.
TABLE_SQL = (
    "SELECT e.id, e.claim_id, c.article_id, e.stance, s.key, s.version, s.title, COALESCE(e.locator, p.locator),"
    " p.page, e.quote, e.anchor, e.flags, e.flags_accepted_by, e.note, e.added_by, e.added_at,"
    " e.retracted_by, e.retracted_at, e.retraction_reason"
    " FROM evidence e JOIN claim c ON c.id = e.claim_id LEFT JOIN source s ON s.id = e.source_id"
    " LEFT JOIN passage p ON p.id = e.passage_id"
)


# Plain SQL (fast read path, or a session through as_reader).


def stance_counts(reader: Reader, claim_ids: list[int] | None) -> dict[int, dict[str, int]]:
    """Claim id -> stance -> evidence in force (of the given claims, or of all)."""
    params: dict[str, Any] = {}
    sql = "SELECT claim_id, stance, count(*) FROM evidence WHERE retracted_at IS NULL"
    if claim_ids is not None:
        sql += f" AND claim_id IN ({in_list('c', claim_ids, params)})"
    counts: dict[int, dict[str, int]] = {}
    for claim_id, stance, count in reader.rows(sql + " GROUP BY claim_id, stance", params):
        counts.setdefault(claim_id, {})[stance] = count
    return counts


def evidence_rows(source: Reader | Session, claim_id: int) -> list[Any]:
    """:data:`EVIDENCE_SQL` rows of the claim, retracted included, oldest first."""
    return as_reader(source).rows(EVIDENCE_SQL, {"claim": claim_id})


def evidence_table_rows(source: Reader | Session, article_id: int | None = None) -> list[Any]:
    """:data:`TABLE_SQL` rows, retracted included, of one article or all, in claim order then by evidence id."""
    params: dict[str, Any] = {}
    sql = TABLE_SQL
    if article_id is not None:
        sql += " WHERE c.article_id = :article"
        params["article"] = article_id
    return as_reader(source).rows(sql + " ORDER BY c.article_id, c.paragraph, c.sentence, c.id, e.id", params)


def claims_by_anchor(source: Reader | Session, anchors: Iterable[str]) -> list[tuple[int, str]]:
    """(claim id, anchor state) of evidence in force whose anchor is one of ``anchors``."""
    params: dict[str, Any] = {}
    rows = as_reader(source).rows(
        "SELECT claim_id, anchor FROM evidence"
        f" WHERE anchor IN ({in_list('anchor', list(anchors), params)}) AND retracted_at IS NULL",
        params,
    )
    return [(claim_id, anchor) for claim_id, anchor in rows]


def recheck_counts(reader: Reader) -> list[tuple[int, str, int]]:
    """(article id, anchor, count) of evidence in force left orphaned or reworded."""
    rows = reader.rows(
        "SELECT c.article_id, e.anchor, count(*) FROM evidence e JOIN claim c ON c.id = e.claim_id"
        " WHERE e.anchor IN ('orphaned', 'reworded') AND e.retracted_at IS NULL GROUP BY c.article_id, e.anchor"
    )
    return [(article_id, anchor, count) for article_id, anchor, count in rows]


# ORM rows (write paths).


def find_evidence(session: Session, evidence_id: int | None, *, for_update: bool = False) -> Evidence | None:
    from verify.db.models import Evidence

    return session.get(Evidence, evidence_id, with_for_update=True if for_update else None)


def stance_counts_of(session: Session, claim_id: int) -> dict[str, int]:
    """Stance -> evidence in force of one claim."""
    from sqlmodel import func, select

    from verify.db.models import Evidence

    rows = session.exec(
        select(Evidence.stance, func.count())
        .where(Evidence.claim_id == claim_id, Evidence.retracted_at == None)  # noqa: E711
        .group_by(Evidence.stance)
    ).all()
    return dict(rows)


def in_force_with_source(session: Session, claim_id: int, stance: str) -> list[tuple[Evidence, Source | None]]:
    """The claim's evidence in force with ``stance`` and its source, by id."""
    from sqlmodel import select

    from verify.db.models import Evidence, Source

    rows = session.exec(
        select(Evidence, Source)
        .join(Source, Source.id == Evidence.source_id, isouter=True)  # type: ignore[arg-type]
        .where(Evidence.claim_id == claim_id, Evidence.stance == stance, Evidence.retracted_at == None)  # noqa: E711
        .order_by(Evidence.id)  # type: ignore[arg-type]
    ).all()
    return [(e, s) for e, s in rows]


def in_force(
    session: Session, *, source_id: int | None = None, claim_ids: Iterable[int | None] | None = None
) -> list[Evidence]:
    """Evidence in force by id: all of it, or that citing one source, or that of some claims."""
    from sqlmodel import col, select

    from verify.db.models import Evidence

    query = select(Evidence).where(col(Evidence.retracted_at).is_(None))
    if source_id is not None:
        query = query.where(Evidence.source_id == source_id)
    if claim_ids is not None:
        query = query.where(col(Evidence.claim_id).in_(list(claim_ids)))
    return list(session.exec(query.order_by(col(Evidence.id))))


def in_force_anchored(session: Session, anchors: tuple[str, ...]) -> list[tuple[Evidence, Source]]:
    """Evidence in force whose anchor is one of ``anchors``, with its source, by id."""
    from sqlmodel import col, select

    from verify.db.models import Evidence, Source

    rows = session.exec(
        select(Evidence, Source)
        .join(Source, col(Source.id) == col(Evidence.source_id))
        .where(col(Evidence.anchor).in_(anchors), Evidence.retracted_at == None)  # noqa: E711
        .order_by(col(Evidence.id))
    ).all()
    return [(e, s) for e, s in rows]


def citations_in_force(session: Session) -> list[tuple[int, str, str | None, bool, str]]:
    """(claim id, source key, locator, source internal, evidence kind) of all evidence in force, by evidence id."""
    from sqlalchemy import select  # sqlmodel's select is typed for at most four columns
    from sqlmodel import col

    from verify.db.models import Evidence, Source

    rows = session.execute(
        select(col(Evidence.claim_id), col(Source.key), col(Evidence.locator), col(Source.internal), col(Evidence.kind))
        .join(Source, col(Source.id) == Evidence.source_id)
        .where(col(Evidence.retracted_at).is_(None))
        .order_by(col(Evidence.id))
    ).all()
    return [
        (claim_id, key, locator, bool(internal), kind or "quote") for claim_id, key, locator, internal, kind in rows
    ]
