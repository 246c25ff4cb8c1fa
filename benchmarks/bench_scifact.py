"""SciFact retrieval through verify's own suggest pipeline, beside a plain BM25 baseline (issue 4).

Corpus loading: each of the 5,183 abstracts becomes one source (key = the
SciFact doc id, title = the paper title) holding ONE passage whose text is the
title followed by the abstract. The rows are written through the core models
(``verify.db.models.Source`` / ``Passage``) in one transaction of a database
created by the same migrations ``verify init`` runs, and indexed as
``verify source add`` indexes them (see below), so suggest searches the very
index ``verify evidence suggest`` uses.
With one passage per document, a document's score is its passage's score.

For every claim of the split, ``verify.match.rank.suggest_for_text`` (what
``verify evidence suggest`` runs) returns the top 100 passages; nDCG@10,
Recall@10, Recall@100 and MRR@10 are computed against BEIR's qrels (binary
relevance). The baseline is ``bm25s`` (Lucene BM25, k1=1.5, b=0.75) with
PyStemmer English stemming and bm25s's English stopwords on the same texts.
Each system runs in its own child process, so its peak memory (maxrss) is its
own; latency is wall time per claim, with flags off (the benchmark measures
ranking; flags are computed for the 5 shown suggestions only, see
bench_library.py).

The ablation adds one part of the pipeline at a time. Weights were tuned on
``qrels/train.tsv`` only (``--split train``); test is reported, never tuned on.

Backends (issue 7): ``--backend sqlite`` (default), ``postgresql`` or ``both``.
Each source's passage is indexed the way ``verify source add`` does it
(``verify.workflow.archiving.add_source``): after the flush,
``verify.match.index.index_source`` writes the shared search index
(``search_document`` / ``search_block`` / ``search_stats``, migration 0006),
on every backend, and ``suggest_for_text`` ranks with that one index on both
(issue 13; before it, SQLite ranked with FTS5), so the two backends should
give the same figures.
The PostgreSQL database is made by the same migrations ``verify init`` runs;
by default the benchmark creates a fresh database on the server of
``--pg-url`` (through its maintenance database ``test``) and drops it at the
end. The ablation runs on SQLite only (``--pg-ablation``: on PostgreSQL
too). The PostgreSQL child's peak memory is the client's alone (the server's
processes are not counted).

The semantic stage (issue 16): with ``--model DIR`` (a model folder, as
``VERIFY_MODEL`` names one; repeatable), every passage is embedded as
``verify source add`` embeds it (``verify.match.embeddings.write_vectors``, in
the build transaction; the embedding time is reported apart from the index
build) and the run adds "verify suggest + semantic stage" beside the lexical
default, on SQLite. Its weight is tuned on the training claims only
(:data:`SEMANTIC_GRID`, the best nDCG@10 on train, computed from one lexical
run of the training claims, see :func:`tune_semantic`) and the test split is
reported with that weight, through the pipeline itself. ``--vector-cache DIR`` keeps the corpus vectors
(one .npy per model id) so a second run skips the embedding.

Run: ``.venv/bin/python benchmarks/bench_scifact.py /work/shared/bench/scifact [--split test|train]
[--backend sqlite|postgresql|both] [--pg-url URL] [--pg-ablation] [--no-ablation] [--model DIR]
[--vector-cache DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEPTH = 100
Qrels = dict[str, set[str]]
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_MAINTENANCE_DB = "test"
TOLERANCE = 0.02  # issue 7: PostgreSQL nDCG@10 within 0.02 of SQLite's
SEMANTIC_GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # weights of the semantic feature tried on train


def load_corpus(bench: Path) -> list[dict[str, str]]:
    with (bench / "beir" / "corpus.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def load_queries(bench: Path, split: str) -> tuple[dict[str, str], Qrels]:
    qrels: Qrels = {}
    for line in (bench / "beir" / "qrels" / f"{split}.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        query_id, doc_id, score = line.split("\t")
        if int(score) > 0:
            qrels.setdefault(query_id, set()).add(doc_id)
    queries = {}
    with (bench / "beir" / "queries.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["_id"] in qrels:
                queries[row["_id"]] = row["text"]
    return queries, qrels


def passage_text(doc: dict[str, str]) -> str:
    return f"{doc['title']}. {doc['text']}".strip()


# ---------------------------------------------------------------- metrics


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant)


def mrr_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    return next((1 / (i + 1) for i, d in enumerate(ranked[:k]) if d in relevant), 0.0)


def evaluate(runs: dict[str, list[str]], qrels: Qrels) -> dict[str, float]:
    ids = list(qrels)
    return {
        "nDCG@10": statistics.fmean(ndcg_at(runs.get(q, []), qrels[q]) for q in ids),
        "R@10": statistics.fmean(recall_at(runs.get(q, []), qrels[q], 10) for q in ids),
        "R@100": statistics.fmean(recall_at(runs.get(q, []), qrels[q], 100) for q in ids),
        "MRR@10": statistics.fmean(mrr_at(runs.get(q, []), qrels[q]) for q in ids),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- verify


def build_database(target: Path | str, corpus: list[dict[str, str]]) -> Any:
    """A database made by the migrations, one source + one passage per abstract, in one transaction.

    ``target`` is a folder (a new SQLite file in it) or a PostgreSQL URL. Each
    source is indexed as ``verify source add`` indexes it: flush, then
    ``index_source`` on the session's connection (the shared search index).
    """
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.db.models import Passage, Source
    from verify.match.index import index_source

    location = str(target / "claims.db") if isinstance(target, Path) else target
    database = open_database(location, create=True, check_schema=False)
    upgrade(database)
    with database.write() as session:
        for doc in corpus:
            text = passage_text(doc)
            source = Source(
                key=doc["_id"],
                title=doc["title"],
                publisher="SciFact",
                media_type="text/plain",
                retrieved_at="2024-01-01T00:00:00Z",
                created_at="2024-01-01T00:00:00Z",
                created_by="bench",
            )
            session.add(source)
            session.flush()
            passage = Passage(source_id=source.id, seq=0, locator="abstract", start=0, end=len(text), text=text)  # type: ignore[arg-type]
            session.add(passage)
            session.flush()
            index_source(session.connection(), source.id)  # type: ignore[arg-type]
    return database


def run_verify(
    database: Any, queries: dict[str, str], weights: Any, encoder: Any = None
) -> tuple[dict[str, list[str]], list[float]]:
    from verify.match.rank import suggest_for_text

    runs: dict[str, list[str]] = {}
    times: list[float] = []
    options = dict(limit=DEPTH, weights=weights, with_flags=False, encoder=encoder)
    with database.read() as session:
        suggest_for_text(session, "warm up the index", **options)
        for query_id, claim in queries.items():
            start = time.perf_counter()
            found = suggest_for_text(session, claim, **options)
            times.append((time.perf_counter() - start) * 1000)
            runs[query_id] = [s.source.key for s in found]
    return runs, times


def corpus_vectors(encoder: Any, corpus: list[dict[str, str]], cache: Path | None) -> tuple[Any, float, bool]:
    """The corpus's passage vectors (computed, or read from ``cache``), the seconds spent, and whether cached."""
    import numpy as np

    digest = hashlib.sha256("\0".join(d["_id"] for d in corpus).encode()).hexdigest()[:12]
    stored = cache / f"scifact-{digest}-{encoder.model_id}.npy" if cache else None
    start = time.perf_counter()
    if stored is not None and stored.is_file():
        return np.load(stored), time.perf_counter() - start, True
    vectors = encoder.encode([passage_text(d) for d in corpus])
    seconds = time.perf_counter() - start
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        np.save(stored, vectors)
    return vectors, seconds, False


