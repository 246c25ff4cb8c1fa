"""Import a 1 MB article and read a 100 × 100-claim database, as a user would (real processes).

Measures, as wall time of real ``python -m verify`` subprocesses:

* ``verify article add`` of a generated ~1 MB article (median of 3, fresh database each time);
* ``verify status``, ``verify status --format json``, ``verify claim list --format json``
  (10,000 claims) and ``verify --help`` (median of 5 after one warm-up);
* ``python -c pass`` in the same run, as the interpreter start-up baseline.

The 100-article database is built in-process through the core
``verify.workflow.article_import.add_article`` (the same code ``verify article add`` runs),
on generated articles of 100 sentences each; building it is not timed against the goals.

Goals (issue 2): status and claim list json on 10,000 claims under 0.5 s,
``--help`` under 0.3 s.

With ``--postgres URL`` (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) the same database is
copied with ``verify db copy`` into a fresh PostgreSQL database, created and
dropped by the benchmark, and the three read commands are timed there too.

Run: ``.venv/bin/python benchmarks/bench_claims.py [--postgres URL] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
SEED = 2023
PLACES = [
    "Kabul",
    "Kunar",
    "Kandahar",
    "Helmand",
    "Herat",
    "Farah",
    "Nimruz",
    "Zabul",
    "Nangarhar",
    "Ghazni",
    "Paktika",
    "Khost",
    "Logar",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
GOALS = {
    "verify status": 0.5,
    "verify status --format json": 0.5,
    "verify claim list --format json": 0.5,
    "verify --help": 0.3,
}


def shipped_sentences() -> list[str]:
    from verify.ingest.article_file import read_article
    from verify.ingest.segment import segment

    parsed = read_article(ARTICLE)
    return [s.text for s in segment(parsed.paragraphs).sentences]


def vary(sentence: str, rng: random.Random) -> str:
    """The same kind of sentence with other numbers, years, months and places."""
    sentence = re.sub(r"\b\d{1,3}(?:,\d{3})+\b", lambda _: f"{rng.randint(1, 9)},{rng.randint(0, 999):03d}", sentence)
    sentence = re.sub(r"\b(?:19|20)\d{2}\b", lambda _: str(rng.randint(1995, 2024)), sentence)
    sentence = re.sub(r"(?<![\d,])\b\d{1,3}\b(?![\d,])", lambda _: str(rng.randint(2, 950)), sentence)
    sentence = re.sub("|".join(MONTHS), lambda _: rng.choice(MONTHS), sentence)
    return re.sub("|".join(PLACES), lambda _: rng.choice(PLACES), sentence)


def generate_article(
    sentences: list[str],
    rng: random.Random,
    *,
    paragraphs: int | None = None,
    target_bytes: int | None = None,
    per_paragraph: tuple[int, int] = (3, 6),
    title: str,
) -> str:
    parts: list[str] = []
    size = 0
    while (paragraphs is not None and len(parts) < paragraphs) or (target_bytes is not None and size < target_bytes):
        paragraph = " ".join(vary(rng.choice(sentences), rng) for _ in range(rng.randint(*per_paragraph)))
        parts.append(paragraph)
        size += len(paragraph.encode()) + 2
    return title + "\n\n" + "\n\n".join(parts) + "\n"


def verify_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "verify", *args]


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def median_of(cmd: list[str], env: dict[str, str], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        wall(cmd, env)
    return statistics.median(wall(cmd, env) for _ in range(runs))


def build_database(db: Path, sentences: list[str], rng: random.Random) -> tuple[int, float]:
    """100 articles × 100 claims through the core import; returns (claims, seconds)."""
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.workflow.article_import import add_article

    start = time.perf_counter()
    database = open_database(str(db), create=True, check_schema=False)
    upgrade(database)
    folder = db.parent / "articles"
    folder.mkdir()
    total = 0
    for number in range(1, 101):
        # 25 paragraphs of 4 sentences: exactly 100 sentences when the segmenter agrees with us.
        text = generate_article(
            sentences, rng, paragraphs=25, per_paragraph=(4, 4), title=f"Generated Analysis {number}"
        )
        path = folder / f"article-{number:03d}.txt"
        path.write_text(text, encoding="utf-8")
        total += add_article(database, path, actor="bench").claims
    database.dispose()
    return total, time.perf_counter() - start


def postgres_reads(server_url: str, db: Path, env: dict[str, str]) -> list[tuple[str, float]]:
    """The read commands on a ``verify db copy`` of ``db`` in a fresh PostgreSQL database."""
    from sqlalchemy import create_engine, make_url, text

    name = f"verify_bench_claims_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        subprocess.run(verify_cmd("db", "copy", str(db), url), env=env, check=True, capture_output=True)
        pg_env = {**env, "VERIFY_DB": url}
        return [
            (f"{label} (PostgreSQL)", median_of(verify_cmd(*args), pg_env, runs=5))
            for label, args in (
                ("verify status", ("status",)),
                ("verify status --format json", ("status", "--format", "json")),
                ("verify claim list --format json", ("claim", "list", "--format", "json")),
            )
        ]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the markdown table to this file")
    parser.add_argument("--postgres", metavar="URL", help="also time the reads on a copy in this PostgreSQL server")
    options = parser.parse_args()

    rng = random.Random(SEED)
    sentences = shipped_sentences()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "VERIFY_USER": "bench", "NO_COLOR": "1", "COLUMNS": "120"}
        env.pop("VERIFY_NOW", None)

        # 1. Import a ~1 MB article (fresh database each time; init is not timed).
        big = root / "big-article.txt"
        big.write_text(
            generate_article(sentences, rng, target_bytes=1024 * 1024, title="A Very Long Analysis"), encoding="utf-8"
        )
        size = big.stat().st_size
        imports = []
        for attempt in range(3):
            db = root / f"import-{attempt}.db"
            wall(verify_cmd("--db", str(db), "init"), env)
            imports.append(wall(verify_cmd("--db", str(db), "article", "add", str(big)), env))
        import_claims = int(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"import sqlite3; print(sqlite3.connect({str(root / 'import-0.db')!r}).execute('select count(*) "
                    "from claim').fetchone()[0])",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        rows.append(
            (
                f"verify article add (1 article, {size / 1024 / 1024:.2f} MB, {import_claims} claims)",
                statistics.median(imports),
            )
        )

        # 2. A database of 100 articles × 100 claims.
        db = root / "claims.db"
        claims, build_seconds = build_database(db, sentences, rng)
        env["VERIFY_DB"] = str(db)

        # 3. Read commands, each median of 5 after a warm-up, and the interpreter baseline.
        baseline = median_of([sys.executable, "-c", "pass"], env, runs=5)
        for label, args in (
            ("verify status", ("status",)),
            ("verify status --format json", ("status", "--format", "json")),
            ("verify claim list --format json", ("claim", "list", "--format", "json")),
            ("verify --help", ("--help",)),
        ):
            rows.append((label, median_of(verify_cmd(*args), env, runs=5)))
        rows.append(("python -c pass (baseline)", baseline))
        if options.postgres:
            rows.extend(postgres_reads(options.postgres, db, env))

    lines = [
        f"Database: {claims} claims in 100 articles (built in {build_seconds:.1f} s through "
        "verify.workflow.article_import.add_article).",
        "",
        "| command | median wall time (s) | × python start-up | goal |",
        "|---|---:|---:|---|",
    ]
    for label, seconds in rows:
        goal = GOALS.get(label.removesuffix(" (PostgreSQL)"))
        verdict = "" if goal is None else f"< {goal} s: {'met' if seconds < goal else 'NOT met'}"
        lines.append(f"| `{label}` | {seconds:.3f} | {seconds / baseline:.1f} | {verdict} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if options.out:
        options.out.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
