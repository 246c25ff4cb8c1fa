"""Upgrading a database: the schema, then the data derived from it by verify's own code.

Migrations only change tables (:mod:`verify.db.migrate`); the search index is
derived from the passages by the tokenizer of the installed verify, so it is
rebuilt here, in the upgrade's transaction, whenever it is missing or was
built by another version of the index.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from verify.db.engine import Database
from verify.db.migrate import upgrade
from verify.match.index import rebuild_on_connection


def _index_is_incomplete(conn: Connection) -> bool:
    """True when current passages exist that the search index does not hold."""
    indexed = conn.execute(text("SELECT count(*) FROM search_document")).scalar_one()
    passages = conn.execute(
        text("SELECT count(*) FROM passage p JOIN source s ON s.id = p.source_id WHERE s.is_current = :t"), {"t": True}
    ).scalar_one()
    return indexed != passages


def _refresh_derived_data(conn: Connection, before: str | None) -> None:
    if before is not None and inspect(conn).has_table("search_document") and _index_is_incomplete(conn):
        rebuild_on_connection(conn)


def upgrade_database(database: Database, target: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``target`` and rebuild what verify derives from the data; (before, after)."""
    return upgrade(database, target, then=_refresh_derived_data)
