"""Reading a long PDF shows how far it got on a terminal, and prints nothing extra anywhere else."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest

from tests.unpdf import make_report


@pytest.fixture(scope="module")
def long_report() -> bytes:
    return make_report(pages=60).pdf


def test_a_long_pdf_shows_a_page_bar_on_a_terminal(workspace, run, tmp_path, long_report):
    assert run("init").exit_code == 0
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(long_report)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "24"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "verify", "source", "add", str(pdf), "--key", "long"],
        cwd=str(workspace.root),
        env=env,
        dimensions=(24, 100),
        encoding="utf-8",
        timeout=120,
    )
    try:
        child.expect(r"reading pages")
        child.expect(r"\d+/\d+")  # pages read of pages in all
        child.expect("added source long: ")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_without_a_terminal_only_the_result_is_printed(workspace, run, tmp_path, long_report):
    assert run("init").exit_code == 0
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(long_report)
    result = run("source", "add", str(pdf), "--key", "long")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "" and "reading pages" not in result.stdout
    assert result.stdout.startswith("added source long: ")
