"""schema.org ClaimReview markup for claims with a final verdict (Google's fact-check markup).

Status -> rating (``ratingValue`` on a 1–5 scale; ``alternateName`` is the
textual verdict that readers and search engines show)::

    verified         5  True
    partly_verified  3  Partly true
    unsupported      2  Unsupported
    disputed         1  Disputed

Other statuses (unreviewed, in_progress, opinion, withdrawn) are not verdicts
and get no ClaimReview.

``url`` is the review's address: ``--review-url`` (``{id}`` is replaced by the
claim id; without it ``#claim-<id>`` is appended), else the article URL plus
``#claim-<id>`` — the anchor the annotated copy gives each claim. ``author``
is ``--org`` as an Organization, else the reviewer who set the verdict.
``datePublished`` is the date of that verdict. ``claimReviewed`` is cut to
fewer than 75 characters at a word boundary, as Google asks.

ClaimReview is published, so it names no internal source: it cites no
source at all, and where a verdict of support rests only on internal
sources (interview notes, a call, the newsroom's own documents) its
``reviewBody`` says so in the configured wording
(:func:`verify.reports.public.internal_wording`, by default "Confirmed by
the newsroom's own reporting.").
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from verify.db.models import Article, Event
from verify.db.queries.articles import articles_by_id, find_article
from verify.db.queries.claims import claims_in_order
from verify.db.queries.events import status_events
from verify.db.queries.evidence import in_force
from verify.db.queries.sources import sources_by_id
from verify.errors import VerifyError
from verify.reports.public import internal_wording, rests_only_on_internal, sentence

RATINGS = {
    "verified": (5, "True"),
    "partly_verified": (3, "Partly true"),
    "unsupported": (2, "Unsupported"),
    "disputed": (1, "Disputed"),
}
MAX_CLAIM_CHARS = 74  # "under 75 characters"


def short_claim(text: str, limit: int = MAX_CLAIM_CHARS) -> str:
    """The claim cut at a word boundary to at most ``limit`` characters, with an ellipsis if cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:—-") + "…"


def review_url(article: Article, claim_id: int, template: str | None) -> str:
    if template:
        return template.replace("{id}", str(claim_id)) if "{id}" in template else f"{template}#claim-{claim_id}"
    if not article.url:
        raise VerifyError(
            f"article {article.id} has no URL to point the reviews at; pass --review-url URL (or re-import it with "
            "--url)"
        )
    return f"{article.url.split('#', 1)[0]}#claim-{claim_id}"


def _verdicts(session: Session, claim_ids: list[int]) -> dict[int, Event]:
    """The event that set each claim's current status."""
    verdicts: dict[int, Event] = {}
    for event in status_events(session, claim_ids):
        verdicts[event.claim_id] = event  # type: ignore[index]
    return verdicts


def internal_only(session: Session, claim_ids: list[int]) -> set[int]:
    """The claims whose supporting evidence in force cites internal sources only."""
    evidence = [e for e in in_force(session, claim_ids=claim_ids) if e.stance == "supports"]
    sources = {s.id: s for s in sources_by_id(session, {e.source_id for e in evidence})}
    cited: dict[int, list[Any]] = {}
    for item in evidence:
        cited.setdefault(item.claim_id, []).append(sources[item.source_id])
    return {claim_id for claim_id, used in cited.items() if rests_only_on_internal(used)}


def _appearance(article: Article) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        work["url"] = article.url
    if article.published:
        work["datePublished"] = article.published
    if article.author:
        work["author"] = {"@type": "Person", "name": article.author}
    elif article.publication:
        work["author"] = {"@type": "Organization", "name": article.publication}
    return work


def claim_reviews(
    session: Session,
    *,
    article_id: int | None = None,
    org: str | None = None,
    review_url_template: str | None = None,
    wording: str | None = None,
) -> list[dict[str, Any]]:
    """One ClaimReview object per claim with a final status, in article order.

    ``wording`` replaces the default words for a verdict resting only on internal sources.
    """
    if article_id is not None and find_article(session, article_id) is None:
        raise VerifyError(f"no article with id {article_id}; see 'verify status'")
    claims = claims_in_order(session, article_id=article_id, statuses=RATINGS)
    articles = {a.id: a for a in articles_by_id(session)}
    verdicts = _verdicts(session, [c.id for c in claims])  # type: ignore[misc]
    internal = internal_only(session, [c.id for c in claims if c.status in ("verified", "partly_verified")])  # type: ignore[misc]
    reviews = []
    for claim in claims:
        article = articles[claim.article_id]
        verdict = verdicts.get(claim.id)  # type: ignore[arg-type]
        value, name = RATINGS[claim.status]
        reviewer = verdict.actor if verdict else claim.updated_by
        item: dict[str, Any] = {"@type": "Claim", "appearance": [_appearance(article)]}
        if article.published:
            item["datePublished"] = article.published
        if article.author:
            item["author"] = {"@type": "Person", "name": article.author}
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": review_url(article, claim.id, review_url_template),  # type: ignore[arg-type]
            "claimReviewed": short_claim(claim.text),
            "datePublished": (verdict.at if verdict else claim.updated_at)[:10],
            "author": {"@type": "Organization", "name": org} if org else {"@type": "Person", "name": reviewer},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": value,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": name,
            },
            "itemReviewed": item,
        }
        if claim.id in internal:
            review["reviewBody"] = sentence(internal_wording(wording))
        reviews.append(review)
    return reviews
