"""PDF layouts through ``verify source add`` / ``source show --passages``.

Generated PDFs (``tests/unpdf_layouts.py``): the 2009 UN layout with numbered
sub-headings, a table and a paragraph over page breaks, endnotes, a table of
contents and a fake-bold title; paragraphs in two and three columns. Real
documents (UN reports, the Federal Register in three columns, broken and
locked PDFs from pdfplumber's test files) are read where they are, through
``tests/realdocs.py``, and skipped when the machine does not have them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import realdocs
from tests.unpdf_layouts import (
    MODIFIER_FONT,
    NOTE_SYMBOL,
    NOTE_TITLE,
    OLD_SYMBOL,
    OLD_TITLE,
    Expected,
    columns_report,
    old_un_report,
    un_note_with_table,
)


@pytest.fixture
def initialised(run, workspace):
    assert run("init").exit_code == 0
    return workspace


@pytest.fixture(scope="module")
def old() -> Expected:
    return old_un_report()


def add(run, path: Path, *args: str) -> dict:
    result = run("source", "add", str(path), *args)
    assert result.exit_code == 0, result.stderr
    key = re.search(r"added source (\S+):", result.stdout)
    assert key, result.stdout
    shown = run("source", "show", key.group(1), "--passages", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)


def texts(detail: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for passage in detail["passages"]:
        assert passage["locator"] not in found, f"{passage['locator']} twice"
        found[passage["locator"]] = passage["text"]
    return found


def test_old_un_layout_gives_numbered_paragraphs_table_and_endnotes(run, initialised, old, tmp_path):
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(old.pdf)
    detail = add(run, pdf)
    assert (detail["symbol"], detail["date"], detail["title"]) == (OLD_SYMBOL, "2009-07-15", OLD_TITLE)
    assert [p["locator"] for p in detail["passages"]] == [
        "para. 1",
        "para. 2",
        "para. 3",
        "para. 4",
        "para. 5",
        "para. 6",
        "para. 7",
        "p. 3, table 1",
        "para. 8",
        "para. 9",
        "footnote 1",
        "footnote 2",
        "footnote 3",
        "footnote 4",
    ]
    assert texts(detail) == old.passages
    found = {p["locator"]: p for p in detail["passages"]}
    # the sub-heading "2. The death penalty" is a heading: paragraph 5 is the one on the death penalty
    assert found["para. 5"]["text"].startswith("The Special Rapporteur notes with concern that 5 States")
    assert found["para. 5"]["paragraph"] == 5
    # paragraph 5 runs from page 2 onto page 3; the table from page 3 onto page 4, every row kept
    assert found["para. 5"]["page"] == 2
    assert found["p. 3, table 1"]["text"].splitlines() == [
        "Region | Communications | Replies",
        "Africa | 14 | 6",
        "Asia and the Pacific | 19 | 8",
        "Eastern Europe | 9 | 5",
        "Latin America and the Caribbean | 11 | 4",
        "Western Europe and other States | 11 | 6",
        "Total | 64 | 29",
    ]
    assert found["footnote 3"]["page"] == 5
    links = dict(initialised.query("SELECT locator, footnote_to FROM passage WHERE kind = 'footnote'"))
    assert (
        links
        == old.footnote_to
        == {"footnote 1": "para. 1", "footnote 2": "para. 3", "footnote 3": "para. 5", "footnote 4": "para. 8"}
    )
    rows = initialised.query("SELECT locator, note_refs FROM passage")
    refs = {k: v if isinstance(v, list) else json.loads(v) for k, v in rows if v is not None}
    refs = {k: v for k, v in refs.items() if v}
    para5 = found["para. 5"]["text"]
    assert refs["para. 5"] == [{"note": 3, "offset": para5.index("State secret.") + len("State secret.")}]
    assert set(refs) == {"para. 1", "para. 3", "para. 5", "para. 8"}


def test_old_un_layout_keeps_no_furniture(run, initialised, old, tmp_path):
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(old.pdf)
    add(run, pdf)
    text = (initialised.sources / "a-64-9999" / "text.txt").read_text(encoding="utf-8")
    for leak in (
        "Contents",
        "....",
        "Page 2",
        "Page 3",
        "09-12345",
        "*0912345*",
        "150709",
        "Distr.",
        "Original: English",
        "RReeppoorrtt",
        "secret.3",
        "secret. 3",
    ):
        assert leak not in text, leak
    # sub-headings stay in the text, as headings, not as passages
    assert "\n\n2. The death penalty\n\n" in text


@pytest.mark.parametrize("modifier_letters", [False, True], ids=["raised", "modifier-letters"])
def test_un_note_table_keeps_its_rows_and_lettered_notes_become_footnotes(run, initialised, tmp_path, modifier_letters):
    if modifier_letters and not Path(MODIFIER_FONT).exists():
        pytest.skip(f"no font with modifier letters (ᵃ) on this machine: {MODIFIER_FONT}")
    note = un_note_with_table(modifier_letters)
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(note.pdf)
    detail = add(run, pdf)
    assert (detail["symbol"], detail["date"], detail["title"]) == (NOTE_SYMBOL, "2099-03-12", NOTE_TITLE)
    assert [p["locator"] for p in detail["passages"]] == [
        "para. 1",
        "para. 2",
        "para. 3",
        "p. 1, table 1",
        "footnote a",
        "footnote b",
        "para. 4",
        "para. 5",
    ]
    assert texts(detail) == note.passages
    found = {p["locator"]: p for p in detail["passages"]}
    table = found["p. 1, table 1"]["text"]
    assert table.splitlines()[2] == "Field office, north | 41 | 6"  # the raised "a" is out of the cell
    assert len(table.splitlines()) == 10
    assert found["footnote b"]["text"].endswith("before the review of its staffing table by the Advisory Committee.")
    links = dict(initialised.query("SELECT locator, footnote_to FROM passage WHERE kind = 'footnote'"))
    assert links == note.footnote_to == {"footnote a": "p. 1, table 1", "footnote b": "p. 1, table 1"}
    assert found["p. 1, table 1"]["note_refs"] == [
        {"note": "a", "offset": table.index("north") + len("north")},
        {"note": "b", "offset": table.index("capital") + len("capital")},
    ]
    text = (initialised.sources / detail["path"] / "text.txt").read_text(encoding="utf-8")
    for leak in ("99-99999", "*9999999*", "2/2", "northa", "capitalb", "ᵃ", "ᵇ"):
        assert leak not in text, leak


@pytest.mark.parametrize("columns", [2, 3])
def test_columns_are_read_one_after_the_other(run, initialised, tmp_path, columns):
    report = columns_report(columns)
    pdf = tmp_path / f"columns-{columns}.pdf"
    pdf.write_bytes(report.pdf)
    detail = add(run, pdf, "--key", f"grants-{columns}")
    assert [p["locator"] for p in detail["passages"]] == [f"para. {n}" for n in range(1, 13)]
    assert texts(detail) == report.passages


# --- real documents ---------------------------------------------------------------


def real(tmp_path: Path, key: str) -> Path:
    data = realdocs.require(key)
    path = tmp_path / Path(realdocs.item(key).path).name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("key", "paragraphs"),
    [
        ("un-a-79-772", 50),
        ("un-a-hrc-59-60", 64),
        ("un-a-56-509", 11),
        ("un-a-79-947", 79),
    ],
)
def test_real_un_reports_every_numbered_paragraph_once(run, initialised, tmp_path, key, paragraphs):
    detail = add(run, real(tmp_path, key))
    numbers = [p["paragraph"] for p in detail["passages"] if p["locator"].startswith("para. ")]
    assert numbers == list(range(1, paragraphs + 1))


def test_real_un_report_bold_conclusion_is_part_of_its_paragraph(run, initialised, tmp_path):
    found = texts(add(run, real(tmp_path, "un-a-79-772")))
    assert found["para. 14"] == (
        "The Advisory Committee recalls that it previously noted the challenges arising from the "
        "difference in budgetary processes among various funding sources and that a more harmonized "
        "framework for budget formulation, implementation and reporting would be beneficial, as "
        "appropriate. The Committee trusts that the next progress report will include detailed "
        "information on the harmonization of frameworks for planning and performance reporting "
        "across funding sources (see also A/78/743, para. 14, and resolution 77/280, para. 6)."
    )


def test_real_un_report_paragraph_over_a_page_break_and_its_footnote(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "un-a-hrc-59-60"))
    found = {p["locator"]: p for p in detail["passages"]}
    assert found["para. 57"]["page"] == 16
    assert found["para. 57"]["text"] == (
        "While awareness of business responsibilities to respect human rights grows, including "
        "through embedding human rights due diligence in business practice, significant challenges "
        "remain. Achieving real progress requires ongoing commitment from both States and "
        "businesses to address gaps and drive lasting change."
    )
    assert [p["locator"] for p in detail["passages"] if p["locator"].startswith("footnote")] == [
        f"footnote {n}" for n in range(1, 8)
    ]
    assert (found["footnote 1"]["text"], found["footnote 1"]["page"]) == ("A/HRC/17/31, annex.", 2)
    links = dict(initialised.query("SELECT locator, footnote_to FROM passage WHERE kind = 'footnote'"))
    assert links["footnote 1"] == "para. 1"


def test_real_older_two_column_report(run, initialised, tmp_path):
    found = texts(add(run, real(tmp_path, "un-a-56-509")))
    assert found["para. 10"].startswith(
        "At the second part of its sixth session, the Conference of the Parties approved the "
        "continuation of the current institutional linkage of the Convention secretariat"
    )
    assert found["para. 10"].endswith("for the continuation of the institutional linkage for a further five years.")


def test_real_numbered_sub_headings_are_not_paragraphs(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "un-a-79-923"))
    assert not [p for p in detail["passages"] if p["locator"].startswith("para. ")]
    text = (initialised.sources / detail["path"] / "text.txt").read_text(encoding="utf-8")
    assert "\n\n1. Recommitment to United Nations peacekeeping\n\n" in text


def test_real_three_column_register_reads_sentences_whole(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "pdfplumber-federal-register"), "--key", "fr-2020-17221")
    assert any(
        "Investigation of the accident has been completed by the Indonesian authorities (Komite "
        "Nasional Keselamatan Transportasi (KNKT)) with assistance from the National Transportation "
        "Safety Board (NTSB) and the FAA of the United States, the manufacturer, and the operator." in p["text"]
        for p in detail["passages"]
    )


def test_real_three_column_register_notes_once_each_and_no_print_stamp(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "pdfplumber-federal-register"), "--key", "fr-2020-17221")
    # the subject before "AGENCY:", not the register's section name "Proposed Rules"
    assert detail["title"] == "Airworthiness Directives; The Boeing Company Airplanes"
    notes = [p for p in detail["passages"] if p["kind"] == "footnote"]
    assert [p["locator"] for p in notes] == [f"footnote {n}" for n in range(1, 16)]
    found = {p["locator"]: p for p in notes}
    # note 12 runs from the foot of the first column to the foot of the second, above note 13
    assert found["footnote 12"]["text"] == (
        "The magnitude of the command varies according to parameters such as the airplane’s altitude "
        "and airspeed, and would be limited such that after the command is made, the pilot would be "
        "able to maintain level flight, climb, and descend, using control column inputs only."
    )
    assert (found["footnote 13"]["text"], found["footnote 13"]["page"]) == (
        "More than 10 degrees difference for more than 10 seconds.",
        3,
    )
    text = (initialised.sources / detail["path"] / "text.txt").read_text(encoding="utf-8")
    assert "VerDate" not in text
    # "14 CFR 39.19, send ..." at the foot of page 14, in small type, is the rule's text, not note 14
    assert "In accordance with 14 CFR 39.19, send your request to your principal inspector" in text


def test_real_fake_bold_is_read_once(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "pdfplumber-duplicate-chars"))
    assert detail["passages"][0]["text"].startswith("项目描述：负责四川省甘孜州丹巴磨子电站")


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("pdfplumber-password", "encrypted PDF: the file is password-protected"),
    ],
)
def test_real_unreadable_pdfs_are_refused_in_one_line(run, initialised, tmp_path, key, fragment):
    before = initialised.dump()
    result = run("source", "add", str(real(tmp_path, key)))
    assert result.exit_code == 2, result.stdout
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert initialised.dump() == before


def test_real_malformed_pdf_is_read_as_far_as_it_goes(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "pdfplumber-malformed-932"))
    assert detail["passages"], "a readable page of a malformed PDF still gives passages"


def test_real_budget_table_keeps_every_row_and_annex_numbering(run, initialised, tmp_path):
    detail = add(run, real(tmp_path, "un-a-79-907"))
    rows = next(p["text"] for p in detail["passages"] if p["locator"] == "p. 13, table 1").splitlines()
    assert "Military contingents | 126 430.3 | 104 789.5 | 106 827.9 | 2 038.4 | 1.9" in rows
    assert "United Nations police | 110.3 | 232.8 | 227.2 | (5.6) | (2.4)" in rows
    assert "Formed police units | 6 467.4 | 7 078.3 | 6 227.4 | (850.9) | (12.0)" in rows
    assert [p["paragraph"] for p in detail["passages"] if p["locator"].startswith("annex, para. ")] == list(
        range(1, 40)
    )
    text = (initialised.sources / detail["path"] / "text.txt").read_text(encoding="utf-8")
    assert "25-06872" not in text
    # the masthead block (sessions, agenda item, "Original: French") is no passage
    assert detail["title"].startswith("Letter dated 30 April 2025 from the Secretary-General")
    first = detail["passages"][0]
    assert first["locator"] == "p. 1, ¶ 1"
    assert first["text"].startswith("I have the honour to refer to Security Council resolution 2767 (2024)")
    assert "Seventy-ninth session" not in text and "Agenda item 167" not in text
