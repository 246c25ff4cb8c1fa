"""Shared fixtures: every test gets its own database and sources folder.

``workspace`` sets VERIFY_DB / VERIFY_SOURCES / VERIFY_USER for the test, so
commands run through ``run`` (CliRunner, in-process) or ``run_process`` (a
real ``python -m verify`` subprocess) never touch the shipped claims.db.

Tests under ``tests/cli/`` run twice: on a SQLite file (``[sqlite]``) and on
a PostgreSQL database of their own (``[postgres]``), created from a template
built once per session and dropped afterwards. The server is named by
``VERIFY_TEST_POSTGRES`` (a SQLAlchemy URL; default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Without a reachable
server the PostgreSQL variants are skipped with the reason, unless
``VERIFY_TEST_POSTGRES`` is set or ``VERIFY_TEST_REQUIRE_ALL=1`` (CI): then
they fail. ``@pytest.mark.sqlite_only(reason)`` marks a test that is about
SQLite files; its PostgreSQL variant is skipped with that reason.
"""

from __future__ import annotations

import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.httpserver import http_server_fixture  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
ARTICLE_TITLE = "The Taliban’s Strategy to Strengthen and Govern al-Qaeda"
POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLI_TESTS = Path(__file__).resolve().parent / "cli"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """PostgreSQL runs belong to the long loop: ``pytest -m "not slow"`` is SQLite only.

    Every CLI test runs again on a server, which doubles the suite's time; the
    quick development loop leaves those repeats out, CI runs them all.
    """
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): about SQLite files; the PostgreSQL variant is skipped")
    config.addinivalue_line(
        "markers", "xfail_postgres(reason): the PostgreSQL variant is expected to fail (not strict)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test under tests/cli/ that uses a workspace on both backends."""
    if "backend" not in metafunc.fixturenames or CLI_TESTS not in Path(str(metafunc.definition.path)).parents:
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only")
    postgres_marks = [pytest.mark.postgres]
    if sqlite_only is not None:
        reason = sqlite_only.args[0] if sqlite_only.args else sqlite_only.kwargs.get("reason", "about SQLite files")
        postgres_marks.append(pytest.mark.skip(reason=f"SQLite only: {reason}"))
    xfail = metafunc.definition.get_closest_marker("xfail_postgres")
    if xfail is not None:
        postgres_marks.append(
            pytest.mark.xfail(strict=False, reason=xfail.args[0] if xfail.args else xfail.kwargs["reason"])
        )
    metafunc.parametrize(
        "backend", ["sqlite", pytest.param("postgres", marks=postgres_marks)], indirect=True, scope="function"
    )


# --- PostgreSQL server -------------------------------------------------------------------------


def postgres_setting() -> tuple[str, bool]:
    """(server URL, whether the PostgreSQL tests are mandatory)."""
    named = os.environ.get("VERIFY_TEST_POSTGRES", "").strip()
    required = bool(named) or os.environ.get("VERIFY_TEST_REQUIRE_ALL") == "1"
    return named or POSTGRES_DEFAULT, required


class PostgresServer:
    """Creates and drops the tests' databases on one server, from templates built once."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.engine = create_engine(
            self.url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}, pool_size=1
        )
        self.prefix = f"verify_test_{uuid.uuid4().hex[:8]}"
        self.templates: dict[str, str] = {}
        self.created: set[str] = set()
        # While a test runs, a background thread drops the last test's database and clones
        # a spare from the template just used (the next test usually wants the same one).
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._spares: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._work, name="test-databases", daemon=True)
        self._worker.start()

    def check(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        """A new database cloned from ``template`` (default: the session's empty database)."""
        # Our own empty template: template1 may be in use by another session, which blocks copying it.
        source = template or self.templates.get("empty", "template0")
        if source == "template0":
            return self._clone(source)
        with self._lock:
            spare = self._spares.get(source, [])
            name = spare.pop() if spare else None
        self._jobs.put(("spare", source))
        return name or self._clone(source)

    def _clone(self, source: str) -> str:
        from sqlalchemy import text

        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        self.created.add(name)
        return name

    def drop(self, name: str) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.discard(name)

    def drop_later(self, name: str) -> None:
        self._jobs.put(("drop", name))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            action, name = job
            try:
                if action == "drop":
                    self.drop(name)
                elif not self._spares.get(name):
                    spare = self._clone(name)
                    with self._lock:
                        self._spares.setdefault(name, []).append(spare)
            except Exception:  # noqa: BLE001 - a missed spare is created when needed; close() drops what is left
                pass

    def template(self, key: str, build: Callable[[str], None]) -> str:
        """The template database ``key``, built once by ``build(url)`` on a fresh empty database."""
        if key not in self.templates:
            name = self.create()
            try:
                build(self.url_for(name))
            except BaseException:
                self.drop(name)
                raise
            self._close_connections(name)
            self.templates[key] = name
        return self.templates[key]

    def _close_connections(self, name: str) -> None:
        """A template can only be copied while nobody is connected to it."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> "
                    "pg_backend_pid()"
                ),
                {"d": name},
            )

    def close(self) -> None:
        self._jobs.put(None)
        self._worker.join(timeout=120)
        for name in list(self.created):
            self.drop(name)
        self.engine.dispose()


@cache
def _postgres() -> tuple[PostgresServer | None, str]:
    """The server, or None and the reason it cannot be used (checked once per session)."""
    url, _required = postgres_setting()
    server: PostgresServer | None = None
    try:
        server = PostgresServer(url)
        server.check()
    except ImportError as exc:  # SQLAlchemy's NoSuchModuleError is not one; psycopg's own import error is
        return None, f"PostgreSQL driver missing ({exc}); install psycopg[binary] to run the PostgreSQL variants"
    except Exception as exc:  # noqa: BLE001 - any failure to connect is reported as the skip reason
        if server is not None:
            server.close()
        detail = (
            str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        return None, (
            f"PostgreSQL not reachable at {url} ({detail}); set VERIFY_TEST_POSTGRES to a server URL to run "
            "the PostgreSQL variants of the CLI tests"
        )
    server.templates["empty"] = server.create(template="template0")
    return server, ""


def postgres_server() -> PostgresServer:
    """The session's server; skips (or, when mandatory, fails) the test when there is none."""
    server, reason = _postgres()
    if server is None:
        _url, required = postgres_setting()
        if required:
            pytest.fail(f"{reason} (required: VERIFY_TEST_POSTGRES or VERIFY_TEST_REQUIRE_ALL=1 is set)", pytrace=False)
        pytest.skip(reason)
    return server


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say once, without -rs, why the PostgreSQL variants did not run."""
    if _postgres.cache_info().currsize:
        server, reason = _postgres()
        if server is None:
            terminalreporter.write_line(f"PostgreSQL variants skipped: {reason}", yellow=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _postgres.cache_info().currsize:
        server, _reason = _postgres()
        if server is not None:
            server.close()


# --- the workspace -----------------------------------------------------------------------------


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def _named(sql: str, params: tuple[object, ...]) -> tuple[str, dict[str, object]]:
    """``?`` placeholders (outside quotes) as ``:pN`` names for SQLAlchemy's ``text()``."""
    out: list[str] = []
    quoted = False
    index = 0
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            out.append(f":p{index}")
            index += 1
        else:
            out.append(char)
    if index != len(params):
        raise ValueError(f"{index} placeholders for {len(params)} parameters in {sql!r}")
    return "".join(out), {f"p{i}": value for i, value in enumerate(params)}


@dataclass
class Workspace:
    """A test's database (a SQLite file or a PostgreSQL database) and sources folder."""

    root: Path
    sources: Path
    backend: str = "sqlite"
    _url: str = ""  # see url
    server: PostgresServer | None = None
    _database: str | None = field(default=None, repr=False)  # the PostgreSQL database name

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def url(self) -> str:
        """The --db / VERIFY_DB value: the file path for SQLite, a URL for PostgreSQL."""
        self.ensure()
        return self._url

    def ensure(self) -> None:
        """Create the PostgreSQL database (empty) if it does not exist yet; a no-op for SQLite.

        Databases are created on first use, so a test that never touches one
        (``--help``) costs nothing, and a test starting from a template is
        cloned from it directly.
        """
        if self.server is not None and self._database is None:
            self._use(self.server.create())

    @property
    def db(self) -> Path:
        """The SQLite file (only for SQLite workspaces: use ``url``, ``query`` and ``execute`` otherwise)."""
        if not self.is_sqlite:
            raise AttributeError(
                "workspace.db is a SQLite file; use workspace.url/query/execute, or mark the test sqlite_only"
            )
        return Path(self._url)

    def _engine(self) -> Any:
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import NullPool

        self.ensure()
        engine = create_engine(f"sqlite:///{self._url}" if self.is_sqlite else self._url, poolclass=NullPool)
        if self.is_sqlite:

            @event.listens_for(engine, "connect")
            def _foreign_keys(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute("PRAGMA foreign_keys=ON")

        return engine

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Rows of a query (``?`` placeholders), read behind verify's back."""
        from sqlalchemy import text

        statement, named = _named(sql, params)
        engine = self._engine()
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(text(statement), named)]
        finally:
            engine.dispose()

    def rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        """Like :meth:`query`, each row as a dict keyed by column name."""
        from sqlalchemy import text

        statement, named = _named(sql, params)
        engine = self._engine()
        try:
            with engine.connect() as conn:
                return [dict(row._mapping) for row in conn.execute(text(statement), named)]
        finally:
            engine.dispose()

    def execute(self, sql: str, *params: object) -> None:
        """Change the database behind verify's back (committed), to set up a situation."""
        from sqlalchemy import text

        statement, named = _named(sql, params)
        engine = self._engine()
        try:
            with engine.begin() as conn:
                conn.execute(text(statement), named)
        finally:
            engine.dispose()

    def dump(self) -> str:
        """Every table's rows (by primary key) plus a listing of sources/, to prove nothing changed."""
        parts: list[str] = []
        if not self.is_sqlite or Path(self._url).exists():
            parts.extend(self._dump_tables())
        if self.sources.exists():
            for path in sorted(self.sources.rglob("*")):
                parts.append(f"{path.relative_to(self.sources)} {path.stat().st_size if path.is_file() else 'dir'}")
        return "\n".join(parts)

    def _dump_tables(self) -> list[str]:
        from sqlalchemy import inspect, text
        from sqlalchemy.exc import DatabaseError

        engine = self._engine()
        lines: list[str] = []
        try:
            with engine.connect() as conn:
                quote = conn.dialect.identifier_preparer.quote
                inspector = inspect(conn)
                # One catalog query per kind for all tables (per-table reflection is slow on PostgreSQL).
                all_columns = {key[1]: value for key, value in inspector.get_multi_columns().items()}
                all_keys = {key[1]: value for key, value in inspector.get_multi_pk_constraint().items()}
                all_indexes = {key[1]: value for key, value in inspector.get_multi_indexes().items()}
                for table in sorted(all_columns):
                    columns = [c["name"] for c in all_columns[table]]
                    order = all_keys[table]["constrained_columns"] or columns
                    lines.append(f"table {table} ({', '.join(columns)})")
                    for index in sorted(all_indexes[table], key=lambda i: str(i["name"])):
                        lines.append(f"  index {index['name']} {index['column_names']} unique={bool(index['unique'])}")
                    select = (
                        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "
                        f"ORDER BY {', '.join(quote(c) for c in order)}"
                    )
                    lines.extend(repr(tuple(row)) for row in conn.execute(text(select)))
        except DatabaseError as exc:  # not a database (a test's junk file): its bytes stand for it
            lines.append(f"unreadable database: {type(exc.orig).__name__} {Path(self._url).read_bytes()!r}")
        finally:
            engine.dispose()
        return lines

    def restore(self, snapshot: Path, sources: Path | None = None) -> Workspace:
        """Make the database a copy of the SQLite file ``snapshot`` (and copy its sources folder).

        On PostgreSQL the snapshot is moved once per session with ``verify db copy``
        into a template database, which each test then clones.
        """
        if self.is_sqlite:
            source, target = sqlite3.connect(snapshot), sqlite3.connect(self._url)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            assert self.server is not None

            def build(url: str) -> None:
                result = CliRunner().invoke(_app(), ["db", "copy", str(snapshot), url], env={"VERIFY_NOW": ""})
                assert result.exit_code == 0, result.stderr

            self._replace(self.server.template(f"snapshot:{snapshot}", build))
        if sources is not None:
            shutil.copytree(sources, self.sources)
        return self

    def from_template(self, key: str, build: Callable[[str], None]) -> Workspace:
        """PostgreSQL only: make the database a clone of the template ``key`` built by ``build(url)``."""
        assert self.server is not None
        self._replace(self.server.template(key, build))
        return self

    def _replace(self, template: str) -> None:
        assert self.server is not None
        if self._database is not None:
            self.server.drop(self._database)
        self._use(self.server.create(template))

    def _use(self, name: str) -> None:
        assert self.server is not None
        self._database = name
        self._url = self.server.url_for(name)
        os.environ["VERIFY_DB"] = self._url  # the workspace fixture's monkeypatch restores it at teardown


def _app() -> Any:
    from verify.cli.app import app

    return app


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("VERIFY_NOW", raising=False)
    monkeypatch.delenv("VERIFY_DEBUG", raising=False)
    monkeypatch.delenv("VERIFY_CONFIG", raising=False)  # a desk's verify.toml must not leak into the tests
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``; parametrised for tests under tests/cli/, SQLite elsewhere."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Iterator[Workspace]:
    space = Workspace(tmp_path, tmp_path / "sources", backend=backend)
    if backend == "postgres":
        space.server = postgres_server()
        space._url = space.server.url_for(f"{space.server.prefix}_not_created_yet")  # see Workspace.ensure
    else:
        space._url = str(tmp_path / "claims.db")
    monkeypatch.setenv("VERIFY_DB", space._url)
    monkeypatch.setenv("VERIFY_SOURCES", str(space.sources))
    monkeypatch.setenv("VERIFY_USER", "tester")
    monkeypatch.chdir(tmp_path)
    yield space
    if space.server is not None and space._database is not None:
        space.server.drop_later(space._database)


@pytest.fixture
def sqlite_only(backend: str) -> None:
    """For fixtures that only make sense on a SQLite file."""
    if backend != "sqlite":
        pytest.skip("SQLite only")


@pytest.fixture
def run(workspace: Workspace) -> Callable[..., Result]:
    """Run a verify command in-process: ``run("claim", "list", "--format", "json")``."""
    from verify.cli.app import app

    def invoke(*args: str, input: str | None = None, user: str | None = None) -> Result:
        workspace.ensure()
        env = {"VERIFY_USER": user} if user else None
        result = CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def run_process(workspace: Workspace) -> Callable[..., Result]:
    """Run ``python -m verify`` as a real process (for exit codes, stderr and signals)."""

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
        workspace.ensure()
        full_env = {**os.environ, **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "verify", *args],
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            cwd=workspace.root,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke


def import_shipped_article(db: str) -> None:
    """``verify init`` and ``verify article add`` of the shipped article into ``db`` (a path or URL)."""
    from verify.cli.app import app

    runner = CliRunner()
    env = {"VERIFY_DB": db, "VERIFY_USER": "tester", "VERIFY_NOW": ""}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    result = runner.invoke(app, ["article", "add", str(ARTICLE)], env=env)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="session")
def _article_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped article imported once per test session into SQLite, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "claims.db"
    import_shipped_article(str(path))
    return path


@pytest.fixture
def article_db(_article_template: Path, workspace: Workspace) -> Workspace:
    """A fresh database holding the shipped article (a copy of a session-wide import)."""
    if workspace.is_sqlite:
        return workspace.restore(_article_template)
    return workspace.from_template("article", import_shipped_article)
