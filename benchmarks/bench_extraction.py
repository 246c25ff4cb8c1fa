"""PDF extraction quality on every real and generated fixture, against other readers.

Each reader's lines go through the same ``layout`` and ``passages`` code, so
the figures compare what the readers give: ``pypdfium2`` (production:
characters by index, columns, see ``verify/ingest/reading_order.py``),
``pypdfium2-rects`` (the previous rectangle reader), and ``pdfplumber`` /
``pypdf`` when installed (``pip install -e '.[bench]'``).

Per fixture and reader:

* **para. N right**: numbers 1..N of the document's own paragraph numbering
  (hand-checked for the real UN documents, known for the generated ones) that
  come out as exactly one ``para. N`` (or ``annex, para. N``) passage; for a
  generated fixture the passage text must also be exact. Numbered
  sub-headings are not paragraphs: a document with only those expects 0.
* **notes**: ``footnote N`` passages (expected count when known).
* **margin leaks**: job numbers, "GE." numbers, "Page N", barcodes and
  "n/N" page marks left in the document text.
* **doubled**: places where the text repeats a letter or a word ending that
  the PDF's own text (pdfium's plain text of the page) does not have
  ("scheme of f the", "RReeppoorrtt").
* **column mix-ups**: pairs of consecutive prose lines of one column (in the
  PDF's content order, same left edge, next baseline) whose junction is not
  contiguous in the document text (letters only; so a line interleaved from
  another column shows); for generated fixtures, also every expected sentence
  that is not contiguous in one passage.
* **CPU s/page**: process time of extraction plus layout, per page.

Real fixtures come from ``tests/data/real/manifest.json`` through
``tests/realdocs.py``; those not on the machine are listed as skipped.
Run: ``python benchmarks/bench_extraction.py`` (``--markdown`` for the table
in ``benchmarks/extraction.md``).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdfium2 as pdfium  # noqa: E402

from tests import realdocs  # noqa: E402
from tests.unpdf import make_report  # noqa: E402
from tests.unpdf_layouts import columns_report, old_un_report, un_note_with_table  # noqa: E402
from verify.errors import VerifyError  # noqa: E402
from verify.ingest.layout import pages_to_blocks  # noqa: E402
from verify.ingest.passages import Passage, build  # noqa: E402
from verify.ingest.pdf import EXTRACTORS  # noqa: E402

# The document's own numbering, checked by hand: highest paragraph number, notes.
REAL = {
    "un-a-79-772": (50, None),
    "un-a-hrc-59-60": (64, 7),
    "un-a-79-907": (39, None),  # paragraphs of the annex: annex, para. N
    "un-a-56-509": (11, 0),
    "un-a-79-947": (79, None),
    "un-a-79-923": (0, 0),  # numbered sub-headings only
    "pdfplumber-federal-register": (0, None),
    "pdfplumber-duplicate-chars": (0, 0),
    "pdfplumber-malformed-932": (0, 0),
}
_LEAKS = [
    re.compile(p, re.MULTILINE)
    for p in (
        r"\b\d{2}-\d{5}\b",
        r"\bGE\.\d{2}-\d{5}\b",
        r"^Page \d+$",
        r"\*\d{5,}\*",
        r"^\d{1,3}/\d{1,3}$",
    )
]


@dataclass
class Fixture:
    name: str
    pdf: bytes
    paragraphs: int
    notes: int | None
    passages: dict[str, str] | None = None  # exact expectations (generated fixtures)


def fixtures() -> tuple[list[Fixture], list[str]]:
    out = []
    report = make_report()
    numbered = sum(1 for k in report.passages if k.startswith("para. "))
    out.append(Fixture("generated: monitoring team (tests/unpdf.py)", report.pdf, numbered, 5, report.passages))
    old = old_un_report()
    out.append(Fixture("generated: 2009 UN layout", old.pdf, 9, 4, old.passages))
    for n in (2, 3):
        cols = columns_report(n)
        out.append(Fixture(f"generated: {n} columns", cols.pdf, 12, 0, cols.passages))
    note = un_note_with_table()
    out.append(Fixture("generated: UN note, table with notes a, b", note.pdf, 5, 2, note.passages))
    skipped = []
    for key, (paras, notes) in REAL.items():
        try:
            out.append(Fixture(key, realdocs.read_bytes(key), paras, notes))
        except realdocs.Unavailable as missing:
            skipped.append(f"{key}: {missing}")
    return out, skipped


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def raw_lines(pdf: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    """The PDF's own text per page, and consecutive prose-line pairs of one column."""
    doc = pdfium.PdfDocument(pdf)
    pages, pairs = [], []
    for page in doc:
        text = page.get_textpage()
        pages.append(text.get_text_range())
        lines: list[tuple[float, float, float, str]] = []  # x0, baseline, size, text
        chars: list[str] = []
        x0 = base = size = None
        for i in range(text.count_chars()):
            ch = chr(pdfium.raw.FPDFText_GetUnicode(text, i))
            box = text.get_charbox(i)
            if ch in "\r\n":
                continue
            y = box[1]
            if base is None or abs(y - base) > 2:
                if chars and x0 is not None:
                    lines.append((x0, base, size, "".join(chars)))
                chars, x0, base, size = [], box[0], y, box[3] - box[1]
            chars.append(ch)
        if chars and x0 is not None:
            lines.append((x0, base, size, "".join(chars)))
        for a, b in zip(lines, lines[1:], strict=False):
            step = a[1] - b[1]
            if abs(a[0] - b[0]) < 3 and 0 < step < 2.5 * max(a[2], 1) and len(a[3]) > 30 and len(b[3]) > 30:
                pairs.append((a[3], b[3]))
    return pages, pairs


