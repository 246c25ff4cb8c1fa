"""Ranked full-text search over every passage of every current source.

Ranking is BM25 over the search index kept in the database
(:mod:`verify.match.index`); query words are OR-ed, so a passage need not
contain every word, and passages with more (and rarer) query words rank
first. It is the index ``verify evidence suggest`` ranks with, read through a
:class:`~verify.db.reader.Reader` (no ORM at start-up). Matching words are marked in the
snippet by the same tokenizer that built the index, so "fighters" marks "fighter" too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verify.db.queries.sources import passages_by_id, require_source_id
from verify.db.reader import Reader, as_reader
from verify.errors import VerifyError
from verify.match.index import bm25
from verify.match.tokenize import TOKEN_RE, terms

if TYPE_CHECKING:
    from sqlmodel import Session

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Hit:
    passage_id: int
    source: str
    locator: str
    paragraph: int | None
    page: int | None
    score: float
    text: str
    marked: str  # passage text with MARK_OPEN/MARK_CLOSE around matched words


def mark_terms(passage: str, wanted: set[str]) -> str:
    """The passage with every word whose index term is wanted wrapped in marks."""
    out: list[str] = []
    last = 0
    for match in TOKEN_RE.finditer(passage):
        found = terms(match.group(0))
        if found and found[0] in wanted:
            out.append(passage[last : match.start()] + MARK_OPEN + match.group(0) + MARK_CLOSE)
            last = match.end()
    out.append(passage[last:])
    return "".join(out)


def search(session: Reader | Session, query: str, *, source_key: str | None = None, limit: int = 10) -> list[Hit]:
    """Best passages first; scores are positive, higher is better."""
    if limit < 1:
        raise VerifyError("--limit must be at least 1")
    query_terms = terms(query)
    if not query_terms:
        raise VerifyError("the search has no words to look for (only very common words?)")
    reader = as_reader(session)
    source_id = require_source_id(reader, source_key) if source_key is not None else None
    ranked = bm25(reader, query_terms, limit=limit, source_id=source_id)
    if not ranked:
        return []
    columns = "p.id, s.key, p.locator, p.paragraph, p.page, p.text"
    rows = {r[0]: r for r in passages_by_id(reader, columns, [r.passage_id for r in ranked])}
    wanted = set(query_terms)
    return [
        Hit(
            r.passage_id,
            rows[r.passage_id][1],
            rows[r.passage_id][2],
            rows[r.passage_id][3],
            rows[r.passage_id][4],
            round(r.score, 4),
            rows[r.passage_id][5],
            mark_terms(rows[r.passage_id][5], wanted),
        )
        for r in ranked
    ]


def snippet(marked: str, width: int = SNIPPET_CHARS, open_mark: str = "**", close_mark: str = "**") -> str:
    """A window of the passage around its first matched word, marks rendered."""
    first = marked.find(MARK_OPEN)
    start = 0 if first < width // 3 else marked.rfind(" ", 0, first - width // 3) + 1
    window = marked[start:]
    cut = len(window) > width
    if cut:
        end = window.rfind(" ", 0, width)
        window = window[: end if end > 0 else width]
    if window.count(MARK_OPEN) > window.count(MARK_CLOSE):
        window += MARK_CLOSE
    rendered = window.replace(MARK_OPEN, open_mark).replace(MARK_CLOSE, close_mark)
    return ("…" if start else "") + rendered + ("…" if cut else "")


def hit_dict(hit: Hit) -> dict[str, Any]:
    return {
        "passage_id": hit.passage_id,
        "source_key": hit.source,
        "locator": hit.locator,
        "paragraph": hit.paragraph,
        "page": hit.page,
        "score": hit.score,
        "snippet": snippet(hit.marked),
        "text": hit.text,
    }
