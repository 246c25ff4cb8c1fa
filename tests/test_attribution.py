"""Attribution: which document the author says a claim comes from.

¶9 s1 of the shipped article opens "According to a June 2023 UN report"; ¶10 s1
("That same report declares …") refers back to it. Asserted on what
``verify claim list/show --format json`` report.
"""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import ARTICLE
from verify.claims.attribution import detect, resolve


def _claims(run) -> dict[tuple[int, int], dict]:
    found = json.loads(run("claim", "list", "--format", "json").stdout)
    return {(c["paragraph"], c["sentence"]): c for c in found}


def test_direct_attribution_and_inherited_attribution(article_db, run):
    claims = _claims(run)
    report = claims[(9, 1)]
    same = claims[(10, 1)]
    assert report["attribution"] == {
        "phrase": "According to a June 2023 UN report",
        "source_key": None,  # no source registered yet
        "inherited_from": None,
    }
    assert same["attribution"] == {"phrase": "That same report", "source_key": None, "inherited_from": report["id"]}
    shown = json.loads(run("claim", "show", str(same["id"]), "--format", "json").stdout)
    assert shown["attribution"]["inherited_from"] == report["id"]


def test_sentences_without_a_source_have_no_attribution(article_db, run):
    claims = _claims(run)
    assert claims[(8, 1)]["attribution"] is None  # the evacuation of Western forces: the author's own voice
    assert claims[(21, 4)]["attribution"] is None  # It is premature to pen al-Qaeda’s obituary.
    attributed = [c for c in claims.values() if c["attribution"]]
    assert {(9, 1), (10, 1)} <= {(c["paragraph"], c["sentence"]) for c in attributed}
    # Nothing inherits from a claim that has no attribution of its own.
    by_id = {c["id"]: c for c in claims.values()}
    for claim in attributed:
        parent = claim["attribution"]["inherited_from"]
        if parent is not None:
            assert by_id[parent]["attribution"]["inherited_from"] is None


def test_a_registered_source_fills_in_source_key_for_both_claims(run, workspace):
    assert run("init").exit_code == 0
    conn = sqlite3.connect(workspace.db)
    with conn:
        conn.execute(
            "INSERT INTO source (key, version, is_current, title, publisher, published, symbol, created_at, "
            "created_by) "
            "VALUES ('S/2023/370', 1, 1, 'Fourteenth report of the Analytical Support and Sanctions Monitoring Team', "
            "'United Nations Security Council', '2023-06-01', 'S/2023/370', '2024-01-01T00:00:00Z', 'tester')"
        )
    conn.close()
    assert run("article", "add", str(ARTICLE)).exit_code == 0
    claims = _claims(run)
    assert claims[(9, 1)]["attribution"]["source_key"] == "S/2023/370"
    assert claims[(10, 1)]["attribution"] == {
        "phrase": "That same report",
        "source_key": "S/2023/370",
        "inherited_from": claims[(9, 1)]["id"],
    }


def test_detect_phrases():
    assert (
        detect("According to a June 2023 UN report, leaders are in Kabul.").phrase
        == "According to a June 2023 UN report"
    )
    back = detect("That same report declares that training sites exist.")
    assert back is not None and back.refers_back
    assert detect("But ground realities prove otherwise.") is None


class _Claim:
    def __init__(self, claim_id: int, text: str) -> None:
        self.id, self.text = claim_id, text


def test_a_pronoun_only_inherits_from_the_previous_sentence():
    claims = [
        _Claim(1, "According to a 2021 UN report, fighters moved to Kunar."),
        _Claim(2, "He noted that the move was planned."),
        _Claim(3, "The weather was cold."),
        _Claim(4, "He noted that the move was planned."),
        _Claim(5, "That same report declares that camps were built."),
    ]
    result = resolve(claims, [])
    assert result[2] == {"phrase": "He noted", "source_key": None, "inherited_from": 1}
    assert result[3] is None
    assert result[4] is None  # too far from the report it might mean
    assert result[5] is not None and result[5]["inherited_from"] == 1


def test_back_reference_with_nothing_before_it_has_no_attribution():
    assert resolve([_Claim(1, "That same report declares that camps were built.")], []) == {1: None}


class _Source:
    def __init__(self, key: str, title: str, published: str | None) -> None:
        self.key, self.title, self.published = key, title, published
        self.publisher, self.symbol, self.series = "United Nations Security Council", key, None


def test_an_attribution_naming_the_ordinal_picks_that_report_of_the_series():
    team = "report of the Analytical Support and Sanctions Monitoring Team"
    sources = [
        _Source("S/TEST/2022/419", f"Thirteenth {team}", "2022-05-26"),
        _Source("S/TEST/2023/14", f"Fourteenth {team}", "2023-06-01"),
        _Source("S/TEST/2024/92", f"Fifteenth {team}", "2024-06-15"),
    ]
    claims = [_Claim(1, "According to the fourteenth report of the UN Monitoring Team, fighters moved to Kunar.")]
    assert resolve(claims, sources)[1]["source_key"] == "S/TEST/2023/14"
    claims = [_Claim(1, "According to the 15th report of the Monitoring Team, camps were built.")]
    assert resolve(claims, sources)[1]["source_key"] == "S/TEST/2024/92"


def test_attribution_continues_to_the_end_of_the_paragraph_or_another_attribution():
    claims = [
        _Claim(1, "According to a 2021 UN report, fighters moved to Kunar."),
        _Claim(2, "They number about 400."),
        _Claim(3, "He noted that the move was planned."),
        _Claim(4, "Camps were built."),
        _Claim(5, "A new paragraph begins."),
    ]
    for claim, paragraph in zip(claims, (1, 1, 1, 1, 2), strict=True):
        claim.paragraph = paragraph
    result = resolve(claims, [])
    root = {"phrase": "According to a 2021 UN report", "source_key": None}
    assert result[2] == {**root, "inherited_from": 1, "via": "paragraph"}
    assert result[3] is None  # "He" is not the previous sentence's report: someone else speaks, the carry ends
    assert result[4] is None
    assert result[5] is None
