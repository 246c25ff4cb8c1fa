"""``verify status``: progress per article and the sources they cite."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from verify.cli.render import ItemFormat, console, print_json, table, when
from verify.cli.state import state


def status(
    ctx: typer.Context,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Show each article's claims by status and kind, share reviewed, and the sources."""
    from verify.ingest.storage import leftovers
    from verify.reports.status import status_report

    current = state(ctx)
    if leftovers(current.sources):  # an interrupted 'source add' is finished or undone first
        from verify.ingest.recovery import recover_sources

        recover_sources(current.database(), current.sources)
    with current.reader() as reader:
        report = status_report(reader)
    if output is ItemFormat.json:
        print_json(report.to_json())
        return
    from rich.text import Text

    # One Text printed once: rich tables per article cost ~10 ms each, too slow for 100 articles.
    page = Text()
    if not report.articles:
        page.append("No articles yet: import one with 'verify article add PATH'.\n")
    for article in report.articles:
        page.append(f"Article {article.article_id}: {article.title}  (revision {article.revision})\n", style="bold")
        for revision in article.revisions:
            page.append(f"  revision {revision.number}: {revision.describe()}, imported {when(revision.imported_at)}\n")
        share = f"{article.share_reviewed:.0%}"
        withdrawn = f", {article.withdrawn} withdrawn" if article.withdrawn else ""
        page.append(f"{article.claims} claims, {article.reviewed} with a verdict ({share}){withdrawn}\n")
        statuses = [(name, n) for name, n in article.by_status.items() if n or name in ("unreviewed", "verified")]
        for number, line in enumerate(_side_by_side(("status", statuses), ("kind", list(article.by_kind.items())))):
            page.append(line + "\n", style="bold" if number == 0 else "")
        if article.signed_off:
            page.append(f"{article.signed_off} of {article.reviewed} verdicts signed off by an editor\n")
        if article.orphaned_evidence:
            page.append(
                f"{article.orphaned_evidence} evidence orphaned by a new source version: see 'verify source check'\n"
            )
        if article.reworded_evidence:
            page.append(
                f"{article.reworded_evidence} evidence re-anchored with different wording by a new source version: "
                "see 'verify source check'\n"
            )
        if article.reviewers:
            page.append(
                "Reviewers: "
                + ", ".join(f"{r.name} ({r.assigned} assigned, {r.verdicts} verdicts)" for r in article.reviewers)
                + "\n"
            )
        page.append("\n")
    page.right_crop(1)  # print() ends the last line
    console(soft_wrap=True).print(page)
    if report.sources:
        table(
            "Sources",
            ["key", "date", "state", "passages", "title"],
            [
                [
                    s.key + (" (internal)" if s.internal else ""),
                    s.published or "",
                    _source_state(s),
                    s.passages,
                    s.title or "",
                ]
                for s in report.sources
            ],
        )


def _source_state(source: Any) -> str:
    if source.unrecorded_call:
        return "call, no transcript"
    return f"retrieved {source.retrieved_at[:10]}" if source.retrieved and source.retrieved_at else "not yet retrieved"


def _side_by_side(*columns: tuple[str, list[tuple[str, int]]]) -> list[str]:
    """Count tables (name, claims) next to each other, as plain aligned text."""
    blocks = []
    for heading, rows in columns:
        cells = [(heading, "claims"), *((name, str(n)) for name, n in rows)]
        name_width = max(len(name) for name, _ in cells)
        count_width = max(len(count) for _, count in cells)
        blocks.append([f"{name:<{name_width}}  {count:>{count_width}}" for name, count in cells])
    height = max(len(block) for block in blocks)
    widths = [len(block[0]) for block in blocks]
    return [
        "    ".join(
            (block[i] if i < len(block) else "").ljust(width) for block, width in zip(blocks, widths, strict=True)
        ).rstrip()
        for i in range(height)
    ]
