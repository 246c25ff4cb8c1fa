"""PDF extraction on generated UN-style reports: exact passages, no furniture."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from tests.unpdf import JOB, SYMBOL, Report, make_report
from verify.errors import VerifyError
from verify.ingest.extract import Document, extract_document


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def doc(report: Report) -> Document:
    return extract_document(report.pdf, "application/pdf")


def by_locator(doc: Document) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for passage in doc.passages:
        found.setdefault(passage.locator, []).append(passage.text)
    return found


def test_every_expected_passage_is_recovered_exactly(report: Report, doc: Document) -> None:
    found = by_locator(doc)
    for locator, text in report.passages.items():
        assert text in found.get(locator, []), locator
    assert [p.locator for p in doc.passages] == [
        "p. 1, ¶ 1",
        "p. 1, ¶ 2",
        "summary",
        "summary",
        "para. 1",
        "para. 2",
        "para. 3",
        "para. 4",
        "para. 5",
        "para. 6",
        "footnote 1",
        "footnote 2",
        "footnote 3",
        "para. 7",
        "footnote 4",
        "annex I, para. 1",
        "annex I, para. 2",
        "footnote 5",
    ]


def test_passage_text_is_the_span_of_the_document_text(doc: Document) -> None:
    for passage in doc.passages:
        assert doc.text[passage.start : passage.end] == passage.text


def test_numbered_paragraph_verbatim(doc: Document) -> None:
    para3 = next(p for p in doc.passages if p.locator == "para. 3")
    assert para3.paragraph == 3
    assert para3.kind == "paragraph"
    assert para3.page == 2
    assert para3.text == (
        "Member States assess that the relationship between the Taliban and Al-Qaida "
        "remains close and symbiotic. One Member State reported that Al-Qaida has "
        "between 30 and 60 core members in the country, while its wider network of "
        "fighters numbers around 400, with up to 1,600 family members. Several senior "
        "figures were said to reside in Kabul."
    )


def test_paragraph_over_a_page_break_is_one_passage(doc: Document) -> None:
    para6 = [p for p in doc.passages if p.locator == "para. 6"]
    assert len(para6) == 1
    assert para6[0].page == 2
    assert para6[0].text == (
        "ISIL-K is assessed to have between 4,000 and 6,000 fighters and family members "
        "in Afghanistan. Its leader was reported killed in an operation by the de facto "
        "authorities in early 2023, but the group continued its campaign of high-profile "
        "attacks against Taliban officials, religious minorities and foreign interests."
    )
    assert len(doc.page_starts) == 4
    assert doc.text[doc.page_starts[2] :].startswith("religious minorities")
    assert para6[0].start < doc.page_starts[2] < para6[0].end


def test_summary_annex_and_cover_letter(doc: Document) -> None:
    summary = [p for p in doc.passages if p.locator == "summary"]
    assert [p.kind for p in summary] == ["summary", "summary"]
    assert summary[1].text.startswith("ISIL-K remains the most serious terrorist threat")
    annex = next(p for p in doc.passages if p.locator == "annex I, para. 1")
    assert (annex.kind, annex.paragraph, annex.page) == ("annex", 1, 4)
    assert annex.text == (
        "The Team received information that Al-Qaida maintains safe houses in Herat, Helmand and Kabul provinces."
    )
    letter = next(p for p in doc.passages if p.locator == "p. 1, ¶ 2")
    assert letter.paragraph is None and letter.page == 1


def test_footnotes_are_passages_linked_to_their_paragraph(report: Report, doc: Document) -> None:
    notes = {p.locator: p for p in doc.passages if p.kind == "footnote"}
    assert {loc: p.footnote_to for loc, p in notes.items()} == report.footnote_to
    assert notes["footnote 2"].text == ("Information provided by two Member States; see also S/2022/419, para. 42.")
    assert notes["footnote 2"].paragraph is None
    assert notes["footnote 4"].page == 3


def test_hyphenation_is_repaired_both_ways(doc: Document) -> None:
    found = by_locator(doc)
    assert "on the situation in Afghanistan and on" in found["para. 2"][0]
    assert "fighters in Afghanistan. Instead" in found["para. 5"][0]
    assert "capacity on a small-scale, using" in found["para. 4"][0]
    assert "Afghani-" not in doc.text and "Afghani stan" not in doc.text
    assert "smallscale" not in doc.text


def test_no_page_furniture_or_reference_digits_in_text(doc: Document) -> None:
    for leak in (
        SYMBOL,
        JOB,
        "2309427",
        "Advance unedited version",
        "Please recycle",
        "Distr.",
        "Original: English",
        "\x02",
        "\ufffe",
    ):
        assert leak not in doc.text, leak
    assert not re.search(r"(?<![\w/])\d{1,3}/\d{1,3}(?![\w/])", doc.text)
    assert not re.search(r"[A-Za-z.]\d\b", doc.text.replace("S/2022/419", ""))
    assert "around 400" in doc.text and "early 2023" in doc.text


def test_metadata_from_first_page(doc: Document) -> None:
    assert doc.symbol == SYMBOL
    assert doc.date == "2023-06-01"
    assert doc.title is not None and doc.title.startswith("Letter dated 29 May 2023")
    assert doc.extractor == "pypdfium2"
    assert doc.extractor_version


def test_a_hundred_page_report_keeps_every_page_and_passage() -> None:
    """The speed of this extraction is measured in benchmarks/bench_extraction.py, not here."""
    long = make_report(100)
    doc = extract_document(long.pdf, "application/pdf")
    assert len(doc.page_starts) == long.pages
    found = by_locator(doc)
    missing = [loc for loc, text in long.passages.items() if text not in found.get(loc, [])]
    assert missing == []


def test_encrypted_pdf_is_refused(report: Report) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report.pdf)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(VerifyError, match=r"^encrypted PDF: ") as err:
        extract_document(out.getvalue(), "application/pdf")
    assert err.value.exit_code == 2


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_refused(report: Report, cut: float) -> None:
    with pytest.raises(VerifyError, match=r"^corrupt PDF: "):
        extract_document(report.pdf[: int(len(report.pdf) * cut)], "application/pdf")


def test_not_a_pdf_is_refused() -> None:
    with pytest.raises(VerifyError, match=r"^corrupt PDF: "):
        extract_document(b"<html>not a pdf</html>", "application/pdf")


def test_scanned_pdf_without_text_layer_is_refused() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    page = Image.new("L", (200, 280), 255)
    for x in range(20, 180):
        page.putpixel((x, 40), 0)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595, 842), invariant=True)
    canvas.drawImage(ImageReader(page), 0, 0, 595, 842)
    canvas.showPage()
    canvas.save()
    with pytest.raises(VerifyError, match=r"^no text layer \(scanned PDF\?\)"):
        extract_document(buf.getvalue(), "application/pdf")
