"""Queries about sign-offs: the one place that asks for them.

:data:`ACTIVE_SQL` also answers whether a sign-off still names the claim's
current status (its last column); what that means for a verdict is decided
in :mod:`verify.workflow.signoff_state`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, in_list

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Signoff

ACTIVE_SQL = (
    "SELECT s.claim_id, c.article_id, s.status, s.signed_by, s.signed_at, s.note,"
    " CASE WHEN s.status = c.status THEN 1 ELSE 0 END"
    " FROM signoff s JOIN claim c ON c.id = s.claim_id WHERE s.lapsed_at IS NULL"
)


def unlapsed_rows(reader: Reader, claim_ids: list[int] | None) -> list[Any]:
    """:data:`ACTIVE_SQL` rows (of these claims, or all) oldest first."""
    params: dict[str, Any] = {}
    sql = ACTIVE_SQL
    if claim_ids is not None:
        sql += f" AND s.claim_id IN ({in_list('c', claim_ids, params)})"
    return reader.rows(sql + " ORDER BY s.id", params)


def unlapsed(session: Session, claim_id: int | None) -> list[Signoff]:
    """The claim's sign-offs that have not lapsed (ORM rows to lapse)."""
    from sqlmodel import col, select

    from verify.db.models import Signoff

    return list(session.exec(select(Signoff).where(Signoff.claim_id == claim_id, col(Signoff.lapsed_at).is_(None))))
