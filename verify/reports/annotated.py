"""The annotated copy: the article as a reader sees it, each claim marked by its status.

Status is shown three ways so the page works in greyscale, in print and for
colour-blind readers: a background colour (Okabe–Ito palette), an underline
style, and a text label in front of the claim. Each claim with evidence links
to its numbered note, which is the appendix's note (same numbers), printed
below the article with the bibliography.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from verify.db.queries.articles import latest_revision
from verify.errors import VerifyError
from verify.reports.appendix import appendix_data, article_claims, pick_article
from verify.reports.appendix_render import bibliography_html, byline, notes_html, status_label
from verify.reports.html import esc, link, page
from verify.workflow.signoff_state import current_signoffs

# status: (label, background, accent, underline style) — order is the legend's and the summary bar's.
STATUS_STYLES = {
    "verified": ("Verified", "#d4efe6", "#009E73", "solid"),
    "partly_verified": ("Partly verified", "#fbf3c4", "#b8a600", "dashed"),
    "disputed": ("Disputed", "#f8d9c4", "#D55E00", "double"),
    "unsupported": ("Unsupported", "#f3dcea", "#CC79A7", "dotted"),
    "in_progress": ("In progress", "#d9ecfa", "#56B4E9", "solid"),
    "unreviewed": ("Unreviewed", "transparent", "#999999", "none"),
    "opinion": ("Opinion", "#e6e6f5", "#6a5acd", "none"),
}
MEANINGS = {
    "verified": "supported by the evidence cited",
    "partly_verified": "supported in part; see the note",
    "disputed": "contradicted by evidence or disputed by a reviewer",
    "unsupported": "searched, no supporting source found",
    "in_progress": "being checked",
    "unreviewed": "not checked yet",
    "opinion": "opinion, not a checkable claim",
}


def annotated_data(session: Session, article_id: int | None = None) -> dict[str, Any]:
    """The article's paragraphs cut into plain text and claim segments, plus the appendix's notes."""
    article = pick_article(session, article_id)
    revision = latest_revision(session, article.id)  # type: ignore[arg-type]
    if revision is None:
        raise VerifyError(f"article {article.id} has no text; import it with 'verify article add'")
    appendix = appendix_data(session, article.id, "claim")
    note_of = {c["id"]: n["number"] for n in appendix["notes"] for c in n["claims"]}
    claims = [c for c in article_claims(session, article.id) if c.revision_id == revision.id]  # type: ignore[arg-type]
    signed = current_signoffs(session, [c.id for c in claims])  # type: ignore[misc]
    paragraphs = []
    for number, (start, end) in enumerate(revision.paragraph_spans, start=1):
        segments: list[dict[str, Any]] = []
        position = start
        for claim in (c for c in claims if c.paragraph == number and start <= c.start < c.end <= end):
            if claim.start < position:  # overlapping spans cannot both be marked; keep the first
                continue
            if claim.start > position:
                segments.append({"text": revision.text[position : claim.start]})
            segments.append(
                {
                    "text": revision.text[claim.start : claim.end],
                    "claim": claim.id,
                    "status": claim.status,
                    "note": note_of.get(claim.id),
                    "signoff": signed.get(claim.id),  # type: ignore[arg-type]
                }
            )
            position = claim.end
        if position < end:
            segments.append({"text": revision.text[position:end]})
        paragraphs.append(segments)
    counts = {status: 0 for status in STATUS_STYLES}
    for claim in claims:
        counts[claim.status] = counts.get(claim.status, 0) + 1
    return {
        "article": appendix["article"],
        "paragraphs": paragraphs,
        "counts": counts,
        "signed_off": len(signed),
        "appendix": appendix,
    }


ANNOTATED_CSS = """
body { max-width: 48rem; }
.claim { padding: .05rem .1rem; border-bottom: 3px solid transparent; -webkit-box-decoration-break: clone;
  box-decoration-break: clone; }
