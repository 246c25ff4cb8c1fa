"""Kind detection measured against the hand labels in tests/data/kind_labels.json.

Run with ``pytest -s tests/test_kinds.py`` to see the confusion matrix.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from verify.claims.hints import compute_hints
from verify.claims.kinds import detect_kind
from verify.db.models import CLAIM_KINDS

LABELS = json.loads((Path(__file__).parent / "data" / "kind_labels.json").read_text(encoding="utf-8"))["labels"]
LABELLED = [label for label in LABELS if label["kind"] is not None]
MIN_ACCURACY = 0.85


def confusion_matrix(pairs: list[tuple[str, str]]) -> str:
    counts = Counter(pairs)
    header = "label \\ detected | " + " | ".join(CLAIM_KINDS)
    rows = [f"{gold:>16} | " + " | ".join(f"{counts[(gold, found)]:>{len(k)}}" for found, k in zip(CLAIM_KINDS, CLAIM_KINDS, strict=True))
            for gold in CLAIM_KINDS]
    return "\n".join([header, *rows])


def test_labels_cover_the_shipped_article_with_few_unlabelled():
    assert len(LABELS) == 71
    assert len(LABELS) - len(LABELLED) == 3
    assert {label["kind"] for label in LABELLED} == set(CLAIM_KINDS)


def test_detector_accuracy_on_hand_labels():
    pairs = [(label["kind"], detect_kind(label["text"], compute_hints(label["text"]))) for label in LABELLED]
    correct = sum(gold == found for gold, found in pairs)
    accuracy = correct / len(pairs)
    print(f"\nkind detection: {correct}/{len(pairs)} correct ({accuracy:.1%}), {len(LABELS) - len(LABELLED)} unlabelled")
    print(confusion_matrix(pairs))
    for label, (gold, found) in zip(LABELLED, pairs, strict=True):
        if gold != found:
            print(f"  {label['paragraph']}.{label['sentence']} labelled {gold}, detected {found}: {label['text'][:70]}")
    assert accuracy >= MIN_ACCURACY
    # Every quote is found: quotation marks are the least ambiguous signal there is.
    assert all(found == "quote" for gold, found in pairs if gold == "quote")


def test_imported_claims_carry_the_detected_kind(article_db, run):
    """What ``claim list`` shows agrees with the hand labels as well as the detector does."""
    found = json.loads(run("claim", "list", "--format", "json").stdout)
    by_position = {(c["paragraph"], c["sentence"]): c["kind"] for c in found}
    pairs = [(label["kind"], by_position[(label["paragraph"], label["sentence"])]) for label in LABELLED]
    assert sum(gold == kind for gold, kind in pairs) / len(pairs) >= MIN_ACCURACY
    assert by_position[(7, 2)] == "quote"  # He noted that al-Qaeda’s strategy “is a long one …”
    assert by_position[(9, 2)] == "factual"  # around 400 fighters, up to 2,000
    assert by_position[(21, 4)] == "opinion"  # It is premature to pen al-Qaeda’s obituary.
    kinds = Counter(c["kind"] for c in found)
    status = json.loads(run("status", "--format", "json").stdout)
    assert status["articles"][0]["by_kind"] == {kind: kinds[kind] for kind in CLAIM_KINDS}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("She said the plan was “a long war against the West.”", "quote"),
        ('The minister said "we will never negotiate" with them.', "quote"),
        ("In 2021, 400 fighters arrived in Kunar province.", "factual"),
        ("It is premature to pen their obituary.", "opinion"),
    ],
)
def test_detector_on_clear_cases(text, kind):
    assert detect_kind(text, compute_hints(text)) == kind
