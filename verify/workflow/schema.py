"""Upgrading a database: the schema, then the data derived from it by verify's own code.

Migrations only change tables (:mod:`verify.db.migrate`); the search index is
derived from the passages by the tokenizer of the installed verify, so it is
rebuilt here, in the upgrade's transaction, whenever it is missing or was
built by another version of the index.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from verify.db.engine import Database
from verify.db.migrate import upgrade
from verify.match.index import index_is_stale, rebuild_on_connection


def _refresh_derived_data(conn: Connection, before: str | None) -> None:
    """Rebuild the search index when it misses passages or was built in an older format (``search_stats.format``)."""
    if before is not None and inspect(conn).has_table("search_block") and index_is_stale(conn):
        rebuild_on_connection(conn)


def upgrade_database(database: Database, target: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``target`` and rebuild what verify derives from the data; (before, after)."""
    return upgrade(database, target, then=_refresh_derived_data)
