"""Queries about the audit trail (events) and claim notes: the one place that asks for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, as_reader, in_list

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Event


# Plain SQL (fast read path, or a session through as_reader).


def note_rows(reader: Reader, claim_id: int) -> list[Any]:
    """(id, author, created_at, text, public) of the claim's notes, oldest first."""
    return reader.rows(
        "SELECT id, author, created_at, text, public FROM note WHERE claim_id = :claim ORDER BY id", {"claim": claim_id}
    )


def public_note_rows(source: Reader | Session, claim_ids: list[int]) -> list[Any]:
    """(claim id, text) of the notes written for readers (``public``), oldest first per claim."""
    if not claim_ids:
        return []
    params: dict[str, Any] = {}
    sql = (
        f"SELECT claim_id, text FROM note WHERE public = :yes AND claim_id IN ({in_list('c', claim_ids, params)})"
        " ORDER BY claim_id, id"
    )
    return as_reader(source).rows(sql, {**params, "yes": True})


def latest_note_rows(source: Reader | Session, claim_ids: list[int] | None = None) -> list[Any]:
    """(claim id, author, created_at, text) of each claim's most recent note."""
    params: dict[str, Any] = {}
    sql = "SELECT claim_id, author, created_at, text FROM note WHERE id IN (SELECT max(id) FROM note GROUP BY claim_id)"
    if claim_ids is not None:
        sql += f" AND claim_id IN ({in_list('c', claim_ids, params)})"
    return as_reader(source).rows(sql, params)


def history_rows(reader: Reader, claim_id: int) -> list[Any]:
    """(actor, at, action, old, new, note) of the claim's events, oldest first."""
    return reader.rows(
        "SELECT actor, at, action, old, new, note FROM event WHERE claim_id = :claim ORDER BY id",
        {"claim": claim_id},
    )


def verdict_setter_counts(reader: Reader) -> list[Any]:
    """(article id, actor, new status, count) over the last status event of each claim."""
    return reader.rows(
        "SELECT article_id, actor, new, count(*) FROM event WHERE id IN"
        " (SELECT max(id) FROM event WHERE action = 'status' AND claim_id IS NOT NULL GROUP BY claim_id)"
        " GROUP BY article_id, actor, new"
    )


# ORM rows (write paths).


def last_event(session: Session, claim_id: int | None) -> Event | None:
    """The claim's most recent event."""
    from sqlmodel import col, select

    from verify.db.models import Event

    return session.exec(select(Event).where(Event.claim_id == claim_id).order_by(col(Event.id).desc())).first()


def last_event_id(session: Session, claim_id: int) -> int:
    """The id of the claim's most recent event (0: none)."""
    from sqlmodel import func, select

    from verify.db.models import Event

    return int(session.exec(select(func.max(Event.id)).where(Event.claim_id == claim_id)).one() or 0)


def later_change_by_other(session: Session, claim_id: int, after: int, actor: str) -> tuple[str, str] | None:
    """(actor, at) of the first event on the claim after event ``after`` by someone other than ``actor``."""
    from sqlmodel import col, select

    from verify.db.models import Event

    found = session.exec(
        select(Event.actor, Event.at)
        .where(Event.claim_id == claim_id, col(Event.id) > after, Event.actor != actor)
        .order_by(col(Event.id))
    ).first()
    return None if found is None else (found[0], found[1])


def last_claim_acted_on(session: Session, actor: str, claim_ids: list[int]) -> int | None:
    """Of these claims, the one ``actor`` changed most recently."""
    from sqlmodel import col, select

    from verify.db.models import Event

    return session.exec(
        select(Event.claim_id)
        .where(Event.actor == actor, col(Event.claim_id).in_(claim_ids))
        .order_by(col(Event.id).desc())
        .limit(1)
    ).first()


def last_status_actor(session: Session, claim_id: int) -> str | None:
    """Who set the claim's current status: the actor of its last status event."""
    from sqlmodel import col, select

    from verify.db.models import Event

    return session.exec(
        select(Event.actor).where(Event.claim_id == claim_id, Event.action == "status").order_by(col(Event.id).desc())
    ).first()


def status_events(session: Session, claim_ids: list[int]) -> list[Event]:
    """The status events of these claims, oldest first."""
    from sqlmodel import col, select

    from verify.db.models import Event

    return list(
        session.exec(
            select(Event).where(Event.action == "status", col(Event.claim_id).in_(claim_ids)).order_by(col(Event.id))
        )
    )


def insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many events at once (a new article's ``create`` events)."""
    from sqlalchemy import insert

    from verify.db.models import Event

    session.execute(insert(Event.__table__), rows)  # type: ignore[attr-defined]
