"""The mismatch flags a checker sees on a suggested passage (verify.match.flags)."""

from __future__ import annotations

from verify.match.flags import flags_for, hedge_flags, name_flags, name_lists, number_flags


def types(flags: list[dict]) -> list[str]:
    return [f["type"] for f in flags]


def test_up_to_2000_is_not_1600_family_members() -> None:
    flags = number_flags(
        "around 400 fighters and up to 2,000 including relatives",
        "approximately 400 fighters and about 1,600 once family members are counted",
    )
    assert types(flags) == ["number_mismatch"]
    assert flags[0]["claim"] == "up to 2,000" and "1,600" in flags[0]["passage"]


def test_same_numbers_in_another_format_are_not_flagged() -> None:
    assert number_flags("up to 2,000 fighters", "as many as 2000 fighters") == []
    assert number_flags("400 fighters", "some four hundred fighters") == []
    assert number_flags("up to two thousand fighters", "2,000 fighters") == []


def test_a_different_department_number_is_flagged() -> None:
    assert types(number_flags("whose Department 12 oversees fighters", "its Department 15 oversees fighters")) == [
        "number_mismatch"
    ]


def test_dates_must_agree_on_the_parts_both_state() -> None:
    flags = number_flags("killed on July 31, 2022", "killed on 30 July 2022")
    assert types(flags) == ["number_mismatch"] and flags[0]["passage"] == "30 July 2022"
    assert number_flags("killed in July 2022", "killed on 31 July 2022") == []


def test_vague_quantities_are_ranges() -> None:
    assert number_flags("dozens of fighters", "between 30 and 60 fighters") == []
    assert number_flags("dozens of fighters", "several dozen fighters") == []
    assert types(number_flags("dozens of fighters", "some 300 fighters")) == ["number_mismatch"]


def test_the_attribution_date_is_not_a_claimed_date() -> None:
    claim = "According to a June 2023 UN report, leaders number in the dozens"
    assert number_flags(claim, "In 2022, several dozen leaders", ignore=["According to a June 2023 UN report"]) == []


def test_a_differing_list_of_provinces_flags_the_missing_ones() -> None:
    claim = "leaders are located in Kabul, Kunar, Kandahar, and Helmand"
    flags = name_flags(claim, "leaders are concentrated in the provinces of Kabul, Kunar and Nangarhar")
    assert sorted(f["claim"] for f in flags) == ["Helmand", "Kandahar"]


def test_lists_match_spelling_variants_and_ignore_lone_names() -> None:
    assert name_lists("in Kabul, Konar and Nimroz") == [["Kabul", "Kunar", "Nimruz"]]
    assert name_flags("camps in Kunar, Nimruz and Kabul", "camps in Konar, Nimroz and Kabul") == []
    # a name the claim merely mentions (not in a list) is context, not a mismatch
    assert (
        name_flags("al-Qaeda found refuge in Afghanistan under the Taliban", "Al-Qaida remains close to the Taliban")
        == []
    )
    # a passage that shares nothing of the list is about something else
    assert name_flags("in Herat and Farah", "in Kabul") == []


def test_hedges_in_the_passage_are_flagged_each_once() -> None:
    passage = "One Member State reported that fighters arrived. This could not be independently verified."
    assert [f["passage"] for f in hedge_flags("Fighters arrived.", passage)] == [
        "One Member State reported",
        "could not be independently verified",
    ]
    assert types(hedge_flags("Payments are made.", "The Team could not independently verify this.")) == ["hedged"]
    assert types(hedge_flags("Leaders met.", "According to one Member State, leaders met.")) == ["hedged"]


def test_no_hedge_flag_when_the_claim_hedges_or_the_passage_does_not() -> None:
    assert hedge_flags("Fighters reportedly arrived.", "One Member State reported that fighters arrived.") == []
    assert hedge_flags("Fighters arrived.", "Member States reported that fighters arrived.") == []
    assert hedge_flags("Fighters arrived.", "The Team can confirm that fighters arrived.") == []


def test_flags_for_combines_all_three() -> None:
    flags = flags_for(
        "Up to 2,000 fighters are in Kabul, Kunar and Helmand.",
        "One Member State reported about 1,600 fighters in Kabul and Kunar.",
    )
    assert sorted(types(flags)) == ["hedged", "missing_name", "number_mismatch"]
    assert all(set(f) == {"type", "claim", "passage", "message"} for f in flags)
