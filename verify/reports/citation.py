"""Citations as readers expect them, UN documents as the UN cites them.

A UN document is cited body, title, symbol, date, paragraph::

    United Nations Security Council, Fourteenth report of the …, S/2023/370, 1 June 2023, para. 68

Anything else: publisher or author, title, date, locator. URL and retrieval
date are kept apart from the citation string so each renderer can make the
URL a (safe) link. The strings are plain text; renderers escape them.
"""

from __future__ import annotations

from typing import Any

from verify.db.models import Source

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The principal organ named by a symbol's first component, for sources registered without a publisher.
UN_BODIES = {
    "S": "United Nations Security Council",
    "A": "United Nations General Assembly",
    "E": "United Nations Economic and Social Council",
    "ST": "United Nations Secretariat",
}


def long_date(value: str | None) -> str | None:
    """``2023-06-01`` -> ``1 June 2023``; ``2013-09`` -> ``September 2013``; other text unchanged."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return value
    if len(numbers) == 3 and 1 <= numbers[1] <= 12:
        return f"{numbers[2]} {MONTHS[numbers[1] - 1]} {numbers[0]}"
    if len(numbers) == 2 and 1 <= numbers[1] <= 12:
        return f"{MONTHS[numbers[1] - 1]} {numbers[0]}"
    return value


def publisher_of(source: Source) -> str | None:
    """The publisher as recorded, or the UN organ the symbol names."""
    if source.publisher:
        return source.publisher
    if source.symbol:
        return UN_BODIES.get(source.symbol.split("/", 1)[0], "United Nations")
    return None


METHOD_PHRASES = {"phone": "by phone", "in person": "in person", "email": "by email", "video": "by video call"}


def interview_citation(source: Source) -> str:
    """``Interview with Ana Ruiz, ministry spokesperson, by phone, 30 November 2026``."""
    who = f"Interview with {source.person}" if source.person else (source.title or f"Interview {source.key}")
    method = METHOD_PHRASES.get(source.method or "", source.method)
    title = source.title if source.person and source.title else None
    return ", ".join(p for p in (who, source.role, title, method, long_date(source.published)) if p)


def source_citation(source: Source, locator: str | None = None) -> str:
    """The citation of a source (and a place in it), without URL or retrieval date."""
    return "".join(citation_parts(source, locator))


def citation_parts(source: Source, locator: str | None = None) -> tuple[str, str, str]:
    """The citation cut around the title: (text before, title, text after).

    Renderers italicise the middle part (``*title*``, ``<cite>``), as citation
    styles set the title of a report or book; joined, the parts are
    :func:`source_citation`."""
    title = source.title or source.key
    if source.kind == "interview":
        return ("", "", ", ".join(p for p in (interview_citation(source), locator) if p))
    before = ", ".join(p for p in [publisher_of(source)] if p)
    rest = (
        [source.symbol, long_date(source.published), locator]
        if source.symbol
        else [long_date(source.published), locator]
    )
    after = ", ".join(p for p in rest if p)
    return (f"{before}, " if before else "", title, f", {after}" if after else "")


def source_entry(source: Source) -> dict[str, Any]:
    """A bibliography entry: the citation plus where and when the archived copy came from."""
    return {
        "key": source.key,
        "version": source.version,
        "citation": source_citation(source),
        "citation_parts": citation_parts(source),
        "url": source.url or source.final_url,
        "retrieved": long_date(source.retrieved_at),
        "sha256": source.sha256,
        "media_type": source.media_type,
        "kind": source.kind,
        "internal": bool(source.internal),
        # A call recorded without a transcript: nothing was archived, and nothing is missing.
        "unrecorded_call": source.kind == "interview" and source.sha256 is None,
    }
