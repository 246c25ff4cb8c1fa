"""Ranked full-text search over every passage of every current source.

On SQLite the index is an FTS5 table kept in step with ``passage`` by
triggers (see migration 0002), ranked by BM25. Query words are OR-ed so a
passage need not contain every word; passages with more (and rarer) query
words rank first, as in any search engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from verify.errors import NotFound, VerifyError

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
WORD_RE = re.compile(r"\w+", re.UNICODE)
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


def fts_query(query: str) -> str:
    """A safe FTS5 expression: each word quoted, OR-ed (no operator injection)."""
    words = [w for w in WORD_RE.findall(query.lower()) if len(w) > 1 or w.isdigit()]
    if not words:
        raise VerifyError("the search has no words to look for")
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def search(session: Session, query: str, *, source_key: str | None = None, limit: int = 10) -> list[Hit]:
    """Best passages first; scores are positive, higher is better."""
    if limit < 1:
        raise VerifyError("--limit must be at least 1")
    dialect = session.get_bind().dialect.name
    if dialect != "sqlite":
        raise VerifyError(f"search is not available on {dialect} databases yet")
    params: dict[str, Any] = {"q": fts_query(query), "limit": limit}
    where = "s.is_current = 1"
    if source_key is not None:
        if session.execute(text("SELECT 1 FROM source WHERE key = :k"), {"k": source_key}).first() is None:
            raise NotFound(f"no source with key {source_key!r}; see 'verify source list'")
        where += " AND s.key = :key"
        params["key"] = source_key
    rows = session.execute(
        text(
            f"""SELECT p.id, s.key, p.locator, p.paragraph, p.page, -bm25(passage_fts) AS score, p.text,
                       highlight(passage_fts, 0, :open, :close)
                FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid JOIN source s ON s.id = p.source_id
                WHERE passage_fts MATCH :q AND {where}
                ORDER BY bm25(passage_fts) LIMIT :limit"""
        ),
        {**params, "open": MARK_OPEN, "close": MARK_CLOSE},
    ).all()
    return [Hit(r[0], r[1], r[2], r[3], r[4], round(float(r[5]), 4), r[6], r[7]) for r in rows]


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
        "source": hit.source,
        "locator": hit.locator,
        "paragraph": hit.paragraph,
        "page": hit.page,
        "score": hit.score,
        "snippet": snippet(hit.marked),
        "text": hit.text,
    }
