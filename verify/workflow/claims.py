"""Changing a claim: status, notes, assignee and kind, each one audited transaction.

Every function checks ``if_version`` (when given) against the claim's current
version, so two reviewers never overwrite each other silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from verify import clock
from verify.db.engine import Database
from verify.db.models import Claim, Evidence, Note, Source
from verify.db.queries.claims import get_claim
from verify.db.queries.events import last_event
from verify.db.queries.evidence import find_evidence, in_force_with_source, stance_counts_of
from verify.db.vocabulary import check_kind_name, check_status_name
from verify.errors import RefusedChange, VerifyError
from verify.workflow.audit import record
from verify.workflow.rules import (
    VERDICTS_ON_SUPPORT,
    EvidenceCounts,
    FlaggedEvidence,
    check_status_change,
    flag_kind,
    is_conflict,
    rests_on_call_notes,
)
from verify.workflow.signoff import lapse_signoffs


@dataclass(frozen=True)
class Change:
    claim_id: int
    field: str
    old: str | None
    new: str | None
    version: int
    note_id: int | None = None
    accepted: tuple[int, ...] = ()  # evidence whose flags this change accepted
    conflict: tuple[str, ...] = ()  # the contradicting evidence in force when the verdict is one of support
    call_notes: tuple[str, ...] = ()  # the verdict rests only on these notes of calls without a transcript


def evidence_counts(session: Session, claim_id: int) -> EvidenceCounts:
    counts = stance_counts_of(session, claim_id)
    return EvidenceCounts(counts.get("supports", 0), counts.get("contradicts", 0), counts.get("context", 0))


def _where(evidence: Evidence, source: Source | None) -> str:
    return (
        " ".join(p for p in (source.key if source else None, evidence.locator) if p) or f"source {evidence.source_id}"
    )


def _in_force(session: Session, claim_id: int, stance: str) -> list[tuple[Evidence, Source | None]]:
    return in_force_with_source(session, claim_id, stance)


def flagged_support(session: Session, claim_id: int) -> list[FlaggedEvidence]:
    """Supporting evidence in force whose flags have not been accepted (what a verdict must answer for)."""
    return [
        FlaggedEvidence(e.id, _where(e, s), tuple(e.flags))  # type: ignore[arg-type]
        for e, s in _in_force(session, claim_id, "supports")
        if e.flags and e.flags_accepted_at is None
    ]


def contradicting(session: Session, claim_id: int) -> tuple[str, ...]:
    """The contradicting evidence in force, as "evidence 4 (S/2023/370 para. 14)"."""
    return tuple(f"evidence {e.id} ({_where(e, s)})" for e, s in _in_force(session, claim_id, "contradicts"))


def conflict_of(session: Session, claim_id: int) -> tuple[str, tuple[str, ...]] | None:
    """(status, contradicting evidence) when the claim is in conflict.

    See :func:`verify.workflow.rules.is_conflict`.
    """
    claim = get_claim(session, claim_id)
    if not is_conflict(claim.status, evidence_counts(session, claim_id)):
        return None
    return claim.status, contradicting(session, claim_id)


def call_notes_only(session: Session, claim: Claim) -> tuple[str, ...]:
    """The call notes a verdict of support rests on, when it rests on nothing else (see the rules)."""
    support = _in_force(session, claim.id, "supports")  # type: ignore[arg-type]
    if not rests_on_call_notes(claim.status, [e.kind for e, _ in support]):
        return ()
    return tuple(f"evidence {e.id} ({_where(e, s)})" for e, s in support)


def check_version(session: Session, claim: Claim, if_version: int | None) -> None:
    """Refuse a write based on a stale read, naming who changed the claim and when."""
    if if_version is None or if_version == claim.version:
        return
    last = last_event(session, claim.id)
    who = f" by {last.actor} at {last.at}" if last else ""
    raise RefusedChange(
        f"claim {claim.id} changed since version {if_version} (now version {claim.version}, last changed{who}); "
        "reload it with 'verify claim show' and try again"
    )


def _touch(claim: Claim, actor: str, now: str) -> None:
    claim.version += 1
    claim.updated_at = now
    claim.updated_by = actor


def check_text(text: str, what: str = "the note") -> str:
    """Refuse a NUL character at input: PostgreSQL cannot store one, and SQLite would cut the text at it elsewhere."""
    if "\x00" in text:
        raise VerifyError(f"{what} contains a NUL character (at position {text.index(chr(0)) + 1}); remove it")
    return text


def _add_note(session: Session, claim: Claim, text: str, actor: str, now: str, public: bool = False) -> Note:
    check_text(text)
    if not text.strip():
        raise VerifyError("the note is empty")
    note = Note(claim_id=claim.id, author=actor, created_at=now, text=text.strip(), public=public)  # type: ignore[arg-type]
    session.add(note)
    session.flush()
    record(session, actor, "note", article_id=claim.article_id, claim_id=claim.id, new=note.text, at=now)
    return note


def mark(
    db: Database,
    claim_id: int,
    status: str,
    *,
    actor: str,
    note: str | None = None,
    if_version: int | None = None,
    accept_flags: str | None = None,
) -> Change:
    """Set a claim's status if the rules allow it; a note given here is also kept as a note.

    A verdict of support over flagged evidence needs ``accept_flags`` (the
    reason): it is recorded on each such evidence (``flags_accepted_by/at/
    reason``) with a ``flags_accepted`` event. A verdict of support that leaves
    contradicting evidence in force is saved, and the result names that
    evidence (``conflict``) so the caller can warn.
    """
    new = check_status_name(status)
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        check_version(session, claim, if_version)
        old = claim.status
        if new == old:
            raise RefusedChange(f"claim {claim_id} is already {new}")
        counts = evidence_counts(session, claim_id)
        flagged = flagged_support(session, claim_id) if new in VERDICTS_ON_SUPPORT else []
        check_status_change(claim_id, new, counts, note, flagged=flagged, accept_flags=accept_flags)
        now = clock.now()
        accepted = _accept_flags(session, claim, flagged, accept_flags, actor, now) if flagged else ()
        note_id = _add_note(session, claim, note, actor, now).id if note and note.strip() else None
        claim.status, claim.changed = new, False
        _touch(claim, actor, now)
        record(
            session,
            actor,
            "status",
            article_id=claim.article_id,
            claim_id=claim.id,
            old=old,
            new=new,
            note=note,
            at=now,
        )
        lapse_signoffs(session, claim, actor=actor, reason=f"status changed from {old} to {new}", at=now)
        conflict = contradicting(session, claim_id) if is_conflict(new, counts) else ()
        return Change(
            claim_id, "status", old, new, claim.version, note_id, accepted, conflict, call_notes_only(session, claim)
        )


def _accept_flags(
    session: Session, claim: Claim, flagged: list[FlaggedEvidence], reason: str | None, actor: str, now: str
) -> tuple[int, ...]:
    """Record who relied on flagged evidence, when and why: on the evidence and in the audit log."""
    assert reason and reason.strip()
    for item in flagged:
        evidence = find_evidence(session, item.evidence_id)
        assert evidence is not None
        evidence.flags_accepted_by, evidence.flags_accepted_at = actor, now
        evidence.flags_accepted_reason = reason.strip()
        record(
            session,
            actor,
            "flags_accepted",
            article_id=claim.article_id,
            claim_id=claim.id,
            source_id=evidence.source_id,
            evidence_id=evidence.id,
            new=", ".join(dict.fromkeys(flag_kind(f) for f in item.flags)),
            note=reason.strip(),
            at=now,
        )
    return tuple(item.evidence_id for item in flagged)


def restore_status(db: Database, claim_id: int, status: str, *, actor: str, reason: str, if_version: int) -> Change:
    """Put back the status a claim had before an action of the same reviewer, which is being undone.

    Not a verdict: the evidence rules are not asked again (the claim is
    returned to a state it was in, with the same evidence), but the claim must
    not have changed since that action (``if_version``), and the change is an
    audited status event like any other.
    """
    new = check_status_name(status)
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        check_version(session, claim, if_version)
        old = claim.status
        if new == old:
            return Change(claim_id, "status", old, new, claim.version)
        now = clock.now()
        claim.status = new
        _touch(claim, actor, now)
        record(
            session,
            actor,
            "status",
            article_id=claim.article_id,
            claim_id=claim.id,
            old=old,
            new=new,
            note=reason,
            at=now,
        )
        lapse_signoffs(session, claim, actor=actor, reason=f"status changed from {old} to {new}", at=now)
        return Change(claim_id, "status", old, new, claim.version)


def add_note(db: Database, claim_id: int, text: str, *, actor: str, public: bool = False) -> Change:
    """Notes never conflict: they are appended, whatever the claim's version.

    A ``public`` note is an explanation for readers (the public appendix prints it); the default is internal."""
    with db.write() as session:
        claim = get_claim(session, claim_id)
        note = _add_note(session, claim, text, actor, clock.now(), public)
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
