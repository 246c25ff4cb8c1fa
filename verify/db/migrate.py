"""Schema versions: upgrading a database in place, and refusing a stale one.

Migrations live inside the package (``verify/db/migrations``) so an installed
tool can upgrade any database it meets. Commands do not migrate implicitly:
they compare the stored revision with :data:`HEAD` (one cheap query) and ask
the user to run ``verify db upgrade`` when they differ.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from verify.errors import VerifyError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

    from verify.db.engine import Database

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in verify/db/migrations/versions (a test keeps them in step).
HEAD = "0010"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def stored_revision(database: Database) -> str | None:
    """The schema revision recorded in the database, None for an empty database."""
    from sqlalchemy import inspect, text

    with database.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            if inspect(conn).get_table_names():
                raise VerifyError(f"{database.url} holds tables but is not a verify database")
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def require_current_schema(database: Database) -> None:
    """Refuse to work on a database whose schema this version does not expect."""
    from sqlalchemy.exc import DatabaseError

    try:
        revision = stored_revision(database)
    except DatabaseError as exc:
        from verify.db.reader import read_error

        raise read_error(database.url, exc.orig or exc) from None
    check_revision(revision, database.url)


def check_revision(revision: str | None, url: str) -> None:
    """The refusal for a stored ``revision`` other than :data:`HEAD` (shared by every way of opening)."""
    if revision is None:
        raise VerifyError(f"database {url} is empty; run 'verify init' first")
    if revision != HEAD:
        check_known(revision, url)
        raise VerifyError(
            f"database schema is at revision {revision}, this verify needs {HEAD}; run 'verify db upgrade'"
        )


def check_known(revision: str, url: str) -> None:
    """Refuse a revision no migration here defines: a newer verify wrote it, and upgrading cannot go back."""
    known = {path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("*.py")}
    if revision not in known:
        raise VerifyError(
            f"database {url} has schema revision {revision}, newer than this verify knows (it needs {HEAD}); "
            "upgrade verify, or use another database"
        )


def upgrade(
    database: Database, target: str = "head", *, then: Callable[[Connection, str | None], None] | None = None
) -> tuple[str | None, str]:
    """Bring the schema to ``target``; returns (before, after) revisions.

    ``then(conn, before)`` runs in the same transaction after the migrations:
    data derived by application code (the search index) is rebuilt there by
    the layer that owns that code, so migrations never import it and a crash
    leaves either the old schema or the new one with its derived data.
    """
    from alembic import command

    before = stored_revision(database)
    if before is not None and before != HEAD:
        check_known(before, database.url)
    config = _config()
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)
        if then is not None:
            then(conn, before)
    return before, stored_revision(database) or ""


def head_revision() -> str:
    """The newest revision the migration scripts define (slow: imports alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head
