"""The public appendix as Markdown, as an HTML fragment to paste into a CMS, or as one HTML page.

The fragment is a single ``<section class="verify-appendix">``: no
``<html>``/``<head>``/``<body>``, no script, nothing that loads anything, and
its styles (one ``<style>`` element, left out with ``style=False``) are all
scoped under ``.verify-appendix`` so they cannot restyle the page around it.
Each claim's element has the id ``claim-<id>``, the same anchor as the
annotated copy and the ClaimReview ``url``, so links to it survive re-publishing.
All user text is escaped (:mod:`verify.reports.html`, :mod:`verify.reports.markdown`).
"""

from __future__ import annotations

from typing import Any

from verify.reports.appendix_render import html_citation, md_citation
from verify.reports.html import bdi, esc, link, page
from verify.reports.markdown import md_text, md_url

SCOPE = "verify-appendix"
STANCES = {"supports": "Supports", "contradicts": "Contradicts", "context": "Context"}
HEADING = "How this article was checked"

# Every selector starts with .verify-appendix (a test checks it): the fragment never styles its host page.
FRAGMENT_CSS = """
.verify-appendix { font: inherit; line-height: 1.5; overflow-wrap: anywhere; }
.verify-appendix h2 { font-size: 1.25em; margin: 1.5em 0 .4em; }
.verify-appendix h3 { font-size: 1.05em; margin: 1.2em 0 .3em; }
.verify-appendix .va-legend { margin: .3em 0 1em; padding: 0; list-style: none; font-size: .9em; }
.verify-appendix .va-claims { padding-left: 1.4em; }
.verify-appendix .va-claim { margin-bottom: 1.1em; }
.verify-appendix .va-verdict { font-weight: bold; }
.verify-appendix .va-claim-text { font-style: italic; }
.verify-appendix .va-note { margin: .3em 0; }
.verify-appendix .va-evidence { margin: .3em 0; padding-left: 1.1em; }
.verify-appendix blockquote { margin: .2em 0 .5em .4em; padding-left: .6em; border-left: 3px solid #bbb; }
.verify-appendix .va-stance { font-variant: small-caps; font-weight: bold; }
.verify-appendix .va-muted { color: #555; font-size: .9em; }
.verify-appendix a { overflow-wrap: anywhere; }
"""


def byline(article: dict[str, Any]) -> str:
    return " · ".join(p for p in (article["author"], article["publication"], article["published"]) if p)


# --- Markdown ---------------------------------------------------------------------------------


def render_public_markdown(data: dict[str, Any]) -> str:
    article = data["article"]
    out = [
        f"## {HEADING}",
        "",
        f"*{md_text(article['title'])}*" + (f" · {md_text(byline(article))}" if byline(article) else ""),
        "",
    ]
    if not data["claims"]:
        return "\n".join([*out, "No claim has been checked yet.", ""])
    out += [f"- **{md_text(v['label'])}**: {md_text(v['meaning'])}." for v in data["legend"]]
    out.append("")
    for number, claim in enumerate(data["claims"], start=1):
        out += [
            f'<a id="{claim["anchor"]}"></a>',
            f"**{number}. {md_text(claim['verdict'])}.** “{md_text(claim['text'])}”",
            "",
        ]
        out += [f"*Note:* {md_text(note)}" for note in claim["notes"]]
        if claim["notes"]:
            out.append("")
        for e in claim["evidence"]:
            url = f" {md_url(e['url'])}" if e["url"] else ""
            missing = " *No longer found in the current version of the source.*" if e["orphaned"] else ""
            out += [
                f"- **{STANCES.get(e['stance'], e['stance'])}:** {md_citation(e['citation_parts'])}.{url}{missing}",
                f"  > “{md_text(e['quote'])}”",
            ]
        if claim["evidence"]:
            out.append("")
        if claim.get("internal_only"):
            out += [f"*{md_text(claim['internal_only'])}*", ""]
    out += ["### Sources", ""]
    for entry in data["bibliography"]:
        parts = [f"- {md_citation(entry['citation_parts'])}."]
        if entry["url"]:
            parts.append(md_url(entry["url"]))
        if entry["retrieved"]:
            parts.append(f"Retrieved {md_text(entry['retrieved'])}.")
        out.append(" ".join(parts))
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML -------------------------------------------------------------------------------------


def _evidence_html(e: dict[str, Any]) -> str:
    parts = [f'<span class="va-stance">{esc(STANCES.get(e["stance"], e["stance"]))}:</span>']
    parts.append(f"{html_citation(e['citation_parts'])}.")
    if e["url"]:
        parts.append(link(e["url"]))
    if e["orphaned"]:
        parts.append('<span class="va-muted">No longer found in the current version of the source.</span>')
    return f"<li>{' '.join(parts)}<blockquote>“{bdi(e['quote'])}”</blockquote></li>\n"


def _claim_html(number: int, claim: dict[str, Any]) -> str:
    notes = "".join(f'<p class="va-note"><strong>Note:</strong> {bdi(n)}</p>\n' for n in claim["notes"])
    evidence = (
        '<ul class="va-evidence">\n' + "".join(_evidence_html(e) for e in claim["evidence"]) + "</ul>\n"
        if claim["evidence"]
        else ""
    )
    internal = f'<p class="va-note">{bdi(claim["internal_only"])}</p>\n' if claim.get("internal_only") else ""
    return (
        f'<li id="{esc(claim["anchor"])}" class="va-claim" value="{number}">\n'
        f'<p><span class="va-verdict">{esc(claim["verdict"])}.</span> '
        f'<span class="va-claim-text">“{bdi(claim["text"])}”</span></p>\n{notes}{evidence}{internal}</li>\n'
    )


def render_public_fragment(data: dict[str, Any], *, style: bool = True) -> str:
    """The ``<section>`` to embed under the article (see the module docstring)."""
    article = data["article"]
    meta = " · ".join(p for p in (f"<cite>{esc(article['title'])}</cite>", esc(byline(article))) if p)
    out = [f'<section class="{SCOPE}" lang="en">\n']
    if style:
        out.append(f"<style>{FRAGMENT_CSS}</style>\n")
    out.append(f'<h2>{esc(HEADING)}</h2>\n<p class="va-muted">{meta}</p>\n')
    if not data["claims"]:
        out.append("<p>No claim has been checked yet.</p>\n</section>\n")
        return "".join(out)
    out.append('<ul class="va-legend">\n')
    out += [f"<li><strong>{esc(v['label'])}</strong>: {esc(v['meaning'])}.</li>\n" for v in data["legend"]]
    out.append('</ul>\n<ol class="va-claims">\n')
    out += [_claim_html(n, c) for n, c in enumerate(data["claims"], start=1)]
    out.append('</ol>\n<h3>Sources</h3>\n<ul class="va-bib">\n')
    for entry in data["bibliography"]:
        parts = [f"{html_citation(entry['citation_parts'])}."]
        if entry["url"]:
            parts.append(link(entry["url"]))
        if entry["retrieved"]:
            parts.append(f"Retrieved {esc(entry['retrieved'])}.")
        out.append(f"<li>{' '.join(parts)}</li>\n")
    out.append("</ul>\n</section>\n")
    return "".join(out)


def render_public_page(data: dict[str, Any], *, style: bool = True) -> str:
    """The fragment in a self-contained page (for review before pasting, or to publish as it is)."""
    return page(f"{HEADING}: {data['article']['title']}", render_public_fragment(data, style=style))
