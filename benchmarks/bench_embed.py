"""How long the semantic stage takes to embed a report when it is added (issue 16: a 100-page report in 10 s or less).

The documents: the six UN reports of ``tests/data/real/manifest.json``
(``littlehifive/ai-un-report``, 79 pages in all), extracted into passages by
verify's own PDF extraction, as ``verify source add`` does. Each model folder
given embeds every passage with the code ``verify source add`` runs
(``verify.match.model.Encoder.encode``); the run is repeated and the median
kept. Reported: seconds for the 79 pages, seconds per 100 pages at the same
density, and the CPU seconds of this process (what the machine would take
without the other programs running on it; the machine has 2 cores, often
shared). The extraction itself is not timed.

Run: ``.venv/bin/python benchmarks/bench_embed.py MODEL_DIR [MODEL_DIR ...] [--repeat N] [--out FILE]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

REPORTS = ("un-a-79-772", "un-a-hrc-59-60", "un-a-79-907", "un-a-56-509", "un-a-79-947", "un-a-79-923")
GOAL_SECONDS = 10.0  # per 100 pages


def report_passages() -> tuple[list[str], int]:
    """The passages of the six reports and their page count (reports absent from the mirror are skipped)."""
    from tests import realdocs
    from verify.ingest.extract import extract_document

    texts: list[str] = []
    pages = 0
    for key in REPORTS:
        try:
            data = realdocs.read_bytes(key)
        except Exception as exc:  # the snapshot is not on this machine
            print(f"skipped {key}: {exc}", file=sys.stderr)
            continue
        document = extract_document(data, "application/pdf", None)
        texts += [p.text for p in document.passages]
        pages += max((p.page or 0) for p in document.passages)
    return texts, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", type=Path, nargs="+", help="model folders (as VERIFY_MODEL names one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from verify.match.model import load_model

    texts, pages = report_passages()
    words = sum(len(t.split()) for t in texts)
    lines = [
        f"### Embedding {pages} pages of UN reports ({len(texts)} passages, {words:,} words)",
        "",
        "| model | dimensions | load s | embed s (median of "
        f"{args.repeat}) | CPU s | s per 100 pages | CPU s per 100 pages | goal ≤ {GOAL_SECONDS:g} s per 100 pages |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for folder in args.models:
        start = time.perf_counter()
        encoder = load_model(folder)
        load = time.perf_counter() - start
        walls, cpus = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            encoder.encode(texts)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        per100, cpu100 = wall * 100 / pages, cpu * 100 / pages
        lines.append(
            f"| {folder.name} | {encoder.dimension} | {load:.1f} | {wall:.1f} | {cpu:.1f} | {per100:.1f} | "
            f"{cpu100:.1f} | {'met' if per100 <= GOAL_SECONDS else 'NOT met'} |"
        )
    lines.append(
        f"\nLoad average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)."
    )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
