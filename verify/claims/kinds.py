"""Kind detection: ``quote``, ``factual`` or ``opinion``.

Rules follow the labelling rubric in ``tests/data/kind_labels.json`` and are
measured against its hand labels (see the README for the confusion matrix):

* a direct quotation of two or more words makes a ``quote``;
* checkable content (numbers, dates, attributions, specific names beyond the
  article's main actors) makes a sentence ``factual`` even when evaluative;
* predictive, normative or evaluative wording with little checkable content,
  or a sentence reporting what unnamed others think, is ``opinion``.
"""

from __future__ import annotations

import re
from typing import Any

MODAL_RE = re.compile(
    r"\b(?:may|might|could|would|will|should|must|unlikely|likely|perhaps|whether|"
    r"in other words|premature|debatable|flawed|underestimated?|fail to grasp|otherwise|"
    r"views?|believes?|belief|arguably|clearly|surely|inevitabl[ey])\b",
    re.IGNORECASE,
)
UNNAMED_SUBJECT_RE = re.compile(
    r"^(?:Those who|Those advocating|Some have|Others|There is (?:even )?a perception|They insist|"
    r"It is (?:also )?(?:premature|unlikely|likely|possible|clear)|But |And though|Yet )",
)
FACTUAL_VERB_RE = re.compile(
    r"\b(?:killed|issued|established|created|located|arrived|collaborated|helped|"
    r"located|gives|payments|supported|linked|appointed|discovered|reported|founded|"
    r"emphasized|mentioned|offered|sought|agreed|renewed|increased|stopped|traced)\b",
    re.IGNORECASE,
)


def _specific_names(hints: dict[str, Any]) -> int:
    """Names other than an article's omnipresent actors count as specific content."""
    common = {"al-Qaeda", "Taliban", "Afghanistan"}
    names = [
        name
        for key in ("places", "people", "organisations", "other_names")
        for name in hints.get(key, [])
        if name not in common
    ]
    return len(names)


def detect_kind(text: str, hints: dict[str, Any]) -> str:
    """Classify one sentence; ``hints`` are those from :func:`compute_hints`."""
    if any(len(quote.split()) >= 2 for quote in hints.get("quotes", [])):
        return "quote"
    checkable = (
        2 * len(hints.get("numbers", []))
        + 2 * len(hints.get("dates", []))
        + 2 * len(hints.get("attributions", []))
        + _specific_names(hints)
        + len(FACTUAL_VERB_RE.findall(text))
    )
    evaluative = len(MODAL_RE.findall(text)) + (2 if UNNAMED_SUBJECT_RE.search(text) else 0)
    if evaluative == 0:
        return "factual" if checkable > 0 or len(text.split()) > 12 else "opinion"
    return "factual" if checkable > evaluative else "opinion"
