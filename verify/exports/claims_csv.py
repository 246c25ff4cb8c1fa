"""One row per claim for spreadsheets: position, status, evidence counts, sources cited, sign-off, latest note."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from verify.claims.listing import ClaimFilter, list_claims
from verify.db.queries.evidence import citations_in_force
from verify.exports import spreadsheet
from verify.reports.unsupported import latest_notes
from verify.workflow.signoff_state import current_signoffs

COLUMNS = [
    "id",
    "article_id",
    "paragraph",
    "sentence",
    "kind",
    "status",
    "assignee",
    "supports",
    "contradicts",
    "context",
    "sources",
    "signed_off_by",
    "signed_off_at",
    "latest_note",
    "latest_note_by",
    "updated_at",
    "updated_by",
    "text",
]
TIMESTAMPS = ("signed_off_at", "updated_at")


def _sources_cited(session: Session) -> dict[int, str]:
    """Claim id -> "KEY locator; KEY (internal, call note)" for evidence in force, by evidence id.

    This export is for the desk: internal sources are listed, marked as such,
    and a note of a call without a transcript is marked as a note.
    """
    rows = citations_in_force(session)
    cited: dict[int, list[str]] = {}
    for claim_id, key, locator, internal, kind in rows:
        marks = ", ".join(m for m in ("internal" if internal else "", "call note" if kind == "note" else "") if m)
        text = f"{key} {locator}".strip() if locator else key
        cited.setdefault(claim_id, []).append(text + (f" ({marks})" if marks else ""))
    return {claim_id: "; ".join(items) for claim_id, items in cited.items()}


def claim_rows(session: Session, article_id: int | None = None) -> list[dict[str, Any]]:
    rows, _ = list_claims(session, ClaimFilter(article=article_id))
    cited, signed, notes = _sources_cited(session), current_signoffs(session), latest_notes(session)
    out = []
    for row in rows:
        signoff, note = signed.get(row.id), notes.get(row.id)
        out.append(
            {
                **row.to_json(),
                **row.evidence_counts,
                "sources": cited.get(row.id, ""),
                "signed_off_by": signoff["by"] if signoff else None,
                "signed_off_at": signoff["at"] if signoff else None,
                "latest_note": note["text"] if note else None,
                "latest_note_by": note["author"] if note else None,
            }
        )
    return out


def to_csv(rows: list[dict[str, Any]], *, excel: bool = False) -> str:
    return spreadsheet.to_csv(COLUMNS, rows, excel=excel, timestamps=TIMESTAMPS)
