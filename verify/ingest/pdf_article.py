"""A PDF proof to an article: one paragraph per printed paragraph, page furniture dropped.

A proof is read exactly as a PDF source is (``pdf.pdfium_pages`` then
``layout.pages_to_blocks``), so the same rules hold: running headers and
footers repeated at the page edges, page numbers and footnotes are not
body text, a paragraph running over a page break stays whole, hyphenation
at line ends is repaired. Headings are kept apart from the claims; the
first heading before any paragraph is the title. A PDF without a text
layer (a scan) is refused by the reader.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from verify.errors import VerifyError
from verify.ingest.layout import Line

EDGE_LINES = 1  # running furniture is the line at the very top or foot of a page
RUNNING_LINE_CHARS = 70  # a running header in body type is short; a full line of body text is not one


@dataclass(frozen=True)
class PdfArticle:
    title: str | None
    paragraphs: list[str]
    headings: list[str]


def read_pdf_article(data: bytes, name: str) -> PdfArticle:
    """The proof's title, body paragraphs and headings in reading order."""
    from verify.ingest import pdf
    from verify.ingest.layout import pages_to_blocks

    try:
        pages = pdf.pdfium_pages(data)
    except VerifyError as problem:
        raise VerifyError(f"{name}: {problem}") from None
    blocks, _margin = pages_to_blocks(drop_running_lines(pages))
    title: str | None = None
    paragraphs: list[str] = []
    headings: list[str] = []
    for block in blocks:
        if block.kind == "footnote":
            continue
        if block.kind in ("heading", "subheading"):
            if title is None and not paragraphs and not headings:
                title = block.text
            else:
                headings.append(block.text)
        elif block.kind == "paragraph" and block.text.strip():
            paragraphs.append(block.text)
    if not paragraphs:
        raise VerifyError(f"{name} has no body paragraphs to check")
    return PdfArticle(title, paragraphs, headings)


def _norm(text: str) -> str:
    """A line's text with its numbers blanked, so "Page 1" and "Page 2" are the same furniture."""
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without the lines repeated at their top or foot (running header, footer, page number).

    The source reader only trusts a line as furniture when it recurs on three
    pages, because a UN report's first paragraphs may start two pages alike;
    a proof is often two pages long and its furniture is the slug line and
    the page number, so here a line at the same edge of at least two pages
    (and of half of them) is furniture.
    """
    if len(pages) < 2:
        return [_without_slug(page) for page in pages]
    edges = [{id(line) for line in _edge_lines(page)} for page in pages]
    counts: Counter[str] = Counter()
    for page, edge in zip(pages, edges, strict=True):
        counts.update({_norm(line.text) for line in page if id(line) in edge})
    running = {text for text, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}
    kept = [
        [line for line in page if not (id(line) in edge and _norm(line.text) in running)]
        for page, edge in zip(pages, edges, strict=True)
    ]
    return [_without_slug(kept[0]), *kept[1:]]


def _edge_lines(page: list[Line]) -> list[Line]:
    """The lines on the page's top and bottom baselines (by position, not reading order)."""
    bottoms = sorted({round(line.bottom) for line in page})
    if len(bottoms) <= 2 * EDGE_LINES:
        return []  # a page this short has no body to tell its furniture from
    low, high = bottoms[EDGE_LINES - 1], bottoms[-EDGE_LINES]
    body = sorted(line.size for line in page)[len(page) // 2]
    return [
        line
        for line in page
        if (round(line.bottom) <= low or round(line.bottom) >= high)
        and (len(line.text) <= RUNNING_LINE_CHARS or line.size < body)
    ]


def _without_slug(page: list[Line]) -> list[Line]:
    """The first page without small-type lines printed above the headline (slug, edition, "proof").

    The headline is the largest type among the first lines; what stands
    above it in type smaller than the body text is a slug, not the article,
    even on a one-page proof where nothing repeats.
    """
    if len(page) < 3:
        return page
    sizes = sorted(line.size for line in page)
    body = sizes[len(sizes) // 2]
    head = page[: min(5, len(page))]
    headline = max(range(len(head)), key=lambda k: head[k].size)
    if head[headline].size <= body:
        return page
    slug = {k for k in range(headline) if head[k].size < body}
    return [line for k, line in enumerate(page) if k not in slug]
