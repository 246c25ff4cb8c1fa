"""``verify claim signoff``: a second person's review of a verdict.

The sign-off lapses when the verdict or the evidence changes.
"""

from __future__ import annotations

import json

import pytest

from tests.golden.update import UN, template

VERIFIED_BOB, SIGNED = 20, 3


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def signoffs(workspace, claim_id: int) -> list[tuple]:
    return workspace.query(
        "SELECT signed_by, status, lapsed_at IS NOT NULL, lapse_reason FROM signoff WHERE claim_id = ? ORDER BY id",
        claim_id,
    )


def events(workspace, claim_id: int, action: str) -> list[tuple]:
    return workspace.query(
        "SELECT actor, old, new, note FROM event WHERE claim_id = ? AND action = ? ORDER BY id", claim_id, action
    )


def refused(run, workspace, *args: str, user: str, says: str) -> None:
    before = workspace.dump()
    result = run(*args, user=user)
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert workspace.dump() == before


def test_a_second_person_signs_off(reports_db, run):
    result = run("claim", "signoff", str(VERIFIED_BOB), "--note", "Read para. 9 myself", user="editor")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"claim {VERIFIED_BOB}: verdict 'verified' set by bob signed off by editor\n"
    assert signoffs(reports_db, VERIFIED_BOB) == [("editor", "verified", 0, None)]
    assert events(reports_db, VERIFIED_BOB, "signoff") == [("editor", None, "verified", "Read para. 9 myself")]


def test_the_person_who_set_the_status_cannot_sign_it_off(reports_db, run):
    refused(run, reports_db, "claim", "signoff", str(VERIFIED_BOB), user="bob", says="bob set the status 'verified'")


def test_only_verdicts_can_be_signed_off(reports_db, run):
    refused(run, reports_db, "claim", "signoff", "1", user="editor", says="claim 1 is unreviewed, not a verdict")


def test_a_second_signoff_is_refused(reports_db, run):
    refused(run, reports_db, "claim", "signoff", str(SIGNED), user="bob", says="already signed off by editor")


def test_unknown_claim(reports_db, run):
    refused(run, reports_db, "claim", "signoff", "999", user="editor", says="no claim with id 999")


def test_a_status_change_lapses_the_signoff(reports_db, run):
    assert run("claim", "mark", str(SIGNED), "in_progress", user="amina").exit_code == 0
    assert signoffs(reports_db, SIGNED) == [("editor", "verified", 1, "status changed from verified to in_progress")]
    assert events(reports_db, SIGNED, "signoff_lapse") == [
        ("amina", "verified signed off by editor", "lapsed", "status changed from verified to in_progress")
    ]
    assert run("claim", "mark", str(SIGNED), "verified", user="bob").exit_code == 0
    rows = json.loads(run("report", "unsupported", "--require-signoff", "--format", "json").stdout)
    assert next(r for r in rows if r["id"] == SIGNED)["reasons"] == ["unsigned"]
    # a fresh sign-off is possible, by someone other than bob (who set the new verdict)
    assert run("claim", "signoff", str(SIGNED), user="amina").exit_code == 0


def test_new_evidence_lapses_the_signoff(reports_db, run):
    result = run(
        "evidence",
        "link",
        str(SIGNED),
        "--source",
        UN,
        "--stance",
        "context",
        "--quote",
        "since August 2021, fully restored",
        user="bob",
    )
    assert result.exit_code == 0, result.stderr
    assert signoffs(reports_db, SIGNED)[0][2:] == (1, "evidence 7 linked")
    assert len(events(reports_db, SIGNED, "signoff_lapse")) == 1


def test_retracted_evidence_lapses_the_signoff(reports_db, run):
    (evidence_id,) = reports_db.query("SELECT id FROM evidence WHERE claim_id = ?", SIGNED)[0]
    assert run("evidence", "retract", str(evidence_id), "--reason", "wrong paragraph", user="bob").exit_code == 0
    assert signoffs(reports_db, SIGNED)[0][2:] == (1, f"evidence {evidence_id} retracted")


def test_notes_and_assignment_do_not_lapse_it(reports_db, run):
    assert run("claim", "note", str(SIGNED), "Looks fine", user="bob").exit_code == 0
    assert run("claim", "assign", str(SIGNED), "bob", user="amina").exit_code == 0
    assert signoffs(reports_db, SIGNED)[0][2] == 0


def test_status_and_reports_show_signoffs(reports_db, run):
    (article,) = json.loads(run("status", "--format", "json").stdout)["articles"]
    assert article["signed_off"] == 2
    assert "2 of 6 verdicts signed off by an editor" in run("status").stdout
    appendix = run("report", "appendix").stdout
    assert "claim 3 · verified · signed off by editor" in appendix
    assert "2 verdicts signed off." in appendix
    csv_text = run("export", "--format", "csv").stdout
    assert ",editor,2026-11-26T12:00:00.000000Z," in csv_text


def test_a_signoff_whose_status_no_longer_matches_does_not_count(reports_db, run):
    """A status changed by a path that does not lapse sign-offs (e.g. a re-import) still voids it."""
    reports_db.execute("UPDATE claim SET status = 'unreviewed' WHERE id = ?", SIGNED)
    (article,) = json.loads(run("status", "--format", "json").stdout)["articles"]
    assert article["signed_off"] == 1
