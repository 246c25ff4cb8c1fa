"""The one tokenizer behind the search index and every query, on every database.

Lower-cased, accents folded, English stopwords dropped, Snowball (Porter 2)
stems via PyStemmer; thousands separators are removed so "2,000" and "2000"
are the same term. Because indexing and querying share this code, SQLite and
PostgreSQL rank identically.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from verify.match.query import STOPWORDS

TOKEN_RE = re.compile(r"\d+(?:[,.]\d{3})*(?:\.\d+)?|[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    stemmer.maxCacheSize = 200_000
    return stemmer


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """Folded words and numbers ("2,000" -> "2000"), stopwords removed, not stemmed."""
    return [
        token.replace(",", "") if token[0].isdigit() else token
        for token in TOKEN_RE.findall(_fold(text))
        if token[0].isdigit() or (len(token) > 1 and token not in STOPWORDS)
    ]


def terms(text: str) -> list[str]:
    """Index terms of ``text``, in order (repeats kept)."""
    tokens = words(text)
    return _stemmer().stemWords(tokens) if tokens else []


def term_counts(text: str) -> tuple[Counter[str], int]:
    """Term frequencies and document length, for indexing one passage."""
    found = terms(text)
    return Counter(found), len(found)
