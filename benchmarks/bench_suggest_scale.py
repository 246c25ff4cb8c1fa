"""Suggest on a large library: 200,000 generated passages (issue 4's scale run).

The library: 200 sources of 1,000 UN-style passages each, generated with a
fixed seed from a Zipf-like vocabulary (monitoring-team words plus a long tail
of pseudo-words), each passage with a number and a year. Rows are written
through the core models' tables (``Source``; ``Passage`` by a bulk insert of
the same table) into a database made by the migrations, so the FTS5 triggers
of migration 0002 build the index ``verify evidence suggest`` searches.

The claims: the 71 sentences of the shipped article plus 129 generated claims
(8-20 words of a random passage, with its number). Each goes through
``verify.match.rank.suggest_for_text`` exactly as the CLI runs it (limit 5,
flags on). Goals: median latency under 150 ms, peak memory (maxrss) under 1 GB.

Run: ``.venv/bin/python benchmarks/bench_suggest_scale.py [--passages N] [--out FILE]``
"""

from __future__ import annotations

import argparse
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
        words = [w if rng.random() < 0.55 else rng.choice(FILLER) for w in rng.choices(vocab, cum_weights=cumulative, k=rng.randint(40, 120))]
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 9000):,}")
        text = " ".join(words)
        texts.append(f"{text[0].upper()}{text[1:]}. In {2015 + i % 9}, the Team noted {rng.choice(CORE)}.")
    return texts


def make_claims(texts: list[str], rng: random.Random, count: int) -> list[str]:
    from verify.ingest.article_file import read_article
    from verify.ingest.segment import segment

    article = [s.text for s in segment(read_article(REPO / "articles" / "taliban-strategy-al-qaeda.txt").paragraphs).sentences]
    generated = []
    while len(article) + len(generated) < count:
        words = texts[rng.randrange(len(texts))].split()
        start = rng.randrange(max(1, len(words) - 20))
        generated.append(" ".join(words[start : start + rng.randint(8, 20)]) + ".")
    return article + generated


def build(folder: Path, texts: list[str]) -> tuple[Any, float]:
    from sqlalchemy import insert

    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.db.models import Passage, Source

    database = open_database(str(folder / "claims.db"), create=True, check_schema=False)
    upgrade(database)
    start = time.perf_counter()
    with database.write() as session:
        for s in range(0, len(texts), PER_SOURCE):
            number = s // PER_SOURCE + 1
            source = Source(key=f"S/BENCH/{number}", title=f"Bench report {number}", publisher="United Nations Security Council",
                            published=f"{2015 + number % 9}-06-01", created_at="2024-01-01T00:00:00Z", created_by="bench")
            session.add(source)
            session.flush()
            rows = [{"source_id": source.id, "seq": k, "locator": f"para. {k + 1}", "paragraph": k + 1, "start": 0, "end": len(t), "text": t}
                    for k, t in enumerate(texts[s : s + PER_SOURCE])]
            session.execute(insert(Passage), rows)
    return database, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=200_000)
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from verify.match.rank import suggest_for_text

    rng = random.Random(SEED)
    texts = make_passages(args.passages, rng)
    claims = make_claims(texts, rng, args.claims)
    with tempfile.TemporaryDirectory() as tmp:
        database, seconds = build(Path(tmp), texts)
        del texts
        times = []
        with database.read() as session:
            suggest_for_text(session, "warm up the index")
            for claim in claims:
                start = time.perf_counter()
                suggest_for_text(session, claim, limit=5)
                times.append((time.perf_counter() - start) * 1000)
        database.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median = statistics.median(times)
    lines = [f"### suggest on {args.passages:,} generated passages ({len(claims)} claims, limit 5, flags on)", "",
             "| measure | value | goal |", "|---|---|---|",
             f"| index build (insert + FTS5 triggers) | {seconds:.1f} s | |",
             f"| median latency | {median:.1f} ms | < 150 ms {'(met)' if median < 150 else '(NOT met)'} |",
             f"| p95 latency | {percentile(times, 0.95):.1f} ms | |",
             f"| peak memory (maxrss, whole process) | {rss:.0f} MB | < 1024 MB {'(met)' if rss < 1024 else '(NOT met)'} |"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
