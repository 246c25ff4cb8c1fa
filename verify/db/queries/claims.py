"""Queries about claims: the one place that asks for them.

Write paths get ORM rows to change (``get_claim`` locks the row for a
writer); read paths run plain SQL through a :class:`~verify.db.reader.Reader`.
Claims are listed in article order everywhere: article, paragraph,
sentence, then id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, as_reader
from verify.errors import NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Claim

LIST_SQL = (
    "SELECT c.id, c.article_id, c.paragraph, c.sentence, c.text, c.kind, c.status, c.assignee,"
    " c.attribution, c.version, c.changed, c.updated_at, c.updated_by FROM claim c"
)
ORDER_SQL = " ORDER BY c.article_id, c.paragraph, c.sentence, c.id"
CONTEXT_SQL = (
    'SELECT c.start, c."end", c.hints, r.text, r.paragraph_spans, a.title FROM claim c'
    " LEFT JOIN article_revision r ON r.id = c.revision_id LEFT JOIN article a ON a.id = c.article_id"
    " WHERE c.id = :id"
)


def not_found(claim_id: int) -> NotFound:
    return NotFound(f"no claim with id {claim_id}; see 'verify claim list'")


# Plain SQL (fast read path, or a session through as_reader).


def claim_rows(reader: Reader, where: str, params: dict[str, Any]) -> list[Any]:
    """:data:`LIST_SQL` rows matching the SQL condition ``where``, in article order."""
    return reader.rows(LIST_SQL + " WHERE " + where + ORDER_SQL, params)


def claim_row(reader: Reader, claim_id: int) -> Any | None:
    found = reader.rows(LIST_SQL + " WHERE c.id = :id", {"id": claim_id})
    return found[0] if found else None


def claim_context(reader: Reader, claim_id: int) -> Any:
    """(start, end, hints, revision text, paragraph spans, article title) of an existing claim."""
    return reader.rows(CONTEXT_SQL, {"id": claim_id})[0]


def claim_for_suggest(reader: Reader, claim_id: int) -> Any:
    """(text, hints, attribution, article id, the article's publication date) of the claim, or NotFound."""
    found = reader.rows(
        "SELECT c.text, c.hints, c.attribution, c.article_id, a.published FROM claim c "
        "JOIN article a ON a.id = c.article_id WHERE c.id = :c",
        {"c": claim_id},
    )
    if not found:
        raise not_found(claim_id)
    return found[0]


def live_attributions(source: Reader | Session, article_id: int) -> list[Any]:
    """The attribution column of the article's claims that are not withdrawn."""
    return [
        attribution
        for (attribution,) in as_reader(source).rows(
            "SELECT attribution FROM claim WHERE article_id = :a AND status != 'withdrawn'", {"a": article_id}
        )
    ]


def claim_tallies(reader: Reader) -> list[Any]:
    """(article id, status, kind, assignee, count) over every claim."""
    return reader.rows(
        "SELECT article_id, status, kind, assignee, count(*) FROM claim GROUP BY article_id, status, kind, assignee"
    )


# ORM rows (write paths).


def get_claim(session: Session, claim_id: int, *, for_update: bool = False) -> Claim:
    """The claim, or NotFound; ``for_update`` locks its row until the transaction ends.

    Writers that check and bump ``version`` lock the row so that on PostgreSQL a
    second writer waits and then sees the new version (and is refused if it
    was stale) instead of both writing the same next version. SQLite ignores
    the lock: ``BEGIN IMMEDIATE`` already serialises writers.
    """
    claim = find_claim(session, claim_id, for_update=for_update)
    if claim is None:
        raise not_found(claim_id)
    return claim


def find_claim(session: Session, claim_id: int | None, *, for_update: bool = False) -> Claim | None:
    from verify.db.models import Claim

    return session.get(Claim, claim_id, with_for_update=True if for_update else None)


def claims_in_order(
    session: Session,
    *,
    article_id: int | None = None,
    statuses: Iterable[str] | None = None,
) -> list[Claim]:
    """Claims in article order: those with one of ``statuses``, else every claim not withdrawn."""
    from sqlmodel import col, select

    from verify.db.models import Claim

    query = select(Claim)
    query = (
        query.where(col(Claim.status).in_(list(statuses)))
        if statuses is not None
        else query.where(Claim.status != "withdrawn")
    )
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    return list(
        session.exec(query.order_by(col(Claim.article_id), col(Claim.paragraph), col(Claim.sentence), col(Claim.id)))
    )


def every_claim_of(session: Session, article_id: int | None) -> list[Claim]:
    """All claims of an article, withdrawn ones included (what a new revision is matched against)."""
    from sqlmodel import select

    from verify.db.models import Claim

    return list(session.exec(select(Claim).where(Claim.article_id == article_id)))


def live_claim_count(session: Session, article_id: int | None) -> int:
    from sqlmodel import select

    from verify.db.models import Claim

    return len(session.exec(select(Claim.id).where(Claim.article_id == article_id, Claim.status != "withdrawn")).all())


def queue_rows(
    session: Session, statuses: Iterable[str], kinds: Iterable[str], article: int | None, paragraph: int | None
) -> list[tuple[int, str, str | None]]:
    """(id, status, assignee) of the claims a review queue may hold, in article order."""
    from sqlmodel import col, select

    from verify.db.models import Claim

    query = select(Claim.id, Claim.status, Claim.assignee).where(
        col(Claim.status).in_(list(statuses)), col(Claim.kind).in_(list(kinds))
    )
    if article is not None:
        query = query.where(Claim.article_id == article)
    if paragraph is not None:
        query = query.where(Claim.paragraph == paragraph)
    rows = session.execute(
        query.order_by(col(Claim.article_id), col(Claim.paragraph), col(Claim.sentence), col(Claim.id))
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def insert_claims(session: Session, rows: list[dict[str, Any]], revision_id: int) -> list[int]:
    """Insert a new revision's claims in bulk; returns their ids in paragraph and sentence order."""
    from sqlalchemy import insert, select

    from verify.db.models import Claim

    claims = Claim.__table__  # type: ignore[attr-defined]
    session.execute(insert(claims), rows)
    return list(
        session.scalars(
            select(claims.c.id)
            .where(claims.c.revision_id == revision_id)
            .order_by(claims.c.paragraph, claims.c.sentence)
        )
    )


def set_attributions(session: Session, values: list[dict[str, Any]]) -> None:
    """Set the attribution of many claims at once (``{"claim_id": ..., "value": ...}`` each)."""
    from sqlalchemy import bindparam, update

    from verify.db.models import Claim

    claims = Claim.__table__  # type: ignore[attr-defined]
    session.execute(
        update(claims).where(claims.c.id == bindparam("claim_id")).values(attribution=bindparam("value")),
        values,
        execution_options={"synchronize_session": False},
    )
