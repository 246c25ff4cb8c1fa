"""``verify report``: what is unsupported, the sourcing appendix, the annotated copy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from verify.cli.render import console, print_csv, print_json
from verify.cli.state import state

if TYPE_CHECKING:
    from verify.reports.unsupported import UnsupportedClaim

app = typer.Typer(
    help="Reports for editors and readers: unsupported claims, sourcing appendix, annotated copy.", no_args_is_help=True
)

Article = Annotated[int | None, typer.Option("--article", help="Article id (needed when the database holds several).")]
Output = Annotated[
    Path | None, typer.Option("--output", help="Write to FILE (atomically) instead of stdout; - is stdout.")
]
UNSUPPORTED_CSV = [
    "id",
    "article_id",
    "paragraph",
    "sentence",
    "kind",
    "status",
    "assignee",
    "reasons",
    "supports",
    "contradicts",
    "context",
    "signed_off_by",
    "latest_note",
    "text",
]


class UnsupportedFormat(StrEnum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"


class AppendixFormat(StrEnum):
    md = "md"
    html = "html"


class Grouping(StrEnum):
    claim = "claim"
    paragraph = "paragraph"


def emit(text: str, output: Path | None, kind: str = "text") -> None:
    """Write a finished report to a file (atomically, refusing links and devices) or to stdout (``-``).

    ``kind`` says how untrusted text in it is made safe (verify/text/safe.py): ``text``
    (Markdown, HTML) shows control characters and bidi overrides as escapes; ``json``
    keeps them, escaped; ``data`` (CSV) keeps them, except on a terminal."""
    from verify.cli.render import to_terminal
    from verify.exports.files import STDOUT, write_output
    from verify.text.safe import json_escape, visible

    to_stdout = output is None or str(output) == STDOUT
    if kind == "json":
        text = json_escape(text)
    elif kind == "text" or to_stdout and to_terminal():
        text = visible(text)
    write_output(output, text)


@app.command("unsupported")
def unsupported(
    ctx: typer.Context,
    article: Article = None,
    include_opinion: Annotated[bool, typer.Option("--include-opinion", help="Also list opinion claims.")] = False,
    require_signoff: Annotated[
        bool, typer.Option("--require-signoff", help="Also list verdicts without a sign-off.")
    ] = False,
    fail: Annotated[
        bool, typer.Option("--fail-on-unsupported", help="Exit 3 when the list is not empty (publication gate).")
    ] = False,
    output: Annotated[UnsupportedFormat, typer.Option("--format", help="Output format.")] = UnsupportedFormat.table,
) -> None:
    """List claims not yet backed by a verdict and evidence (no evidence, no verdict, edited, ...), by paragraph."""
    from verify.errors import EXIT_GATE, VerifyError
    from verify.reports.unsupported import UnsupportedOptions, gate_message, unsupported_claims

    with state(ctx).reader() as reader:  # plain SQL: no ORM to import at start-up
        rows = unsupported_claims(reader, UnsupportedOptions(article, include_opinion, require_signoff))
    if output is UnsupportedFormat.json:
        print_json([r.to_json() for r in rows])
    elif output is UnsupportedFormat.csv:
        print_csv((_csv_row(r) for r in rows), UNSUPPORTED_CSV)
    elif output is UnsupportedFormat.md:
        from verify.reports.unsupported_render import render_markdown

        emit(render_markdown(rows), None)
    else:
        _print_table(rows)
    if fail and rows:
        raise VerifyError(gate_message(rows), exit_code=EXIT_GATE)


def _csv_row(row: UnsupportedClaim) -> dict[str, Any]:
    note = row.latest_note
    return {
        **row.to_json(),
        **row.evidence_counts,
        "reasons": " ".join(row.reasons),
        "signed_off_by": row.signoff["by"] if row.signoff else None,
        "latest_note": f"{note['author']}: {note['text']}" if note else None,
    }


def _print_table(rows: list[UnsupportedClaim]) -> None:
    """One line per claim in article order (the ¶ column groups them), like ``claim list``.

    Position, id, status and reasons are always shown whole; the text is cut to the
    screen, and the latest note and assignee are narrowed, then hidden, when it is narrow."""
    from verify.cli.render import table

    if not rows:
        console().print("Every checkable claim has supporting evidence.", markup=False)
        return
    multiple = len({r.article_id for r in rows}) > 1
    table(
        None,
        ["article", "¶", "s", "id", "status", "assignee", "reasons", "latest note", "text"]
        if multiple
        else ["¶", "s", "id", "status", "assignee", "reasons", "latest note", "text"],
        [
            ([r.article_id] if multiple else [])
            + [
                r.paragraph,
                r.sentence,
                r.id,
                r.status,
                r.assignee or "",
                ",".join(r.reasons),
                f"{r.latest_note['author']}: {r.latest_note['text']}" if r.latest_note else "",
                r.text,
            ]
            for r in rows
        ],
        caption=f"{len(rows)} claims not supported",
        cut=["latest note", "assignee"],
        whole=["reasons"],
    )


@app.command("appendix")
def appendix(
    ctx: typer.Context,
    article: Article = None,
    by: Annotated[Grouping, typer.Option("--by", help="One note per claim or per paragraph.")] = Grouping.claim,
    output_format: Annotated[
        AppendixFormat | None, typer.Option("--format", help="Output format (default: md; html with --fragment).")
    ] = None,
    output: Output = None,
    public: Annotated[
        bool | None,
        typer.Option(
            "--public/--internal",
            help="What readers may see (checked claims, verdicts, public notes, evidence, sources) or the desk's "
            "full appendix (default: --internal, or verify.toml's appendix.public).",
        ),
    ] = None,
    fragment: Annotated[
        bool | None,
        typer.Option(
            "--fragment/--page",
            help="Public HTML: a <section> to paste into a CMS (no html/head/body) or a whole page (default: page).",
        ),
    ] = None,
    style: Annotated[
        bool | None,
        typer.Option("--style/--no-style", help="Public HTML: include the styles, scoped to .verify-appendix."),
    ] = None,
) -> None:
    """The sourcing appendix: numbered notes citing the evidence, bibliography, unsupported claims; or --public."""
    from verify.errors import VerifyError

    defaults = state(ctx).settings.appendix
    is_public = defaults.public if public is None else public
    if not is_public and (fragment or style is not None):
        raise VerifyError("--fragment, --page, --style and --no-style apply to the public appendix; add --public")
    if fragment and output_format is AppendixFormat.md:
        raise VerifyError("--fragment writes HTML; use --format html (or leave --format out)")
    as_html = output_format is AppendixFormat.html or (output_format is None and bool(fragment))
    if is_public:
        from verify.reports.public import public_appendix_data
        from verify.reports.public_render import render_public_fragment, render_public_markdown, render_public_page

        if by is not Grouping.claim:
            raise VerifyError("the public appendix lists claims one by one; leave --by out with --public")
        with state(ctx).database().read() as session:
            data = public_appendix_data(session, article, wording=state(ctx).settings.internal_wording)
        with_style = defaults.style if style is None else style
        if not as_html:
            text = render_public_markdown(data)
        elif defaults.fragment if fragment is None else fragment:
            text = render_public_fragment(data, style=with_style)
        else:
            text = render_public_page(data, style=with_style)
        emit(text, output)
        return
    from verify.reports.appendix import appendix_data
    from verify.reports.appendix_render import render_html, render_markdown

    with state(ctx).database().read() as session:
        internal = appendix_data(session, article, by.value)
    emit(render_html(internal) if as_html else render_markdown(internal), output)


@app.command("annotated")
def annotated(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", help="The HTML file to write (atomically); - is stdout.")],
    article: Article = None,
) -> None:
    """The article with each claim highlighted by status, linked to its evidence (one HTML file)."""
    from verify.reports.annotated import annotated_data, render_annotated

    with state(ctx).database().read() as session:
        data = annotated_data(session, article)
    emit(render_annotated(data), output)
