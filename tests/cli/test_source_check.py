"""``verify source check [KEY] [--online]``: report drift in the archive, never repair it.

Exit 0 when every archived file still has the recorded hash, 1 with the
problems listed when anything changed or vanished (locally, or on the web
with ``--online``). Sources registered but not retrieved are listed and do
not fail the check. The check never writes to ``sources/`` or the database.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.httpserver import Reply
from tests.unpdf import SYMBOL, Report, make_report

DATA = Path(__file__).resolve().parent.parent / "data"
PDF = "application/pdf"
FOLDER = "s-test-2023-14"


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture
def archive(run, workspace, report, tmp_path):
    """A database with the PDF report, a text source and a registered-only source."""
    assert run("init").exit_code == 0
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.pdf)
    assert run("source", "add", str(pdf)).exit_code == 0
    assert run("source", "add", str(DATA / "un_small_report.txt"), "--key", "small").exit_code == 0
    assert run("source", "register", "zawahiri-2013", "--title", "General Guidelines").exit_code == 0
    return workspace


def snapshot(sources: Path) -> dict[str, bytes | None]:
    """Every path under sources/ with its bytes (None for folders)."""
    return {str(p.relative_to(sources)): (p.read_bytes() if p.is_file() else None) for p in sorted(sources.rglob("*"))}


def check(run, *args: str) -> tuple[int, list[dict]]:
    result = run("source", "check", *args, "--format", "json")
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def states(rows: list[dict]) -> dict[tuple[str, str], bool]:
    return {(r["source_key"], r["state"]): r["problem"] for r in rows}


def test_intact_archive_passes(run, archive):
    before = snapshot(archive.sources)
    code, rows = check(run)
    assert code == 0
    assert states(rows) == {(SYMBOL, "ok"): False, ("small", "ok"): False, ("zawahiri-2013", "not_retrieved"): False}
    for row in rows:
        assert set(row) == {"source_key", "version", "state", "problem", "detail"}
        assert row["version"] == 1
    table = run("source", "check")
    assert table.exit_code == 0
    assert "archive intact" in table.stdout and "not_retrieved" in table.stdout
    assert snapshot(archive.sources) == before


def test_only_one_source(run, archive):
    code, rows = check(run, "small")
    assert code == 0
    assert [(r["source_key"], r["state"]) for r in rows] == [("small", "ok")]
    result = run("source", "check", "nope")
    assert result.exit_code == 2
    assert "no source with key 'nope'" in result.stderr


@pytest.mark.parametrize(
    ("damage", "state", "fragment"),
    [
        ("original", "changed", "original.pdf no longer has sha256"),
        ("text", "changed", "text.txt differs from the extracted text"),
        ("original-deleted", "missing", "original.pdf"),
        ("folder-deleted", "missing", FOLDER),
    ],
)
def test_tampering_is_reported_and_left_alone(run, archive, damage, state, fragment):
    folder = archive.sources / FOLDER
    if damage == "original":
        data = bytearray((folder / "original.pdf").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (folder / "original.pdf").write_bytes(bytes(data))
    elif damage == "text":
        with (folder / "text.txt").open("a", encoding="utf-8") as handle:
            handle.write("An invented sentence.\n")
    elif damage == "original-deleted":
        (folder / "original.pdf").unlink()
    else:
        shutil.rmtree(folder)
    before_files, before_db = snapshot(archive.sources), archive.dump()

    code, rows = check(run)
    assert code == 1
    problems = [r for r in rows if r["problem"]]
    assert [(r["source_key"], r["version"], r["state"]) for r in problems] == [(SYMBOL, 1, state)]
    assert fragment in problems[0]["detail"]
    assert ("small", "ok") in states(rows) and ("zawahiri-2013", "not_retrieved") in states(rows)
    table = run("source", "check")
    assert table.exit_code == 1
    assert "1 problem(s) found" in table.stdout
    assert snapshot(archive.sources) == before_files
    assert archive.dump() == before_db


# --- --online against the local server ----------------------------------------


@pytest.fixture
def online(run, workspace, report, http_server):
    assert run("init").exit_code == 0
    http_server.serve("/report.pdf", report.pdf, PDF)
    assert run("source", "add", http_server.url("/report.pdf")).exit_code == 0
    return workspace


def test_online_unchanged_is_ok(run, online, http_server):
    before = online.dump()
    code, rows = check(run, "--online")
    assert code == 0
    assert states(rows) == {(SYMBOL, "ok"): False, (SYMBOL, "remote_ok"): False}
    assert http_server.hits("/report.pdf") == 2
    assert online.dump() == before


def test_online_reissued_document_is_reported_not_stored(run, online, http_server):
    http_server.serve("/report.pdf", make_report(5).pdf, PDF)
    before_db, before_files = online.dump(), snapshot(online.sources)
    code, rows = check(run, "--online")
    assert code == 1
    assert states(rows) == {(SYMBOL, "ok"): False, (SYMBOL, "remote_changed"): True}
    remote = next(r for r in rows if r["state"] == "remote_changed")
    assert http_server.url("/report.pdf") in remote["detail"]
    assert online.dump() == before_db
    assert snapshot(online.sources) == before_files
    assert run("source", "check").exit_code == 0  # the local copy is still intact


def test_online_link_rot_is_reported(run, online, http_server):
    http_server.route("/report.pdf", Reply(status=404, body=b"gone", content_type="text/plain"))
    before_db, before_files = online.dump(), snapshot(online.sources)
    code, rows = check(run, "--online")
    assert code == 1
    assert states(rows) == {(SYMBOL, "ok"): False, (SYMBOL, "remote_gone"): True}
    assert "HTTP 404" in next(r for r in rows if r["state"] == "remote_gone")["detail"]
    assert online.dump() == before_db
    assert snapshot(online.sources) == before_files


def test_online_check_in_a_real_process(run_process, online, http_server):
    http_server.route("/report.pdf", Reply(status=404))
    result = run_process("source", "check", "--online")
    assert result.exit_code == 1
    assert "remote_gone" in result.stdout and "1 problem(s) found" in result.stdout
    assert result.stderr == ""
