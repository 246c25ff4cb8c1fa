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


def _alembic(workspace, action: str, target: str) -> None:
    from alembic import command

    engine = create_engine(f"sqlite:///{workspace.db}")
    try:
        with engine.begin() as conn:
            config = migrate._config()
            config.attributes["connection"] = conn
            getattr(command, action)(config, target)
    finally:
        engine.dispose()


def test_public_notes_migration_keeps_existing_notes_internal_and_goes_back(article_db, run, workspace):
    """Revision 0011: notes written before it were working notes, so they become internal (public = 0)."""
    assert run("claim", "note", "3", "written before public notes existed").exit_code == 0
    _alembic(workspace, "downgrade", "0006")
    assert "public" not in {row[1] for row in workspace.query("PRAGMA table_info(note)")}
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert workspace.query("SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]
    assert workspace.query("SELECT text, public FROM note") == [("written before public notes existed", 0)]
    assert run("claim", "note", "3", "for readers", "--public").exit_code == 0
    _alembic(workspace, "downgrade", "0006")
    assert workspace.query("SELECT text FROM note ORDER BY id") == [
        ("written before public notes existed",),
        ("for readers",),
    ]


LATER_MIGRATION = '''"""a later revision that rebuilds a table the views read (SQLite batch mode: copy, drop, rename)"""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("signoff", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("later", sa.Integer(), nullable=True))


def downgrade():
    pass
'''


def test_a_later_migration_can_rebuild_a_table_the_views_read(article_db, tmp_path, monkeypatch):
    """Since SQLite 3.26 a table rename re-checks every view; the migrations run with the legacy rename.

    (Only tables no foreign key points to can be rebuilt at all: the others cannot be dropped.)"""
    import shutil

    from verify.db.engine import open_database

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9001_later.py").write_text(LATER_MIGRATION.replace("{head}", migrate.HEAD))
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    database = open_database(str(article_db.db), check_schema=False)
    try:
        assert migrate.upgrade(database) == (migrate.HEAD, "9001")
    finally:
        database.dispose()
    assert article_db.query("SELECT count(*) FROM claims_with_status") == [(71,)]
    assert article_db.query("SELECT count(*) FROM claims_unsupported")[0][0] > 0
    assert article_db.query("SELECT count(*) FROM evidence_with_locator") == [(0,)]
    assert article_db.query("PRAGMA legacy_alter_table") == [(0,)]
