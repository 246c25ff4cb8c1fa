"""``verify evidence link|list|retract|suggest`` through the CLI.

A linked quote is anchored in the stored source text; what is stored is the
source's own characters (with what the checker typed kept beside it), the
passage's locator and prefix/suffix context. Anything refused exits 2 with
one line on stderr and leaves the database as it was.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ARTICLE

KEY = "S/TEST/2023/14"
OTHER = "S/TEST/2024/20"
# A small UN-style report in our own words; blank lines separate paragraphs,
# line breaks inside a paragraph are soft (joined with a space).
SOURCE = """\
United Nations                                S/TEST/2023/14

Security Council                              Distr.: General
                                              1 June 2023

Fourteenth test report of the Monitoring Team on Afghanistan

II. Findings

1. Member States indicate that the group’s leadership keeps a “low profile” in Kabul and
Kandahar, and that senior figures number in the dozens.

2. The group’s ﬁnancing relies on welfare payments – some of which reach
affiliates in Afghanistan and beyond.

3. Training camps were reported in Helmand and Zabul. One Member State
assessed that the camps host around 400 fighters.

4. Training camps were reported in Helmand and Zabul. Another Member State
could not confirm the figure.
"""
OTHER_SOURCE = """\
Twentieth test report of the Monitoring Team

1. The group was assessed to number some 400 fighters in Afghanistan, with relatives.

2. Safe houses were reported in Kabul and Herat.

