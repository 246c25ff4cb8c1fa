"""The public appendix: what a reader may see of the checking, and nothing of the desk's workings.

Each checked claim (a final verdict: verified, partly verified, disputed,
unsupported) is listed in article order with its full sentence, its verdict
in words, the explanation notes written for readers (``claim note --public``),
and the evidence: the quoted passage, its citation with the locator, and a
link to the source. A bibliography of the cited sources follows.

Left out on purpose: claim ids (except inside the ``#claim-<id>`` anchor,
which must stay stable when other claims are checked later), reviewer
log-ins, internal notes, the number of claims not reviewed yet, hashes,
file paths and the timestamps of internal actions. Claims without a verdict
and claims in conflict (a verdict of support while contradicting evidence is
in force) are not shown: nothing public may be said about them yet.

The legend promises that a partly verified or disputed claim is explained
"in the note": such a claim without a public note is refused (naming the
claims and the command to write the note), so the promise is always kept.

:func:`is_public_source` is the one place deciding whether a source may be
cited publicly; evidence from a source it rejects is left out everywhere the
public sees (this appendix, ClaimReview).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from verify.db.models import Claim, Evidence, Source
from verify.db.queries.events import public_note_rows
from verify.db.queries.evidence import in_force
from verify.db.queries.sources import sources_by_id
from verify.errors import VerifyError
from verify.reports.appendix import STANCE_ORDER, article_claims, pick_article
from verify.reports.citation import citation_parts, long_date
from verify.workflow.rules import EvidenceCounts, is_conflict


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a final status reads to the public: a label, and what it means (the legend)."""

    label: str
    meaning: str
    needs_note: bool  # the meaning promises an explanation in the claim's note


# In the order of the legend. ClaimReview's alternateName uses the same labels.
VERDICTS: dict[str, Verdict] = {
    "verified": Verdict("Verified", "the cited sources support the claim", False),
    "partly_verified": Verdict("Partly verified", "the cited sources support part of the claim; see the note", True),
    "disputed": Verdict("Disputed", "evidence contradicts the claim; see the note", True),
    "unsupported": Verdict("Unsupported by the cited sources", "no source we checked supports the claim", False),
}


# What a public output says of a verdict that rests only on internal sources (config key ``internal_wording``).
DEFAULT_INTERNAL_WORDING = "confirmed by the newsroom's own reporting"


def internal_wording(configured: str | None = None) -> str:
    """The wording for a verdict resting only on internal sources: the configured one, else the default."""
    text = " ".join((configured or "").split())
    return text or DEFAULT_INTERNAL_WORDING


def is_public_source(source: Any) -> bool:
    """Whether a source may be named in public outputs (the one place this is decided).

    Takes a ``Source`` row, a catalogue entry or any object with an
    ``internal`` attribute, or a dict with an ``internal`` key (an appendix
    citation or bibliography entry); anything that does not say is public.
    """
    internal = source.get("internal") if isinstance(source, dict) else getattr(source, "internal", False)
    return internal is not True


def rests_only_on_internal(sources: Iterable[Any]) -> bool:
    """True when a verdict's evidence cites sources and none of them is public."""
    seen = list(sources)
    return bool(seen) and not any(is_public_source(s) for s in seen)


