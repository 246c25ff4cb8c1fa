"""Concurrent reviewers, reduced for CI: 4 processes x 50 random operations on each backend, every invariant held;
and through the CLI, short `claim note` / `claim mark` processes alongside one long `article add`.

The full run and its figures: ``benchmarks/bench_load.py`` and
``benchmarks/load.md``. The PostgreSQL run is skipped with the reason when no
server is reachable, unless ``VERIFY_TEST_POSTGRES`` or
``VERIFY_TEST_REQUIRE_ALL=1`` makes it mandatory.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow  # many processes for seconds each; `pytest -m "not slow"` leaves it out

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_load.py"
PROCESSES, OPERATIONS = 4, 50
HOT_CLAIMS = 8  # few claims, so the workers collide often


def _bench() -> ModuleType:
    """benchmarks/ is not a package (and a 'benchmarks' distribution may be installed): load the file."""
    if "bench_load" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_load", BENCH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_load"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_load"]


def _postgres_server() -> str:
    from sqlalchemy import create_engine

    named = os.environ.get("VERIFY_TEST_POSTGRES", "").strip()
    required = bool(named) or os.environ.get("VERIFY_TEST_REQUIRE_ALL") == "1"
    server = named or _bench().POSTGRES_SERVER
    engine = create_engine(server, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the reason to skip
        reason = f"PostgreSQL not reachable at {server} ({type(exc).__name__})"
        if required:
            pytest.fail(
                f"{reason}; required because VERIFY_TEST_POSTGRES or VERIFY_TEST_REQUIRE_ALL=1 is set", pytrace=False
            )
        pytest.skip(f"{reason}; set VERIFY_TEST_POSTGRES to run the PostgreSQL load test")
    finally:
        engine.dispose()
    return server


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_concurrent_reviewers_keep_every_invariant(backend: str, tmp_path: Path) -> None:
    bench = _bench()
    server = _postgres_server() if backend == "postgres" else ""
    url = bench.create_postgres_database(server) if server else str(tmp_path / "claims.db")
    try:
        bench.prepare(url, tmp_path)
        report = bench.run_load(
            url, processes=PROCESSES, operations=OPERATIONS, hot_claims=HOT_CLAIMS, seed=7, backend=backend
        )
    finally:
        if server:
            bench.drop_postgres_database(url, server)
    summary = "\n".join(bench.summary(report))
    assert report.violations == [], summary
    assert report.total == PROCESSES * OPERATIONS, summary
    assert len(report.invariants) == 7
    # The run exercised what it claims to: successes, rule refusals and stale refusals of every kind.
    assert report.count("error") == 0, summary
    for op in bench.OPERATIONS:
        assert report.count("ok", op) > 0, f"no successful {op}\n{summary}"
    assert (
        report.count("rule", "mark") > 0 and report.count("stale", "mark") > 0 and report.count("stale", "assign") > 0
    ), summary


def _race(url: str, calls: list) -> list[str]:
    """Start ``calls`` in threads while another connection holds claim 1's row, then let them go."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    holder_engine = create_engine(url)
    outcomes: list[str] = []
    try:
        with holder_engine.connect() as holder:
            holder.execute(text("SELECT id FROM claim WHERE id = 1 FOR UPDATE"))

            def attempt(call) -> None:
                try:
                    call()
                    outcomes.append("ok")
                except Exception as exc:  # noqa: BLE001 - the refusal is the outcome
                    outcomes.append(f"{type(exc).__name__}: {exc}")

            threads = [threading.Thread(target=attempt, args=(call,)) for call in calls]
            for thread in threads:
                thread.start()
            time.sleep(1.0)  # both have read what they check and now wait for the row
            holder.rollback()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        holder_engine.dispose()
    return sorted(outcomes)


@pytest.fixture
def postgres_article(tmp_path: Path):
    bench = _bench()
    server = _postgres_server()
    url = bench.create_postgres_database(server)
    try:
        bench.prepare(url, tmp_path)
        from verify.db.engine import open_database

        db = open_database(url)
        yield db
        db.dispose()
    finally:
        bench.drop_postgres_database(url, server)


@pytest.mark.postgres
def test_postgresql_two_marks_with_the_same_version_one_is_refused(postgres_article) -> None:
    """The version check is race-free: the claim row is locked before it is compared."""
    from verify.workflow.claims import mark

    db = postgres_article
    outcomes = _race(
        db.url,
        [
            lambda: mark(db, 1, "in_progress", actor="a", if_version=1),
            lambda: mark(db, 1, "opinion", actor="b", if_version=1),
        ],
    )
    assert outcomes[0].startswith("RefusedChange: claim 1 changed since version 1"), outcomes
    assert outcomes[1] == "ok", outcomes


