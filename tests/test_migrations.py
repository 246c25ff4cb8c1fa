"""The schema: migrations create every table, match the models, and are recorded."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import verify.db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from verify.db import migrate

FTS_TABLES = "passage_fts"  # SQLite full-text index for Datasette and sqlite-utils: a migration's, not a model


def tables(db) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_head_constant_matches_the_migration_scripts():
    assert migrate.HEAD == migrate.head_revision()


def test_init_creates_every_table_and_records_the_revision(run, workspace):
    result = run("init")
    assert result.exit_code == 0, result.stderr
    assert f"created database {workspace.db}" in result.stdout and migrate.HEAD in result.stdout
    assert set(SQLModel.metadata.tables) | {"alembic_version"} <= tables(workspace.db)
    assert {"article", "article_revision", "claim", "source", "passage", "evidence", "note", "event"} <= tables(
        workspace.db
    )
    assert workspace.query("SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]


def test_migrated_schema_matches_the_models(run, workspace):
    assert run("init").exit_code == 0
    engine = create_engine(f"sqlite:///{workspace.db}")

    def include_name(name, type_, _parent) -> bool:
        return not (type_ == "table" and name and name.startswith(FTS_TABLES))

    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_wal_mode_and_foreign_keys(run, workspace):
    assert run("init").exit_code == 0
    assert workspace.query("PRAGMA journal_mode") == [("wal",)]  # persistent in the file
    from verify.db.engine import open_database

    database = open_database(str(workspace.db))
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        database.dispose()


def test_foreign_keys_are_enforced_through_verify(article_db, run):
    """A note on a claim that does not exist is refused by the database, not stored."""
    from sqlalchemy.exc import IntegrityError

    from verify.db.engine import open_database
    from verify.db.models import Note

    database = open_database(str(article_db.db))
    before = article_db.dump()
    try:
        try:
            with database.write() as session:
                session.add(Note(claim_id=9999, author="x", created_at="2024-01-01T00:00:00Z", text="orphan"))
        except IntegrityError:
            pass
        else:
            raise AssertionError("a note for a missing claim was accepted")
    finally:
        database.dispose()
    assert article_db.dump() == before


def test_db_status_output(run, workspace):
    assert run("init").exit_code == 0
    result = run("db", "status")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"database: {workspace.db}",
        f"schema: {migrate.HEAD}; this verify needs {migrate.HEAD}",
    ]


def test_init_twice_is_fine_and_keeps_the_data(article_db, run):
    before = article_db.dump()
    result = run("init")
    assert result.exit_code == 0
    assert "is up to date" in result.stdout
    assert article_db.dump() == before


def test_an_older_schema_asks_for_an_upgrade(run, workspace):
    assert run("init").exit_code == 0
    conn = sqlite3.connect(workspace.db)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.close()
    result = run("status")
    assert result.exit_code == 2
    assert "run 'verify db upgrade'" in result.stderr
    status = run("db", "status")
    assert status.exit_code == 0 and "schema: 0001" in status.stdout and "verify db upgrade" in status.stdout


def test_a_schema_newer_than_this_verify_is_refused(run, workspace):
    assert run("init").exit_code == 0
    conn = sqlite3.connect(workspace.db)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = workspace.dump()
    result = run("claim", "list")
    assert result.exit_code == 2 and "newer than this verify knows" in result.stderr
    assert workspace.dump() == before
