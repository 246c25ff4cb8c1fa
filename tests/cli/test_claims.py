"""``verify claim``: the status rules, notes, assignment, kinds, the audit trail, and listings."""

from __future__ import annotations

import csv
import getpass
import io
import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ARTICLE

LIST_KEYS = {"id", "article_id", "paragraph", "sentence", "text", "kind", "status", "assignee", "attribution", "evidence_counts", "version"}
SHOW_KEYS = LIST_KEYS | {"notes", "evidence", "history"}
HISTORY_KEYS = {"actor", "at", "action", "old", "new", "note"}
FIGHTERS = 26  # ¶9 s2 of the shipped article: "… around 400 al-Qaeda fighters …"


@pytest.fixture(scope="module")
def shipped_template(tmp_path_factory) -> Path:
    """The shipped article imported once (through the CLI) for this module's many tests."""
    from typer.testing import CliRunner

    from verify.cli.app import app

    path = tmp_path_factory.mktemp("template") / "claims.db"
    env = {"VERIFY_USER": "tester", "VERIFY_NOW": "", "NO_COLOR": "1"}
    for args in (["init"], ["article", "add", str(ARTICLE)]):
        result = CliRunner().invoke(app, ["--db", str(path), *args], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def article_db(workspace, shipped_template):
    """Like the shared fixture, but a copy of one import instead of a new import per test."""
    source, target = sqlite3.connect(shipped_template), sqlite3.connect(workspace.db)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return workspace


def execute(db: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(sql, params)
    conn.close()


def add_evidence(workspace, claim_id: int, stance: str, *, retracted: bool = False) -> None:
    execute(
        workspace.db,
        "INSERT OR IGNORE INTO source (id, key, version, is_current, title, created_at, created_by) "
        "VALUES (1, 'S/2023/370', 1, 1, 'Monitoring Team report', '2024-01-01T00:00:00Z', 'tester')",
    )
    execute(
        workspace.db,
        "INSERT INTO evidence (claim_id, source_id, quote, locator, stance, anchor, added_by, added_at, retracted_at, "
        "retracted_by, retraction_reason) VALUES (?, 1, 'some 400 fighters', 'para. 68', ?, 'exact', 'tester', "
        "'2024-01-01T00:00:00Z', ?, ?, ?)",
        claim_id,
        stance,
        "2024-01-02T00:00:00Z" if retracted else None,
        "tester" if retracted else None,
        "quote was from another paragraph" if retracted else None,
    )


def show(run, claim_id: int = FIGHTERS) -> dict:
    result = run("claim", "show", str(claim_id), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def listing(run, *args: str) -> list[dict]:
    result = run("claim", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def assert_refused(run, workspace, *args: str, says: str) -> str:
    """The command exits 2 with one line on stderr containing ``says`` and changes nothing."""
    before = workspace.dump()
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("verify: "), result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert workspace.dump() == before
    return result.stderr


def test_fixture_claim_is_the_fighters_sentence(article_db, run):
    assert "around 400 al-Qaeda fighters" in show(run)["text"]


# --- status rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["verified", "partly_verified"])
def test_verdicts_need_supporting_evidence(article_db, run, status):
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), status, says="needs at least one supporting evidence")
    add_evidence(article_db, FIGHTERS, "contradicts")
    add_evidence(article_db, FIGHTERS, "context")
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), status, says="supporting evidence")


@pytest.mark.parametrize("status", ["verified", "partly_verified"])
def test_retracted_evidence_does_not_count(article_db, run, status):
    add_evidence(article_db, FIGHTERS, "supports", retracted=True)
    assert show(run)["evidence_counts"]["supports"] == 0
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), status, says="supporting evidence")


@pytest.mark.parametrize("status", ["verified", "partly_verified"])
def test_verdicts_allowed_with_supporting_evidence(article_db, run, status):
    add_evidence(article_db, FIGHTERS, "supports")
    result = run("claim", "mark", str(FIGHTERS), status)
    assert result.exit_code == 0, result.stderr
    assert f"unreviewed -> {status} (version 2)" in result.stdout
    detail = show(run)
    assert (detail["status"], detail["version"]) == (status, 2)
    assert detail["evidence_counts"] == {"supports": 1, "contradicts": 0, "context": 0}
    assert detail["evidence"][0]["locator"] == "para. 68" and detail["evidence"][0]["retracted"] is False


