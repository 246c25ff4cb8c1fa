"""Long work shows progress on a terminal (stderr), and nothing when stderr is a pipe or a file.

Real processes: ``python -m verify`` in a pseudo-terminal (pexpect) for the
terminal, ``subprocess`` with pipes for scripts. The work is real and long
enough to pass the one-second mark: ranking passages for three copies of the
shipped article (over 200 claims), and importing an export of that library
with a source of 6,000 paragraphs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE, REPO

pexpect = pytest.importorskip("pexpect")

REPORT = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
COPIES = 3
ESCAPE = re.compile(r"\x1b\[")


def invoke(db: Path, *args: str) -> None:
    from verify.cli.app import app

    env = {"VERIFY_DB": str(db), "VERIFY_SOURCES": str(db.parent / "sources"), "VERIFY_USER": "tester"}
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """The article three times (each under its own title), the test report and a long generated source."""
    root = tmp_path_factory.mktemp("progress")
    db = root / "claims.db"
    invoke(db, "init")
    for copy in range(COPIES):
        invoke(db, "article", "add", str(ARTICLE), "--title", f"Copy {copy + 1}")
    invoke(db, "source", "add", str(REPORT))
    long_text = root / "long.txt"
    paragraphs = [
        f"{n}. Paragraph {n} of a long fictional report on camps, fighters and supply routes in province {n % 34}."
        for n in range(1, 6001)
    ]
    long_text.write_text("A long fictional report\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    invoke(db, "source", "add", str(long_text), "--key", "long-report")
    return db


def claims(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM claim WHERE status <> 'withdrawn'").fetchone()[0])


def terminal(root: Path, command: str, db: Path | str, sources: Path | None = None) -> pexpect.spawn:
    """``command`` (a shell line; ``verify`` is this Python's module) run by bash in an 80×24 pseudo-terminal."""
    env = {
        **os.environ,
        "VERIFY_DB": str(db),
        "VERIFY_SOURCES": str(sources or Path(db).parent / "sources"),
        "VERIFY_USER": "tester",
        "VERIFY_PROGRESS_DELAY": "0.1",  # the work here takes longer than that on any machine, not always a second
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
    }
    line = command.replace("verify ", f"{sys.executable} -m verify ", 1)
    return pexpect.spawn(
        "bash", ["-c", line], cwd=str(root), env=env, dimensions=(24, 80), encoding="utf-8", timeout=300
    )


def test_batch_suggest_shows_progress_on_the_terminal_and_writes_only_json_to_a_file(library, tmp_path):
    out = tmp_path / "out.jsonl"
    child = terminal(tmp_path, f"verify evidence suggest --all-claims --format json > {out}", library)
    try:
        child.expect("suggesting")
        child.expect(rf"\d+/{claims(library)}")  # claims ranked of claims in all
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    text = out.read_text(encoding="utf-8")
    assert not ESCAPE.search(text) and "suggesting" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == claims(library) and all(set(line) == {"claim_id", "suggestions"} for line in lines)


def test_batch_suggest_is_silent_on_stderr_when_piped(library):
    env = {**os.environ, "VERIFY_DB": str(library), "VERIFY_SOURCES": str(library.parent / "sources")}
    done = subprocess.run(
        [sys.executable, "-m", "verify", "evidence", "suggest", "--all-claims", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert len(done.stdout.splitlines()) == claims(library) and not ESCAPE.search(done.stdout)


@pytest.fixture(scope="module")
def export(library: Path) -> Path:
    dump = library.parent / "export.json"
    env = {**os.environ, "VERIFY_DB": str(library), "VERIFY_SOURCES": str(library.parent / "sources")}
    done = subprocess.run(
        [sys.executable, "-m", "verify", "export", "--format", "json", "--output", str(dump)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return dump


def test_import_shows_its_stage_on_the_terminal(export, tmp_path):
    db = tmp_path / "restored.db"
    invoke(db, "init")
    child = terminal(tmp_path, f"verify import {export}", db)
    try:
        child.expect(r"reading export\.json|checking export\.json|importing \w+|building the search index")
        child.expect(r"imported export\.json: 3 articles")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_import_is_silent_on_stderr_when_piped(export, tmp_path):
    db = tmp_path / "restored.db"
    invoke(db, "init")
    env = {**os.environ, "VERIFY_DB": str(db), "VERIFY_SOURCES": str(tmp_path / "sources")}
    done = subprocess.run(
        [sys.executable, "-m", "verify", "import", str(export)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("imported export.json: 3 articles")


def test_a_large_download_shows_its_bar_on_a_terminal_and_not_in_a_pipe(workspace, run, http_server, tmp_path):
    """Over 1 MB a download shows a bar on a terminal; piped, a refused one leaves just its one-line refusal."""
    from tests.httpserver import streamed

    assert run("init").exit_code == 0
    http_server.serve("/big.txt", streamed(3 * 1024 * 1024, fill=b"word "), "text/plain")
    url = http_server.url("/big.txt")
    child = terminal(tmp_path, f"verify source add {url} --key big --max-size 2MB", workspace.url, workspace.sources)
    try:
        child.expect("downloading")
        child.expect("larger than")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 2
    env = {**os.environ, "VERIFY_DB": workspace.url, "VERIFY_SOURCES": str(workspace.sources)}
    done = subprocess.run(
        [sys.executable, "-m", "verify", "source", "add", url, "--key", "big", "--max-size", "2MB"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("verify: ") and "larger than" in done.stderr
