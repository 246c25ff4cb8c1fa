"""Claim -> search terms, with the spelling variants of its names (verify.match.query)."""

from __future__ import annotations

import pytest

from verify.claims.hints import compute_hints
from verify.match.query import claim_terms, content_words, stem, synonyms


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
    assert (
        "afghanistan"
        not in claim_terms("The Taliban rule the country.", compute_hints("The Taliban rule the country.")).words
    )


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


def test_synonyms_pair_every_word_of_a_group() -> None:
    table = synonyms()
    assert stem("frontier") in table[stem("border")]
    assert stem("border") in table[stem("frontier")]
    assert stem("center") in table[stem("centre")]
    assert stem("fighters") not in table.get(stem("border"), frozenset())


def test_an_extra_synonym_file_adds_groups(tmp_path, monkeypatch) -> None:
    extra = tmp_path / "synonyms.json"
    extra.write_text('{"groups": [["madrasa", "seminary"]]}', encoding="utf-8")
    monkeypatch.setenv("VERIFY_SYNONYMS", str(extra))
    synonyms.cache_clear()
    try:
        assert stem("seminary") in synonyms()[stem("madrasa")]
        assert stem("frontier") in synonyms()[stem("border")]  # the shipped table still applies
    finally:
        monkeypatch.delenv("VERIFY_SYNONYMS")
        synonyms.cache_clear()


def test_a_passage_that_uses_a_synonym_is_preferred(tmp_path, monkeypatch) -> None:
    """'border' in the claim, 'frontier' in the report: that paragraph beats a shorter one lacking the word."""
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.match.rank import suggest_for_text
    from verify.workflow.archiving import SourceMeta, add_source

    report = tmp_path / "report.txt"
    report.write_text(
        "Movements in the region\n\n"
        "Armed militants moved across Pakistan during 2023.\n\n"
        "Armed militants moved across the frontier with Pakistan during 2023.\n\n"
        "The council discussed sanctions and travel bans at length.\n",
        encoding="utf-8",
    )
    database = open_database(str(tmp_path / "claims.db"), create=True, check_schema=False)
    try:
        upgrade(database)
        add_source(database, tmp_path / "sources", str(report), SourceMeta(key="report"), actor="tester")
        claim = "Armed militants moved across the border with Pakistan during 2023."
        with database.read() as session:
            ranked = [s.text for s in suggest_for_text(session, claim, limit=2)]
            monkeypatch.setattr("verify.match.rank.synonyms", dict)  # the same ranking with an empty table
            without = [s.text for s in suggest_for_text(session, claim, limit=2)]
    finally:
        database.dispose()
    assert "frontier" in ranked[0]
    assert "frontier" not in without[0]  # the synonym is what lifts it
