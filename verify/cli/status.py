"""``verify status``: progress per article and the sources they cite."""

from __future__ import annotations

from typing import Annotated

import typer

from verify.cli.render import ItemFormat, console, print_json, table
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
        print_json(report)
        return
    from rich.table import Table

    out = console(soft_wrap=True)
    if not report["articles"]:
        out.print("No articles yet: import one with 'verify article add PATH'.")
    for article in report["articles"]:
        out.print(f"[bold]Article {article['article_id']}: {article['title']}[/bold]  (revision {article['revision']})", highlight=False)
        share = f"{article['share_reviewed']:.0%}"
        out.print(f"{article['claims']} claims, {article['reviewed']} with a verdict ({share})" + (f", {article['withdrawn']} withdrawn" if article["withdrawn"] else ""))
        grid = Table(show_header=True, box=None, pad_edge=False)
        grid.add_column("status")
        grid.add_column("claims", justify="right")
        for name, count in article["by_status"].items():
            if count or name in ("unreviewed", "verified"):
                grid.add_row(name, str(count))
        kinds = Table(show_header=True, box=None, pad_edge=False)
        kinds.add_column("kind")
        kinds.add_column("claims", justify="right")
        for name, count in article["by_kind"].items():
            kinds.add_row(name, str(count))
        outer = Table.grid(padding=(0, 4))
        outer.add_row(grid, kinds)
        out.print(outer)
        if article["signed_off"]:
            out.print(f"{article['signed_off']} of {article['reviewed']} verdicts signed off by an editor", markup=False)
        if article["orphaned_evidence"]:
            out.print(f"{article['orphaned_evidence']} evidence orphaned by a new source version: see 'verify source check'", markup=False)
        if article["reviewers"]:
            out.print("Reviewers: " + ", ".join(f"{r['name']} ({r['assigned']} assigned, {r['verdicts']} verdicts)" for r in article["reviewers"]))
        out.print()
    if report["sources"]:
        table(
            "Sources",
            ["key", "date", "state", "passages", "title"],
            [
                [s["key"], s["published"] or "", f"retrieved {s['retrieved_at'][:10]}" if s["retrieved"] else "not yet retrieved", s["passages"], s["title"] or ""]
                for s in report["sources"]
            ],
        )
