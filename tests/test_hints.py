"""Check-worthiness hints: numbers with qualifiers, dates, names through the gazetteer.

The unit tests call :func:`compute_hints`; the last tests read the hints that
``verify claim show --format json`` reports for the imported shipped article.
"""

from __future__ import annotations

import json

import pytest

from verify.claims.hints import compute_hints


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        (
            "In terms of foot soldiers, there are around 400 al-Qaeda fighters in Afghanistan and up to 2,000 "
            "if relatives and sympathizers are included.",
            ["around 400", "up to 2,000"],
        ),
        (
            "More than 1,600 family members and at least 3.5 percent of them.",
            ["More than 1,600", "at least 3.5 percent"],
        ),
        ("Dozens of foreign terrorist fighters have arrived.", ["Dozens"]),
    ],
)
def test_numbers_keep_their_qualifier(text, numbers):
    assert compute_hints(text)["numbers"] == numbers


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("According to a June 2023 UN report, leaders are in Kabul.", ["June 2023"]),
        ("He was killed in an American drone strike on July 31, 2022.", ["July 31, 2022"]),
        ("He was killed on 31 July 2022 in Kabul.", ["31 July 2022"]),
        ("Upon taking over after bin Laden’s death in 2011, he changed course.", ["2011"]),
        ("Every American president since 9/11 has claimed victory.", ["9/11"]),
    ],
)
def test_dates(text, dates):
    hints = compute_hints(text)
    assert hints["dates"] == dates
    # A year or a date is not also counted as a quantity.
    assert not any(d in n or n in d for d in dates for n in hints["numbers"])


def test_spelling_variants_map_to_the_gazetteer_canonical_names():
    hints = compute_hints("Al-Qaida and ISIL-K met Zawahri and Haibatullah Akhundzada in Kandahar.")
    assert set(hints["organisations"]) == {"Islamic State Khorasan Province", "al-Qaeda"}
    assert set(hints["people"]) == {"Ayman al-Zawahiri", "Hibatullah Akhundzada"}
    assert hints["places"] == ["Kandahar"]


def test_people_places_and_organisations_from_the_shipped_article():
    text = (
        "The Taliban governors of Kapisa and Nuristan, Qari Ehsanullah Baryal and Hafiz Muhammad Agha Hakeem "
        "respectively, are also linked to al-Qaeda."
    )
    hints = compute_hints(text)
    assert set(hints["places"]) == {"Kapisa", "Nuristan"}
    assert set(hints["people"]) == {"Qari Ehsanullah Baryal", "Hafiz Muhammad Agha Hakeem"}
    assert set(hints["organisations"]) == {"Taliban", "al-Qaeda"}


def test_names_outside_the_gazetteer_are_still_hinted():
    # At the start of a sentence too: "The" is dropped, the name is kept.
    hints = compute_hints("The Northern Alliance Commission met in Mazar Valley with Mullah Omar.")
    assert "Northern Alliance Commission" in hints["organisations"]
    assert "Mazar Valley" in hints["places"]
    assert "Mullah Omar" in hints["people"]


def test_quotes_and_attributions_are_hinted():
    hints = compute_hints("According to a June 2023 UN report, the leader said “we are patient.”")
    assert hints["quotes"] == ["we are patient."]
    assert hints["attributions"] == ["According to a June 2023 UN report"]


def test_a_sentence_with_nothing_checkable_scores_zero_and_a_dense_one_scores_high():
    empty = compute_hints("But ground realities prove otherwise.")
    dense = compute_hints("According to a June 2023 UN report, around 400 fighters are in Kunar and Helmand.")
    assert empty["score"] == 0
    assert all(empty[k] == [] for k in ("numbers", "dates", "places", "people", "organisations", "quotes"))
    assert dense["score"] > 6


def _show(run, claim_id: int) -> dict:
    result = run("claim", "show", str(claim_id), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _claim_at(run, paragraph: int, sentence: int) -> dict:
    found = json.loads(run("claim", "list", "--paragraph", str(paragraph), "--format", "json").stdout)
    (claim,) = [c for c in found if c["sentence"] == sentence]
    return _show(run, claim["id"])


def test_imported_claims_store_their_hints(article_db, run):
    fighters = _claim_at(run, 9, 2)["hints"]
    assert fighters["numbers"] == ["around 400", "up to 2,000"]
    assert "Afghanistan" in fighters["places"] and "al-Qaeda" in fighters["organisations"]

    strike = _claim_at(run, 18, 2)["hints"]
    assert strike["dates"] == ["July 31, 2022"]
    assert "Ayman al-Zawahiri" in strike["people"] and "Kabul" in strike["places"]

    succession = _claim_at(run, 6, 1)["hints"]
    assert succession["dates"] == ["2011"]
    assert {"Osama bin Laden", "Ayman al-Zawahiri"} <= set(succession["people"])

    report = _claim_at(run, 9, 1)["hints"]
    assert report["dates"] == ["June 2023"]
    assert report["attributions"] == ["According to a June 2023 UN report"]
    assert {"Kabul", "Kunar", "Kandahar", "Helmand"} <= set(report["places"])
