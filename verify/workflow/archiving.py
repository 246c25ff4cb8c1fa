"""Adding sources to the archive: register, download or copy, extract, store, index.

A source's files land in ``sources/<slug>/`` (``original.<ext>``,
``text.txt``, ``source.json``) and its rows (source + passages) are written
in one transaction. The files are staged as the hidden
``sources/.pending-<slug>`` inside that transaction and renamed into place
after the commit; if the transaction fails the staged folder is removed, and
if the process dies, :mod:`verify.ingest.recovery` (run first by every add)
rolls it forward or back to match the database. So a failed or killed add
leaves neither visible files nor rows behind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from verify import clock
from verify.claims.series import read_title
from verify.db.engine import Database
from verify.db.models import Passage, Source
from verify.db.queries.sources import current_source, current_source_at, passage_count, passages_of, require_source
from verify.errors import VerifyError
from verify.ingest.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Download, download, sniff_media_type
from verify.ingest.recovery import lock_sources, recover_locked
from verify.ingest.storage import (
    json_bytes,
    publish_staged,
    remove_tree_quietly,
    sha256_bytes,
    slugify_key,
    stage_source_files,
)
from verify.ingest.symbols import DEFAULT_SYMBOL_URL, is_symbol, looks_like_url, parse_symbol, symbol_url
from verify.workflow.audit import record

if TYPE_CHECKING:
    from verify.workflow.semantic import Embedded

EXTENSIONS = {"application/pdf": "pdf", "text/html": "html", "text/plain": "txt", "text/markdown": "md"}
SUFFIX_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}
UN_PUBLISHERS = {
    "S": "United Nations Security Council",
    "A": "United Nations General Assembly",
    "E": "United Nations Economic and Social Council",
}


@dataclass
class SourceResult:
    key: str
    version: int
    outcome: str  # registered | added | retrieved | unchanged | new_version
    title: str | None = None
    passages: int = 0
    path: str | None = None
    sha256: str | None = None
    media_type: str | None = None
    size: int | None = None
    reanchored: int = 0  # evidence moved to the new version
    orphaned: int = 0  # evidence that could not be found in the new version
    reworded: list[int] = field(default_factory=list)  # evidence ids re-anchored with different wording
    edited: list[str] = field(default_factory=list)  # metadata fields corrected by re-adding the same bytes
    source_json: dict[str, Any] | None = None  # to rewrite after the commit when metadata was corrected
    kind: str | None = None
    internal: bool = False
    embedded: int = 0  # passages given a vector by the configured model (the semantic stage)


@dataclass(frozen=True)
class SourceMeta:
    """What the user said about a source on the command line (all optional)."""

    key: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    series: str | None = None
    kind: str | None = None  # SOURCE_KINDS
    internal: bool | None = None  # None: internal for an interview, public otherwise
    person: str | None = None  # an interview: who, in what capacity, how
    role: str | None = None
    method: str | None = None
    summary: str | None = None  # a call registered without a transcript: what was said


def check_kind_meta(meta: SourceMeta, *, registering: bool = False) -> dict[str, Any]:
    """The kind, internal flag and interview fields the user gave, checked; only those given.

    Who, role, method and summary describe an interview, so they need
    ``--kind interview``; a summary describes a call registered without a
    transcript, so only ``source register`` takes it.
    """
    from verify.db.vocabulary import check_method, check_source_kind
    from verify.workflow.sources import check_value

    values: dict[str, Any] = {}
    if meta.kind is not None:
        values["kind"] = check_source_kind(meta.kind)
    interview = {"person": meta.person, "role": meta.role, "method": meta.method, "summary": meta.summary}
    given = [name for name, value in interview.items() if value is not None]
    if given and values.get("kind") != "interview":
        raise VerifyError(f"--{given[0]} describes an interview; add --kind interview")
    if meta.summary is not None and not registering:
        raise VerifyError("--summary is for a call registered without a transcript ('verify source register')")
    for name in ("person", "role"):
        if interview[name] is not None:
            values[name] = check_value(name, interview[name])  # type: ignore[arg-type]
    if meta.method is not None:
        values["method"] = check_method(meta.method)
    if meta.summary is not None:
        values["summary"] = check_value("summary", meta.summary)
    if meta.internal is not None:
        values["internal"] = meta.internal
    elif values.get("kind") == "interview":
        values["internal"] = True  # a reporter's notes are the newsroom's own unless said otherwise
    return values


def symbol_template() -> str:
    return os.environ.get("VERIFY_SYMBOL_URL") or DEFAULT_SYMBOL_URL


def check_date(value: str | None) -> str | None:
    """Dates are ISO: YYYY, YYYY-MM or YYYY-MM-DD."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise VerifyError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    from datetime import date

    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise VerifyError(f"date {value!r} does not exist") from None
    return text


