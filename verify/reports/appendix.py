"""The sourcing appendix published with a piece: notes, bibliography, and what is not sourced.

:func:`appendix_data` gathers plain data; :mod:`verify.reports.appendix_render`
turns it into Markdown or HTML. Everything is ordered by article position and
ids, and no "now" appears anywhere, so the same database gives the same bytes.

Notes are numbered in article order: one per claim with evidence in force
and a verdict (``by="claim"``), or one per paragraph (``by="paragraph"``).
A claim without a verdict (``unreviewed`` or ``in_progress``, which includes a
claim edited in the latest revision) gets no note even when evidence hangs on
it: nobody has yet said that evidence holds, so it is listed under "Not yet
supported" (reason ``no_verdict``, and ``changed`` when edited) instead. A claim in
*conflict* (``verified`` or ``partly_verified`` with contradicting evidence in
force) gets no note either: it would cite one passage as support and another
(or the same) as contradiction under a verdict of support; it is listed under
"Not yet supported" with the reason ``conflict``. Within a note the evidence is
ordered supports, contradicts, context, then by id.

This is the internal appendix: internal sources (interview notes, calls, the
newsroom's own documents) are cited and marked as such, and a note of a call
without a transcript is shown as a note, not as a quote. Public outputs ask
:mod:`verify.reports.public` what they may name.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from verify.db.models import Article, ArticleRevision, Claim, Evidence, Source
from verify.db.queries.articles import articles_by_id, find_article, latest_revision
from verify.db.queries.claims import claims_in_order
from verify.db.queries.evidence import in_force
from verify.db.queries.sources import sources_by_id
from verify.errors import NotFound, VerifyError
from verify.reports.citation import citation_parts, long_date, source_citation, source_entry
from verify.reports.unsupported import NO_VERDICT, UnsupportedOptions, unsupported_claims
from verify.workflow.rules import EvidenceCounts, is_conflict
from verify.workflow.signoff_state import current_signoffs

STANCE_ORDER = {"supports": 0, "contradicts": 1, "context": 2}
GROUPINGS = ("claim", "paragraph")


def pick_article(session: Session, article_id: int | None) -> Article:
    """The article asked for, or the only one; several articles need ``--article``."""
    if article_id is not None:
        article = find_article(session, article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}; see 'verify status'")
        return article
    articles = articles_by_id(session, limit=2)
    if not articles:
        raise VerifyError("the database holds no article; import one with 'verify article add PATH'")
    if len(articles) > 1:
        raise VerifyError("the database holds several articles; choose one with --article ID (see 'verify status')")
    return articles[0]


def article_claims(session: Session, article_id: int) -> list[Claim]:
    """The claims of the article as it stands (withdrawn ones are no longer in it)."""
    return claims_in_order(session, article_id=article_id)


def article_header(article: Article, revision: ArticleRevision | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "author": article.author,
        "publication": article.publication,
        "url": article.url,
        "published": long_date(article.published),
        "revision": revision.number if revision else None,
    }


def _citation(evidence: Evidence, source: Source) -> dict[str, Any]:
    return {
        "evidence_id": evidence.id,
        "claim_id": evidence.claim_id,
        "stance": evidence.stance,
        "source": source.key,
        "citation": source_citation(source, evidence.locator),
        "citation_parts": citation_parts(source, evidence.locator),
        "url": source.url or source.final_url,
        "retrieved": long_date(source.retrieved_at),
        "quote": evidence.quote,
        "orphaned": evidence.anchor == "orphaned",
        # A quote linked although it differed from the source: what was typed, each difference, and why it was accepted.
        "differences": [f.get("detail") for f in evidence.flags or [] if f.get("kind") == "quote_difference"],
        "submitted_quote": evidence.submitted_quote if evidence.difference_reason else None,
        "difference_reason": evidence.difference_reason,
        # A note of what was said on a call without a transcript: shown as a note, never as a quote.
        "note_of_call": evidence.kind == "note",
        "internal": bool(source.internal),
    }


def evidence_by_claim(
    session: Session, claims: list[Claim]
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, Source]]:
    """Evidence in force per claim (as citations, in note order) and the sources it cites."""
    ids = [c.id for c in claims]
    rows = in_force(session, claim_ids=ids)
    sources = {s.id: s for s in sources_by_id(session, {e.source_id for e in rows})}
    rows.sort(key=lambda e: (STANCE_ORDER.get(e.stance, 9), e.id))
    cited: dict[int, list[dict[str, Any]]] = {}
    for evidence in rows:
        cited.setdefault(evidence.claim_id, []).append(_citation(evidence, sources[evidence.source_id]))
    return cited, sources  # type: ignore[return-value]


def claim_entry(claim: Claim, signed: dict[int, Any]) -> dict[str, Any]:
    return {
        "id": claim.id,
        "paragraph": claim.paragraph,
        "sentence": claim.sentence,
        "text": claim.text,
        "status": claim.status,
        "signoff": signed.get(claim.id),  # type: ignore[arg-type]
    }


def build_notes(
    claims: list[Claim], cited: dict[int, list[dict[str, Any]]], signed: dict[int, Any], by: str
) -> list[dict[str, Any]]:
    """Numbered notes in article order, one per claim or per paragraph with evidence and a verdict."""
    notes: list[dict[str, Any]] = []
    for claim in claims:
        citations = cited.get(claim.id)  # type: ignore[arg-type]
        if not citations or claim.status in NO_VERDICT or _in_conflict(claim, citations):
            continue
        if by == "paragraph" and notes and notes[-1]["paragraph"] == claim.paragraph:
            notes[-1]["claims"].append(claim_entry(claim, signed))
            notes[-1]["citations"].extend(citations)
            continue
        notes.append(
            {
                "number": len(notes) + 1,
                "paragraph": claim.paragraph,
                "claims": [claim_entry(claim, signed)],
                "citations": list(citations),
            }
        )
    return notes


def _in_conflict(claim: Claim, citations: list[dict[str, Any]]) -> bool:
    contradicts = sum(1 for c in citations if c["stance"] == "contradicts")
    return is_conflict(claim.status, EvidenceCounts(contradicts=contradicts))


def appendix_data(session: Session, article_id: int | None = None, by: str = "claim") -> dict[str, Any]:
    """Everything the appendix shows, as plain data (see the module docstring)."""
    if by not in GROUPINGS:
        raise VerifyError(f"unknown grouping {by!r}; use one of: {', '.join(GROUPINGS)}")
    article = pick_article(session, article_id)
    claims = article_claims(session, article.id)  # type: ignore[arg-type]
    cited, sources = evidence_by_claim(session, claims)
    signed = current_signoffs(session, [c.id for c in claims])  # type: ignore[misc]
    notes = build_notes(claims, cited, signed, by)
    used = {c["source"] for note in notes for c in note["citations"]}
    bibliography = [
        source_entry(s) for s in sorted(sources.values(), key=lambda s: (s.key, s.version)) if s.key in used
    ]
    open_claims = [
        {
            "id": row.id,
            "paragraph": row.paragraph,
            "sentence": row.sentence,
            "text": row.text,
            "status": row.status,
            "reasons": list(row.reasons),
            "latest_note": row.latest_note,
        }
        for row in unsupported_claims(session, UnsupportedOptions(article=article.id))
    ]
    statuses: dict[str, int] = {}
    for claim in claims:
        statuses[claim.status] = statuses.get(claim.status, 0) + 1
    return {
        "article": article_header(article, latest_revision(session, article.id)),  # type: ignore[arg-type]
        "by": by,
        "summary": {
            "claims": len(claims),
            "with_evidence": sum(1 for c in claims if c.id in cited),
            "by_status": dict(sorted(statuses.items())),
            "signed_off": len(signed),
        },
        "notes": notes,
        "bibliography": bibliography,
        "open_claims": open_claims,
    }
