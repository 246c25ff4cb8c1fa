"""``verify claim check-quotes``: every direct quotation of the article looked up in the sources.

The shipped article quotes al-Zawahiri three times. Our test source (our own
words, not the real guidelines) contains one of those quotations exactly, a
second with other words where the author put "[local regimes]" and a changed
word, and only a paraphrase of the third. A quotation not found makes the
command exit 1.
"""

from __future__ import annotations

import json

import pytest

KEY = "S/TEST/2023/14"
SOURCE = """\
United Nations                                S/TEST/2023/14

Security Council                              Distr.: General
                                              1 June 2023

Fourteenth test report of the Monitoring Team on Afghanistan

1. The Team notes that the leadership expected its affiliates to survive long wars
with distant powers, draining the resources of those powers over time.

2. In guidance circulated in 2013, the leader wrote that if we are compelled to fight the
rulers of the region, then we must make it plain that our struggle against them is part
of our resistance against the Crusader onslaught.

3. He described the campaign as lengthy and said that its fighters required secure
havens in which to regroup.
"""
LONG_ONE = "is a long one, and jihad is in need of safe bases,"
LOCAL_REGIMES = (
    "If we are forced to fight [local regimes], then we must make it clear that our struggle against them "
    "is a part of our resistance against the Crusader onslaught."
)
CHECK_KEYS = {
    "claim_id",
    "quote",
    "state",
    "source_key",
    "locator",
    "source_text",
    "score",
    "differences",
    "classes",
    "note",
}


@pytest.fixture
def library(run, article_db, tmp_path):
    path = tmp_path / "guidance.txt"
    path.write_text(SOURCE, encoding="utf-8")
    result = run("source", "add", str(path), "--key", KEY)
    assert result.exit_code == 0, result.stderr
    return article_db


def checks(run, *args: str) -> tuple[int, list[dict]]:
    result = run("claim", "check-quotes", *args, "--format", "json")
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def by_quote(rows: list[dict]) -> dict[str, dict]:
    return {r["quote"]: r for r in rows}


def claim_of(workspace, fragment: str) -> int:
    [(claim,)] = workspace.query("SELECT id FROM claim WHERE text LIKE ?", f"%{fragment}%")
    return claim


def test_found_differs_and_not_found(run, library):
    before = library.dump()
    code, rows = checks(run)
    assert code == 1
    for row in rows:
        assert set(row) == CHECK_KEYS
    found = by_quote(rows)
    assert set(found) == {LONG_ONE, LOCAL_REGIMES, "long wars"}

    exact = found["long wars"]
    assert exact["claim_id"] == claim_of(library, "could survive “long wars”")
    assert (exact["state"], exact["source_key"], exact["locator"], exact["source_text"]) == (
        "found",
        KEY,
        "para. 1",
        "long wars",
    )
    assert exact["score"] == 100.0 and exact["differences"] == []

    differs = found[LOCAL_REGIMES]
    assert differs["claim_id"] == claim_of(library, "If we are forced to fight")
    assert (differs["state"], differs["source_key"], differs["locator"]) == ("differs", KEY, "para. 2")
    assert differs["source_text"].startswith(
        "if we are compelled to fight the rulers of the region, then we must make it plain"
    )
    assert differs["source_text"].endswith("against the Crusader onslaught.")
    assert "quote says forced, source says compelled" in differs["differences"]
    assert "quote says clear, source says plain" in differs["differences"]
    assert len(differs["classes"]) == len(differs["differences"]) and set(differs["classes"]) <= {"other", "edge"}
    assert not any("local" in d or "rulers" in d for d in differs["differences"]), (
        "the bracketed insertion stands for other words"
    )
    assert 0 < differs["score"] < 100

    missing = found[LONG_ONE]
    assert (missing["state"], missing["source_key"], missing["locator"], missing["source_text"]) == (
        "not_found",
        None,
        None,
        None,
    )
    assert missing["differences"] == []
    assert library.dump() == before  # a check writes nothing


