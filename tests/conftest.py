"""Shared fixtures: every test gets its own database file and sources folder.

``workspace`` sets VERIFY_DB / VERIFY_SOURCES / VERIFY_USER for the test, so
commands run through ``run`` (CliRunner, in-process) or ``run_process`` (a
real ``python -m verify`` subprocess) never touch the shipped claims.db.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.httpserver import http_server_fixture  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
ARTICLE_TITLE = "The Taliban’s Strategy to Strengthen and Govern al-Qaeda"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Workspace:
    root: Path
    db: Path
    sources: Path

    def dump(self) -> str:
        """The whole database as SQL text plus a listing of sources/, to prove nothing changed."""
        parts: list[str] = []
        if self.db.exists():
            conn = sqlite3.connect(self.db)
            try:
                parts.extend(conn.iterdump())
            finally:
                conn.close()
        if self.sources.exists():
            for path in sorted(self.sources.rglob("*")):
                parts.append(f"{path.relative_to(self.sources)} {path.stat().st_size if path.is_file() else 'dir'}")
        return "\n".join(parts)

    def query(self, sql: str, *params: object) -> list[tuple]:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def execute(self, sql: str, *params: object) -> None:
        """Change the database behind verify's back (committed), to set up a situation."""
        conn = sqlite3.connect(self.db)
        try:
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(sql, params)
            conn.commit()
        finally:
            conn.close()


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("VERIFY_NOW", raising=False)
    monkeypatch.delenv("VERIFY_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    space = Workspace(tmp_path, tmp_path / "claims.db", tmp_path / "sources")
    monkeypatch.setenv("VERIFY_DB", str(space.db))
    monkeypatch.setenv("VERIFY_SOURCES", str(space.sources))
    monkeypatch.setenv("VERIFY_USER", "tester")
    monkeypatch.chdir(tmp_path)
    return space


@pytest.fixture
def run(workspace: Workspace) -> Callable[..., Result]:
    """Run a verify command in-process: ``run("claim", "list", "--format", "json")``."""
    from verify.cli.app import app

    def invoke(*args: str, input: str | None = None, user: str | None = None) -> Result:
        env = {"VERIFY_USER": user} if user else None
        result = CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def run_process(workspace: Workspace) -> Callable[..., Result]:
    """Run ``python -m verify`` as a real process (for exit codes, stderr and signals)."""

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
        full_env = {**os.environ, **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "verify", *args],
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            cwd=workspace.root,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke


@pytest.fixture(scope="session")
def _article_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped article imported once per test session, copied for each test."""
    from verify.cli.app import app

    path = tmp_path_factory.mktemp("template") / "claims.db"
    runner = CliRunner()
    env = {"VERIFY_DB": str(path), "VERIFY_USER": "tester", "VERIFY_NOW": ""}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    result = runner.invoke(app, ["article", "add", str(ARTICLE)], env=env)
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def article_db(_article_template: Path, workspace: Workspace) -> Workspace:
    """A fresh database holding the shipped article (a copy of a session-wide import)."""
    source = sqlite3.connect(_article_template)
    target = sqlite3.connect(workspace.db)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return workspace
