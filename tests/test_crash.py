"""Crash safety: SIGKILL at random moments leaves everything fully before or fully after.

Three operations run as real ``python -m verify`` processes: ``article add``
of a large generated article, ``source add`` of a generated 100-page PDF and
``import`` of an export with a few thousand rows. Each is first run once
uninterrupted (its wall time T and its after-state), then killed with SIGKILL
at a uniformly random moment in [0, T], again and again from the same
before-state. After each kill:

- the database dump equals the before- or the after-dump, and the visible
  (non-hidden) entries of ``sources/`` equal the before- or the after-state;
- after ``verify source check`` (which runs recovery), no hidden staging
  entry (``.tmp-*``, ``.pending-*``) remains, the check passes, and database
  and ``sources/`` agree: both before or both after.

Each operation runs on both backends. On SQLite a folder holds ``claims.db``
and ``sources/`` and a before-state is copied with the folder. On PostgreSQL
each folder gets a database of its own (``verify_crash_<hash of the folder>``)
next to its ``sources/``; a before-state is copied with ``CREATE DATABASE ...
TEMPLATE <before>``, the fingerprint is every table's rows ordered by primary
key (``Workspace`` dump from ``tests/conftest.py``), and after a kill the
harness waits until the server has ended the killed client's session (it
may still be finishing a COMMIT the client had sent) before reading the
state. Every database is dropped at the end, also on failure. The server is
the one the CLI tests use (``VERIFY_TEST_POSTGRES``; skipped with the reason
when unreachable, unless ``VERIFY_TEST_POSTGRES`` or
``VERIFY_TEST_REQUIRE_ALL=1`` is set).

The short commands (``evidence link``, ``claim mark`` / ``note``, ``source
fetch``, ``init``, ``db upgrade``, ``export --output``) are killed by
themselves on each side of their commit (or of the rename of the output
file), and SQLite's ``integrity_check`` / ``foreign_key_check`` run after
each of those kills; their PostgreSQL run is marked slow.

Random kills almost never land in the instant between the commit of
``source add`` and the rename of its folder, so two more kills land there on
purpose (the process kills itself right after staging, and right after the
commit) on each backend.

``benchmarks/bench_crash.py`` runs the same harness with more kills and a
larger article. Set ``VERIFY_CRASH_KILLS`` / ``VERIFY_CRASH_SEED`` to vary a
CI run.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from verify.ingest.storage import PENDING_PREFIX, TEMP_PREFIX

pytestmark = pytest.mark.slow  # SIGKILL harness: minutes, not seconds; `pytest -m "not slow"` leaves it out

REPO = Path(__file__).resolve().parent.parent
NOW = "2024-05-01T12:00:00.000000Z"
CI_KILLS = int(os.environ.get("VERIFY_CRASH_KILLS", "10"))
CI_ARTICLE_BYTES = 60_000  # import speed (~20 s/MB on a loaded 2-core box) bounds the CI size
_WORDS = (
    "the council reported that fighters moved across the border while officials said about percent "
    "of funds were diverted to groups in the province according to analysts and the monitoring team"
).split()


# --- the harness (shared with benchmarks/bench_crash.py) ------------------------------------


class Backend:
    """Where a folder's database lives; SQLite: ``claims.db`` inside the folder, next to ``sources/``."""

    name = "sqlite"

    def create(self, folder: Path) -> None:
        """An empty folder (``verify init`` then creates the database)."""
        folder.mkdir(parents=True)

    def url(self, folder: Path) -> str:
        """The VERIFY_DB value for ``folder``."""
        return str(folder / "claims.db")

    def copy(self, source: Path, target: Path) -> None:
        """Make ``target`` a copy of ``source``: database and ``sources/``."""
        shutil.copytree(source, target)

    def settle(self, folder: Path) -> None:
        """Wait until nothing is still writing to the folder's database (a killed process cannot)."""

    def state(self, folder: Path) -> str:
        """A fingerprint of every row (SQL dump) of the folder's database."""
        path = folder / "claims.db"
        if not path.exists():
            return "no database"
        conn = sqlite3.connect(path)
        try:
            digest = hashlib.sha256()
            for line in conn.iterdump():
                digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
            return digest.hexdigest()
        finally:
            conn.close()

    def discard(self, folder: Path) -> None:
        """Remove the folder and its database."""
        shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """Remove whatever is left that lives outside the folders (nothing, for SQLite)."""


