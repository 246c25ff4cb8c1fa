"""PDF bytes to positioned lines, with clear errors for PDFs we cannot read.

pypdfium2 is the production extractor: measured on 100-page generated UN
reports it is the fastest of the three installed libraries, and it gives
every character its box, origin, size and weight, which ``reading_order``
turns into lines in reading order (see ``benchmarks/pdf_extractors.md`` and
``benchmarks/extraction.md``).  The previous rectangle reader and adapters
for pypdf and pdfplumber stay here so the benchmarks run every reader
through the same ``layout`` code.
"""

from __future__ import annotations

import ctypes
import io
import logging
from collections.abc import Callable
from importlib.metadata import version

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from verify.errors import VerifyError
from verify.ingest.layout import Line
from verify.ingest.reading_order import page_lines

Pages = list[list[Line]]


def check_pdf_bytes(data: bytes) -> None:
    """Refuse what is plainly not a whole PDF before handing it to a parser."""
    if b"%PDF-" not in data[:1024]:
        raise VerifyError("corrupt PDF: the file does not start with a PDF header")
    if b"%%EOF" not in data[-2048:]:
        raise VerifyError("corrupt PDF: the file is truncated (no end-of-file marker)")


PageProgress = Callable[[int, int], None]  # (pages read, pages in all)


def pdfium_pages(data: bytes, on_page: PageProgress | None = None) -> Pages:
    """Lines of every page in reading order, each character once (see ``reading_order``).

    ``on_page`` hears of every page read, so a long report can show progress.
    """
    return _pdfium_read(data, page_lines, on_page)


def pdfium_rect_pages(data: bytes) -> Pages:
    """The previous reader, rectangle by rectangle: kept only as the benchmark's baseline.

    ``get_text_bounded`` returns every glyph touching a rectangle, so a letter on
    the edge of two rectangles came out twice, and lines were grouped across
    the whole page width, mixing columns.
    """
    return _pdfium_read(data, _pdfium_lines)


def _pdfium_read(
    data: bytes, lines: Callable[[pdfium.PdfTextPage, float], list[Line]], on_page: PageProgress | None = None
) -> Pages:
    """Open the PDF with clear one-line errors, and read each page's lines."""
    check_pdf_bytes(data)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise VerifyError("encrypted PDF: the file is password-protected; add an unprotected copy") from exc
        raise VerifyError(f"corrupt PDF: {exc}") from exc
    pages: Pages = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            height = page.get_height()
            text = page.get_textpage()
            pages.append(lines(text, height))
            text.close()
            page.close()
            if on_page is not None:
                on_page(index + 1, len(doc))
    except pdfium.PdfiumError as exc:
        raise VerifyError(f"corrupt PDF: page {len(pages) + 1} cannot be read ({exc})") from exc
    finally:
        doc.close()
    require_text(pages)
    return pages


def _pdfium_lines(text: pdfium.PdfTextPage, height: float) -> list[Line]:
    """Group pdfium text runs into visual lines (superscripts join their line)."""
    runs: list[tuple[float, float, float, float, str, float]] = []
    for i in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(i)
        chunk = text.get_text_bounded(left, bottom, right, top)
        chunk = chunk.replace("\r", "").replace("\n", " ").replace("\x02", "-")
        chunk = chunk.replace("\ufffe", "-")
        if not chunk.strip():
            continue
        index = text.get_index(left + 0.5, (bottom + top) / 2, 2, 2)
        size, base = top - bottom, bottom
        if index is not None:
            size = pdfium_c.FPDFText_GetFontSize(text, index) or size
            x, y = ctypes.c_double(), ctypes.c_double()
            if pdfium_c.FPDFText_GetCharOrigin(text, index, x, y):
                base = y.value  # the baseline: glyph boxes vary with descenders
        runs.append((left, right, height - base - size, height - base, chunk, size))
    return group_runs(runs)


def group_runs(runs: list[tuple[float, float, float, float, str, float]]) -> list[Line]:
    """Merge runs (x0, x1, top, bottom, text, size) that share a line, left to right."""
    runs.sort(key=lambda r: (r[2] + r[3]) / 2)
    groups: list[list[tuple[float, float, float, float, str, float]]] = []
    for run in runs:
        if groups:
            top = min(r[2] for r in groups[-1])
            bottom = max(r[3] for r in groups[-1])
            overlap = min(bottom, run[3]) - max(top, run[2])
            if overlap >= 0.5 * min(run[3] - run[2], bottom - top):
                groups[-1].append(run)
                continue
        groups.append([run])
    lines: list[Line] = []
    for group in groups:
        group.sort(key=lambda r: r[0])
        text = group[0][4]
        for prev, run in zip(group, group[1:], strict=False):
            gap = run[0] - prev[1]
            if gap >= 15:
                text = text.rstrip() + "   " + run[4].lstrip()
            elif gap >= 2 and not text.endswith(" ") and not run[4].startswith(" "):
                text += " " + run[4]
            else:
                text += run[4]
        lines.append(
            Line(
                text.strip(),
                group[0][0],
                max(r[1] for r in group),
                min(r[2] for r in group),
                max(r[3] for r in group),
                max(r[5] for r in group),
            )
        )
    return lines


def require_text(pages: Pages) -> None:
    """A PDF whose pages carry no text is a scan; say so instead of storing nothing."""
    if not any(line.text.strip() for page in pages for line in page):
        raise VerifyError(
            f"no text layer (scanned PDF?): none of the {len(pages)} page(s) has "
            "extractable text; run OCR and add the result"
        )


def pypdf_pages(data: bytes) -> Pages:
    """Lines from pypdf's text visitor (widths estimated; for the benchmark)."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    pages: Pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        runs: list[tuple[float, float, float, float, str, float]] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            runs: list[tuple[float, float, float, float, str, float]] = runs,
            height: float = height,
        ) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scaled = size * (abs(tm[3] * cm[3]) or 1.0)
            for k, part in enumerate(text.split("\n")):
                if part.strip():
                    base = height - y + k * scaled * 1.2
                    runs.append((x, x + len(part) * scaled * 0.45, base - scaled * 0.7, base, part, scaled))

        page.extract_text(visitor_text=visit)
        pages.append(group_runs(runs))
    require_text(pages)
    return pages


def pdfplumber_pages(data: bytes) -> Pages:
    """Lines from pdfplumber's line grouping (for the benchmark)."""
    import pdfplumber

    pages: Pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            lines = []
            for ln in page.extract_text_lines(return_chars=True):
                size = max((c["size"] for c in ln["chars"]), default=0.0)
                lines.append(Line(ln["text"], ln["x0"], ln["x1"], ln["top"], ln["bottom"], size))
            pages.append(lines)
    require_text(pages)
    return pages


EXTRACTORS: dict[str, Callable[[bytes], Pages]] = {
    "pypdfium2": pdfium_pages,
    "pypdfium2-rects": pdfium_rect_pages,
    "pypdf": pypdf_pages,
    "pdfplumber": pdfplumber_pages,
}


def extractor_version(name: str = "pypdfium2") -> str:
    """Library version recorded with the extracted text, so re-extraction can be detected."""
    if name.startswith("pypdfium2"):
        return f"{version('pypdfium2')} (pdfium {pdfium.PDFIUM_INFO})"
    return version(name)
