"""The sourcing appendix as Markdown (for GitHub and CMSs) and as one self-contained HTML page.

Both take :func:`verify.reports.appendix.appendix_data` and nothing else, and
escape every piece of user text (see :mod:`verify.reports.markdown` and
:mod:`verify.reports.html`).
"""

from __future__ import annotations

from typing import Any

from verify.reports.html import bdi, esc, link, page
from verify.reports.markdown import md_text, md_url
from verify.reports.unsupported import REASON_MESSAGES

STANCE_LABELS = {"supports": "Supports", "contradicts": "Contradicts", "context": "Context"}
REASON_LABELS = REASON_MESSAGES  # reason name -> message, defined with the reasons


def md_citation(parts: tuple[str, str, str]) -> str:
    """A citation in Markdown, the title in italics."""
    before, title, after = parts
    lead = f"{md_text(before)} " if before.strip() else ""  # md_text folds the trailing space away
    return f"{lead}*{md_text(title)}*{md_text(after) if after else ''}"


def html_citation(parts: tuple[str, str, str]) -> str:
    """A citation in HTML, isolated as one piece of user text, the title in ``<cite>`` (italic)."""
    before, title, after = parts
    return f"<bdi>{esc(before)}<cite>{esc(title)}</cite>{esc(after)}</bdi>"


def status_label(status: str) -> str:
    return status.replace("_", " ")


def signoff_text(signoff: dict[str, Any] | None) -> str:
    return f"signed off by {signoff['by']}" if signoff else ""


def summary_line(data: dict[str, Any]) -> str:
    s = data["summary"]
    counts = ", ".join(f"{n} {status_label(k)}" for k, n in s["by_status"].items())
    return (
        f"{s['claims']} claims ({counts}); {s['with_evidence']} with evidence; {s['signed_off']} verdicts signed off."
    )


def byline(article: dict[str, Any]) -> str:
    parts = [article["author"], article["publication"], article["published"]]
    revision = f"revision {article['revision']}" if article["revision"] else None
    return " · ".join(p for p in [*parts, revision] if p)


def difference_text(citation: dict[str, Any]) -> str:
    """An accepted quote difference, as the appendix prints it under the source's words."""
    typed = (
        f"Linked as “{citation['submitted_quote']}”, which differs from the source: "
        if citation.get("submitted_quote")
        else "Differs from the source: "
    )
    why = f" Accepted because: {citation['difference_reason']}" if citation.get("difference_reason") else ""
    return typed + "; ".join(citation["differences"]) + "." + why


def claim_heading(claim: dict[str, Any]) -> str:
    extra = f" · {signoff_text(claim['signoff'])}" if claim["signoff"] else ""
    where = f"¶ {claim['paragraph']}, sentence {claim['sentence']}"
    return f"{where} · claim {claim['id']} · {status_label(claim['status'])}{extra}"


INTERNAL_MARK = "Internal source, not in the public appendix."
CALL_NOTE_LABEL = "Note of the call (no transcript; the reporter's words, not a quote):"


def retrieval(citation: dict[str, Any]) -> str:
    return f"Retrieved {citation['retrieved']}." if citation["retrieved"] else ""


def open_line(row: dict[str, Any]) -> tuple[str, str]:
    """(heading, reasons) of an unsupported claim, plain text."""
    reasons = "; ".join(REASON_LABELS.get(r, r) for r in row["reasons"])
    return (
        f"¶ {row['paragraph']}, sentence {row['sentence']} · claim {row['id']} · {status_label(row['status'])}",
        reasons,
    )


# --- Markdown ---------------------------------------------------------------------------------


def _md_citation(c: dict[str, Any], by: str) -> list[str]:
    claim = f" (claim {c['claim_id']})" if by == "paragraph" else ""
    orphaned = " *Not found in the current version of the source.*" if c["orphaned"] else ""
    internal = f" *{INTERNAL_MARK}*" if c.get("internal") else ""
    tail = " ".join(p for p in (md_url(c["url"]), md_text(retrieval(c)) if c["retrieved"] else "") if p)
    line = f"- **{STANCE_LABELS.get(c['stance'], c['stance'])}{claim}:** {md_citation(c['citation_parts'])}." + (
        f" {tail}" if tail else ""
    )
    said = (
        f"  {md_text(CALL_NOTE_LABEL)} {md_text(c['quote'])}"
        if c.get("note_of_call")
        else f"  > “{md_text(c['quote'])}”"
    )
    return [
        line + orphaned + internal,
        said,
        *([f"  {md_text(difference_text(c))}"] if c.get("differences") else []),
    ]


