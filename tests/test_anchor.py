"""Anchoring a quote in a source's text: exact, after folding typography, fuzzy, or refused.

Whatever the method, the span returned covers the *source's own* characters,
so what gets stored as evidence is provably in the archived document.
"""

from __future__ import annotations

import pytest

from verify.match.anchor import (
    CONTEXT_CHARS,
    FUZZY_THRESHOLD,
    MIN_QUOTE_WORDS,
    Anchor,
    Miss,
    anchor,
    occurrences,
    word_count,
)
from verify.match.normalize import fold, normalize

# Our own UN-style text (no real document is reproduced).
PARA_1 = (
    "Member States indicate that the group’s leadership keeps a “low profile” in Kabul and\n"
    "Kandahar, and that senior figures number in the dozens."
)
PARA_2 = (
    "The group’s ﬁnancing relies on welfare payments – some of which reach affiliates in Afghani-\n"
    "stan and beyond — and on donations collected … in border markets."
)
PARA_3 = (
    "Training camps were reported in Helmand and Zabul. "
    "One Member State assessed that the camps host around 400 fighters."
)
PARA_4 = "Training camps were reported in Helmand and Zabul. Another Member State could not confirm the figure."
TEXT = "\n\n".join([PARA_1, PARA_2, PARA_3, PARA_4])


def windows(text: str = TEXT) -> list[tuple[int, int]]:
    """Paragraph spans, the way passages bound the fuzzy search."""
    spans, start = [], 0
    for block in text.split("\n\n"):
        spans.append((start, start + len(block)))
        start += len(block) + 2
    return spans


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    starts_clean = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    ends_clean = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return starts_clean and ends_clean and not text[start].isspace() and not text[end - 1].isspace()


def test_exact_match_is_the_quote_itself() -> None:
    found = anchor(TEXT, "  senior figures number in the dozens  ")
    assert isinstance(found, Anchor)
    assert found.method == "exact" and found.score == 100.0
    assert TEXT[found.start : found.end] == "senior figures number in the dozens"


@pytest.mark.parametrize(
    ("typed", "in_source"),
    [
        pytest.param('keeps a "low profile" in Kabul', "keeps a “low profile” in Kabul", id="straight-vs-curly-quotes"),
        pytest.param("the group's leadership", "the group’s leadership", id="straight-vs-curly-apostrophe"),
        pytest.param("welfare payments - some of which", "welfare payments – some of which", id="hyphen-vs-en-dash"),
        pytest.param("and beyond - and on donations", "and beyond — and on donations", id="hyphen-vs-em-dash"),
        pytest.param("The group's financing relies", "The group’s ﬁnancing relies", id="ligature"),
        pytest.param("in Kabul and Kandahar", "in Kabul and\nKandahar", id="newline-in-source"),
        pytest.param("keeps a “low\n  profile”   in Kabul", "keeps a “low profile” in Kabul", id="whitespace-in-quote"),
        pytest.param("MEMBER STATES INDICATE", "Member States indicate", id="case"),
        pytest.param(
            "affiliates in Afghanistan and beyond",
            "affiliates in Afghani-\nstan and beyond",
            id="line-end-hyphen-in-source",
        ),
        pytest.param(
            "donations collected ... in border markets", "donations collected … in border markets", id="ellipsis"
        ),
    ],
)
def test_typographic_drift_anchors_on_the_sources_own_characters(typed: str, in_source: str) -> None:
    found = anchor(TEXT, typed)
    assert isinstance(found, Anchor), found
    assert found.method == "normalized" and found.score == 100.0
    assert TEXT[found.start : found.end] == in_source


def test_quote_copied_with_a_line_end_hyphen_finds_the_joined_word() -> None:
    text = "The Team notes that affiliates in Afghanistan and beyond receive payments."
    found = anchor(text, "affiliates in Afghani-\nstan and beyond")
    assert isinstance(found, Anchor) and found.method == "normalized"
    assert text[found.start : found.end] == "affiliates in Afghanistan and beyond"


def test_a_real_hyphen_before_a_capital_is_kept() -> None:
    # "Al-\nQaida" is a hyphenated name broken at a line end, not a split word
    assert fold("Al-\nQaida") == "al- qaida"
    assert fold("Afghani-\nstan") == "afghanistan"


def test_folded_offsets_map_back_through_a_ligature() -> None:
    folded = normalize("the ﬁnal word")
    assert folded.text == "the final word"
    position = folded.text.index("final")
    assert folded.span(position, position + len("final")) == (4, 8)  # "ﬁnal" is 4 characters in the source


def test_fuzzy_match_with_one_word_changed_stores_the_source_wording() -> None:
    found = anchor(TEXT, "the camps hold around 400 fighters", windows=windows())
    assert isinstance(found, Anchor)
    assert found.method == "fuzzy"
    assert FUZZY_THRESHOLD <= found.score < 100
    assert TEXT[found.start : found.end] == "the camps host around 400 fighters"
    assert on_word_boundaries(TEXT, found.start, found.end)


