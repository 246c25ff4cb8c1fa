"""The rules a status change must satisfy — the only place they are written down.

Any status may follow any other; what a status *needs* is what is checked:

* ``verified`` and ``partly_verified`` need at least one supporting evidence
  that has not been retracted; and when a supporting evidence carries flags
  nobody has accepted yet (``evidence.flags`` non-empty and
  ``flags_accepted_at`` null: a number the source states differently, a name
  it does not mention, a hedge, a typed quote that differs), the verdict is
  refused unless the flags are accepted with a reason (``--accept-flags``);
* ``partly_verified`` also needs a note saying which part holds;
* ``disputed`` needs contradicting evidence, or a note given with the change;
* ``unsupported`` needs a note saying what was searched;
* ``withdrawn`` is set only by importing a revision the claim is missing from.

A ``verified`` or ``partly_verified`` claim that also has contradicting
evidence in force is a *conflict* (:func:`is_conflict`): the change is allowed
(the verdict may be right and the contradiction answered elsewhere), but it is
reported, listed by ``verify report unsupported`` and fails the publication gate.

A verdict of support may rest on *call notes* only (evidence of kind
``note``: what was said on a call recorded without a transcript, in the
reporter's words). That is allowed — a phone call is reporting — but never
silent: :func:`rests_on_call_notes` names it, the change says so, and every
view of the evidence shows a note as a note, not as a quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from verify.errors import RefusedChange

VERDICTS_ON_SUPPORT = ("verified", "partly_verified")


@dataclass(frozen=True)
class EvidenceCounts:
    supports: int = 0
    contradicts: int = 0
    context: int = 0


@dataclass(frozen=True)
class FlaggedEvidence:
    """A supporting evidence in force whose flags nobody has accepted yet."""

    evidence_id: int
    where: str  # "S/2023/370 para. 68"
    flags: tuple[dict[str, Any], ...]


class FlagsNotAccepted(RefusedChange):
    """A verdict resting on flagged evidence, asked for without ``--accept-flags``."""


def flag_kind(flag: dict[str, Any]) -> str:
    return str(flag.get("kind") or flag.get("type") or "flag")


def flag_detail(flag: dict[str, Any]) -> str:
    return str(flag.get("detail") or flag.get("message") or "")


def describe_flags(flagged: Sequence[FlaggedEvidence]) -> str:
    """``evidence 3 (S/2023/370 para. 14): number_mismatch (claim: up to 2,000; passage: about 1,600)``, …"""
    parts = []
    for item in flagged:
        flags = "; ".join(f"{flag_kind(f)} ({flag_detail(f)})" if flag_detail(f) else flag_kind(f) for f in item.flags)
        parts.append(f"evidence {item.evidence_id} ({item.where}): {flags}")
    return " · ".join(parts)


def is_conflict(status: str, evidence: EvidenceCounts) -> bool:
    """A verdict of support while contradicting evidence is still in force."""
    return status in VERDICTS_ON_SUPPORT and evidence.contradicts > 0


def rests_on_call_notes(status: str, supporting_kinds: Sequence[str]) -> bool:
    """A verdict of support whose supporting evidence in force are all notes of calls without a transcript."""
    return status in VERDICTS_ON_SUPPORT and bool(supporting_kinds) and all(k == "note" for k in supporting_kinds)


def check_status_change(
    claim_id: int,
    new: str,
    evidence: EvidenceCounts,
    note: str | None,
    *,
    by_reimport: bool = False,
    flagged: Sequence[FlaggedEvidence] = (),
    accept_flags: str | None = None,
) -> None:
    """Raise :class:`RefusedChange` with the reason when ``new`` is not allowed now.

    ``flagged`` is the claim's supporting evidence in force with unaccepted
    flags; ``accept_flags`` the reviewer's reason for relying on it anyway.
    """
    has_note = bool(note and note.strip())
    if new == "withdrawn" and not by_reimport:
        raise RefusedChange(
            f"claim {claim_id}: 'withdrawn' is set only when a new revision of the article drops the sentence"
        )
    if new in ("verified", "partly_verified") and evidence.supports == 0:
        raise RefusedChange(
            f"claim {claim_id}: '{new}' needs at least one supporting evidence; link one with 'verify evidence link'"
        )
    if new == "partly_verified" and not has_note:
        raise RefusedChange(f"claim {claim_id}: 'partly_verified' needs a --note saying which part is verified")
    if new in VERDICTS_ON_SUPPORT and flagged and not (accept_flags and accept_flags.strip()):
        raise FlagsNotAccepted(
            f"claim {claim_id}: '{new}' rests on flagged evidence: {describe_flags(flagged)}; "
            're-check it, then repeat with --accept-flags "why it holds" (or retract the evidence)'
        )
    if new == "disputed" and evidence.contradicts == 0 and not has_note:
        raise RefusedChange(f"claim {claim_id}: 'disputed' needs contradicting evidence or a --note saying why")
    if new == "unsupported" and not has_note:
        raise RefusedChange(f"claim {claim_id}: 'unsupported' needs a --note saying what was searched")
