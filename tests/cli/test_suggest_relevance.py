"""Suggestions that say when nothing fits, and flags that follow a linked suggestion into verdicts and reports.

The library is the shipped article and the fictional UN-style report
``S/TEST/2023/14`` (tests/data/library): claim 11 ("There is even a
perception that al-Qaeda is unlikely to reconstitute itself …") has no
paragraph in it, on either backend's first stage; claim 26 ("around 400 … up to 2,000")
is supported by para. 14, which gives "about 1,600" in total: a planted
number mismatch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE, REPO

LIBRARY = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
KEY = "S/TEST/2023/14"
NOTHING_FITS = 11
FIGHTERS = 26


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    from verify.cli.app import app

    path = tmp_path_factory.mktemp("relevance") / "claims.db"
    env = {"VERIFY_USER": "tester", "NO_COLOR": "1", "VERIFY_SOURCES": str(path.parent / "sources"), "VERIFY_NOW": ""}
    for args in (["init"], ["article", "add", str(ARTICLE)], ["source", "add", str(LIBRARY)]):
        result = CliRunner().invoke(app, ["--db", str(path), *args], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def desk(workspace, template):
    return workspace.restore(template)


def suggestions(run, *args: str) -> list[dict]:
    result = run("evidence", "suggest", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_no_passage_looks_relevant_instead_of_a_ranked_list_of_noise(run, desk):
    assert (
        "perception that al-Qaeda is unlikely" in desk.query("SELECT text FROM claim WHERE id = ?", NOTHING_FITS)[0][0]
    )
    assert suggestions(run, str(NOTHING_FITS)) == []
    table = run("evidence", "suggest", str(NOTHING_FITS))
    flat = " ".join(table.stdout.split())
    assert table.exit_code == 0 and flat.startswith("No passage looks relevant: the best, S/TEST/2023/14 para.")
    assert "--all lists them anyway" in flat and "score" not in flat
    every = suggestions(run, str(NOTHING_FITS), "--all")
    assert len(every) == 5 and not any(r["relevant"] for r in every)
    assert all(r["relevance"] < 0.26 for r in every)
    shown = " ".join(run("evidence", "suggest", str(NOTHING_FITS), "--all").stdout.split())
    assert shown.count("below the relevance threshold") == 5


def test_a_claim_with_its_paragraph_shows_it_and_counts_the_rest(run, desk):
    rows = suggestions(run, str(FIGHTERS))
    assert rows and rows[0]["locator"] == "para. 14" and all(r["relevant"] for r in rows)
    every = suggestions(run, str(FIGHTERS), "--all")
    assert every[: len(rows)] == rows and len(every) == 5
    table = " ".join(run("evidence", "suggest", str(FIGHTERS)).stdout.split())
    assert f"{5 - len(rows)} more below the relevance threshold: --all lists them." in table


def test_linking_a_suggestion_stores_its_flags_and_the_verdict_must_accept_them(run, desk):
    passage = suggestions(run, str(FIGHTERS))[0]
    assert [f["kind"] for f in passage["flags"]] == ["number_mismatch"]
    linked = run(
        "evidence",
        "link",
        str(FIGHTERS),
        "--source",
        KEY,
        "--stance",
        "supports",
        "--passage",
        str(passage["passage_id"]),
    )
    assert linked.exit_code == 0, linked.stderr
    [(flags,)] = desk.query("SELECT flags FROM evidence")
    stored = json.loads(flags) if isinstance(flags, str) else flags
    assert [(f["kind"], f["detail"]) for f in stored] == [("number_mismatch", passage["flags"][0]["detail"])]
    before = desk.dump()
    refused = run("claim", "mark", str(FIGHTERS), "verified")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert (
        "evidence 1 (S/TEST/2023/14 para. 14): number_mismatch (claim: up to 2,000; passage: about 1,600"
        in refused.stderr
    )
    assert desk.dump() == before
    evidence = json.loads(run("claim", "show", str(FIGHTERS), "--format", "json").stdout)["evidence"][0]
    assert evidence["flags"][0]["kind"] == "number_mismatch" and evidence["flags_accepted"] is None
    accepted = run(
        "claim",
        "mark",
        str(FIGHTERS),
        "partly_verified",
        "--note",
        "400 fighters yes; 2,000 no",
        "--accept-flags",
        "the 2,000 is why it is only partly verified",
    )
    assert accepted.exit_code == 0, accepted.stderr
    evidence = json.loads(run("claim", "show", str(FIGHTERS), "--format", "json").stdout)["evidence"][0]
    assert evidence["flags_accepted"]["reason"] == "the 2,000 is why it is only partly verified"
    shown = " ".join(run("claim", "show", str(FIGHTERS)).stdout.split())
    assert (
        "⚑ number_mismatch: claim: up to 2,000; passage: about 1,600" in shown
        and "(accepted by tester: the 2,000 is why it is only partly verified)" in shown
    )


def test_linking_contradicting_evidence_to_a_verified_claim_warns_and_the_gate_fails(run, desk):
    quote = "The Monitoring Team assesses that Al-Qaida has about 400 fighters in Afghanistan"
    para = desk.query("SELECT text FROM passage WHERE locator = 'para. 14'")[0][0]
    assert (
        run(
            "evidence",
            "link",
            "28",
            "--source",
            KEY,
            "--stance",
            "supports",
            "--passage",
            str(desk.query("SELECT id FROM passage WHERE locator = 'para. 16'")[0][0]),
        ).exit_code
        == 0
    )
    assert run("claim", "mark", "28", "verified").exit_code == 0
    assert run("report", "unsupported", "--fail-on-unsupported", "--format", "json").exit_code == 3  # other claims
    linked = run("evidence", "link", "28", "--source", KEY, "--stance", "contradicts", "--quote", para.split(".")[0])
    assert linked.exit_code == 0, linked.stderr
    assert linked.stderr.startswith(
        "warning: claim 28 is verified but evidence 2 (S/TEST/2023/14 para. 14) contradicts it"
    )
    rows = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert [r["reasons"] for r in rows if r["id"] == 28] == [["conflict"]]
    assert quote  # the paragraph's first sentence is what was linked
