"""Queries about review leases: the one place that asks for them.

A lease is in force while ``expires_at`` is later than now; the caller
passes now (from :mod:`verify.clock`) so tests that pin the clock see the
same answer everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import ReviewLease


def leases_in_force(
    session: Session, now: str, *, claim_ids: list[int] | None = None, holder: str | None = None
) -> list[ReviewLease]:
    """The leases not expired at ``now``: on these claims, or held by ``holder``."""
    from sqlmodel import col, select

    from verify.db.models import ReviewLease

    query = select(ReviewLease).where(col(ReviewLease.expires_at) > now)
    if claim_ids is not None:
        query = query.where(col(ReviewLease.claim_id).in_(claim_ids))
    if holder is not None:
        query = query.where(ReviewLease.holder == holder)
    return list(session.exec(query))


def lease_for_update(session: Session, claim_id: int) -> ReviewLease | None:
    """The claim's lease row (expired or not), locked until the transaction ends."""
    from verify.db.models import ReviewLease

    return session.get(ReviewLease, claim_id, with_for_update=True)
