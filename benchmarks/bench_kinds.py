"""Claim kinds (``verify.claims.kinds.detect_kind``) measured on labelled public data.

Data sets (origins, commits and licences in ``tests/data/README.md``):

* CLEF CheckThat! 2019 Task 1 (English political debates and speeches, every
  sentence labelled check-worthy or not). ``--checkthat DIR`` takes the
  ``data`` folder of a copy of the task repository (``training/`` and
  ``test_annotated/``). The rules were tuned on ``training/`` only (19 debates
  and speeches); ``test_annotated/`` (7) is the held-out part, reported and
  never tuned on. Without the argument, both parts are read through
  ``tests/realdocs.py`` (a local snapshot of the repository, never a copy in
  this one). Lines spoken by ``SYSTEM`` ("(APPLAUSE)") are not sentences and are skipped.
* ClaimBuster's 2,000-sentence disjoint test set (US presidential debates,
  each sentence labelled non-factual NFS, unimportant factual UFS or
  check-worthy factual CFS), with ``--claimbuster FILE`` (``disjoint_2000.json``).
  Not tuned on.
* The shipped article's hand labels (``tests/data/kind_labels.json``).
* The English "Golden Rules" sentences of sentence segmentation (pySBD),
  read through ``tests/realdocs.py`` and labelled by kind in
  ``tests/data/golden_rules_kinds.json``.

Goals: at least 90 % of check-worthy sentences come out ``factual`` or
``quote``; at least 90 % of the article's hand-labelled opinions stay
``opinion``. The cost side is how many sentences labelled NOT check-worthy (or
non-factual) still come out ``opinion``: the fewer, the more sentences of
opinion reach the review queue.

Run: ``.venv/bin/python benchmarks/bench_kinds.py [--checkthat DIR] [--claimbuster FILE]
[--misses N] [--part training|test|article|golden]`` (``--misses`` prints N misses of the chosen
part with the signals found, for tuning: use it on ``training`` only).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import realdocs  # noqa: E402
from tests.labelled import checkthat_lines, golden_rule_labels  # noqa: E402
from verify.claims.hints import compute_hints  # noqa: E402
from verify.claims.kinds import checkable_signals, detect_kind, opinion_signals  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
KINDS = ("factual", "quote", "opinion")


@dataclass(frozen=True)
class Labelled:
    """One sentence and its gold label (a kind, or a data set's own class such as ``check-worthy``)."""

    text: str
    label: str


def read_checkthat_dir(folder: Path) -> list[Labelled]:
    """Every sentence of a CheckThat! 2019 Task 1 folder of ``.tsv`` files (line, speaker, text, label)."""
    rows: list[Labelled] = []
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) < 4 or cols[1] == "SYSTEM":
                continue
            rows.append(Labelled(cols[2], _checkworthy(cols[3])))
    return rows


def _checkworthy(value: str) -> str:
    return "check-worthy" if value.strip() == "1" else "not check-worthy"


def read_claimbuster(path: Path) -> list[Labelled]:
    """ClaimBuster sentences labelled -1 (NFS), 0 (UFS) or 1 (CFS)."""
    names = {-1: "non-factual (NFS)", 0: "unimportant factual (UFS)", 1: "check-worthy factual (CFS)"}
    return [Labelled(item["text"], names[int(item["label"])]) for item in json.loads(path.read_text(encoding="utf-8"))]


def read_golden_rules() -> list[Labelled]:
    return [
        Labelled(text, kind or "unlabelled")
        for text, kind in golden_rule_labels(realdocs.read_bytes("pysbd-golden-rules"))
    ]


def read_checkthat_item(key: str) -> list[Labelled]:
    return [
        Labelled(line.text, _checkworthy("1" if line.check_worthy else "0"))
        for line in checkthat_lines(realdocs.folder_files(key))
    ]


def read_kind_labels(path: Path) -> list[Labelled]:
    """Sentences labelled with a kind; unlabelled (null) ones are kept as ``unlabelled``."""
    labels = json.loads(path.read_text(encoding="utf-8"))["labels"]
    return [Labelled(item["text"], item["kind"] or "unlabelled") for item in labels]


