"""``verify claim``: list, show and change claims (status, notes, assignee, kind)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from verify.cli.render import ItemFormat, ListFormat, console, print_csv, print_json, say, table, warn
from verify.cli.state import state

if TYPE_CHECKING:
    from verify.claims.listing import ClaimDetail

app = typer.Typer(help="List, inspect and change claims.", no_args_is_help=True)

TABLE_LIMIT = 50
CSV_COLUMNS = [
    "id",
    "article_id",
    "paragraph",
    "sentence",
    "kind",
    "status",
    "assignee",
    "version",
    "supports",
    "contradicts",
    "context",
    "attribution",
    "text",
]
NOTE_CAP = 2 * 1024 * 1024  # 1 MB notes work; much longer ones make claim show slow (rich wraps them)
NoteFile = Annotated[
    str | None, typer.Option("--note-file", metavar="FILE|-", help="Read the note from FILE (- for stdin).")
]
IfVersion = Annotated[
    int | None, typer.Option("--if-version", help="Refuse the change if the claim's version is no longer N.")
]
ChangedFormat = Annotated[
    ItemFormat, typer.Option("--format", help="Output format (json: the changed claim, as 'claim show' prints it).")
]


@app.command("list")
def list_command(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Only these statuses (repeatable).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Only these kinds (repeatable).")] = None,
    paragraph: Annotated[int | None, typer.Option(help="Only this paragraph.")] = None,
    assignee: Annotated[str | None, typer.Option(help="Only claims assigned to NAME ('' for unassigned).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N rows.")] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Show every row in the table.")] = False,
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """List claims in article order (the table shows 50 rows unless --limit or --all)."""
    from verify.claims.listing import ClaimFilter, article_titles, list_claims
    from verify.errors import VerifyError

    if limit is not None and limit < 1:
        raise VerifyError("--limit must be at least 1")
    if output is ListFormat.table and limit is None and not all_rows:
        limit = TABLE_LIMIT
    where = ClaimFilter(article, tuple(status or ()), tuple(kind or ()), paragraph, assignee, limit)
    with state(ctx).reader() as reader:
        rows, total = list_claims(reader, where)
        titles = article_titles(reader) if output is ListFormat.table and article is None else {}
    if output is ListFormat.json:
        print_json([r.to_json() for r in rows])
    elif output is ListFormat.csv:
        print_csv(({**r.to_json(), **r.evidence_counts} for r in rows), CSV_COLUMNS)
    elif not rows:
        say(
            "No claims match."
            if where != ClaimFilter(limit=where.limit)
            else "No claims yet: import an article with 'verify article add PATH'."
        )
    else:
        caption = (
            f"{len(rows)} of {total} claims; --all or --limit N for more" if total > len(rows) else f"{total} claims"
        )
        caption += "; ev: s supports, c contradicts, x context"
        several = len(titles) > 1  # which article a row is from matters only when there are several
        if several:
            caption += "; art: " + ", ".join(f"{i} {_short(t, 40)}" for i, t in titles.items())
        table(
            None,
            ["id", *(["art"] if several else []), "¶", "s", "kind", "status", "assignee", "ev", "text"],
            [
                [
                    r.id,
                    *([r.article_id] if several else []),
                    r.paragraph,
                    r.sentence,
                    r.kind,
                    r.status,
                    r.assignee or "",
                    _evidence_cell(r.evidence_counts),
                    _short(r.text),
                ]
                for r in rows
            ],
            caption=caption,
        )


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_claim(ctx: typer.Context, claim_id: int) -> None:
    """The claim as ``claim show --format json`` prints it: what a write command prints with ``--format json``."""
    from verify.claims.listing import show_claim

    with state(ctx).reader() as reader:
        print_json(show_claim(reader, claim_id).to_json())


STANCE_LETTERS = {"supports": "s", "contradicts": "c", "context": "x"}  # as the review keys: 1c, 1x


def _evidence_cell(counts: dict[str, int]) -> str:
    return " ".join(f"{counts[k]}{letter}" for k, letter in STANCE_LETTERS.items() if counts.get(k))


@app.command("show")
def show(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Show a claim in its paragraph, with hints, attribution, evidence, notes and history."""
    from verify.claims.listing import show_claim

    with state(ctx).reader() as reader:  # plain SQL: no ORM to import at start-up
        detail = show_claim(reader, claim_id)
    if output is ItemFormat.json:
        print_json(detail.to_json())
        return
    _print_detail(detail)