.label { font: bold .68rem/1 'DejaVu Sans', Arial, sans-serif; text-transform: uppercase; letter-spacing: .03em;
  border: 1px solid currentColor; border-radius: 3px; padding: .05rem .25rem; margin-right: .25rem;
  background: #fff; color: #1a1a1a; vertical-align: .1rem; }
.ref { font: .75rem/1 'DejaVu Sans', Arial, sans-serif; }
.summary { margin: 1rem 0; }
.bar { display: flex; height: 1.4rem; border: 1px solid #999; margin: .4rem 0; }
.bar span { display: block; height: 100%; border-right: 1px solid #fff; }
.legend { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
  gap: .3rem .8rem; font-size: .9rem; }
.article p { margin: 0 0 1rem; }
@media print { .claim, .bar span { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def status_css() -> str:
    rules = []
    for status, (_, background, accent, line) in STATUS_STYLES.items():
        border = "none" if line == "none" else f"3px {line} {accent}"
        rules.append(f".st-{status} {{ background: {background}; border-bottom: {border}; }}")
        rules.append(f".st-{status} .label {{ border-color: {accent}; }}")
        rules.append(f".bar .st-{status} {{ background: {accent}; border-bottom: none; }}")
    rules.append(".st-unreviewed .label { color: #666; font-weight: normal; }")
    return "\n".join(rules) + "\n"


def label_of(status: str) -> str:
    return STATUS_STYLES.get(status, (status_label(status).capitalize(), "", "", ""))[0]


def _claim_html(segment: dict[str, Any]) -> str:
    status, cid, note = segment["status"], segment["claim"], segment["note"]
    label = label_of(status) + (" · signed off" if segment["signoff"] else "")
    tip = f"Claim {cid}: {status_label(status)}" + (
        f", signed off by {segment['signoff']['by']}" if segment["signoff"] else ""
    )
    ref = f'<sup class="ref"><a href="#note-{note}" aria-label="note {note}">[{note}]</a></sup>' if note else ""
    return (
        f'<span class="claim st-{esc(status)}" id="claim-{cid}" data-claim="{cid}" data-status="{esc(status)}" '
        f'title="{esc(tip)}"><span class="label">{esc(label)}</span>{esc(segment["text"])}{ref}</span>'
    )


def summary_html(data: dict[str, Any]) -> str:
    counts = {s: n for s, n in data["counts"].items() if n}
    total = sum(counts.values()) or 1
    bar = "".join(
        f'<span class="st-{esc(s)}" style="width: {100 * n / total:.3f}%" title="{esc(label_of(s))}: {n}"></span>'
        for s, n in counts.items()
    )
    words = " · ".join(f"<strong>{n}</strong> {esc(label_of(s).lower())}" for s, n in counts.items())
    return (
        f'<section class="summary" id="summary" aria-label="summary">\n<div class="bar" role="img" '
        f'aria-label="claims by status">{bar}</div>\n<p>{sum(counts.values())} claims: {words}. '
        f"<strong>{data['signed_off']}</strong> verdicts signed off.</p>\n</section>\n"
    )


def legend_html() -> str:
    items = "".join(
        f'<li><span class="claim st-{s}"><span class="label">{esc(label)}</span></span> {esc(MEANINGS[s])}</li>\n'
        for s, (label, *_rest) in STATUS_STYLES.items()
    )
    return f'<section id="legend">\n<h2>Legend</h2>\n<ul class="legend">\n{items}</ul>\n</section>\n'


def render_annotated(data: dict[str, Any]) -> str:
    article = data["article"]
    meta = " · ".join(p for p in (esc(byline(article)), link(article["url"])) if p)
    paragraphs = "".join(
        "<p>" + "".join(_claim_html(s) if "claim" in s else esc(s["text"]) for s in segments) + "</p>\n"
        for segments in data["paragraphs"]
    )
    body = (
        f"<header>\n<h1>{esc(article['title'])}</h1>\n"
        + (f'<p class="meta">{meta}</p>\n' if meta else "")
        + '<p class="meta">Annotated copy: every claim is marked with the status of its fact-check.</p>\n</header>\n'
        + summary_html(data)
        + legend_html()
        + f'<section id="article" class="article">\n<h2>Article</h2>\n{paragraphs}</section>\n'
        + '<section id="notes">\n<h2>Notes</h2>\n'
        + notes_html(data["appendix"])
        + "</section>\n"
        + '<section id="bibliography">\n<h2>Sources</h2>\n'
        + bibliography_html(data["appendix"])
        + "</section>\n"
    )
    return page(f"Annotated: {article['title']}", body, ANNOTATED_CSS + status_css())
