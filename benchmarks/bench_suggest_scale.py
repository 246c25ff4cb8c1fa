"""Suggest on a large library: 200,000 generated passages (issue 4's scale run).

The library: 200 sources of 1,000 UN-style passages each, generated with a
fixed seed from a Zipf-like vocabulary (monitoring-team words plus a long tail
of pseudo-words), each passage with a number and a year. Rows are written
through the core models' tables (``Source``; ``Passage`` by a bulk insert of
the same table) into a database made by the migrations; the search index
``verify evidence suggest`` and ``verify search`` share is then built by
``verify.match.index.rebuild_on_connection`` (what ``verify db upgrade`` runs).

The claims: the 71 sentences of the shipped article plus 129 generated claims
(8-20 words of a random passage, with its number). Each goes through
``verify.match.rank.suggest_for_text`` exactly as the CLI runs it (limit 5,
flags on). Goals: median latency under 150 ms, peak memory (maxrss) under 1 GB;
issue 13: p50 at most 20 ms at 46,000 passages, 60 ms at 200,000.

References in the same run, on the same database and claims:

* ``fts5``: the whole pipeline with the first stage and the word counts of
  verify before issue 13 (SQLite FTS5, porter stemmer, triggers of migration
  0002, re-created here in the benchmark's database only);
* ``bm25s``: the first stage alone as bm25s (PyStemmer, English stopwords)
  ranks it, top 50 for the claim's words, when bm25s is installed.

The semantic stage (issue 16, ``--model DIR``): the same claims again with the
model configured, so each suggestion also embeds the claim, reads the stored
vectors of its ~50 candidates and re-ranks them. Goal: p50 at most 50 ms at
46,000 passages. The stage's cost does not depend on what the stored vectors
say, and embedding 46,000 passages with a transformer takes hours on this
machine, so the stored vectors are random unit vectors written under the
model's id (what ``verify source add`` stores, in the same table and format);
the claims are embedded by the model itself. How long real passages take to
embed is ``benchmarks/bench_embed.py``'s question.

Run: ``.venv/bin/python benchmarks/bench_suggest_scale.py [--passages N] [--model DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SEED = 20230601
PER_SOURCE = 1000
CORE = """Taliban Al-Qaida ISIL-K Afghanistan Kabul Kandahar Helmand Herat Kunar Nangarhar Pakistan Iran Tajikistan
Member States Monitoring Team report fighters family members leaders camps training safe houses recruitment
propaganda financing hawala sanctions travel ban asset freeze de facto authorities security forces attacks
operations explosives weapons smuggling narcotics opium revenue checkpoints provinces districts border refugees
Hibatullah Akhundzada Haqqani Network Zawahiri Saif al-Adl emir shura council commanders deputies affiliates""".split()
FILLER = """the of and to in that is was for on with as by from at which has have been were assessed noted
observed indicated continued remained during period under review according several some more than around""".split()


def vocabulary(rng: random.Random, size: int = 30000) -> list[str]:
    syllables = [c + v for c in "bdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return CORE + sorted(words)


def make_passages(n: int, rng: random.Random) -> list[str]:
    vocab = vocabulary(rng)
    cumulative: list[float] = []
    total = 0.0
    for rank in range(len(vocab)):
        total += 1.0 / (rank + 1) ** 1.05
        cumulative.append(total)
    texts = []
    for i in range(n):
        words = [
            w if rng.random() < 0.55 else rng.choice(FILLER)
            for w in rng.choices(vocab, cum_weights=cumulative, k=rng.randint(40, 120))
        ]
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 9000):,}")
        text = " ".join(words)
        texts.append(f"{text[0].upper()}{text[1:]}. In {2015 + i % 9}, the Team noted {rng.choice(CORE)}.")
    return texts


def make_claims(texts: list[str], rng: random.Random, count: int, origins: list[int] | None = None) -> list[str]:
    """The article's sentences, then generated claims; ``origins`` receives the passage index of each generated one."""
    from verify.ingest.article_file import read_article
    from verify.ingest.segment import segment

    article = [
        s.text for s in segment(read_article(REPO / "articles" / "taliban-strategy-al-qaeda.txt").paragraphs).sentences
    ]
    generated = []
    while len(article) + len(generated) < count:
        origin = rng.randrange(len(texts))
        if origins is not None:
            origins.append(origin)
        words = texts[origin].split()
        start = rng.randrange(max(1, len(words) - 20))
        generated.append(" ".join(words[start : start + rng.randint(8, 20)]) + ".")
    return article + generated


