"""What is not yet sourced: the editor's list before publication, and the publication gate.

A claim is listed when a reader could take it as sourced although it is not.
Every reason is one entry of :data:`REASON_RULES` (name, message, test), in the
order they are reported:

* ``no_evidence`` — a ``factual`` or ``quote`` claim (whatever its status)
  without supporting evidence that is still in force (not retracted);
* ``no_verdict`` — a claim with supporting evidence but no verdict yet
  (``unreviewed`` or ``in_progress``): nobody has said the evidence holds;
* ``changed`` — the claim was edited in the latest revision of the article
  (``Claim.changed``): evidence linked to the old wording must be re-checked;
* ``conflict`` — ``verified`` or ``partly_verified`` while contradicting
  evidence is still in force (:func:`verify.workflow.rules.is_conflict`): the
  appendix would otherwise cite the claim as both supported and contradicted;
* ``disputed`` / ``partly_verified`` — the verdict itself says so;
* ``orphaned_evidence`` — evidence that can no longer be found in the current
  version of its source (``anchor == 'orphaned'``) still hangs on the claim;
* ``unsigned`` — with ``require_signoff``, a verdict without a current sign-off.

Adding a reason: one :class:`Reason` in :data:`REASON_RULES` (its place there
is its place in every listing and in the gate message). A reason that depends on
the state of the claim's evidence anchors (e.g. ``evidence_reworded`` for an
anchor state of re-anchored with different wording) is one more entry in
:data:`ANCHOR_REASONS` (anchor state -> reason name) plus its :class:`Reason`,
whose test reads ``facts.anchors``.

Opinions (by kind or status) are left out unless asked for, because they are
not checkable; withdrawn claims are never listed: they are no longer in the
article. The rows are ``claim list`` rows plus ``reasons``, ``latest_note`` and
``signoff``, in article order, so scripts can reuse what they know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from verify.claims.listing import ClaimFilter, ClaimRow, list_claims, row_fields, row_json
from verify.db.queries.events import latest_note_rows
from verify.db.queries.evidence import claims_by_anchor
from verify.db.reader import Reader, as_reader
from verify.workflow.rules import EvidenceCounts, is_conflict
from verify.workflow.signoff_state import current_signoffs

if TYPE_CHECKING:
    from sqlmodel import Session

FINAL_VERDICTS = ("verified", "partly_verified", "disputed", "unsupported")
NO_VERDICT = ("unreviewed", "in_progress")
# Evidence anchor state -> the reason given to claims holding such evidence (in force).
ANCHOR_REASONS = {"orphaned": "orphaned_evidence", "reworded": "evidence_reworded"}


@dataclass(frozen=True)
class UnsupportedOptions:
    article: int | None = None
    include_opinion: bool = False
    require_signoff: bool = False


@dataclass(frozen=True)
class Facts:
    """What the reasons need beyond a ``claim list`` row, read once for all claims."""

    options: UnsupportedOptions
    anchors: dict[str, set[int]] = field(default_factory=dict)  # reason name -> claims with such evidence in force
    signed: dict[int, Any] = field(default_factory=dict)  # claim id -> current sign-off


@dataclass(frozen=True)
class Reason:
    name: str  # stable, in JSON/CSV and the gate message
    message: str  # for people: the Markdown list and the appendix
    applies: Callable[[ClaimRow, Facts], bool]


def _checkable(row: ClaimRow, facts: Facts) -> bool:
    return row.kind in ("factual", "quote") or facts.options.include_opinion


def _supported(row: ClaimRow) -> bool:
    return row.evidence_counts["supports"] > 0


REASON_RULES: tuple[Reason, ...] = (
    Reason("no_evidence", "no supporting evidence", lambda row, facts: _checkable(row, facts) and not _supported(row)),
    Reason(
        "no_verdict",
        "evidence linked but no verdict yet",
        lambda row, facts: row.status in NO_VERDICT and _supported(row),
    ),
    Reason(
        "changed",
        "edited in the latest revision; re-check it against its evidence",
        lambda row, facts: row.changed,
    ),
    Reason(
        "conflict",
        "verdict of support, but contradicting evidence is in force",
        lambda row, facts: is_conflict(row.status, EvidenceCounts(**row.evidence_counts)),
    ),
    Reason("disputed", "disputed", lambda row, facts: row.status == "disputed"),
    Reason("partly_verified", "partly verified", lambda row, facts: row.status == "partly_verified"),
    Reason(
        "orphaned_evidence",
        "evidence no longer found in its source",
        lambda row, facts: row.id in facts.anchors.get("orphaned_evidence", ()),
    ),
    Reason(
        "evidence_reworded",
        "evidence re-anchored with different wording in a new source version; re-check",
        lambda row, facts: row.id in facts.anchors.get("evidence_reworded", ()),
    ),
    Reason(
        "unsigned",
        "verdict not signed off",
        lambda row, facts: (
            facts.options.require_signoff and row.status in FINAL_VERDICTS and row.id not in facts.signed
        ),
    ),
)
REASONS = tuple(r.name for r in REASON_RULES)
REASON_MESSAGES = {r.name: r.message for r in REASON_RULES}


def latest_notes(source: Reader | Session, claim_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Claim id -> its most recent note (author, at, text)."""
    return {
        claim_id: {"author": author, "at": at, "text": text}
        for claim_id, author, at, text in latest_note_rows(source, claim_ids)
    }


