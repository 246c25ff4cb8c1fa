"""Public labelled sentences for measuring claim kinds, read through :mod:`tests.realdocs`.

* CLEF CheckThat! 2019 Task 1: every line of the debates, labelled
  check-worthy or not; the held-out sample the tests use is all check-worthy
  lines of the test part and 600 of the others, drawn with seed 2019.
* The English "Golden Rules" of sentence segmentation (pySBD): the distinct
  expected sentences, with the kinds verify's maintainers gave them in
  ``tests/data/golden_rules_kinds.json`` (keyed by the sha1 of each sentence).
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from tests import realdocs

DATA = Path(__file__).parent / "data"
SAMPLE_OTHERS, SAMPLE_SEED = 600, 2019


@dataclass(frozen=True)
class Line:
    debate: str
    number: int
    speaker: str
    text: str
    check_worthy: bool


def checkthat_lines(files: dict[str, bytes]) -> list[Line]:
    """The lines of CheckThat! ``.tsv`` files (line, speaker, text, label); ``SYSTEM`` lines ("(APPLAUSE)") skipped."""
    lines = []
    for name in sorted(files):
        if not name.endswith(".tsv"):
            continue
        for row in files[name].decode("utf-8").splitlines():
            cols = row.split("\t")
            if len(cols) >= 4 and cols[1] != "SYSTEM":
                lines.append(Line(name[:-4], int(cols[0]), cols[1], cols[2], cols[3].strip() == "1"))
    return lines


def checkthat_sample(files: dict[str, bytes]) -> list[Line]:
    """Every check-worthy line of the held-out part and :data:`SAMPLE_OTHERS` of the others."""
    lines = checkthat_lines(files)
    positive = [line for line in lines if line.check_worthy]
    others = random.Random(SAMPLE_SEED).sample([line for line in lines if not line.check_worthy], SAMPLE_OTHERS)
    return sorted(positive + others, key=lambda line: (line.debate, line.number))


def golden_rule_sentences(source: bytes) -> list[str]:
    """The distinct expected sentences of ``GOLDEN_EN_RULES_TEST_CASES``, in order (read, never executed)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "GOLDEN_EN_RULES_TEST_CASES" for t in node.targets
        ):
            assert isinstance(node.value, ast.List)
            # an entry is a (text, expected) tuple, or pytest.param(text, expected, marks=...)
            cases = [
                ast.literal_eval(ast.Tuple(elts=e.args[:2], ctx=ast.Load()) if isinstance(e, ast.Call) else e)
                for e in node.value.elts
            ]
            break
    else:
        raise ValueError("GOLDEN_EN_RULES_TEST_CASES not found")
    seen: dict[str, None] = {}
    for _text, expected in cases:
        for sentence in expected:
            seen.setdefault(sentence.strip(), None)
    return list(seen)


def golden_rule_labels(source: bytes) -> list[tuple[str, str | None]]:
    """(sentence, kind or None) for every labelled sentence; a sentence without a label is an error."""
    labels = {
        row["sha1"]: row["kind"] for row in json.loads((DATA / "golden_rules_kinds.json").read_text("utf-8"))["labels"]
    }
    pairs = []
    for sentence in golden_rule_sentences(source):
        key = hashlib.sha1(sentence.encode()).hexdigest()
        if key not in labels:
            raise ValueError(f"no kind label for golden-rule sentence {sentence!r}")
        pairs.append((sentence, labels[key]))
    return pairs


def require_checkthat_sample() -> list[Line]:
    return checkthat_sample(realdocs.require_folder("checkthat2019-test"))


def require_golden_rules() -> list[tuple[str, str | None]]:
    return golden_rule_labels(realdocs.require("pysbd-golden-rules"))