def test_disputed_needs_contradicting_evidence_or_a_note(article_db, run):
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), "disputed", says="'disputed' needs contradicting evidence")
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), "disputed", "--note", "   ", says="disputed")
    assert run("claim", "mark", str(FIGHTERS), "disputed", "--note", "UN says 400 to 600").exit_code == 0
    assert show(run)["status"] == "disputed"


def test_disputed_with_contradicting_evidence_needs_no_note(article_db, run):
    add_evidence(article_db, FIGHTERS, "contradicts")
    assert run("claim", "mark", str(FIGHTERS), "disputed").exit_code == 0
    assert show(run)["notes"] == []


def test_unsupported_needs_a_note(article_db, run):
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), "unsupported", says="needs a --note")
    result = run("claim", "mark", str(FIGHTERS), "unsupported", "--note", "searched S/2023/370 and S/2022/419")
    assert result.exit_code == 0
    assert show(run)["status"] == "unsupported"


def test_withdrawn_is_refused_on_mark(article_db, run):
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), "withdrawn", says="'withdrawn' is set only when")


def test_unknown_status_is_refused_with_the_list_of_statuses(article_db, run):
    message = assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), "true", says="unknown status 'true'")
    assert "partly_verified" in message


def test_the_same_status_again_is_refused(article_db, run):
    assert run("claim", "mark", str(FIGHTERS), "in_progress").exit_code == 0
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS), "in_progress", says="already in_progress")
    assert_refused(run, article_db, "claim", "mark", str(FIGHTERS + 1), "unreviewed", says="already unreviewed")


def test_any_status_may_follow_any_other(article_db, run):
    add_evidence(article_db, FIGHTERS, "supports")
    path = ["in_progress", "verified", "opinion", "unreviewed", "partly_verified", "in_progress"]
    for status in path:
        assert run("claim", "mark", str(FIGHTERS), status).exit_code == 0, status
    statuses = [(h["old"], h["new"]) for h in show(run)["history"] if h["action"] == "status"]
    assert statuses == list(zip(["unreviewed", *path[:-1]], path, strict=True))


def test_status_names_are_forgiving_about_case_and_dashes(article_db, run):
    add_evidence(article_db, FIGHTERS, "supports")
    assert run("claim", "mark", str(FIGHTERS), "Partly-Verified").exit_code == 0
    assert show(run)["status"] == "partly_verified"


def test_a_note_given_with_mark_is_also_a_note(article_db, run):
    assert run("--as", "amira", "claim", "mark", str(FIGHTERS), "disputed", "--note", "UN says 400 to 600").exit_code == 0
    detail = show(run)
    assert [(n["author"], n["text"]) for n in detail["notes"]] == [("amira", "UN says 400 to 600")]
    (status,) = [h for h in detail["history"] if h["action"] == "status"]
    assert (status["actor"], status["old"], status["new"], status["note"]) == ("amira", "unreviewed", "disputed", "UN says 400 to 600")


# --- notes, assignment, kind, stale writes ---------------------------------------------------------


def test_note_assign_and_kind_change_the_claim_and_are_logged(article_db, run):
    assert run("claim", "note", str(FIGHTERS), "Check the 2,000 figure", user="amira").exit_code == 0
    assert run("claim", "assign", str(FIGHTERS), "bilal", user="amira").exit_code == 0
    result = run("claim", "kind", str(FIGHTERS), "opinion", user="chen")
    assert result.exit_code == 0 and "kind factual -> opinion" in result.stdout
    detail = show(run)
    assert (detail["assignee"], detail["kind"]) == ("bilal", "opinion")
    assert [(n["author"], n["text"]) for n in detail["notes"]] == [("amira", "Check the 2,000 figure")]
    history = [(h["actor"], h["action"], h["old"], h["new"]) for h in detail["history"][1:]]
    assert history == [
        ("amira", "note", None, "Check the 2,000 figure"),
        ("amira", "assign", None, "bilal"),
        ("chen", "kind", "factual", "opinion"),
    ]
    assert listing(run, "--assignee", "bilal")[0]["id"] == FIGHTERS
    assert run("claim", "assign", str(FIGHTERS), "").exit_code == 0
    assert show(run)["assignee"] is None