def _print_detail(d: ClaimDetail) -> None:
    from rich.text import Text

    out = console()
    out.print(
        Text(
            f"Claim {d.id} · article {d.article_id} · ¶ {d.paragraph}, sentence {d.sentence} · version {d.version}",
            style="bold",
        )
    )
    context = d.context
    if context:
        paragraph = Text(context.before)
        paragraph.append(context.claim, style="reverse")
        paragraph.append(context.after)
        out.print(paragraph)
    out.print(
        Text(
            f"kind: {d.kind}   status: {d.status}   assignee: {d.assignee or '-'}"
            + ("   (edited in the latest revision)" if d.changed else "")
        )
    )
    attribution = d.attribution
    if attribution:
        target = attribution.get("source_key") or "no registered source matches yet"
        inherited = (
            f", inherited from claim {attribution['inherited_from']}" if attribution.get("inherited_from") else ""
        )
        if attribution.get("via") == "paragraph":
            inherited = (
                f", inherited from claim {attribution['inherited_from']} earlier in the paragraph"
                " (this sentence names no source: weaker than an explicit attribution)"
            )
        out.print(Text(f'attribution: "{attribution["phrase"]}" -> {target}{inherited}'))
    hints = d.hints or {}
    shown = [
        f"{k}: {', '.join(f'“{q}”' for q in v) if k == 'quotes' else ', '.join(v)}"
        for k, v in hints.items()
        if isinstance(v, list) and v
    ]
    if shown:
        out.print(Text("hints: " + "; ".join(shown)))
    out.print(Text(f"evidence ({len(d.evidence)}):", style="bold"))
    for e in d.evidence:
        flag = " [retracted: " + (e.retraction_reason or "") + "]" if e.retracted else ""
        call = f" · call: {e.call}" if e.is_note and e.call else ""
        out.print(Text(f"  #{e.id} {e.stance} · {e.where}{call} · {e.added_by} {e.added_at[:16]}{flag}"))
        out.print(Text(f"     {e.shown}"))
        if e.difference_reason:
            out.print(
                Text(f"     typed as “{e.submitted_quote}”; linked as the source has it because: {e.difference_reason}")
            )
        accepted = e.flags_accepted
        for f in e.flags:
            state = f" (accepted by {accepted['by']}: {accepted['reason']})" if accepted else ""
            out.print(Text(f"     ⚑ {f.get('kind') or f.get('type')}: {f.get('detail') or f.get('message')}{state}"))
    out.print(Text(f"notes ({len(d.notes)}):", style="bold"))
    for n in d.notes:
        out.print(Text(f"  {n.at[:16]} {n.author}{' (public)' if n.public else ''}: {n.text}"))
    out.print(Text("history:", style="bold"))
    for h in d.history:
        change = f"{h.old} -> {h.new}" if h.old is not None else (h.new or "")
        out.print(
            Text(
                f"  {h.at[:19]} {h.actor} {h.action}: {_short(change, 70)}"
                + (f" ({_short(h.note, 60)})" if h.note else "")
            )
        )


