"""``verify article``: importing articles and listing them."""

from __future__ import annotations

from typing import Annotated

import typer

from verify.cli.render import ItemFormat, print_json, say, table, when
from verify.cli.state import state

app = typer.Typer(help="Import articles and list them.", no_args_is_help=True)


def _parse_size(value: str) -> int:
    from verify.errors import VerifyError

    text = value.strip().upper().replace(" ", "")
    units = {"KB": 1024, "MB": 1024**2, "GB": 1024**3, "K": 1024, "M": 1024**2, "G": 1024**3, "B": 1}
    unit = next((u for u in units if text.endswith(u)), "")
    number, factor = (text[: -len(unit)], units[unit]) if unit else (text, 1)
    try:
        size = int(float(number) * factor)
    except ValueError:
        raise VerifyError(f"--max-size {value!r} is not a size (examples: 10MB, 500KB, 2000000)") from None
    if size <= 0:
        raise VerifyError("--max-size must be positive")
    return size


def _check_date(value: str | None) -> str | None:
    from datetime import date

    from verify.errors import VerifyError

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise VerifyError(f"--published {value!r} is not a date; use YYYY-MM-DD") from None


@app.command("add")
def add(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(
            metavar="URL|FILE|-",
            help="An http(s) URL, or a file: .txt, .md, .html, .docx (Word) or .pdf (- for stdin).",
        ),
    ],
    title: Annotated[str | None, typer.Option(help="Title (a first line equal to it is not a claim).")] = None,
    author: Annotated[str | None, typer.Option(help="Author (overrides the page's metadata).")] = None,
    url: Annotated[str | None, typer.Option(help="Where the article is published; identifies revisions.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD (overrides the page's metadata).")
    ] = None,
    max_size: Annotated[str, typer.Option("--max-size", help="Refuse larger files or downloads.")] = "10MB",
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="<seconds>", help="Give up a download after this many seconds in all.")
    ] = 60,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Import an article (or a new revision of one) from a URL or a file and split it into claims."""
    from verify.workflow.article_import import add_article

    current = state(ctx)
    result = add_article(
        current.database(),
        path,
        actor=current.actor,
        title=title,
        author=author,
        url=url,
        published=_check_date(published),
        max_size=_parse_size(max_size),
        timeout=timeout,
    )
    if output is ItemFormat.json:
        print_json(result.to_json())
        return
    where = f"from {result.origin}, {result.format}"
    for note in result.notes:
        say(f"{result.origin}: {note}")
    if result.outcome == "unchanged":
        say(
            f"article {result.article_id} '{result.title}' is unchanged (revision {result.revision}, {result.claims} "
            "claims)"
        )
    elif result.outcome == "created":
        say(f"imported article {result.article_id} '{result.title}': {result.claims} claims ({where})")
    else:
        say(
            f"article {result.article_id} '{result.title}' revision {result.revision}: {len(result.kept)} unchanged, "
            f"{len(result.changed)} edited (back to unreviewed), {len(result.added)} new, {len(result.withdrawn)} "
            f"withdrawn ({where})"
        )


@app.command("list")
def list_articles(
    ctx: typer.Context,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """List imported articles."""
    from verify.reports.status import article_status

    with state(ctx).reader() as reader:
        rows = article_status(reader)
    if output is ItemFormat.json:
        print_json(
            [
                {
                    "id": r.article_id,
                    "title": r.title,
                    "url": r.url,
                    "revision": r.revision,
                    "claims": r.claims,
                    "withdrawn": r.withdrawn,
                    "origin": r.origin.origin if r.origin else None,
                    "format": r.origin.format if r.origin else None,
                    "revisions": [revision.to_json() for revision in r.revisions],
                }
                for r in rows
            ]
        )
        return
    table(
        None,
        ["id", "title", "revision", "claims", "withdrawn", "origin", "imported"],
        [
            [
                r.article_id,
                r.title,
                r.revision,
                r.claims,
                r.withdrawn,
                r.origin.describe() if r.origin else "",
                "; ".join(f"{v.number}: {when(v.imported_at)}" for v in r.revisions),
            ]
            for r in rows
        ],
    )
