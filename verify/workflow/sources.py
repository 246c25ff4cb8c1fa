"""Correcting a source's metadata: title, date, publisher, series, symbol, URL.

Extraction can miss or misread what a document says about itself (a title
block after a cover note, a date only in the PDF's info), and every citation
and attribution ("a June 2023 UN report") is built from these fields. So they
can be corrected, like any other change: each field that changes is one
audit event with the old and new value, the claims' attributions are
resolved again, and the archived ``source.json`` is rewritten (after the
commit, to a temporary name then renamed). The document's bytes, text and
passages are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from verify import clock
from verify.db.engine import Database
from verify.db.models import Source
from verify.db.queries.sources import passage_count
from verify.errors import VerifyError
from verify.workflow.audit import record

# CLI option -> Source column, in the order they are reported.
FIELDS = {
    "title": "title",
    "date": "published",
    "publisher": "publisher",
    "series": "series",
    "symbol": "symbol",
    "url": "url",
}


@dataclass(frozen=True)
class Change:
    field: str  # as the user names it: title, date, publisher, series, symbol, url
    old: str | None
    new: str | None


def check_value(name: str, value: str) -> str | None:
    """The stored form of a corrected value; an empty string clears the field."""
    from verify.ingest.symbols import parse_symbol
    from verify.workflow.archiving import check_date, check_meta_url

    text = " ".join(value.split())
    if not text:
        return None
    if name == "date":
        return check_date(text)
    if name == "url":
        return check_meta_url(text)
    if name == "symbol":
        return parse_symbol(text)
    if len(text) > 500:
        raise VerifyError(f"the {name} is longer than 500 characters")
    return text


def apply_changes(
    session: Session, source: Source, values: dict[str, str | None], *, actor: str, now: str | None = None
) -> list[Change]:
    """Set the given fields (already checked) on ``source``; audit and re-resolve attributions."""
    now = now or clock.now()
    changes: list[Change] = []
    for name, column in FIELDS.items():
        if name not in values:
            continue
        old, new = getattr(source, column), values[name]
        if old == new:
            continue
        setattr(source, column, new)
        changes.append(Change(name, old, new))
        record(
            session, actor, "source_edit", source_id=source.id, old=old, new=new, note=f"{source.key}: {name}", at=now
        )
    if changes:
        from verify.workflow.article_import import refresh_attributions

        session.add(source)
        session.flush()
        refresh_attributions(session)
    return changes


def edit_source(db: Database, sources_dir: Path, key: str, values: dict[str, str], *, actor: str) -> list[Change]:
    """Correct the metadata of the current version of source ``key``; returns what changed."""
    from verify.db.queries.sources import require_source

    if not values:
        raise VerifyError("nothing to change; give --title, --date, --publisher, --series, --symbol or --url")
    checked = {name: check_value(name, value) for name, value in values.items()}
    with db.write() as session:
        source = require_source(session, key)
        changes = apply_changes(session, source, checked, actor=actor)
        path = source.path
        meta = _json(session, source) if changes and path else None
    if meta is not None and path:
        rewrite_source_json(sources_dir, path, meta)
    return changes


def _json(session: Session, source: Source) -> dict[str, object]:
    from verify.workflow.archiving import _source_json

    count = passage_count(session, source.id)
    return _source_json(source, count)


def rewrite_source_json(sources_dir: Path, path: str, meta: dict[str, object]) -> None:
    """Rewrite ``sources/<path>/source.json`` with the corrected metadata (when the folder exists)."""
    from verify.ingest.storage import write_json_atomic

    folder = sources_dir / path
    if folder.is_dir():
        write_json_atomic(folder / "source.json", meta)
