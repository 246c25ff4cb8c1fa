"""``verify report appendix`` and ``report annotated``: golden files, atomic output, the shipped database.

The golden files in tests/golden/ are regenerated with ``python tests/golden/update.py``
after a deliberate change; review their diff like code.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ARTICLE, REPO
from tests.golden.update import GOLDEN, HERE, render_all, template


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    root = template(tmp_path_factory)
    return render_all(root / "claims.db", root / "sources", tmp_path_factory.mktemp("rendered"))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_output_matches_the_golden_file(rendered, name):
    expected = (HERE / name).read_text(encoding="utf-8")
    assert rendered[name] == expected, (
        f"{name} changed: if intended, run python tests/golden/update.py and review the diff"
    )


def test_golden_files_render_the_same_from_this_backend(reports_db, tmp_path):
    """The reports' database moved to this backend (PostgreSQL: via 'verify db copy') renders the same bytes."""
    for name, text in render_all(reports_db.url, reports_db.sources, tmp_path).items():
        assert text == (HERE / name).read_text(encoding="utf-8"), f"{name} differs on this backend"


def test_same_database_same_bytes(reports_db, run):
    first = run("report", "appendix", "--format", "html").stdout
    second = run("report", "appendix", "--format", "html").stdout
    assert first == second
    assert "2026-11-26T" not in first  # no raw timestamps, and no "generated at" line


def test_appendix_cites_un_documents_as_the_un_does(rendered):
    md = rendered["appendix.md"]
    assert (
        "United Nations Security Council, *Fourteenth report of the Analytical Support and Sanctions "
        "Monitoring Team*, S/TEST/2023/14, 1 June 2023, para. 14."
    ) in md
    assert "> “a wider total of about 1,600 once family members and sympathizers are counted”" in md
    assert "<https://example.org/S-TEST-2023-14.txt> Retrieved 26 November 2026." in md
    bibliography = md.split("## Bibliography")[1].split("## Not yet supported")[0]
    assert "SHA-256 `8413ddbf0a122bb5e97a40e245399ffa89a47429f2f41e6fbb0f344fd7160ca6`" in bibliography
    notes = re.findall(r"^\*\*(\d+)\.\*\* ¶ (\d+), sentence (\d+)", md, flags=re.M)
    assert [int(n) for n, _, _ in notes] == list(range(1, len(notes) + 1))
    assert [(int(p), int(s)) for _, p, s in notes] == sorted((int(p), int(s)) for _, p, s in notes)


def test_unsupported_section_shows_status_and_latest_note(rendered):
    section = rendered["appendix.md"].split("## Not yet supported")[1]
    assert "claim 26 · disputed (no supporting evidence; disputed)" in section
    assert "Latest note, bob, 2026-11-26: Total is about 1,600" in section
    assert "claim 3 ·" not in section  # verified and signed off


def test_by_paragraph_puts_one_note_per_paragraph(rendered):
    md = rendered["appendix-by-paragraph.md"]
    assert md.count("**3.** ¶ 9") == 1
    assert "claim 25 · partly verified" in md and "claim 26 · disputed" in md
    assert "**Contradicts (claim 26):**" in md


def test_html_is_self_contained_and_printable(rendered):
    for name in ("appendix.html", "annotated.html"):
        page = rendered[name]
        assert page.startswith("<!DOCTYPE html>")
        assert "@media print" in page and "Content-Security-Policy" in page
        for external in ("<script", "<link", "<img", "<iframe", "src=", "@import", "url("):
            assert external not in page, (name, external)