@app.command("mark")
def mark(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    status: Annotated[
        str, typer.Argument(help="verified, partly_verified, disputed, unsupported, opinion, in_progress, unreviewed.")
    ],
    note: Annotated[
        str | None,
        typer.Option(
            help="Why; required for unsupported, for partly_verified (which part holds), and for disputed without "
            "contradicting evidence."
        ),
    ] = None,
    note_file: NoteFile = None,
    accept_flags: Annotated[
        str | None,
        typer.Option(
            "--accept-flags",
            metavar="REASON",
            help="Rely on supporting evidence that carries flags (a number, name or hedge the source states "
            "differently), saying why; recorded on the evidence.",
        ),
    ] = None,
    if_version: IfVersion = None,
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Set a claim's status; the evidence rules decide whether it is allowed.

    A verdict of support over flagged evidence is refused without
    --accept-flags. A verdict of support while contradicting evidence is in
    force is saved with a warning: it is a conflict, and fails the
    publication gate until one of them is retracted or the verdict changed.
    """
    from verify.workflow.claims import mark as mark_claim

    current = state(ctx)
    note = note_text(note, note_file)
    change = mark_claim(
        current.database(),
        claim_id,
        status,
        actor=current.actor,
        note=note,
        if_version=if_version,
        accept_flags=accept_flags,
    )
    if output is ItemFormat.json:
        print_claim(ctx, claim_id)
    else:
        say(f"claim {claim_id}: {change.old} -> {change.new} (version {change.version})")
        if change.accepted:
            say(f"flags accepted on evidence {', '.join(str(i) for i in change.accepted)}: {accept_flags}")
    if change.conflict:
        warn(conflict_warning(claim_id, change.new or status, change.conflict))
    if change.call_notes:
        say(
            f"note: claim {claim_id} is {change.new} on notes of calls without a transcript only "
            f"({', '.join(change.call_notes)}); every listing and the appendix show it as such"
        )


def note_text(note: str | None, note_file: str | None) -> str | None:
    """The note from --note or from --note-file (a file, or - for standard input), never both."""
    from verify.errors import VerifyError
    from verify.ingest.reading import read_text_input
    from verify.workflow.claims import check_text

    if note_file is None:
        return None if note is None else check_text(note)
    if note is not None:
        raise VerifyError("give the note with --note or --note-file, not both")
    return read_text_input(note_file, cap=NOTE_CAP, what="a note file", hint="notes are at most 2 MB")


def conflict_warning(claim_id: int, status: str, contradicting: tuple[str, ...]) -> str:
    return (
        f"warning: claim {claim_id} is {status} but {', '.join(contradicting)} contradicts it: a conflict, listed by "
        "'verify report unsupported' and failing --fail-on-unsupported until the evidence is retracted or the verdict "
        "changed"
    )


@app.command("note")
def note(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    text: Annotated[str | None, typer.Argument(metavar="TEXT|-", help="The note (- for stdin).")] = None,
    note_file: NoteFile = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="An explanation for readers, shown in the public appendix (default: an internal note)."
        ),
    ] = False,
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Add a note to a claim: internal by default, --public for readers (notes are never edited or deleted)."""
    from verify.errors import VerifyError
    from verify.workflow.claims import add_note

    if text == "-":
        text, note_file = None, note_file or "-"
    if text is None and note_file is None:
        raise VerifyError("give the note as TEXT, - (standard input) or --note-file FILE")
    if text is not None and note_file is not None:
        raise VerifyError("give the note as TEXT or with --note-file, not both")
    text = note_text(text, note_file)
    assert text is not None
    current = state(ctx)
    change = add_note(current.database(), claim_id, text, actor=current.actor, public=public)
    if output is ItemFormat.json:
        print_claim(ctx, claim_id)
        return
    kind = "public note" if public else "note"
    say(f"claim {claim_id}: {kind} {change.note_id} added by {current.actor}")


@app.command("assign")
def assign(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    name: Annotated[str, typer.Argument(help="Reviewer name ('' to unassign).")],
    if_version: IfVersion = None,
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Assign a claim to a reviewer."""
    from verify.workflow.claims import assign as assign_claim

    current = state(ctx)
    change = assign_claim(current.database(), claim_id, name, actor=current.actor, if_version=if_version)
    if output is ItemFormat.json:
        print_claim(ctx, claim_id)
        return
    say(f"claim {claim_id}: assigned to {change.new or 'nobody'} (was {change.old or 'nobody'})")


@app.command("kind")
def kind(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    value: Annotated[str, typer.Argument(metavar="KIND", help="factual, quote or opinion.")],
    if_version: IfVersion = None,
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Correct a claim's detected kind."""
    from verify.workflow.claims import set_kind

    current = state(ctx)
    change = set_kind(current.database(), claim_id, value, actor=current.actor, if_version=if_version)
    if output is ItemFormat.json:
        print_claim(ctx, claim_id)
        return
    say(f"claim {claim_id}: kind {change.old} -> {change.new}")


@app.command("check-quotes")
def check_quotes(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Look up every direct quotation of the article in the sources (exit 1 if one is not found)."""
    from verify.errors import EXIT_FINDINGS
    from verify.match.quotes import check_quotes as run_checks

    with state(ctx).database().read() as session:
        results = [r.as_dict() for r in run_checks(session, article)]
    if output is ListFormat.json:
        print_json(results)
    elif output is ListFormat.csv:
        print_csv(
            [{**r, "differences": "; ".join(r["differences"])} for r in results],
            ["claim_id", "state", "source_key", "locator", "score", "quote", "differences"],
        )
    else:
        out = console(soft_wrap=True)
        labels = {"found": "found", "differs": "found with differences", "not_found": "NOT FOUND"}
        if not results:
            out.print("No direct quotations in the article.", markup=False)
        for r in results:
            where = f" in {r['source_key']}, {r['locator']}" if r["source_key"] else ""
            why = f" ({r['note']})" if r["note"] else ""
            out.print(f"claim {r['claim_id']}: {labels[r['state']]}{where}{why}", markup=False)
            out.print(f"   “{r['quote']}”", markup=False)
            for difference in r["differences"]:
                out.print(f"   - {difference}", markup=False)
    if any(r["state"] == "not_found" for r in results):
        raise typer.Exit(EXIT_FINDINGS)


@app.command("signoff")
def signoff(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    note: Annotated[str | None, typer.Option(help="What the editor checked.")] = None,
    note_file: NoteFile = None,
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Sign off a claim's verdict as a second reviewer (not the person who set it)."""
    from verify.workflow.signoff import sign_off

    note = note_text(note, note_file)
    current = state(ctx)
    done = sign_off(current.database(), claim_id, actor=current.actor, note=note)
    if output is ItemFormat.json:
        print_claim(ctx, claim_id)
        return
    by = f" set by {done.verdict_by}" if done.verdict_by else ""
    say(f"claim {claim_id}: verdict '{done.status}'{by} signed off by {current.actor}")
