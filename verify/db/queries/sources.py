"""Queries about sources and their passages: the one place that asks for them.

"The current version of the source with this key" is asked by the read
commands (plain SQL) and by every write that cites a source (an ORM row to
change); both forms live here so the rule (``is_current``) is written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from verify.db.reader import Reader, as_reader, in_list
from verify.errors import NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from verify.db.models import Passage, Source

SOURCE_SQL = (
    "SELECT s.id, s.key, s.version, s.is_current, s.title, s.publisher, s.published, s.symbol, s.series, s.url,"
    " s.final_url, s.retrieved_at, s.sha256, s.size, s.media_type, s.path, s.extractor, s.extractor_version,"
    " s.http_status, s.etag, s.last_modified, s.kind, s.internal, s.person, s.role, s.method, s.summary"
    " FROM source s"
)
PASSAGE_SQL = (
    "SELECT id, locator, paragraph, page, kind, text, footnote_to, note_refs FROM passage"
    " WHERE source_id = :source ORDER BY seq"
)


def not_found(key: str, source: Reader | Session | None = None) -> NotFound:
    """The refusal for an unknown key; given the database, it names a key that differs only in case, or is close."""
    near = near_key(as_reader(source), key) if source is not None else None
    hint = f"did you mean {near!r}?" if near else "see 'verify source list'"
    return NotFound(f"no source with key {key!r}; {hint}")


def near_key(reader: Reader, key: str) -> str | None:
    """The current source key the user probably meant: the same but for case, spaces or punctuation, else close.

    Keys are free text (``S/2023/370``, ``zawahiri-2013``), typed from memory;
    a key that differs only in case is the usual slip, and a near miss the next.
    """
    import difflib
    import re

    keys = [k for (k,) in reader.rows("SELECT key FROM source WHERE is_current")]

    def folded(text: str) -> str:
        return re.sub(r"[\W_]+", "", text.casefold())

    same = [k for k in keys if folded(k) == folded(key)]
    if same:
        return same[0]
    close = difflib.get_close_matches(key.casefold(), [k.casefold() for k in keys], n=1, cutoff=0.8)
    return next((k for k in keys if k.casefold() == close[0]), None) if close else None


# Plain SQL (fast read path, or a session through as_reader).


def current_source_id(source: Reader | Session, key: str) -> int | None:
    """The id of the current version of the source ``key``, or None."""
    found = as_reader(source).rows("SELECT id FROM source WHERE key = :k AND is_current", {"k": key})
    return int(found[0][0]) if found else None


def current_source_places(source: Reader | Session, keys: Iterable[str] | None = None) -> list[Any]:
    """(key, title, series, published, symbol) of the current sources (all, or those of ``keys``).

    Where each stands in its report series.
    """
    sql = "SELECT key, title, series, published, symbol FROM source WHERE is_current"
    if keys is None:
        return as_reader(source).rows(sql)
    params: dict[str, object] = {}
    wanted = sorted(set(keys))
    if not wanted:
        return []
    return as_reader(source).rows(f"{sql} AND key IN ({in_list('k', wanted, params)})", params)


SOURCE_FIELDS = ("key", "title", "publisher", "published", "symbol", "series", "retrieved_at")


def current_source_rows(source: Reader | Session) -> list[Any]:
    """:data:`SOURCE_FIELDS` of every current source, for matching attributions."""
    return as_reader(source).rows(f"SELECT {', '.join(SOURCE_FIELDS)} FROM source WHERE is_current")


def require_source_id(source: Reader | Session, key: str) -> int:
    found = current_source_id(source, key)
    if found is None:
        raise not_found(key, source)
    return found


def source_rows(reader: Reader, include_old: bool = False) -> list[Any]:
    """:data:`SOURCE_SQL` rows ordered by key and version; only current versions unless ``include_old``."""
    where = "" if include_old else " WHERE s.is_current"
    return reader.rows(SOURCE_SQL + where + " ORDER BY s.key, s.version")


def current_source_row(reader: Reader, key: str) -> Any | None:
    """The :data:`SOURCE_SQL` row of the current version of ``key``, or None."""
    found = reader.rows(SOURCE_SQL + " WHERE s.key = :key AND s.is_current", {"key": key})
    return found[0] if found else None


def retrieved_source_keys(source: Reader | Session) -> list[str]:
    """Keys of the current sources that have text (the ones evidence can come from)."""
    rows = as_reader(source).rows("SELECT key FROM source WHERE is_current AND text IS NOT NULL ORDER BY key")
    return [key for (key,) in rows]


def source_summary_rows(reader: Reader) -> list[Any]:
    """(id, key, title, publisher, published, url, retrieved_at, version, kind, internal) of current sources by key."""
    return reader.rows(
        "SELECT id, key, title, publisher, published, url, retrieved_at, version, kind, internal FROM source"
        " WHERE is_current ORDER BY key"
    )


def passages_by_id(reader: Reader, columns: str, ids: list[int], *, current_only: bool = False) -> list[Any]:
    """``columns`` (over ``p`` passage and ``s`` source) of the passages ``ids``, of current sources if asked."""
    if not ids:
        return []
    params: dict[str, object] = {}
    marks = in_list("p", ids, params)
    sql = f"SELECT {columns} FROM passage p JOIN source s ON s.id = p.source_id WHERE p.id IN ({marks})"
    return reader.rows(sql + (" AND s.is_current" if current_only else ""), params)


def passage_rows(reader: Reader, source_id: int) -> list[Any]:
    """:data:`PASSAGE_SQL` rows of one source in document order."""
    return reader.rows(PASSAGE_SQL, {"source": source_id})


def passage_counts(reader: Reader, source_id: int | None = None) -> dict[int, int]:
    """Passages per source id (of one source when ``source_id`` is given)."""
    if source_id is None:
        return dict(reader.rows("SELECT source_id, count(*) FROM passage GROUP BY source_id"))
    return dict(
        reader.rows(
            "SELECT source_id, count(*) FROM passage WHERE source_id = :source GROUP BY source_id",
            {"source": source_id},
        )
    )


# ORM rows (write paths).


def current_source(session: Session, key: str) -> Source | None:
    from sqlmodel import select

    from verify.db.models import Source

    return session.exec(select(Source).where(Source.key == key, Source.is_current == True)).first()  # noqa: E712


def require_source(session: Session, key: str) -> Source:
    source = current_source(session, key)
    if source is None:
        raise not_found(key, session)
    return source


def current_source_at(session: Session, *, url: str | None = None, sha256: str | None = None) -> Source | None:
    """The current source archived from ``url`` or holding the bytes ``sha256``."""
    from sqlmodel import col, select

    from verify.db.models import Source

    where = Source.url == url if url is not None else Source.sha256 == sha256
    return session.exec(select(Source).where(where, col(Source.is_current).is_(True))).first()


def versions(session: Session, key: str | None = None, *, current_only: bool = False) -> list[Source]:
    """Every version of the source ``key`` (of every source when None), by key and version."""
    from sqlmodel import col, select

    from verify.db.models import Source

    query = select(Source)
    if key is not None:
        query = query.where(Source.key == key)
    if current_only:
        query = query.where(Source.is_current == True)  # noqa: E712
    return list(session.exec(query.order_by(col(Source.key), col(Source.version))))


def passages_of(session: Session, source_id: int | None) -> list[Passage]:
    """The passages of one source in document order."""
    from sqlmodel import col, select

    from verify.db.models import Passage

    return list(session.exec(select(Passage).where(Passage.source_id == source_id).order_by(col(Passage.seq))))


def passage_count(session: Session, source_id: int | None) -> int:
    from sqlmodel import select

    from verify.db.models import Passage

    return len(session.exec(select(Passage.id).where(Passage.source_id == source_id)).all())


def retrieved_sources(session: Session) -> list[Source]:
    """The current sources that have text."""
    from sqlmodel import select

    from verify.db.models import Source

    return list(session.exec(select(Source).where(Source.is_current == True, Source.text != None)))  # noqa: E711,E712


def sources_by_id(session: Session, ids: set[int | None]) -> list[Source]:
    from sqlmodel import col, select

    from verify.db.models import Source

    return list(session.exec(select(Source).where(col(Source.id).in_(ids))))


def current_sources(session: Session) -> list[Source]:
    from sqlmodel import select

    from verify.db.models import Source

    return list(session.exec(select(Source).where(Source.is_current == True)))  # noqa: E712


def archived_at(session: Session, path: str) -> bool:
    """Whether a source row points at the folder ``sources/<path>`` (its files were committed)."""
    from sqlmodel import select

    from verify.db.models import Source

    return session.exec(select(Source.id).where(Source.path == path)).first() is not None


def current_source_values(session: Session, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """``fields`` of every current source by id, as plain values (no ORM objects to outlive the session)."""
    from sqlmodel import select

    from verify.db.models import Source

    table = Source.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(*(table.c[name] for name in fields)).where(table.c.is_current == True).order_by(table.c.id)  # noqa: E712
    )
    return [dict(row._mapping) for row in rows]


def embedding_counts_by_source(reader: Reader) -> dict[int, dict[str, int]]:
    """Stored passage vectors of current sources: source id -> {model id: count} (see verify.match.embeddings)."""
    rows = reader.rows(
        "SELECT e.source_id, e.model, count(*) FROM source s JOIN passage_embedding e ON e.source_id = s.id "
        "WHERE s.is_current = :t GROUP BY e.source_id, e.model",
        {"t": True},
    )
    counts: dict[int, dict[str, int]] = {}
    for source_id, model, count in rows:
        counts.setdefault(int(source_id), {})[str(model)] = int(count)
    return counts
