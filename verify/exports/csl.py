"""The sources as CSL-JSON, the citation format Zotero, Pandoc and most reference managers import.

UN documents become ``report`` items with the organ as a literal author, the
symbol as ``number`` and the series as ``collection-title``; other sources are
``document`` items. The archive's sha256 and the verify key go in ``note``
so a cited copy can be matched to the archived file.

CSL-JSON goes into published bibliographies, so internal sources (interview
notes, calls, the newsroom's own documents) are left out
(:func:`verify.reports.public.is_public_source`).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from verify.db.models import Source
from verify.db.queries.sources import versions
from verify.reports.citation import publisher_of
from verify.reports.public import is_public_source


def date_parts(value: str | None) -> dict[str, Any] | None:
    """``2023-06-01`` -> ``{"date-parts": [[2023, 6, 1]]}``; text that is not a date -> ``{"literal": …}``."""
    if not value:
        return None
    pieces = value[:10].split("-")
    try:
        return {"date-parts": [[int(p) for p in pieces]]}
    except ValueError:
        return {"literal": value}


def csl_item(source: Source) -> dict[str, Any]:
    publisher = publisher_of(source)
    item: dict[str, Any] = {
        "id": source.key if source.version == 1 else f"{source.key} v{source.version}",
        "type": "report" if source.symbol else "document",
        "title": source.title or source.key,
    }
    if publisher:
        item["author"] = [{"literal": publisher}]
        item["publisher"] = "United Nations" if source.symbol else publisher
    if source.symbol:
        item["number"] = source.symbol
    if source.series:
        item["collection-title"] = source.series
    issued, accessed = date_parts(source.published), date_parts(source.retrieved_at)
    if issued:
        item["issued"] = issued
    if source.url or source.final_url:
        item["URL"] = source.url or source.final_url
    if accessed:
        item["accessed"] = accessed
    notes = [f"verify key: {source.key}"] + ([f"sha256: {source.sha256}"] if source.sha256 else [])
    item["note"] = "\n".join(notes)
    return item


def csl_items(session: Session, *, all_versions: bool = False) -> list[dict[str, Any]]:
    """Every current public source (or every version of it), by key then version."""
    return [csl_item(s) for s in versions(session, current_only=not all_versions) if is_public_source(s)]