3. The Team will report further.
"""
EVIDENCE_KEYS = {
    "id",
    "claim_id",
    "source_key",
    "source_title",
    "passage_id",
    "locator",
    "page",
    "stance",
    "quote",
    "anchor",
    "note",
    "by",
    "at",
    "retracted",
    "retracted_at",
    "retracted_by",
    "retraction_reason",
    "flags",
    "flags_accepted",
    "submitted_quote",
    "difference_reason",
    "kind",
    "source_internal",
}
SUGGESTION_KEYS = {
    "passage_id",
    "source_key",
    "locator",
    "paragraph",
    "page",
    "score",
    "relevance",
    "relevant",
    "text",
    "matched_terms",
    "flags",
    "note",
}


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """Built once per module: the shipped article (article.db), and it plus our report (library.db, sources/)."""
    from typer.testing import CliRunner

    from verify.cli.app import app

    root = tmp_path_factory.mktemp("template")
    env = {"VERIFY_USER": "tester", "VERIFY_NOW": "", "NO_COLOR": "1"}

    def invoke(db: str, *args: str) -> None:
        result = CliRunner().invoke(
            app, ["--db", str(root / db), "--sources", str(root / "sources"), *args], env=env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.stderr

    invoke("article.db", "init")
    invoke("article.db", "article", "add", str(ARTICLE))
    copy_db(root / "article.db", root / "library.db")
    (root / "report.txt").write_text(SOURCE, encoding="utf-8")
    invoke("library.db", "source", "add", str(root / "report.txt"), "--key", KEY)
    return root


def copy_db(source_path: Path, target_path: Path) -> None:
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


@pytest.fixture
def library(workspace, templates):
    """The article plus our test report (added as a .txt source with ``source add --key``)."""
    return workspace.restore(templates / "library.db", templates / "sources")


def claim_id(workspace, fragment: str) -> int:
    rows = workspace.query("SELECT id FROM claim WHERE text LIKE ?", f"%{fragment}%")
    assert len(rows) == 1, rows
    return rows[0][0]


def fighters(workspace) -> int:
    return claim_id(workspace, "around 400 al-Qaeda fighters")


def source_text(workspace, key: str = KEY) -> str:
    return workspace.query("SELECT text FROM source WHERE key = ? AND is_current", key)[0][0]


def passage_id(workspace, locator: str, key: str = KEY) -> int:
    return workspace.query(
        "SELECT p.id FROM passage p JOIN source s ON s.id = p.source_id WHERE s.key = ? AND s.is_current AND "
        "p.locator = ?",
        key,
        locator,
    )[0][0]


def evidence_row(workspace, evidence_id: int) -> dict:
    [row] = workspace.rows("SELECT * FROM evidence WHERE id = ?", evidence_id)
    return row


def link(run, claim: int, *args: str, user: str | None = None):
    return run("evidence", "link", str(claim), "--source", KEY, "--stance", "supports", *args, user=user)


def listed(run, claim: int) -> list[dict]:
    result = run("evidence", "list", str(claim), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- link


def test_exact_quote_is_stored_with_passage_locator_and_context(run, library):
    claim = fighters(library)
    version = library.query("SELECT version FROM claim WHERE id = ?", claim)[0][0]
    result = link(run, claim, "--quote", "the camps host around 400 fighters", "--note", "numbers agree", user="ana")
    assert result.exit_code == 0, result.stderr
    assert f"evidence 1 linked to claim {claim}: supports · {KEY} para. 3 (exact match)" in result.stdout
    row = evidence_row(library, 1)
    text = source_text(library)
    assert row["quote"] == "the camps host around 400 fighters" == text[row["start"] : row["end"]]
    assert row["submitted_quote"] is None
    assert row["locator"] == "para. 3" and row["passage_id"] == passage_id(library, "para. 3")
    assert row["prefix"] == text[row["start"] - 40 : row["start"]] and row["prefix"].endswith(
        "Member State assessed that "
    )
    assert row["suffix"] == text[row["end"] : row["end"] + 40] and row["suffix"].startswith(".")
    assert (row["anchor"], row["anchor_score"], row["stance"], row["note"], row["added_by"]) == (
        "exact",
        100.0,
        "supports",
        "numbers agree",
        "ana",
    )
    events = library.query("SELECT actor, claim_id, evidence_id, new FROM event WHERE action = 'evidence_link'")
    assert events == [("ana", claim, 1, f"supports: {KEY} para. 3")]
    assert library.query("SELECT version, updated_by FROM claim WHERE id = ?", claim) == [(version + 1, "ana")]
    [shown] = listed(run, claim)
    assert set(shown) == EVIDENCE_KEYS
    assert (shown["source_key"], shown["locator"], shown["quote"], shown["retracted"]) == (
        KEY,
        "para. 3",
        "the camps host around 400 fighters",
        False,
    )


@pytest.mark.parametrize(
    ("typed", "stored", "locator"),
    [
        pytest.param(
            'keeps a "low profile" in Kabul', "keeps a “low profile” in Kabul", "para. 1", id="straight-quotes"
        ),
        pytest.param(
            "The group's financing relies on welfare payments - some of which",
            "The group’s ﬁnancing relies on welfare payments – some of which",
            "para. 2",
            id="apostrophe-ligature-dash",
        ),
        pytest.param(
            "in Kabul and\nKandahar,   and that senior",
            "in Kabul and Kandahar, and that senior",
            "para. 1",
            id="whitespace",
        ),
        pytest.param("MEMBER STATES INDICATE", "Member States indicate", "para. 1", id="case"),
        pytest.param(
            "affiliates in Afghani-\nstan and beyond",
            "affiliates in Afghanistan and beyond",
            "para. 2",
            id="line-end-hyphen",
        ),
    ],
)
def test_typographic_drift_stores_the_sources_own_text(run, library, typed, stored, locator):
    claim = fighters(library)
    result = link(run, claim, "--quote", typed)
    assert result.exit_code == 0, result.stderr
    assert "matched after normalising typography" in result.stdout
    assert f"stored as the source's text: “{stored}”" in result.stdout
    row = evidence_row(library, 1)
    assert row["quote"] == stored == source_text(library)[row["start"] : row["end"]]
    assert row["submitted_quote"] == typed
    assert (row["locator"], row["anchor"]) == (locator, "normalized")
    assert [e["quote"] for e in listed(run, claim)] == [stored]


def test_a_reworded_quote_is_refused_then_linked_as_the_source_has_it_when_accepted(run, library):
    claim = fighters(library)
    before = library.dump()
    refused = link(run, claim, "--quote", "the camps hold around 400 fighters")
    assert refused.exit_code == 2 and refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "quote says hold, source says host (para. 3)" in line and "--accept-difference" in line
    assert library.dump() == before

    result = link(run, claim, "--quote", "the camps hold around 400 fighters", "--accept-difference", "a typo of mine")
    assert result.exit_code == 0, result.stderr
    assert "fuzzy match, score 9" in result.stdout
    assert "stored as the source's text: “the camps host around 400 fighters”" in result.stdout
    assert "⚑ quote_difference (other): quote says hold, source says host" in result.stdout
    row = evidence_row(library, 1)
    assert row["quote"] == "the camps host around 400 fighters"
    assert row["submitted_quote"] == "the camps hold around 400 fighters"
    assert row["difference_reason"] == "a typo of mine"
    assert row["anchor"] == "fuzzy" and 90 <= row["anchor_score"] < 100
    assert row["locator"] == "para. 3"
    assert row["prefix"] and row["suffix"]
    [shown] = listed(run, claim)
    assert shown["quote"] == "the camps host around 400 fighters" and shown["anchor"] == "fuzzy"
    assert (
        shown["submitted_quote"] == "the camps hold around 400 fighters"
        and shown["difference_reason"] == "a typo of mine"
    )
    assert shown["flags"] == [
        {
            "kind": "quote_difference",
            "detail": "quote says hold, source says host",
            "class": "other",
            "quote": "hold",
            "source": "host",
            "locator": "para. 3",
        }
    ]


def test_a_whole_passage_can_be_linked(run, library):
    claim = fighters(library)
    passage = passage_id(library, "para. 2")
    result = run("evidence", "link", str(claim), "--source", KEY, "--passage", str(passage), "--stance", "context")
    assert result.exit_code == 0, result.stderr
    row = evidence_row(library, 1)
    passage_text = library.query("SELECT text FROM passage WHERE id = ?", passage)[0][0]
    assert row["quote"] == passage_text
    assert passage_text.startswith("The group’s ﬁnancing") and not passage_text.startswith("2.")
    assert (row["passage_id"], row["locator"], row["stance"], row["submitted_quote"]) == (
        passage,
        "para. 2",
        "context",
        None,
    )


def test_locator_can_be_overridden(run, library):
    claim = fighters(library)
    result = link(run, claim, "--quote", "the camps host around 400 fighters", "--locator", "para. 3, second sentence")
    assert result.exit_code == 0, result.stderr
    assert "para. 3, second sentence" in result.stdout
    row = evidence_row(library, 1)
    assert row["locator"] == "para. 3, second sentence"
    assert row["passage_id"] == passage_id(library, "para. 3")


def test_an_unanchorable_quote_is_refused_with_the_closest_passage(run, library):
    claim = fighters(library)
    before = library.dump()
    result = link(run, claim, "--quote", "Another Member State could confirm that the figure was much higher")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "quote not found in S/TEST/2023/14" in lines[0]
    assert "para. 4" in lines[0] and "score" in lines[0]
    assert "Traceback" not in result.stderr
    assert library.dump() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--source", "S/NOPE/1", "--stance", "supports", "--quote", "camps"],
            "no source with key 'S/NOPE/1'",
            id="unknown-source",
        ),
        pytest.param(
            ["--source", "S/2023/370", "--stance", "supports", "--quote", "camps"],
            "registered but not retrieved",
            id="not-retrieved",
        ),
        pytest.param(
            ["--source", KEY, "--stance", "maybe", "--quote", "camps"], "unknown stance 'maybe'", id="bad-stance"
        ),
        pytest.param(
            ["--source", KEY, "--stance", "supports", "--quote", "camps"],
            "quote too short to be evidence (1 word); quote at least 3 words",
            id="one-word",
        ),
        pytest.param(
            ["--source", KEY, "--stance", "supports", "--quote", "the camps"],
            "quote too short to be evidence (2 words)",
            id="two-words",
        ),
        pytest.param(
            ["--source", KEY, "--stance", "supports", "--quote", "the", "--passage", "1"],
            "quote too short to be evidence",
            id="short-in-passage",
        ),
        pytest.param(["--source", KEY, "--stance", "supports"], "exactly one of --quote", id="neither"),
        pytest.param(
            ["--source", KEY, "--stance", "supports", "--passage", "999"],
            "passage 999 is not a passage of source",
            id="foreign-passage",
        ),
    ],
)
def test_bad_link_input_exits_2_and_changes_nothing(run, library, args, message):
    assert run("source", "register", "S/2023/370").exit_code == 0
    before = library.dump()
    result = run("evidence", "link", str(fighters(library)), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert library.dump() == before


def test_a_quote_found_only_outside_every_passage_is_refused(run, library):
    # the report's title line is in the text but in no passage: it has no locator to cite
    claim = fighters(library)
    title = "Fourteenth test report of the Monitoring Team on Afghanistan"
    assert title in source_text(library)
    before = library.dump()
    for quote in (title, "test report of the Monitoring Team"):
        result = link(run, claim, "--quote", quote)
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"quote found in {KEY} only outside every passage" in lines[0]
        assert "closest passage para. " in lines[0]
    assert library.dump() == before


def test_a_quote_in_several_passages_is_refused_unless_the_passage_is_given(run, library):
    claim = fighters(library)
    quote = "Training camps were reported in Helmand and Zabul."  # opens both para. 3 and para. 4
    para3, para4 = passage_id(library, "para. 3"), passage_id(library, "para. 4")
    before = library.dump()
    result = link(run, claim, "--quote", quote)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert (
        f"quote appears in 2 passages of {KEY} (para. 3 [passage {para3}], para. 4 [passage {para4}]); quote more words"
        in lines[0]
    )
    assert "--passage ID" in lines[0]
    assert library.dump() == before

    chosen = link(run, claim, "--quote", quote, "--passage", str(para4))
    assert chosen.exit_code == 0, chosen.stderr
    assert f"{KEY} para. 4 (exact match)" in chosen.stdout
    row = evidence_row(library, 1)
    assert (row["passage_id"], row["locator"], row["quote"]) == (para4, "para. 4", quote)
    assert source_text(library)[row["start"] : row["end"]] == quote

    # more words make it unique
    longer = link(run, claim, "--quote", "Zabul. One Member State assessed")
    assert longer.exit_code == 0, longer.stderr
    assert evidence_row(library, 2)["locator"] == "para. 3"


def test_a_quote_not_in_the_given_passage_is_refused(run, library):
    claim = fighters(library)
    para1 = passage_id(library, "para. 1")
    before = library.dump()
    result = link(run, claim, "--quote", "the camps host around 400 fighters", "--passage", str(para1))
    assert result.exit_code == 2
    assert f"quote not found in para. 1 (passage {para1}) of {KEY}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert library.dump() == before


def test_unknown_claim_exits_2(run, library):
    before = library.dump()
    result = run("evidence", "link", "9999", "--source", KEY, "--stance", "supports", "--quote", "the camps host")
    assert result.exit_code == 2
    assert "no claim with id 9999" in result.stderr
    assert library.dump() == before
    listing = run("evidence", "list", "9999")
    assert listing.exit_code == 2 and "no claim with id 9999" in listing.stderr


# ---------------------------------------------------------------- retract


def test_retraction_keeps_the_row_and_logs_it(run, library):
    claim = fighters(library)
    assert link(run, claim, "--quote", "the camps host around 400 fighters").exit_code == 0
    result = run("evidence", "retract", "1", "--reason", "wrong paragraph", user="bea")
    assert result.exit_code == 0, result.stderr
    assert "evidence 1 retracted" in result.stdout
    row = evidence_row(library, 1)
    assert row["quote"] == "the camps host around 400 fighters"
    assert row["retracted_by"] == "bea" and row["retraction_reason"] == "wrong paragraph" and row["retracted_at"]
    assert library.query("SELECT actor, evidence_id, note FROM event WHERE action = 'evidence_retract'") == [
        ("bea", 1, "wrong paragraph")
    ]
    [shown] = listed(run, claim)
    assert shown["retracted"] is True and shown["retraction_reason"] == "wrong paragraph"
    table = run("evidence", "list", str(claim))
    assert "retracted" in table.stdout

    before = library.dump()
    again = run("evidence", "retract", "1", "--reason", "still wrong")
    assert again.exit_code == 2 and "already retracted" in again.stderr
    assert library.dump() == before


@pytest.mark.parametrize("args", [[], ["--reason", "   "]], ids=["missing", "blank"])
def test_retraction_needs_a_reason(run, library, args):
    assert link(run, fighters(library), "--quote", "the camps host around 400 fighters").exit_code == 0
    before = library.dump()
    result = run("evidence", "retract", "1", *args)
    assert result.exit_code == 2
    assert "--reason" in result.stderr
    assert library.dump() == before


def test_retracting_unknown_evidence_exits_2(run, library):
    result = run("evidence", "retract", "42", "--reason", "x")
    assert result.exit_code == 2 and "no evidence with id 42" in result.stderr


@pytest.mark.parametrize("verdict", ["verified", "partly_verified"])
def test_retracting_the_last_support_reopens_the_claim(run, library, verdict):
    claim = fighters(library)
    assert link(run, claim, "--quote", "the camps host around 400 fighters").exit_code == 0
    assert run("claim", "mark", str(claim), verdict, "--note", "the 400").exit_code == 0
    result = run("evidence", "retract", "1", "--reason", "misread the figure")
    assert result.exit_code == 0, result.stderr
    assert f"claim {claim}: {verdict} -> in_progress (no supporting evidence left)" in result.stdout
    assert library.query("SELECT status FROM claim WHERE id = ?", claim) == [("in_progress",)]
    [(old, new, note)] = library.query(
        "SELECT old, new, note FROM event WHERE action = 'status' AND new = 'in_progress' AND claim_id = ?", claim
    )
    assert (old, new) == (verdict, "in_progress") and "misread the figure" in note

    before = library.dump()
    refused = run("claim", "mark", str(claim), "verified")
    assert refused.exit_code == 2
    assert "needs at least one supporting evidence" in refused.stderr
    assert library.dump() == before


def test_a_verdict_with_support_left_stays(run, library):
    claim = fighters(library)
    assert link(run, claim, "--quote", "the camps host around 400 fighters").exit_code == 0
    assert (
        link(
            run,
            claim,
            "--quote",
            "Training camps were reported in Helmand and Zabul",
            "--passage",
            str(passage_id(library, "para. 3")),
        ).exit_code
        == 0
    )
    assert run("claim", "mark", str(claim), "verified").exit_code == 0
    result = run("evidence", "retract", "1", "--reason", "duplicate")
    assert result.exit_code == 0
    assert "->" not in result.stdout
    assert library.query("SELECT status FROM claim WHERE id = ?", claim) == [("verified",)]


# ---------------------------------------------------------------- suggest


def suggest(run, *args: str) -> tuple[int, list[dict]]:
    result = run("evidence", "suggest", *args, "--format", "json")
    assert "Traceback" not in result.stderr
    return result.exit_code, (json.loads(result.stdout) if result.exit_code == 0 else [])


def test_suggest_json_shape_and_order(run, library, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(OTHER_SOURCE, encoding="utf-8")
    assert run("source", "add", str(other), "--key", OTHER).exit_code == 0
    claim = fighters(library)
    code, rows = suggest(run, str(claim), "--all")
    assert code == 0
    assert rows, "the passages naming 400 fighters should be suggested"
    assert len(rows) <= 5
    for row in rows:
        assert set(row) == SUGGESTION_KEYS
        assert isinstance(row["passage_id"], int) and isinstance(row["score"], float)
        assert isinstance(row["relevance"], float) and isinstance(row["relevant"], bool)
        assert row["source_key"] in (KEY, OTHER)
        assert isinstance(row["matched_terms"], list) and isinstance(row["flags"], list)
        for flag in row["flags"]:
            assert {"kind", "claim", "passage", "detail"} <= set(flag)
        assert row["locator"].startswith("para. ") and row["paragraph"] == int(row["locator"].split()[-1])
        assert row["page"] is None
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert {r["source_key"] for r in rows} == {KEY, OTHER}

    code, only = suggest(run, str(claim), "--source", OTHER)
    assert code == 0 and only and {r["source_key"] for r in only} == {OTHER}
    code, one = suggest(run, str(claim), "--limit", "1", "--all")
    assert code == 0 and len(one) == 1 and one[0] == rows[0]
    code, relevant = suggest(run, str(claim))
    assert code == 0 and relevant == [r for r in rows if r["relevant"]]

    table = run("evidence", "suggest", str(claim))
    assert table.exit_code == 0 and "score" in table.stdout


def test_suggest_bad_input(run, library):
    assert run("evidence", "suggest", "9999").exit_code == 2
    result = run("evidence", "suggest", str(fighters(library)), "--source", "S/NOPE/1")
    assert result.exit_code == 2 and "no source with key" in result.stderr
    result = run("evidence", "suggest", str(fighters(library)), "--limit", "0")
    assert result.exit_code == 2 and "--limit" in result.stderr


def test_suggest_without_sources_is_an_empty_list(run, article_db):
    code, rows = suggest(run, str(fighters(article_db)))
    assert (code, rows) == (0, [])
    table = run("evidence", "suggest", str(fighters(article_db)))
    assert table.exit_code == 0 and "No passage matches" in table.stdout
