"""Reading the archive's catalogue back: sources with their passages, in the documented JSON shape.

``verify source list`` and ``verify source show`` print these, and a
fact-checker runs them between every other command, so they are plain SQL
through a :class:`~verify.db.reader.Reader`: the command does not load the
ORM on a SQLite file or a ``postgresql+psycopg://`` URL, and library callers
holding a session pass it instead (:func:`~verify.db.reader.as_reader`) to
run the very same statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verify.db.queries.sources import current_source_row, not_found, passage_counts, passage_rows, source_rows
from verify.db.reader import Reader, as_reader, json_value

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class CataloguePassage:
    """One citable passage of a source, as ``source show --passages`` lists it."""

    passage_id: int
    locator: str
    paragraph: int | None
    page: int | None
    kind: str
    text: str
    footnote_to: int | None
    note_refs: tuple[Any, ...]

    def to_json(self) -> dict[str, Any]:
        """The documented passage object (docs/json.md)."""
        return {
            "id": self.passage_id,
            "locator": self.locator,
            "paragraph": self.paragraph,
            "page": self.page,
            "kind": self.kind,
            "text": self.text,
            "footnote_to": self.footnote_to,
            "note_refs": list(self.note_refs),
        }


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One version of a source in the catalogue: its metadata, archive state and passage count.

    Typed so the CLI reads attributes a type checker can follow; :meth:`to_json`
    gives the documented source object (docs/json.md). ``passages`` holds the
    passages themselves only when they were asked for (``source show --passages``),
    and the JSON then lists them under ``passages`` in place of the count.
    """

    key: str
    version: int
    current: bool
    title: str | None
    publisher: str | None
    date: str | None
    symbol: str | None
    series: str | None
    url: str | None
    final_url: str | None
    retrieved: bool
    retrieved_at: str | None
    sha256: str | None
    size: int | None
    media_type: str | None
    path: str | None
    extractor: str | None
    extractor_version: str | None
    http_status: int | None
    etag: str | None
    last_modified: str | None
    passage_count: int
    passages: tuple[CataloguePassage, ...] | None = None
    kind: str | None = None  # document, report, dataset, web, interview; None when never stated
    internal: bool = False  # the newsroom's own: never named in public outputs
    person: str | None = None  # an interview's who, role and method
    role: str | None = None
    method: str | None = None
    summary: str | None = None  # a call registered without a transcript

    @property
    def unrecorded_call(self) -> bool:
        """An interview registered without notes or a transcript: evidence from it is a note, not a quote."""
        return self.kind == "interview" and not self.retrieved

    def to_json(self) -> dict[str, Any]:
        """The documented source object: a source is known by its ``key`` (docs/json.md)."""
        return {
            "key": self.key,
            "version": self.version,
            "current": self.current,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "symbol": self.symbol,
            "series": self.series,
            "url": self.url,
            "final_url": self.final_url,
            "retrieved": self.retrieved,
            "retrieved_at": self.retrieved_at,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "path": self.path,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "http_status": self.http_status,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "passages": self.passage_count if self.passages is None else [p.to_json() for p in self.passages],
            "kind": self.kind,
            "internal": self.internal,
            "person": self.person,
            "role": self.role,
            "method": self.method,
            "summary": self.summary,
        }


def source_entry(values: Any, passage_count: int, passages: tuple[CataloguePassage, ...] | None = None) -> SourceEntry:
    """One :data:`~verify.db.queries.sources.SOURCE_SQL` row as a :class:`SourceEntry`."""
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
        kind,
        internal,
        person,
        role,
        method,
        summary,
    ) = values
    return SourceEntry(
        key=key,
        version=version,
        current=bool(is_current),
        title=title,
        publisher=publisher,
        date=published,
        symbol=symbol,
        series=series,
        url=url,
        final_url=final_url,
        retrieved=retrieved_at is not None,
        retrieved_at=retrieved_at,
        sha256=sha256,
        size=size,
        media_type=media_type,
        path=path,
        extractor=extractor,
        extractor_version=extractor_version,
        http_status=http_status,
        etag=etag,
        last_modified=last_modified,
        passage_count=passage_count,
        passages=passages,
        kind=kind,
        internal=bool(internal),
        person=person,
        role=role,
        method=method,
        summary=summary,
    )


def list_sources(source: Reader | Session, include_old: bool = False) -> list[SourceEntry]:
    """Sources ordered by key and version; only the current version of each unless ``include_old``."""
    reader = as_reader(source)
    counts = passage_counts(reader)
    return [source_entry(row, counts.get(row[0], 0)) for row in source_rows(reader, include_old)]


def show_source(source: Reader | Session, key: str, with_passages: bool) -> SourceEntry:
    """The current version of the source ``key`` (and its passages in document order)."""
    reader = as_reader(source)
    row = current_source_row(reader, key)
    if row is None:
        raise not_found(key, reader)
    if not with_passages:
        return source_entry(row, passage_counts(reader, row[0]).get(row[0], 0))
    passages = tuple(
        CataloguePassage(passage_id, locator, paragraph, page, kind, text, footnote_to, tuple(json_value(refs) or []))
        for passage_id, locator, paragraph, page, kind, text, footnote_to, refs in passage_rows(reader, row[0])
    )
    return source_entry(row, len(passages), passages)
