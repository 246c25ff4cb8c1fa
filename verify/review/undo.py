"""What a review session did, so that ``u`` can take the last action back.

The session keeps its actions in memory, newest last. Undoing one goes
through the workflow services like any change, so it is audited, never a
deletion: a link is retracted with the reason :data:`REASON`, a status is put
back with a status event carrying that reason, an assignment is given back.
Notes and retractions are final (notes are append-only; a retracted evidence
stays retracted): ``u`` says so and the next ``u`` goes one action further
back. An action is not undone once someone else has changed the claim since.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.db.engine import Database
from verify.db.queries.claims import get_claim
from verify.db.queries.events import last_event_id, later_change_by_other
from verify.errors import RefusedChange
from verify.workflow import claims as workflow
from verify.workflow.evidence import retract

REASON = "undone in review"
FINAL = ("note", "retract")


@dataclass(frozen=True)
class Done:
    """One action of the session."""

    kind: str  # link, status, assign, note, retract
    claim_id: int
    index: int  # the claim's place in the queue, to go back to it
    what: str  # for messages: "evidence 3 (S/2023/370 para. 14)", "verified"
    last_event: int  # the claim's newest event right after the action
    evidence_id: int | None = None
    old: str | None = None  # the status (status; link: when it also started the work) or assignee before
    started: bool = False  # link: it also moved the claim from unreviewed to in_progress


def last_event(db: Database, claim_id: int) -> int:
    with db.read() as session:
        return last_event_id(session, claim_id)


def check_untouched(db: Database, done: Done, reviewer: str) -> None:
    """Refuse to undo over someone else's later change to the claim."""
    with db.read() as session:
        later = later_change_by_other(session, done.claim_id, done.last_event, reviewer)
    if later is not None:
        actor, at = later
        raise RefusedChange(
            f"claim {done.claim_id} was changed by {actor} at {at[:16].replace('T', ' ')} since you "
            f"{describe(done)}; nothing was undone (change it by hand: 'verify evidence retract', 'verify claim mark')"
        )


def describe(done: Done) -> str:
    return {
        "link": f"linked {done.what}",
        "status": f"marked it {done.what}",
        "assign": f"assigned it to {done.what or 'nobody'}",
        "note": f"added {done.what}",
        "retract": f"retracted {done.what}",
    }[done.kind]


def undo(db: Database, done: Done, reviewer: str) -> str:
    """Take one action back; returns what was done, for the screen."""
    if done.kind in FINAL:
        raise RefusedChange(
            f"cannot undo: you {describe(done)}, and "
            + (
                "notes are never deleted; add a note that corrects it"
                if done.kind == "note"
                else "a retraction is final; link the passage again"
            )
            + " (u again undoes the action before)"
        )
    check_untouched(db, done, reviewer)
    if done.kind == "link":
        assert done.evidence_id is not None
        retract(db, done.evidence_id, REASON, actor=reviewer)
        if done.started:
            _restore(db, done.claim_id, "unreviewed", reviewer)
        return f"evidence {done.evidence_id} retracted ({REASON})" + (
            "; the claim is unreviewed again" if done.started else ""
        )
    if done.kind == "status":
        assert done.old is not None
        _restore(db, done.claim_id, done.old, reviewer)
        return f"claim {done.claim_id} is {done.old} again ({REASON})"
    version = _version(db, done.claim_id)
    change = workflow.assign(db, done.claim_id, done.old, actor=reviewer, if_version=version)
    return f"claim {done.claim_id} assigned to {change.new or 'nobody'} again"


def _version(db: Database, claim_id: int) -> int:
    with db.read() as session:
        return get_claim(session, claim_id).version


def _restore(db: Database, claim_id: int, status: str, reviewer: str) -> None:
    workflow.restore_status(db, claim_id, status, actor=reviewer, reason=REASON, if_version=_version(db, claim_id))
