"""Crash-safety benchmark: SIGKILL verify at random moments, many times, and check the result.

    .venv/bin/python benchmarks/bench_crash.py [--kills 50] [--article-mb 1] [--seed N]
        [--backend sqlite|postgresql|both] [--postgres-url URL] [--out FILE]

For ``article add`` of a large generated article, ``source add`` of a
generated 100-page PDF and ``import`` of an export with a few thousand rows:
one uninterrupted run gives the wall time T and the after-state; then each
kill starts the command from the before-state as a real ``python -m verify``
process and sends SIGKILL after a uniformly random delay in [0, T]. A kill is
consistent when the database dump and the visible entries of ``sources/`` are
each the before- or the after-state, and after ``source check`` (recovery)
no hidden staging entry is left and database and ``sources/`` agree. The
harness is the one ``tests/test_crash.py`` runs in CI with fewer kills.

``--backend postgresql`` gives every folder a database of its own on the
server ``--postgres-url`` (default: ``VERIFY_TEST_POSTGRES``, else
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), copies a before-state
with ``CREATE DATABASE ... TEMPLATE`` and drops every database it created
when it ends, also on failure.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import postgres_setting  # noqa: E402
from tests.test_crash import Kill, build_operations, kill_repeatedly, make_backend, summary  # noqa: E402

BACKENDS = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite", "postgresql"]}


def run_backend(name: str, args: argparse.Namespace, rng: random.Random) -> tuple[list[str], list[str]]:
    """Kill each operation ``args.kills`` times on one backend: the table's lines and the problems."""
    backend = make_backend(name, args.postgres_url)
    rows = []
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix=f"verify-crash-{name}-") as scratch:
            root = Path(scratch)
            operations = build_operations(root, int(args.article_mb * 1_000_000), backend)
            for op in operations:
                op.prepare(root)
                print(
                    f"[{name}] {op.name}: uninterrupted run {op.duration:.2f} s; killing {args.kills} times", flush=True
                )

                def progress(kill: Kill) -> None:
                    mark = "ok" if kill.consistent else f"INCONSISTENT: {kill.detail}"
                    print(f"  kill at {kill.delay:6.2f} s -> {kill.landed:8} {mark}", flush=True)

                rows.append(summary(op, kill_repeatedly(op, root, args.kills, rng, progress)))
    finally:
        backend.close()
    where = "SQLite file" if name == "sqlite" else f"PostgreSQL ({args.postgres_url.split('@')[-1]})"
    lines = [
        f"Backend {where}: seed {args.seed}, article {args.article_mb:g} MB, {args.kills} kills per operation, "
        f"total {time.perf_counter() - started:.0f} s.",
        "",
        "| operation | uninterrupted (s) | kills | consistent | landed before | landed after | finished before the "
        "kill | killed between commit and rename |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| `{row['operation']}` | {row['duration_s']} | {row['kills']} | {row['consistent']} | {row['before']} | "
            f"{row['after']} | {row['finished']} | {row['commit_rename_window']} |"
        )
    problems = [f"[{name}] {p}" for row in rows for p in row["problems"]]  # type: ignore[attr-defined]
    lines += [""] + (
        [f"- {p}" for p in problems]
        if problems
        else ["Every kill left the database and sources/ fully before or fully after."]
    )
    return lines, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50, help="kills per operation")
    parser.add_argument("--article-mb", type=float, default=1.0, help="size of the generated article")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--backend",
        choices=sorted(BACKENDS),
        default="sqlite",
        help="where the databases live (both: SQLite, then PostgreSQL)",
    )
    parser.add_argument(
        "--postgres-url",
        default=postgres_setting()[0],
        help="PostgreSQL server (a SQLAlchemy URL) for --backend postgresql/both",
    )
    parser.add_argument("--out", type=Path, help="also write the table(s) (Markdown) to FILE")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines: list[str] = []
    problems: list[str] = []
    for name in BACKENDS[args.backend]:
        found, trouble = run_backend(name, args, rng)
        lines += ([""] if lines else []) + found
        problems += trouble
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