def anchor_claims(source: Reader | Session) -> dict[str, set[int]]:
    """Reason name (see :data:`ANCHOR_REASONS`) -> claims holding evidence in force in that anchor state."""
    found: dict[str, set[int]] = {}
    for claim_id, anchor in claims_by_anchor(source, ANCHOR_REASONS):
        found.setdefault(ANCHOR_REASONS[anchor], set()).add(claim_id)
    return found


def reasons_for(row: ClaimRow, facts: Facts) -> list[str]:
    """Why one claim (a ``claim list`` row) is listed, in :data:`REASONS` order; empty when it is not."""
    status, kind = row.status, row.kind
    if status == "withdrawn":
        return []
    if (kind == "opinion" or status == "opinion") and not facts.options.include_opinion:
        return []
    return [reason.name for reason in REASON_RULES if reason.applies(row, facts)]


@dataclass(frozen=True, slots=True)
class UnsupportedClaim:
    """One listed claim: its ``claim list`` fields, why it is listed, its current sign-off and latest note.

    Typed so the renderers (table, CSV, Markdown, the appendix, the gate)
    read attributes a type checker can follow; :meth:`to_json` gives the
    documented row unchanged (the ``claim list`` row, then ``reasons``,
    ``signoff`` and ``latest_note``).
    """

    id: int
    article_id: int
    paragraph: int
    sentence: int
    text: str
    kind: str
    status: str
    assignee: str | None
    attribution: dict[str, Any] | None
    evidence_counts: dict[str, int]
    version: int
    changed: bool
    updated_at: str | None
    updated_by: str | None
    reasons: tuple[str, ...]
    signoff: dict[str, Any] | None  # by, at, status, note
    latest_note: dict[str, Any] | None  # author, at, text

    def to_json(self) -> dict[str, Any]:
        """The documented row (docs/json.md): notes say who wrote them with ``by``, like every other object."""
        return {
            **row_json(self),
            "reasons": list(self.reasons),
            "signoff": self.signoff,
            "latest_note": None
            if self.latest_note is None
            else {"by": self.latest_note["author"], "at": self.latest_note["at"], "text": self.latest_note["text"]},
        }


def unsupported_claims(source: Reader | Session, options: UnsupportedOptions) -> list[UnsupportedClaim]:
    """The listed claims in article order (article, paragraph, sentence), each with its reasons.

    Plain SQL through a :class:`~verify.db.reader.Reader` (or a session's
    connection): ``verify report unsupported`` starts without the ORM.
    """
    reader = as_reader(source)
    rows, _ = list_claims(reader, ClaimFilter(article=options.article))
    facts = Facts(options, anchor_claims(reader), current_signoffs(reader))
    listed = [(row, reasons) for row in rows if (reasons := reasons_for(row, facts))]
    notes = latest_notes(reader, [row.id for row, _ in listed] if len(listed) <= 500 else None)
    return [
        UnsupportedClaim(
            **row_fields(row), reasons=tuple(reasons), signoff=facts.signed.get(row.id), latest_note=notes.get(row.id)
        )
        for row, reasons in listed
    ]


def by_paragraph(rows: list[UnsupportedClaim]) -> list[tuple[tuple[int, int], list[UnsupportedClaim]]]:
    """Group rows (already in article order) under (article_id, paragraph)."""
    groups: list[tuple[tuple[int, int], list[UnsupportedClaim]]] = []
    for row in rows:
        key = (row.article_id, row.paragraph)
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(row)
    return groups


def gate_message(rows: list[UnsupportedClaim]) -> str:
    """The one line the publication gate prints when it fails."""
    counts: dict[str, int] = {}
    for row in rows:
        for reason in row.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    detail = ", ".join(f"{counts[r]} {r}" for r in REASONS if r in counts)
    noun = "claim is" if len(rows) == 1 else "claims are"
    return f"publication gate failed: {len(rows)} {noun} not supported ({detail})"
