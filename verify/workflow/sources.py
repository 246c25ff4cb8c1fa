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
from typing import Any

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
    "kind": "kind",
    "internal": "internal",
    "person": "person",
    "role": "role",
    "method": "method",
    "summary": "summary",
}
SUMMARY_LIMIT = 20_000  # a call's summary is a paragraph or a page, not a transcript


@dataclass(frozen=True)
class Change:
    field: str  # as the user names it: title, date, publisher, series, symbol, url, kind, internal, ...
    old: str | None
    new: str | None


def _audit_value(value: object) -> str | None:
    """A field's value as the audit log and the CLI show it (internal: ``internal`` or ``public``)."""
    if isinstance(value, bool):
        return "internal" if value else "public"
    return None if value is None else str(value)


def check_value(name: str, value: str) -> str | None:
    """The stored form of a corrected value; an empty string clears the field."""
    from verify.ingest.symbols import parse_symbol
    from verify.workflow.archiving import check_date, check_meta_url

    if name == "summary":
        if "\x00" in value:
            raise VerifyError("the summary contains a NUL character; remove it")
        if len(value.strip()) > SUMMARY_LIMIT:
            raise VerifyError(f"the summary is longer than {SUMMARY_LIMIT:,} characters; add the notes as a file")
        return value.strip() or None
    text = " ".join(value.split())
    if not text:
        return None
    if name == "kind":
        from verify.db.vocabulary import check_source_kind

        return check_source_kind(text)
    if name == "method":
        from verify.db.vocabulary import check_method

        return check_method(text)
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
        if old == new or (name == "internal" and bool(old) == bool(new)):
            continue
        setattr(source, column, new)
        old_shown, new_shown = _audit_value(old), _audit_value(new)
        if name == "internal":
            old_shown = _audit_value(bool(old))
        changes.append(Change(name, old_shown, new_shown))
        record(
            session,
            actor,
            "source_edit",
            source_id=source.id,
            old=old_shown,
            new=new_shown,
            note=f"{source.key}: {name}",
            at=now,
        )
    if changes:
        from verify.workflow.article_import import refresh_attributions

        session.add(source)
        session.flush()
        refresh_attributions(session)
    return changes


def edit_source(db: Database, sources_dir: Path, key: str, values: dict[str, Any], *, actor: str) -> list[Change]:
    """Correct the metadata of the current version of source ``key``; returns what changed.

    ``internal`` is a bool (``--internal``/``--public``); the interview fields
    (person, role, method, summary) need the source to be an interview.
    """
    from verify.db.queries.sources import require_source

    if not values:
        raise VerifyError(
            "nothing to change; give --title, --date, --publisher, --series, --symbol, --url, --kind, --person, "
            "--role, --method, --summary, --internal or --public"
        )
    checked = {name: value if name == "internal" else check_value(name, value) for name, value in values.items()}
    with db.write() as session:
        source = require_source(session, key)
        interview_fields = [name for name in ("person", "role", "method", "summary") if checked.get(name)]
        if interview_fields and checked.get("kind", source.kind) != "interview":
            raise VerifyError(f"--{interview_fields[0]} describes an interview; source {key!r} is not one (--kind)")
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
