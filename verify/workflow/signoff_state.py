"""Which verdicts carry a current sign-off — the rule written once, in plain SQL.

A claim's latest sign-off that has not lapsed vouches for its verdict only
while it names the claim's current status (belt and braces for any code path
that changes a status without lapsing the sign-off, such as an article
re-import). ``verify status`` counts these per article, ``report
unsupported``, the appendix, the annotated copy and the CSV export list them
per claim; all read through :func:`current_signoffs` or
:func:`signed_off_by_article`, which run the same statement through any
:class:`~verify.db.reader.Reader` (or a session, via
:func:`~verify.db.reader.as_reader`), so the start-up path needs no ORM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.queries.signoffs import unlapsed_rows
from verify.db.reader import Reader, as_reader

if TYPE_CHECKING:
    from sqlmodel import Session


def _latest_active(reader: Reader, claim_ids: list[int] | None) -> dict[int, tuple[Any, ...]]:
    """Claim id -> its latest unlapsed sign-off row (see :data:`~verify.db.queries.signoffs.ACTIVE_SQL`)."""
    return {row[0]: row for row in unlapsed_rows(reader, claim_ids)}


def active_signoff(source: Reader | Session, claim_id: int) -> dict[str, Any] | None:
    """The claim's latest sign-off that has not lapsed, whatever status it names (``sign_off`` refuses a second)."""
    row = _latest_active(as_reader(source), [claim_id]).get(claim_id)
    if row is None:
        return None
    _, _, status, signed_by, signed_at, note, _ = row
    return {"by": signed_by, "at": signed_at, "status": status, "note": note}


def current_signoffs(source: Reader | Session, claim_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Claim id -> the sign-off that still vouches for its current status, as plain data."""
    return {
        claim_id: {"by": signed_by, "at": signed_at, "status": status, "note": note}
        for claim_id, (_, _, status, signed_by, signed_at, note, current) in _latest_active(
            as_reader(source), claim_ids
        ).items()
        if current
    }


def signed_off_by_article(source: Reader | Session) -> dict[int, int]:
    """Article id -> verdicts carrying a current sign-off (the count ``verify status`` shows)."""
    counts: dict[int, int] = {}
    for _, article_id, *_rest, current in _latest_active(as_reader(source), None).values():
        if current:
            counts[article_id] = counts.get(article_id, 0) + 1
    return counts
