"""Writing the audit log: every change to a claim, source or evidence is an Event."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from verify import clock
from verify.db.models import Event


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    article_id: int | None = None,
    claim_id: int | None = None,
    source_id: int | None = None,
    evidence_id: int | None = None,
    old: Any = None,
    new: Any = None,
    note: str | None = None,
    at: str | None = None,
) -> Event:
    event = Event(
        at=at or clock.now(),
        actor=actor,
        action=action,
        article_id=article_id,
        claim_id=claim_id,
        source_id=source_id,
        evidence_id=evidence_id,
        old=None if old is None else str(old),
        new=None if new is None else str(new),
        note=note,
    )
    session.add(event)
    return event
