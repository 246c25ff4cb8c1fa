"""Concurrent reviewers, reduced for CI: 4 processes x 50 random operations on each backend, every invariant held.

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
            pytest.fail(f"{reason}; required because VERIFY_TEST_POSTGRES or VERIFY_TEST_REQUIRE_ALL=1 is set", pytrace=False)
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
        report = bench.run_load(url, processes=PROCESSES, operations=OPERATIONS, hot_claims=HOT_CLAIMS, seed=7, backend=backend)
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
    assert report.count("rule", "mark") > 0 and report.count("stale", "mark") > 0 and report.count("stale", "assign") > 0, summary


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
    outcomes = _race(db.url, [lambda: mark(db, 1, "in_progress", actor="a", if_version=1),
                              lambda: mark(db, 1, "opinion", actor="b", if_version=1)])
    assert outcomes[0].startswith("RefusedChange: claim 1 changed since version 1"), outcomes
    assert outcomes[1] == "ok", outcomes


@pytest.mark.postgres
def test_postgresql_the_same_evidence_retracted_twice_at_once_is_refused_once(postgres_article) -> None:
    from verify.workflow.evidence import link, retract

    db = postgres_article
    bench = _bench()
    linked = link(db, 1, bench.SOURCE_KEY, "supports", actor="a", quote="the Taliban and Al-Qaida remain closely tied")
    outcomes = _race(db.url, [lambda: retract(db, linked.evidence_id, "misread", actor="b"),
                              lambda: retract(db, linked.evidence_id, "wrong paragraph", actor="c")])
    assert outcomes[0].startswith(f"RefusedChange: evidence {linked.evidence_id} was already retracted"), outcomes
    assert outcomes[1] == "ok", outcomes
