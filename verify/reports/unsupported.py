"""What is not yet sourced: the editor's list before publication, and the publication gate.

A claim is listed when a reader could take it as sourced although it is not:

* ``no_evidence`` — a ``factual`` or ``quote`` claim (whatever its status)
  without supporting evidence that is still in force (not retracted);
* ``disputed`` / ``partly_verified`` — the verdict itself says so;
* ``orphaned_evidence`` — evidence that can no longer be found in the current
  version of its source (``anchor == 'orphaned'``) still hangs on the claim;
* ``unsigned`` — with ``require_signoff``, a verdict without a current sign-off.

Opinions (by kind or status) are left out unless asked for, because they are
not checkable; withdrawn claims are never listed: they are no longer in the
article. The rows are ``claim list`` rows plus ``reasons``, ``latest_note`` and
``signoff``, in article order, so scripts can reuse what they know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from verify.claims.listing import ClaimFilter, list_claims
from verify.db.models import Evidence, Note
from verify.workflow.signoff import current_signoffs

REASONS = ("no_evidence", "disputed", "partly_verified", "orphaned_evidence", "unsigned")
FINAL_VERDICTS = ("verified", "partly_verified", "disputed", "unsupported")


@dataclass(frozen=True)
class UnsupportedOptions:
    article: int | None = None
    include_opinion: bool = False
    require_signoff: bool = False


def latest_notes(session: Session, claim_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Claim id -> its most recent note (author, at, text)."""
    newest = select(func.max(Note.id)).group_by(col(Note.claim_id))
    query = select(Note).where(col(Note.id).in_(newest))
    if claim_ids is not None:
        query = query.where(col(Note.claim_id).in_(claim_ids))
    return {n.claim_id: {"author": n.author, "at": n.created_at, "text": n.text} for n in session.exec(query)}


def orphaned_claims(session: Session) -> set[int]:
    """Claims holding evidence in force that no longer anchors in its source."""
    rows = session.exec(
        select(Evidence.claim_id).where(Evidence.anchor == "orphaned", col(Evidence.retracted_at).is_(None))
    ).all()
    return set(rows)


def reasons_for(row: dict[str, Any], orphaned: set[int], signed: dict[int, Any], options: UnsupportedOptions) -> list[str]:
    """Why one claim (a ``claim list`` row) is listed; empty when it is not."""
    status, kind = row["status"], row["kind"]
    if status == "withdrawn":
        return []
    is_opinion = kind == "opinion" or status == "opinion"
    if is_opinion and not options.include_opinion:
        return []
    reasons = []
    checkable = kind in ("factual", "quote") or options.include_opinion
    if checkable and row["evidence_counts"]["supports"] == 0:
        reasons.append("no_evidence")
    if status in ("disputed", "partly_verified"):
        reasons.append(status)
    if row["id"] in orphaned:
        reasons.append("orphaned_evidence")
    if options.require_signoff and status in FINAL_VERDICTS and row["id"] not in signed:
        reasons.append("unsigned")
    return reasons


def unsupported_claims(session: Session, options: UnsupportedOptions) -> list[dict[str, Any]]:
    """The listed claims in article order (article, paragraph, sentence), each with its reasons."""
    rows, _ = list_claims(session, ClaimFilter(article=options.article))
    orphaned = orphaned_claims(session)
    signed = current_signoffs(session)
    listed = []
    for row in rows:
        reasons = reasons_for(row, orphaned, signed, options)
        if reasons:
            listed.append({**row, "reasons": reasons, "signoff": signed.get(row["id"])})
    notes = latest_notes(session, [r["id"] for r in listed] if len(listed) <= 500 else None)
    for row in listed:
        row["latest_note"] = notes.get(row["id"])
    return listed


def by_paragraph(rows: list[dict[str, Any]]) -> list[tuple[tuple[int, int], list[dict[str, Any]]]]:
    """Group rows (already in article order) under (article_id, paragraph)."""
    groups: list[tuple[tuple[int, int], list[dict[str, Any]]]] = []
    for row in rows:
        key = (row["article_id"], row["paragraph"])
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(row)
    return groups


def gate_message(rows: list[dict[str, Any]]) -> str:
    """The one line the publication gate prints when it fails."""
    counts: dict[str, int] = {}
    for row in rows:
        for reason in row["reasons"]:
            counts[reason] = counts.get(reason, 0) + 1
    detail = ", ".join(f"{counts[r]} {r}" for r in REASONS if r in counts)
    noun = "claim is" if len(rows) == 1 else "claims are"
    return f"publication gate failed: {len(rows)} {noun} not supported ({detail})"
