"""Plain-text UN documents: numbered paragraphs found as ``para. N``, and notes found.

Over the real text fixtures of tests/data/real/manifest.json (read from local
snapshots, never copied): the 902 Security Council resolutions of the CR-UNSC
"gold" sample, each as given (text from the PDF, blank lines between
paragraphs, page headers) and flattened to one line per paragraph (as
plain-text dumps and copy-paste give it), and two 2019 UPR reports as
``pdftotext`` layout text with endnotes.

The document's own numbering is counted from its lines: the longest run
1, 2, 3, ... of lines starting ``N.`` (every operative paragraph of a
resolution starts its line). A document scores the paragraphs found with
exactly that locator; notes are the entries of the "Notes" section.

    python benchmarks/bench_text_layouts.py            # this checkout
    python benchmarks/bench_text_layouts.py --json     # machine-readable

Run it from another checkout (e.g. main's worktree) with
``PYTHONPATH=<that checkout> python benchmarks/bench_text_layouts.py`` to get
the "before" figures.
"""

from __future__ import annotations

import argparse
import importlib.util  # noqa: E402
import json
import re
import sys
import time
from pathlib import Path

# The fixtures are read through this checkout's manifest; ``verify`` may come from another
# checkout (PYTHONPATH=<checkout>) to measure the code before a change.
_spec = importlib.util.spec_from_file_location(
    "realdocs", Path(__file__).resolve().parent.parent / "tests" / "realdocs.py"
)
realdocs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["realdocs"] = realdocs
_spec.loader.exec_module(realdocs)  # type: ignore[union-attr]
Unavailable, folder_files, read_bytes = realdocs.Unavailable, realdocs.folder_files, realdocs.read_bytes
sys.path.append(str(Path(__file__).resolve().parent.parent))

from verify.ingest.extract import extract_document  # noqa: E402

REPORTS = [
    ("upr-svn-2019-stakeholders-text", 144, "text/plain"),
    ("upr-svn-2019-stakeholders-text", 144, "text/markdown"),
    ("upr-svn-2019-national-text", None, "text/plain"),
]


def own_numbering(text: str) -> int:
    """The last N of the run 1, 2, 3, ... of lines starting "N." in the document."""
    expected = 1
    for line in text.splitlines():
        match = re.match(r"^\s*(\d{1,4})\.\s+\S", line)
        if match and int(match.group(1)) == expected:
            expected += 1
    return expected - 1


def flatten(text: str) -> str:
    chunks = [" ".join(chunk.replace("-\n", "-").split()) for chunk in re.split(r"\n\s*\n", text)]
    return "\n".join(chunk for chunk in chunks if chunk) + "\n"


def score(text: str, media_type: str = "text/plain") -> tuple[int, int, int]:
    """(numbered paragraphs in the document, found as para. N, footnote passages)."""
    document = extract_document(text.encode("utf-8"), media_type)
    wanted = own_numbering(text)
    found = {p.locator for p in document.passages}
    hits = sum(1 for n in range(1, wanted + 1) if f"para. {n}" in found)
    notes = sum(1 for p in document.passages if p.kind == "footnote")
    return wanted, hits, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    try:
        resolutions = folder_files("unsc-resolutions-text")
    except Unavailable as missing:
        print(f"skipped resolutions: {missing}", file=sys.stderr)
        resolutions = {}
    for shape in ("as given", "one line per paragraph"):
        totals = [0, 0]
        perfect = numbered_docs = notes_found = 0
        started = time.perf_counter()
        for data in resolutions.values():
            text = data.decode("utf-8", errors="replace")
            wanted, hits, notes = score(text if shape == "as given" else flatten(text))
            notes_found += notes
            if wanted >= 3:
                numbered_docs += 1
                totals[0] += wanted
                totals[1] += hits
                perfect += hits == wanted
        rows.append(
            {
                "set": f"902 SC resolutions, {shape}",
                "documents": numbered_docs,
                "numbered": totals[0],
                "found": totals[1],
                "all right": perfect,
                "notes": notes_found,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    for key, notes_expected, media_type in REPORTS:
        try:
            text = read_bytes(key).decode("utf-8")
        except Unavailable as missing:
            print(f"skipped {key}: {missing}", file=sys.stderr)
            continue
        started = time.perf_counter()
        wanted, hits, notes = score(text, media_type)
        rows.append(
            {
                "set": f"{key} ({media_type})",
                "documents": 1,
                "numbered": wanted,
                "found": hits,
                "all right": int(hits == wanted),
                "notes": f"{notes}" + (f"/{notes_expected}" if notes_expected else ""),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'set':58} {'docs':>5} {'numbered':>8} {'para. N':>8} {'%':>6} {'docs all right':>14} {'notes':>8}")
    for row in rows:
        share = 100 * int(row["found"]) / max(1, int(row["numbered"]))  # type: ignore[arg-type]
        print(
            f"{row['set']:58} {row['documents']:>5} {row['numbered']:>8} {row['found']:>8} {share:>5.1f}% "
            f"{row['all right']:>14} {row['notes'] if row['notes'] is not None else '-':>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