def store_vectors(database: Any, vectors: Any, model_id: str) -> None:
    """Each source's passage vector, written as ``verify source add`` writes them (write_vectors)."""
    from verify.match.embeddings import write_vectors

    with database.write() as session:
        conn = session.connection()
        ids = conn.exec_driver_sql("SELECT id, source_id FROM passage ORDER BY id").all()
        for (passage_id, source_id), vector in zip(ids, vectors, strict=True):
            write_vectors(conn, source_id, [passage_id], vector[None, :], model_id)


def tune_semantic(database: Any, queries: dict[str, str], qrels: Qrels, encoder: Any) -> list[tuple[float, float]]:
    """nDCG@10 on ``queries`` for each weight of :data:`SEMANTIC_GRID`, from one lexical run.

    The semantic stage adds ``weight * max(0, cosine)`` to the score of each of
    the re-ranked head's candidates and sorts the head again; the tail keeps its
    place. So one lexical run per claim (the head with its scores) and the
    cosines give every weight's ranking exactly, without running the pipeline
    once per weight (the chosen weight's figures on the reported
    splits come from the pipeline itself).
    """
    from verify.db.reader import as_reader
    from verify.match.rank import DEFAULT_WEIGHTS, suggest_for_text
    from verify.match.semantic import similarities

    lexical = replace(DEFAULT_WEIGHTS, semantic=0)
    ranked: dict[str, tuple[list[tuple[float, int, str, float]], list[str]]] = {}
    with database.read() as session:
        reader = as_reader(session)
        for query_id, claim in queries.items():
            found = suggest_for_text(session, claim, limit=DEPTH, weights=lexical, with_flags=False)
            head, tail = found[: lexical.candidates], found[lexical.candidates :]
            cosines = similarities(reader, encoder, claim, head) if head else []
            ranked[query_id] = (
                [(c.score, c.passage_id, c.source.key, max(0.0, v)) for c, v in zip(head, cosines, strict=True)],
                [c.source.key for c in tail],
            )
    tuning = [(0.0, evaluate({q: [h[2] for h in head] + tail for q, (head, tail) in ranked.items()}, qrels)["nDCG@10"])]
    for weight in SEMANTIC_GRID:
        runs = {
            q: [h[2] for h in sorted(head, key=lambda h: (-(h[0] + weight * h[3]), h[1]))] + tail
            for q, (head, tail) in ranked.items()
        }
        tuning.append((weight, evaluate(runs, qrels)["nDCG@10"]))
    return tuning


