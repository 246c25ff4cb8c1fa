"""``verify review`` in a real pseudo-terminal (80×24): single keys, prompts, Ctrl-C, resume.

The command runs as ``python -m verify review`` under pexpect; the database is
checked afterwards, not only the screen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE, REPO

pexpect = pytest.importorskip("pexpect")

LIBRARY = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"


@pytest.fixture
def desk(workspace):
    from verify.cli.app import app

    env = {"VERIFY_USER": "tester", "NO_COLOR": "1"}
    workspace.ensure()
    for args in (["init"], ["article", "add", str(ARTICLE)], ["source", "add", str(LIBRARY)]):
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return workspace


def spawn(root: Path, *args: str, colour: bool = False):
    env = {**os.environ, "VERIFY_USER": "amina", "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    if colour:
        env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "verify", "review", *args],
        cwd=str(root),
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=30,
    )
    return child


def test_a_full_session_interrupted_in_a_prompt_then_resumed(desk):
    child = spawn(desk.root, "--paragraph", "9", colour=True)
    try:
        child.expect("claim 1 of 4 in queue")
        child.expect("x quit")  # the screen is drawn, the key hint at the bottom
        child.send("1")
        child.expect("Enter supports")  # the digit waits for the next key
        child.send("v")  # link suggestion 1 and mark verified; its flags need a reason
        child.expect("flagged: evidence 1")
        child.expect("verified despite the flags\\? Why they do not matter \\(Enter cancels\\): ")
        child.sendline("the provinces are listed in para. 12")
        child.expect("Claim 26")
        child.expect("claim 25: in_progress → verified")
        child.send("n")
        child.expect("Note: ")
        child.sendline("fighters: the report says 1,600, not 2,000")
        child.expect("note 1 added")
        child.send("f")
        child.expect(r"What did you search\? \(a note is required\): ")
        child.send("searched paras 1-")  # half typed …
        child.sendintr()  # … then Ctrl-C
        child.expect("Interrupted: every action taken was saved")
        child.expect("Claim 26 stays in progress")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130

    assert desk.query("SELECT id, status FROM claim WHERE id IN (25, 26, 27) ORDER BY id") == [
        (25, "verified"),
        (26, "in_progress"),
        (27, "unreviewed"),
    ]
    assert desk.query("SELECT claim_id, stance, locator, flags_accepted_reason FROM evidence") == [
        (25, "supports", "para. 13", "the provinces are listed in para. 12")
    ]
    assert desk.query("SELECT claim_id, author, text FROM note") == [
        (26, "amina", "fighters: the report says 1,600, not 2,000")
    ]
    assert desk.query("SELECT count(*) FROM event WHERE claim_id = 26 AND new = 'unsupported'") == [(0,)]
    assert desk.query("SELECT claim_id, holder FROM review_lease") == [(26, "amina")]

    again = spawn(desk.root, "--paragraph", "9")
    try:
        again.expect("Claim 26 · ¶ 9, sentence 2 · claim 1 of 3 in queue")
        again.expect("resuming at claim 26")
        again.send("1")
        again.send("c")  # suggestion 1 contradicts the claim's 2,000
        again.expect("evidence 2 linked: contradicts")
        again.send("d")  # disputed: contradicting evidence is enough, no note asked
        again.expect("Claim 27")
        again.send("x")
        again.expect("Session of amina: 2 claims viewed, 1 evidence linked, 1 verdict.")
        again.expect(pexpect.EOF)
    finally:
        again.close()
    assert again.exitstatus == 0
    assert desk.query("SELECT status FROM claim WHERE id = 26") == [("disputed",)]
    assert desk.query("SELECT status FROM claim WHERE id = 27") == [("unreviewed",)]  # only looked at
    assert desk.query("SELECT count(*) FROM review_lease") == [(0,)]


def test_the_clean_case_is_two_keys_and_u_takes_it_back(desk):
    child = spawn(desk.root, "--paragraph", "9")
    try:
        child.expect("x quit")
        child.send("s")
        child.expect("Claim 26")
        child.send("s")
        child.expect("Claim 27")
        child.send("1")
        child.send("v")  # claim 27's top suggestion carries no flag: no question
        child.expect("Claim 28")
        child.expect("claim 27: in_progress → verified")
        child.send("u")
        child.expect("Claim 27")
        child.expect("undone: you marked it verified")
        child.send("t")
        child.expect(r"Why retract evidence #1 \(S/TEST/2023/14 para. 15\)\? \(a reason is required\): ")
        child.sendline("wrong paragraph")
        child.expect("evidence 1 \\(S/TEST/2023/14 para. 15\\) retracted")
        child.send("x")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert desk.query("SELECT status FROM claim WHERE id IN (25, 26, 27, 28) ORDER BY id") == [
        ("unreviewed",),
        ("unreviewed",),
        ("in_progress",),
        ("unreviewed",),
    ]
    assert desk.query("SELECT retraction_reason FROM evidence") == [("wrong paragraph",)]


@pytest.mark.sqlite_only("the bytes of a SQLite file")
def test_looking_at_the_shipped_database_leaves_it_byte_identical(workspace, tmp_path):
    copy = tmp_path / "shipped.db"
    copy.write_bytes((REPO / "claims.db").read_bytes())
    before = copy.read_bytes()
    env = {**os.environ, "VERIFY_USER": "amina", "VERIFY_DB": str(copy), "TERM": "xterm-256color"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "verify", "review"],
        cwd=str(tmp_path),
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect("claim 1 of")
        child.expect("x quit")
        for key in ("?", "s", "s", "b", "*", "r"):
            child.send(key)
        child.send("e")
        child.sendline("")
        child.send("x")
        child.expect("Session of amina: 3 claims viewed, 2 skipped.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert copy.read_bytes() == before
    assert not (tmp_path / "shipped.db-wal").exists() or (tmp_path / "shipped.db-wal").stat().st_size == 0


def test_keys_that_ask_for_words_search_expand_and_end_of_input(desk):
    child = spawn(desk.root, "--paragraph", "9")
    try:
        child.expect("x quit")
        child.send("e")
        child.expect(r"expand suggestion \(number; empty folds\): ")
        child.sendline("1")
        child.expect(r"\[s1\]")
        child.send("/")
        child.expect("search: ")
        child.sendline("safe houses Farah")
        child.expect("Search results for “safe houses Farah”")
        child.send("1")
        child.send("s")
        child.expect(r"sentence of suggestion 1 \(number\): ")
        child.sendline("1")
        child.expect("evidence 1 linked: supports · S/TEST/2023/14 para. 16, sentence 1")
        child.send("\x1b[A")  # an arrow key does nothing
        child.send("?")
        child.expect("Keys and commands")
        child.send("v")
        child.expect("despite the flags")  # the sentence names Helmand and Kabul, not Kunar or Kandahar
        child.sendline("the other provinces are in para. 13")
        child.expect("Claim 26")
        child.sendeof()  # Ctrl-D ends the session like x
        child.expect("Session of amina")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert desk.query("SELECT quote FROM evidence") == [
        ("Al-Qaida maintains safe houses in Farah, Helmand, Herat and Kabul.",)
    ]
    assert desk.query("SELECT status FROM claim WHERE id = 25") == [("verified",)]
