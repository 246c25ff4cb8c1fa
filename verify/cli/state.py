"""Global options (``--db``, ``--sources``, ``--as``), the desk's verify.toml, and access to the database."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from verify.config import Settings

if TYPE_CHECKING:
    from verify.db.engine import Database
    from verify.db.reader import Reader


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


@dataclass
class State:
    db: str = "claims.db"
    sources: Path = Path("sources")
    actor: str = field(default_factory=default_actor)
    settings: Settings = field(default_factory=Settings)  # verify.toml; options given on the command line win
    _database: Database | None = None

    def database(self, *, create: bool = False, check_schema: bool = True) -> Database:
        if self._database is None:
            from verify.db.engine import open_database

            self._database = open_database(self.db, create=create, check_schema=check_schema)
        return self._database

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """Plain-SQL reading for the hot listing commands (no ORM import on SQLite files and psycopg URLs)."""
        from verify.db.engine import sqlite_path

        if self._database is None:
            path = sqlite_path(self.db)
            if path is not None:
                from verify.db.reader import sqlite_reader

                with sqlite_reader(path, self.db) as reader:
                    yield reader
                return
            if self.db.startswith("postgresql+psycopg://"):
                from verify.db.reader import psycopg_reader

                with psycopg_reader(self.db) as reader:
                    yield reader
                return
        from verify.db.reader import SessionReader

        with self.database().read() as session:
            yield SessionReader(session)

    def close(self) -> None:
        """Release the database's connections (a server keeps them open otherwise)."""
        if self._database is not None:
            self._database.dispose()
            self._database = None


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj
