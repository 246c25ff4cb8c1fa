"""The review core without a terminal: queue order, leases, resuming, the session's rules, undo, keys and screens."""

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
from verify.workflow import leases

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
    expected = [
        r[0]
        for r in workspace.query("SELECT id FROM claim WHERE kind IN ('factual', 'quote') ORDER BY paragraph, sentence")
    ]
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


def test_a_claim_another_reviewer_holds_is_locked_until_the_lease_lapses(db, monkeypatch):
    monkeypatch.setenv("VERIFY_NOW", T0)
    leases.acquire(db, 26, "bob")
    monkeypatch.setenv("VERIFY_NOW", "2026-03-02T10:29:00.000000Z")
    with db.read() as session:
        queue = build_queue(session, "amina", QueueFilter(paragraph=9))
    assert queue.claim_ids == [25, 27, 28]
    assert [(lock.claim_id, lock.holder) for lock in queue.locked] == [(26, "bob")]
    assert "being reviewed by bob, last action 29 min ago" in queue.locked[0].describe()
    assert queue_ids(db, paragraph=9, include_locked=True) == [25, 26, 27, 28]
    assert 26 in queue_ids(db, "bob", paragraph=9)  # not locked for the one who holds it
    monkeypatch.setenv("VERIFY_NOW", "2026-03-02T10:31:00.000000Z")
    assert queue_ids(db, paragraph=9) == [25, 26, 27, 28]


def test_a_status_alone_locks_nothing(db):
    workflow.mark(db, 26, "in_progress", actor="bob")  # e.g. 'verify claim mark': no one has it open
    assert queue_ids(db, paragraph=9) == [25, 26, 27, 28]


