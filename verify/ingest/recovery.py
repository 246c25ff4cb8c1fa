"""Finish or undo source placements that a crash interrupted.

Adding a source stages its folder as ``sources/.pending-<slug>`` before the
database commits and renames it to ``sources/<slug>`` after (see
:mod:`verify.ingest.storage`). A process killed in between leaves a hidden
entry, and this module resolves it against the database:

- ``.pending-<slug>`` whose source row (``path == slug``) committed is
  renamed into place (roll forward), unless ``<slug>`` already exists;
- any other ``.pending-<slug>`` is removed (roll back: its row never
  committed);
- ``.tmp-*`` folders and files are removed (they never got that far).

Staging only happens inside a write transaction that holds the sources lock
(SQLite's ``BEGIN IMMEDIATE`` write lock, a transaction-level advisory lock on
PostgreSQL), and recovery takes the same lock, so it never removes the folder
of an add that is still running. The one exception is the instant between a
commit and the final rename: recovery then rolls forward and the adding
process finds its work done (:func:`~verify.ingest.storage.publish_staged`
is idempotent).

A sources folder belongs to one database: recovery against another database
would roll back folders whose rows it cannot see.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from verify.db.engine import Database
from verify.db.queries.sources import archived_at
from verify.ingest.storage import PENDING_PREFIX, TEMP_PREFIX, leftovers, remove_tree_quietly

SOURCES_LOCK_ID = 0x76657269  # "veri": the PostgreSQL advisory lock guarding sources/


@dataclass
class Recovery:
    """What recovery did, by folder name."""

    rolled_forward: list[str] = field(default_factory=list)
    rolled_back: list[str] = field(default_factory=list)
    removed_temp: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.rolled_forward or self.rolled_back or self.removed_temp)


def lock_sources(session: Session) -> None:
    """Hold the sources lock until ``session``'s transaction ends.

    On SQLite the write transaction's ``BEGIN IMMEDIATE`` already excludes
    every other writer; the first statement starts it.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SOURCES_LOCK_ID})


def recover_locked(session: Session, sources_dir: Path) -> Recovery:
    """Resolve leftovers; the caller's write transaction must hold :func:`lock_sources`."""
    done = Recovery()
    sources_dir = Path(sources_dir)
    for name in leftovers(sources_dir):
        entry = sources_dir / name
        if name.startswith(TEMP_PREFIX):
            remove_tree_quietly(entry)
            done.removed_temp.append(name)
            continue
        slug = name[len(PENDING_PREFIX) :]
        committed = archived_at(session, slug)
        target = sources_dir / slug
        if committed and slug and not os.path.lexists(target) and entry.is_dir() and not entry.is_symlink():
            try:
                os.rename(entry, target)
            except OSError:
                continue  # left for the next run; 'source check' reports the folder as missing meanwhile
            done.rolled_forward.append(slug)
        else:
            remove_tree_quietly(entry)
            done.rolled_back.append(slug)
    return done


def recover_sources(db: Database, sources_dir: Path) -> Recovery:
    """Resolve what an interrupted ``source add`` left in ``sources_dir``.

    Costs one directory listing when there is nothing to do; otherwise takes
    the sources lock (waiting for a running add to finish) and looks again.
    """
    if not leftovers(sources_dir):
        return Recovery()
    with db.write() as session:
        lock_sources(session)
        return recover_locked(session, sources_dir)
