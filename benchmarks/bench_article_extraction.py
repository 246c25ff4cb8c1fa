"""Article text from real news pages: the selectolax reader against trafilatura.

``verify article add URL`` must keep the story and drop navigation, ads,
related links, captions and comments, since every sentence it keeps becomes
a claim to check. This benchmark runs the candidate extractors on the 181
real news and blog pages of scrapinghub's article-extraction benchmark
(``tests/data/real/manifest.json``: ``article-extraction-html`` and
``article-extraction-ground-truth``; pages read where they are, never
copied) and scores each page's body text against the hand-checked article
body with that benchmark's own measure: 4-word shingles, precision, recall
and F1 per page, averaged over pages. Precision is what matters most here
(furniture that leaks in becomes bogus claims); recall must not suffer.

Candidates, each turning a page into the paragraphs an import would keep:

* ``selectolax`` -- ``verify.ingest.html.html_to_blocks``, the reader of HTML
  sources and, before this change, of ``.html`` articles (the baseline);
* ``trafilatura`` -- its plain-text output with default settings, and with its
  ``favor_recall`` / ``favor_precision`` switches;
* ``shipped`` -- ``verify.ingest.web_article.extract_web_article`` as ``article add``
  runs it: trafilatura with ``favor_precision``, headings left out of the
  paragraphs (they are not claims), pages it refuses counted as empty.

Also reported: median milliseconds per page (process time) and the pages where an
extractor found fewer than 40 words (which ``article add`` would refuse).

Run: ``python benchmarks/bench_article_extraction.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import realdocs  # noqa: E402
from verify.errors import VerifyError  # noqa: E402

_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def score(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) over 4-word shingles, as the article-extraction benchmark counts them."""
    a, b = _shingles(true), _shingles(pred)
    tp = fp = fn = 0
    for key in a.keys() | b.keys():
        tp += min(a[key], b[key])
        fp += max(0, b[key] - a[key])
        fn += max(0, a[key] - b[key])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def selectolax(html: str, url: str) -> str:
    from verify.ingest.html import html_to_blocks

    return "\n".join(html_to_blocks(html)[1])


def shipped(html: str, url: str) -> str:
    from verify.ingest.web_article import extract_web_article

    try:
        return "\n".join(extract_web_article(html, url).paragraphs)
    except VerifyError:
        return ""


def _trafilatura(**switches: bool) -> Callable[[str, str], str]:
    def run(html: str, url: str) -> str:
        import trafilatura

        return (
            trafilatura.extract(
                html,
                url=url,
                include_comments=False,
                include_tables=False,
                include_images=False,
                **switches,
            )
            or ""
        )

    return run


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "selectolax": selectolax,
    "trafilatura": _trafilatura(),
    "trafilatura-recall": _trafilatura(favor_recall=True),
    "trafilatura-precision": _trafilatura(favor_precision=True),
    "shipped (trafilatura-precision, paragraphs)": shipped,
}


def _metrics(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    precision = statistics.fmean(tp / (tp + fp) if tp + fp else 0.0 for tp, fp, _ in rows)
    recall = statistics.fmean(tp / (tp + fn) if tp + fn else 0.0 for tp, _, fn in rows)
    tp, fp, fn = (sum(col) for col in zip(*rows, strict=True))
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    args = parser.parse_args()
    try:
        truth = json.loads(realdocs.read_bytes("article-extraction-ground-truth"))
        pages = realdocs.folder_files("article-extraction-html")
    except realdocs.Unavailable as missing:
        sys.exit(f"skipped: {missing}")
    keys = sorted(truth)[: args.limit or None]
    print(f"{len(keys)} pages from scrapinghub/article-extraction-benchmark")
    print("| extractor | precision | recall | F1 | pages refused (< 40 words) | median ms/page |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, extract in EXTRACTORS.items():
        rows, times, empty = [], [], 0
        for key in keys:
            html = gzip.decompress(pages[f"{key}.html.gz"]).decode("utf-8", errors="replace")
            start = time.process_time()
            text = extract(html, truth[key]["url"])
            times.append(time.process_time() - start)
            empty += len(text.split()) < 40
            rows.append(score(truth[key].get("articleBody", ""), text))
        precision, recall, f1 = _metrics(rows)
        print(
            f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {empty} | {statistics.median(times) * 1000:.1f} |"
        )


if __name__ == "__main__":
    main()
