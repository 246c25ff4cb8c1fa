"""Changing a claim: status, notes, assignee and kind, each one audited transaction.

Every function checks ``if_version`` (when given) against the claim's current
version, so two reviewers never overwrite each other silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from verify import clock
from verify.db.engine import Database
from verify.db.models import Claim, Event, Evidence, Note
from verify.errors import NotFound, RefusedChange, VerifyError
from verify.workflow.audit import record
from verify.workflow.rules import EvidenceCounts, check_kind_name, check_status_change, check_status_name
from verify.workflow.signoff import lapse_signoffs


@dataclass(frozen=True)
class Change:
    claim_id: int
    field: str
    old: str | None
    new: str | None
    version: int
    note_id: int | None = None


def get_claim(session: Session, claim_id: int, *, for_update: bool = False) -> Claim:
    """The claim, or NotFound; ``for_update`` locks its row until the transaction ends.

    Writers that check and bump ``version`` lock the row so that on PostgreSQL a
    second writer waits and then sees the new version (and is refused if it
    was stale) instead of both writing the same next version. SQLite ignores
    the lock: ``BEGIN IMMEDIATE`` already serialises writers.
    """
    claim = session.get(Claim, claim_id, with_for_update=True if for_update else None)
    if claim is None:
        raise NotFound(f"no claim with id {claim_id}; see 'verify claim list'")
    return claim


def evidence_counts(session: Session, claim_id: int) -> EvidenceCounts:
    rows = session.exec(
        select(Evidence.stance, func.count())
        .where(Evidence.claim_id == claim_id, Evidence.retracted_at == None)  # noqa: E711
        .group_by(Evidence.stance)
    ).all()
    counts = dict(rows)
    return EvidenceCounts(counts.get("supports", 0), counts.get("contradicts", 0), counts.get("context", 0))


def check_version(session: Session, claim: Claim, if_version: int | None) -> None:
    """Refuse a write based on a stale read, naming who changed the claim and when."""
    if if_version is None or if_version == claim.version:
        return
    last = session.exec(
        select(Event).where(Event.claim_id == claim.id).order_by(Event.id.desc())  # type: ignore[union-attr]
    ).first()
    who = f" by {last.actor} at {last.at}" if last else ""
    raise RefusedChange(
        f"claim {claim.id} changed since version {if_version} (now version {claim.version}, last changed{who}); "
        "reload it with 'verify claim show' and try again"
    )


def _touch(claim: Claim, actor: str, now: str) -> None:
    claim.version += 1
    claim.updated_at = now
    claim.updated_by = actor


def _add_note(session: Session, claim: Claim, text: str, actor: str, now: str) -> Note:
    if not text.strip():
        raise VerifyError("the note is empty")
    note = Note(claim_id=claim.id, author=actor, created_at=now, text=text.strip())  # type: ignore[arg-type]
    session.add(note)
    session.flush()
    record(session, actor, "note", article_id=claim.article_id, claim_id=claim.id, new=note.text, at=now)
    return note


def mark(db: Database, claim_id: int, status: str, *, actor: str, note: str | None = None, if_version: int | None = None) -> Change:
    """Set a claim's status if the rules allow it; a note given here is also kept as a note."""
    new = check_status_name(status)
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        check_version(session, claim, if_version)
        old = claim.status
        if new == old:
            raise RefusedChange(f"claim {claim_id} is already {new}")
        check_status_change(claim_id, new, evidence_counts(session, claim_id), note)
        now = clock.now()
        note_id = _add_note(session, claim, note, actor, now).id if note and note.strip() else None
        claim.status, claim.changed = new, False
        _touch(claim, actor, now)
        record(session, actor, "status", article_id=claim.article_id, claim_id=claim.id, old=old, new=new, note=note, at=now)
        lapse_signoffs(session, claim, actor=actor, reason=f"status changed from {old} to {new}", at=now)
        return Change(claim_id, "status", old, new, claim.version, note_id)


def add_note(db: Database, claim_id: int, text: str, *, actor: str) -> Change:
    """Notes never conflict: they are appended, whatever the claim's version."""
    with db.write() as session:
        claim = get_claim(session, claim_id)
        note = _add_note(session, claim, text, actor, clock.now())
        return Change(claim_id, "note", None, note.text, claim.version, note.id)


def assign(db: Database, claim_id: int, assignee: str | None, *, actor: str, if_version: int | None = None) -> Change:
    """Give a claim to a reviewer (``None`` or an empty name unassigns it)."""
    name = (assignee or "").strip() or None
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        check_version(session, claim, if_version)
        old = claim.assignee
        if old == name:
            raise RefusedChange(f"claim {claim_id} is already {'assigned to ' + name if name else 'unassigned'}")
        now = clock.now()
        claim.assignee = name
        _touch(claim, actor, now)
        record(session, actor, "assign", article_id=claim.article_id, claim_id=claim.id, old=old, new=name, at=now)
        return Change(claim_id, "assignee", old, name, claim.version)


def set_kind(db: Database, claim_id: int, kind: str, *, actor: str, if_version: int | None = None) -> Change:
    """Correct the detected kind; the correction is logged like any change."""
    new = check_kind_name(kind)
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        check_version(session, claim, if_version)
        old = claim.kind
        if old == new:
            raise RefusedChange(f"claim {claim_id} is already of kind {new}")
        now = clock.now()
        claim.kind = new
        _touch(claim, actor, now)
        record(session, actor, "kind", article_id=claim.article_id, claim_id=claim.id, old=old, new=new, at=now)
        return Change(claim_id, "kind", old, new, claim.version)
