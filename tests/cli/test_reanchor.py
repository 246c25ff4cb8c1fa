"""Re-anchoring evidence when a source gets a new version, and orphaned evidence.

Adding different bytes under the same ``--key`` archives a new version; each
active evidence of the old version is looked up in the new text. Found, it
moves to the new version with its new locator; not found, it stays where it
was, marked ``orphaned``, and ``source check`` / ``status`` report it.
Nothing is deleted either way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

KEY = "S/TEST/2023/14"
HEAD = """\
United Nations                                S/TEST/2023/14

Security Council                              Distr.: General
                                              1 June 2023

Fourteenth test report of the Monitoring Team on Afghanistan

"""
PARA_LEADERS = "Member States indicate that the group’s leadership keeps a low profile in Kabul and Kandahar."
PARA_CAMPS = (
    "Training camps were reported in Helmand and Zabul. "
    "One Member State assessed that the camps host around 400 fighters."
)
PARA_MEDIA = "A new media office was reportedly set up in Herat to produce material in Dari and Pashto."
PARA_DECOY = "Training camps were reported in Helmand and Zabul. The Team holds no figure for their size."
CAMPS_QUOTE = "Training camps were reported in Helmand and Zabul."
MEDIA_QUOTE = "A new media office was reportedly set up in Herat to produce material in Dari and Pashto"


def report(*paragraphs: str) -> str:
    return HEAD + "\n\n".join(f"{n}. {text}" for n, text in enumerate(paragraphs, start=1)) + "\n"


V1 = report(PARA_LEADERS, PARA_CAMPS, PARA_MEDIA)


def claim_id(workspace, fragment: str) -> int:
    [(claim,)] = workspace.query("SELECT id FROM claim WHERE text LIKE ?", f"%{fragment}%")
    return claim


def add_version(run, tmp_path: Path, text: str, name: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("source", "add", str(path), "--key", KEY)
    assert result.exit_code == 0, result.stderr
    return result


def evidence(workspace, evidence_id: int) -> dict:
    [row] = workspace.rows("SELECT * FROM evidence WHERE id = ?", evidence_id)
    return row


def source_ids(workspace) -> dict[int, int]:
    """version -> source row id"""
    return dict(workspace.query("SELECT version, id FROM source WHERE key = ?", KEY))


@pytest.fixture
def linked(run, article_db, tmp_path):
    """Version 1 of the report, with the camps sentence and the media sentence linked as evidence."""
    add_version(run, tmp_path, V1, "v1.txt")
    camps, media = claim_id(article_db, "al-Qaeda training sites"), claim_id(article_db, "new al-Qaeda media apparatus")
    for claim, quote in ((camps, CAMPS_QUOTE), (media, MEDIA_QUOTE)):
        result = run("evidence", "link", str(claim), "--source", KEY, "--quote", quote, "--stance", "supports")
        assert result.exit_code == 0, result.stderr
    assert (evidence(article_db, 1)["locator"], evidence(article_db, 2)["locator"]) == ("para. 2", "para. 3")
    return article_db


def test_moved_sentence_follows_to_the_new_version(run, linked, tmp_path):
    # version 2 opens with a new paragraph that starts with the same sentence as the camps paragraph
    v2 = report(PARA_DECOY, PARA_LEADERS, PARA_CAMPS, PARA_MEDIA)
    result = add_version(run, tmp_path, v2, "v2.txt")
    assert "new version" in result.stdout or "version 2" in result.stdout
    assert "re-anchored in the new version: 2; orphaned (quote not found): 0" in result.stdout
    versions = source_ids(linked)
    assert set(versions) == {1, 2}
    camps = evidence(linked, 1)
    assert camps["source_id"] == versions[2]
    assert camps["locator"] == "para. 3", "the stored suffix picks the right one of the two identical sentences"
    assert camps["quote"] == CAMPS_QUOTE and camps["anchor"] == "exact"
    new_text = linked.query("SELECT text FROM source WHERE id = ?", versions[2])[0][0]
    assert new_text[camps["start"] : camps["end"]] == CAMPS_QUOTE
    assert camps["suffix"].startswith(" One Member State assessed")
    [(passage_source, passage_locator)] = linked.query(
        "SELECT source_id, locator FROM passage WHERE id = ?", camps["passage_id"]
    )
    assert (passage_source, passage_locator) == (versions[2], "para. 3")
    media = evidence(linked, 2)
    assert (media["source_id"], media["locator"]) == (versions[2], "para. 4")
    events = linked.query(
        "SELECT actor, evidence_id, old, new FROM event WHERE action = 'evidence_reanchor' ORDER BY evidence_id"
    )
    assert events == [
        ("tester", 1, f"{KEY} v1 para. 2", f"{KEY} v2 para. 3"),
        ("tester", 2, f"{KEY} v1 para. 3", f"{KEY} v2 para. 4"),
    ]
    assert linked.query("SELECT count(*) FROM event WHERE action = 'evidence_orphaned'") == [(0,)]
    code = run("source", "check").exit_code
    assert code == 0
    [article] = json.loads(run("status", "--format", "json").stdout)["articles"]
    assert article["orphaned_evidence"] == 0


REWORDED_MEDIA = "A new media office was apparently set up in Herat to produce material in Dari and Pashto"


def test_reworded_sentence_is_reanchored_as_the_new_wording_and_flagged(run, linked, tmp_path):
    v2 = report(PARA_LEADERS, PARA_CAMPS, REWORDED_MEDIA + ".")
    add_version(run, tmp_path, v2, "v2.txt")
    media = evidence(linked, 2)
    assert media["source_id"] == source_ids(linked)[2]
    assert media["anchor"] == "reworded" and media["anchor_score"] >= 90, (
        "a changed quote is never recorded as a plain match"
    )
    assert media["quote"] == REWORDED_MEDIA
    assert evidence(linked, 1)["anchor"] == "exact", "the unchanged camps quote stays silent"
    assert linked.query("SELECT note FROM event WHERE action = 'evidence_reanchor' AND evidence_id = 2") == [
        ("fuzzy match",)
    ]
    # the audit log keeps the quote as it was and as it is now
    [(old, new, note)] = linked.query("SELECT old, new, note FROM event WHERE action = 'evidence_reworded'")
    assert (old, new) == (MEDIA_QUOTE, REWORDED_MEDIA)
    assert "re-anchored with different wording" in note and "re-check" in note
    assert linked.query("SELECT count(*) FROM event WHERE action = 'evidence_reworded' AND evidence_id = 1") == [(0,)]
    # the evidence list says so
    [shown] = json.loads(
        run("evidence", "list", str(claim_id(linked, "new al-Qaeda media apparatus")), "--format", "json").stdout
    )
    assert shown["anchor"] == "reworded"
    assert "reworded: re-check" in run("evidence", "list", str(claim_id(linked, "new al-Qaeda media apparatus"))).stdout

    # a later version with the same (new) wording does not clear the flag: only a re-check does
    v3 = report(PARA_LEADERS, PARA_CAMPS, REWORDED_MEDIA + ".", PARA_DECOY)
    add_version(run, tmp_path, v3, "v3.txt")
    media = evidence(linked, 2)
    assert (media["source_id"], media["anchor"], media["quote"]) == (source_ids(linked)[3], "reworded", REWORDED_MEDIA)
    assert linked.query("SELECT count(*) FROM event WHERE action = 'evidence_reworded'") == [(1,)], (
        "nothing new to record"
    )


def test_reworded_evidence_is_shown_wherever_orphaned_evidence_is(run, linked, tmp_path):
    """source add, source check, status and the unsupported report all name the evidence to re-check."""
    media_claim = claim_id(linked, "new al-Qaeda media apparatus")
    added = add_version(run, tmp_path, report(PARA_LEADERS, PARA_CAMPS, REWORDED_MEDIA + "."), "v2.txt")
    assert "(1 with different wording: evidence 2)" in added.stdout and "verify source check" in added.stdout
    check = run("source", "check", "--format", "json")
    assert check.exit_code == 1
    [finding] = [f for f in json.loads(check.stdout) if f["state"] == "reworded_evidence"]
    assert f"evidence 2 of claim {media_claim}" in finding["detail"]
    [article] = json.loads(run("status", "--format", "json").stdout)["articles"]
    assert article["reworded_evidence"] == 1
    rows = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert "evidence_reworded" in next(r for r in rows if r["id"] == media_claim)["reasons"]


def test_typography_change_is_flagged_too(run, linked, tmp_path):
    # same words, different apostrophe: not the same text, so not silent
    leaders = "Member States indicate that the group’s leadership keeps a low profile"
    leaders_claim = claim_id(linked, "new al-Qaeda media apparatus")
    assert (
        run(
            "evidence", "link", str(leaders_claim), "--source", KEY, "--quote", leaders, "--stance", "context"
        ).exit_code
        == 0
    )
    add_version(run, tmp_path, report(PARA_LEADERS.replace("’", "'"), PARA_CAMPS, PARA_MEDIA), "v2.txt")
    row = evidence(linked, 3)
    assert (row["anchor"], row["quote"]) == ("reworded", leaders.replace("’", "'"))
    assert linked.query("SELECT old, new FROM event WHERE action = 'evidence_reworded' AND evidence_id = 3") == [
        (leaders, leaders.replace("’", "'"))
    ]
    assert (evidence(linked, 1)["anchor"], evidence(linked, 2)["anchor"]) == ("exact", "exact")


def test_removed_sentence_orphans_the_evidence_without_deleting_anything(run, linked, tmp_path):
    v2 = report(PARA_LEADERS, PARA_CAMPS)  # the media sentence is gone
    result = add_version(run, tmp_path, v2, "v2.txt")
    assert "orphaned (quote not found): 1" in result.stdout
    assert "verify source check" in result.stdout
    versions = source_ids(linked)
    media = evidence(linked, 2)
    assert media["anchor"] == "orphaned"
    assert media["source_id"] == versions[1], "orphaned evidence stays on the version it was found in"
    assert (media["quote"], media["locator"], media["retracted_at"]) == (MEDIA_QUOTE, "para. 3", None)
    assert evidence(linked, 1)["source_id"] == versions[2]
    [(claim, old, note)] = linked.query(
        "SELECT claim_id, old, note FROM event WHERE action = 'evidence_orphaned' AND evidence_id = 2"
    )
    assert claim == claim_id(linked, "new al-Qaeda media apparatus") and old == f"{KEY} v1"
    assert "not found in version 2" in note
    # nothing is deleted: both versions, their passages and files, and both evidence rows remain
    assert linked.query("SELECT count(*) FROM evidence") == [(2,)]
    assert linked.query("SELECT count(*) FROM passage WHERE source_id = ?", versions[1]) == [(3,)]
    assert (linked.sources / "s-test-2023-14" / "original.txt").read_text(encoding="utf-8") == V1

    checked = run("source", "check", "--format", "json")
    assert checked.exit_code == 1
    orphans = [r for r in json.loads(checked.stdout) if r["state"] == "orphaned_evidence"]
    assert len(orphans) == 1
    assert orphans[0]["source_key"] == KEY and orphans[0]["version"] == 1 and orphans[0]["problem"] is True
    assert "evidence 2" in orphans[0]["detail"] and "para. 3" in orphans[0]["detail"]
    table = run("source", "check")
    assert table.exit_code == 1 and "orphaned_evidence" in table.stdout

    status = run("status", "--format", "json")
    assert status.exit_code == 0
    [article] = json.loads(status.stdout)["articles"]
    assert article["orphaned_evidence"] == 1
    assert "1 evidence orphaned" in run("status").stdout

    # a retracted orphan is no longer a problem
    assert run("evidence", "retract", "2", "--reason", "the sentence was withdrawn from the report").exit_code == 0
    assert run("source", "check").exit_code == 0
    assert json.loads(run("status", "--format", "json").stdout)["articles"][0]["orphaned_evidence"] == 0


def test_retracted_evidence_is_left_alone(run, linked, tmp_path):
    assert run("evidence", "retract", "2", "--reason", "not needed").exit_code == 0
    add_version(run, tmp_path, report(PARA_LEADERS, PARA_CAMPS), "v2.txt")
    media = evidence(linked, 2)
    assert media["anchor"] == "exact" and media["source_id"] == source_ids(linked)[1]
    assert linked.query(
        "SELECT count(*) FROM event WHERE action IN ('evidence_orphaned', 'evidence_reanchor') AND evidence_id = 2"
    ) == [(0,)]
    assert run("source", "check").exit_code == 0


def test_online_check_reports_a_quote_gone_from_the_remote_copy(run, article_db, http_server):
    http_server.serve("/report.txt", V1.encode("utf-8"), "text/plain; charset=utf-8")
    added = run("source", "add", http_server.url("/report.txt"), "--key", KEY)
    assert added.exit_code == 0, added.stderr
    media = claim_id(article_db, "new al-Qaeda media apparatus")
    assert (
        run("evidence", "link", str(media), "--source", KEY, "--quote", MEDIA_QUOTE, "--stance", "supports").exit_code
        == 0
    )
    assert (
        run("evidence", "link", str(media), "--source", KEY, "--quote", CAMPS_QUOTE, "--stance", "context").exit_code
        == 0
    )

    code_same = run("source", "check", "--online")
    assert code_same.exit_code == 0, code_same.stdout

    http_server.serve("/report.txt", report(PARA_LEADERS, PARA_CAMPS).encode("utf-8"), "text/plain; charset=utf-8")
    before = article_db.dump()
    result = run("source", "check", "--online", "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    states = [r["state"] for r in rows]
    assert "remote_changed" in states
    unanchored = [r for r in rows if r["state"] == "evidence_unanchored"]
    assert len(unanchored) == 1, rows
    assert unanchored[0]["source_key"] == KEY and unanchored[0]["problem"] is True
    assert f"evidence 1 of claim {media}" in unanchored[0]["detail"]
    assert article_db.dump() == before, "an online check reports; it never archives the new copy"
    assert source_ids(article_db) == {1: source_ids(article_db)[1]}
