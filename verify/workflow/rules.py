"""The rules a status change must satisfy — the only place they are written down.

Any status may follow any other; what a status *needs* is what is checked:

* ``verified`` and ``partly_verified`` need at least one supporting evidence
  that has not been retracted;
* ``disputed`` needs contradicting evidence, or a note given with the change;
* ``unsupported`` needs a note saying what was searched;
* ``withdrawn`` is set only by importing a revision the claim is missing from.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.db.vocabulary import CLAIM_KINDS, CLAIM_STATUSES
from verify.errors import RefusedChange, VerifyError


@dataclass(frozen=True)
class EvidenceCounts:
    supports: int = 0
    contradicts: int = 0
    context: int = 0


def check_status_name(status: str) -> str:
    value = status.strip().lower().replace("-", "_").replace(" ", "_")
    if value not in CLAIM_STATUSES:
        raise VerifyError(f"unknown status {status!r}; use one of: {', '.join(CLAIM_STATUSES)}")
    return value


def check_kind_name(kind: str) -> str:
    value = kind.strip().lower()
    if value not in CLAIM_KINDS:
        raise VerifyError(f"unknown kind {kind!r}; use one of: {', '.join(CLAIM_KINDS)}")
    return value


def check_status_change(
    claim_id: int, new: str, evidence: EvidenceCounts, note: str | None, *, by_reimport: bool = False
) -> None:
    """Raise :class:`RefusedChange` with the reason when ``new`` is not allowed now."""
    has_note = bool(note and note.strip())
    if new == "withdrawn" and not by_reimport:
        raise RefusedChange(
            f"claim {claim_id}: 'withdrawn' is set only when a new revision of the article drops the sentence"
        )
    if new in ("verified", "partly_verified") and evidence.supports == 0:
        raise RefusedChange(
            f"claim {claim_id}: '{new}' needs at least one supporting evidence; link one with 'verify evidence link'"
        )
    if new == "disputed" and evidence.contradicts == 0 and not has_note:
        raise RefusedChange(f"claim {claim_id}: 'disputed' needs contradicting evidence or a --note saying why")
    if new == "unsupported" and not has_note:
        raise RefusedChange(f"claim {claim_id}: 'unsupported' needs a --note saying what was searched")
