"""One row per evidence for spreadsheets, beside the claims CSV: who cited what, where, for which claim.

Retracted evidence is listed too (``retracted`` is ``yes``, with who, when and
why), since nothing a reviewer did is hidden; filter on ``retracted`` = ``no``
for the evidence in force. ``flags`` lists what a checker must look at, as
``kind: detail`` separated by ``; ``. Rows follow the claims CSV's order
(article, paragraph, sentence), then the evidence id, so the two sheets line up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.queries.evidence import evidence_table_rows
from verify.db.reader import Reader, json_value
from verify.exports import spreadsheet

if TYPE_CHECKING:
    from sqlmodel import Session

COLUMNS = [
    "id",
    "claim_id",
    "article_id",
    "stance",
    "source",
    "source_version",
    "source_title",
    "locator",
    "page",
    "quote",
    "anchor",
    "flags",
    "flags_accepted_by",
    "note",
    "added_by",
    "added_at",
    "retracted",
    "retracted_by",
    "retracted_at",
    "retraction_reason",
]
TIMESTAMPS = ("added_at", "retracted_at")


def _flags(value: Any) -> str:
    return "; ".join(
        f"{flag.get('kind')}: {flag['detail']}" if flag.get("detail") else str(flag.get("kind"))
        for flag in json_value(value) or []
    )


def evidence_rows(source: Reader | Session, article_id: int | None = None) -> list[dict[str, Any]]:
    """Every evidence (of one article, or all) as a CSV row keyed by :data:`COLUMNS`."""
    rows = []
    for row in evidence_table_rows(source, article_id):
        item = dict(zip([c for c in COLUMNS if c != "retracted"], row, strict=True))
        item["flags"] = _flags(item["flags"])
        item["retracted"] = "no" if item["retracted_at"] is None else "yes"
        rows.append(item)
    return rows


def to_csv(rows: list[dict[str, Any]], *, excel: bool = False) -> str:
    return spreadsheet.to_csv(COLUMNS, rows, excel=excel, timestamps=TIMESTAMPS)