def doubled(text: str, raw: str) -> int:
    """Repeated letters or word endings in ``text`` that the PDF's own text lacks."""
    raw_words = set(re.findall(r"\w+", raw.lower()))
    raw_flat = letters(raw)
    count = 0
    words = re.findall(r"[^\W\d_]+", text.lower())
    for k in range(len(words) - 2):
        w, v = words[k], words[k + 1]
        if len(v) <= 2 and w.endswith(v) and len(w) > len(v) and (w + v + words[k + 2]) not in raw_flat:
            count += 1  # "of f", "21st t"
    for w in set(words):
        if w not in raw_words and re.search(r"(\w)\1", w):
            single = re.sub(r"(\w)\1", r"\1", w)
            if single in raw_words:
                count += 1  # "RReeppoorrtt"
    return count


def measure(
    reader: Callable[[bytes], list], fixture: Fixture, raw: str, pairs: list[tuple[str, str]]
) -> dict[str, object]:
    start = time.process_time()
    pages = reader(fixture.pdf)
    blocks, _ = pages_to_blocks(pages)
    text, passages, _ = build(blocks, paged=True)
    seconds = time.process_time() - start
    para = _para_right(passages, fixture)
    notes = sum(1 for p in passages if p.kind == "footnote")
    leaks = sum(len(p.findall(text)) for p in _LEAKS)
    flat = letters(text)
    tables = [letters(p.text) for p in passages if p.kind == "table"]
    mixups = 0
    for a, b in pairs:
        la, lb = letters(a), letters(b)
        if min(len(la), len(lb)) < 10 or la not in flat or lb not in flat or any(la in t for t in tables):
            continue  # dropped furniture (a table of contents) or cells of a table
        if la[-12:] + lb[:12] not in flat:
            mixups += 1
    if fixture.passages:
        pieces = [letters(p.text) for p in passages]
        for expected in fixture.passages.values():
            for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", expected):
                if len(sentence) > 20 and not any(letters(sentence) in piece for piece in pieces):
                    mixups += 1
    return dict(
        para=para,
        notes=notes,
        leaks=leaks,
        doubled=doubled(text, raw),
        mixups=mixups,
        per_page=seconds / max(len(pages), 1),
        pages=len(pages),
    )


def _para_right(passages: list[Passage], fixture: Fixture) -> float | None:
    if not fixture.paragraphs:
        wrong = sum(1 for p in passages if p.paragraph is not None)
        return None if not wrong else -wrong
    by_locator: dict[str, list[Passage]] = {}
    for p in passages:
        by_locator.setdefault(p.locator, []).append(p)
    right = 0
    for n in range(1, fixture.paragraphs + 1):
        hits = by_locator.get(f"para. {n}") or [
            p for loc, ps in by_locator.items() if loc.startswith("annex") and loc.endswith(f", para. {n}") for p in ps
        ]
        if len(hits) != 1:
            continue
        if fixture.passages is not None and fixture.passages.get(f"para. {n}") != hits[0].text:
            continue
        right += 1
    return right / fixture.paragraphs


def readers() -> dict[str, Callable[[bytes], list]]:
    out = {}
    for name, reader in EXTRACTORS.items():
        try:
            __import__({"pypdfium2": "pypdfium2", "pypdfium2-rects": "pypdfium2"}.get(name, name))
        except ImportError:
            continue
        out[name] = reader
    return out


def main(markdown: bool = False) -> None:
    items, skipped = fixtures()
    names = readers()
    print("| fixture | pages | reader | para. N right | notes | margin leaks | doubled | column mix-ups | CPU s/page |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for fixture in items:
        raw_pages, pairs = raw_lines(fixture.pdf)
        raw = "\n".join(raw_pages)
        for name, reader in names.items():
            try:
                m = measure(reader, fixture, raw, pairs)
            except VerifyError as err:
                print(f"| {fixture.name} | | {name} | refused: {err} | | | | | |")
                continue
            para = m["para"]
            if para is None:
                shown = "none expected, none"
            elif isinstance(para, float):
                shown = f"{para:.1%} of {fixture.paragraphs}"
            else:
                shown = f"none expected, {-para} found"  # type: ignore[operator]
            notes = f"{m['notes']}" + (f" of {fixture.notes}" if fixture.notes is not None else "")
            print(
                f"| {fixture.name} | {m['pages']} | {name} | {shown} | {notes} | {m['leaks']} "
                f"| {m['doubled']} | {m['mixups']} | {m['per_page']:.3f} |"
            )
    for line in skipped:
        print(f"\nskipped: {line}")


if __name__ == "__main__":
    main("--markdown" in sys.argv)
