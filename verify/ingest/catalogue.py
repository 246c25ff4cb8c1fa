"""Reading the archive's catalogue back: sources with their passages, in the documented JSON shape.

``verify source list`` and ``verify source show`` print these, and a
fact-checker runs them between every other command, so they are plain SQL
through a :class:`~verify.db.reader.Reader`: the command does not load the
ORM on a SQLite file or a ``postgresql+psycopg://`` URL, and library callers
holding a session pass it instead (:func:`~verify.db.reader.as_reader`) to
run the very same statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.queries.sources import current_source_row, not_found, passage_counts, passage_rows, source_rows
from verify.db.reader import Reader, as_reader, json_value

if TYPE_CHECKING:
    from sqlmodel import Session


def source_dict(values: Any, passages: int) -> dict[str, Any]:
    """One :data:`~verify.db.queries.sources.SOURCE_SQL` row as the documented source object (without its id)."""
    (
        _id,
        key,
        version,
        is_current,
        title,
        publisher,
        published,
        symbol,
        series,
        url,
        final_url,
        retrieved_at,
        sha256,
        size,
        media_type,
        path,
        extractor,
        extractor_version,
        http_status,
        etag,
        last_modified,
    ) = values
    return {
        "key": key,
        "version": version,
        "current": bool(is_current),
        "title": title,
        "publisher": publisher,
        "date": published,
        "symbol": symbol,
        "series": series,
        "url": url,
        "final_url": final_url,
        "retrieved": retrieved_at is not None,
        "retrieved_at": retrieved_at,
        "sha256": sha256,
        "size": size,
        "media_type": media_type,
        "path": path,
        "extractor": extractor,
        "extractor_version": extractor_version,
        "http_status": http_status,
        "etag": etag,
        "last_modified": last_modified,
        "passages": passages,
    }


def list_sources(source: Reader | Session, include_old: bool = False) -> list[dict[str, Any]]:
    """Sources ordered by key and version; only the current version of each unless ``include_old``."""
    reader = as_reader(source)
    counts = passage_counts(reader)
    return [source_dict(row, counts.get(row[0], 0)) for row in source_rows(reader, include_old)]


def show_source(source: Reader | Session, key: str, with_passages: bool) -> dict[str, Any]:
    """The current version of the source ``key`` (and its passages in document order)."""
    reader = as_reader(source)
    row = current_source_row(reader, key)
    if row is None:
        raise not_found(key)
    if not with_passages:
        return source_dict(row, passage_counts(reader, row[0]).get(row[0], 0))
    passages = passage_rows(reader, row[0])
    result = source_dict(row, len(passages))
    result["passages"] = [
        {
            "passage_id": passage_id,
            "locator": locator,
            "paragraph": paragraph,
            "page": page,
            "kind": kind,
            "text": text,
            "footnote_to": footnote_to,
            "note_refs": json_value(note_refs) or [],
        }
        for passage_id, locator, paragraph, page, kind, text, footnote_to, note_refs in passages
    ]
    return result
