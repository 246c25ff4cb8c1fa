"""``verify search QUERY [--source KEY] [--limit N] [--format]``: ranked passages with locators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unpdf import SYMBOL, make_report

DATA = Path(__file__).resolve().parent.parent / "data"
KEYS = {"source_key", "passage_id", "locator", "paragraph", "page", "score", "snippet", "text"}


@pytest.fixture
def library(run, workspace, tmp_path):
    """The generated PDF report and the small text report."""
    assert run("init").exit_code == 0
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_report().pdf)
    assert run("source", "add", str(pdf)).exit_code == 0
    assert run("source", "add", str(DATA / "un_small_report.txt"), "--key", "small").exit_code == 0
    return workspace


def search(run, *args: str) -> list[dict]:
    result = run("search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_hits_best_first_with_locators_and_marked_snippets(run, library):
    hits = search(run, "safe houses Herat Helmand")
    assert hits, "expected matches"
    assert all(set(hit) == KEYS for hit in hits)
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    best = hits[0]
    assert (best["source_key"], best["locator"], best["paragraph"], best["page"]) == (SYMBOL, "annex I, para. 1", 1, 4)
    assert best["text"] == (
        "The Team received information that Al-Qaida maintains safe houses in Herat, Helmand and Kabul provinces."
    )
    assert best["snippet"] == (
        "The Team received information that Al-Qaida maintains **safe** **houses** in "
        "**Herat**, **Helmand** and Kabul provinces."
    )
    ids = {row[0] for row in library.query("SELECT id FROM passage")}
    assert {hit["passage_id"] for hit in hits} <= ids


def test_words_are_stemmed_and_case_folded(run, library):
    hits = search(run, "FIGHTER recruit")
    locators = {(h["source_key"], h["locator"]) for h in hits}
    assert ("small", "para. 1") in locators  # "fighters"
    assert ("small", "para. 2") in locators  # "recruit"
    assert any("**fighters**" in h["snippet"] for h in hits)


def test_source_option_restricts_and_limit_caps(run, library):
    both = search(run, "Al-Qaida fighters family members")
    assert {h["source_key"] for h in both} == {SYMBOL, "small"}
    only = search(run, "Al-Qaida fighters family members", "--source", "small")
    assert only and {h["source_key"] for h in only} == {"small"}
    assert only[0]["locator"] == "para. 1"
    capped = search(run, "Al-Qaida fighters family members", "--limit", "2")
    assert [h["passage_id"] for h in capped] == [h["passage_id"] for h in both[:2]]


def test_table_output(run, library):
    result = run("search", "Herat Helmand")
    assert result.exit_code == 0
    assert f"1. {SYMBOL}, annex I, para. 1, p. 4" in result.stdout
    assert "Herat" in result.stdout


def test_no_match_is_an_empty_list(run, library):
    assert search(run, "zeppelin archipelago") == []
    result = run("search", "zeppelin archipelago")
    assert result.exit_code == 0 and "No passage matches." in result.stdout


def test_query_syntax_is_not_interpreted(run, library):
    hits = search(run, 'Kabul* OR (NEAR "Herat')
    assert hits and hits[0]["locator"] == "annex I, para. 1"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("Kabul", "--source", "S/9999/1"), "no source with key 'S/9999/1'"),
        (("?! - ...",), "the search has no words"),
        (("Kabul", "--limit", "0"), "--limit must be at least 1"),
    ],
)
def test_bad_searches_exit_2(run, library, args, fragment):
    result = run("search", *args, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]


def test_only_the_current_version_is_searched(run, library, tmp_path):
    first = tmp_path / "g1.txt"
    first.write_text("Guidelines.\n\nThe old wording mentions zeppelins.\n", encoding="utf-8")
    second = tmp_path / "g2.txt"
    second.write_text("Guidelines.\n\nThe new wording mentions balloons.\n", encoding="utf-8")
    assert run("source", "add", str(first), "--key", "guide").exit_code == 0
    assert [h["source_key"] for h in search(run, "zeppelins")] == ["guide"]
    assert run("source", "add", str(second), "--key", "guide").exit_code == 0
    assert search(run, "zeppelins") == []
    assert [h["text"] for h in search(run, "balloons")] == ["The new wording mentions balloons."]


def test_search_in_a_real_process(run_process, library):
    result = run_process("search", "Herat", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["locator"] == "annex I, para. 1"
