"""``verify report unsupported``: what an editor must not publish as sourced, and the publication gate."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from tests.conftest import ARTICLE, REPO
from tests.golden.update import template

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
    "changed",
    "updated_at",
    "updated_by",
}
VERIFIED, VERIFIED_BOB, PARTLY, DISPUTED, VERIFIED_LATE, UNSUPPORTED = 3, 20, 25, 26, 56, 9


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def execute(workspace, sql: str, *params: object) -> None:
    workspace.execute(sql, *params)


def listed(run, *args: str) -> dict[int, list[str]]:
    result = run("report", "unsupported", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return {row["id"]: row["reasons"] for row in json.loads(result.stdout)}


def test_json_rows_are_claim_list_rows_with_reasons(reports_db, run):
    rows = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert rows and all(set(r) == LIST_KEYS | {"reasons", "latest_note", "signoff"} for r in rows)
    positions = [(r["article_id"], r["paragraph"], r["sentence"]) for r in rows]
    assert positions == sorted(positions)
    by_id = {r["id"]: r for r in rows}
    assert by_id[DISPUTED]["reasons"] == ["no_evidence", "disputed"]
    assert by_id[DISPUTED]["assignee"] == "bob"
    assert by_id[DISPUTED]["latest_note"]["by"] == "bob" and "<script>" in by_id[DISPUTED]["latest_note"]["text"]
    assert by_id[PARTLY]["reasons"] == ["partly_verified"]
    assert by_id[UNSUPPORTED]["reasons"] == ["no_evidence"]
    assert by_id[UNSUPPORTED]["signoff"]["by"] == "editor"
    assert by_id[1]["latest_note"] is None and by_id[1]["reasons"] == ["no_evidence"]
    for supported in (VERIFIED, VERIFIED_BOB, VERIFIED_LATE):
        assert supported not in by_id


def test_opinions_are_left_out_unless_asked_for(reports_db, run):
    opinions = {row[0] for row in reports_db.query("SELECT id FROM claim WHERE kind = 'opinion'")}
    assert opinions
    assert not opinions & set(listed(run))
    with_opinion = listed(run, "--include-opinion")
    assert opinions <= set(with_opinion)
    assert all(with_opinion[c] == ["no_evidence"] for c in opinions)
    execute(reports_db, "UPDATE claim SET status = 'opinion' WHERE id = 1")
    assert 1 not in listed(run) and 1 in listed(run, "--include-opinion")


def test_withdrawn_claims_are_never_listed(reports_db, run):
    execute(reports_db, "UPDATE claim SET status = 'withdrawn' WHERE id IN (1, ?)", DISPUTED)
    assert not {1, DISPUTED} & set(listed(run, "--include-opinion", "--require-signoff"))


def test_orphaned_evidence_is_a_reason(reports_db, run):
    execute(reports_db, "UPDATE evidence SET anchor = 'orphaned' WHERE claim_id = ?", VERIFIED)
    assert listed(run)[VERIFIED] == ["orphaned_evidence"]
    execute(reports_db, "UPDATE evidence SET retracted_at = '2027-01-01T00:00:00Z' WHERE claim_id = ?", VERIFIED)
    assert listed(run)[VERIFIED] == ["no_evidence"]  # retracted evidence neither supports nor is orphaned


def test_require_signoff_lists_verdicts_without_one(reports_db, run):
    rows = listed(run, "--require-signoff")
    assert rows[VERIFIED_BOB] == ["unsigned"] and rows[VERIFIED_LATE] == ["unsigned"]
    assert rows[PARTLY] == ["partly_verified", "unsigned"]
    assert rows[UNSUPPORTED] == ["no_evidence"]  # signed off by the editor
    assert VERIFIED not in rows  # signed off
    assert rows[1] == ["no_evidence"]  # not a verdict: nothing to sign off


def test_gate_exits_3_with_one_line_and_changes_nothing(reports_db, run):
    before = reports_db.dump()
    result = run("report", "unsupported", "--fail-on-unsupported", "--format", "json")
    assert result.exit_code == 3
    assert len(json.loads(result.stdout)) > 0  # the list is still printed for the log
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("verify: publication gate failed: ")
    assert "1 disputed" in result.stderr and "1 partly_verified" in result.stderr
    assert reports_db.dump() == before


def test_gate_passes_when_nothing_is_unsupported(reports_db, run):
    execute(reports_db, "UPDATE claim SET kind = 'opinion'")
    result = run("report", "unsupported", "--fail-on-unsupported")
    assert result.exit_code == 0, result.stderr
    assert "Every checkable claim has supporting evidence." in result.stdout
    assert run("report", "unsupported", "--format", "json").stdout == "[]\n"


def test_gate_with_require_signoff(reports_db, run):
    execute(reports_db, "UPDATE claim SET kind = 'opinion' WHERE id != ?", VERIFIED_BOB)
    assert run("report", "unsupported", "--fail-on-unsupported").exit_code == 0
    result = run("report", "unsupported", "--fail-on-unsupported", "--require-signoff")
    assert result.exit_code == 3 and "(1 unsigned)" in result.stderr


def test_markdown_groups_by_paragraph(reports_db, run):
    result = run("report", "unsupported", "--format", "md")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# Unsupported claims\n")
    assert text.count("## Article 1, ¶ 9\n") == 1
    section = text.split("## Article 1, ¶ 9\n")[1].split("## ")[0]
    assert f"**Claim {PARTLY}**" in section and f"**Claim {DISPUTED}**" in section
    assert "assigned to bob" in section and "&lt;script&gt;" in section and "<script>" not in text
    assert "Attributed to “According to a June 2023 UN report”" in section


def test_csv_has_one_row_per_listed_claim(reports_db, run):
    rows = list(csv.DictReader(io.StringIO(run("report", "unsupported", "--format", "csv").stdout)))
    as_json = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert [int(r["id"]) for r in rows] == [r["id"] for r in as_json]
    disputed = next(r for r in rows if int(r["id"]) == DISPUTED)
    assert disputed["reasons"] == "no_evidence disputed" and disputed["contradicts"] == "1"
    assert disputed["latest_note"].startswith("bob: Total is about 1,600")


def test_table_lists_claims_in_article_order(reports_db, run):
    result = run("report", "unsupported", "--article", "1")
    assert result.exit_code == 0
    assert "claims not supported" in result.stdout and "no_evidence" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--article", "9"), "no article with id 9"),
        (("--format", "xml"), "Invalid value for '--format'"),
    ],
)
def test_bad_input_is_one_line_exit_2(reports_db, run, args, says):
    before = reports_db.dump()
    result = run("report", "unsupported", *args)
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1
    assert reports_db.dump() == before


@pytest.mark.sqlite_only("the shipped claims.db file, upgraded in place")
def test_works_on_the_shipped_database(workspace, run):
    shutil.copy(REPO / "claims.db", workspace.db)
    assert run("db", "upgrade").exit_code == 0
    rows = json.loads(run("report", "unsupported", "--format", "json").stdout)
    # Every factual and quote claim of the shipped article (48 + 2) still needs evidence.
    assert len(rows) == 50 and all(r["reasons"] == ["no_evidence"] for r in rows)
    assert run("report", "unsupported", "--fail-on-unsupported").exit_code == 3


FIGHTERS = "there are around 400 al-Qaeda fighters in Afghanistan"
UN = "S/TEST/2023/14"
UN_400 = "Al-Qaida is assessed to have approximately 400 fighters in Afghanistan"


def reimport_with_450_fighters(run, tmp_path) -> None:
    """The new user's case: the article re-imported with "around 400" changed to "around 450"."""
    text = ARTICLE.read_text(encoding="utf-8")
    assert FIGHTERS in text
    path = tmp_path / "edited" / ARTICLE.name
    path.parent.mkdir()
    path.write_text(text.replace(FIGHTERS, FIGHTERS.replace("400", "450")), encoding="utf-8")
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1 edited (back to unreviewed)" in result.stdout


