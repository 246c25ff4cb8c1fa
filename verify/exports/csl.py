"""The sources as CSL-JSON, the citation format Zotero, Pandoc and most reference managers import.

UN documents become ``report`` items with the organ as a literal author, the
symbol as ``number`` and the series as ``collection-title``; other sources take
the CSL type of their kind (:data:`CSL_TYPES`), so a style prints a data set as
a data set and a web page with its URL. A public interview is an ``interview``
whose author is the person interviewed (CSL's convention), titled as the
appendix cites it when it has no title of its own. The archive's sha256 and the
verify key go in ``note`` so a cited copy can be matched to the archived file.

Checked by rendering with citeproc-py and validated against the item types and
variables of the CSL schema it ships (tests/cli/test_interop.py).

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


# verify's source kinds (verify.db.vocabulary.SOURCE_KINDS) -> CSL item types; a UN symbol makes a report.
CSL_TYPES = {
    "document": "document",
    "report": "report",
    "dataset": "dataset",
    "web": "webpage",
    "interview": "interview",
}
# How an interview was done, as CSL's ``medium`` (styles print it after the title, e.g. "[Telephone interview]").
INTERVIEW_MEDIUM = {
    "phone": "Telephone interview",
    "in person": "In-person interview",
    "email": "Email interview",
    "video": "Video interview",
}


def csl_type(source: Source) -> str:
    if source.symbol:
        return "report"
    return CSL_TYPES.get(source.kind or "document", "document")


def _interview_title(source: Source) -> str:
    """``Interview with Ana Ruiz, ministry spokesperson`` unless the interview has a title of its own."""
    if source.title:
        return source.title
    if not source.person:
        return source.key
    return ", ".join(p for p in (f"Interview with {source.person}", source.role) if p)


def csl_item(source: Source) -> dict[str, Any]:
    kind = csl_type(source)
    interview = kind == "interview"
    item: dict[str, Any] = {
        "id": source.key if source.version == 1 else f"{source.key} v{source.version}",
        "type": kind,
        "title": _interview_title(source) if interview else source.title or source.key,
    }
    publisher = source.person if interview else publisher_of(source)
    if publisher:
        item["author"] = [{"literal": publisher}]
        if not interview:
            item["publisher"] = "United Nations" if source.symbol else publisher
    if interview and source.method in INTERVIEW_MEDIUM:
        item["medium"] = INTERVIEW_MEDIUM[source.method]
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