def test_unknown_kind_and_same_kind_are_refused(article_db, run):
    assert_refused(run, article_db, "claim", "kind", str(FIGHTERS), "rumour", says="unknown kind 'rumour'")
    assert_refused(run, article_db, "claim", "kind", str(FIGHTERS), "factual", says="already of kind factual")
    assert_refused(run, article_db, "claim", "note", str(FIGHTERS), "  ", says="the note is empty")


def test_version_increases_with_every_change(article_db, run):
    versions = [show(run)["version"]]
    for args in (("mark", str(FIGHTERS), "in_progress"), ("assign", str(FIGHTERS), "amira"), ("kind", str(FIGHTERS), "quote"),
                 ("mark", str(FIGHTERS), "disputed", "--note", "why")):
        assert run("claim", *args).exit_code == 0
        versions.append(show(run)["version"])
    assert versions == [1, 2, 3, 4, 5]
    assert listing(run, "--paragraph", "9")[1]["version"] == 5


def test_stale_write_is_refused_naming_who_changed_the_claim(article_db, run):
    version = show(run)["version"]
    assert run("claim", "assign", str(FIGHTERS), "amira", user="bilal").exit_code == 0
    for args in (("mark", str(FIGHTERS), "in_progress"), ("assign", str(FIGHTERS), "chen"), ("kind", str(FIGHTERS), "opinion")):
        message = assert_refused(run, article_db, "claim", *args, "--if-version", str(version), says=f"changed since version {version}")
        assert "by bilal" in message and f"now version {version + 1}" in message
    result = run("claim", "mark", str(FIGHTERS), "in_progress", "--if-version", str(version + 1))
    assert result.exit_code == 0, result.stderr


def test_unknown_claim_id_is_refused(article_db, run):
    for args in (("show", "9999"), ("mark", "9999", "in_progress"), ("note", "9999", "x"), ("assign", "9999", "a"), ("kind", "9999", "quote")):
        assert_refused(run, article_db, "claim", *args, says="no claim with id 9999")


# --- audit trail and JSON shape -----------------------------------------------------------------


def test_show_json_has_the_documented_keys(article_db, run):
    assert run("claim", "mark", str(FIGHTERS), "disputed", "--note", "UN says 400 to 600").exit_code == 0
    detail = show(run)
    assert SHOW_KEYS <= set(detail)
    assert detail["id"] == FIGHTERS and (detail["paragraph"], detail["sentence"]) == (9, 2)
    assert detail["evidence_counts"] == {"supports": 0, "contradicts": 0, "context": 0}
    assert detail["evidence"] == []
    assert {"id", "author", "at", "text"} <= set(detail["notes"][0])
    assert all(set(h) == HISTORY_KEYS for h in detail["history"])
    assert [h["action"] for h in detail["history"]] == ["create", "note", "status"]


def test_actor_comes_from_as_then_verify_user_then_the_os_user(article_db, run, monkeypatch):
    assert run("--as", "amira", "claim", "note", str(FIGHTERS), "one").exit_code == 0
    assert run("claim", "note", str(FIGHTERS), "two", user="bilal").exit_code == 0
    monkeypatch.delenv("VERIFY_USER")
    assert run("claim", "note", str(FIGHTERS), "three").exit_code == 0
    actors = [(h["actor"], h["new"]) for h in show(run)["history"] if h["action"] == "note"]
    assert actors == [("amira", "one"), ("bilal", "two"), (getpass.getuser(), "three")]