def test_table_output(run, library):
    result = run("claim", "check-quotes")
    assert result.exit_code == 1
    out = result.stdout
    assert f"found in {KEY}, para. 1" in out
    assert f"found with differences in {KEY}, para. 2" in out
    assert "- quote says forced, source says compelled" in out
    assert "NOT FOUND" in out and LONG_ONE in out


def test_without_sources_every_quote_is_not_found(run, article_db):
    code, rows = checks(run)
    assert code == 1
    assert len(rows) == 3
    assert {r["state"] for r in rows} == {"not_found"}
    assert all(r["source_key"] is None and r["score"] == 0.0 for r in rows)


def test_a_quote_whose_attributed_source_is_not_retrieved_says_so(run, article_db):
    """Not found because the cited document is not in the archive yet, not because the quote is invented."""
    registered = run(
        "source",
        "register",
        "zawahiri-2013",
        "--title",
        "General Guidelines for the Work of Jihad",
        "--publisher",
        "Ayman al-Zawahiri (al-Qaeda)",
        "--date",
        "2013-09",
    )
    assert registered.exit_code == 0, registered.stderr
    code, rows = checks(run)
    assert code == 1
    notes = {r["quote"]: r["note"] for r in rows}
    assert "zawahiri-2013 is not retrieved yet" in notes[LOCAL_REGIMES]
    table = run("claim", "check-quotes")
    assert "NOT FOUND (its attributed source zawahiri-2013 is not retrieved yet" in table.stdout


def test_an_article_whose_quotes_are_all_found_passes(run, library, tmp_path):
    article = tmp_path / "short.txt"
    article.write_text(
        "A Short Test Piece\n"
        "The Monitoring Team wrote that the leadership “expected its affiliates to survive long wars with distant "
        "powers”.\n"
        "Its guidance said fighters “required secure … in which to regroup.”\n",
        encoding="utf-8",
    )
    added = run("article", "add", str(article))
    assert added.exit_code == 0, added.stderr
    [(article_id,)] = library.query("SELECT id FROM article WHERE title = ?", "A Short Test Piece")
    code, rows = checks(run, "--article", str(article_id))
    assert code == 0
    assert [(r["state"], r["locator"]) for r in rows] == [("found", "para. 1"), ("found", "para. 3")]
    assert rows[1]["source_text"] == "required secure havens in which to regroup."  # the ellipsis stands for "havens"
    code, rows = checks(run, "--article", "1")
    assert code == 1 and len(rows) == 3


def test_unknown_article_exits_2(run, library):
    result = run("claim", "check-quotes", "--article", "99")
    assert result.exit_code == 2
    assert "no article with id 99" in result.stderr


def test_differences_are_classified_and_the_span_covers_the_whole_quotation(run, library, tmp_path):
    """The same word-by-word comparison as 'evidence link': a class per difference, never a trimmed span."""
    article = tmp_path / "differing.txt"
    article.write_text(
        "A Differing Test Piece\n"
        "The Team wrote that “this leadership expected its affiliates to survive long wars”.\n"
        "It added that “In guidance circulated in 2014, the leader wrote” about the region.\n"
        'And that fighters "required secure havens in which to regroup".\n',
        encoding="utf-8",
    )
    assert run("article", "add", str(article)).exit_code == 0
    [(article_id,)] = library.query("SELECT id FROM article WHERE title = ?", "A Differing Test Piece")
    code, rows = checks(run, "--article", str(article_id))
    assert code == 0
    edge, date, typographic = rows
    assert (edge["state"], edge["differences"], edge["classes"]) == (
        "differs",
        ["quote says this, source says the"],
        ["edge"],
    )
    assert edge["source_text"] == "the leadership expected its affiliates to survive long wars"
    assert (date["state"], date["differences"], date["classes"]) == (
        "differs",
        ["quote says 2014, source says 2013"],
        ["date"],
    )
    assert date["source_text"] == "In guidance circulated in 2013, the leader wrote"
    assert (typographic["state"], typographic["differences"], typographic["classes"]) == ("found", [], [])