@pytest.fixture
def stale_evidence(reports_db, run, tmp_path):
    """Claim 26 holds supporting evidence quoting "400 fighters", then is edited to say 450; it alone is checkable."""
    linked = run("evidence", "link", str(DISPUTED), "--source", UN, "--stance", "supports", "--quote", UN_400)
    assert linked.exit_code == 0, linked.stderr
    reimport_with_450_fighters(run, tmp_path)
    execute(reports_db, "UPDATE claim SET kind = 'opinion' WHERE id != ?", DISPUTED)
    claim = json.loads(run("claim", "show", str(DISPUTED), "--format", "json").stdout)
    assert (claim["status"], claim["changed"], "around 450" in claim["text"]) == ("unreviewed", True, True)
    return reports_db


@pytest.mark.usefixtures("stale_evidence")
def test_claim_edited_since_its_evidence_was_linked_is_listed(run):
    assert listed(run) == {DISPUTED: ["no_verdict", "changed"]}
    rows = list(csv.DictReader(io.StringIO(run("report", "unsupported", "--format", "csv").stdout)))
    assert [(int(r["id"]), r["reasons"]) for r in rows] == [(DISPUTED, "no_verdict changed")]
    md = run("report", "unsupported", "--format", "md").stdout
    assert "evidence linked but no verdict yet; edited in the latest revision; re-check it against its evidence" in md


