"""Does a long article import lock out other writers? Note latency while a 10 MB article imports.

Setup (not timed): a new database (a SQLite file, or a PostgreSQL database
created for the run and dropped after it) holding the shipped article, made
through the real CLI; and an invented article of ``--size-mb`` megabytes
(numbered sentences about councils and fighters, generated here).

Timed: ``--writers`` processes, each with its own engine, add notes to random
claims of the shipped article through the library call ``verify note`` uses
(``verify.workflow.claims.add_note``), one every ``--pause`` seconds, before,
during and after ``verify article add BIG.txt`` runs as a CLI process. Every
note's latency and outcome is recorded; a note "during the import" is one
that started between the import's start and its end.

Reported: the import's wall time; for the notes during the import, how many,
how many failed (``database is locked``, a lock timeout, anything), and their
p50 / p95 / max latency; afterwards every successful note is checked to be in
the database exactly once. The exit code is 1 if any note failed or is missing.

``--importer-repo PATH`` runs the import from another checkout (e.g. the
main branch before this change) to compare; the writers always use this one.

    .venv/bin/python benchmarks/bench_import_lock.py [--size-mb 10] [--writers 8] [--backend sqlite|postgres|both]

Figures in benchmarks/import_lock.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_load import POSTGRES_SERVER, create_postgres_database, drop_postgres_database  # noqa: E402

ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
PLACES = ("Kunar", "Kabul", "Herat", "Nangarhar", "Helmand", "Zabul")
WORDS = ("council", "team", "report", "fighters", "province", "border", "members", "leaders", "network", "camps")


def invented_article(path: Path, megabytes: float) -> int:
    """Write an invented article of about ``megabytes`` MB; returns its number of sentences."""
    rng = random.Random(14)
    target = int(megabytes * 1024 * 1024)
    parts = ["A long invented report on the monitoring team's findings\n"]
    size = len(parts[0])
    count = 0
    while size < target:
        sentences = []
        for _ in range(5):
            count += 1
            sentences.append(
                f"The {rng.choice(WORDS)} counted {rng.randint(2, 9000)} {rng.choice(WORDS)} in "
                f"{rng.choice(PLACES)} during {rng.randint(1990, 2024)} (finding {count})."
            )
        paragraph = "\n" + " ".join(sentences) + "\n"
        parts.append(paragraph)
        size += len(paragraph) + 1
    path.write_text("\n".join(parts), encoding="utf-8")
    return count


def _verify(url: str, workdir: Path, *args: str, repo: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "VERIFY_DB": url,
        "VERIFY_SOURCES": str(workdir / "sources"),
        "VERIFY_USER": "importer",
        "PYTHONPATH": str(repo),
    }
    env.pop("VERIFY_NOW", None)
    return subprocess.run([sys.executable, "-m", "verify", *args], env=env, capture_output=True, text=True, cwd=repo)


def _writer(url: str, worker: int, claims: list[int], pause: float, stop: Any, results: Any) -> None:
    """Add notes until told to stop; put (started, seconds, outcome, message, text) per note."""
    from verify.db.engine import open_database
    from verify.workflow.claims import add_note

    db = open_database(url)
    rng = random.Random(worker)
    seq = 0
    out = []
    while not stop.is_set():
        seq += 1
        text = f"lock probe w{worker}-{seq}"
        started = time.monotonic()
        try:
            add_note(db, rng.choice(claims), text, actor=f"writer-{worker}")
            outcome, message = "ok", ""
        except Exception as exc:  # noqa: BLE001 - every failure is a finding of the benchmark
            outcome, message = "error", f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:120]}"
        out.append((started, time.monotonic() - started, outcome, message, text))
        time.sleep(pause)
    db.dispose()
    results.put(out)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    url = str(workdir / "claims.db") if backend == "sqlite" else create_postgres_database()
    try:
        for step in (("init",), ("article", "add", str(ARTICLE))):
            done = _verify(url, workdir, *step)
            if done.returncode != 0:
                raise RuntimeError(f"verify {' '.join(step)}: {done.stderr.strip()}")
        from verify.db.engine import open_database
        from verify.db.models import Claim

        db = open_database(url)
        with db.read() as session:
            from sqlmodel import select

            claims = list(session.exec(select(Claim.id)))
        db.dispose()
        big = workdir / "big-article.txt"
        sentences = invented_article(big, args.size_mb)
        context = multiprocessing.get_context("spawn")
        stop, results = context.Event(), context.Queue()
        writers = [
            context.Process(target=_writer, args=(url, n, claims, args.pause, stop, results))
            for n in range(args.writers)
        ]
        for process in writers:
            process.start()
        time.sleep(args.warmup)
        began = time.monotonic()
        done = _verify(url, workdir, "article", "add", str(big), "--max-size", "100MB", repo=Path(args.importer_repo))
        ended = time.monotonic()
        time.sleep(args.warmup)
        stop.set()
        notes = [row for _ in writers for row in results.get(timeout=120)]
        for process in writers:
            process.join(timeout=30)
        during = [n for n in notes if began <= n[0] <= ended]
        latencies = [n[1] for n in during]
        failures = [n for n in notes if n[2] != "ok"]
        missing = _missing_notes(url, [n[4] for n in notes if n[2] == "ok"])
        return {
            "backend": backend,
            "size_mb": args.size_mb,
            "sentences": sentences,
            "import_ok": done.returncode == 0,
            "import_message": (done.stdout or done.stderr).strip().splitlines()[-1]
            if (done.stdout or done.stderr)
            else "",
            "import_s": ended - began,
            "writers": args.writers,
            "notes": len(notes),
            "during": len(during),
            "failed": len(failures),
            "failures": sorted({f[3] for f in failures})[:5],
            "missing": missing,
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "max": max(latencies, default=0.0),
        }
    finally:
        if backend == "postgres":
            drop_postgres_database(url)


def _missing_notes(url: str, texts: list[str]) -> int:
    """Successful notes that are not in the database exactly once."""
    from collections import Counter

    from sqlmodel import select

    from verify.db.engine import open_database
    from verify.db.models import Note

    db = open_database(url)
    with db.read() as session:
        stored = Counter(session.exec(select(Note.text).where(Note.text.like("lock probe %"))))  # type: ignore[attr-defined]
    db.dispose()
    return sum(1 for text in texts if stored[text] != 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=10.0)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--pause", type=float, default=0.1, help="seconds each writer waits between notes")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of notes before and after the import")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--importer-repo", default=str(REPO), help="checkout whose 'verify article add' runs the import"
    )
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"importer from {args.importer_repo}; postgres server {POSTGRES_SERVER}"
    )
    print("| backend | article | import | notes during import | failed | p50 | p95 | max | missing |")
    print("|---|---|---|---|---|---|---|---|---|")
    bad = False
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="verify-import-lock-") as tmp:
            row = run_backend(backend, args, Path(tmp))
        bad |= bool(row["failed"] or row["missing"] or not row["import_ok"])
        print(
            f"| {row['backend']} | {row['size_mb']:g} MB, {row['sentences']:,} sentences | "
            f"{row['import_s']:.1f} s{'' if row['import_ok'] else ' (FAILED: ' + row['import_message'] + ')'} | "
            f"{row['during']} ({row['writers']} writers) | {row['failed']} | {row['p50'] * 1000:.0f} ms | "
            f"{row['p95'] * 1000:.0f} ms | {row['max'] * 1000:.0f} ms | {row['missing']} |"
        )
        for failure in row["failures"]:
            print(f"  failure: {failure}")
        sys.stdout.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