def build(folder: Path, texts: list[str], url: str | None = None) -> tuple[Any, float]:
    from sqlalchemy import insert

    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.db.models import Passage, Source
    from verify.match.index import rebuild_on_connection

    database = open_database(url or str(folder / "claims.db"), create=True, check_schema=False)
    upgrade(database)
    start = time.perf_counter()
    with database.write() as session:
        for s in range(0, len(texts), PER_SOURCE):
            number = s // PER_SOURCE + 1
            source = Source(
                key=f"S/BENCH/{number}",
                title=f"Bench report {number}",
                publisher="United Nations Security Council",
                published=f"{2015 + number % 9}-06-01",
                created_at="2024-01-01T00:00:00Z",
                created_by="bench",
            )
            session.add(source)
            session.flush()
            rows = [
                {
                    "source_id": source.id,
                    "seq": k,
                    "locator": f"para. {k + 1}",
                    "paragraph": k + 1,
                    "start": 0,
                    "end": len(t),
                    "text": t,
                }
                for k, t in enumerate(texts[s : s + PER_SOURCE])
            ]
            session.execute(insert(Passage), rows)
        rebuild_on_connection(session.connection())
    return database, time.perf_counter() - start


FTS5_BUILD = [
    """CREATE VIRTUAL TABLE porter_fts USING fts5(text, content='passage', content_rowid='id',
       tokenize='porter unicode61 remove_diacritics 2')""",
    "INSERT INTO porter_fts(porter_fts) VALUES ('rebuild')",
]


def build_fts5(database: Any) -> float:
    """The FTS5 index of migration 0002 (dropped by 0006), for the reference run."""
    from sqlalchemy import text

    start = time.perf_counter()
    with database.write() as session:
        for statement in FTS5_BUILD:
            session.execute(text(statement))
    return time.perf_counter() - start


def fts5_pipeline() -> Any:
    """Patch verify's suggest to its pre-issue-13 first stage (FTS5) and word counts; returns an undo."""
    from verify.match import rank

    def word_counts(reader: Any, words: tuple[str, ...]) -> tuple[int, dict[str, int]]:
        total = reader.rows("SELECT count(*) FROM passage")[0][0] or 1
        return total, {
            w: reader.rows("SELECT count(*) FROM porter_fts WHERE porter_fts MATCH :q", {"q": f'"{w}"'})[0][0]
            for w in words
        }

    def first_stage(
        reader: Any, terms: Any, weights: Any, *, source_id: int | None = None, limit: int = 50
    ) -> list[Any]:
        phrases = (*terms.words, *terms.variants) if weights.variants else terms.words
        if not phrases:
            return []
        expression = " OR ".join(f'"{p}"' for p in phrases)
        ranked = reader.rows(
            "SELECT rowid, -rank FROM porter_fts WHERE porter_fts MATCH :q ORDER BY rank LIMIT :limit",
            {"q": expression, "limit": limit},
        )
        scores = {r[0]: float(r[1]) for r in ranked}
        rows = rank._rows(reader, list(scores))
        return sorted((rank._suggestion(r, scores[r[0]]) for r in rows), key=lambda s: (-s.bm25, s.passage_id))

    saved = rank.first_stage, rank.word_counts
    rank.first_stage, rank.word_counts = first_stage, word_counts  # type: ignore[assignment]

    def undo() -> None:
        rank.first_stage, rank.word_counts = saved

    return undo