@pytest.mark.usefixtures("stale_evidence")
def test_gate_fails_on_a_claim_edited_since_its_evidence_was_linked(run):
    result = run("report", "unsupported", "--fail-on-unsupported")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "verify: publication gate failed: 1 claim is not supported (1 no_verdict, 1 changed)"
    )


def test_edited_claim_without_evidence_says_both(reports_db, run, tmp_path):
    reimport_with_450_fighters(run, tmp_path)  # claim 26 was disputed on contradicting evidence only
    assert listed(run)[DISPUTED] == ["no_evidence", "changed"]


def test_evidence_without_a_verdict_is_listed(reports_db, run):
    linked = run(
        "evidence",
        "link",
        "1",
        "--source",
        UN,
        "--stance",
        "supports",
        "--quote",
        "the Taliban and Al-Qaida remain closely tied",
    )
    assert linked.exit_code == 0, linked.stderr
    assert listed(run)[1] == ["no_verdict"]
    assert run("claim", "mark", "1", "in_progress").exit_code == 0
    assert listed(run)[1] == ["no_verdict"]
    assert run("claim", "mark", "1", "verified").exit_code == 0
    assert 1 not in listed(run)


def test_table_keeps_position_id_status_and_reasons_at_80_columns(reports_db, run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run("report", "unsupported")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = next(line for line in lines if "reasons" in line)
    assert [cell.strip() for cell in header.strip("┃").split("┃")][:5] == ["¶", "s", "id", "status", "reasons"]
    cells = {
        int(c[2]): c
        for c in ([cell.strip() for cell in line.strip("│").split("│")] for line in lines)
        if len(c) > 5 and c[2].isdigit()
    }
    assert cells[DISPUTED][:5] == ["9", "2", str(DISPUTED), "disputed", "no_evidence,disputed"]
    assert cells[PARTLY][:5] == ["9", "1", str(PARTLY), "partly_verified", "partly_verified"]
    assert cells[DISPUTED][-1].startswith("In terms") and cells[DISPUTED][-1].endswith("…")
    assert "claims not supported" in result.stdout


@pytest.mark.parametrize("columns", ["60", "100", "200"])
def test_table_fits_other_widths_and_keeps_the_ids(reports_db, run, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    result = run("report", "unsupported")
    assert result.exit_code == 0, result.stderr
    assert all(len(line) <= int(columns) for line in result.stdout.splitlines())
    assert f"│ {DISPUTED} " in result.stdout and "no_evidence,disputed" in result.stdout
