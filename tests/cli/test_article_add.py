"""``verify article add``: first import, the no-op re-import, and new revisions of an edited article."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ARTICLE, ARTICLE_TITLE

FIGHTERS = "there are around 400 al-Qaeda fighters in Afghanistan"
FIGHTERS_EDITED = "there are around 450 al-Qaeda fighters in Afghanistan"
REMOVED = "It is premature to pen al-Qaeda’s obituary. "
ADDED = "A new sentence about Kunar was added in 2024."
TABLES = ("article", "article_revision", "claim", "source", "passage", "evidence", "note", "event")


def execute(workspace, sql: str, *params: object) -> None:
    workspace.execute(sql, *params)


def row_counts(workspace) -> dict[str, int]:
    return {table: workspace.query(f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def claims(run) -> dict[tuple[int, int], dict]:
    found = json.loads(run("claim", "list", "--format", "json").stdout)
    return {(c["paragraph"], c["sentence"]): c for c in found}


def show(run, claim_id: int) -> dict:
    result = run("claim", "show", str(claim_id), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def edited_article(tmp_path: Path, *, title: str | None = None) -> Path:
    text = ARTICLE.read_text(encoding="utf-8")
    assert FIGHTERS in text and REMOVED in text
    text = text.replace(FIGHTERS, FIGHTERS_EDITED).replace(REMOVED, "")
    text = text.rstrip("\n") + " " + ADDED + "\n"
    if title is not None:
        text = text.replace(ARTICLE_TITLE, title, 1)
    path = tmp_path / "edited" / ARTICLE.name
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def add_supporting_evidence(workspace, claim_id: int, *, retracted: bool = False) -> None:
    execute(
        workspace,
        "INSERT INTO source (id, key, version, is_current, title, created_at, created_by) "
        "VALUES (1, 'S/2023/370', 1, TRUE, 'Monitoring Team report', '2024-01-01T00:00:00Z', 'tester') ON CONFLICT DO "
        "NOTHING",
    )
    execute(
        workspace,
        "INSERT INTO evidence (claim_id, source_id, quote, stance, anchor, added_by, added_at, retracted_at, "
        "retracted_by, "
        "retraction_reason) VALUES (?, 1, 'senior leaders are located in Kabul', 'supports', 'exact', 'tester', "
        "'2024-01-01T00:00:00Z', ?, ?, ?)",
        claim_id,
        "2024-01-02T00:00:00Z" if retracted else None,
        "tester" if retracted else None,
        "wrong paragraph" if retracted else None,
    )


def test_first_import_reports_the_claims_and_logs_the_import(run, workspace):
    assert run("init").exit_code == 0
    result = run("article", "add", str(ARTICLE), "--author", "A. Writer", "--published", "2024-01-15")
    assert result.exit_code == 0, result.stderr
    assert "imported article 1" in result.stdout and "71 claims" in result.stdout
    assert workspace.query("SELECT title, author, published FROM article") == [
        (ARTICLE_TITLE, "A. Writer", "2024-01-15")
    ]
    assert workspace.query("SELECT count(*) FROM event WHERE action = 'create' AND actor = 'tester'") == [(71,)]
    assert workspace.query("SELECT action, actor FROM event WHERE claim_id IS NULL") == [("import", "tester")]


def test_json_output_of_an_import(run, workspace):
    assert run("init").exit_code == 0
    result = run("article", "add", str(ARTICLE), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["id"], data["revision"], data["outcome"], data["claims"]) == (1, 1, "created", 71)
    assert len(data["added"]) == 71


def test_re_adding_the_same_file_is_a_no_op(article_db, run):
    before = article_db.dump()
    counts = row_counts(article_db)
    result = run("article", "add", str(ARTICLE))
    assert result.exit_code == 0, result.stderr
    assert "unchanged" in result.stdout and "71 claims" in result.stdout
    assert row_counts(article_db) == counts
    assert article_db.dump() == before


def test_a_copy_of_the_same_text_elsewhere_is_also_a_no_op(article_db, run, tmp_path):
    copy = tmp_path / "copy" / "renamed.txt"
    copy.parent.mkdir()
    copy.write_bytes(ARTICLE.read_bytes())
    before = article_db.dump()
    result = run("article", "add", str(copy))
    assert result.exit_code == 0 and "unchanged" in result.stdout
    assert article_db.dump() == before


def test_an_edited_article_with_the_same_title_becomes_a_new_revision(article_db, run, tmp_path):
    old = claims(run)
    report, fighters, obituary = old[(9, 1)], old[(9, 2)], old[(21, 4)]
    assert obituary["text"] == REMOVED.strip()
    # Review work before the revision: a verdict with evidence, a note, and a claim in progress.
    add_supporting_evidence(article_db, report["id"])
    assert run("claim", "mark", str(report["id"]), "verified", "--note", "para. 68").exit_code == 0
    assert run("claim", "note", str(report["id"]), "Checked against S/2023/370").exit_code == 0
    assert run("claim", "assign", str(report["id"]), "amira").exit_code == 0
    assert run("claim", "mark", str(fighters["id"]), "in_progress").exit_code == 0
    assert run("claim", "note", str(fighters["id"]), "Looking for the 400 figure").exit_code == 0
    fighters_version = show(run, fighters["id"])["version"]

    result = run("article", "add", str(edited_article(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert "revision 2" in result.stdout
    assert "69 unchanged, 1 edited (back to unreviewed), 1 new, 1 withdrawn" in result.stdout

    listed = {c["id"]: c for c in json.loads(run("claim", "list", "--format", "json").stdout)}
    assert len(listed) == 71  # the current revision: withdrawn claims are listed only on request
    withdrawn = json.loads(run("claim", "list", "--status", "withdrawn", "--format", "json").stdout)
    new = {**listed, **{c["id"]: c for c in withdrawn}}
    assert {c["id"] for c in old.values()} <= set(new)  # nothing deleted
    assert len(new) == 72
    # Unchanged claim: same id, status, evidence, notes, assignee.
    kept = show(run, report["id"])
    assert (kept["status"], kept["assignee"], kept["changed"]) == ("verified", "amira", False)
    assert kept["evidence_counts"]["supports"] == 1 and len(kept["evidence"]) == 1
    assert [n["text"] for n in kept["notes"]] == ["para. 68", "Checked against S/2023/370"]
    # Edited claim: same id, back to unreviewed, flagged, history keeps the old text.
    edited = show(run, fighters["id"])
    assert edited["text"] == fighters["text"].replace("around 400", "around 450")
    assert (edited["status"], edited["changed"]) == ("unreviewed", True)
    assert edited["version"] > fighters_version
    assert [n["text"] for n in edited["notes"]] == ["Looking for the 400 figure"]
    text_change = [h for h in edited["history"] if h["action"] == "text"]
    assert len(text_change) == 1
    assert (text_change[0]["old"], text_change[0]["new"]) == (fighters["text"], edited["text"])
    statuses = [(h["old"], h["new"]) for h in edited["history"] if h["action"] == "status"]
    assert statuses == [("unreviewed", "in_progress"), ("in_progress", "unreviewed")]
    assert edited["history"][0]["action"] == "create"
    # Removed claim: withdrawn, never deleted.
    gone = show(run, obituary["id"])
    assert gone["status"] == "withdrawn" and gone["text"] == obituary["text"]
    assert gone["history"][-1]["new"] == "withdrawn"
    # New sentence: a new id.
    (added,) = [c for c in new.values() if c["text"] == ADDED]
    assert added["id"] > max(c["id"] for c in old.values())
    assert (added["paragraph"], added["status"]) == (22, "unreviewed")
    # Status totals leave the withdrawn claim out.
    status = json.loads(run("status", "--format", "json").stdout)["articles"]
    assert len(status) == 1
    assert (status[0]["revision"], status[0]["claims"], status[0]["withdrawn"]) == (2, 71, 1)
    assert status[0]["by_status"]["withdrawn"] == 1 and status[0]["by_status"]["verified"] == 1
    assert sum(status[0]["by_kind"].values()) == 71
    assert article_db.query("SELECT count(*) FROM claim") == [(72,)]
    assert article_db.query("SELECT number FROM article_revision ORDER BY number") == [(1,), (2,)]


def test_an_edited_article_with_the_same_url_becomes_a_new_revision(run, workspace, tmp_path):
    url = "https://example.org/taliban-al-qaeda"
    assert run("init").exit_code == 0
    assert run("article", "add", str(ARTICLE), "--url", url).exit_code == 0
    retitled = edited_article(tmp_path, title="A Retitled Analysis")
    result = run("article", "add", str(retitled), "--url", url)
    assert result.exit_code == 0, result.stderr
    assert "revision 2" in result.stdout
    articles = json.loads(run("article", "list", "--format", "json").stdout)
    assert [(a["id"], a["title"], a["revision"], a["url"]) for a in articles] == [(1, "A Retitled Analysis", 2, url)]


def test_a_different_title_without_url_is_a_new_article(article_db, run, tmp_path):
    result = run("article", "add", str(edited_article(tmp_path, title="A Different Analysis")))
    assert result.exit_code == 0, result.stderr
    assert "imported article 2" in result.stdout
    assert article_db.query("SELECT count(*) FROM article") == [(2,)]


def test_a_withdrawn_sentence_that_comes_back_keeps_its_id(article_db, run, tmp_path):
    obituary = claims(run)[(21, 4)]
    assert run("article", "add", str(edited_article(tmp_path))).exit_code == 0
    assert show(run, obituary["id"])["status"] == "withdrawn"
    result = run("article", "add", str(ARTICLE))
    assert result.exit_code == 0 and "revision 3" in result.stdout
    back = show(run, obituary["id"])
    assert (back["status"], back["paragraph"], back["sentence"]) == ("unreviewed", 21, 4)
    # The sentence added in revision 2 is gone again: withdrawn, not deleted.
    listed = json.loads(run("claim", "list", "--format", "json").stdout)
    assert [c for c in listed if c["text"] == ADDED] == []
    withdrawn = json.loads(run("claim", "list", "--status", "withdrawn", "--format", "json").stdout)
    assert [c["text"] for c in withdrawn] == [ADDED]
