"""The right report of a series: the article's date, attribution carried through a paragraph, other reports.

The library is the three fictional reports of one series in tests/data/library
(2022, 2023, 2024), added as a new user would: ``source add FILE --key K``, no
date typed in (each document states its date and title). The shipped article
cites "a June 2023 UN report" in ¶9 s1; ¶9 s2-s4 continue it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ARTICLE

LIBRARY = Path(__file__).resolve().parents[1] / "data" / "library"
REPORTS = {
    "S/TEST/2022/419": "S-TEST-2022-419.txt",
    "S/TEST/2023/14": "S-TEST-2023-14.txt",
    "S/TEST/2024/92": "S-TEST-2024-92.txt",
}
JUNE_REPORT = "According to a June 2023 UN report"


def add_library(run) -> None:
    for key, name in REPORTS.items():
        result = run("source", "add", str(LIBRARY / name), "--key", key)
        assert result.exit_code == 0, result.stderr


def claims(run) -> dict[tuple[int, int], dict]:
    found = json.loads(run("claim", "list", "--format", "json").stdout)
    return {(c["paragraph"], c["sentence"]): c for c in found}


def shown(run, claim_id: int) -> dict:
    result = run("claim", "show", str(claim_id), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def suggest(run, claim_id: int) -> list[dict]:
    result = run("evidence", "suggest", str(claim_id), "--all", "--limit", "200", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def dated_article(run):
    """The shipped article imported with its publication month, then the three reports."""
    assert run("init").exit_code == 0
    result = run("article", "add", str(ARTICLE), "--published", "2024-01-01")
    assert result.exit_code == 0, result.stderr
    add_library(run)


@pytest.mark.usefixtures("dated_article")
def test_reports_dated_after_the_article_come_after_every_earlier_one(run):
    claim = claims(run)[(9, 2)]  # around 400 fighters, up to 2,000 with relatives: every report gives a figure
    rows = suggest(run, claim["id"])
    later = [i for i, r in enumerate(rows) if r["source_key"] == "S/TEST/2024/92"]
    earlier = [i for i, r in enumerate(rows) if r["source_key"] != "S/TEST/2024/92"]
    assert later and earlier and max(earlier) < min(later)
    for row in rows:
        after = [f for f in row["flags"] if f["kind"] == "published_after"]
        if row["source_key"] == "S/TEST/2024/92":
            assert [f["detail"] for f in after] == [
                "this report is dated 2024-06-15; the article was published 2024-01-01"
            ]
        else:
            assert after == []
    table = run("evidence", "suggest", str(claim["id"]), "--all", "--limit", "200").stdout
    assert "! published_after: this report is dated 2024-06-15; the article was published 2024-01-01" in table


def test_without_the_articles_date_later_reports_are_not_demoted(run, article_db):
    add_library(run)
    rows = suggest(run, claims(run)[(9, 2)]["id"])
    later = [i for i, r in enumerate(rows) if r["source_key"] == "S/TEST/2024/92"]
    earlier = [i for i, r in enumerate(rows) if r["source_key"] != "S/TEST/2024/92"]
    assert min(later) < max(earlier)  # the 2024 passages are not all at the end
    assert not any(f["kind"] == "published_after" for r in rows for f in r["flags"])


def test_sentences_continuing_an_attributed_one_inherit_it(run, article_db):
    add_library(run)
    found = claims(run)
    root = found[(9, 1)]
    assert root["attribution"] == {"phrase": JUNE_REPORT, "source_key": "S/TEST/2023/14", "inherited_from": None}
    for sentence in (2, 3, 4):
        assert shown(run, found[(9, sentence)]["id"])["attribution"] == {
            "phrase": JUNE_REPORT,
            "source_key": "S/TEST/2023/14",
            "inherited_from": root["id"],
            "via": "paragraph",
        }
    # "That same report declares …" refers back explicitly; the sentence after it continues it.
    assert found[(10, 1)]["attribution"]["inherited_from"] == root["id"]
    assert "via" not in found[(10, 1)]["attribution"]
    assert found[(10, 2)]["attribution"]["via"] == "paragraph"
    assert found[(10, 2)]["attribution"]["inherited_from"] == root["id"]
    assert found[(11, 1)]["attribution"] is None  # a new paragraph ends it
    assert found[(8, 1)]["attribution"] is None
    text = " ".join(run("claim", "show", str(found[(9, 3)]["id"])).stdout.split())
    assert f'attribution: "{JUNE_REPORT}" -> S/TEST/2023/14, inherited from claim {root["id"]} earlier in' in text
    assert "weaker than an explicit attribution" in text
    explicit = run("claim", "show", str(root["id"])).stdout
    assert "weaker" not in explicit and "inherited" not in explicit


@pytest.mark.usefixtures("dated_article")
def test_suggestions_from_another_report_name_the_attributed_one(run):
    found = claims(run)
    for position in ((9, 1), (9, 2)):
        rows = suggest(run, found[position]["id"])
        others = [r for r in rows if r["source_key"] == "S/TEST/2022/419"]
        assert others
        for row in rows:
            flags = [f for f in row["flags"] if f["kind"] == "other_report"]
            if row["source_key"] == "S/TEST/2023/14":
                assert flags == []
            else:
                assert len(flags) == 1 and flags[0]["claim"] == "S/TEST/2023/14"
        message = next(f["detail"] for f in others[0]["flags"] if f["kind"] == "other_report")
        named = "the author names" if position == (9, 1) else "the paragraph's attribution names"
        assert message == (
            f"{named} S/TEST/2023/14 (fourteenth report, 2023-06-01); this passage is from "
            "S/TEST/2022/419 (thirteenth report, 2022-05-26) of the same series"
        )
    # a claim with no attribution gets no other_report flag
    assert not any(f["kind"] == "other_report" for r in suggest(run, found[(11, 4)]["id"]) for f in r["flags"])


@pytest.mark.usefixtures("dated_article")
def test_series_is_read_from_the_title_and_can_be_corrected(run, workspace):
    source = json.loads(run("source", "show", "S/TEST/2022/419", "--format", "json").stdout)
    assert source["series"] == "Analytical Support and Sanctions Monitoring Team"
    result = run("source", "edit", "S/TEST/2022/419", "--series", "Panel of Experts on Somalia")
    assert result.exit_code == 0, result.stderr
    assert workspace.query("SELECT series FROM source WHERE key = 'S/TEST/2022/419' AND is_current")[0][0] == (
        "Panel of Experts on Somalia"
    )
    rows = suggest(run, claims(run)[(9, 1)]["id"])
    message = next(
        f["detail"]
        for r in rows
        if r["source_key"] == "S/TEST/2022/419"
        for f in r["flags"]
        if f["kind"] == "other_report"
    )
    assert message.endswith("S/TEST/2022/419 (thirteenth report, 2022-05-26)")  # no longer "of the same series"


def test_an_html_articles_publication_date_is_read_from_its_metadata(run, workspace, tmp_path):
    page = tmp_path / "article.html"
    page.write_text(
        '<html><head><title>T</title><meta property="article:published_time" content="2024-01-10T09:00:00+00:00">'
        "</head><body><article><h1>The Taliban and al-Qaeda</h1><p>According to a June 2023 UN report, "
        "there are around 400 al-Qaeda fighters in Afghanistan.</p></article></body></html>",
        encoding="utf-8",
    )
    assert run("init").exit_code == 0
    assert run("article", "add", str(page)).exit_code == 0
    assert workspace.query("SELECT published FROM article") == [("2024-01-10",)]
    other = tmp_path / "other.html"
    other.write_text(page.read_text(encoding="utf-8").replace("<h1>The", "<h1>Another"), encoding="utf-8")
    assert run("article", "add", str(other), "--published", "2023-12-31").exit_code == 0
    assert sorted(workspace.query("SELECT published FROM article")) == [("2023-12-31",), ("2024-01-10",)]


@pytest.mark.usefixtures("dated_article")
def test_evidence_linked_from_a_report_dated_after_the_article_is_flagged(run, workspace):
    found = claims(run)
    claim = found[(9, 2)]["id"]
    later = next(r for r in suggest(run, claim) if r["source_key"] == "S/TEST/2024/92")
    earlier = next(r for r in suggest(run, claim) if r["source_key"] == "S/TEST/2023/14")
    for row in (later, earlier):
        result = run(
            "evidence",
            "link",
            str(claim),
            "--source",
            row["source_key"],
            "--passage",
            str(row["passage_id"]),
            "--stance",
            "supports",
        )
        assert result.exit_code == 0, result.stderr
    listed = json.loads(run("evidence", "list", str(claim), "--format", "json").stdout)
    flags = {e["source_key"]: [f["kind"] for f in e["flags"]] for e in listed}
    assert "published_after" in flags["S/TEST/2024/92"] and "published_after" not in flags["S/TEST/2023/14"]
    refused = run("claim", "mark", str(claim), "verified", "--note", "the 400")
    assert refused.exit_code == 2
    assert "published_after (this report is dated 2024-06-15; the article was published 2024-01-01)" in " ".join(
        refused.stderr.split()
    )
