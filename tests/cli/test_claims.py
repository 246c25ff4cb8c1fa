"""``verify claim``: the status rules, notes, assignment, kinds, the audit trail, and listings."""

from __future__ import annotations

import csv
import getpass
import io
import json

import pytest

LIST_KEYS = {
    "id",
    "article_id",
    "paragraph",
    "sentence",
    "text",
    "kind",
    "status",
    "assignee",
    "attribution",
    "evidence_counts",
    "version",
}
SHOW_KEYS = LIST_KEYS | {"notes", "evidence", "history"}
HISTORY_KEYS = {"by", "at", "action", "old", "new", "note"}
FIGHTERS = 26  # ¶9 s2 of the shipped article: "… around 400 al-Qaeda fighters …"


def execute(workspace, sql: str, *params: object) -> None:
    workspace.execute(sql, *params)


def add_evidence(workspace, claim_id: int, stance: str, *, retracted: bool = False) -> None:
    execute(
        workspace,
        "INSERT INTO source (id, key, version, is_current, title, created_at, created_by) "
        "VALUES (1, 'S/2023/370', 1, TRUE, 'Monitoring Team report', '2024-01-01T00:00:00Z', 'tester') ON CONFLICT DO "
        "NOTHING",
    )
    execute(
        workspace,
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
    assert_refused(
        run, article_db, "claim", "mark", str(FIGHTERS), status, says="needs at least one supporting evidence"
    )
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
    result = run(
        "claim",
        "mark",
        str(FIGHTERS),
        status,
        *(["--note", "the 400, not the 2,000"] if status == "partly_verified" else []),
    )
    assert result.exit_code == 0, result.stderr
    assert f"unreviewed -> {status} (version 2)" in result.stdout
    detail = show(run)
    assert (detail["status"], detail["version"]) == (status, 2)
    assert detail["evidence_counts"] == {"supports": 1, "contradicts": 0, "context": 0}
    assert detail["evidence"][0]["locator"] == "para. 68" and detail["evidence"][0]["retracted"] is False


def test_partly_verified_needs_a_note_saying_which_part(article_db, run):
    add_evidence(article_db, FIGHTERS, "supports")
    assert_refused(
        run,
        article_db,
        "claim",
        "mark",
        str(FIGHTERS),
        "partly_verified",
        says="'partly_verified' needs a --note saying which part is verified",
    )
    assert run("claim", "mark", str(FIGHTERS), "partly_verified", "--note", "the 400 fighters").exit_code == 0
    assert show(run)["notes"][0]["text"] == "the 400 fighters"


FLAGS = (
    '[{"kind": "number_mismatch", "detail": "claim: About 540,000; passage: some 450,000", '
    '"claim": "About 540,000", "passage": "some 450,000"}]'
)


def test_a_verdict_over_flagged_evidence_is_refused_unless_the_flags_are_accepted(article_db, run):
    add_evidence(article_db, FIGHTERS, "supports")
    add_evidence(article_db, FIGHTERS, "supports")
    execute(article_db, "UPDATE evidence SET flags = ? WHERE id = 2", FLAGS)
    for status in ("verified", "partly_verified"):
        message = assert_refused(
            run,
            article_db,
            "claim",
            "mark",
            str(FIGHTERS),
            status,
            "--note",
            "the 400",
            says=f"'{status}' rests on flagged evidence: evidence 2 (S/2023/370 para. 68): number_mismatch",
        )
        assert "claim: About 540,000; passage: some 450,000" in message and "--accept-flags" in message
    assert_refused(
        run, article_db, "claim", "mark", str(FIGHTERS), "verified", "--accept-flags", "  ", says="rests on flagged"
    )
    result = run(
        "--as", "amira", "claim", "mark", str(FIGHTERS), "verified", "--accept-flags", "450,000 is the older estimate"
    )
    assert result.exit_code == 0, result.stderr
    assert "flags accepted on evidence 2: 450,000 is the older estimate" in result.stdout
    rows = article_db.query("SELECT id, flags_accepted_by, flags_accepted_reason FROM evidence ORDER BY id")
    assert rows == [(1, None, None), (2, "amira", "450,000 is the older estimate")]
    assert article_db.query("SELECT actor, evidence_id, new, note FROM event WHERE action = 'flags_accepted'") == [
        ("amira", 2, "number_mismatch", "450,000 is the older estimate")
    ]
    # accepted once: a later verdict on the same evidence is not asked again; other stances are never asked
    assert run("claim", "mark", str(FIGHTERS), "in_progress").exit_code == 0
    assert run("claim", "mark", str(FIGHTERS), "verified").exit_code == 0


def test_a_verdict_of_support_over_contradicting_evidence_warns_of_the_conflict(article_db, run):
    add_evidence(article_db, FIGHTERS, "supports")
    add_evidence(article_db, FIGHTERS, "contradicts")
    result = run("claim", "mark", str(FIGHTERS), "verified")
    assert result.exit_code == 0 and show(run)["status"] == "verified"
    assert result.stderr.startswith("warning: claim 26 is verified but evidence 2 (S/2023/370 para. 68) contradicts it")
    assert "--fail-on-unsupported" in result.stderr
    assert run("claim", "mark", str(FIGHTERS), "disputed").stderr == ""


def test_disputed_needs_contradicting_evidence_or_a_note(article_db, run):
    assert_refused(
        run, article_db, "claim", "mark", str(FIGHTERS), "disputed", says="'disputed' needs contradicting evidence"
    )
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
        note = ["--note", "the 400 fighters"] if status == "partly_verified" else []
        assert run("claim", "mark", str(FIGHTERS), status, *note).exit_code == 0, status
    statuses = [(h["old"], h["new"]) for h in show(run)["history"] if h["action"] == "status"]
    assert statuses == list(zip(["unreviewed", *path[:-1]], path, strict=True))


def test_status_names_are_forgiving_about_case_and_dashes(article_db, run):
    add_evidence(article_db, FIGHTERS, "supports")
    assert run("claim", "mark", str(FIGHTERS), "Partly-Verified", "--note", "the 400").exit_code == 0
    assert show(run)["status"] == "partly_verified"


def test_a_note_given_with_mark_is_also_a_note(article_db, run):
    assert (
        run("--as", "amira", "claim", "mark", str(FIGHTERS), "disputed", "--note", "UN says 400 to 600").exit_code == 0
    )
    detail = show(run)
    assert [(n["by"], n["text"]) for n in detail["notes"]] == [("amira", "UN says 400 to 600")]
    (status,) = [h for h in detail["history"] if h["action"] == "status"]
    assert (status["by"], status["old"], status["new"], status["note"]) == (
        "amira",
        "unreviewed",
        "disputed",
        "UN says 400 to 600",
    )


# --- notes, assignment, kind, stale writes ---------------------------------------------------------


def test_note_assign_and_kind_change_the_claim_and_are_logged(article_db, run):
    assert run("claim", "note", str(FIGHTERS), "Check the 2,000 figure", user="amira").exit_code == 0
    assert run("claim", "assign", str(FIGHTERS), "bilal", user="amira").exit_code == 0
    result = run("claim", "kind", str(FIGHTERS), "opinion", user="chen")
    assert result.exit_code == 0 and "kind factual -> opinion" in result.stdout
    detail = show(run)
    assert (detail["assignee"], detail["kind"]) == ("bilal", "opinion")
    assert [(n["by"], n["text"]) for n in detail["notes"]] == [("amira", "Check the 2,000 figure")]
    history = [(h["by"], h["action"], h["old"], h["new"]) for h in detail["history"][1:]]
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
    for args in (
        ("mark", str(FIGHTERS), "in_progress"),
        ("assign", str(FIGHTERS), "amira"),
        ("kind", str(FIGHTERS), "quote"),
        ("mark", str(FIGHTERS), "disputed", "--note", "why"),
    ):
        assert run("claim", *args).exit_code == 0
        versions.append(show(run)["version"])
    assert versions == [1, 2, 3, 4, 5]
    assert listing(run, "--paragraph", "9")[1]["version"] == 5


def test_stale_write_is_refused_naming_who_changed_the_claim(article_db, run):
    version = show(run)["version"]
    assert run("claim", "assign", str(FIGHTERS), "amira", user="bilal").exit_code == 0
    for args in (
        ("mark", str(FIGHTERS), "in_progress"),
        ("assign", str(FIGHTERS), "chen"),
        ("kind", str(FIGHTERS), "opinion"),
    ):
        message = assert_refused(
            run, article_db, "claim", *args, "--if-version", str(version), says=f"changed since version {version}"
        )
        assert "by bilal" in message and f"now version {version + 1}" in message
    result = run("claim", "mark", str(FIGHTERS), "in_progress", "--if-version", str(version + 1))
    assert result.exit_code == 0, result.stderr


def test_a_writer_waiting_for_a_concurrent_change_then_refuses_its_stale_version(article_db, run):
    """Another reviewer's transaction holds claim 26 while 'claim mark --if-version 1' starts: the mark
    waits (row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), then sees version 2 and is refused."""
    import os
    import subprocess
    import sys
    import time

    from sqlalchemy import create_engine, text

    engine = create_engine(article_db.url if not article_db.is_sqlite else f"sqlite:///{article_db.url}")
    try:
        with engine.connect() as conn:
            if article_db.is_sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite would begin lazily, too late
            conn.execute(
                text(
                    "SELECT version FROM claim WHERE id = :id FOR UPDATE"
                    if not article_db.is_sqlite
                    else "SELECT version FROM claim WHERE id = :id"
                ),
                {"id": FIGHTERS},
            )
            writer = subprocess.Popen(
                [sys.executable, "-m", "verify", "claim", "mark", str(FIGHTERS), "in_progress", "--if-version", "1"],
                cwd=article_db.root,
                env={**os.environ, "VERIFY_USER": "amira"},
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            time.sleep(2)  # the writer starts and waits for the lock
            assert writer.poll() is None, writer.communicate()
            conn.execute(
                text("UPDATE claim SET version = version + 1, updated_by = 'bilal' WHERE id = :id"), {"id": FIGHTERS}
            )
            conn.commit()
        _out, err = writer.communicate(timeout=60)
    finally:
        engine.dispose()
    assert writer.returncode == 2 and "changed since version 1 (now version 2" in err, err
    assert article_db.query("SELECT status, version FROM claim WHERE id = ?", FIGHTERS) == [("unreviewed", 2)]


def test_unknown_claim_id_is_refused(article_db, run):
    for args in (
        ("show", "9999"),
        ("mark", "9999", "in_progress"),
        ("note", "9999", "x"),
        ("assign", "9999", "a"),
        ("kind", "9999", "quote"),
    ):
        assert_refused(run, article_db, "claim", *args, says="no claim with id 9999")


# --- audit trail and JSON shape -----------------------------------------------------------------


def test_show_json_has_the_documented_keys(article_db, run):
    assert run("claim", "mark", str(FIGHTERS), "disputed", "--note", "UN says 400 to 600").exit_code == 0
    detail = show(run)
    assert SHOW_KEYS <= set(detail)
    assert detail["id"] == FIGHTERS and (detail["paragraph"], detail["sentence"]) == (9, 2)
    assert detail["evidence_counts"] == {"supports": 0, "contradicts": 0, "context": 0}
    assert detail["evidence"] == []
    assert {"id", "by", "at", "text"} <= set(detail["notes"][0])
    assert all(set(h) == HISTORY_KEYS for h in detail["history"])
    assert [h["action"] for h in detail["history"]] == ["create", "note", "status"]


def test_actor_comes_from_as_then_verify_user_then_the_os_user(article_db, run, monkeypatch):
    assert run("--as", "amira", "claim", "note", str(FIGHTERS), "one").exit_code == 0
    assert run("claim", "note", str(FIGHTERS), "two", user="bilal").exit_code == 0
    monkeypatch.delenv("VERIFY_USER")
    assert run("claim", "note", str(FIGHTERS), "three").exit_code == 0
    actors = [(h["by"], h["new"]) for h in show(run)["history"] if h["action"] == "note"]
    assert actors == [("amira", "one"), ("bilal", "two"), (getpass.getuser(), "three")]


def test_every_change_writes_an_event_with_time(article_db, run, monkeypatch):
    monkeypatch.setenv("VERIFY_NOW", "2024-03-01T10:00:00.000000Z")
    assert run("claim", "mark", str(FIGHTERS), "in_progress", user="amira").exit_code == 0
    rows = article_db.query(
        "SELECT at, actor, action, old, new, note FROM event WHERE claim_id = ? AND action = 'status'", FIGHTERS
    )
    assert rows == [("2024-03-01T10:00:00.000000Z", "amira", "status", "unreviewed", "in_progress", None)]
    assert article_db.query("SELECT updated_at, updated_by FROM claim WHERE id = ?", FIGHTERS) == [
        ("2024-03-01T10:00:00.000000Z", "amira")
    ]


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
    assert [c["id"] for c in listing(run, "--status", "verified", "--status", "in_progress")] == [
        FIGHTERS,
        FIGHTERS + 1,
    ]
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


def test_an_empty_listing_says_so_instead_of_drawing_an_empty_table(run, article_db):
    result = run("claim", "list", "--status", "verified")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No claims match."
    assert run("claim", "list", "--status", "verified", "--format", "json").stdout.strip() == "[]"


def test_list_shows_one_letter_per_stance_and_the_article_when_there_are_several(article_db, run, tmp_path):
    add_evidence(article_db, FIGHTERS, "supports")
    add_evidence(article_db, FIGHTERS, "supports")
    add_evidence(article_db, FIGHTERS, "contradicts")
    add_evidence(article_db, FIGHTERS, "context")
    table = run("claim", "list", "--paragraph", "9").stdout
    row = next(line for line in table.splitlines() if f"│ {FIGHTERS} │" in line)
    assert "2s 1c 1x" in row
    assert "ev: s supports, c contradicts, x context" in " ".join(table.split())
    assert "art" not in _header(table)  # one article: no article column
    other = tmp_path / "other.md"
    other.write_text("# Another piece\n\nThe camps host 400 fighters. Nobody disputes it.\n", encoding="utf-8")
    assert run("article", "add", str(other)).exit_code == 0
    table = run("claim", "list", "--all").stdout
    assert "art" in _header(table)
    assert "art: 1 The Taliban’s Strategy" in " ".join(table.split()) and "2 Another piece" in " ".join(table.split())
    assert "art" not in _header(run("claim", "list", "--article", "2").stdout)


def _header(table: str) -> str:
    return next(line for line in table.splitlines() if "┃ id" in line)
