"""Compare PDF text extractors on a generated 100-page UN-style report.

Each library's lines go through the same ``layout`` and ``passages`` code,
so the table compares what the libraries give us: seconds per document
(median of 3 runs) and the share of expected passages recovered exactly
(same locator, same text).  Run: ``.venv/bin/python benchmarks/pdf_extractors.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unpdf import make_report  # noqa: E402
from verify.ingest.layout import pages_to_blocks  # noqa: E402
from verify.ingest.passages import build  # noqa: E402
from verify.ingest.pdf import EXTRACTORS, extractor_version  # noqa: E402


def measure(name: str, pdf: bytes, expected: dict[str, str], runs: int = 3) -> tuple[float, float]:
    """Median seconds for extraction plus layout, and exact-passage share."""
    times: list[float] = []
    found: dict[str, str] = {}
    for _ in range(runs):
        start = time.perf_counter()
        blocks, _ = pages_to_blocks(EXTRACTORS[name](pdf))
        _, passages, _ = build(blocks, paged=True)
        times.append(time.perf_counter() - start)
        found = {}
        for passage in passages:
            found.setdefault(passage.locator, passage.text)
    hits = sum(1 for loc, text in expected.items() if found.get(loc) == text)
    return statistics.median(times), hits / len(expected)


def main(pages: int = 100) -> None:
    report = make_report(pages)
    print(f"{report.pages}-page report, {len(report.passages)} expected passages\n")
    print("| extractor | version | seconds (median of 3) | passages exact |")
    print("|---|---|---:|---:|")
    for name in EXTRACTORS:
        seconds, share = measure(name, report.pdf, report.passages)
        print(f"| {name} | {extractor_version(name)} | {seconds:.2f} | {share:.1%} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