def store_random_vectors(database: Any, encoder: Any, seed: int = SEED) -> float:
    """A random unit vector for every passage under the model's id (see the module docstring); returns seconds."""
    import numpy as np

    from verify.match.embeddings import write_vectors

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with database.write() as session:
        conn = session.connection()
        rows = conn.exec_driver_sql("SELECT id, source_id FROM passage ORDER BY source_id, id").all()
        by_source: dict[int, list[int]] = {}
        for passage_id, source_id in rows:
            by_source.setdefault(source_id, []).append(passage_id)
        for source_id, ids in by_source.items():
            vectors = rng.standard_normal((len(ids), encoder.dimension)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            write_vectors(conn, source_id, ids, vectors, encoder.model_id)
    return time.perf_counter() - start


def cli_reader(database: Any) -> Any:
    """The plain-SQL reader the CLI opens on this database (sqlite3 on a file, psycopg on a server)."""
    from verify.db.engine import sqlite_path
    from verify.db.reader import psycopg_reader, sqlite_reader

    path = sqlite_path(database.url)
    return psycopg_reader(database.url) if path is None else sqlite_reader(path, database.url)


def time_claims(database: Any, claims: list[str], encoder: Any = None) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per claim (CPU: this process's time, what an idle machine would take)."""
    from dataclasses import replace

    from verify.match.rank import DEFAULT_WEIGHTS, suggest_for_text

    weights = DEFAULT_WEIGHTS if encoder is not None else replace(DEFAULT_WEIGHTS, semantic=0)
    times, cpu = [], []
    with cli_reader(database) as session:  # what `verify evidence suggest` reads through, not the ORM session
        suggest_for_text(session, "warm up the index", weights=weights, encoder=encoder)
        for claim in claims:
            start, start_cpu = time.perf_counter(), time.process_time()
            suggest_for_text(session, claim, limit=5, weights=weights, encoder=encoder)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu


def time_postgres(server: str, texts: list[str], claims: list[str]) -> tuple[float, list[float], list[float]]:
    """The same index and claims in a fresh database on ``server`` (created, then dropped)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"verify_scale_{os.getpid()}"
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        database, seconds = build(Path("."), texts, make_url(server).set(database=name).render_as_string(False))
        try:
            times, cpu = time_claims(database, claims)
        finally:
            database.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    return seconds, times, cpu


def time_bm25s(texts: list[str], claims: list[str]) -> list[float] | None:
    """bm25s's retrieval of the top 50 for each claim (reference for the first stage)."""
    try:
        import bm25s
        import Stemmer
    except ImportError:
        return None
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    times = []
    for claim in claims:
        start = time.perf_counter()
        tokens = bm25s.tokenize([claim], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        if tokens[0]:
            retriever.retrieve(tokens, k=50, show_progress=False)
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=200_000)
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--model", type=Path, help="also time the semantic stage with this model folder")
    parser.add_argument(
        "--postgres", metavar="URL", help="also time the same index on a PostgreSQL server (a SQLAlchemy URL)"
    )
    args = parser.parse_args()
    from verify.match.rank import suggest_for_text

    rng = random.Random(SEED)
    texts = make_passages(args.passages, rng)
    origins: list[int] = []
    claims = make_claims(texts, rng, args.claims, origins)
    same_top = 0
    with tempfile.TemporaryDirectory() as tmp:
        database, seconds = build(Path(tmp), texts)
        times, cpu = time_claims(database, claims)
        semantic = None
        if args.model:
            from verify.match.model import load_model

            encoder = load_model(args.model)
            store_seconds = store_random_vectors(database, encoder)
            semantic = (encoder, store_seconds, *time_claims(database, claims, encoder))
        fts_seconds = build_fts5(database)
        undo = fts5_pipeline()
        try:
            fts_times, fts_cpu = time_claims(database, claims)
        finally:
            undo()
        found = {"index": 0, "fts5": 0}
        generated = claims[len(claims) - len(origins) :]
        with database.read() as session:
            for claim, origin in zip(generated, origins, strict=True):
                ours = suggest_for_text(session, claim, limit=1, with_flags=False)
                undo = fts5_pipeline()
                try:
                    theirs = suggest_for_text(session, claim, limit=1, with_flags=False)
                finally:
                    undo()
                same_top += [s.passage_id for s in ours] == [s.passage_id for s in theirs]
                found["index"] += bool(ours) and ours[0].text == texts[origin]
                found["fts5"] += bool(theirs) and theirs[0].text == texts[origin]
        database.dispose()
    postgres = time_postgres(args.postgres, texts, claims) if args.postgres else None
    reference = time_bm25s(texts, claims)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median = statistics.median(times)
    goal = 20 if args.passages <= 46_000 else 60
    lines = [
        f"### suggest on {args.passages:,} generated passages ({len(claims)} claims, limit 5, flags on)",
        "",
        "| measure | search index (issue 13) | FTS5 first stage (before) | goal |",
        "|---|---|---|---|",
        f"| index build | {seconds:.1f} s (insert + rebuild) | {fts_seconds:.1f} s (FTS5 rebuild) | |",
        f"| p50 latency | {median:.1f} ms | {statistics.median(fts_times):.1f} ms | ≤ {goal} ms "
        f"{'(met)' if median <= goal else '(NOT met)'} |",
        f"| p95 latency | {percentile(times, 0.95):.1f} ms | {percentile(fts_times, 0.95):.1f} ms | |",
        f"| p50 / p95 CPU time | {statistics.median(cpu):.1f} / {percentile(cpu, 0.95):.1f} ms "
        f"| {statistics.median(fts_cpu):.1f} / {percentile(fts_cpu, 0.95):.1f} ms | |",
        f"| generated claims: top passage is the one the claim was cut from | {found['index']}/{len(origins)} "
        f"| {found['fts5']}/{len(origins)} | |",
        f"| generated claims: same top passage as FTS5 | {same_top}/{len(origins)} | | |",
        f"| peak memory (maxrss, whole process) | {rss:.0f} MB | | "
        f"< 1024 MB {'(met)' if rss < 1024 else '(NOT met)'} |",
    ]
    if postgres:
        pg_seconds, pg_times, pg_cpu = postgres
        lines += [
            f"| PostgreSQL: index build | {pg_seconds:.1f} s | | |",
            f"| PostgreSQL: p50 / p95 latency | {statistics.median(pg_times):.1f} / "
            f"{percentile(pg_times, 0.95):.1f} ms | | ≤ {goal} ms "
            f"{'(met)' if statistics.median(pg_times) <= goal else '(NOT met)'} |",
            f"| PostgreSQL: p50 / p95 CPU time (client) | {statistics.median(pg_cpu):.1f} / "
            f"{percentile(pg_cpu, 0.95):.1f} ms | | |",
        ]
    if semantic:
        encoder, store_seconds, sem_times, sem_cpu = semantic
        sem_median = statistics.median(sem_times)
        lines += [
            f"| semantic stage ({encoder.folder.name}): vectors stored | {store_seconds:.1f} s for "
            f"{args.passages:,} random unit vectors of {encoder.dimension} dimensions | | |",
            f"| semantic stage: p50 / p95 latency | {sem_median:.1f} / {percentile(sem_times, 0.95):.1f} ms "
            f"({sem_median / median:.1f}x the lexical p50) | | "
            f"≤ 50 ms {'(met)' if sem_median <= 50 else '(NOT met)'} |",
            f"| semantic stage: p50 / p95 CPU time | {statistics.median(sem_cpu):.1f} / "
            f"{percentile(sem_cpu, 0.95):.1f} ms | | |",
        ]
    if reference:
        lines.append(
            f"| bm25s first stage alone (reference) | p50 {statistics.median(reference):.1f} ms, "
            f"p95 {percentile(reference, 0.95):.1f} ms | | |"
        )
    lines.append(
        f"\nLoad average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs); "
        "the first 71 claims are the shipped article's sentences, which no generated passage states."
    )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
