"""Word-by-word comparison of a quote with its source (verify.match.align, .differences, .locate).

The CLI tests (tests/cli/test_quote_differences.py) cover what a user sees;
these pin the classification table and the typography that is never a
difference, case by case, in the source texts they are about.
"""

from __future__ import annotations

import pytest

from verify.match.align import align, tokens
from verify.match.differences import compare
from verify.match.locate import locate

SOURCE = (
    "In 2021 the Team reported that Italy had accepted 23 recommendations and noted 5 others. "
    "The mission was not completed on 30 July 2022. The budget reached $4 million in 2020. "
    "Many years later, as he faced the firing squad,¹ the colonel met Minister Rossi in Geneva. "
    "The council’s “final” decision – taken late12 – was never published in Afghani-\nstan."
)


def differences(quote: str, source: str = SOURCE) -> list[tuple[str, str]]:
    q, s = tokens(quote), tokens(source)
    alignment = align(q, s)
    assert alignment is not None
    return [(d.kind, d.detail) for d in compare(quote, q, source, s, alignment).differences]


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Italy had accepted 32 recommendations and noted", [("number", "quote says 32, source says 23")]),
        (
            "Italy had accepted twenty-three recommendations and noted",
            [("number", "quote says twenty-three, source says 23")],
        ),
        ("The mission was not completed on 31 July 2022", [("date", "quote says 31, source says 30")]),
        ("The mission was not completed on 30 July 2021", [("date", "quote says 2021, source says 2022")]),
        ("The mission was not completed on 30 June 2022", [("date", "quote says June, source says July")]),
        ("The mission was completed on 30 July 2022", [("negation", "quote leaves out not")]),
        ("The mission was never completed on 30 July", [("negation", "quote says never, source says not")]),
        ("The budget reached $5 million in 2020", [("amount", "quote says 5, source says 4")]),
        ("as she faced the firing squad", [("pronoun", "quote says she, source says he")]),
        ("the colonel met Minister Bianchi in Geneva", [("name", "quote says Bianchi, source says Rossi")]),
        ("the colonel met Minister Rossi in Lausanne", [("name", "quote says Lausanne, source says Geneva")]),
        ("Some years later, as he faced the firing squad", [("edge", "quote says Some, source says Many")]),
        ("as he faced the firing squad, the colonel left", [("edge", "quote says left, source says met")]),
        ("the colonel met the Minister Rossi in Geneva", [("other", "quote adds the, the source does not have it")]),
        ("the council's final decision was taken late", [("other", "quote adds was, the source does not have it")]),
    ],
)
def test_each_difference_is_classified(quote, expected):
    assert differences(quote) == expected


@pytest.mark.parametrize(
    "quote",
    [
        # quotes, dashes, footnote, hyphenation
        'The council\'s "final" decision - taken late - was never published in Afghanistan.',
        "THE COUNCIL’S “FINAL” DECISION",  # case
        "as he faced the firing squad, the colonel met",  # superscript footnote marker
        "as he faced\n  the   firing squad",  # whitespace
        "Italy, had accepted 23 recommendations; and noted",  # punctuation between words
    ],
)
def test_typography_is_never_a_difference(quote):
    assert differences(quote) == []


def test_a_thousands_separator_is_not_a_difference():
    source = "The Team counted 1,600 fighters and their families in 2022."
    assert differences("counted 1600 fighters and their families", source) == []
    assert differences("counted 1,700 fighters and their families", source) == [
        ("number", "quote says 1,700, source says 1,600")
    ]


def test_the_span_covers_the_differing_first_and_last_words():
    text = "Many years later, as he faced the firing squad, the colonel remembered."
    found = locate(text, "Some years later, as he faced the firing line", [(0, len(text))])
    assert found.approximate is not None
    assert text[found.approximate.start : found.approximate.end] == "Many years later, as he faced the firing squad"
    assert [d.kind for d in found.differences] == ["edge", "edge"]


def test_exact_matches_fall_on_whole_words():
    text = "Later, as she faced the court. Then as he faced the court again."
    found = locate(text, "he faced the court", [(0, len(text))])
    assert [text[a.start : a.end] for a in found.occurrences] == ["he faced the court"]
    assert found.occurrences[0].start == text.index("as he") + 3


def test_a_skipped_stretch_breaks_the_span():
    text = (
        "The camps were closed in 2019 and revenue from local taxation rose sharply in the north "
        "that no fighters remained."
    )
    found = locate(text, "The camps were closed in 2019 and that no fighters remained", [(0, len(text))])
    assert found.broken is not None and "revenue from local taxation" in found.broken


def test_a_quote_across_two_windows_is_broken():
    text = "First passage ends with these five words.\n\nSecond passage starts right here and goes on."
    windows = [(0, 41), (43, len(text))]
    found = locate(text, "these five words. Second passage starts right here", windows)
    assert found.broken == "it runs on from one passage into the next"