def bibliography_tail(entry: dict[str, Any]) -> str:
    """What the bibliography says of the archived copy: its hash, or why there is none."""
    if entry["sha256"]:
        return ""
    return "Call recorded without a transcript." if entry.get("unrecorded_call") else "Not retrieved."


def render_markdown(data: dict[str, Any]) -> str:
    article = data["article"]
    out = [f"# Sourcing appendix: {md_text(article['title'])}", ""]
    line = " · ".join(p for p in (md_text(byline(article)), md_url(article["url"])) if p)
    if line:
        out += [line, ""]
    out += [md_text(summary_line(data)), "", "## Notes", ""]
    if not data["notes"]:
        out += ["No claim has evidence yet.", ""]
    for note in data["notes"]:
        if data["by"] == "paragraph":
            out += [f"**{note['number']}.** ¶ {note['paragraph']}", ""]
            out += [f"- {md_text(claim_heading(c))}: “{md_text(c['text'])}”" for c in note["claims"]]
            out.append("")
        else:
            claim = note["claims"][0]
            out += [f"**{note['number']}.** {md_text(claim_heading(claim))}  ", f"“{md_text(claim['text'])}”", ""]
        for citation in note["citations"]:
            out += _md_citation(citation, data["by"])
        out.append("")
    out += ["## Bibliography", ""]
    if not data["bibliography"]:
        out += ["No source is cited yet.", ""]
    for entry in data["bibliography"]:
        parts = [f"- **{md_text(entry['key'])}**: {md_citation(entry['citation_parts'])}."]
        if entry["url"]:
            parts.append(md_url(entry["url"]))
        if entry["retrieved"]:
            parts.append(f"Retrieved {md_text(entry['retrieved'])}.")
        parts.append(f"SHA-256 `{entry['sha256']}`." if entry["sha256"] else bibliography_tail(entry))
        if entry.get("internal"):
            parts.append(f"*{INTERNAL_MARK}*")
        out.append(" ".join(parts))
    if data["bibliography"]:
        out.append("")
    out += ["## Not yet supported", ""]
    if not data["open_claims"]:
        out += ["Every checkable claim is supported.", ""]
    else:
        out += ["These claims are not presented as sourced.", ""]
    for row in data["open_claims"]:
        heading, reasons = open_line(row)
        out.append(f"- {md_text(heading)} ({md_text(reasons)}): “{md_text(row['text'])}”")
        if row["latest_note"]:
            note = row["latest_note"]
            out.append(f"  - Latest note, {md_text(note['author'])}, {note['at'][:10]}: {md_text(note['text'])}")
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML -------------------------------------------------------------------------------------

APPENDIX_CSS = """
.note-claim { margin: 0 0 .3rem; }
.claim-text { font-style: italic; }
.orphaned { color: #8a1c1c; font-weight: bold; }
.open li { margin-bottom: .6rem; }
.reasons { font-weight: bold; }
.hash { font-family: 'DejaVu Sans Mono', monospace; font-size: .8em; word-break: break-all; }
"""