def test_every_change_writes_an_event_with_time(article_db, run, monkeypatch):
    monkeypatch.setenv("VERIFY_NOW", "2024-03-01T10:00:00.000000Z")
    assert run("claim", "mark", str(FIGHTERS), "in_progress", user="amira").exit_code == 0
    rows = article_db.query("SELECT at, actor, action, old, new, note FROM event WHERE claim_id = ? AND action = 'status'", FIGHTERS)
    assert rows == [("2024-03-01T10:00:00.000000Z", "amira", "status", "unreviewed", "in_progress", None)]
    assert article_db.query("SELECT updated_at, updated_by FROM claim WHERE id = ?", FIGHTERS) == [("2024-03-01T10:00:00.000000Z", "amira")]


def test_show_table_marks_the_claim_in_its_paragraph(article_db, run):
    assert run("claim", "note", str(FIGHTERS), "Check the 2,000 figure").exit_code == 0
    result = run("claim", "show", str(FIGHTERS))
    assert result.exit_code == 0
    assert "Claim 26 · article 1 · ¶ 9, sentence 2" in result.stdout
    assert "According to a June 2023 UN report" in result.stdout  # the surrounding paragraph
    assert "tester: Check the 2,000 figure" in result.stdout


# --- listing --------------------------------------------------------------------------------


def test_list_filters(article_db, run):
    assert len(listing(run)) == 71
    assert len(listing(run, "--article", "1")) == 71
    assert [c["sentence"] for c in listing(run, "--paragraph", "9")] == [1, 2, 3, 4]
    assert {c["kind"] for c in listing(run, "--kind", "quote")} == {"quote"}
    quotes_and_opinions = listing(run, "--kind", "quote", "--kind", "opinion")
    assert {c["kind"] for c in quotes_and_opinions} == {"quote", "opinion"}
    assert len(listing(run, "--limit", "5")) == 5
    assert len(listing(run, "--assignee", "")) == 71
    add_evidence(article_db, FIGHTERS, "supports")
    assert run("claim", "mark", str(FIGHTERS), "verified").exit_code == 0
    assert run("claim", "mark", str(FIGHTERS + 1), "in_progress").exit_code == 0
    assert [c["id"] for c in listing(run, "--status", "verified")] == [FIGHTERS]
    assert [c["id"] for c in listing(run, "--status", "verified", "--status", "in_progress")] == [FIGHTERS, FIGHTERS + 1]
    assert len(listing(run, "--status", "unreviewed")) == 69
    assert listing(run, "--status", "verified")[0]["evidence_counts"]["supports"] == 1


def test_list_filter_errors(article_db, run):
    assert_refused(run, article_db, "claim", "list", "--status", "bogus", says="unknown status 'bogus'")
    assert_refused(run, article_db, "claim", "list", "--kind", "rumour", says="unknown kind 'rumour'")
    assert_refused(run, article_db, "claim", "list", "--article", "7", says="no article with id 7")
    assert_refused(run, article_db, "claim", "list", "--limit", "0", says="--limit must be at least 1")


def test_table_shows_50_rows_and_says_how_many_more(article_db, run):
    result = run("claim", "list")
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 50
    assert "In addition to plunging the Middle East" in rows[0]  # the text column uses the width it has
    assert all(len(line) <= 100 for line in result.stdout.splitlines())
    assert "50 of 71 claims; --all or --limit N for more" in result.stdout
    everything = run("claim", "list", "--all")
    assert len([line for line in everything.stdout.splitlines() if line.startswith("│")]) == 71
    assert "71 claims" in everything.stdout and "for more" not in everything.stdout
    limited = run("claim", "list", "--limit", "3")
    assert "3 of 71 claims" in limited.stdout


def test_json_and_csv_list_everything(article_db, run):
    rows = listing(run)
    assert len(rows) == 71 and all(LIST_KEYS <= set(r) for r in rows)
    result = run("claim", "list", "--format", "csv")
    assert result.exit_code == 0
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(table) == 71
    assert [int(r["id"]) for r in table] == [r["id"] for r in rows]
    assert table[25]["text"] == rows[25]["text"]
    attributed = table[24]
    assert json.loads(attributed["attribution"])["phrase"] == "According to a June 2023 UN report"
    assert attributed["supports"] == "0"
