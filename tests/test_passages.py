"""Passage rules shared by every format: numbering, locators, spans, furniture."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from verify.errors import VerifyError
from verify.ingest.extract import extract_document
from verify.ingest.layout import keep_hyphen
from verify.ingest.passages import Block, build, is_heading, is_margin_text, iso_date

DATA = Path(__file__).parent / "data"

SMALL_REPORT = [
    ("summary", "The Taliban continue to host Al-Qaida leaders in Kabul and in the southern provinces."),
    (
        "para. 1",
        "Member States reported that Al-Qaida retains around 400 fighters in "
        "Afghanistan, with up to 1,600 family members.",
    ),
    (
        "para. 2",
        "ISIL-K carried out small-scale attacks in the north during 2023 and "
        "continues to recruit among displaced communities.",
    ),
    ("para. 3", "The Team will report further in its next report."),
    ("annex I, para. 1", "ISIL-K members reportedly moved between Kunar and Nangarhar."),
]


@pytest.mark.parametrize(
    "name, media_type",
    [
        ("un_small_report.txt", "text/plain"),
        ("un_small_report.md", "text/markdown"),
        ("un_small_report.html", "text/html"),
    ],
)
def test_numbered_paragraphs_detected_in_every_format(name: str, media_type: str) -> None:
    doc = extract_document((DATA / name).read_bytes(), media_type)
    body = [(p.locator, p.text) for p in doc.passages if p.kind != "footnote"]
    assert body == SMALL_REPORT
    assert [p.paragraph for p in doc.passages if p.kind != "footnote"] == [None, 1, 2, 3, 1]
    assert [p.kind for p in doc.passages if p.kind != "footnote"] == [
        "summary",
        "paragraph",
        "paragraph",
        "paragraph",
        "annex",
    ]
    assert all(doc.text[p.start : p.end] == p.text for p in doc.passages)
    assert all(p.page is None for p in doc.passages)
    assert doc.page_starts == []
    assert (doc.symbol, doc.date) == ("S/TEST/2023/15", "2023-07-12")
    assert doc.title == "Fifteenth report of the Monitoring Team on Afghanistan"
    assert "Distr." not in doc.text and "12 July 2023" not in doc.text
    assert "II. Findings" in doc.text  # headings stay in the text, outside passages


def test_markdown_footnote_linked_to_its_paragraph() -> None:
    doc = extract_document((DATA / "un_small_report.md").read_bytes(), "text/markdown")
    note = doc.passages[-1]
    assert (note.locator, note.kind, note.footnote_to, note.paragraph) == ("footnote 1", "footnote", "para. 1", None)
    assert note.text == "Information provided by a Member State."
    assert "[^1]" not in doc.text and "**" not in doc.text and "https://" not in doc.text


def test_unnumbered_document_gets_running_paragraph_locators() -> None:
    text = (
        "A note on sources\n\nThe first paragraph of an op-ed\nwrapped over two lines.\n\n"
        "1. A lone numbered line is not a numbered report.\n\nThe last paragraph.\n"
    )
    doc = extract_document(text.encode(), "text/plain")
    assert [(p.locator, p.paragraph, p.kind) for p in doc.passages] == [
        ("¶ 1", None, "paragraph"),
        ("¶ 2", None, "paragraph"),
        ("¶ 3", None, "paragraph"),
    ]
    assert doc.passages[0].text == "The first paragraph of an op-ed wrapped over two lines."
    assert doc.passages[1].text == "1. A lone numbered line is not a numbered report."
    assert doc.title == "A note on sources"


def test_out_of_sequence_numbers_are_not_paragraph_numbers() -> None:
    blocks = [Block(f"{n}. Paragraph {n}.", "paragraph") for n in (1, 2, 3)]
    blocks.append(Block("2023. A sentence starting with a year.", "paragraph"))
    text, passages, _ = build(blocks, paged=False)
    assert [p.locator for p in passages] == ["para. 1", "para. 2", "para. 3", "¶ 4"]
    assert passages[3].text == "2023. A sentence starting with a year."


def test_paged_locators_count_paragraphs_per_page() -> None:
    blocks = [
        Block("First.", "paragraph", page=1),
        Block("Heading", "heading", page=2),
        Block("Second.", "paragraph", page=2),
        Block("Third.", "paragraph", page=2),
    ]
    text, passages, starts = build(blocks, paged=True)
    assert [p.locator for p in passages] == ["p. 1, ¶ 1", "p. 2, ¶ 1", "p. 2, ¶ 2"]
    assert text == "First.\n\nHeading\n\nSecond.\n\nThird."
    assert starts == [0, 8]


@pytest.mark.parametrize(
    "line, first, expected",
    [
        ("S/2023/370", False, True),
        ("23-09427", False, True),
        ("3/24", False, True),
        ("2/4   23-09427", False, True),
        ("23-09427 (E)    050623", False, True),
        ("*2309427*", False, True),
        ("Security Council   Distr.: General", True, True),
        ("1 June 2023", True, True),
        ("1 June 2023", False, False),
        ("The Team met 400 fighters in 2023.", True, False),
        ("see S/2022/419, para. 42.", False, False),
    ],
)
def test_margin_lines(line: str, first: bool, expected: bool) -> None:
    assert is_margin_text(line, masthead=first) is expected


def test_hyphenation_rule_uses_the_documents_own_words() -> None:
    words = Counter({"afghanistan": 3, "small": 2, "scale": 2, "in": 5, "formation": 1, "information": 2})
    compounds = Counter({"small-scale": 2})
    assert keep_hyphen("Afghani", "stan", words, compounds) is False
    assert keep_hyphen("small", "scale", words, compounds) is True
    assert keep_hyphen("Al", "Qaida", words, compounds) is True  # capital: real hyphen
    assert keep_hyphen("in", "formation", words, compounds) is False  # joined form known
    assert keep_hyphen("cross", "border", words, Counter()) is False  # unknown: join
    assert keep_hyphen("small", "formation", words, Counter()) is True  # both are words


def test_headings_and_dates() -> None:
    assert is_heading("II. Relations between the Taliban and Al-Qaida")
    assert is_heading("Annex I")
    assert not is_heading("3. The Team notes the reports.")
    assert not is_heading("A sentence that ends with a full stop.")
    assert iso_date("New York, 1 June 2023") == "2023-06-01"
    assert iso_date("no date here") is None


def test_unsupported_media_type() -> None:
    with pytest.raises(VerifyError, match="unsupported media type"):
        extract_document(b"x", "application/msword")


def test_a_text_copy_of_a_printed_report_loses_its_page_furniture() -> None:
    """Footer lines of their own ("23-09427   3/24"), a summary heading glued to its text."""
    source = (
        "S/2023/370\n\nLetter dated 1 June 2023\n\n"
        "Summary\nThe Taliban's ties with Al-Qaida remain close.\n\n"
        "1. First numbered paragraph about fighters.\n\n"
        "23-09427   3/24\n\n"
        "2. Second numbered paragraph about camps.\n\n"
        "3. Third numbered paragraph about the media.\n"
    )
    document = extract_document(source.encode(), "text/plain")
    assert [(p.locator, p.text) for p in document.passages] == [
        ("summary", "The Taliban's ties with Al-Qaida remain close."),
        ("para. 1", "First numbered paragraph about fighters."),
        ("para. 2", "Second numbered paragraph about camps."),
        ("para. 3", "Third numbered paragraph about the media."),
    ]
    assert "23-09427" not in document.text
    assert document.symbol == "S/2023/370"


def test_a_numbered_paragraph_ends_the_summary_even_when_too_few_to_count_as_numbering() -> None:
    source = "A short note\n\nSummary\n\nThe ties remain close.\n\n1. First paragraph.\n\n2. Second paragraph.\n"
    document = extract_document(source.encode(), "text/plain")
    assert [p.locator for p in document.passages] == ["summary", "¶ 2", "¶ 3"]


def test_lettered_table_notes_link_to_their_table_and_a_repeated_letter_names_it() -> None:
    blocks = [
        Block("Region | Posts\nNorth | 41", "table", 2, ("a",), note_refs=(("a", 11),)),
        Block("a Includes two posts on loan.", "footnote", 2, number="a"),
        Block("The second table gives the vacancies.", "paragraph", 3),
        Block("Region | Vacant\nSouth | 4", "table", 3, ("a",), note_refs=(("a", 21),)),
        Block("a Opened in 2025.", "footnote", 3, number="a"),
    ]
    _, passages, _ = build(blocks, paged=True)
    found = {p.locator: p for p in passages}
    assert list(found) == ["p. 2, table 1", "footnote a", "p. 3, ¶ 1", "p. 3, table 1", "p. 3, table 1, footnote a"]
    assert (found["footnote a"].text, found["footnote a"].footnote_to) == (
        "Includes two posts on loan.",
        "p. 2, table 1",
    )
    assert found["p. 3, table 1, footnote a"].footnote_to == "p. 3, table 1"
    assert found["p. 3, table 1"].note_refs == (("a", 21),)
