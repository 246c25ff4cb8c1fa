"""Metadata of a source read from the document, and corrected with ``verify source edit``.

PDFs are generated here with reportlab (no third-party document): one whose
only title is in its document info, one whose masthead comes after a short
preamble that cites another document by symbol. The appendix of the shipped
article's reports database shows a corrected title and date.
"""

from __future__ import annotations

import io
import json

from reportlab.pdfgen.canvas import Canvas

from tests.golden.update import template

BODY = [
    (72, "1. Member States reported around 400 fighters in the country during the period."),
    (72, "2. The Team notes the reports of the Member States and will report again."),
    (72, "3. The Team will report further in its next report to the Committee."),
]


def pdf(lines: list[tuple[float, str]], title: str | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    if title:
        canvas.setTitle(title)
    y = 780.0
    for x, text in lines:
        canvas.setFont("Helvetica", 11)
        canvas.drawString(x, y, text)
        y -= 18
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def show(run, key: str) -> dict:
    result = run("source", "show", key, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_pdf_title_from_the_document_info(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf(BODY, title="Report of the Monitoring Team on an invented subject"))
    assert run("source", "add", str(path), "--key", "info").exit_code == 0
    assert show(run, "info")["title"] == "Report of the Monitoring Team on an invented subject"


def test_pdf_document_info_named_after_a_word_file_is_no_title(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "word.pdf"
    path.write_bytes(pdf(BODY, title="Microsoft Word - 2309427E.docx"))
    assert run("source", "add", str(path), "--key", "word").exit_code == 0
    assert show(run, "word")["title"] is None


def test_masthead_after_a_preamble_and_a_symbol_cited_in_it(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "advance.pdf"
    path.write_bytes(
        pdf(
            [
                (72, "Advance unedited version"),
                (72, "Issued at the request of the Chair, see S/2022/419."),
                (72, "United Nations"),
                (400, "S/2023/370"),
                (72, "Security Council"),
                (400, "Distr.: General"),
                (400, "1 June 2023"),
                (72, ""),
                (72, "Fourteenth report of the Monitoring Team"),
                (72, ""),
                *BODY,
            ]
        )
    )
    result = run("source", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("added source S/2023/370:")  # the masthead's, not S/2022/419 of the preamble
    detail = show(run, "S/2023/370")
    assert (detail["symbol"], detail["date"], detail["title"]) == (
        "S/2023/370",
        "2023-06-01",
        "Fourteenth report of the Monitoring Team",
    )


def test_a_symbol_given_as_key_is_the_symbol(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "plain.txt"
    path.write_text("A note\n\nIt cites S/2022/419 in its text.\n", encoding="utf-8")
    assert run("source", "add", str(path), "--key", "S/2023/999").exit_code == 0
    detail = show(run, "S/2023/999")
    assert (detail["symbol"], detail["publisher"]) == ("S/2023/999", "United Nations Security Council")


def test_the_appendix_cites_the_corrected_metadata(run, workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    workspace.restore(root / "claims.db", root / "sources")
    before = run("report", "appendix", "--format", "md").stdout
    assert (
        "United Nations Security Council, *Fourteenth report of the Analytical Support and Sanctions "
        "Monitoring Team*, S/TEST/2023/14, 1 June 2023, para. 14."
    ) in before
    result = run(
        "source",
        "edit",
        "S/TEST/2023/14",
        "--title",
        "Fourteenth report of the Monitoring Team",
        "--date",
        "2023-06-02",
    )
    assert result.exit_code == 0, result.stderr
    after = run("report", "appendix", "--format", "md").stdout
    assert (
        "United Nations Security Council, *Fourteenth report of the Monitoring Team*, S/TEST/2023/14, "
        "2 June 2023, para. 14."
    ) in after
    assert "Analytical Support" not in after
