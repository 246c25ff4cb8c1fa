"""Quote anchoring on public test suites: how many cases anchor right, are refused, or anchor with differences.

The cases are those of the Hypothesis client's ``matchQuote`` tests and of
dom-anchor-text-quote's ``toRange`` tests, read from local snapshots through
``tests/realdocs.py`` (manifest items ``hypothesis-match-quote-test``,
``dom-anchor-text-quote-spec``, ``dom-anchor-text-quote-fixture``) and turned
into typed quotes by ``tests/quote_cases.py``; each is linked with ``verify
evidence link`` in a fresh SQLite database (the shipped article, one source
per fixture). Outcomes (``tests.quote_cases.judge``): anchored right, refused,
anchored with differences (refused first, then linked with
``--accept-difference`` and the differences recorded as flags), silently
wrong (must be 0).

Run: ``.venv/bin/python benchmarks/bench_quotes.py [--cases]`` (``--cases`` lists every case).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import realdocs  # noqa: E402
from tests.quote_cases import OUTCOMES, Case, all_cases, judge, on_whole_words, source_file  # noqa: E402

ARTICLE = ROOT / "articles" / "taliban-strategy-al-qaeda.txt"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", action="store_true", help="list every case with its outcome")
    args = parser.parse_args(argv)

    from typer.testing import CliRunner

    from verify.cli.app import app

    try:
        texts, cases = all_cases()
    except realdocs.Unavailable as missing:
        print(f"bench_quotes: {missing}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        db, sources = root / "claims.db", root / "sources"
        env = {"VERIFY_USER": "bench", "NO_COLOR": "1", "COLUMNS": "200"}
        runner = CliRunner()

        def invoke(*argv: str) -> tuple[int, str, str]:
            result = runner.invoke(
                app, ["--db", str(db), "--sources", str(sources), *argv], env=env, catch_exceptions=False
            )
            return result.exit_code, result.stdout, result.stderr

        for step in (("init",), ("article", "add", str(ARTICLE))):
            code, _, err = invoke(*step)
            assert code == 0, err
        for key, text in texts.items():
            path = root / f"{key}.txt"
            path.write_text(source_file(key, text), encoding="utf-8")
            code, _, err = invoke("source", "add", str(path), "--key", key)
            assert code == 0, err
        import sqlite3

        with sqlite3.connect(db) as conn:
            stored = dict(conn.execute("SELECT key, text FROM source").fetchall())
            claim = conn.execute("SELECT min(id) FROM claim").fetchone()[0]
        results: list[tuple[Case, str, str]] = []
        started = time.perf_counter()
        for case in cases:
            shift = stored[case.source].find(texts[case.source])
            moved = (
                case
                if case.expected is None
                else Case(
                    case.suite, case.name, case.source, case.typed, (case.expected[0] + shift, case.expected[1] + shift)
                )
            )
            outcome, why = judge(invoke, claim, moved, stored)
            results.append((case, outcome, why))
        elapsed = time.perf_counter() - started

    by_suite: dict[str, Counter[str]] = {}
    for case, outcome, _ in results:
        by_suite.setdefault(case.suite, Counter())[outcome] += 1
    total = Counter(outcome for _, outcome, _ in results)
    refusals = Counter(_refusal(why) for _, outcome, why in results if outcome == "refused")
    print(f"{len(results)} cases in {elapsed:.1f} s (each linked through the CLI, then checked through an export)\n")
    print("| suite | cases | " + " | ".join(OUTCOMES) + " |")
    print("|---|---:|" + "---:|" * len(OUTCOMES))
    for suite, counts in [*by_suite.items(), ("all", total)]:
        print(f"| {suite} | {sum(counts.values())} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    print("\nrefused because: " + ", ".join(f"{why} {n}" for why, n in refusals.most_common()))
    before = Counter(_before(case, texts[case.source]) for case in cases)
    print(
        "\nthe same cases under the previous rule (rapidfuzz score >= 90 anchors, no word comparison): "
        + ", ".join(f"{name} {before[name]}" for name in ("anchored right", "refused", "silently wrong"))
    )
    if args.cases:
        print()
        for case, outcome, why in results:
            print(f"- [{outcome}] {case.suite}: {case.typed!r} -> {why}")
    return 1 if total["silently wrong"] else 0


def _before(case: Case, text: str) -> str:
    """What the anchoring before word-by-word comparison (``verify.match.anchor.anchor``) made of a case."""
    from verify.match.align import same, tokens
    from verify.match.anchor import MIN_QUOTE_WORDS, Anchor, anchor, word_count

    if word_count(case.typed) < MIN_QUOTE_WORDS:
        return "refused"
    found = anchor(text, case.typed)
    if not isinstance(found, Anchor):
        return "refused"
    typed, stored = [t.key for t in tokens(case.typed)], [t.key for t in tokens(text[found.start : found.end])]
    placed = (
        case.expected is not None
        and found.start < case.expected[1]
        and case.expected[0] < found.end
        and on_whole_words(text, found.start, found.end)
    )
    identical = len(typed) == len(stored) and all(same(a, b) for a, b in zip(typed, stored, strict=True))
    return "anchored right" if placed and identical else "silently wrong"


def _refusal(why: str) -> str:
    for marker, name in (
        ("too short", "too short"),
        ("not found", "not found"),
        ("differs from", "differs (suite expects no match)"),
        ("appears", "ambiguous"),
        ("not one continuous", "not continuous"),
    ):
        if marker in why:
            return name
    return "other"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