def semantic_runs(
    database: Any,
    bench: str,
    splits: list[str],
    folder: str,
    cache: Path | None,
    corpus: list[dict[str, str]],
    fixed: float | None = None,
) -> dict[str, Any]:
    """The semantic stage with one model: its weight tuned on train, then every split with that weight."""
    from verify.match.model import load_model
    from verify.match.rank import DEFAULT_WEIGHTS

    encoder = load_model(Path(folder))
    vectors, seconds, cached = corpus_vectors(encoder, corpus, cache)
    store_vectors(database, vectors, encoder.model_id)
    queries, qrels = load_queries(Path(bench), "train")
    tuning = tune_semantic(database, queries, qrels, encoder)
    best = fixed if fixed is not None else max(tuning, key=lambda t: t[1])[0]
    result: dict[str, Any] = {
        "model": Path(folder).name,
        "model_id": encoder.model_id,
        "dimension": encoder.dimension,
        "embed_s": seconds,
        "cached": cached,
        "passages": len(corpus),
        "tuning": tuning,
        "weight": best,
        "splits": {},
    }
    for split in splits:
        queries, qrels = load_queries(Path(bench), split)
        runs, times = run_verify(database, queries, replace(DEFAULT_WEIGHTS, semantic=best), encoder)
        result["splits"][split] = {
            **evaluate(runs, qrels),
            "median_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
        }
    return result


def ablation_steps(backend: str = "sqlite") -> list[tuple[str, Any]]:
    """Each step adds one part of the default pipeline to the previous one."""
    from verify.match.rank import DEFAULT_WEIGHTS, first_stage_only

    base = first_stage_only()
    first = "search index BM25, Snowball"
    steps = [(f"first stage alone ({first})", base)]
    steps.append(("+ name variants", replace(base, variants=True)))
    lexical = dict(title=DEFAULT_WEIGHTS.title, sentence=DEFAULT_WEIGHTS.sentence, proximity=DEFAULT_WEIGHTS.proximity)
    steps.append(("+ re-ranking: title, best sentence, proximity", replace(steps[-1][1], **lexical)))
    steps.append(("+ whole-passage coverage", replace(steps[-1][1], passage=DEFAULT_WEIGHTS.passage)))
    steps.append(("+ synonym expansion", replace(steps[-1][1], expansion=DEFAULT_WEIGHTS.expansion)))
    steps.append(("+ fuzzy (rapidfuzz)", replace(steps[-1][1], fuzzy=DEFAULT_WEIGHTS.fuzzy)))
    steps.append(("+ hint features (numbers, names) = default", replace(DEFAULT_WEIGHTS, semantic=0)))
    return steps


def code_fingerprint() -> str:
    """sha256 (12 hex digits) of verify's sources and data files as they are on disk now.

    Other people may edit the working tree while the benchmark runs; the
    backends run one after the other, so the report says whether they ran the
    same code.
    """
    package = Path(__file__).resolve().parents[1] / "verify"
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".json")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def vacuum_analyze(database: Any) -> None:
    """What autovacuum does to freshly loaded tables: visibility map and planner statistics."""
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def server_autovacuum(database: Any) -> str:
    with database.engine.connect() as conn:
        return str(conn.exec_driver_sql("SHOW autovacuum").scalar())


