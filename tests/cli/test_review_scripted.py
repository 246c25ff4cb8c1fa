"""``verify review`` with stdin not a terminal: every action and every refusal, checked in the database."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE, REPO

LIBRARY = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
SOURCE = "S/TEST/2023/14"
# ¶ 9 of the shipped article: 25 (senior leaders "in the dozens"), 26 ("around 400 fighters … up to 2,000"),
# 27 (networks keep a low profile), 28 (safe houses in Kabul, Helmand, Farah and Herat).
P9 = ["--paragraph", "9"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    from verify.cli.app import app

    path = tmp_path_factory.mktemp("review") / "claims.db"
    env = {"VERIFY_USER": "tester", "NO_COLOR": "1", "VERIFY_SOURCES": str(path.parent / "sources"), "VERIFY_NOW": ""}
    for args in (["init"], ["article", "add", str(ARTICLE)], ["source", "add", str(LIBRARY)]):
        result = CliRunner().invoke(app, ["--db", str(path), *args], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def desk(workspace, template, monkeypatch):
    """A workspace holding the article and the sample source; screens 80 columns wide."""
    monkeypatch.setenv("COLUMNS", "80")
    return workspace.restore(template)


def review(run, lines: list[str], *args: str, user: str = "amina"):
    return run("review", *args, input="".join(line + "\n" for line in lines), user=user)


def claim(desk, claim_id: int) -> dict:
    row = desk.query("SELECT status, assignee, version FROM claim WHERE id = ?", claim_id)[0]
    return {"status": row[0], "assignee": row[1], "version": row[2]}


def evidence(desk, claim_id: int) -> list[tuple]:
    return desk.query(
        "SELECT stance, locator, quote FROM evidence WHERE claim_id = ? AND retracted_at IS NULL ORDER BY id", claim_id
    )


def test_link_the_top_suggestion_and_verify(run, desk):
    result = review(run, ["s", "s", "1", "v", "x"], *P9)  # claim 27: its top suggestion carries no flag
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Claim 27 · ¶ 9, sentence 3 · claim 3 of 4 in queue" in out
    assert "ok: evidence 1 linked: supports · S/TEST/2023/14 para. 15" in out
    assert "ok: claim 27: in_progress → verified" in out and "?" not in out.split("> v")[1].split("\n")[0]
    assert "Claim 28 · ¶ 9, sentence 4 · claim 4 of 4 in queue" in out
    assert "\x1b" not in out  # plain text: no colour, no cursor movement
    assert claim(desk, 27)["status"] == "verified"
    assert [claim(desk, i)["status"] for i in (25, 26, 28)] == ["unreviewed"] * 3  # looked at only
    assert desk.query(
        "SELECT action, old, new, actor FROM event WHERE claim_id = 27 AND action != 'create' ORDER BY id"
    ) == [
        ("evidence_link", None, f"supports: {SOURCE} para. 15", "amina"),
        ("status", "unreviewed", "in_progress", "amina"),
        ("status", "in_progress", "verified", "amina"),
    ]
    assert desk.query("SELECT count(*) FROM review_lease") == [(0,)]
    assert "Session of amina: 4 claims viewed, 1 evidence linked, 1 verdict, 2 skipped." in out
    assert "stays in progress" not in out


def test_verified_over_a_flagged_suggestion_asks_why(run, desk):
    result = review(run, ["1", "v", "", "v", "the provinces are listed in para. 12", "x"], *P9)
    out = " ".join(result.stdout.split())
    assert (
        "warning: flagged: evidence 1 (S/TEST/2023/14 para. 13): missing_name (claim names Kandahar (with Kabul, "
        "Kunar); "
        "the passage does not)"
    ) in out
    assert "? verified despite the flags? Why they do not matter (Enter cancels):" in out
    assert "info: cancelled" in out
    assert "info: flags accepted on evidence 1: the provinces are listed in para. 12" in out
    assert claim(desk, 25)["status"] == "verified"
    assert desk.query("SELECT flags_accepted_by, flags_accepted_reason FROM evidence") == [
        ("amina", "the provinces are listed in para. 12")
    ]


def test_the_screen_shows_position_paragraph_suggestions_and_flags(run, desk):
    out = review(run, ["s", "x"], *P9).stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    assert ">>In terms of foot soldiers, there are around 400 al-Qaeda fighters in Afghanistan" in flat
    assert "1 S/TEST/2023/14, para. 14 score" in flat
    assert "**400** **fighters** in **Afghanistan**" in flat
    assert "! numbers: claim: up to 2,000; passage: about 1,600" in flat
    assert "Evidence: none" in out and "Notes: none" in out
    assert "the author attributes this to" in out


def test_stances_sentences_expand_and_search(run, desk):
    result = review(run, ["e 1", "*", "1c", "2x", "3 s1", "/ safe houses Farah", "1", "/", "x"], *P9)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "[s1] " in out and "1 links it all" in out
    assert "Search results for “safe houses Farah”" in out and "info: back to the suggestions" in out
    stances = [e[0] for e in evidence(desk, 25)]
    assert stances == ["contradicts", "context", "supports", "supports"]
    sentence = evidence(desk, 25)[2][2]
    assert sentence.endswith(".") and sentence.count(". ") == 0  # one sentence of suggestion 3
    assert evidence(desk, 25)[3][1] == "para. 16"  # the first search result: the safe houses paragraph


def test_typed_quotes_inline_and_through_the_prompts(run, desk):
    lines = [
        f'q "Al-Qaida maintains safe houses in Farah, Helmand, Herat and Kabul." {SOURCE}',
        "qc",
        "approximately 400 fighters in Afghanistan",
        "x",
    ]
    result = review(run, lines, *P9)
    assert result.exit_code == 0, result.stderr
    assert "? Quote, as it stands in the source:" in result.stdout
    assert [(e[0], e[1]) for e in evidence(desk, 25)] == [("supports", "para. 16"), ("contradicts", "para. 14")]


def test_quote_not_in_the_source_and_unknown_source_are_refused(run, desk):
    lines = [f'q "Al-Qaida keeps 9,000 fighters in Farah" {SOURCE}', 'q "safe houses in Farah" S/NOPE', "x"]
    out = review(run, lines, *P9).stdout
    assert "refused: quote not found in S/TEST/2023/14; closest match" in out
    assert "refused: no source with key 'S/NOPE'" in out
    assert evidence(desk, 25) == []


def test_notes_assignment_opinion_partly_and_disputed(run, desk):
    lines = [
        "n fighters: the report says 1,600, not 2,000",
        "n",
        "second note",
        "a bob",
        "a me",
        "a -",
        "o",
        "1",
        "p",
        "the 400 fighters; not the 2,000",
        "the 2,000 is why it is partly verified",
        "d",
        "the report gives 1,600",
        "x",
    ]
    result = review(run, lines, *P9)
    assert result.exit_code == 0, result.stderr
    assert desk.query("SELECT claim_id, author, text FROM note ORDER BY id") == [
        (25, "amina", "fighters: the report says 1,600, not 2,000"),
        (25, "amina", "second note"),
        (26, "amina", "the 400 fighters; not the 2,000"),
        (27, "amina", "the report gives 1,600"),
    ]
    assignments = desk.query("SELECT old, new FROM event WHERE claim_id = 25 AND action = 'assign' ORDER BY id")
    assert assignments == [(None, "bob"), ("bob", "amina"), ("amina", None)]
    assert [claim(desk, i)["status"] for i in (25, 26, 27, 28)] == [
        "opinion",
        "partly_verified",
        "disputed",
        "unreviewed",
    ]
    assert "? Why is it disputed? (a note is required):" in result.stdout
    assert "? Which part is verified? (a note is required):" in result.stdout


def test_refusals_keep_the_reviewer_on_the_claim(run, desk):
    lines = ["v", "p", "f", "", "u", "9", "1 s9", "1", "1", "b", "zz", "x"]
    result = review(run, lines, *P9)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "refused: claim 25: 'verified' needs at least one supporting evidence; link evidence first" in out
    assert "refused: claim 25: 'partly_verified' needs at least one supporting evidence" in out
    assert "? What did you search? (a note is required):" in out and "info: cancelled" in out
    assert "refused: nothing to undo in this session" in out
    assert "refused: there is no suggestion 9; the suggestions are 1-" in out
    assert "refused: suggestion 1 has 1 sentence ('e 1' numbers them)" in out
    assert "refused: already linked as supports (evidence 1" in out
    assert "refused: this is the first claim of the session" in out
    assert "refused: unknown command 'zz'; type ? for the list" in out
    assert claim(desk, 25)["status"] == "in_progress" and len(evidence(desk, 25)) == 1
    assert "Claim 26" not in out


def test_skip_back_refresh_and_help(run, desk):
    before = desk.dump()
    result = review(run, ["?", "s", "b", "r", "*", "e 2", "/ training camps", "x"], *P9)
    out = result.stdout
    assert "Keys and commands" in out and '  q "quote" KEY' in out and "  u " in out and "  f " in out
    assert out.count("Claim 25 · ¶ 9") == 3  # opened, back, refreshed
    assert desk.dump() == before  # looking, skipping and going back write nothing
    assert "Session of amina: 2 claims viewed, 1 skipped." in out


def test_undo_retracts_the_link_and_puts_the_status_back(run, desk):
    result = review(run, ["s", "s", "1", "v", "u", "u", "x"], *P9)
    out = " ".join(result.stdout.split())
    assert "ok: undone: you marked it verified; claim 27 is in_progress again (undone in review)" in out
    assert (
        "ok: undone: you linked evidence 1 (S/TEST/2023/14 para. 15); evidence 1 retracted (undone in review); "
        "the claim is unreviewed again"
    ) in out
    assert claim(desk, 27)["status"] == "unreviewed" and evidence(desk, 27) == []
    assert desk.query("SELECT retraction_reason FROM evidence") == [("undone in review",)]


def test_eof_keeps_the_claim_resumable_and_the_next_session_resumes(run, desk):
    first = review(run, ["s", "1"], *P9)
    assert first.exit_code == 0
    assert "Claim 26 stays in progress" in first.stdout
    assert desk.query("SELECT claim_id, holder FROM review_lease") == [(26, "amina")]
    again = review(run, ["x"], *P9)
    assert "info: resuming at claim 26, which you left in progress" in again.stdout
    assert "Claim 26 · ¶ 9, sentence 2 · claim 1 of 4 in queue" in again.stdout
    assert len(evidence(desk, 26)) == 1


def test_the_end_of_the_queue(run, desk):
    result = review(run, ["o", "o", "o", "o"], *P9)
    assert "info: end of the queue: no more claims to review" in result.stdout
    assert "4 verdicts" in result.stdout and result.exit_code == 0


def test_locked_claims_are_skipped_unless_included(run, desk):
    assert review(run, ["x"], *P9, user="bob").exit_code == 0  # bob only looks at claim 25: no lease
    assert "claim 1 of 4 in queue" in review(run, ["x"], *P9).stdout
    assert review(run, ["n checking the provinces", "x"], *P9, user="bob").exit_code == 0  # bob acts on claim 25
    out = " ".join(review(run, ["x"], *P9).stdout.split())
    assert "skipped, another reviewer has them open: claim 25 (being reviewed by bob, last action just now)" in out
    assert "Claim 26 · ¶ 9, sentence 2 · claim 1 of 3 in queue" in out
    out = " ".join(review(run, ["1", "x"], *P9, "--include-locked").stdout.split())
    assert "Claim 25 · ¶ 9, sentence 1 · claim 1 of 4 in queue" in out
    assert "in_progress (being reviewed by bob, last action just now)" in out
    assert "info: claim 25 was being reviewed by bob, last action just now; you hold it now" in out
    assert desk.query("SELECT holder FROM review_lease WHERE claim_id = 25") == [("amina",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "bogus"], "unknown status 'bogus'"),
        (["--kind", "bogus"], "unknown kind 'bogus'"),
        (["--article", "99"], "no article with id 99"),
    ],
)
def test_bad_options_exit_2_and_change_nothing(run, desk, args, message):
    before = desk.dump()
    result = review(run, ["x"], *args)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""
    assert desk.dump() == before


def test_nothing_to_review(run, desk):
    result = review(run, [], "--paragraph", "999")
    assert result.exit_code == 0 and "nothing to review" in result.stdout


class Piped:
    """A real ``python -m verify review`` process driven line by line through pipes."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "VERIFY_USER": "amina"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "verify", "review", *args],
            cwd=root,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)  # end of output: the process is gone

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.pump.join(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()

    def expect(self, text: str, timeout: float = 30) -> str:
        seen = []
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                self.proc.wait(timeout=30)
                stderr = self.proc.stderr.read() if self.proc.stderr is not None else ""
                raise AssertionError(f"the process ended before {text!r}: {''.join(seen)}{stderr}")
            seen.append(line)
            if text in line:
                return "".join(seen)


def test_a_stale_version_is_refused_and_the_screen_reloaded(run, desk):
    piped = Piped(desk.root, *P9)
    try:
        piped.expect("claim 1 of 4 in queue")
        piped.send("1")
        piped.expect("ok: evidence 1 linked")
        assert run("claim", "kind", "25", "quote", user="bob").exit_code == 0  # another reviewer, meanwhile
        piped.send("v")
        text = piped.expect("refused: not saved")
        assert "claim 25 was changed by bob" in text
        shown = piped.expect("quote · in_progress")  # the screen now shows the new kind
        assert "version 4" in shown
        assert claim(desk, 25)["status"] == "in_progress"
        piped.send("v")
        piped.expect("verified despite the flags?")
        piped.send("the provinces are listed in para. 12")
        piped.expect("ok: claim 25: in_progress → verified")
        piped.send("x")
        assert piped.proc.wait(timeout=30) == 0
    finally:
        piped.close()
    history = json.loads(run("claim", "show", "25", "--format", "json").stdout)["history"]
    assert [(h["action"], h["by"]) for h in history[1:]] == [
        ("evidence_link", "amina"),
        ("status", "amina"),
        ("kind", "bob"),
        ("flags_accepted", "amina"),
        ("status", "amina"),
    ]


@pytest.mark.sqlite_only("the bytes of a SQLite file")
def test_a_scripted_look_at_the_shipped_database_leaves_it_byte_identical(workspace, tmp_path):
    copy = tmp_path / "shipped.db"
    copy.write_bytes((REPO / "claims.db").read_bytes())
    before = copy.read_bytes()
    env = {**os.environ, "VERIFY_USER": "amina", "VERIFY_DB": str(copy)}
    done = subprocess.run(
        [sys.executable, "-m", "verify", "review"],
        input="?\ns\ns\nb\n*\ne 1\n/ fighters\nr\nx\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Session of amina: 3 claims viewed, 2 skipped." in done.stdout
    assert copy.read_bytes() == before
    assert not (tmp_path / "shipped.db-wal").exists() or (tmp_path / "shipped.db-wal").stat().st_size == 0


def test_a_verdict_over_contradicting_evidence_is_saved_with_a_conflict_warning(run, desk):
    result = review(run, ["s", "1", "1c", "v", "the 400 holds; the 2,000 does not", "x"], *P9)
    out = " ".join(result.stdout.split())
    assert (
        "warning: conflict: claim 26 is verified but evidence 2 (S/TEST/2023/14 para. 14) contradicts it; "
        "it fails the publication gate (u undoes the verdict)"
    ) in out
    assert claim(desk, 26)["status"] == "verified"
    rows = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert [r["reasons"] for r in rows if r["id"] == 26] == [["conflict"]]
    appendix = run("report", "appendix").stdout.split("## Not yet supported")
    assert (
        "claim 26 ·" not in appendix[0] and "claim 26 · verified (verdict of support, but contradicting" in appendix[1]
    )