@pytest.mark.postgres
def test_postgresql_the_same_evidence_retracted_twice_at_once_is_refused_once(postgres_article) -> None:
    from verify.workflow.evidence import link, retract

    db = postgres_article
    bench = _bench()
    linked = link(db, 1, bench.SOURCE_KEY, "supports", actor="a", quote="the Taliban and Al-Qaida remain closely tied")
    outcomes = _race(
        db.url,
        [
            lambda: retract(db, linked.evidence_id, "misread", actor="b"),
            lambda: retract(db, linked.evidence_id, "wrong paragraph", actor="c"),
        ],
    )
    assert outcomes[0].startswith(f"RefusedChange: evidence {linked.evidence_id} was already retracted"), outcomes
    assert outcomes[1] == "ok", outcomes


# --- through the CLI: one long writer among short ones ------------------------------------------


def _cli(url: str, workdir: Path, *args: str) -> tuple[int, str]:
    """Run ``python -m verify`` as its own process; (exit code, stderr)."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFY_")}
    env.update(VERIFY_DB=url, VERIFY_SOURCES=str(workdir / "sources"), VERIFY_USER="cli-load", NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "verify", *args], env=env, cwd=workdir, capture_output=True, text=True, timeout=300
    )
    return done.returncode, done.stderr.strip()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])]
)
def test_cli_processes_with_one_long_import_among_short_writers(backend: str, tmp_path: Path) -> None:
    """``article add`` of a large article runs while short ``claim note`` / ``claim mark`` processes
    keep writing: none of them fails (no "database is locked"), every note is stored once and the
    article is complete. The long import holds the write lock only for its inserts (issue 14)."""
    import threading

    bench = _bench()
    server = _postgres_server() if backend == "postgres" else ""
    url = bench.create_postgres_database(server) if server else str(tmp_path / "claims.db")
    try:
        small = tmp_path / "small-article.txt"
        small.write_text(
            "A small article\n\nThe council met in 2022. It adopted two resolutions. Its members disagreed.\n",
            encoding="utf-8",
        )
        assert _cli(url, tmp_path, "init")[0] == 0 and _cli(url, tmp_path, "article", "add", str(small))[0] == 0
        paragraphs = [
            f"The team counted {n} fighters in Kunar in {1990 + n % 30}. The council met {n} times."
            for n in range(1, 401)
        ]
        article = tmp_path / "long-article.txt"
        article.write_text("A long article for the load test\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        outcomes: list[tuple[str, int, str]] = []
        importing = threading.Event()
        importing.set()

        def long_writer() -> None:
            try:
                outcomes.append(("article add", *_cli(url, tmp_path, "article", "add", str(article))))
            finally:
                importing.clear()

        def short_writer(worker: int) -> None:
            claim = str(worker + 1)
            token = f"[cli w{worker}-mark]"
            outcomes.append((token, *_cli(url, tmp_path, "claim", "mark", claim, "in_progress", "--note", token)))
            seq = 0
            while importing.is_set() or seq < 2:
                seq += 1
                token = f"[cli w{worker}-{seq}]"
                outcomes.append((token, *_cli(url, tmp_path, "claim", "note", claim, token)))

        threads = [threading.Thread(target=long_writer)] + [
            threading.Thread(target=short_writer, args=(n,)) for n in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        failed = [o for o in outcomes if o[1] != 0]
        assert failed == [], failed
        from sqlalchemy import create_engine, text

        engine = create_engine(url if server else f"sqlite:///{url}")
        try:
            with engine.connect() as conn:
                notes = [row[0] for row in conn.execute(text("SELECT text FROM note WHERE text LIKE '[cli w%'"))]
                imported = conn.execute(
                    text(
                        "SELECT count(*) FROM claim JOIN article ON article.id = claim.article_id "
                        "WHERE article.title = 'A long article for the load test'"
                    )
                ).scalar()
                if not server:
                    assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                    assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        finally:
            engine.dispose()
        assert sorted(notes) == sorted(o[0] for o in outcomes if o[0].startswith("[cli"))
        assert imported == 800
    finally:
        if server:
            bench.drop_postgres_database(url, server)