def test_the_session_skips_a_claim_locked_while_it_runs(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    leases.acquire(db, 26, "bob")
    out = session.handle("s")
    assert session.claim_id == 27
    assert any("claim 26 skipped: being reviewed by bob" in m.text for m in out.messages)


def test_acting_on_a_claim_another_reviewer_took_meanwhile_is_refused(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    leases.acquire(db, 25, "bob")  # both looked at it; bob acted first
    out = session.handle("1")
    assert out.messages[0].level == "refused" and "claim 25 is being reviewed by bob" in out.messages[0].text
    assert workspace.query("SELECT count(*) FROM evidence") == [(0,)]


def test_looking_and_skipping_write_nothing(db, workspace):
    before = workspace.dump()
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    for line in ("e 1", "/ safe houses", "/", "*", "?", "r", "s", "b", "s", "s"):
        session.handle(line)
    session.finish()
    assert workspace.dump() == before  # no status, note, event, version or lease
    assert session.summary.count("skip") == 3 and session.summary.viewed == {25, 26, 27}


def test_the_first_action_takes_the_lease_and_starts_the_work_moving_on_gives_it_back(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("1")
    assert status(db, 25) == "in_progress"
    assert workspace.query("SELECT claim_id, holder FROM review_lease") == [(25, "amina")]
    session.handle("s")
    assert status(db, 25) == "in_progress"  # evidence was linked: the work stays in progress
    assert workspace.query("SELECT count(*) FROM review_lease") == [(0,)]
    assert workspace.query(
        "SELECT action, old, new FROM event WHERE claim_id = 25 AND action != 'create' ORDER BY id"
    ) == [("evidence_link", None, "supports: S/TEST/2023/14 para. 13"), ("status", "unreviewed", "in_progress")]


def test_opening_a_claim_with_a_verdict_does_not_change_it(db):
    workflow.mark(db, 25, "opinion", actor="bob")
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9, statuses=("opinion",)))
    session.start()
    assert session.claim_id == 25 and status(db, 25) == "opinion"


def test_restarting_resumes_at_the_claim_left_in_progress(db, workspace, monkeypatch):
    monkeypatch.setenv("VERIFY_NOW", T0)
    first = ReviewSession(db, "amina")
    first.start()
    for _ in range(3):
        first.handle("s")
    assert first.claim_id == 5
    first.handle("n looking at this one")
    assert first.finish().left_open == 5
    assert workspace.query("SELECT claim_id, holder FROM review_lease") == [(5, "amina")]  # kept: work in progress
    again = ReviewSession(db, "amina")
    out = again.start()
    assert again.claim_id == 5
    assert any("resuming at claim 5" in m.text for m in out.messages)
    assert again.queue.claim_ids[0] == 5 and again.queue.claim_ids[-1] == 3  # the earlier claims come last
    monkeypatch.setenv("VERIFY_NOW", "2026-03-02T12:00:00.000000Z")  # the lease has lapsed: her last action counts
    later = ReviewSession(db, "amina")
    later.start()
    assert later.claim_id == 5 and later.queue.resume_at == 5


def test_verified_needs_evidence_and_the_common_case_takes_two_commands(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    refused = session.handle("v")
    assert refused.messages[0].level == "refused" and "supporting evidence" in refused.messages[0].text
    assert session.claim_id == 25 and status(db, 25) == "unreviewed"
    session.handle("s")
    session.handle("s")  # claim 27: its top suggestion carries no flag
    session.handle("1")
    done = session.handle("v")
    assert status(db, 27) == "verified" and session.claim_id == 28 and done.new_claim


def test_verified_over_flagged_evidence_asks_why_and_records_the_acceptance(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("1")  # para. 13 lists Kabul, Kunar and Nangarhar; the claim names Kandahar and Helmand too
    assert workspace.query("SELECT flags FROM evidence")[0][0].count("missing_name") == 2
    asked = session.handle("v")
    assert asked.prompt == "verified despite the flags? Why they do not matter (Enter cancels)"
    assert asked.messages[0].text.startswith(
        "flagged: evidence 1 (S/TEST/2023/14 para. 13): missing_name (claim names Kandahar"
    )
    assert session.handle("").messages[0].text == "cancelled" and status(db, 25) == "in_progress"
    session.handle("v")
    done = session.handle("the provinces are listed in para. 12")
    assert status(db, 25) == "verified" and session.claim_id == 26
    assert "flags accepted on evidence 1" in " ".join(m.text for m in done.messages)
    assert workspace.query("SELECT flags_accepted_by, flags_accepted_reason FROM evidence") == [
        ("amina", "the provinces are listed in para. 12")
    ]
    assert workspace.query("SELECT action, new, note FROM event WHERE action = 'flags_accepted'") == [
        ("flags_accepted", "missing_name", "the provinces are listed in para. 12")
    ]


def test_unsupported_asks_for_the_note_and_an_empty_answer_cancels(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    asked = session.handle("f")
    assert asked.prompt and "What did you search" in asked.prompt
    assert session.handle("").messages[0].text == "cancelled"
    assert status(db, 25) == "unreviewed"
    session.handle("f")
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
    assert view is not None and view.claim.kind == "quote"
    session.handle("o")
    assert status(db, 25) == "opinion"


def test_back_returns_to_the_previous_claim(db):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    assert session.handle("b").messages[0].level == "refused"
    session.handle("1")
    session.handle("v")
    session.handle("fine: the provinces are listed in para. 12")
    session.handle("b")
    assert session.claim_id == 25 and status(db, 25) == "verified"
    assert session.handle("p").prompt == "Which part is verified? (a note is required)"
    session.handle("the 400 fighters; not the 2,000")
    assert status(db, 25) == "partly_verified" and session.claim_id == 26


def test_undo_retracts_the_link_and_restores_the_status(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("s")
    session.handle("s")
    session.handle("1")
    session.handle("v")  # claim 27 verified, claim 28 on screen
    out = session.handle("u")
    assert session.claim_id == 27 and status(db, 27) == "in_progress"
    assert "undone: you marked it verified; claim 27 is in_progress again" in out.messages[-1].text
    out = session.handle("u")
    assert status(db, 27) == "unreviewed" and session.claim_id == 27
    assert workspace.query("SELECT retracted_by, retraction_reason FROM evidence") == [("amina", "undone in review")]
    assert workspace.query(
        "SELECT action, old, new, note FROM event WHERE claim_id = 27 AND action != 'create' ORDER BY id"
    ) == [
        ("evidence_link", None, "supports: S/TEST/2023/14 para. 15", None),
        ("status", "unreviewed", "in_progress", None),
        ("status", "in_progress", "verified", None),
        ("status", "verified", "in_progress", "undone in review"),
        ("evidence_retract", "supports", "retracted", "undone in review"),
        ("status", "in_progress", "unreviewed", "undone in review"),
    ]
    assert session.handle("u").messages[0].text == "nothing to undo in this session"
    session.handle("u")
    assert session.finish().left_open is None  # back to unreviewed: nothing left in progress, the lease is given back
    assert workspace.query("SELECT count(*) FROM review_lease") == [(0,)]


def test_a_claim_left_in_progress_by_an_undo_keeps_the_lease(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("s")
    session.handle("s")
    session.handle("1")
    session.handle("v")
    session.handle("u")  # back on claim 27, in progress again
    assert session.finish().left_open == 27
    assert workspace.query("SELECT claim_id, holder FROM review_lease") == [(27, "amina")]


def test_undo_is_refused_over_another_reviewers_change_and_notes_are_final(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("1")
    workflow.add_note(db, 25, "bob had a look", actor="bob")
    out = session.handle("u")
    assert out.messages[0].level == "refused" and "claim 25 was changed by bob" in out.messages[0].text
    assert workspace.query("SELECT count(*) FROM evidence WHERE retracted_at IS NULL") == [(1,)]
    session.handle("n the list of provinces differs")
    out = session.handle("u")
    assert "cannot undo: you added note 2, and notes are never deleted" in out.messages[0].text
    assert workspace.query("SELECT count(*) FROM note") == [(2,)]
    assert "claim 25 was changed by bob" in session.handle("u").messages[0].text  # the link again


def test_retract_asks_which_evidence_and_why(db, workspace):
    session = ReviewSession(db, "amina", QueueFilter(paragraph=9))
    session.start()
    session.handle("1")
    session.handle("2c")
    asked = session.handle("t")
    assert asked.prompt == "Retract which evidence? (#1, #2)"
    asked = session.handle("#2")
    assert asked.prompt.startswith("Why retract evidence #2 (S/TEST/2023/14 para.")
    done = session.handle("wrong paragraph")
    assert done.messages[0].level == "ok"
    assert workspace.query("SELECT id, retraction_reason FROM evidence WHERE retracted_at IS NOT NULL") == [
        (2, "wrong paragraph")
    ]
    assert session.handle("t 9 why").messages[0].text == "evidence #9 is not listed on this claim; its evidence: #1"
    session.handle("t 1 the list of provinces differs")
    assert workspace.query("SELECT count(*) FROM evidence WHERE retracted_at IS NULL") == [(0,)]
    assert session.handle("t").messages[0].text == "claim 25 has no evidence to retract"


def test_suggestions_below_the_relevance_threshold_are_hidden_until_asked_for(db):
    # "It is premature to pen al-Qaeda's obituary.": a judgement no paragraph of the report states
    session = ReviewSession(db, "amina", QueueFilter(paragraph=21, kinds=("opinion",)))
    session.start()
    while session.claim_id != 66:
        session.handle("s")
    view = session.view()
    assert view is not None and view.candidates == [] and view.below == 5 and view.best_below is not None
    rows = screen.plain_text(screen.panel_only(view, screen.Style(plain=True, width=80, height=None)))
    assert "no passage looks relevant" in rows and "* lists them anyway" in rows
    assert session.handle("1").messages[0].text.startswith("there is no suggestion 1")
    session.handle("*")
    view = session.view()
    assert view is not None and len(view.candidates) == 5 and not view.candidates[0].relevant


@pytest.mark.parametrize(
    ("line", "expected"),
    [
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
        ("f searched paras 1-20", commands.Command("mark", text="unsupported", note="searched paras 1-20")),
        ("u", commands.Command("undo")),
        ("*", commands.Command("all")),
        ("t", commands.Command("retract")),
        ("t 3 wrong paragraph", commands.Command("retract", 3, text="wrong paragraph")),
        ("t #3", commands.Command("retract", 3)),
        ("n", commands.Command("note")),
        ("n a note", commands.Command("note", text="a note")),
        ("a bob", commands.Command("assign", text="bob")),
        (
            'q "four hundred fighters" S/2023/370',
            commands.Command("quote", text="four hundred fighters", source="S/2023/370"),
        ),
        ("qc some words", commands.Command("quote", stance="contradicts", text="some words")),
        ("q", commands.Command("quote")),
        ("quit", commands.Command("quit")),
        ("", commands.Command("refresh")),
        ("?", commands.Command("help")),
    ],
)
def test_command_lines(line, expected):
    assert commands.parse(line) == expected


@pytest.mark.parametrize("line", ["zz", "a", "e two", "0x1", "t three"])
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