def _html_citation(c: dict[str, Any], by: str) -> str:
    claim = f" (claim {c['claim_id']})" if by == "paragraph" else ""
    stance = esc(STANCE_LABELS.get(c["stance"], c["stance"]))
    parts = [f'<span class="stance">{stance}{claim}:</span> {html_citation(c["citation_parts"])}.']
    if c["url"]:
        parts.append(link(c["url"]))
    if c["retrieved"]:
        parts.append(esc(retrieval(c)))
    if c["orphaned"]:
        parts.append('<span class="orphaned">Not found in the current version of the source.</span>')
    if c.get("internal"):
        parts.append(f'<span class="internal">{esc(INTERNAL_MARK)}</span>')
    differs = f'<p class="differs">{esc(difference_text(c))}</p>' if c.get("differences") else ""
    said = (
        f'<p class="call-note">{esc(CALL_NOTE_LABEL)} {bdi(c["quote"])}</p>'
        if c.get("note_of_call")
        else f"<blockquote>“{bdi(c['quote'])}”</blockquote>"
    )
    return f'<div class="cite" id="evidence-{c["evidence_id"]}">{" ".join(parts)}{said}{differs}</div>\n'


def notes_html(data: dict[str, Any]) -> str:
    """The numbered notes as an ``<ol>``; each item's id is ``note-N`` (linked from the annotated copy)."""
    if not data["notes"]:
        return "<p>No claim has evidence yet.</p>\n"
    items = []
    for note in data["notes"]:
        claims = "".join(
            f'<p class="note-claim">{esc(claim_heading(c))}<br><span class="claim-text">“{esc(c["text"])}”</span></p>\n'
            for c in note["claims"]
        )
        cites = "".join(_html_citation(c, data["by"]) for c in note["citations"])
        items.append(f'<li id="note-{note["number"]}" value="{note["number"]}">\n{claims}{cites}</li>\n')
    return '<ol class="notes">\n' + "".join(items) + "</ol>\n"


def bibliography_html(data: dict[str, Any]) -> str:
    if not data["bibliography"]:
        return "<p>No source is cited yet.</p>\n"
    items = []
    for entry in data["bibliography"]:
        parts = [f"<strong>{bdi(entry['key'])}</strong>: {html_citation(entry['citation_parts'])}."]
        if entry["url"]:
            parts.append(link(entry["url"]))
        if entry["retrieved"]:
            parts.append(f"Retrieved {esc(entry['retrieved'])}.")
        parts.append(
            f'SHA-256 <span class="hash">{esc(entry["sha256"])}</span>.'
            if entry["sha256"]
            else esc(bibliography_tail(entry))
        )
        if entry.get("internal"):
            parts.append(f'<span class="internal">{esc(INTERNAL_MARK)}</span>')
        items.append(f"<li>{' '.join(parts)}</li>\n")
    return '<ul class="bib">\n' + "".join(items) + "</ul>\n"


def open_claims_html(data: dict[str, Any]) -> str:
    if not data["open_claims"]:
        return "<p>Every checkable claim is supported.</p>\n"
    items = []
    for row in data["open_claims"]:
        heading, reasons = open_line(row)
        note = ""
        if row["latest_note"]:
            n = row["latest_note"]
            note = (
                f'<br><span class="muted">Latest note, {bdi(n["author"])}, {esc(n["at"][:10])}:</span> {bdi(n["text"])}'
            )
        items.append(
            f'<li id="open-{row["id"]}">{esc(heading)} (<span class="reasons">{esc(reasons)}</span>): '
            f'<span class="claim-text">“{esc(row["text"])}”</span>{note}</li>\n'
        )
    return '<p>These claims are not presented as sourced.</p>\n<ul class="open">\n' + "".join(items) + "</ul>\n"


def render_html(data: dict[str, Any]) -> str:
    article = data["article"]
    meta = " · ".join(p for p in (esc(byline(article)), link(article["url"])) if p)
    body = (
        f"<header>\n<h1>Sourcing appendix: {esc(article['title'])}</h1>\n"
        + (f'<p class="meta">{meta}</p>\n' if meta else "")
        + f'<p class="meta">{esc(summary_line(data))}</p>\n</header>\n'
        + '<section id="notes">\n<h2>Notes</h2>\n'
        + notes_html(data)
        + "</section>\n"
        + '<section id="bibliography">\n<h2>Bibliography</h2>\n'
        + bibliography_html(data)
        + "</section>\n"
        + '<section id="unsupported">\n<h2>Not yet supported</h2>\n'
        + open_claims_html(data)
        + "</section>\n"
    )
    return page(f"Sourcing appendix: {article['title']}", body, APPENDIX_CSS)