def verify_worker(
    bench: str,
    splits: list[str],
    ablation: bool,
    pg_url: str | None,
    models: tuple[str, ...],
    cache: str | None,
    fixed: float | None,
    out: Any,
) -> None:
    """verify on SQLite (``pg_url`` None: a temporary file) or on the (empty) PostgreSQL database ``pg_url``.

    On PostgreSQL the first split is timed a second time after ``VACUUM
    ANALYZE`` (the first runs see the tables as loaded: no statistics, no
    visibility map, as before autovacuum's first pass).
    """
    fingerprint = code_fingerprint()
    from verify.match.rank import DEFAULT_WEIGHTS

    lexical = replace(DEFAULT_WEIGHTS, semantic=0)  # the default install: no model configured
    corpus = load_corpus(Path(bench))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        database = build_database(Path(tmp) if pg_url is None else pg_url, corpus)
        build = time.perf_counter() - start
        result: dict[str, Any] = {"build_s": build, "splits": {}, "ablation": {}, "runs": {}}
        for split in splits:
            queries, qrels = load_queries(Path(bench), split)
            runs, times = run_verify(database, queries, lexical)
            result["splits"][split] = {
                **evaluate(runs, qrels),
                "median_ms": statistics.median(times),
                "p95_ms": percentile(times, 0.95),
            }
            result["runs"][split] = {q: ranked[:10] for q, ranked in runs.items()}
            if ablation:
                result["ablation"][split] = [
                    (name, evaluate(run_verify(database, queries, weights)[0], qrels))
                    for name, weights in ablation_steps("sqlite" if pg_url is None else "postgresql")
                ]
        if pg_url is not None:
            result["autovacuum"] = server_autovacuum(database)
            vacuum_analyze(database)
            queries, qrels = load_queries(Path(bench), splits[0])
            runs, times = run_verify(database, queries, lexical)
            result["vacuumed_split"] = splits[0]
            result["vacuumed"] = {
                **evaluate(runs, qrels),
                "median_ms": statistics.median(times),
                "p95_ms": percentile(times, 0.95),
            }
        result["semantic"] = [
            semantic_runs(database, bench, splits, folder, Path(cache) if cache else None, corpus, fixed)
            for folder in models
        ]
        result["maxrss_mb"] = maxrss_mb()
        database.dispose()
    result["code"] = (fingerprint, code_fingerprint())
    out.put(result)


# ---------------------------------------------------------------- PostgreSQL


def _maintenance_url(server: str) -> Any:
    from sqlalchemy.engine import make_url

    return make_url(server).set(database=PG_MAINTENANCE_DB)