def test_fuzzy_span_starts_on_a_word_when_the_first_word_differs() -> None:
    found = anchor(TEXT, "Member states suggest that the group’s leadership keeps a “low profile”", windows=windows())
    assert isinstance(found, Anchor) and found.method == "fuzzy"
    assert found.score >= FUZZY_THRESHOLD
    assert on_word_boundaries(TEXT, found.start, found.end)
    assert TEXT[found.start : found.end] == "Member States indicate that the group’s leadership keeps a “low profile”"


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        pytest.param(
            "1. The leader wrote that the group must hold on. Its fighters should stay under cover until the "
            "pressure eased. Other matters were also discussed.",
            "Its fighters should stay under cover until the pressure has eased.",
            "Its fighters should stay under cover until the pressure eased.",
            id="not-into-the-next-sentence",
        ),
        pytest.param(
            "1. The leader wrote that the group must hold on, and that its fighters should stay under cover "
            "until the pressure eased. Other matters were also discussed.",
            "its fighters should all stay under cover until the pressure eased.",
            "its fighters should stay under cover until the pressure eased.",
            id="not-back-into-the-previous-words",
        ),
    ],
)
def test_fuzzy_span_ends_where_the_quote_does(text: str, quote: str, expected: str) -> None:
    """When the source says it in fewer letters, the span takes in no word beyond the quote."""
    found = anchor(text, quote)
    assert isinstance(found, Anchor) and found.method == "fuzzy"
    assert text[found.start : found.end] == expected


def test_fuzzy_search_stays_inside_the_windows() -> None:
    spans = windows()
    found = anchor(TEXT, "the camps hold around 400 fighters", windows=[spans[0], spans[3]])
    assert isinstance(found, Miss)
    assert found.score < FUZZY_THRESHOLD


def test_unrelated_quote_is_refused_with_the_closest_span() -> None:
    missed = anchor(TEXT, "Another Member State reported that it could not confirm any numbers", windows=windows())
    assert isinstance(missed, Miss)
    assert missed.score < FUZZY_THRESHOLD
    start, end = windows()[3]
    assert start <= missed.start < missed.end <= end  # the closest passage is the one about confirming figures


def test_a_quote_close_but_below_the_threshold_is_a_miss() -> None:
    found = anchor(TEXT, "the camps hold around 400 fighters", windows=windows(), threshold=99)
    assert isinstance(found, Miss)
    assert FUZZY_THRESHOLD <= found.score < 99
    assert "the camps host around 400" in TEXT[found.start : found.end]


def test_empty_quote_is_a_miss() -> None:
    assert anchor(TEXT, "   ") == Miss(0, 0, 0.0)


def test_prefix_and_suffix_pick_the_right_one_of_two_identical_sentences() -> None:
    sentence = "Training camps were reported in Helmand and Zabul."
    first, second = TEXT.index(sentence), TEXT.rindex(sentence)
    assert first != second
    plain = anchor(TEXT, sentence)
    assert isinstance(plain, Anchor) and plain.start == first
    second_anchor = Anchor(second, second + len(sentence), "exact", 100.0)
    prefix, suffix = second_anchor.context(TEXT)
    assert len(prefix) == CONTEXT_CHARS and suffix.startswith(" Another Member State")
    by_both = anchor(TEXT, sentence, prefix=prefix, suffix=suffix)
    by_suffix = anchor(TEXT, sentence, suffix=suffix)
    by_prefix = anchor(TEXT, sentence, prefix=prefix)
    assert isinstance(by_both, Anchor) and by_both.start == second
    assert isinstance(by_suffix, Anchor) and by_suffix.start == second
    assert isinstance(by_prefix, Anchor) and by_prefix.start == second
    first_prefix, first_suffix = Anchor(first, first + len(sentence), "exact", 100.0).context(TEXT)
    again = anchor(TEXT, sentence, prefix=first_prefix, suffix=first_suffix)
    assert isinstance(again, Anchor) and again.start == first


def test_occurrences_lists_every_exact_hit_and_can_be_confined_to_windows() -> None:
    quote = "Training camps were reported in Helmand and Zabul."
    hits = occurrences(TEXT, quote)
    assert [TEXT[a.start : a.end] for a in hits] == [quote, quote] and {a.method for a in hits} == {"exact"}
    assert occurrences(TEXT, quote, windows()[2:3]) == hits[:1]
    assert occurrences(TEXT, "the group's leadership") == [anchor(TEXT, "the group's leadership")], (
        "typographic variants count when nothing is exact"
    )
    assert occurrences(TEXT, "") == []


def test_confined_anchor_ignores_text_outside_the_windows() -> None:
    title = "Fourteenth test report of the Monitoring Team"
    text = title + "\n\n" + TEXT
    offset = len(title) + 2
    spans = [(start + offset, end + offset) for start, end in windows()]
    assert isinstance(anchor(text, title, windows=spans), Anchor), "unconfined, the title line matches"
    assert isinstance(anchor(text, title, windows=spans, confine=True), Miss)
    inside = anchor(text, "the camps host around 400 fighters", windows=spans, confine=True)
    assert isinstance(inside, Anchor) and inside.method == "exact" and spans[2][0] <= inside.start < spans[2][1]


@pytest.mark.parametrize(
    ("quote", "words"), [("the", 1), ("400 fighters", 2), ("Al-Qaida in Afghanistan", 4), ("  ", 0)]
)
def test_word_count(quote: str, words: int) -> None:
    assert word_count(quote) == words
    assert (word_count(quote) >= MIN_QUOTE_WORDS) == (words >= 3)


def test_the_closest_match_shown_is_cut_at_word_boundaries() -> None:
    from verify.workflow.evidence import _whole_words

    text = "training camps have been established in Helmand"
    assert _whole_words(text, 3, 27) == "training camps have been established"
    assert _whole_words(text, 0, len(text)) == text
