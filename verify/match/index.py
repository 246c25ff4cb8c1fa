"""The search index: an inverted index in ordinary tables, ranked by BM25 in SQL.

Keeping the index in the database (``search_document``, ``search_posting``,
``search_stats``) means every reviewer's CLI shares it, on SQLite and on
PostgreSQL, and both rank identically because terms come from one Python
tokenizer (:mod:`verify.match.tokenize`). Postings are written in the same
transaction as the passages; a superseded source version is un-indexed.

BM25 (Robertson/Spärck Jones idf with +1 smoothing, as Lucene) is computed by
one grouped query over the postings of the query terms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, text

from verify.match.tokenize import term_counts

K1 = 1.2
B = 0.75
COMMON_SHARE = 0.05  # a term in more than 5 % of passages is "common" for pruning
POOL = 1000  # candidates scored on the rare terms before the common ones are added
BATCH = 5000


@dataclass(frozen=True)
class Ranked:
    passage_id: int
    score: float


def _bump_stats(conn: Connection, documents: int, length: int) -> None:
    updated = conn.execute(
        text("UPDATE search_stats SET documents = documents + :d, total_length = total_length + :l WHERE id = 1"),
        {"d": documents, "l": length},
    )
    if updated.rowcount == 0:
        conn.execute(text("INSERT INTO search_stats (id, documents, total_length) VALUES (1, :d, :l)"), {"d": documents, "l": length})


def _placeholders(conn: Connection, count: int) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def index_passages(conn: Connection, rows: Iterable[tuple[int, int, str]]) -> int:
    """Index ``(passage_id, source_id, text)`` rows; returns how many were indexed.

    Rows go to the driver's ``executemany`` as plain tuples: building
    parameter dictionaries for millions of postings would dominate the time.
    """
    documents: list[tuple[int, int, int]] = []
    postings: list[tuple[str, int, int]] = []
    total = 0
    count = 0
    insert_document = f"INSERT INTO search_document (passage_id, source_id, length) VALUES ({_placeholders(conn, 3)})"
    insert_posting = f"INSERT INTO search_posting (term, passage_id, tf) VALUES ({_placeholders(conn, 3)})"

    def flush() -> None:
        if documents:
            conn.exec_driver_sql(insert_document, documents)
        if postings:
            conn.exec_driver_sql(insert_posting, postings)
        documents.clear()
        postings.clear()

    for passage_id, source_id, passage_text in rows:
        counts, length = term_counts(passage_text)
        documents.append((passage_id, source_id, length))
        postings.extend((term, passage_id, tf) for term, tf in counts.items())
        total += length
        count += 1
        if len(postings) >= BATCH * 10:
            flush()
    flush()
    if count:
        _bump_stats(conn, count, total)
    return count


def index_source(conn: Connection, source_id: int) -> int:
    rows = conn.execute(text("SELECT id, source_id, text FROM passage WHERE source_id = :s ORDER BY seq"), {"s": source_id}).all()
    return index_passages(conn, [(r[0], r[1], r[2]) for r in rows])


def unindex_source(conn: Connection, source_id: int) -> None:
    """Drop a source's passages from the index (a superseded version stays archived, unsearched)."""
    found = conn.execute(
        text("SELECT count(*), coalesce(sum(length), 0) FROM search_document WHERE source_id = :s"), {"s": source_id}
    ).one()
    if not found[0]:
        return
    conn.execute(
        text("DELETE FROM search_posting WHERE passage_id IN (SELECT passage_id FROM search_document WHERE source_id = :s)"),
        {"s": source_id},
    )
    conn.execute(text("DELETE FROM search_document WHERE source_id = :s"), {"s": source_id})
    _bump_stats(conn, -found[0], -found[1])


def rebuild_on_connection(conn: Connection) -> int:
    """Rebuild the whole index from the passages of current sources."""
    for table in ("search_posting", "search_document", "search_stats"):
        conn.execute(text(f"DELETE FROM {table}"))
    rows = conn.execute(
        text("SELECT p.id, p.source_id, p.text FROM passage p JOIN source s ON s.id = p.source_id WHERE s.is_current = :t ORDER BY p.id"),
        {"t": True},
    )
    return index_passages(conn, ((r[0], r[1], r[2]) for r in rows))


