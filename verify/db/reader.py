"""Read-only SQL for the commands people run all day, without loading the ORM.

``verify status`` and ``verify claim list`` run constantly, in scripts and
between every other command. Importing SQLAlchemy and SQLModel costs about
0.3 s, more than the queries themselves on 10,000 claims, so these commands
read with plain SQL through a :class:`Reader`:

- a SQLite file is read with the standard library's :mod:`sqlite3`, with the
  same file checks, schema check and busy timeout as
  :func:`verify.db.engine.open_database`;
- a ``postgresql+psycopg://`` URL is read with psycopg directly, in one
  read-only, repeatable-read transaction;
- any other SQLAlchemy URL runs the very same SQL text through a SQLAlchemy
  session, so every backend answers the same statements.

Statements use ``:name`` parameters, which both drivers understand; list
parameters are spelled out with :func:`in_list`. JSON columns arrive as text
from sqlite3 and decoded from PostgreSQL: :func:`json_value` evens that out.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from verify.db.engine import BUSY_TIMEOUT_MS, check_sqlite_file
from verify.errors import VerifyError

if TYPE_CHECKING:
    from sqlmodel import Session

Row = tuple[Any, ...]
PSYCOPG_SCHEME = "postgresql+psycopg://"
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Reader(Protocol):
    """Something that answers read-only SQL with plain tuples."""

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...


class SqliteReader:
    """A :class:`Reader` over a stdlib ``sqlite3`` connection (read-only by pragma)."""

    def __init__(self, connection: sqlite3.Connection, url: str) -> None:
        self.connection = connection
        self.url = url

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            return self.connection.execute(sql, dict(params or {})).fetchall()
        except sqlite3.Error as exc:
            raise read_error(self.url, exc) from None


class PsycopgReader:
    """A :class:`Reader` over a psycopg connection (``:name`` parameters become ``%(name)s``)."""

    def __init__(self, connection: Any, url: str) -> None:
        self.connection = connection
        self.url = url

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        import psycopg

        try:
            # Binary results: the search index's packed postings arrive as raw bytes, not as hex text to decode.
            return self.connection.execute(
                _NAMED.sub(r"%(\1)s", sql.replace("%", "%%")), dict(params or {}), binary=True
            ).fetchall()
        except psycopg.Error as exc:
            raise read_error(self.url, exc) from None


class SessionReader:
    """A :class:`Reader` over a SQLAlchemy session: any backend, same SQL."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        from sqlalchemy import text

        return [tuple(row) for row in self.session.execute(text(sql), dict(params or {}))]


def as_reader(source: Reader | Session) -> Reader:
    """Accept a session where a reader is expected (library callers already in a transaction)."""
    return source if hasattr(source, "rows") else SessionReader(source)  # type: ignore[return-value,arg-type]


def read_error(url: str, exc: BaseException) -> VerifyError:
    """One line naming the database and the driver's complaint (busy, unreachable, …)."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "locked" in detail or "busy" in detail:
        return VerifyError(f"the database is busy (another reviewer is writing); try again: {detail}")
    return VerifyError(f"cannot read database {url}: {detail}")


def _check_schema(reader: Reader, url: str, *, has_version_table: bool, has_tables: bool) -> None:
    from verify.db.migrate import check_revision

    if not has_version_table:
        if has_tables:
            raise VerifyError(f"{url} holds tables but is not a verify database")
        check_revision(None, url)
    found = reader.rows("SELECT version_num FROM alembic_version")
    check_revision(found[0][0] if found else None, url)


@contextmanager
def sqlite_reader(path: Path, url: str) -> Iterator[SqliteReader]:
    """Open ``path`` for reading after the same checks as ``open_database`` (schema at HEAD)."""
    check_sqlite_file(path, create=False)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise read_error(url, exc) from None
    try:
        reader = SqliteReader(connection, url)
        reader.rows("PRAGMA query_only = ON")
        tables = {name for (name,) in reader.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        _check_schema(reader, url, has_version_table="alembic_version" in tables, has_tables=bool(tables))
        reader.rows("BEGIN")  # one snapshot for every statement of the command
        yield reader
    finally:
        connection.close()


@contextmanager
def psycopg_reader(url: str) -> Iterator[PsycopgReader]:
    """Read a ``postgresql+psycopg://`` database without SQLAlchemy: one read-only snapshot.

    libpq reads the same URL once the SQLAlchemy dialect prefix is dropped.
    """
    import psycopg

    try:
        connection = psycopg.connect("postgresql://" + url[len(PSYCOPG_SCHEME) :])
    except psycopg.Error as exc:
        raise read_error(url, exc) from None
    try:
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        reader = PsycopgReader(connection, url)
        [(has_version_table, tables)] = reader.rows(
            "SELECT to_regclass('alembic_version') IS NOT NULL,"
            " (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema())"
        )
        _check_schema(reader, url, has_version_table=has_version_table, has_tables=bool(tables))
        yield reader
    finally:
        connection.close()


def in_list(name: str, values: Iterable[Any], params: dict[str, Any]) -> str:
    """Placeholders ``:name0, :name1, …`` for ``IN (…)``, adding the values to ``params``."""
    names = []
    for number, value in enumerate(values):
        params[f"{name}{number}"] = value
        names.append(f":{name}{number}")
    return ", ".join(names) or "NULL"


def json_value(value: Any) -> Any:
    """A JSON column's value as Python data, whichever driver read it."""
    return json.loads(value) if isinstance(value, str) else value
