"""``verify search``: ranked full-text search over every passage."""

from __future__ import annotations

from typing import Annotated

import typer

from verify.cli.render import ListFormat, console, print_csv, print_json
from verify.cli.state import state


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for.")],
    source: Annotated[str | None, typer.Option(help="Only this source key.")] = None,
    limit: Annotated[int, typer.Option(help="At most N results.")] = 10,
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Search all passages; best first, with locator and the matching words marked."""
    from verify.match.search import hit_dict
    from verify.match.search import search as run_search

    with state(ctx).reader() as reader:  # plain SQL: no ORM to import at start-up
        rows = [hit_dict(h) for h in run_search(reader, query, source_key=source, limit=limit)]
    if output is ListFormat.json:
        print_json(rows)
        return
    if output is ListFormat.csv:
        print_csv(rows, ["passage_id", "source_key", "locator", "paragraph", "page", "score", "snippet"])
        return
    from rich.markup import escape

    out = console()
    if not rows:
        out.print("No passage matches.")
    for rank, row in enumerate(rows, start=1):
        page = f", p. {row['page']}" if row["page"] else ""
        out.print(
            f"[bold]{rank}. {escape(row['source_key'])}, {escape(row['locator'])}{page}[/bold]"
            f"  score {row['score']:.2f}  "
            f"(passage {row['passage_id']})"
        )
        parts = escape(row["snippet"]).split("**")
        out.print("   " + "".join(f"[bold underline]{p}[/]" if i % 2 else p for i, p in enumerate(parts)))