def create_pg_database(server: str) -> str:
    """A new, empty database on the server of ``server``; returns its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"scifact_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(_maintenance_url(server), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    engine = create_engine(_maintenance_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


def run_postgres(bench: str, splits: list[str], pg_url: str, ablation: bool = False) -> dict[str, Any]:
    """verify on PostgreSQL: in a fresh database (created and dropped here) unless ``pg_url`` names one."""
    from sqlalchemy.engine import make_url

    fresh = not make_url(pg_url).database
    url = create_pg_database(pg_url) if fresh else pg_url
    try:
        return in_child(verify_worker, bench, splits, ablation, url, (), None, None)
    finally:
        if fresh:
            drop_pg_database(url)


# ---------------------------------------------------------------- bm25s


def bm25s_worker(bench: str, splits: list[str], out: Any) -> None:
    import bm25s
    import Stemmer

    corpus = load_corpus(Path(bench))
    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    tokens = bm25s.tokenize([passage_text(d) for d in corpus], stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    result: dict[str, Any] = {"build_s": time.perf_counter() - start, "splits": {}}
    ids = [d["_id"] for d in corpus]
    for split in splits:
        queries, qrels = load_queries(Path(bench), split)
        runs: dict[str, list[str]] = {}
        times: list[float] = []
        for query_id, claim in queries.items():
            begin = time.perf_counter()
            query = bm25s.tokenize([claim], stopwords="en", stemmer=stemmer, show_progress=False)
            docs, _ = retriever.retrieve(query, k=DEPTH, show_progress=False, n_threads=1)
            times.append((time.perf_counter() - begin) * 1000)
            runs[query_id] = [ids[i] for i in docs[0]]
        result["splits"][split] = {
            **evaluate(runs, qrels),
            "median_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
        }
    result["maxrss_mb"] = maxrss_mb()
    out.put(result)


def in_child(target: Any, *args: Any) -> dict[str, Any]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


# ---------------------------------------------------------------- report


def metric_table(rows: list[tuple[str, dict[str, float]]], with_speed: bool) -> list[str]:
    head = "| system | nDCG@10 | R@10 | R@100 | MRR@10 |" + (" median ms | p95 ms |" if with_speed else "")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, m in rows:
        speed = f" {m['median_ms']:.1f} | {m['p95_ms']:.1f} |" if with_speed else ""
        lines.append(f"| {name} | {m['nDCG@10']:.3f} | {m['R@10']:.3f} | {m['R@100']:.3f} | {m['MRR@10']:.3f} |{speed}")
    return lines


BACKEND_LABELS = {"sqlite": "SQLite search index", "postgresql": "PostgreSQL search index"}


def report(split: str, verify: dict[str, Any], baseline: dict[str, Any], backend: str = "sqlite") -> list[str]:
    ours, theirs = verify["splits"][split], baseline["splits"][split]
    where = "" if backend == "sqlite" else " on PostgreSQL"
    lines = [f"### SciFact {split} ({'300 dev claims' if split == 'test' else '809 train claims'}){where}", ""]
    rows = [("verify suggest (default: no model)", ours)]
    if verify.get("vacuumed_split") == split:
        rows.append(("verify suggest (default), after VACUUM ANALYZE", verify["vacuumed"]))
    for semantic in verify.get("semantic", []):
        rows.append(
            (
                f"verify suggest + semantic stage ({semantic['model']}, weight {semantic['weight']:g})",
                semantic["splits"][split],
            )
        )
    lines += metric_table([*rows, ("bm25s + PyStemmer + en stopwords", theirs)], True)
    lines += [
        "",
        "| system | index build s | peak memory (maxrss) MB |",
        "|---|---|---|",
        f"| verify ({BACKEND_LABELS[backend]}, core models) | {verify['build_s']:.1f} | {verify['maxrss_mb']:.0f} |",
        f"| bm25s | {baseline['build_s']:.1f} | {baseline['maxrss_mb']:.0f} |",
        "",
    ]
    for semantic in verify.get("semantic", []):
        how = "read from the vector cache" if semantic["cached"] else "computed in this run"
        lines.append(
            f"Semantic stage with {semantic['model']} (id {semantic['model_id']}, {semantic['dimension']} dimensions): "
            f"{semantic['passages']} passages embedded in {semantic['embed_s']:.1f} s ({how}); weight tuned on train: "
            + ", ".join(f"{w:g} -> {n:.4f}" for w, n in semantic["tuning"])
            + f" (reported: {semantic['weight']:g}). Goal nDCG@10 >= 0.72 on {split}: "
            + ("yes" if semantic["splits"][split]["nDCG@10"] >= 0.72 else "no")
            + f" ({semantic['splits'][split]['nDCG@10']:.4f})."
        )
        lines.append("")
    beats = ours["nDCG@10"] > theirs["nDCG@10"]
    lines.append(
        f"Requirement (beats bm25s nDCG@10 on this split): {'yes' if beats else 'NO'}; "
        f"goal nDCG@10 >= 0.70: {'yes' if ours['nDCG@10'] >= 0.70 else 'no'} ({ours['nDCG@10']:.4f}); "
        f"goal median < 50 ms: {'yes' if ours['median_ms'] < 50 else 'no'}"
    )
    if "autovacuum" in verify:
        lines += [
            "",
            f"PostgreSQL server autovacuum: {verify['autovacuum']}. The first row runs on the tables as loaded "
            "(no planner statistics, no visibility map); the second after an explicit VACUUM ANALYZE, the state "
            "autovacuum reaches on a server with default settings. Peak memory is the client process's only.",
        ]
    return lines


def agreement(left: list[str], right: list[str]) -> tuple[bool, float]:
    """Same top document, and the share of the top 10 the two rankings have in common."""
    same_top = bool(left) and bool(right) and left[0] == right[0]
    return same_top, len(set(left[:10]) & set(right[:10])) / 10


def comparison(sqlite: dict[str, Any], postgres: dict[str, Any]) -> list[str]:
    """nDCG@10 of PostgreSQL − SQLite per split, against the issue 7 tolerance, and how alike the rankings are."""
    lines = [
        "### PostgreSQL vs SQLite (issue 7: nDCG@10 within 0.02 of SQLite)",
        "",
        "| split | SQLite nDCG@10 | PostgreSQL nDCG@10 | PostgreSQL − SQLite | within 0.02 | same top-1 | top-10 "
        "overlap |",
        "|---|---|---|---|---|---|---|",
    ]
    for split in postgres["splits"]:
        if split not in sqlite["splits"]:
            continue
        ours, theirs = sqlite["splits"][split]["nDCG@10"], postgres["splits"][split]["nDCG@10"]
        left, right = sqlite["runs"][split], postgres["runs"][split]
        pairs = [agreement(left.get(q, []), right.get(q, [])) for q in left]
        same = statistics.fmean(p[0] for p in pairs)
        overlap = statistics.fmean(p[1] for p in pairs)
        within = theirs >= ours - TOLERANCE
        lines.append(
            f"| {split} | {ours:.4f} | {theirs:.4f} | {theirs - ours:+.4f} | {'yes' if within else 'NO'} | "
            f"{same:.1%} | {overlap:.1%} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", type=Path, help="the scifact folder (holding beir/)")
    parser.add_argument("--split", choices=["test", "train"], default="test")
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation (train + test)")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="sqlite",
        help="where verify runs (default sqlite; the ablation runs on SQLite only, see --pg-ablation)",
    )
    parser.add_argument(
        "--pg-ablation", action="store_true", help="run the ablation on PostgreSQL too (about 4 more minutes)"
    )
    parser.add_argument(
        "--pg-url",
        default=PG_SERVER,
        help="PostgreSQL server URL; without a database name (the default) a fresh database is "
        f"created through the maintenance database {PG_MAINTENANCE_DB!r} and dropped afterwards; "
        "a URL naming a database uses that (empty) database and keeps it",
    )
    parser.add_argument(
        "--model", action="append", default=[], help="a model folder for the semantic stage (repeatable; SQLite only)"
    )
    parser.add_argument(
        "--semantic-weight", type=float, help="report this weight instead of the best on train (still tuned, shown)"
    )
    parser.add_argument("--vector-cache", type=Path, help="keep the corpus vectors here between runs (.npy per model)")
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    args = parser.parse_args()
    ablation = not args.no_ablation
    splits = ["train", "test"] if ablation else [args.split]
    splits = sorted(set(splits), key=lambda s: s != args.split)
    results: dict[str, dict[str, Any]] = {}
    seconds: dict[str, float] = {}
    if args.backend in ("sqlite", "both"):
        start = time.perf_counter()
        results["sqlite"] = in_child(
            verify_worker,
            str(args.bench),
            splits,
            ablation,
            None,
            tuple(args.model),
            str(args.vector_cache) if args.vector_cache else None,
            args.semantic_weight,
        )
        seconds["sqlite"] = time.perf_counter() - start
    if args.backend in ("postgresql", "both"):
        start = time.perf_counter()
        results["postgresql"] = run_postgres(str(args.bench), splits, args.pg_url, ablation and args.pg_ablation)
        seconds["postgresql"] = time.perf_counter() - start
    baseline = in_child(bm25s_worker, str(args.bench), splits)
    lines: list[str] = []
    if "sqlite" in results:
        verify = results["sqlite"]
        lines += report(args.split, verify, baseline)
        for split in verify["ablation"]:
            lines += ["", f"### Ablation on {split}", ""] + metric_table(verify["ablation"][split], False)
    if "postgresql" in results:
        verify = results["postgresql"]
        lines += ([""] if lines else []) + report(args.split, verify, baseline, "postgresql")
        for split in verify["ablation"]:
            lines += ["", f"### Ablation on {split} (PostgreSQL)", ""] + metric_table(verify["ablation"][split], False)
    if len(results) == 2:
        lines += [""] + comparison(results["sqlite"], results["postgresql"])
    if len(results) > 1:
        lines += [
            "",
            "Wall time of each verify child (build + all runs): "
            + ", ".join(f"{name} {value:.0f} s" for name, value in seconds.items()),
        ]
        codes = {name: result["code"] for name, result in results.items()}
        same = len({c for pair in codes.values() for c in pair}) == 1
        lines += [
            "",
            "verify code fingerprint (sha256 of verify/**/*.py, *.json at start and end of each child): "
            + ", ".join(f"{name} {a}" + ("" if a == b else f" -> {b}") for name, (a, b) in codes.items())
            + (
                "; the same code ran on both backends"
                if same
                else "; WARNING: the code changed between or during the runs, so the backends are not comparable"
            ),
        ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
