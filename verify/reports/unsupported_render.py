"""The unsupported-claims list as Markdown, grouped by paragraph, for an editor's ticket or PR."""

from __future__ import annotations

from verify.reports.appendix_render import REASON_LABELS, status_label
from verify.reports.markdown import md_text
from verify.reports.unsupported import UnsupportedClaim, by_paragraph


def render_markdown(rows: list[UnsupportedClaim]) -> str:
    """One ``##`` heading per paragraph, one bullet per claim with status, assignee, reasons and latest note."""
    if not rows:
        return "# Unsupported claims\n\nEvery checkable claim has supporting evidence.\n"
    out = ["# Unsupported claims", "", f"{len(rows)} claims are not supported.", ""]
    for (article_id, paragraph), group in by_paragraph(rows):
        out += [f"## Article {article_id}, ¶ {paragraph}", ""]
        for row in group:
            reasons = "; ".join(REASON_LABELS.get(r, r) for r in row.reasons)
            who = f", assigned to {md_text(row.assignee)}" if row.assignee else ""
            out.append(
                f"- **Claim {row.id}** (sentence {row.sentence}, {status_label(row.status)}{who}): {md_text(reasons)}  "
            )
            out.append(f"  “{md_text(row.text)}”")
            attribution = row.attribution or {}
            if attribution.get("phrase"):
                target = attribution.get("source_key") or "no registered source"
                carried = ", carried over from the paragraph" if attribution.get("via") == "paragraph" else ""
                out.append(f"  - Attributed to “{md_text(attribution['phrase'])}” ({md_text(target)}{carried})")
            if row.latest_note:
                note = row.latest_note
                out.append(f"  - Latest note, {md_text(note['author'])}, {note['at'][:10]}: {md_text(note['text'])}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
