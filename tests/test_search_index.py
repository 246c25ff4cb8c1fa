"""The search index's pruned BM25 returns exactly what scoring every passage would (issue 13).

``verify.match.index.bm25`` skips work: MaxScore (common terms only update
passages still in the race, the threshold raised only when it can spare a
scan) and binary search into the common terms' blocks. None may change the
answer. The library here is a real SQLite file
made by the migrations and indexed as ``verify db upgrade`` indexes it:
several sources of generated passages whose words follow a Zipf-like law, so
queries mix rare and common terms and every shortcut is taken. Each query's
result is compared with exhaustive BM25 computed here from the passages' text.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.db.engine import open_database
from verify.db.migrate import upgrade
from verify.db.reader import SqliteReader, sqlite_reader
from verify.match.index import K1, B, bm25, idf
from verify.match.tokenize import term_counts, terms

CONSONANTS = "bcdfghjklmnpqrtvwxz"  # pseudo-words the stemmer leaves alone
VOCABULARY = [f"q{a}{b}" for a in CONSONANTS for b in CONSONANTS][:400]
ZIPF = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
SOURCES, PASSAGES = 6, 150


def _texts(rng: random.Random) -> list[list[str]]:
    return [
        [" ".join(rng.choices(VOCABULARY, weights=ZIPF, k=rng.randint(5, 60))) for _ in range(PASSAGES)]
        for _ in range(SOURCES)
    ]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SqliteReader, dict[int, str]]]:
    from sqlalchemy import insert

    from verify.db.models import Passage, Source
    from verify.match.index import rebuild_on_connection

    path = Path(tmp_path_factory.mktemp("index")) / "claims.db"
    database = open_database(str(path), create=True, check_schema=False)
    upgrade(database)
    with database.write() as session:
        for number, texts in enumerate(_texts(random.Random(13)), start=1):
            source = Source(key=f"S/{number}", title=f"Report {number}", created_at="2024-01-01", created_by="t")
            session.add(source)
            session.flush()
            rows = [
                {"source_id": source.id, "seq": k, "locator": f"para. {k + 1}", "start": 0, "end": len(t), "text": t}
                for k, t in enumerate(texts)
            ]
            session.execute(insert(Passage), rows)
        rebuild_on_connection(session.connection())
    with sqlite_reader(path, database.url) as reader:
        texts = dict(reader.rows("SELECT id, text FROM passage"))
        yield reader, texts


def _exhaustive(texts: dict[int, str], query: list[str]) -> dict[int, float]:
    """BM25 of every passage, from its text: what the index must agree with."""
    counted = {pid: term_counts(text) for pid, text in texts.items()}
    documents = len(counted)
    avgdl = sum(length for _, length in counted.values()) / documents
    frequency = Counter(term for counts, _ in counted.values() for term in counts)
    scores: dict[int, float] = {}
    for pid, (counts, length) in counted.items():
        score = 0.0
        for term in dict.fromkeys(query):
            tf = counts.get(term, 0)
            if tf:
                weight = idf(documents, frequency[term]) * (K1 + 1)
                score += weight * tf / (tf + K1 * (1 - B + B * length / avgdl))
        if score:
            scores[pid] = score
    return scores


@settings(max_examples=60, deadline=None)
@given(
    query=st.lists(st.sampled_from(VOCABULARY[:300]), min_size=1, max_size=9),
    limit=st.sampled_from([1, 3, 5, 10, 50]),
)
def test_pruned_bm25_equals_scoring_every_passage(
    library: tuple[SqliteReader, dict[int, str]], query: list[str], limit: int
) -> None:
    reader, texts = library
    assert terms(" ".join(query)) == query  # the index's own terms
    found = bm25(reader, query, limit=limit)
    exact = _exhaustive(texts, query)
    assert exact, "every vocabulary word occurs in the library"
    assert len(found) == min(limit, len(exact))
    for ranked in found:
        assert ranked.score == pytest.approx(exact[ranked.passage_id], rel=1e-9)
    if found:
        last = found[-1].score
        returned = {r.passage_id for r in found}
        better_left_out = [p for p, s in exact.items() if p not in returned and s > last * (1 + 1e-9)]
        assert better_left_out == []
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)


def test_within_one_source_the_same_shortcuts_hold(library: tuple[SqliteReader, dict[int, str]]) -> None:
    reader, texts = library
    source_id = reader.rows("SELECT id FROM source WHERE key = 'S/2'")[0][0]
    own = dict(reader.rows("SELECT id, text FROM passage WHERE source_id = :s", {"s": source_id}))
    query = [VOCABULARY[n] for n in (0, 3, 40, 150, 260)]
    found = bm25(reader, query, limit=5, source_id=source_id)
    assert {r.passage_id for r in found} <= set(own)
    everywhere = _exhaustive(texts, query)  # idf and length norm are the whole library's
    best = sorted(((everywhere[p], -p) for p in own if p in everywhere), reverse=True)[:5]
    assert len(found) == 5
    assert [r.passage_id for r in found] == [-p for _, p in best]
    assert math.isclose(found[0].score, best[0][0], rel_tol=1e-9)