def check_meta_url(url: str | None) -> str | None:
    """A --url given by hand is stored and cited, so it must be a real web address."""
    if url is None or not url.strip():
        return None
    from verify.ingest.fetch import check_url

    check_url(url.strip())  # http/https only, no credentials
    return url.strip()


def check_key(key: str) -> str:
    """Keys are free text, but printable, single-line and of sane length."""
    text = key.strip()
    if not text:
        raise VerifyError("the source key is empty")
    if len(text) > 200:
        raise VerifyError("the source key is longer than 200 characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise VerifyError("the source key contains control characters")
    return text


def register_source(db: Database, key: str, meta: SourceMeta, *, actor: str) -> SourceResult:
    """Record a cited document that has not been retrieved yet (url may be unknown)."""
    key = check_key(key)
    kinds = check_kind_meta(meta, registering=True)
    symbol = parse_symbol(key) if is_symbol(key) and kinds.get("kind") != "interview" else None
    with db.write() as session:
        if current_source(session, key) is not None:
            raise VerifyError(f"source {key!r} is already registered; see 'verify source show {key}'")
        now = clock.now()
        source = Source(
            key=key,
            title=meta.title,
            publisher=meta.publisher or _default_publisher(symbol),
            published=check_date(meta.published),
            symbol=symbol,
            series=meta.series or _title_series(meta.title),
            url=check_meta_url(meta.url),
            created_at=now,
            created_by=actor,
            **kinds,
        )
        session.add(source)
        session.flush()
        record(session, actor, "source_register", source_id=source.id, new=key, note=_kind_note(source) or None, at=now)
        _refresh_attributions(session)
        return SourceResult(key, 1, "registered", title=meta.title, kind=source.kind, internal=bool(source.internal))


def _kind_note(source: Source) -> str:
    """``interview, internal`` — what the audit event says a source is, when it says anything."""
    return ", ".join(p for p in (source.kind, "internal" if source.internal else None) if p)


def _title_series(title: str | None) -> str | None:
    """The series a report's title names ("Fourteenth report of the … Monitoring Team"): ranking groups by it."""
    place = read_title(title)
    return place.series if place else None


def _default_publisher(symbol: str | None) -> str | None:
    if symbol is None:
        return None
    return UN_PUBLISHERS.get(symbol.split("/", 1)[0], "United Nations")


def _refresh_attributions(session: Session) -> None:
    from verify.workflow.article_import import refresh_attributions

    session.flush()
    refresh_attributions(session)


@dataclass(frozen=True)
class Retrieved:
    content: bytes
    media_type: str
    url: str | None
    download: Download | None
    file_name: str | None
    symbol: str | None


def _media_type_for_file(path: Path, data: bytes) -> str:
    sniffed = sniff_media_type(data)
    by_suffix = SUFFIX_TYPES.get(path.suffix.lower())
    if sniffed in ("application/pdf",):
        return sniffed
    if by_suffix:
        return by_suffix
    if sniffed:
        return sniffed
    raise VerifyError(f"{path.name}: unsupported file type; use PDF, HTML, .txt or .md")


def _media_type_for_stdin(data: bytes) -> str:
    """A piped-in document has no name: PDF or HTML by its first bytes, else text if it decodes as text."""
    from verify.ingest.reading import decode_with_bom

    sniffed = sniff_media_type(data)
    if sniffed in ("application/pdf", "text/html"):
        return sniffed
    if sniffed is None:
        try:
            text = decode_with_bom(data, "standard input")
            text = data.decode("utf-8") if text is None else text
        except (UnicodeDecodeError, VerifyError):
            text = None
        if text is not None and "\x00" not in text:
            return "text/html" if text.lstrip()[:64].lower().startswith(("<!doctype html", "<html")) else "text/plain"
    raise VerifyError("standard input is not a PDF, HTML or UTF-8 text document")


# A name ending like a document file is a path the user mistyped, never a UN symbol.
FILE_SUFFIX_RE = re.compile(r"\.(pdf|html?|txt|md|markdown|xhtml)$", re.IGNORECASE)


def retrieve(
    target: str, *, max_bytes: int, progress: Callable[[int, int | None], None] | None, timeout: float = DEFAULT_TIMEOUT
) -> Retrieved:
    """Bytes for a URL, a local file or a UN symbol, before anything is stored."""
    from verify.ingest.reading import is_stdin, read_input

    path = Path(target)
    if is_stdin(target):  # always standard input, never a file named "-"
        data = read_input(target, cap=max_bytes, what="a source document")
        if not data:
            raise VerifyError("standard input is empty")
        return Retrieved(data, _media_type_for_stdin(data), None, None, None, None)
    if not looks_like_url(target) and path.exists():
        if path.is_dir():
            raise VerifyError(f"{target} is a directory; give a file, a URL or a UN document symbol")
        data = read_input(path, cap=max_bytes, what="a file, a URL or a UN document symbol")
        if not data:
            raise VerifyError(f"{target} is empty")
        return Retrieved(data, _media_type_for_file(path, data), None, None, path.name, None)
    if looks_like_url(target):
        fetched = download(target, max_bytes=max_bytes, progress=progress, total_timeout=timeout)
        return Retrieved(fetched.content, fetched.media_type, target, fetched, None, None)
    if is_symbol(target):
        symbol = parse_symbol(target)
        url = symbol_url(symbol, symbol_template())
        fetched = download(url, max_bytes=max_bytes, progress=progress, total_timeout=timeout)
        return Retrieved(fetched.content, fetched.media_type, url, fetched, None, symbol)
    if FILE_SUFFIX_RE.search(target) or target.startswith((".", "~")) or "\\" in target:
        raise VerifyError(f"no such file: {target}; check the path (relative to {Path.cwd()})")
    if "/" in target and re.match(r"^[A-Za-z]+/", target):
        parse_symbol(target)  # raises with the precise reason
    raise VerifyError(f"{target!r} is not a URL, an existing file, or a UN document symbol (e.g. S/2023/370)")


def _derived_key(
    meta: SourceMeta, symbol: str | None, title: str | None, file_name: str | None, url: str | None
) -> str:
    if symbol:
        return symbol
    base = (
        title or (Path(file_name).stem if file_name else None) or (url.rstrip("/").rsplit("/", 1)[-1] if url else None)
    )
    if not base:
        raise VerifyError("cannot derive a key for this source; give one with --key")
    return slugify_key(base)


def _source_json(source: Source, passages: int) -> dict[str, Any]:
    return {
        "key": source.key,
        "version": source.version,
        "title": source.title,
        "publisher": source.publisher,
        "date": source.published,
        "symbol": source.symbol,
        "series": source.series,
        "url": source.url,
        "final_url": source.final_url,
        "http_status": source.http_status,
        "etag": source.etag,
        "last_modified": source.last_modified,
        "retrieved_at": source.retrieved_at,
        "sha256": source.sha256,
        "size": source.size,
        "media_type": source.media_type,
        "extractor": source.extractor,
        "extractor_version": source.extractor_version,
        "passages": passages,
        "kind": source.kind,
        "internal": bool(source.internal),
        "person": source.person,
        "role": source.role,
        "method": source.method,
    }


def add_source(
    db: Database,
    sources_dir: Path,
    target: str,
    meta: SourceMeta,
    *,
    actor: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_page: Callable[[int, int], None] | None = None,
) -> SourceResult:
    """Retrieve ``target`` (URL, file or UN symbol) and archive it as a source.

    ``timeout`` bounds the whole download in seconds; nothing is written
    before the bytes are in hand, so a download that runs out of time leaves
    neither files nor rows behind.
    """
    from verify.ingest.extract import extract_document

    check_meta_url(meta.url)
    check_date(meta.published)
    check_kind_meta(meta)
    if target == "-" and meta.key is None:
        raise VerifyError("a source read from standard input has no name to derive a key from; give --key")
    retrieved = retrieve(target, max_bytes=max_bytes, progress=progress, timeout=timeout)
    digest = sha256_bytes(retrieved.content)
    document = extract_document(retrieved.content, retrieved.media_type, on_page)
    from verify.workflow.semantic import embed_document

    with db.read() as session:  # the same bytes again add no passage: nothing to embed
        archived = current_source_at(session, sha256=digest) is not None
    embedded = None if archived else embed_document([p.text for p in document.passages])  # before the transaction
    # A symbol comes from the request (a symbol typed, or given as --key) or the document's masthead.
    symbol = (
        retrieved.symbol or (parse_symbol(meta.key) if meta.key and is_symbol(meta.key) else None) or document.symbol
    )
    title = meta.title or document.title
    key = (
        check_key(meta.key)
        if meta.key is not None
        else _derived_key(meta, symbol, title, retrieved.file_name, retrieved.url)
    )
    now = clock.now()
    staged: Path | None = None
    try:
        with db.write() as session:
            lock_sources(session)
            recover_locked(session, sources_dir)  # what a killed add left behind
            result, staged = _archive(
                session, sources_dir, key, meta, retrieved, document, digest, symbol, title, now, actor, embedded
            )
    except BaseException:
        if staged is not None:  # the files were staged but the transaction did not commit
            remove_tree_quietly(staged)
        raise
    if staged is not None:
        publish_staged(sources_dir, result.path)  # type: ignore[arg-type]
    if result.source_json is not None and result.path:
        from verify.workflow.sources import rewrite_source_json

        rewrite_source_json(sources_dir, result.path, result.source_json)
    return result


def _edit_metadata(session: Session, source: Source, meta: SourceMeta, actor: str, now: str) -> list[str]:
    """Re-adding the same bytes with --title, --date, ... corrects those fields (audited)."""
    from verify.workflow.sources import apply_changes

    values: dict[str, str | None] = {
        name: value
        for name, value in (
            ("title", meta.title),
            ("date", check_date(meta.published)),
            ("publisher", meta.publisher),
            ("series", meta.series),
            ("url", check_meta_url(meta.url)),
        )
        if value
    }
    values.update(check_kind_meta(meta))
    return [change.field for change in apply_changes(session, source, values, actor=actor, now=now)]


def _archive(
    session: Session,
    sources_dir: Path,
    key: str,
    meta: SourceMeta,
    retrieved: Retrieved,
    document: Any,
    digest: str,
    symbol: str | None,
    title: str | None,
    now: str,
    actor: str,
    embedded: Embedded | None = None,
) -> tuple[SourceResult, Path | None]:
    """Rows and files for one retrieved document, inside the caller's transaction."""
    existing = current_source(session, key)
    if existing is None and retrieved.url:
        existing = current_source_at(session, url=retrieved.url)
        key = existing.key if existing else key
    if existing is not None and existing.sha256 == digest:
        count = passage_count(session, existing.id)
        edited = _edit_metadata(session, existing, meta, actor, now)
        result = SourceResult(
            existing.key,
            existing.version,
            "edited" if edited else "unchanged",
            existing.title,
            count,
            existing.path,
            digest,
            existing.media_type,
            existing.size,
        )
        result.edited = edited
        if edited and existing.path:
            result.source_json = _source_json(existing, count)
        return result, None
    duplicate = current_source_at(session, sha256=digest)
    if duplicate is not None and meta.key is not None and duplicate.key != key:
        raise VerifyError(
            f"these bytes are already archived as source {duplicate.key} (version {duplicate.version}); "
            f"--key {key} was not used; cite {duplicate.key}"
        )
    if duplicate is not None:  # the same bytes under another key: nothing to add
        count = passage_count(session, duplicate.id)
        return SourceResult(
            duplicate.key,
            duplicate.version,
            "unchanged",
            duplicate.title,
            count,
            duplicate.path,
            digest,
            duplicate.media_type,
            duplicate.size,
        ), None
    fill_registered = existing is not None and existing.sha256 is None
    if fill_registered:
        source = existing
        outcome = "retrieved"
    else:
        version = existing.version + 1 if existing else 1
        if existing is not None:
            existing.is_current = False
        source = Source(key=key, version=version, created_at=now, created_by=actor)
        outcome = "new_version" if existing else "added"
    assert source is not None
    previous = existing if outcome == "new_version" else None
    # What the user typed (now, or when registering) wins over what the first page says; a new
    # version of a document keeps its title (citations must not change because a heading moved).
    source.title = meta.title or source.title or (previous.title if previous else None) or title
    source.publisher = (
        meta.publisher or source.publisher or (previous.publisher if previous else None) or _default_publisher(symbol)
    )
    source.published = (
        check_date(meta.published) or source.published or document.date or (previous.published if previous else None)
    )
    source.symbol = symbol or source.symbol or (previous.symbol if previous else None)
    source.series = (
        meta.series or source.series or (previous.series if previous else None) or _title_series(source.title)
    )
    _set_kind(source, previous, check_kind_meta(meta))
    source.url = check_meta_url(meta.url) or retrieved.url or source.url or (previous.url if previous else None)
    fetched = retrieved.download
    source.final_url = fetched.final_url if fetched else None
    source.http_status = fetched.status if fetched else None
    source.etag = fetched.etag if fetched else None
    source.last_modified = fetched.last_modified if fetched else None
    source.retrieved_at, source.sha256, source.size = now, digest, len(retrieved.content)
    source.media_type, source.text = retrieved.media_type, document.text
    source.extractor, source.extractor_version = document.extractor, document.extractor_version
    slug = slugify_key(key) + (f"-v{source.version}" if source.version > 1 else "")
    source.path = slug
    session.add(source)
    session.flush()
    for seq, passage in enumerate(document.passages):
        session.add(
            Passage(
                source_id=source.id,  # type: ignore[arg-type]
                seq=seq,
                locator=passage.locator,
                kind=passage.kind,
                paragraph=passage.paragraph,
                page=passage.page,
                start=passage.start,
                end=passage.end,
                text=passage.text,
                footnote_to=passage.footnote_to,
                note_refs=[{"note": note, "offset": at} for note, at in passage.note_refs] or None,
            )
        )
    from verify.match.index import index_source, unindex_source

    session.flush()
    if previous is not None:
        unindex_source(session.connection(), previous.id)  # type: ignore[arg-type]
    index_source(session.connection(), source.id)  # type: ignore[arg-type]
    from verify.workflow.semantic import store_document_vectors

    embedded_count = store_document_vectors(session, source.id, embedded)  # type: ignore[arg-type]
    moved = orphaned = 0
    reworded: list[int] = []
    if previous is not None:
        from verify.workflow.reanchor import reanchor

        session.flush()
        stored = passages_of(session, source.id)
        outcome_of = reanchor(session, previous, source, stored, actor=actor, now=now)
        moved, orphaned = len(outcome_of.moved), len(outcome_of.orphaned)
        reworded = list(outcome_of.reworded)
    record(
        session,
        actor,
        "source_add",
        source_id=source.id,
        old=previous.sha256 if previous else None,
        new=digest,
        note=f"{outcome}: {key} version {source.version} from {retrieved.url or retrieved.file_name}",
        at=now,
    )
    _refresh_attributions(session)
    extension = EXTENSIONS.get(retrieved.media_type, "bin")
    files = {
        f"original.{extension}": retrieved.content,
        "text.txt": document.text.encode("utf-8"),
        "source.json": json_bytes(_source_json(source, len(document.passages))),
    }
    staged = stage_source_files(sources_dir, slug, files)
    result = SourceResult(
        key, source.version, outcome, source.title, len(document.passages), slug, digest, source.media_type, source.size
    )
    result.reanchored, result.orphaned = moved, orphaned
    result.reworded = list(reworded)
    result.kind, result.internal = source.kind, bool(source.internal)
    result.embedded = embedded_count
    return result, staged


def _set_kind(source: Source, previous: Source | None, given: dict[str, Any]) -> None:
    """What the user said now wins; else what was registered, else what the previous version was."""
    for name in ("kind", "internal", "person", "role", "method"):
        if name in given:
            setattr(source, name, given[name])
        elif previous is not None and source is not previous:
            setattr(source, name, getattr(previous, name))
    if source.internal is None:
        source.internal = False


def fetch_registered(
    db: Database,
    sources_dir: Path,
    key: str,
    *,
    actor: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_page: Callable[[int, int], None] | None = None,
) -> SourceResult:
    """Retrieve a source that was registered (or re-fetch a known one) from its URL or symbol."""
    with db.read() as session:
        source = require_source(session, key)
        target = source.url or (source.symbol and symbol_url(source.symbol, symbol_template()))
    if not target:
        raise VerifyError(
            f"source {key!r} has no URL or UN symbol to fetch it from; add the file with 'verify source add PATH "
            f"--key {key}'"
        )
    return add_source(
        db,
        sources_dir,
        target,
        SourceMeta(key=key),
        actor=actor,
        max_bytes=max_bytes,
        progress=progress,
        timeout=timeout,
        on_page=on_page,
    )
