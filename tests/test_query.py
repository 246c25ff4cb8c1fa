"""Claim -> search terms, with the spelling variants of its names (verify.match.query)."""

from __future__ import annotations

import pytest

from verify.claims.hints import compute_hints
from verify.match.query import claim_terms, content_words, stem


def variants(claim: str) -> tuple[str, ...]:
    return claim_terms(claim, compute_hints(claim)).variants


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("al-Qaeda is reviving in the region.", "al qaida"),
        ("IS-KP attacked the city.", "isil k"),
        ("IS-KP attacked the city.", "da esh"),
        ("Hibatullah Akhundzada issued a decree.", "haibatullah"),
        ("Taj Mir Jawad is a deputy head.", "tajmir"),
        ("Zawahiri was killed in Kabul.", "zawahri"),
    ],
)
def test_names_bring_their_variant_spellings(claim: str, expected: str) -> None:
    assert expected in variants(claim)


def test_variants_are_phrases_not_loose_words() -> None:
    found = variants("The Taliban rule the country.")
    assert "islamic emirate of afghanistan" in found
    assert "afghanistan" not in claim_terms("The Taliban rule the country.", compute_hints("The Taliban rule the country.")).words


def test_short_acronyms_that_are_common_words_are_left_out() -> None:
    assert "is" not in variants("Islamic State fighters crossed the border.")
    assert "us" not in variants("The United States left.")


def test_the_attribution_phrase_is_not_searched() -> None:
    claim = "According to a June 2023 UN report, leaders are in Kabul."
    terms = claim_terms(claim, compute_hints(claim), {"phrase": "According to a June 2023 UN report"})
    assert terms.words == ("leaders", "kabul")


def test_content_words_and_stems() -> None:
    assert content_words("The fighters of the group") == ["fighters", "group"]
    assert stem("fighters") == stem("fighter")
    assert stem("trained") == stem("training")
    assert stem("increases") == stem("increased")