def _weights(conn: Connection, unique: list[str], documents: int) -> dict[str, tuple[float, int]]:
    """idf and document frequency of each query term present in the index."""
    frequencies = conn.execute(
        text("SELECT term, count(*) FROM search_posting WHERE term IN :terms GROUP BY term").bindparams(
            bindparam("terms", expanding=True)
        ),
        {"terms": unique},
    ).all()
    return {t: (math.log(1 + (documents - df + 0.5) / (df + 0.5)), df) for t, df in frequencies}


def _score_sql(weights: dict[str, float], *, source_filter: bool, candidates: bool) -> tuple[str, dict[str, object]]:
    cases = " ".join(f"WHEN :t{i} THEN :w{i}" for i in range(len(weights)))
    params: dict[str, object] = {}
    for i, (term, weight) in enumerate(weights.items()):
        params[f"t{i}"], params[f"w{i}"] = term, weight
    where = "p.term IN :terms" + (" AND d.source_id = :sid" if source_filter else "") + (" AND p.passage_id IN :ids" if candidates else "")
    sql = f"""SELECT p.passage_id,
                     sum((CASE p.term {cases} END) * p.tf * (:k1 + 1)
                         / (p.tf + :k1 * (1 - :b + :b * d.length / :avgdl))) AS score
              FROM search_posting p JOIN search_document d ON d.passage_id = p.passage_id
              WHERE {where}
              GROUP BY p.passage_id"""
    return sql, params


def _run(conn: Connection, weights: dict[str, float], base: dict[str, object], *, source_id: int | None,
         limit: int | None = None, ids: list[int] | None = None) -> dict[int, float]:
    sql, params = _score_sql(weights, source_filter=source_id is not None, candidates=ids is not None)
    binds: list[BindParameter[Any]] = [bindparam("terms", expanding=True)]
    if ids is not None:
        binds.append(bindparam("ids", expanding=True))
        params["ids"] = ids
    if limit is not None:
        sql += " ORDER BY score DESC, p.passage_id LIMIT :limit"
        params["limit"] = limit
    if source_id is not None:
        params["sid"] = source_id
    rows = conn.execute(text(sql).bindparams(*binds), {**base, **params, "terms": list(weights)}).all()
    return {r[0]: float(r[1]) for r in rows}


def bm25(
    conn: Connection, query_terms: Sequence[str], *, limit: int, source_id: int | None = None, k1: float = K1, b: float = B
) -> list[Ranked]:
    """Top passages for the (already tokenized) query terms, best first — exact BM25.

    Common terms (found in more than :data:`COMMON_SHARE` of passages) carry
    little weight but most of the postings. So the passages are first scored
    on the rarer terms alone; the common terms' contribution is then added for
    the best :data:`POOL` of them only. If the bound check shows that a passage
    outside the pool could still reach the top ``limit`` (its score can grow
    by at most the common terms' maximum), the full query is run instead, so
    the result is always the exact BM25 ranking.
    """
    unique = list(dict.fromkeys(query_terms))
    if not unique:
        return []
    stats = conn.execute(text("SELECT documents, total_length FROM search_stats WHERE id = 1")).first()
    if stats is None or not stats[0]:
        return []
    documents, total_length = stats
    found = _weights(conn, unique, documents)
    if not found:
        return []
    base: dict[str, object] = {"avgdl": total_length / documents, "k1": k1, "b": b}
    rare = {t: w for t, (w, df) in found.items() if df <= COMMON_SHARE * documents}
    common = {t: w for t, (w, df) in found.items() if t not in rare}
    pool = max(POOL, limit * 4)
    if rare and common:
        first = _run(conn, rare, base, source_id=source_id, limit=pool)
        if first:
            ids = list(first)
            extra = _run(conn, common, base, source_id=source_id, ids=ids)
            scores = {pid: first[pid] + extra.get(pid, 0.0) for pid in ids}
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
            ceiling = (min(first.values()) if len(first) >= pool else 0.0) + sum(common.values()) * (k1 + 1)
            if len(ranked) == limit and ranked[-1][1] >= ceiling:
                return [Ranked(pid, score) for pid, score in ranked]
    weights = {t: w for t, (w, _df) in found.items()}
    exact = _run(conn, weights, base, source_id=source_id, limit=limit)
    return [Ranked(pid, score) for pid, score in exact.items()]