def test_output_file_is_written_atomically(reports_db, run, tmp_path):
    target = tmp_path / "out" / "appendix.html"
    target.parent.mkdir()
    target.write_text("old")
    result = run("report", "appendix", "--format", "html", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == run("report", "appendix", "--format", "html").stdout
    assert sorted(p.name for p in target.parent.iterdir()) == ["appendix.html"]  # no temporary file left


@pytest.mark.parametrize("command", [("appendix",), ("annotated",)])
def test_output_into_a_missing_folder_is_refused(reports_db, run, tmp_path, command):
    before = reports_db.dump()
    target = tmp_path / "missing" / "out.html"
    result = run("report", *command, "--output", str(target))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert not target.parent.exists() and reports_db.dump() == before


def test_several_articles_need_article(reports_db, run):
    article = REPO / "tests" / "data" / "html_article.html"
    assert run("article", "add", str(article)).exit_code == 0
    result = run("report", "appendix")
    assert result.exit_code == 2 and "--article ID" in result.stderr
    assert run("report", "appendix", "--article", "2").exit_code == 0
    assert run("report", "annotated", "--article", "3", "--output", "x.html").exit_code == 2
    assert not Path("x.html").exists()


@pytest.mark.sqlite_only("the shipped claims.db file, upgraded in place")
def test_reports_on_the_shipped_database(workspace, run, tmp_path):
    shutil.copy(REPO / "claims.db", workspace.db)
    assert run("db", "upgrade").exit_code == 0
    md = run("report", "appendix")
    assert (
        md.exit_code == 0
        and "No claim has evidence yet." in md.stdout
        and "· claim 1 · unreviewed (no supporting evidence)" in md.stdout
    )
    html = run("report", "appendix", "--format", "html", "--by", "paragraph")
    assert html.exit_code == 0 and "<h2>Not yet supported</h2>" in html.stdout
    out = tmp_path / "annotated.html"
    assert run("report", "annotated", "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").count('data-status="unreviewed"') == 71


FIGHTERS = "there are around 400 al-Qaeda fighters in Afghanistan"


def test_claim_edited_since_its_evidence_was_linked_is_not_shown_as_supported(reports_db, run, tmp_path):
    """The new user's case: evidence quoting "400 fighters" on a claim edited to say 450."""
    linked = run(
        "evidence",
        "link",
        "26",
        "--source",
        "S/TEST/2023/14",
        "--stance",
        "supports",
        "--quote",
        "Al-Qaida is assessed to have approximately 400 fighters in Afghanistan",
    )
    assert linked.exit_code == 0, linked.stderr
    path = tmp_path / "edited" / ARTICLE.name
    path.parent.mkdir()
    path.write_text(
        ARTICLE.read_text(encoding="utf-8").replace(FIGHTERS, FIGHTERS.replace("400", "450")), encoding="utf-8"
    )
    assert run("article", "add", str(path)).exit_code == 0
    for by in ("claim", "paragraph"):
        md = run("report", "appendix", "--by", by).stdout
        notes, unsupported = md.split("## Not yet supported")
        assert "claim 26 ·" not in notes and "400 fighters" not in notes
        assert (
            "claim 26 · unreviewed (evidence linked but no verdict yet; edited in the latest revision; "
            "re-check it against its evidence): “In terms of foot soldiers, there are around 450"
        ) in unsupported
    html = run("report", "appendix", "--format", "html").stdout
    notes, unsupported = html.split('<section id="unsupported">')
    assert "400 fighters" not in notes and '<li id="open-26">' in unsupported and "no verdict yet" in unsupported


def test_evidence_without_a_verdict_gets_no_note(reports_db, run):
    linked = run(
        "evidence",
        "link",
        "1",
        "--source",
        "S/TEST/2023/14",
        "--stance",
        "supports",
        "--quote",
        "the Taliban and Al-Qaida remain closely tied",
    )
    assert linked.exit_code == 0, linked.stderr
    notes, unsupported = run("report", "appendix").stdout.split("## Not yet supported")
    assert "claim 1 ·" not in notes
    assert "claim 1 · unreviewed (evidence linked but no verdict yet)" in unsupported


def test_a_verified_claim_with_contradicting_evidence_is_a_conflict_not_a_note(reports_db, run):
    [(claim,)] = reports_db.query("SELECT id FROM claim WHERE paragraph = 18 AND sentence = 2")
    before = run("report", "appendix").stdout.split("## Not yet supported")[0]
    assert f"claim {claim} · verified" in before
    linked = run(
        "evidence",
        "link",
        str(claim),
        "--source",
        "S/TEST/2023/14",
        "--stance",
        "contradicts",
        "--quote",
        "Al-Zawahiri was killed on 30 July 2022 by a United States drone strike",
    )
    assert linked.exit_code == 0, linked.stderr
    assert linked.stderr.startswith(f"warning: claim {claim} is verified but evidence ")
    notes, unsupported = run("report", "appendix").stdout.split("## Not yet supported")
    assert f"claim {claim} ·" not in notes  # never cited as both Supports and Contradicts
    assert f"claim {claim} · verified (verdict of support, but contradicting evidence is in force)" in unsupported
    gate = run("report", "unsupported", "--fail-on-unsupported")
    assert gate.exit_code == 3 and "1 conflict" in gate.stderr
    rows = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert [r["reasons"] for r in rows if r["id"] == claim] == [["conflict"]]
