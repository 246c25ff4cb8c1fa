"""Opening the claims database: SQLite by default, any SQLAlchemy URL for teams.

SQLite files get foreign keys, WAL and a busy timeout on every connection so
two terminals can work on one file; write transactions start with
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.errors import VerifyError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15000
CACHE_KIB = 128 * 1024  # large enough to keep the search index's hot pages while indexing a library


def is_url(value: str) -> bool:
    """A ``--db`` value naming a SQLAlchemy URL rather than a file path."""
    return "://" in value


def sqlite_path(value: str) -> Path | None:
    """The file behind a ``--db`` value, or None for a server database."""
    if not is_url(value):
        return Path(value)
    if value.startswith("sqlite:///"):
        rest = value[len("sqlite:///") :]
        return None if rest in ("", ":memory:") else Path(rest)
    return None


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse a path that cannot be, or is not, a claims database, before touching it."""
    if path.is_dir():
        raise VerifyError(f"database path {path} is a directory; pass a file with --db")
    if not path.parent.exists():
        raise VerifyError(f"folder {path.parent} for database {path.name} does not exist; create it first")
    if not path.exists():
        if create:
            return
        raise VerifyError(f"no database at {path}; run 'verify init' to create one, or pass --db / set VERIFY_DB")
    if path.stat().st_size == 0:
        if create:
            return
        # Opening it would write a SQLite header (WAL mode): refuse before touching it.
        raise VerifyError(f"database {path} is empty; run 'verify init' first")
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise VerifyError(f"{path} is not a SQLite database; pass another file with --db")


def _url_for(value: str) -> str:
    if is_url(value):
        return value
    return f"sqlite:///{value}"


def _configure_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # an upper bound, allocated as pages are read
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except Exception:  # a read-only file still reads fine in its current mode
            pass
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("verify_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


@dataclass
class Database:
    """An open claims database and the way transactions are taken on it."""

    url: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        from sqlmodel import Session

        with Session(self.engine) as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlmodel import Session

        bind = self.engine.execution_options(verify_write=True)
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(value: str, *, create: bool = False, check_schema: bool = True) -> Database:
    """Open ``value`` (a path or a SQLAlchemy URL) as a claims database.

    ``create`` allows a missing SQLite file (``verify init``); otherwise a
    missing file is refused before anything is written to disk.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    path = sqlite_path(value)
    if path is not None:
        check_sqlite_file(path, create=create)
    try:
        engine = create_engine(_url_for(value))
    except ImportError as exc:  # a dialect whose driver is not installed (mysql://, postgresql:// = psycopg2)
        raise VerifyError(
            f"cannot use database URL {value!r}: its driver is not installed ({exc.name or exc}); "
            "verify supports SQLite files and postgresql+psycopg:// URLs"
        ) from None
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise VerifyError(
            f"cannot use database URL {value!r}: {exc}; verify supports SQLite files and postgresql+psycopg:// URLs"
        ) from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    database = Database(url=value, engine=engine)
    if check_schema:
        from verify.db.migrate import require_current_schema

        try:
            require_current_schema(database)
        except BaseException:
            database.dispose()  # a server connection would otherwise stay open until garbage collection
            raise
    return database
