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

from dataclasses import dataclass

from verify.errors import VerifyError


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
    blocks, _margin = pages_to_blocks(pages)
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