def sentence(text: str) -> str:
    """``confirmed by …`` -> ``Confirmed by ….``: the wording as a sentence of its own."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _citation(evidence: Evidence, source: Source) -> dict[str, Any]:
    return {
        "stance": evidence.stance,
        "citation_parts": citation_parts(source, evidence.locator),
        "url": source.url or source.final_url,
        "quote": evidence.quote,
        "orphaned": evidence.anchor == "orphaned",
    }


def public_claims(
    session: Session, claims: list[Claim], wording: str | None = None
) -> tuple[list[dict[str, Any]], dict[int, Source]]:
    """The checked claims a reader may see, in article order, and the sources their evidence cites.

    A verdict whose evidence comes only from internal sources (interview
    notes, calls, the newsroom's documents) shows no evidence but says so in
    the configured ``wording`` (:func:`internal_wording`)."""
    rows = in_force(session, claim_ids=[c.id for c in claims])  # type: ignore[misc]
    sources = {s.id: s for s in sources_by_id(session, {e.source_id for e in rows})}
    rows.sort(key=lambda e: (STANCE_ORDER.get(e.stance, 9), e.id))
    notes: dict[int, list[str]] = {}
    for claim_id, text in public_note_rows(session, [c.id for c in claims]):  # type: ignore[misc]
        notes.setdefault(claim_id, []).append(text)
    shown: list[dict[str, Any]] = []
    used: dict[int, Source] = {}
    for claim in claims:
        if claim.status not in VERDICTS:
            continue
        evidence = [e for e in rows if e.claim_id == claim.id]
        contradicts = sum(1 for e in evidence if e.stance == "contradicts")
        if is_conflict(claim.status, EvidenceCounts(contradicts=contradicts)):
            continue
        public = [e for e in evidence if is_public_source(sources[e.source_id])]  # type: ignore[index]
        used.update({e.source_id: sources[e.source_id] for e in public})  # type: ignore[index]
        shown.append(
            {
                "anchor": f"claim-{claim.id}",
                "text": claim.text,
                "status": claim.status,
                "verdict": VERDICTS[claim.status].label,
                "notes": notes.get(claim.id, []),  # type: ignore[arg-type]
                "evidence": [_citation(e, sources[e.source_id]) for e in public],  # type: ignore[index]
                "internal_only": (
                    sentence(internal_wording(wording))
                    if rests_only_on_internal(sources[e.source_id] for e in evidence if e.stance != "contradicts")
                    else None
                ),
                "claim_id": claim.id,  # for the refusal message only; renderers never print it
            }
        )
    return shown, used


def check_promises(claims: list[dict[str, Any]]) -> None:
    """Refuse when a verdict whose meaning says "see the note" has no public note."""
    missing = [c for c in claims if VERDICTS[c["status"]].needs_note and not c["notes"]]
    if missing:
        ids = ", ".join(str(c["claim_id"]) for c in missing)
        first = missing[0]["claim_id"]
        raise VerifyError(
            f"the public appendix promises an explanation for partly verified and disputed claims, and claim(s) {ids} "
            f"have none; write one with 'verify claim note {first} TEXT --public'"
        )


def public_appendix_data(
    session: Session, article_id: int | None = None, *, wording: str | None = None
) -> dict[str, Any]:
    """Everything the public appendix shows, as plain data (see the module docstring)."""
    article = pick_article(session, article_id)
    claims, sources = public_claims(session, article_claims(session, article.id), wording)  # type: ignore[arg-type]
    check_promises(claims)
    used = [s for s in sorted(sources.values(), key=lambda s: (s.key, s.version))]
    # The retrieval date is the access date a citation of a web page gives; a file the desk added from its
    # own disk has no address a reader could visit, and the day it was archived is internal.
    bibliography = [
        {
            "citation_parts": citation_parts(s),
            "url": s.url or s.final_url,
            "retrieved": long_date(s.retrieved_at) if s.url or s.final_url else None,
        }
        for s in used
    ]
    return {
        "article": {
            "title": article.title,
            "author": article.author,
            "publication": article.publication,
            "url": article.url,
            "published": long_date(article.published),
        },
        "legend": [
            {"status": status, "label": v.label, "meaning": v.meaning}
            for status, v in VERDICTS.items()
            if any(c["status"] == status for c in claims)
        ],
        "claims": claims,
        "bibliography": _unique(bibliography),
    }


def _unique(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One bibliography line per distinct citation (two archived versions of a source read the same)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for entry in entries:
        key = (entry["citation_parts"], entry["url"])
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out
