"""Benchmark source ingestion and passage search (issue 3's goals).

(a) ``verify source add`` of a generated 100-page UN-style PDF, run as a real
    subprocess (wall time, median of 3, each into a fresh workspace), and the
    core ``extract_document`` alone.  Goal: under 5 s.
(b) A library of 100,000 UN-style passages (deterministic seed) bulk-inserted
    into ``source``/``passage`` of a database made by ``verify init``; the
    FTS5 triggers of migration 0002 index them as they go in.  Then 200
    queries of 3-8 words through ``verify.match.search.search`` (plus the
    snippet rendering the CLI does).  Goals: index build under 60 s, median
    query under 100 ms, peak memory (maxrss) under 1 GB.  Baselines on the
    same passages and queries: a ``LIKE '%word%'`` scan ranked by the number
    of matching words (first 20 queries only: it is slow), and bm25s.

Run: ``.venv/bin/python benchmarks/bench_sources.py [--out FILE] [--passages N]``.
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

from tests.unpdf import make_report  # noqa: E402
from verify.db.engine import open_database  # noqa: E402
from verify.ingest.extract import extract_document  # noqa: E402
from verify.match.search import hit_dict, search  # noqa: E402

SEED = 20230601
PASSAGES_PER_SOURCE = 1000
QUERIES = 200
LIKE_QUERIES = 20

# Words a monitoring-team report uses; pseudo-words below add a long tail so
# the vocabulary is large and Zipf-like, as in a real library.
CORE_WORDS = """
Taliban Al-Qaida ISIL-K Afghanistan Kabul Kandahar Helmand Herat Kunar Nangarhar
Pakistan Iran Tajikistan Uzbekistan Syria Iraq Yemen Somalia Sahel Member States
Monitoring Team report fighters family members leaders camps training safe houses
recruitment propaganda financing hawala transfers sanctions travel ban asset freeze
de facto authorities security forces attacks operations suicide bombers explosives
weapons smuggling narcotics opium poppy cultivation revenue taxation checkpoints
provinces districts border crossing refugees displaced communities humanitarian
minorities women girls education Hibatullah Akhundzada Haqqani network Zawahiri
Saif al-Adl emir shura council commanders deputies affiliates intermediaries
communications couriers travel documents passports safe passage reconstitution
""".split()
FILLER_WORDS = """
the of and to in that is was for on with as by from at which has have been were
reportedly assessed noted observed indicated continued remained appeared during
period under review information provided according several some many most few
more than around about between up including while although however also further
""".split()


def vocabulary(rng: random.Random, size: int = 30000) -> list[str]:
    syllables = [c + v for c in "bdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return CORE_WORDS + sorted(words)


def make_passages(n: int, rng: random.Random) -> tuple[list[str], list[str]]:
    vocab = vocabulary(rng)
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    texts: list[str] = []
    for i in range(n):
        length = rng.randint(40, 120)
        content = rng.choices(vocab, cum_weights=cumulative, k=length)
        words = [w if rng.random() < 0.55 else rng.choice(FILLER_WORDS) for w in content]
        number = f"{rng.randint(2, 9000):,}"
        words.insert(rng.randrange(len(words)), number)
        text = " ".join(words)
        texts.append(f"{text[0].upper()}{text[1:]}. In {2015 + i % 9}, the Team noted {rng.choice(CORE_WORDS)}.")
    return texts, vocab


def make_queries(texts: list[str], rng: random.Random) -> list[str]:
    """3-8 words, mostly taken from a random passage (so queries hit), some not."""
    queries: list[str] = []
    for _ in range(QUERIES):
        words = [w for w in texts[rng.randrange(len(texts))].rstrip(".").split() if len(w) > 2]
        k = rng.randint(3, 8)
        queries.append(" ".join(rng.sample(words, min(k, len(words)))))
    return queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def verify_cmd(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {
        **os.environ,
        "VERIFY_DB": str(root / "claims.db"),
        "VERIFY_SOURCES": str(root / "sources"),
        "VERIFY_USER": "bench",
        "NO_COLOR": "1",
    }
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, env=env, cwd=root)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"verify {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed, done


def bench_pdf(tmp: Path) -> list[tuple[str, str, str, str]]:
    report = make_report(100)
    pdf = tmp / "report-100.pdf"
    pdf.write_bytes(report.pdf)
    walls: list[float] = []
    passages = 0
    for i in range(3):
        root = tmp / f"pdf-{i}"
        root.mkdir()
        verify_cmd(root, "init")
        elapsed, done = verify_cmd(root, "source", "add", str(pdf), "--format", "json")
        walls.append(elapsed)
        passages = int(done.stdout.split('"passages":')[1].split(",")[0])
    cores: list[float] = []
    for _ in range(3):
        start = time.perf_counter()
        document = extract_document(report.pdf, "application/pdf")
        cores.append(time.perf_counter() - start)
    found = {(p.locator, p.text) for p in document.passages}
    exact = sum((loc, text) in found for loc, text in report.passages.items())
    return [
        (
            f"`verify source add` {report.pages}-page PDF, subprocess (median of 3)",
            f"{statistics.median(walls):.2f} s",
            "< 5 s",
            f"{passages} passages; runs {', '.join(f'{w:.2f}' for w in walls)} s",
        ),
        (
            "`extract_document` alone (median of 3)",
            f"{statistics.median(cores):.2f} s",
            "< 5 s",
            f"{exact}/{len(report.passages)} expected passages exact",
        ),
    ]


def build_library(tmp: Path, texts: list[str]) -> tuple[Path, float]:
    root = tmp / "library"
    root.mkdir()
    verify_cmd(root, "init")
    db = root / "claims.db"
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    with conn:
        for s in range(0, len(texts), PASSAGES_PER_SOURCE):
            number = s // PASSAGES_PER_SOURCE + 1
            cur = conn.execute(
                "INSERT INTO source (key, version, is_current, title, publisher, published, retrieved_at, sha256, "
                "media_type, path, text, created_at, created_by) VALUES (?, 1, 1, ?, ?, ?, ?, ?, 'text/plain', ?, '', "
                "?, 'bench')",
                (
                    f"S/BENCH/{number}",
                    f"Bench report {number}",
                    "United Nations Security Council",
                    "2023-06-01",
                    "2024-01-01T00:00:00Z",
                    f"{number:064x}",
                    f"s-bench-{number}",
                    "2024-01-01T00:00:00Z",
                ),
            )
            source_id = cur.lastrowid
            chunk = texts[s : s + PASSAGES_PER_SOURCE]
            conn.executemany(
                'INSERT INTO passage (source_id, seq, locator, kind, paragraph, page, start, "end", text) '
                "VALUES (?, ?, ?, 'paragraph', ?, ?, 0, ?, ?)",
                [(source_id, k, f"para. {k + 1}", k + 1, k // 8 + 1, len(t), t) for k, t in enumerate(chunk)],
            )
    conn.close()
    # The search index is built by the same core code 'verify source add' uses.
    from verify.db.engine import open_database
    from verify.match.index import rebuild_on_connection

    database = open_database(str(db))
    with database.write() as session:
        indexed = rebuild_on_connection(session.connection())
    database.dispose()
    seconds = time.perf_counter() - start
    assert indexed == len(texts), (indexed, len(texts))
    return db, seconds


def bench_search(db: Path, queries: list[str]) -> tuple[list[float], int]:
    database = open_database(str(db))
    times: list[float] = []
    empty = 0
    with database.read() as session:
        search(session, "warm up the cache")  # first query pays for opening the index
        for query in queries:
            start = time.perf_counter()
            rows = [hit_dict(h) for h in search(session, query, limit=10)]
            times.append((time.perf_counter() - start) * 1000)
            empty += not rows
    database.dispose()
    return times, empty


def bench_like(db: Path, queries: list[str]) -> list[float]:
    """The naive baseline: scan every passage with LIKE, rank by words matched."""
    conn = sqlite3.connect(db)
    times: list[float] = []
    for query in queries:
        words = query.split()
        score = " + ".join("(text LIKE ?)" for _ in words)
        sql = f"SELECT id, {score} AS score FROM passage WHERE score > 0 ORDER BY score DESC LIMIT 10"
        start = time.perf_counter()
        conn.execute(sql, [f"%{w}%" for w in words]).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return times


def bench_bm25s(texts: list[str], queries: list[str]) -> tuple[float, list[float]]:
    import bm25s

    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    build = time.perf_counter() - start
    times: list[float] = []
    for query in queries:
        start = time.perf_counter()
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if tokens.ids and tokens.ids[0]:
            retriever.retrieve(tokens, k=10, show_progress=False)
        times.append((time.perf_counter() - start) * 1000)
    return build, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the markdown table to this file")
    parser.add_argument("--passages", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="verify-bench-") as name:
        tmp = Path(name)
        rows += bench_pdf(tmp)
        texts, vocab = make_passages(args.passages, rng)
        queries = make_queries(texts, rng)
        words = sum(len(t.split()) for t in texts)
        db, build = build_library(tmp, texts)
        size = db.stat().st_size / (1024 * 1024)
        rows.append(
            (
                f"index build: {len(texts):,} passages ({words:,} words, vocabulary {len(vocab):,}) "
                "inserted and indexed (core index code)",
                f"{build:.1f} s",
                "< 60 s",
                f"database {size:.0f} MB",
            )
        )
        times, empty = bench_search(db, queries)
        fts_median = statistics.median(times)
        rows.append(
            (
                f"`search()` {len(queries)} queries of 3-8 words, limit 10, median",
                f"{fts_median:.1f} ms",
                "< 100 ms",
                f"{len(queries) - empty} queries with hits",
            )
        )
        rows.append(("`search()` p95", f"{percentile(times, 0.95):.1f} ms", "", f"max {max(times):.1f} ms"))
        rss = maxrss_mb()
        rows.append(("peak memory (maxrss) after extract + build + search", f"{rss:.0f} MB", "< 1 GB", ""))
        like = bench_like(db, queries[:LIKE_QUERIES])
        like_median = statistics.median(like)
        fts_same = statistics.median(times[:LIKE_QUERIES])
        rows.append(
            (
                f"baseline: `LIKE '%word%'` scan, first {LIKE_QUERIES} queries, median",
                f"{like_median:.0f} ms",
                "",
                f"the index is {like_median / fts_same:.0f}x faster on the same queries",
            )
        )
        bm_build, bm_times = bench_bm25s(texts, queries)
        bm_median = statistics.median(bm_times)
        rows.append(("baseline: bm25s (in memory) index build", f"{bm_build:.1f} s", "", "not persisted"))
        rows.append(
            (
                "baseline: bm25s query, median / p95",
                f"{bm_median:.1f} / {percentile(bm_times, 0.95):.1f} ms",
                "",
                f"verify median / bm25s median = {fts_median / bm_median:.1f}",
            )
        )
        rows.append(("peak memory (maxrss) incl. bm25s baseline", f"{maxrss_mb():.0f} MB", "", ""))
    table = ["| measurement | result | goal | notes |", "|---|---:|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join(table) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
