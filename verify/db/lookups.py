"""Finding rows by the names users type (a source key), shared by every layer above the database."""

from __future__ import annotations

from sqlmodel import Session, select

from verify.db.models import Source
from verify.errors import NotFound


def current_source(session: Session, key: str) -> Source | None:
    return session.exec(select(Source).where(Source.key == key, Source.is_current == True)).first()  # noqa: E712


def require_source(session: Session, key: str) -> Source:
    source = current_source(session, key)
    if source is None:
        raise NotFound(f"no source with key {key!r}; see 'verify source list'")
    return source
