"""What the passage full-text index for Datasette and sqlite-utils costs ``verify source add`` (migration 0007).

Migration 0007 gives SQLite files an FTS5 external-content index over
``passage.text``, kept in step by triggers, so that Datasette's ``?_search=``
and ``sqlite-utils search`` work on a claims database. verify never reads it;
every passage insert writes it. This measures that write cost where it is
paid: ``verify source add`` of a large report, as a real subprocess, each run
into a fresh database made by ``verify init``.

- with the index: the database as ``verify init`` makes it;
- baseline: the same database with the triggers and the FTS5 table dropped
  right after ``verify init`` (the schema of revision 0006).

Runs alternate with / without so machine load falls on both alike; medians of
``--runs`` each of the child's CPU time (user + system: what the index adds,
little moved by other work on the machine) and of the wall time, the ratios,
and the database file size after the add. Last, the write alone: the same
passages inserted with ``sqlite3`` in one transaction, with and without the
triggers (in-process CPU time).
Documents: a generated 100-page UN-style PDF (tests/unpdf.py) and a generated
plain-text report of ``--paragraphs`` numbered paragraphs (large, so the
index's share is at its highest: text extraction is cheap).

Run: ``.venv/bin/python benchmarks/bench_passage_fts.py [--runs 5] [--paragraphs 10000] [--pages 100]``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sources import make_passages  # noqa: E402

from tests.unpdf import make_report  # noqa: E402

SEED = 20231215
DROP_FTS = [
    "DROP TRIGGER passage_fts_update",
    "DROP TRIGGER passage_fts_delete",
    "DROP TRIGGER passage_fts_insert",
    "DROP TABLE passage_fts",
]


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def verify_cmd(root: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one ``python -m verify`` run."""
    env = {
        **os.environ,
        "VERIFY_DB": str(root / "claims.db"),
        "VERIFY_SOURCES": str(root / "sources"),
        "VERIFY_USER": "bench",
    }
    cpu, start = child_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, env=env, cwd=root)
    elapsed, cpu = time.perf_counter() - start, child_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"verify {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed, cpu


def text_report(paragraphs: int) -> str:
    texts, _ = make_passages(paragraphs, random.Random(SEED))
    body = "\n\n".join(f"{i}. {text}" for i, text in enumerate(texts, 1))
    return f"Generated monitoring report for the benchmark\n\nI. Findings\n\n{body}\n"


def one_add(tmp: Path, name: str, document: Path, with_index: bool) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, passages, database bytes) of one ``source add`` into a fresh database."""
    root = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=tmp))
    verify_cmd(root, "init")
    db = root / "claims.db"
    if not with_index:
        conn = sqlite3.connect(db)
        with conn:
            for statement in DROP_FTS:
                conn.execute(statement)
        conn.close()
    elapsed, cpu = verify_cmd(root, "source", "add", str(document), "--key", "BENCH/1")
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (passages,) = conn.execute("SELECT count(*) FROM passage").fetchone()
        fts = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'passage_fts'").fetchone()[0]
        assert fts == (1 if with_index else 0)
    finally:
        conn.close()
    return elapsed, cpu, passages, db.stat().st_size


def bench(tmp: Path, label: str, document: Path, runs: int) -> list[str]:
    walls: dict[bool, list[float]] = {True: [], False: []}
    cpus: dict[bool, list[float]] = {True: [], False: []}
    sizes: dict[bool, int] = {}
    passages = 0
    for _ in range(runs):
        for with_index in (False, True):
            elapsed, cpu, passages, size = one_add(tmp, label.split()[0], document, with_index)
            walls[with_index].append(elapsed)
            cpus[with_index].append(cpu)
            sizes[with_index] = size
    wall = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    return [
        f"| {label} ({passages} passages, {document.stat().st_size / 1e6:.1f} MB) | {cpu[False]:.2f} | {cpu[True]:.2f}"
        f" | {cpu[True] / cpu[False]:.3f} | {wall[False]:.2f} | {wall[True]:.2f} | {wall[True] / wall[False]:.3f}"
        f" | {sizes[False] / 1e6:.1f} → {sizes[True] / 1e6:.1f} MB |",
        f"  {label}: CPU without {', '.join(f'{t:.2f}' for t in cpus[False])}; "
        f"with {', '.join(f'{t:.2f}' for t in cpus[True])}",
    ]


def bench_inserts(tmp: Path, paragraphs: int, runs: int) -> list[str]:
    """The write cost alone: ``paragraphs`` passages inserted in one transaction, with and without the triggers."""
    texts, _ = make_passages(paragraphs, random.Random(SEED))
    times: dict[bool, list[float]] = {True: [], False: []}
    for run in range(runs):
        for with_index in (False, True):
            root = tmp / f"insert-{run}-{with_index}"
            root.mkdir()
            verify_cmd(root, "init")
            conn = sqlite3.connect(root / "claims.db")
            if not with_index:
                for statement in DROP_FTS:
                    conn.execute(statement)
                conn.commit()
            conn.execute(
                "INSERT INTO source (id, key, version, is_current, created_at, created_by)"
                " VALUES (1, 'BENCH/1', 1, 1, '2026-01-01T00:00:00Z', 'bench')"
            )
            rows = [(1, i, f"para. {i}", "paragraph", i, 0, len(t), t) for i, t in enumerate(texts, 1)]
            start = time.process_time()
            conn.executemany(
                'INSERT INTO passage (source_id, seq, locator, kind, paragraph, start, "end", text)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.commit()
            times[with_index].append(time.process_time() - start)
            conn.close()
    with_, without = statistics.median(times[True]), statistics.median(times[False])
    return [
        f"| insert {paragraphs} passages in one transaction (sqlite3, in-process CPU) | {without:.3f} | {with_:.3f}"
        f" | {with_ / without:.2f} | extra {1e6 * (with_ - without) / paragraphs:.0f} µs a passage |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=10000)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        pdf = tmp / f"report-{args.pages}.pdf"
        pdf.write_bytes(make_report(args.pages).pdf)
        text = tmp / "report.txt"
        text.write_text(text_report(args.paragraphs), encoding="utf-8")
        print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, medians of {args.runs} runs each\n")
        print(
            "| `verify source add` of | CPU without (s) | CPU with (s) | CPU ratio | wall without (s)"
            " | wall with (s) | wall ratio | database size |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        lines = bench(tmp, f"{args.pages}-page PDF", pdf, args.runs) + bench(
            tmp, f"text report, {args.paragraphs} paragraphs", text, args.runs
        )
        print("\n".join(line for line in lines if line.startswith("|")))
        print()
        print("| write alone | without (s) | with (s) | ratio | |")
        print("|---|---:|---:|---:|---|")
        print("\n".join(bench_inserts(tmp, args.paragraphs, args.runs)))
        print()
        print("\n".join(line for line in lines if not line.startswith("|")))


if __name__ == "__main__":
    main()
