"""A database made by the first released schema (0001) is upgraded without loss, and moves to PostgreSQL intact.

``tests/data/schema-0001.db`` was written by ``tests/data/make_schema_0001.py``
with the 0001 migration and a reviewer's work (statuses, notes, evidence, one
retraction, the audit log). Each test works on a copy.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verify.db.migrate import HEAD

FIXTURE = Path(__file__).resolve().parent / "data" / "schema-0001.db"
TABLES_0001 = ("article", "article_revision", "source", "passage", "claim", "evidence", "note", "event")
POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


Run = Callable[..., Result]


def rows(
    path: Path, like: dict[str, tuple[list[str], list[tuple]]] | None = None
) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of the schema-0001 tables, with the column names, read with plain sqlite3.

    With ``like``, only the columns it has: later migrations add columns, and the rows must keep the old ones.
    """
    conn = sqlite3.connect(path)
    try:
        found = {}
        for table in TABLES_0001:
            columns = ", ".join(f'"{name}"' for name in like[table][0]) if like else "*"
            cursor = conn.execute(f"SELECT {columns} FROM {table} ORDER BY id")
            found[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        return found
    finally:
        conn.close()


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "claims.db"
    shutil.copyfile(FIXTURE, path)
    return path


@pytest.fixture
def verify(tmp_path: Path) -> Run:
    """``verify("--db", X, "status")`` in-process; the database is always named explicitly."""
    from verify.cli.app import app

    def invoke(*args: str, user: str = "editor") -> Result:
        env = {"VERIFY_SOURCES": str(tmp_path / "sources"), "VERIFY_USER": user, "VERIFY_DB": str(tmp_path / "none.db")}
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def postgres() -> Iterator[Callable[[], str]]:
    """Makes empty PostgreSQL databases (dropped afterwards); skips when no server, unless required."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    named = os.environ.get("VERIFY_TEST_POSTGRES", "").strip()
    required = bool(named) or os.environ.get("VERIFY_TEST_REQUIRE_ALL") == "1"
    server = make_url(named or POSTGRES_DEFAULT)
    engine = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the reason to skip
        engine.dispose()
        reason = f"PostgreSQL not reachable at {server.render_as_string()} ({type(exc).__name__})"
        if required:
            pytest.fail(
                f"{reason}; required because VERIFY_TEST_POSTGRES or VERIFY_TEST_REQUIRE_ALL=1 is set", pytrace=False
            )
        pytest.skip(f"{reason}; set VERIFY_TEST_POSTGRES to run the PostgreSQL part")
    created: list[str] = []

    def create() -> str:
        name = f"verify_upgrade_{uuid.uuid4().hex[:10]}"
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        created.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield create
    with engine.connect() as conn:
        for name in created:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def test_fixture_is_at_the_first_schema():
    conn = sqlite3.connect(FIXTURE)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert {t: len(r) for t, (_, r) in rows(FIXTURE).items()} == {
            "article": 1,
            "article_revision": 1,
            "source": 1,
            "passage": 58,
            "claim": 12,
            "evidence": 3,
            "note": 2,
            "event": 14,
        }
    finally:
        conn.close()


def test_commands_refuse_an_old_schema_and_name_the_upgrade(old_db, verify):
    before = old_db.read_bytes()
    result = verify("--db", str(old_db), "status")
    assert result.exit_code == 2
    assert "schema is at revision 0001" in result.stderr and "verify db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
    status = verify("--db", str(old_db), "db", "status")
    assert status.exit_code == 0, status.stderr
    assert f"schema: 0001; this verify needs {HEAD}" in status.stdout and "verify db upgrade" in status.stdout
    assert old_db.read_bytes() == before


def test_upgrade_keeps_every_row(old_db, verify):
    before = rows(old_db)
    result = verify("--db", str(old_db), "db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert f"schema 0001 -> {HEAD}" in result.stdout
    assert rows(old_db, like=before) == before
    status = verify("--db", str(old_db), "db", "status")
    assert f"schema: {HEAD}; this verify needs {HEAD}" in status.stdout and "verify db upgrade" not in status.stdout
    again = verify("--db", str(old_db), "db", "upgrade")
    assert again.exit_code == 0 and f"schema is current ({HEAD})" in again.stdout


def test_new_features_work_on_the_upgraded_database(old_db, verify):
    db = ("--db", str(old_db))
    assert verify(*db, "db", "upgrade").exit_code == 0
    assert verify(*db, "status").exit_code == 0

    # 0004 built the search index from the passages the old schema held.
    found = verify(*db, "search", "discreet posture", "--format", "json")
    assert found.exit_code == 0, found.stderr
    assert json.loads(found.stdout)[0]["locator"] == "para. 3"

    # Sign-off (0003): the verdict's author may not sign it, someone else may.
    refused = verify(*db, "claim", "signoff", "1", user="amira")
    assert refused.exit_code == 2 and "someone else" in refused.stderr
    signed = verify(*db, "claim", "signoff", "1", "--note", "read para. 1")
    assert signed.exit_code == 0, signed.stderr

    report = verify(*db, "report", "unsupported", "--format", "json")
    assert report.exit_code == 0, report.stderr
    listed = {row["id"]: row for row in json.loads(report.stdout)}
    assert 1 not in listed  # verified, with its evidence
    assert listed[3]["status"] == "unsupported" and "symbiotic" in listed[3]["latest_note"]["text"]
    assert listed[2]["evidence_counts"]["contradicts"] == 1

    # Ordinary work continues on the old rows, versions included.
    shown = json.loads(verify(*db, "claim", "show", "5", "--format", "json").stdout)
    assert (shown["status"], shown["assignee"], shown["version"]) == ("in_progress", "jonas", 3)
    stale = verify(*db, "claim", "mark", "5", "opinion", "--if-version", "2")
    assert stale.exit_code == 2 and "amira" in stale.stderr
    assert verify(*db, "claim", "mark", "5", "opinion", "--if-version", "3").exit_code == 0


def _export(verify: Run, db: str, fmt: str = "json") -> str:
    result = verify("--db", db, "export", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.postgres
def test_export_is_identical_after_import_into_postgresql(old_db, verify, postgres, tmp_path):
    assert verify("--db", str(old_db), "db", "upgrade").exit_code == 0
    assert verify("--db", str(old_db), "claim", "signoff", "1").exit_code == 0  # a 0003 row too
    exports = {fmt: _export(verify, str(old_db), fmt) for fmt in ("json", "jsonl")}
    (tmp_path / "desk.json").write_text(exports["json"], encoding="utf-8")

    url = postgres()
    assert verify("--db", url, "init").exit_code == 0
    imported = verify("--db", url, "import", str(tmp_path / "desk.json"))
    assert imported.exit_code == 0, imported.stderr
    for fmt, text in exports.items():
        assert _export(verify, url, fmt) == text
    found = verify("--db", url, "search", "discreet posture", "--format", "json")
    assert json.loads(found.stdout)[0]["locator"] == "para. 3"
    # New rows get new ids on PostgreSQL (sequences moved past the imported ones).
    assert verify("--db", url, "claim", "note", "2", "checked on the server").exit_code == 0


@pytest.mark.postgres
def test_db_copy_moves_a_desk_to_postgresql_and_back(old_db, verify, postgres, tmp_path):
    assert verify("--db", str(old_db), "db", "upgrade").exit_code == 0
    original = _export(verify, str(old_db))
    url = postgres()
    copied = verify("db", "copy", str(old_db), url)
    assert copied.exit_code == 0, copied.stderr
    assert "exports of both databases are identical" in copied.stdout
    assert _export(verify, url) == original

    back = tmp_path / "back.db"
    assert verify("db", "copy", url, str(back)).exit_code == 0
    assert _export(verify, str(back)) == original

    again = verify("db", "copy", str(old_db), url)
    assert again.exit_code == 2 and "not empty" in again.stderr and "copy into a new, empty database" in again.stderr
    assert _export(verify, url) == original


def test_db_copy_refuses_an_old_source_schema(old_db, verify, tmp_path):
    result = verify("db", "copy", str(old_db), str(tmp_path / "new.db"))
    assert result.exit_code == 2 and "verify db upgrade" in result.stderr
    assert not (tmp_path / "new.db").exists()


def test_an_index_in_the_older_format_is_rebuilt_and_fts5_redeclared(old_db, verify):
    """A 0005 database whose index was built one row per posting (and with FTS5 beside it) is upgraded:
    the old FTS5 table is replaced, and the index is rebuilt in the new format although it held every passage."""
    from verify.db.engine import open_database
    from verify.match.index import INDEX_FORMAT
    from verify.workflow.schema import upgrade_database

    database = open_database(str(old_db), check_schema=False)
    try:
        upgrade_database(database, "0005")
    finally:
        database.dispose()
    conn = sqlite3.connect(old_db)
    try:
        passages = conn.execute(
            "SELECT p.id, p.source_id FROM passage p JOIN source s ON s.id = p.source_id WHERE s.is_current"
        ).fetchall()
        conn.executemany("INSERT INTO search_document (passage_id, source_id, length) VALUES (?, ?, 1)", passages)
        conn.executemany(
            "INSERT INTO search_posting (term, passage_id, tf) VALUES ('zzz', ?, 1)", [(p,) for p, _ in passages]
        )
        conn.execute(
            "INSERT INTO search_stats (id, documents, total_length) VALUES (1, ?, ?)", (len(passages), len(passages))
        )
        conn.commit()
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'passage_fts'").fetchone() == (1,)
    finally:
        conn.close()
    db = ("--db", str(old_db))
    assert verify(*db, "search", "discreet posture").exit_code == 2  # refused: the schema is old
    upgraded = verify(*db, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.stderr
    found = json.loads(verify(*db, "search", "discreet posture", "--format", "json").stdout)
    assert found and "discreet" in found[0]["text"].lower()
    conn = sqlite3.connect(old_db)
    try:
        # 0006 dropped the FTS5 table of 0002; 0007 declares one the way Datasette and sqlite-utils find it.
        (fts,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'passage_fts'").fetchone()
        assert 'content="passage"' in fts
        assert conn.execute("SELECT format, documents FROM search_stats").fetchall() == [(INDEX_FORMAT, len(passages))]
        assert conn.execute("SELECT count(*) FROM search_block WHERE term = 'zzz'").fetchone() == (0,)
    finally:
        conn.close()
