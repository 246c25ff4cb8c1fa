"""Splitting an article body into paragraphs and sentences.

Sentence boundaries come from pysbd (rule-based, nothing downloaded at run
time), which keeps "U.S.", "Dr.", "No. 12", decimals and full stops inside
quotations within one sentence. Spans are recomputed here by searching each
segment in order, so they always index the stored body text exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Sentence:
    """A sentence of the body with its 1-based position and span in the body text."""

    paragraph: int
    sentence: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Segmented:
    body: str
    paragraph_spans: list[tuple[int, int]]
    sentences: list[Sentence]


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans within one paragraph (whitespace trimmed)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(paragraph):
        stripped = piece.strip()
        if not stripped:
            continue
        start = paragraph.find(stripped, cursor)
        if start < 0:  # pysbd altered the text; fall back to the running cursor
            start = cursor
        end = start + len(stripped)
        spans.append((start, end))
        cursor = end
    return spans


def segment(paragraphs: list[str]) -> Segmented:
    """Join paragraphs into the body text and split each into sentences."""
    spans: list[tuple[int, int]] = []
    sentences: list[Sentence] = []
    offset = 0
    kept = [p.strip() for p in paragraphs if p.strip()]
    for number, paragraph in enumerate(kept, start=1):
        spans.append((offset, offset + len(paragraph)))
        for index, (start, end) in enumerate(split_sentences(paragraph), start=1):
            sentences.append(Sentence(number, index, offset + start, offset + end, paragraph[start:end]))
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return Segmented(PARAGRAPH_SEPARATOR.join(kept), spans, sentences)
