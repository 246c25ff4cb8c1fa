"""SciFact retrieval through verify's own suggest pipeline, beside a plain BM25 baseline (issue 4).

Corpus loading: each of the 5,183 abstracts becomes one source (key = the
SciFact doc id, title = the paper title) holding ONE passage whose text is the
title followed by the abstract. The rows are written through the core models
(``verify.db.models.Source`` / ``Passage``) in one transaction of a database
created by the same migrations ``verify init`` runs, so the FTS5 triggers of
migration 0002 fill the very index ``verify evidence suggest`` searches.
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

Run: ``.venv/bin/python benchmarks/bench_scifact.py /work/shared/bench/scifact [--split test|train] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEPTH = 100
Qrels = dict[str, set[str]]


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


def build_database(folder: Path, corpus: list[dict[str, str]]) -> Any:
    """A database made by the migrations, one source + one passage per abstract, in one transaction."""
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.db.models import Passage, Source

    database = open_database(str(folder / "claims.db"), create=True, check_schema=False)
    upgrade(database)
    with database.write() as session:
        for doc in corpus:
            text = passage_text(doc)
            source = Source(key=doc["_id"], title=doc["title"], publisher="SciFact", media_type="text/plain",
                            retrieved_at="2024-01-01T00:00:00Z", created_at="2024-01-01T00:00:00Z", created_by="bench")
            session.add(source)
            session.flush()
            session.add(Passage(source_id=source.id, seq=0, locator="abstract", start=0, end=len(text), text=text))  # type: ignore[arg-type]
    return database


def run_verify(database: Any, queries: dict[str, str], weights: Any) -> tuple[dict[str, list[str]], list[float]]:
    from verify.match.rank import suggest_for_text

    runs: dict[str, list[str]] = {}
    times: list[float] = []
    with database.read() as session:
        suggest_for_text(session, "warm up the index", limit=DEPTH, weights=weights, with_flags=False)
        for query_id, claim in queries.items():
            start = time.perf_counter()
            found = suggest_for_text(session, claim, limit=DEPTH, weights=weights, with_flags=False)
            times.append((time.perf_counter() - start) * 1000)
            runs[query_id] = [s.source.key for s in found]
    return runs, times


def ablation_steps() -> list[tuple[str, Any]]:
    """Each step adds one part of the default pipeline to the previous one."""
    from verify.match.rank import DEFAULT_WEIGHTS, first_stage_only

    base = first_stage_only()
    steps = [("first stage alone (FTS5 BM25, porter)", base)]
    steps.append(("+ name variants", replace(base, variants=True)))
    lexical = dict(title=DEFAULT_WEIGHTS.title, sentence=DEFAULT_WEIGHTS.sentence, proximity=DEFAULT_WEIGHTS.proximity)
    steps.append(("+ re-ranking: title, best sentence, proximity", replace(steps[-1][1], **lexical)))
    steps.append(("+ fuzzy (rapidfuzz)", replace(steps[-1][1], fuzzy=DEFAULT_WEIGHTS.fuzzy)))
    steps.append(("+ hint features (numbers, names) = default", DEFAULT_WEIGHTS))
    return steps


def verify_worker(bench: str, splits: list[str], ablation: bool, out: Any) -> None:
    from verify.match.rank import DEFAULT_WEIGHTS

    corpus = load_corpus(Path(bench))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        database = build_database(Path(tmp), corpus)
        build = time.perf_counter() - start
        result: dict[str, Any] = {"build_s": build, "splits": {}, "ablation": {}}
        for split in splits:
            queries, qrels = load_queries(Path(bench), split)
            runs, times = run_verify(database, queries, DEFAULT_WEIGHTS)
            result["splits"][split] = {**evaluate(runs, qrels), "median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)}
            if ablation:
                result["ablation"][split] = [
                    (name, evaluate(run_verify(database, queries, weights)[0], qrels)) for name, weights in ablation_steps()
                ]
        result["maxrss_mb"] = maxrss_mb()
        database.dispose()
    out.put(result)


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
        result["splits"][split] = {**evaluate(runs, qrels), "median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)}
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


def report(split: str, verify: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    ours, theirs = verify["splits"][split], baseline["splits"][split]
    lines = [f"### SciFact {split} ({'300 dev claims' if split == 'test' else '809 train claims'})", ""]
    lines += metric_table([("verify suggest (default)", ours), ("bm25s + PyStemmer + en stopwords", theirs)], True)
    lines += ["", "| system | index build s | peak memory (maxrss) MB |", "|---|---|---|",
              f"| verify (SQLite FTS5, core models) | {verify['build_s']:.1f} | {verify['maxrss_mb']:.0f} |",
              f"| bm25s | {baseline['build_s']:.1f} | {baseline['maxrss_mb']:.0f} |", ""]
    beats = ours["nDCG@10"] > theirs["nDCG@10"]
    lines.append(f"Requirement (beats bm25s nDCG@10 on this split): {'yes' if beats else 'NO'}; "
                 f"goal nDCG@10 >= 0.70: {'yes' if ours['nDCG@10'] >= 0.70 else 'no'} ({ours['nDCG@10']:.4f}); "
                 f"goal median < 50 ms: {'yes' if ours['median_ms'] < 50 else 'no'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", type=Path, help="the scifact folder (holding beir/)")
    parser.add_argument("--split", choices=["test", "train"], default="test")
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation (train + test)")
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    args = parser.parse_args()
    ablation = not args.no_ablation
    splits = ["train", "test"] if ablation else [args.split]
    splits = sorted(set(splits), key=lambda s: s != args.split)
    verify = in_child(verify_worker, str(args.bench), splits, ablation)
    baseline = in_child(bm25s_worker, str(args.bench), splits)
    lines = report(args.split, verify, baseline)
    for split in verify["ablation"]:
        lines += ["", f"### Ablation on {split}", ""] + metric_table(verify["ablation"][split], False)
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
