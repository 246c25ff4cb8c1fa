"""Which claims a review session walks through, in what order, and which are locked.

The queue is the claims matching the filter in article order. By default that
is the ``factual`` and ``quote`` claims that are ``unreviewed`` or
``in_progress`` and not assigned to someone else. A claim another reviewer
holds a lease on (they acted on it in the last
:data:`~verify.workflow.leases.LEASE_MINUTES` minutes, see
:mod:`verify.workflow.leases`) is locked: it is left out unless
``include_locked``. Merely opening a claim takes no lease and writes nothing.
A reviewer who comes back starts at the claim they still hold a lease on, or
else at the last claim they acted on and left ``in_progress``; the claims
before it follow at the end, so nothing is lost from the walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from verify.db.models import Claim
from verify.db.queries.articles import find_article
from verify.db.queries.claims import queue_rows
from verify.db.queries.events import last_claim_acted_on
from verify.db.vocabulary import check_kind_name, check_status_name
from verify.errors import NotFound
from verify.workflow.leases import Lease, active, held_by

DEFAULT_STATUSES = ("unreviewed", "in_progress")
DEFAULT_KINDS = ("factual", "quote")


@dataclass(frozen=True)
class QueueFilter:
    """What ``verify review`` was asked to walk through."""

    article: int | None = None
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    kinds: tuple[str, ...] = DEFAULT_KINDS
    paragraph: int | None = None
    assignee: str | None = None  # None: unassigned or the reviewer's; "me": the reviewer's; else that name
    include_locked: bool = False

    def normalised(self) -> QueueFilter:
        return QueueFilter(
            self.article,
            tuple(check_status_name(s) for s in self.statuses) or DEFAULT_STATUSES,
            tuple(check_kind_name(k) for k in self.kinds) or DEFAULT_KINDS,
            self.paragraph,
            (self.assignee or "").strip() or None,
            self.include_locked,
        )


Lock = Lease  # a claim another reviewer holds: who, since when (``describe()`` says it)


@dataclass
class Queue:
    claim_ids: list[int]
    locked: list[Lock] = field(default_factory=list)  # left out (or, with include_locked, kept)
    resume_at: int | None = None  # the claim the reviewer left in progress, now first

    def __len__(self) -> int:
        return len(self.claim_ids)


def wanted_assignee(where: QueueFilter, reviewer: str) -> str | None:
    if where.assignee is None:
        return None
    return reviewer if where.assignee.lower() == "me" else where.assignee


def assignee_ok(assignee: str | None, where: QueueFilter, reviewer: str) -> bool:
    wanted = wanted_assignee(where, reviewer)
    if wanted is None:
        return assignee is None or assignee == reviewer
    return assignee == wanted


def locks(session: Session, claim_ids: list[int], reviewer: str) -> dict[int, Lock]:
    """The claims another reviewer holds a lease on now."""
    return {cid: lease for cid, lease in active(session, claim_ids).items() if lease.holder != reviewer}


def lock_for(session: Session, claim: Claim, reviewer: str) -> Lock | None:
    return locks(session, [claim.id], reviewer).get(claim.id)  # type: ignore[list-item, arg-type]


def build_queue(session: Session, reviewer: str, where: QueueFilter) -> Queue:
    """The claims to review in article order, the reviewer's last open claim first."""
    where = where.normalised()
    if where.article is not None and find_article(session, where.article) is None:
        raise NotFound(f"no article with id {where.article}; see 'verify status'")
    rows = queue_rows(session, where.statuses, where.kinds, where.article, where.paragraph)
    rows = [r for r in rows if assignee_ok(r[2], where, reviewer)]
    locked = locks(session, [r[0] for r in rows], reviewer)
    ids = [r[0] for r in rows if where.include_locked or r[0] not in locked]
    resume = _resume_claim(session, [r[0] for r in rows if r[1] == "in_progress" and r[0] in ids], ids, reviewer)
    if resume is not None:
        at = ids.index(resume)
        ids = ids[at:] + ids[:at]
    return Queue(ids, sorted(locked.values(), key=lambda lock: lock.claim_id), resume)


def _resume_claim(session: Session, in_progress: list[int], candidates: list[int], reviewer: str) -> int | None:
    """The claim the reviewer holds a lease on, else the last one they acted on and left in progress."""
    for lease in held_by(session, reviewer):
        if lease.claim_id in candidates:
            return lease.claim_id
    if not in_progress:
        return None
    return last_claim_acted_on(session, reviewer, in_progress)


def eligible(session: Session, claim: Claim, reviewer: str, where: QueueFilter) -> str | None:
    """Why the claim should no longer be opened from the queue (None: open it)."""
    where = where.normalised()
    if claim.status not in where.statuses:
        return f"now {claim.status} (by {claim.updated_by})"
    if not assignee_ok(claim.assignee, where, reviewer):
        return f"assigned to {claim.assignee}"
    if not where.include_locked:
        lock = lock_for(session, claim, reviewer)
        if lock is not None:
            return lock.describe()
    return None
