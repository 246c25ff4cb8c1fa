"""Write commands print the changed object with --format json; evidence suggest ranks many claims in one run.

docs/json.md and tests/cli/test_json_shapes.py say which keys; here, what
the values say: the change is in the printed object and in the database, the
object is the one the read command prints, a refusal prints nothing on stdout.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.golden.update import UN, template


@pytest.fixture
def desk(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def claim_id(workspace, paragraph: int, sentence: int) -> int:
    [(found,)] = workspace.query("SELECT id FROM claim WHERE paragraph = ? AND sentence = ?", paragraph, sentence)
    return found


def as_json(result) -> dict | list:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_claim_writes_print_the_claim_as_claim_show_does(desk, run):
    claim = claim_id(desk, 1, 1)
    marked = as_json(run("claim", "mark", str(claim), "in_progress", "--format", "json"))
    assert (marked["id"], marked["status"], marked["updated_by"]) == (claim, "in_progress", "tester")
    assert marked == as_json(run("claim", "show", str(claim), "--format", "json"))
    noted = as_json(run("claim", "note", str(claim), "Ask the UN desk", "--format", "json"))
    assert [(n["by"], n["text"]) for n in noted["notes"]] == [("tester", "Ask the UN desk")]
    assigned = as_json(run("claim", "assign", str(claim), "bob", "--format", "json"))
    assert assigned["assignee"] == "bob" and assigned["version"] == marked["version"] + 1
    kind = as_json(run("claim", "kind", str(claim), "opinion", "--format", "json"))
    assert kind["kind"] == "opinion" and [h["action"] for h in kind["history"]][-1] == "kind"
    assert desk.query("SELECT status, assignee, kind FROM claim WHERE id = ?", claim) == [
        ("in_progress", "bob", "opinion")
    ]


def test_a_signoff_prints_the_claim_with_the_signoff_in_its_history(desk, run):
    claim = claim_id(desk, 7, 1)  # verified by bob, not signed off
    shown = as_json(run("claim", "signoff", str(claim), "--note", "Read it", "--format", "json", user="editor"))
    last = shown["history"][-1]
    assert (last["action"], last["by"], last["new"], last["note"]) == ("signoff", "editor", "verified", "Read it")


def test_a_refused_write_prints_nothing_on_stdout(desk, run):
    before = desk.dump()
    result = run("claim", "mark", str(claim_id(desk, 1, 1)), "unsupported", "--format", "json")
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.startswith("verify: ")
    assert desk.dump() == before


def test_evidence_link_and_retract_print_the_evidence(desk, run):
    claim = claim_id(desk, 9, 2)
    linked = as_json(
        run(
            "evidence",
            "link",
            str(claim),
            "--source",
            UN,
            "--stance",
            "context",
            "--quote",
            "Al-Qaida is assessed to have approximately 400 fighters in Afghanistan",
            "--format",
            "json",
        )
    )
    assert (linked["claim_id"], linked["source_key"], linked["stance"], linked["by"]) == (
        claim,
        UN,
        "context",
        "tester",
    )
    assert linked in as_json(run("evidence", "list", str(claim), "--format", "json"))
    retracted = as_json(run("evidence", "retract", str(linked["id"]), "--reason", "wrong claim", "--format", "json"))
    assert (retracted["id"], retracted["retracted"], retracted["retracted_by"], retracted["retraction_reason"]) == (
        linked["id"],
        True,
        "tester",
        "wrong claim",
    )
    assert desk.query("SELECT retracted_by FROM evidence WHERE id = ?", linked["id"]) == [("tester",)]


def test_source_add_and_edit_print_the_source(desk, run, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("A note\n\n1. One fictional paragraph about the camps and their fighters.\n", encoding="utf-8")
    added = as_json(run("source", "add", str(note), "--key", "camp-note", "--format", "json"))
    assert (added["key"], added["outcome"], added["passages"], added["retrieved"]) == ("camp-note", "added", 1, True)
    shown = as_json(run("source", "show", "camp-note", "--format", "json"))
    assert {k: v for k, v in added.items() if k in shown} == shown
    edited = as_json(run("source", "edit", "camp-note", "--title", "Camp note", "--format", "json"))
    assert edited["title"] == "Camp note" and edited == as_json(run("source", "show", "camp-note", "--format", "json"))


def test_suggest_for_a_whole_article_prints_one_json_line_per_claim(desk, run):
    listed = as_json(run("claim", "list", "--article", "1", "--format", "json"))
    result = run("evidence", "suggest", "--article", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["claim_id"] for line in lines] == [c["id"] for c in listed]
    fighters = claim_id(desk, 9, 2)
    [line] = [line for line in lines if line["claim_id"] == fighters]
    assert line["suggestions"] == as_json(run("evidence", "suggest", str(fighters), "--format", "json"))
    assert line["suggestions"][0]["source_key"] == UN


def test_suggest_for_many_claims_filters_by_status_and_writes_csv(desk, run):
    result = run("evidence", "suggest", "--all-claims", "--status", "verified", "--all", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    verified = {c for (c,) in desk.query("SELECT id FROM claim WHERE status = 'verified'")}
    assert rows and {int(r["claim_id"]) for r in rows} == verified
    assert result.stdout.count("claim_id,passage_id") == 1  # one header for all claims


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["evidence", "suggest"], "give one of: a claim id, --article ID or --all-claims"),
        (["evidence", "suggest", "3", "--article", "1"], "give one of: a claim id, --article ID or --all-claims"),
        (["evidence", "suggest", "--article", "1", "--all-claims"], "give one of"),
        (["evidence", "suggest", "3", "--status", "verified"], "--status applies to --article and --all-claims"),
        (["evidence", "suggest", "--article", "9"], "no article with id 9"),
        (["evidence", "suggest", "--article", "1", "--status", "sure"], "sure"),
    ],
)
def test_a_wrong_batch_request_is_refused(desk, run, args, says):
    result = run(*args, "--format", "json")
    assert result.exit_code == 2 and says in result.stderr and result.stdout == "", result.stderr


def test_what_needs_an_eye_goes_to_stderr_and_stdout_stays_json(desk, run):
    verified = claim_id(desk, 2, 1)  # verified on the report's para. 1
    result = run(
        "evidence",
        "link",
        str(verified),
        "--source",
        UN,
        "--stance",
        "contradicts",
        "--quote",
        "Al-Qaida is assessed to have approximately 400 fighters in Afghanistan",
        "--accept-difference",
        "just in case",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    linked = json.loads(result.stdout)
    assert (linked["stance"], linked["difference_reason"]) == ("contradicts", None)
    assert "--accept-difference was not needed" in result.stderr
    assert f"warning: claim {verified} is verified but" in result.stderr
