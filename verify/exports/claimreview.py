"""schema.org ClaimReview for the checked claims of one article: the exchange format of fact-checkers.

One ClaimReview per claim of the public appendix
(:func:`verify.reports.public.public_claims`) whose verdict carries a current
sign-off; ``include_unsigned`` adds the verdicts nobody has signed off yet.

* ``url`` — the page where the public appendix is published (``--review-url``
  or ``review_url`` in verify.toml) plus ``#claim-<id>``, the anchor the
  appendix gives each claim; a fragment already in the URL is replaced.
* ``author`` — the organisation (``--org`` or ``organisation`` in
  verify.toml) as an ``Organization``; refused when neither is given, since a
  review by nobody is not a review.
* ``claimReviewed`` — the claim's whole sentence, never cut.
* ``itemReviewed`` — a ``Claim`` whose ``appearance`` is the article (its URL,
  headline and date) and whose ``author`` is the article's author (a
  ``Person``), or its publication (an ``Organization``) when no author is known.
* ``datePublished`` — the date of the sign-off, else of the verdict.
* ``reviewRating`` — by status (labels shared with the public appendix)::

      verified         ratingValue 5 of 1–5   "Verified"
      partly_verified  ratingValue 3 of 1–5   "Partly verified"
      disputed         ratingValue 1 of 1–5   "Disputed"
      unsupported      no ratingValue          "Unsupported by the cited sources"

  An unsupported claim is one no cited source supports, which is not the same
  as false: it gets no place on the true–false scale, only its words.

ClaimReview is published, so it names no internal source: it cites no
source at all, and where a verdict of support rests only on internal
sources (interview notes, a call, the newsroom's own documents) its
``reviewBody`` says so in the configured wording
(:func:`verify.reports.public.internal_wording`, by default "Confirmed by
the newsroom's own reporting.").

The JSON is meant to be pasted into the review page inside
``<script type="application/ld+json">``, so :func:`script_safe_json` writes
``<``, ``>`` and ``&`` as ``\\u003c``, ``\\u003e`` and ``\\u0026``: the same
JSON, but a claim quoting ``</script>`` cannot end the element early (which
would drop every review from the page and leave the rest of the text as markup).

Google retired the fact-check rich result in 2025; ClaimReview remains the
format in which fact-checkers exchange their reviews (e.g. with ClaimReview
aggregators and databases).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from verify.db.models import Article, Event
from verify.db.queries.events import status_events
from verify.errors import VerifyError
from verify.reports.appendix import article_claims, pick_article
from verify.reports.html import safe_url
from verify.reports.public import VERDICTS, public_claims
from verify.workflow.signoff_state import current_signoffs

# status -> ratingValue on a 1–5 scale, or None: not on the scale at all (see the module docstring).
RATING_VALUES: dict[str, int | None] = {"verified": 5, "partly_verified": 3, "disputed": 1, "unsupported": None}
BEST, WORST = 5, 1


def rating(status: str) -> dict[str, Any]:
    """The ``reviewRating`` of a final status."""
    value = RATING_VALUES[status]
    out: dict[str, Any] = {"@type": "Rating"}
    if value is not None:
        out.update({"ratingValue": value, "bestRating": BEST, "worstRating": WORST})
    out["alternateName"] = VERDICTS[status].label
    return out


def review_page(review_url: str | None) -> str:
    """The review page's address without a fragment; refused when missing or not an http(s) URL."""
    if not review_url:
        raise VerifyError(
            "ClaimReview needs the address where the public appendix is published: pass --review-url URL "
            "or set review_url in verify.toml"
        )
    if safe_url(review_url) is None:
        raise VerifyError(f"--review-url {review_url!r} is not an http(s) URL")
    return review_url.strip().split("#", 1)[0]


def _organisation(org: str | None) -> dict[str, Any]:
    name = (org or "").strip()
    if not name:
        raise VerifyError(
            "ClaimReview needs the organisation publishing the reviews: pass --org NAME or set organisation in "
            "verify.toml"
        )
    return {"@type": "Organization", "name": name}


def _article_author(article: Article) -> dict[str, Any] | None:
    if article.author:
        return {"@type": "Person", "name": article.author}
    if article.publication:
        return {"@type": "Organization", "name": article.publication}
    return None


def _appearance(article: Article) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        work["url"] = article.url
    if article.published:
        work["datePublished"] = article.published
    author = _article_author(article)
    if author:
        work["author"] = author
    return work


def _verdict_dates(session: Session, claim_ids: list[int]) -> dict[int, str]:
    """The date of the event that set each claim's current status."""
    dates: dict[int, str] = {}
    for event in status_events(session, claim_ids):
        dates[event.claim_id] = _date(event)  # type: ignore[index]
    return dates


def _date(event: Event) -> str:
    return event.at[:10]


@dataclass(frozen=True, slots=True)
class ClaimReviews:
    """The ClaimReview objects, and how many verdicts were left out for want of a sign-off (to say so)."""

    reviews: list[dict[str, Any]]
    unsigned: int
    article_id: int
    missing: tuple[str, ...]  # what the article does not record that itemReviewed should carry ("URL", "author")


def claim_reviews(
    session: Session,
    *,
    article_id: int | None = None,
    org: str | None = None,
    review_url: str | None = None,
    include_unsigned: bool = False,
    wording: str | None = None,
) -> ClaimReviews:
    """One ClaimReview object per signed-off verdict of the article's public appendix, in article order.

    ``wording`` replaces the default words for a verdict resting only on internal sources.
    """
    author = _organisation(org)
    page = review_page(review_url)
    article = pick_article(session, article_id)
    shown, _sources = public_claims(session, article_claims(session, article.id), wording)  # type: ignore[arg-type]
    ids = [c["claim_id"] for c in shown]
    signed = current_signoffs(session, ids)
    dates = _verdict_dates(session, ids)
    item_author = _article_author(article)
    reviews = []
    unsigned = 0
    for claim in shown:
        signoff = signed.get(claim["claim_id"])
        if signoff is None and not include_unsigned:
            unsigned += 1
            continue
        item: dict[str, Any] = {"@type": "Claim", "appearance": _appearance(article)}
        if item_author:
            item["author"] = item_author
        if article.published:
            item["datePublished"] = article.published
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{page}#{claim['anchor']}",
            "claimReviewed": " ".join(claim["text"].split()),
        }
        published = signoff["at"][:10] if signoff else dates.get(claim["claim_id"])
        if published:
            review["datePublished"] = published
        review.update({"author": author, "reviewRating": rating(claim["status"]), "itemReviewed": item})
        if claim["internal_only"] and claim["status"] in ("verified", "partly_verified"):
            review["reviewBody"] = claim["internal_only"]
        reviews.append(review)
    missing = tuple(name for name, value in (("URL", article.url), ("author", item_author)) if not value)
    return ClaimReviews(reviews, unsigned, article.id, missing)  # type: ignore[arg-type]


# Characters that can end or open markup inside a <script> element, as JSON escapes of the same characters.
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_safe_json(data: object) -> str:
    """Indented JSON that can be pasted inside ``<script type="application/ld+json">`` unchanged.

    JSON text carries ``<``, ``>`` and ``&`` only inside strings, where their
    ``\\u`` escapes mean the same characters to every JSON reader.
    """
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES) + "\n"