def detect(rows: Iterable[Labelled]) -> list[tuple[Labelled, str]]:
    return [(row, detect_kind(row.text, compute_hints(row.text))) for row in rows]


def matrix(title: str, pairs: list[tuple[Labelled, str]], order: list[str]) -> str:
    """A Markdown confusion matrix, gold label by detected kind, with the share kept factual/quote."""
    counts = Counter((row.label, kind) for row, kind in pairs)
    lines = [
        f"**{title}** ({len(pairs)} sentences)",
        "",
        "| label \\ detected | factual | quote | opinion | factual or quote | opinion |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label in order:
        total = sum(counts[(label, kind)] for kind in KINDS)
        if not total:
            continue
        kept = counts[(label, "factual")] + counts[(label, "quote")]
        lines.append(
            f"| {label} ({total}) | "
            + " | ".join(str(counts[(label, kind)]) for kind in KINDS)
            + f" | {kept / total:.1%} | {counts[(label, 'opinion')] / total:.1%} |"
        )
    return "\n".join(lines)


def explain(text: str) -> str:
    hints = compute_hints(text)
    judgement = ", ".join(f"{s.reason}:{s.text}" for s in opinion_signals(text))
    checkable = ", ".join(f"{s.reason}:{s.text}" for s in checkable_signals(text, hints))
    return f"{text}\n      opinion [{judgement}]\n      checkable [{checkable}]"


def print_misses(pairs: list[tuple[Labelled, str]], count: int) -> None:
    """Check-worthy or factual sentences detected as opinion, and labelled opinions detected otherwise."""
    lost = [row for row, kind in pairs if kind == "opinion" and row.label in ("check-worthy", "factual")]
    kept = [row for row, kind in pairs if kind != "opinion" and row.label == "opinion"]
    for title, rows in (
        ("labelled check-worthy/factual, detected opinion", lost),
        ("labelled opinion, detected factual/quote", kept),
    ):
        print(f"\n### {title}: {len(rows)}")
        for row in random.Random(0).sample(rows, min(count, len(rows))):
            print("  -", explain(row.text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkthat", type=Path, help="the data/ folder of clef2019-factchecking-task1")
    parser.add_argument("--claimbuster", type=Path, help="ClaimBuster disjoint_2000.json")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses of --part")
    parser.add_argument("--part", choices=("training", "test", "article", "golden"), default="training")
    args = parser.parse_args()

    started = time.perf_counter()
    sections: dict[str, list[tuple[Labelled, str]]] = {}
    cw_order = ["check-worthy", "not check-worthy"]
    if args.checkthat:
        sections["training"] = detect(read_checkthat_dir(args.checkthat / "training"))
        sections["test"] = detect(read_checkthat_dir(args.checkthat / "test_annotated"))
    else:
        sections["training"] = detect(read_checkthat_item("checkthat2019-training"))
        sections["test"] = detect(read_checkthat_item("checkthat2019-test"))
    print(matrix("CheckThat! 2019, training part (tuned on)", sections["training"], cw_order), "\n")
    print(matrix("CheckThat! 2019, test part (held out)", sections["test"], cw_order), "\n")
    if args.claimbuster:
        pairs = detect(read_claimbuster(args.claimbuster))
        print(
            matrix(
                "ClaimBuster disjoint 2,000 (not tuned on)",
                pairs,
                ["check-worthy factual (CFS)", "unimportant factual (UFS)", "non-factual (NFS)"],
            ),
            "\n",
        )
    kind_order = ["factual", "quote", "opinion", "unlabelled"]
    sections["article"] = detect(read_kind_labels(DATA / "kind_labels.json"))
    print(matrix("Shipped article, hand labels", sections["article"], kind_order), "\n")
    sections["golden"] = detect(read_golden_rules())
    print(matrix("Segmentation golden rules, hand labels", sections["golden"], kind_order))
    sentences = sum(len(pairs) for pairs in sections.values())
    print(f"\n{sentences} sentences in {time.perf_counter() - started:.1f} s (hints and kind)")
    if args.misses:
        print_misses(sections[args.part], args.misses)


if __name__ == "__main__":
    main()
