"""Who is working on a claim in ``verify review``: leases, not statuses.

A lease (table ``review_lease``: claim, holder, acquired, expires) keeps two
reviewers from working on the same claim at once. It is no change to the
claim: no status, no version, no event, and nothing of it reaches a report.
It is taken only when a reviewer *acts* on a claim (links, notes, marks,
assigns, retracts, undoes), so merely looking at claims writes nothing at
all; every action renews it, and it lapses :data:`LEASE_MINUTES` after the
last one, so a reviewer who walks away does not keep a claim from others for
long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from verify import clock
from verify.db.engine import Database
from verify.db.models import ReviewLease
from verify.db.queries.leases import lease_for_update, leases_in_force
from verify.errors import RefusedChange

LEASE_MINUTES = 30


@dataclass(frozen=True)
class Lease:
    claim_id: int
    holder: str
    acquired_at: str
    expires_at: str

    @property
    def last_action(self) -> str:
        """When the holder last acted on the claim (the lease runs LEASE_MINUTES from then)."""
        return _stamp(clock.parse(self.expires_at) - timedelta(minutes=LEASE_MINUTES))

    def describe(self) -> str:
        minutes = int((clock.parse(clock.now()) - clock.parse(self.last_action)).total_seconds() // 60)
        ago = "just now" if minutes < 1 else f"{minutes} min ago"
        return f"being reviewed by {self.holder}, last action {ago}"


def _stamp(moment: object) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # type: ignore[attr-defined]


def _expiry(now: str) -> str:
    return _stamp(clock.parse(now) + timedelta(minutes=LEASE_MINUTES))


def _lease(row: ReviewLease) -> Lease:
    return Lease(row.claim_id, row.holder, row.acquired_at, row.expires_at)


def active(session: Session, claim_ids: list[int]) -> dict[int, Lease]:
    """The leases in force (not expired) on these claims."""
    if not claim_ids:
        return {}
    rows = leases_in_force(session, clock.now(), claim_ids=claim_ids)
    return {row.claim_id: _lease(row) for row in rows}


def held_by(session: Session, holder: str) -> list[Lease]:
    """The leases in force of one reviewer, latest action first."""
    rows = leases_in_force(session, clock.now(), holder=holder)
    return sorted((_lease(r) for r in rows), key=lambda lease: lease.expires_at, reverse=True)


def acquire(db: Database, claim_id: int, holder: str, *, take_over: bool = False) -> Lease | None:
    """Take (or renew) the lease on a claim; returns the other reviewer's lease it replaced, if any.

    Another reviewer's lease in force is refused unless ``take_over`` (the
    reviewer asked for claims others are working on: ``--include-locked``).
    """
    for _attempt in range(2):
        try:
            return _acquire(db, claim_id, holder, take_over)
        except IntegrityError:  # two reviewers inserted at once (PostgreSQL): read the winner's row again
            continue
    return _acquire(db, claim_id, holder, take_over)


def _acquire(db: Database, claim_id: int, holder: str, take_over: bool) -> Lease | None:
    with db.write() as session:
        now = clock.now()
        row = lease_for_update(session, claim_id)
        replaced = None
        if row is not None and row.holder != holder and row.expires_at > now:
            if not take_over:
                raise RefusedChange(
                    f"claim {claim_id} is {_lease(row).describe()}; nothing was saved "
                    "(s skips it; 'verify review --include-locked' lets you work on it)"
                )
            replaced = _lease(row)
        if row is None:
            session.add(ReviewLease(claim_id=claim_id, holder=holder, acquired_at=now, expires_at=_expiry(now)))
        else:
            if row.holder != holder or row.expires_at <= now:
                row.holder, row.acquired_at = holder, now
            row.expires_at = _expiry(now)
        session.flush()
        return replaced


def release(db: Database, claim_id: int, holder: str) -> None:
    """Give the claim back (only one's own lease)."""
    with db.write() as session:
        row = lease_for_update(session, claim_id)
        if row is not None and row.holder == holder:
            session.delete(row)
