"""Editor sign-off: a second person confirms a claim's verdict before publication.

A sign-off is worth something only if it is independent and current, so:

* the person who set the current status cannot sign it off (four eyes);
* it records the status it approved, and it *lapses* — kept, marked and
  logged — as soon as the status or the evidence changes afterwards. The
  workflow services that change either call :func:`lapse_signoffs` inside
  their own transaction.

Readers use :func:`verify.workflow.signoff_state.current_signoffs`, which
also ignores a sign-off whose status no longer matches the claim's (belt and
braces for any code path that changes a status without calling the hook,
such as an article re-import).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from verify import clock
from verify.db.engine import Database
from verify.db.models import Claim, Signoff
from verify.db.queries.events import last_status_actor
from verify.db.queries.signoffs import unlapsed
from verify.errors import RefusedChange
from verify.workflow.audit import record
from verify.workflow.signoff_state import active_signoff

# Statuses that are verdicts an editor can sign off.
VERDICTS = ("verified", "partly_verified", "disputed", "unsupported", "opinion")


@dataclass(frozen=True)
class SignedOff:
    signoff_id: int
    claim_id: int
    status: str
    verdict_by: str | None


def verdict_setter(session: Session, claim_id: int) -> str | None:
    """Who set the claim's current status: the actor of its last status event."""
    return last_status_actor(session, claim_id)


def sign_off(db: Database, claim_id: int, *, actor: str, note: str | None = None) -> SignedOff:
    """Record ``actor``'s sign-off of the claim's current verdict (refused for the verdict's author)."""
    from verify.db.queries.claims import get_claim

    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        if claim.status not in VERDICTS:
            raise RefusedChange(
                f"claim {claim_id} is {claim.status}, not a verdict; sign off one of: {', '.join(VERDICTS)}"
            )
        setter = verdict_setter(session, claim_id)
        if setter == actor:
            raise RefusedChange(
                f"claim {claim_id}: {actor} set the status '{claim.status}'; a sign-off must come from someone else: "
                f"the second reviewer runs 'verify --as NAME claim signoff {claim_id}' (or sets VERIFY_USER)"
            )
        existing = active_signoff(session, claim_id)
        if existing is not None:
            raise RefusedChange(f"claim {claim_id} is already signed off by {existing['by']} at {existing['at']}")
        now = clock.now()
        text = note.strip() if note and note.strip() else None
        signoff = Signoff(claim_id=claim_id, status=claim.status, signed_by=actor, signed_at=now, note=text)
        session.add(signoff)
        session.flush()
        record(
            session,
            actor,
            "signoff",
            article_id=claim.article_id,
            claim_id=claim_id,
            new=claim.status,
            note=text,
            at=now,
        )
        return SignedOff(signoff.id, claim_id, claim.status, setter)  # type: ignore[arg-type]


def lapse_signoffs(session: Session, claim: Claim, *, actor: str, reason: str, at: str) -> int:
    """Mark the claim's active sign-offs lapsed (inside the caller's transaction); returns how many."""
    active = unlapsed(session, claim.id)
    for signoff in active:
        signoff.lapsed_at, signoff.lapse_reason = at, reason
        record(
            session,
            actor,
            "signoff_lapse",
            article_id=claim.article_id,
            claim_id=claim.id,
            old=f"{signoff.status} signed off by {signoff.signed_by}",
            new="lapsed",
            note=reason,
            at=at,
        )
    return len(active)