class PostgresBackend(Backend):
    """Each folder gets a PostgreSQL database of its own; ``sources/`` stays in the folder."""

    name = "postgresql"
    SETTLE_TIMEOUT_S = 120.0

    def __init__(self, server_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.server = make_url(server_url)
        # One connection to the server's own database, kept for CREATE/DROP DATABASE and the polls.
        self.engine = create_engine(
            self.server, isolation_level="AUTOCOMMIT", pool_size=1, connect_args={"connect_timeout": 5}
        )
        self.created: set[str] = set()

    @staticmethod
    def database(folder: Path) -> str:
        return "verify_crash_" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]

    def url(self, folder: Path) -> str:
        return self.server.set(database=self.database(folder)).render_as_string(hide_password=False)

    def _sql(self, statement: str, **params: object) -> object:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            result = conn.execute(text(statement), params)
            return result.scalar() if result.returns_rows else None

    def _create_database(self, name: str, template: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by an earlier run that was killed
        self.created.add(name)
        self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def create(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self._create_database(self.database(folder), "template0")

    def copy(self, source: Path, target: Path) -> None:
        shutil.copytree(source, target)
        self.settle(source)  # a template cannot be copied while anyone is connected to it
        self._create_database(self.database(target), self.database(source))

    def settle(self, folder: Path) -> None:
        """Wait until the server has ended every session on the folder's database.

        After SIGKILL the server side of the killed client's connection may
        still be running its last statement (or a COMMIT it had received);
        the state the kill left is the one after the server is done with it.
        """
        deadline = time.monotonic() + self.SETTLE_TIMEOUT_S
        name = self.database(folder)
        while self._sql("SELECT count(*) FROM pg_stat_activity WHERE datname = :d", d=name):
            if time.monotonic() > deadline:
                raise AssertionError(f"sessions on {name} did not end within {self.SETTLE_TIMEOUT_S:.0f} s")
            time.sleep(0.02)

    def state(self, folder: Path) -> str:
        """A fingerprint of every table's rows ordered by primary key (and of the indexes)."""
        from tests.conftest import Workspace

        self.settle(folder)
        dump = Workspace(folder, folder / "sources", backend="postgres", _url=self.url(folder))._dump_tables()
        digest = hashlib.sha256()
        for line in dump:
            digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return digest.hexdigest()

    def discard(self, folder: Path) -> None:
        """Drop the folder's database now, and remove the folder.

        Each DROP DATABASE makes the server take a checkpoint: dropping the
        copies in a batch instead would make the first drop write out (fsync)
        every copy still alive.
        """
        self._drop(self.database(folder))
        shutil.rmtree(folder, ignore_errors=True)

    def _drop(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.discard(name)

    def close(self) -> None:
        """Drop every database this backend created and did not drop yet."""
        try:
            for name in sorted(self.created):
                self._drop(name)
        finally:
            self.engine.dispose()


def make_backend(name: str, postgres_url: str | None = None) -> Backend:
    """``sqlite`` or ``postgresql`` (on the server ``postgres_url``)."""
    if name == "sqlite":
        return Backend()
    if name in ("postgresql", "postgres"):
        if not postgres_url:
            raise ValueError("the PostgreSQL backend needs a server URL")
        return PostgresBackend(postgres_url)
    raise ValueError(f"unknown backend {name!r}")


def verify_env(backend: Backend, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFY_")}
    env.update(
        VERIFY_DB=backend.url(folder),
        VERIFY_SOURCES=str(folder / "sources"),
        VERIFY_USER="crash",
        VERIFY_NOW=NOW,
        NO_COLOR="1",
    )
    return env


def verify(backend: Backend, folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "verify", *args],
        env=verify_env(backend, folder),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"verify {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done


def visible_state(folder: Path) -> str:
    """A fingerprint of the non-hidden entries of sources/ (names and file contents)."""
    sources = folder / "sources"
    digest = hashlib.sha256()
    if sources.is_dir():
        for path in sorted(sources.rglob("*")):
            relative = path.relative_to(sources)
            if relative.parts[0].startswith("."):
                continue
            digest.update(f"{relative}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"dir")
    return digest.hexdigest()


def hidden_entries(folder: Path) -> list[str]:
    sources = folder / "sources"
    return (
        sorted(n for n in os.listdir(sources) if n.startswith((TEMP_PREFIX, PENDING_PREFIX)))
        if sources.is_dir()
        else []
    )


@dataclass
class Operation:
    """One verify command, the folder it starts from, and what it leaves when it completes."""

    name: str
    args: tuple[str, ...]
    before: Path  # holds sources/ and, on SQLite, claims.db (on PostgreSQL: the folder's database)
    backend: Backend
    duration: float = 0.0
    states: dict[str, tuple[str, str]] = field(default_factory=dict)  # "before"/"after" -> (db, visible)

    def prepare(self, scratch: Path) -> None:
        """Record the before-state, then run once uninterrupted for T and the after-state."""
        self.states["before"] = (self.backend.state(self.before), visible_state(self.before))
        folder = scratch / f"{self.name}-uninterrupted"
        self.backend.copy(self.before, folder)
        started = time.perf_counter()
        verify(self.backend, folder, *self.args)
        self.duration = time.perf_counter() - started
        self.states["after"] = (self.backend.state(folder), visible_state(folder))
        assert self.states["after"][0] != self.states["before"][0], f"{self.name} changed nothing"
        self.backend.discard(folder)


def source_check(backend: Backend, folder: Path) -> list[str]:
    """What ``verify source check`` does (recovery, then re-hashing), in-process to save a start-up."""
    from verify.db.engine import open_database
    from verify.workflow.archive_check import check_sources

    db = open_database(backend.url(folder))
    try:
        return [f"{f.key}: {f.state} {f.detail}" for f in check_sources(db, folder / "sources") if f.is_problem]
    finally:
        db.dispose()


@dataclass
class Kill:
    delay: float
    landed: str  # before | after | finished (the process exited before the signal)
    window: bool  # the database had committed but sources/ was not yet in place before recovery
    consistent: bool
    detail: str = ""
    hidden: list[str] = field(default_factory=list)  # staging entries in sources/ right after the kill


def kill_once(
    op: Operation, scratch: Path, delay: float, index: int, command: tuple[str, ...] = ("-m", "verify")
) -> Kill:
    """Run ``op`` from a copy of its before-state, SIGKILL it after ``delay`` seconds and check the state.

    ``command`` (after the Python executable) may name a script that kills
    the process itself at a chosen point (see :data:`SELF_KILL`).
    """
    backend = op.backend
    folder = scratch / f"{op.name}-kill-{index}"
    backend.copy(op.before, folder)
    process = subprocess.Popen(
        [sys.executable, *command, *op.args],
        env=verify_env(backend, folder),
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    finished = process.returncode != -signal.SIGKILL
    if finished and process.returncode != 0:
        return Kill(
            delay,
            "finished",
            False,
            False,
            f"exited {process.returncode}: {stderr.decode(errors='replace')[-300:]} (kept {folder})",
        )
    names = {state: name for name, state in op.states.items()}
    db_now, visible_now, hidden_now = backend.state(folder), visible_state(folder), hidden_entries(folder)
    problems = []
    if db_now not in {s[0] for s in names}:
        problems.append("database is neither before nor after")
    if visible_now not in {s[1] for s in names}:
        problems.append("sources/ is neither before nor after")
    findings = source_check(backend, folder)  # runs recovery first
    recovered = (backend.state(folder), visible_state(folder))
    landed = names.get(recovered, "mixed")
    if findings:
        problems.append(f"'source check' found: {findings}")
    if landed == "mixed":
        problems.append("after recovery database and sources/ disagree")
    elif recovered[0] != db_now:
        problems.append("recovery changed the database")
    leftovers = hidden_entries(folder)
    if leftovers:
        problems.append(f"hidden entries remain after recovery: {leftovers}")
    window = (db_now, visible_now) not in names
    if problems:
        problems.append(
            f"kept {folder}"
            + ("" if backend.name == "sqlite" else f"; its database {backend.url(folder)} is dropped when the run ends")
        )
    else:
        backend.discard(folder)
    return Kill(delay, "finished" if finished else landed, window, not problems, "; ".join(problems), hidden_now)


SELF_KILL = """
import os, signal, sys
import verify.workflow.archiving as sources
point, when = sys.argv.pop(1), sys.argv.pop(1)
real = getattr(sources, point)
def hooked(*args, **kwargs):
    if when == "after":
        real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(sources, point, hooked)
from verify.cli.app import main

main()
"""  # python -c SELF_KILL <function of verify.workflow.archiving> before|after <verify arguments>


def kill_repeatedly(
    op: Operation, scratch: Path, kills: int, rng: random.Random, report: Callable[[Kill], None] | None = None
) -> list[Kill]:
    results = []
    for index in range(kills):
        result = kill_once(op, scratch, rng.uniform(0, op.duration), index)
        results.append(result)
        if report:
            report(result)
    return results


def summary(op: Operation, results: list[Kill]) -> dict[str, object]:
    return {
        "backend": op.backend.name,
        "operation": op.name,
        "duration_s": round(op.duration, 2),
        "kills": len(results),
        "consistent": sum(r.consistent for r in results),
        "before": sum(r.landed == "before" for r in results),
        "after": sum(r.landed == "after" for r in results),
        "finished": sum(r.landed == "finished" for r in results),
        "commit_rename_window": sum(r.window for r in results),
        "problems": [f"t={r.delay:.2f}s: {r.detail}" for r in results if not r.consistent],
    }


def write_article(path: Path, size: int, seed: int = 2023) -> int:
    """A generated article of about ``size`` bytes: paragraphs of five numbered sentences."""
    rng = random.Random(seed)
    paragraphs, total, number = [], 0, 0
    while total < size:
        sentences = []
        for _ in range(5):
            number += 1
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
            sentences.append(" ".join(words).capitalize() + f" in {1990 + number % 35}, said report {number}.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 2
    path.write_text("A generated article for crash tests\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return number


def build_operations(root: Path, article_bytes: int, backend: Backend | None = None) -> list[Operation]:
    """The three operations and their before-folders under ``root`` (databases on ``backend``)."""
    from tests.unpdf import make_report

    inputs = root / "inputs"
    inputs.mkdir(parents=True)
    article = inputs / "large-article.txt"
    write_article(article, article_bytes)
    pdf = inputs / "report-100-pages.pdf"
    pdf.write_bytes(make_report(100).pdf)
    small = inputs / "earlier-note.txt"
    small.write_text("An earlier note\n\nThe council met in 2022. It adopted two resolutions.\n", encoding="utf-8")

    backend = backend or Backend()
    empty = root / "empty"
    backend.create(empty)
    verify(backend, empty, "init")
    with_source = root / "with-source"
    backend.copy(empty, with_source)
    verify(backend, with_source, "source", "add", str(small), "--key", "earlier-note")

    article_op = Operation("article add", ("article", "add", str(article)), empty, backend)
    source_op = Operation("source add", ("source", "add", str(pdf), "--key", "S/2023/370"), with_source, backend)
    return [article_op, source_op, _import_operation(root, article, pdf, backend)]


def _import_operation(root: Path, article: Path, pdf: Path, backend: Backend) -> Operation:
    """Import of an export (a few thousand rows) of a database holding the article and the PDF.

    As documented for moving a desk, ``sources/`` is copied alongside the
    export, so the before-folder is an empty database next to those files.
    """
    full = root / "export-source"
    backend.copy(root / "empty", full)
    verify(backend, full, "article", "add", str(article))
    verify(backend, full, "source", "add", str(pdf), "--key", "S/2023/370")
    verify(backend, full, "source", "register", "S/2023/999", "--title", "A cited report")
    export = root / "inputs" / "export.json"
    verify(backend, full, "export", "--format", "json", "--output", str(export))
    before = root / "empty-with-sources"
    backend.copy(root / "empty", before)
    shutil.copytree(full / "sources", before / "sources", dirs_exist_ok=True)
    backend.discard(full)
    return Operation("import", ("import", str(export)), before, backend)


# --- tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def crash_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The backend of this module's tests; every PostgreSQL database it created is dropped at the end."""
    yield from _open_backend(request.param)


def _open_backend(name: str) -> Iterator[Backend]:
    if name == "sqlite":
        backend = make_backend("sqlite")
    else:
        from tests.conftest import postgres_server

        server = postgres_server()  # skips, or fails when PostgreSQL is required, like the CLI tests
        backend = make_backend("postgresql", server.url.render_as_string(hide_password=False))
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory, crash_backend: Backend) -> dict[str, Operation]:
    root = tmp_path_factory.mktemp(f"crash-{crash_backend.name}")
    ops = build_operations(root, CI_ARTICLE_BYTES, crash_backend)
    for op in ops:
        op.prepare(root)
    return {op.name: op for op in ops}


@pytest.mark.parametrize("name", ["article add", "source add", "import"])
def test_sigkill_leaves_before_or_after(operations: dict[str, Operation], name: str, tmp_path: Path) -> None:
    """Parametrised over the backend (sqlite, postgresql) by the ``crash_backend`` fixture."""
    op = operations[name]
    seed = int(os.environ.get("VERIFY_CRASH_SEED", "0")) or random.SystemRandom().randrange(1, 2**31)
    results = kill_repeatedly(op, tmp_path, CI_KILLS, random.Random(seed))
    found = summary(op, results)
    assert found["consistent"] == CI_KILLS, f"seed {seed}: {found}"
    assert found["before"] + found["after"] + found["finished"] == CI_KILLS


@pytest.mark.parametrize(
    ("point", "when", "landed", "window"),
    [
        ("stage_source_files", "after", "before", False),  # staged as .pending-<slug>, not committed: rolled back
        ("publish_staged", "before", "after", True),  # committed, not renamed: rolled forward
    ],
    ids=["staged-not-committed", "committed-not-renamed"],
)
def test_sigkill_at_each_staging_step(
    operations: dict[str, Operation], point: str, when: str, landed: str, window: bool, tmp_path: Path
) -> None:
    """Random kills rarely land in the instant between commit and rename: land there on purpose."""
    op = operations["source add"]
    result = kill_once(op, tmp_path, 600, 0, ("-c", SELF_KILL, point, when))
    assert result.consistent, result.detail
    assert (result.landed, result.window, result.hidden) == (landed, window, [f"{PENDING_PREFIX}s-2023-370"])


def test_export_for_import_has_a_few_thousand_rows(operations: dict[str, Operation]) -> None:
    import json

    export = json.loads(Path(operations["import"].args[1]).read_text(encoding="utf-8"))
    rows = sum(len(v) for k, v in export.items() if isinstance(v, list))
    assert rows >= 2000


# --- the short commands: a kill on each side of the commit and of the rename --------------------
#
# ``evidence link``, ``claim mark``, ``claim note``, ``source fetch``, ``init``, ``db upgrade`` and
# ``export --output`` finish in well under a second, almost all of it Python starting up, so a
# random kill would nearly always land before they touch anything. Instead each is killed by
# itself at the moments that matter: just before and just after its first commit (and, for
# ``--output``, just before and after the rename of the written file). After each kill: the
# database is the before- or the after-state, SQLite's ``PRAGMA integrity_check`` and
# ``foreign_key_check`` find nothing, and ``verify source check`` passes; a killed ``init``
# is then run again and must reach the after-state.

KILL_AT = """
import os, signal, sys
point, when = sys.argv.pop(1), sys.argv.pop(1)
def die():
    os.kill(os.getpid(), signal.SIGKILL)
if point == "commit":
    from sqlalchemy.engine.base import Connection
    real_commit = Connection._commit_impl
    def hooked_commit(self):
        if when == "after":
            real_commit(self)
        die()
    Connection._commit_impl = hooked_commit
else:
    real_replace = os.replace
    def hooked_replace(*args, **kwargs):
        if when == "after":
            real_replace(*args, **kwargs)
        die()
    os.replace = hooked_replace
from verify.cli.app import main
main()
"""  # python -c KILL_AT commit|replace before|after <verify arguments>

WEB_REPORT = (
    b"<html><head><title>Web report</title></head><body><main>"
    b"<p>The council met 14 times in 2023.</p><p>It adopted 12 resolutions.</p></main></body></html>"
)
SHORT_ARTICLE = "A short article\n\nThe council met in 2022 and adopted two resolutions. Its members disagreed.\n"
NOTE = "An earlier note\n\nThe council met in 2022 and adopted two resolutions.\n"


@dataclass
class ShortOp:
    """A short command, its before-folder and the output file it writes, if any."""

    name: str
    args: tuple[str, ...]
    before: Path
    points: tuple[str, ...] = ("commit",)
    output: str | None = None  # a file the command writes next to sources/
    states: dict[str, str] = field(default_factory=dict)  # database fingerprint -> before | after
    written: bytes = b""  # the complete output file
    known: set[str] = field(default_factory=set)  # what 'source check' reports after an uninterrupted run


def database_problems(backend: Backend, folder: Path) -> list[str]:
    """SQLite's own checks of the file: ``integrity_check`` and ``foreign_key_check``."""
    if backend.name != "sqlite" or not (folder / "claims.db").exists():
        return []
    conn = sqlite3.connect(folder / "claims.db")
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    problems = [] if integrity == ["ok"] else [f"integrity_check: {integrity[:3]}"]
    return problems + ([f"foreign_key_check: {foreign[:3]}"] if foreign else [])


def verify_here(backend: Backend, folder: Path, *args: str) -> None:
    """Run a command in this process (no start-up to pay) with the folder's settings."""
    from typer.testing import CliRunner

    from verify.cli.app import app

    cwd = Path.cwd()
    os.chdir(folder)
    try:
        env = {k: None for k in os.environ if k.startswith("VERIFY_")} | verify_env(backend, folder)
        done = CliRunner().invoke(app, list(args), env=env)
    finally:
        os.chdir(cwd)
    assert done.exit_code == 0, f"verify {' '.join(args)}: {done.stderr} {done.exception!r}"


def _no_tables(folder: Path) -> bool:
    conn = sqlite3.connect(folder / "claims.db")
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()


def prepare_short(op: ShortOp, backend: Backend, scratch: Path) -> None:
    op.states[backend.state(op.before)] = "before"
    folder = scratch / f"{op.name}-uninterrupted"
    backend.copy(op.before, folder)
    verify_here(backend, folder, *op.args)
    op.states.setdefault(backend.state(folder), "after")
    if op.output:
        op.written = (folder / op.output).read_bytes()
    op.known = {f.replace(str(folder), "<folder>") for f in source_check(backend, folder)}  # schema-0001 has no files
    backend.discard(folder)


def kill_short(op: ShortOp, backend: Backend, scratch: Path, point: str, when: str) -> list[str]:
    """Kill ``op`` at ``point`` (commit | replace), ``when`` before|after it; the problems found."""
    folder = scratch / f"{op.name}-{point}-{when}".replace(" ", "-")
    backend.copy(op.before, folder)
    done = subprocess.run(
        [sys.executable, "-c", KILL_AT, point, when, *op.args],
        env=verify_env(backend, folder),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != -signal.SIGKILL:
        return [f"never reached the {point} (exit {done.returncode}): {done.stderr[-300:]}"]
    landed = op.states.get(backend.state(folder))
    if landed is None and op.name == "init" and _no_tables(folder):
        landed = "before"  # killed before its commit, init leaves an empty SQLite file: run again below
    problems = [] if landed else ["database is neither before nor after"]
    problems += database_problems(backend, folder)
    if op.output and (folder / op.output).exists() and (folder / op.output).read_bytes() != op.written:
        problems.append(f"{op.output} is there but incomplete")
    if op.name in ("init", "db upgrade") and landed == "before":
        verify_here(backend, folder, *op.args)  # a killed init or upgrade is simply run again
        landed = op.states.get(backend.state(folder))
        problems += [] if landed == "after" else [f"{op.name} run again did not reach the after-state"]
    findings = {f.replace(str(folder), "<folder>") for f in source_check(backend, folder)}
    problems += [f"'source check' found: {finding}" for finding in sorted(findings - op.known)]
    if hidden_entries(folder):
        problems.append(f"hidden entries remain: {hidden_entries(folder)}")
    if op.states.get(backend.state(folder)) is None:
        problems.append("recovery left a database that is neither before nor after")
    if problems:
        problems.append(f"kept {folder}")
    else:
        backend.discard(folder)
    return problems


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])]
)
def short_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Like ``crash_backend``; the PostgreSQL run is marked slow (a database copy per kill)."""
    yield from _open_backend(request.param)


@pytest.fixture(scope="module")
def short_operations(tmp_path_factory: pytest.TempPathFactory, short_backend: Backend) -> Iterator[dict[str, ShortOp]]:
    crash_backend = short_backend
    from tests.httpserver import LocalServer

    server = LocalServer().start()
    server.serve("/report.html", WEB_REPORT, "text/html")
    root = tmp_path_factory.mktemp(f"short-{crash_backend.name}")
    inputs = root / "inputs"
    inputs.mkdir()
    (inputs / "article.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (inputs / "note.txt").write_text(NOTE, encoding="utf-8")
    empty, work = root / "empty", root / "work"
    crash_backend.create(empty)
    crash_backend.copy(empty, work)
    for args in (
        ("init",),
        ("article", "add", str(inputs / "article.txt")),
        ("source", "add", str(inputs / "note.txt"), "--key", "earlier-note"),
        ("source", "register", "web-report", "--url", server.url("/report.html")),
    ):
        verify_here(crash_backend, work, *args)
    ops = [
        ShortOp(
            "evidence link",
            (
                "evidence",
                "link",
                "1",
                "--source",
                "earlier-note",
                "--stance",
                "supports",
                "--quote",
                "The council met in 2022 and adopted two resolutions",
            ),
            work,
        ),
        ShortOp("claim mark", ("claim", "mark", "1", "in_progress", "--note", "checking the minutes"), work),
        ShortOp("claim note", ("claim", "note", "1", "asked the press office"), work),
        ShortOp("source fetch", ("source", "fetch", "web-report"), work),
        ShortOp("init", ("init",), empty if crash_backend.name != "sqlite" else root / "bare"),
        ShortOp(
            "export --output",
            ("export", "--format", "json", "--output", "export.json"),
            work,
            points=("replace",),
            output="export.json",
        ),
    ]
    if crash_backend.name == "sqlite":
        (root / "bare").mkdir()
        old = root / "schema-0001"
        old.mkdir()
        shutil.copyfile(REPO / "tests" / "data" / "schema-0001.db", old / "claims.db")
        ops.append(ShortOp("db upgrade", ("db", "upgrade"), old))
    try:
        for op in ops:
            prepare_short(op, crash_backend, root)
        yield {op.name: op for op in ops}
    finally:
        server.stop()


SHORT_OPS = ("evidence link", "claim mark", "claim note", "source fetch", "init", "db upgrade", "export --output")


@pytest.mark.parametrize("name", SHORT_OPS)
def test_sigkill_around_the_commit_of_short_commands(
    short_operations: dict[str, ShortOp], short_backend: Backend, name: str, tmp_path: Path
) -> None:
    """Parametrised over the backend too; ``db upgrade`` of a schema-0001 file is SQLite only."""
    if name not in short_operations:
        pytest.skip(f"{name}: the schema-0001 fixture is a SQLite file")
    op = short_operations[name]
    assert set(op.states.values()) == ({"before", "after"} if not op.output else {"before"})
    found = {
        f"{point} {when}": kill_short(op, short_backend, tmp_path, point, when)
        for point in op.points
        for when in ("before", "after")
    }
    assert not any(found.values()), found


# --- recovery, step by step (no processes) --------------------------------------------------


@pytest.fixture
def database(tmp_path: Path):
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade

    db = open_database(str(tmp_path / "claims.db"), create=True, check_schema=False)
    upgrade(db)
    yield db
    db.dispose()


def _source_row(db, path: str) -> None:
    from verify.db.models import Source

    with db.write() as session:
        session.add(Source(key=path, path=path, created_at=NOW, created_by="t", retrieved_at=NOW, sha256="0" * 64))


def _pending(sources: Path, slug: str) -> Path:
    folder = sources / f"{PENDING_PREFIX}{slug}"
    folder.mkdir(parents=True)
    (folder / "text.txt").write_text("x")
    return folder


def test_recovery_rolls_committed_pending_forward(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    sources = tmp_path / "sources"
    _pending(sources, "s-2023-370")
    _source_row(database, "s-2023-370")
    done = recover_sources(database, sources)
    assert done.rolled_forward == ["s-2023-370"]
    assert (sources / "s-2023-370" / "text.txt").read_text() == "x"
    assert os.listdir(sources) == ["s-2023-370"]


def test_recovery_rolls_uncommitted_pending_back_and_removes_temp(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    sources = tmp_path / "sources"
    _pending(sources, "never-committed")
    (sources / f"{TEMP_PREFIX}abc123").mkdir()
    (sources / f"{TEMP_PREFIX}abc123" / "original.pdf").write_bytes(b"%PDF")
    (sources / "kept").mkdir()
    done = recover_sources(database, sources)
    assert done.rolled_back == ["never-committed"] and done.removed_temp == [f"{TEMP_PREFIX}abc123"]
    assert os.listdir(sources) == ["kept"]


def test_recovery_never_replaces_an_existing_folder(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    sources = tmp_path / "sources"
    _pending(sources, "s-1")
    (sources / "s-1").mkdir()
    (sources / "s-1" / "text.txt").write_text("original")
    _source_row(database, "s-1")
    recover_sources(database, sources)
    assert (sources / "s-1" / "text.txt").read_text() == "original"
    assert os.listdir(sources) == ["s-1"]


def test_recovery_without_leftovers_takes_no_lock(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    assert not recover_sources(database, tmp_path / "missing").changed
    with database.write() as session:  # another writer holds the lock: recovery must not wait for it
        session.connection()
        assert not recover_sources(database, tmp_path).changed


def test_publish_is_idempotent_after_recovery(tmp_path: Path) -> None:
    from verify.ingest.storage import publish_staged, stage_source_files

    staged = stage_source_files(tmp_path, "s-2", {"text.txt": b"t"})
    assert staged.name == f"{PENDING_PREFIX}s-2" and not (tmp_path / "s-2").exists()
    os.rename(staged, tmp_path / "s-2")  # what recovery does when the commit is already in
    assert publish_staged(tmp_path, "s-2") == tmp_path / "s-2"


def test_stage_refuses_a_leftover_pending_folder(tmp_path: Path) -> None:
    from verify.errors import VerifyError
    from verify.ingest.storage import stage_source_files

    _pending(tmp_path, "s-3")
    with pytest.raises(VerifyError, match="interrupted"):
        stage_source_files(tmp_path, "s-3", {"text.txt": b"t"})


def test_a_failed_commit_removes_the_staged_folder(database, tmp_path: Path) -> None:
    from sqlalchemy import event
    from sqlmodel import Session

    from verify.workflow.archiving import SourceMeta, add_source

    note = tmp_path / "note.txt"
    note.write_text("A note\n\nThe council met in 2022.\n", encoding="utf-8")

    def refuse(session: Session) -> None:
        assert [n for n in os.listdir(tmp_path / "sources")] == [f"{PENDING_PREFIX}note"]  # staged, hidden
        raise RuntimeError("the commit failed")

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="commit failed"):
            add_source(database, tmp_path / "sources", str(note), SourceMeta(key="note"), actor="t")
    finally:
        event.remove(Session, "before_commit", refuse)
    assert os.listdir(tmp_path / "sources") == []
    with database.read() as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM source").scalar() == 0
