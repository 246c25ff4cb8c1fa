"""The review core without a terminal: queue order, locks, resuming, the session's rules, keys and screens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE, REPO
from verify.db.engine import open_database
from verify.errors import VerifyError
from verify.review import commands, screen
from verify.review.keys import KeyMap
from verify.review.queue import QueueFilter, build_queue
from verify.review.session import ReviewSession
from verify.workflow import claims as workflow

LIBRARY = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
FACTUAL_OR_QUOTE = 50  # of the shipped article’s 71 claims (48 factual, 2 quotes)
T0 = "2026-03-02T10:00:00.000000Z"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The shipped article and the UN-style sample source, imported once for the module."""
    from verify.cli.app import app

    path = tmp_path_factory.mktemp("review") / "claims.db"
    env = {"VERIFY_USER": "tester", "NO_COLOR": "1", "VERIFY_SOURCES": str(path.parent / "sources"), "VERIFY_NOW": ""}
    for args in (["init"], ["article", "add", str(ARTICLE)], ["source", "add", str(LIBRARY)]):
        result = CliRunner().invoke(app, ["--db", str(path), *args], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def db(workspace, template):
    source, target = sqlite3.connect(template), sqlite3.connect(workspace.db)
    with target:
        source.backup(target)
    source.close()
    target.close()
    database = open_database(str(workspace.db))
    yield database
    database.dispose()


def queue_ids(db, reviewer="amina", **where) -> list[int]:
    with db.read() as session:
        return build_queue(session, reviewer, QueueFilter(**where)).claim_ids


def status(db, claim_id: int) -> str:
    with db.read() as session:
        return workflow.get_claim(session, claim_id).status


def test_default_queue_is_factual_and_quote_claims_in_article_order(db, workspace):
    ids = queue_ids(db)
    expected = [r[0] for r in workspace.query(
        "SELECT id FROM claim WHERE kind IN ('factual', 'quote') ORDER BY paragraph, sentence")]
    assert ids == expected and len(ids) == FACTUAL_OR_QUOTE
    assert queue_ids(db, paragraph=9) == [25, 26, 27, 28]
    assert queue_ids(db, kinds=("opinion",))[:2] == [4, 6]


def test_claims_assigned_to_someone_else_are_left_out(db):
    workflow.assign(db, 26, "bob", actor="editor")
    workflow.assign(db, 27, "amina", actor="editor")
    assert queue_ids(db, paragraph=9) == [25, 27, 28]
    assert queue_ids(db, paragraph=9, assignee="me") == [27]
    assert queue_ids(db, paragraph=9, assignee="bob") == [26]
    assert queue_ids(db, "bob", paragraph=9) == [25, 26, 28]


def test_a_claim_another_reviewer_opened_is_locked_for_30_minutes(db, monkeypatch):
    monkeypatch.setenv("VERIFY_NOW", T0)
    workflow.mark(db, 26, "in_progress", actor="bob")
    monkeypatch.setenv("VERIFY_NOW", "2026-03-02T10:29:00.000000Z")
    with db.read() as session:
        queue = build_queue(session, "amina", QueueFilter(paragraph=9))
    assert queue.claim_ids == [25, 27, 28]
    assert [(lock.claim_id, lock.actor) for lock in queue.locked] == [(26, "bob")]
    assert "opened by bob 29 min ago" in queue.locked[0].describe()
    assert queue_ids(db, paragraph=9, include_locked=True) == [25, 26, 27, 28]
    assert 26 in queue_ids(db, "bob", paragraph=9)  # not locked for the one who opened it
    monkeypatch.setenv("VERIFY_NOW", "2026-03-02T10:31:00.000000Z")
    assert queue_ids(db, paragraph=9) == [25, 26, 27, 28]


def test_the_session_skips_a_claim_locked_while_it_runs(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    workflow.mark(db, 26, "in_progress", actor="bob")
    out = session.handle("s")
    assert session.claim_id == 27
    assert any("claim 26 skipped: opened by bob" in m.text for m in out.messages)


def test_opening_marks_in_progress_and_skip_releases_an_untouched_claim(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    assert session.claim_id == 25 and status(db, 25) == "in_progress"
    session.handle("s")
    assert status(db, 25) == "unreviewed" and status(db, 26) == "in_progress"
    assert workspace.query("SELECT old, new, actor, note FROM event WHERE claim_id = 25 AND action = 'status'") == [
        ("unreviewed", "in_progress", "amina", None), ("in_progress", "unreviewed", "amina", "skipped in review")]
    session.handle("1")
    session.handle("s")
    assert status(db, 26) == "in_progress"  # evidence was linked: the work stays in progress


def test_opening_a_claim_with_a_verdict_does_not_change_it(db):
    workflow.mark(db, 25, "opinion", actor="bob")
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9, statuses=("opinion",)))
    session.start()
    assert session.claim_id == 25 and status(db, 25) == "opinion"


def test_restarting_resumes_at_the_claim_left_in_progress(db):
    first = ReviewSession(db, "amina")
    first.start()
    for _ in range(3):
        first.handle("s")
    assert first.claim_id == 5
    first.handle("n looking at this one")
    first.finish()
    again = ReviewSession(db, "amina")
    out = again.start()
    assert again.claim_id == 5
    assert any("resuming at claim 5" in m.text for m in out.messages)
    assert again.queue.claim_ids[0] == 5 and again.queue.claim_ids[-1] == 3  # the earlier claims come last


def test_verified_needs_evidence_and_the_common_case_takes_two_commands(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    refused = session.handle("v")
    assert refused.messages[0].level == "refused" and "supporting evidence" in refused.messages[0].text
    assert session.claim_id == 25 and status(db, 25) == "in_progress"
    session.handle("1")
    done = session.handle("v")
    assert status(db, 25) == "verified" and session.claim_id == 26 and done.new_claim


def test_unsupported_asks_for_the_note_and_an_empty_answer_cancels(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    asked = session.handle("u")
    assert asked.prompt and "What did you search" in asked.prompt
    assert session.handle("").messages[0].text == "cancelled"
    assert status(db, 25) == "in_progress"
    session.handle("u")
    session.handle("paras 1-20 of S/TEST/2023/14")
    assert status(db, 25) == "unsupported" and session.claim_id == 26


def test_a_stale_screen_is_refused_then_shown_as_it_is(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("1")
    workflow.set_kind(db, 25, "quote", actor="bob")
    out = session.handle("v")
    assert out.messages[0].level == "refused" and "changed by bob" in out.messages[0].text and out.new_claim
    assert status(db, 25) == "in_progress"
    view = session.view()
    assert view is not None and view.claim["kind"] == "quote"
    session.handle("v")
    assert status(db, 25) == "verified"


def test_back_returns_to_the_previous_claim(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    assert session.handle("b").messages[0].level == "refused"
    session.handle("1")
    session.handle("v")
    session.handle("b")
    assert session.claim_id == 25 and status(db, 25) == "verified"
    session.handle("p")
    assert status(db, 25) == "partly_verified" and session.claim_id == 26


@pytest.mark.parametrize(("line", "expected"), [
    ("1", commands.Command("link", 1)),
    ("2c", commands.Command("link", 2, "contradicts")),
    ("3x", commands.Command("link", 3, "context")),
    ("1 s2", commands.Command("link", 1, sentence=2)),
    ("1c s2", commands.Command("link", 1, "contradicts", 2)),
    ("e 2", commands.Command("expand", 2)),
    ("e", commands.Command("expand")),
    ("/ training camps", commands.Command("search", text="training camps")),
    ("/", commands.Command("search")),
    ("v", commands.Command("mark", text="verified")),
    ("p", commands.Command("mark", text="partly_verified")),
    ("u searched paras 1-20", commands.Command("mark", text="unsupported", note="searched paras 1-20")),
    ("n", commands.Command("note")),
    ("n a note", commands.Command("note", text="a note")),
    ("a bob", commands.Command("assign", text="bob")),
    ('q "four hundred fighters" S/2023/370', commands.Command("quote", text="four hundred fighters", source="S/2023/370")),
    ("qc some words", commands.Command("quote", stance="contradicts", text="some words")),
    ("q", commands.Command("quote")),
    ("quit", commands.Command("quit")),
    ("", commands.Command("refresh")),
    ("?", commands.Command("help")),
])
def test_command_lines(line, expected):
    assert commands.parse(line) == expected


@pytest.mark.parametrize("line", ["zz", "a", "e two", "0x1"])
def test_command_lines_that_mean_nothing(line):
    with pytest.raises(VerifyError):
        commands.parse(line)


def test_keys_digit_waits_for_one_more_key():
    keys = KeyMap()
    assert keys.press("1")[0].hint
    assert [a.command for a in keys.press("v")] == ["1", "v"]
    keys.press("2")
    assert [a.command for a in keys.press("c")] == ["2c"]
    keys.press("3")
    assert [a.command for a in keys.press("\r")] == ["3"]
    keys.press("4")
    assert keys.press("\x1b")[0].command is None
    keys.press("5")
    assert keys.press("s")[0].prefix == "5 s"
    assert keys.press("/")[0].prefix == "/ "
    assert keys.press("\x1b[A")[0].command is None  # an arrow key does nothing
    assert keys.press("\x04")[0].eof


def test_every_screen_fits_80_columns_and_24_lines(db):
    session = ReviewSession(db, "amina")
    session.start()
    style = screen.Style(plain=False, width=80, height=24)
    seen = 0
    while session.claim_id is not None:
        view = session.view()
        assert view is not None
        for variant in (view, _with(view, expanded=1), _with(view, show_help=True)):
            rows = screen.claim_screen(variant, style, messages=[])
            assert len(rows) == 24
            assert max(row.cell_len for row in rows) <= 80
        seen += 1
        session.handle("s")
    assert seen == FACTUAL_OR_QUOTE


def _with(view, **changes):
    from dataclasses import replace

    return replace(view, **changes)
