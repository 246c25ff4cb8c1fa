"""``verify evidence``: link quotes from sources to claims, list and retract them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from verify.cli.render import ItemFormat, ListFormat, print_csv, print_json, say, table, warn
from verify.cli.state import state

if TYPE_CHECKING:
    from verify.claims.listing import EvidenceItem

app = typer.Typer(help="Link evidence from sources to claims, list and retract it.", no_args_is_help=True)
ChangedFormat = Annotated[
    ItemFormat,
    typer.Option("--format", help="Output format (json: the evidence, as 'evidence list' prints each item)."),
]


@app.command("link")
def link(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    source: Annotated[str, typer.Option(help="Source key.")],
    stance: Annotated[str, typer.Option(help="supports, contradicts or context.")],
    quote: Annotated[
        str | None, typer.Option(help="The quote as it stands in the source, at least 3 words (typography may differ).")
    ] = None,
    said: Annotated[
        str | None,
        typer.Option(
            "--said",
            metavar="TEXT",
            help="For a call recorded without a transcript: what was said, in your words (kept as a note, not a "
            "quote).",
        ),
    ] = None,
    passage: Annotated[
        int | None, typer.Option(help="Link a whole passage by id; with --quote, the passage to find the quote in.")
    ] = None,
    locator: Annotated[
        str | None, typer.Option(help="Override the locator (default: the passage's, e.g. 'para. 68').")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note on this evidence.")] = None,
    note_file: Annotated[
        str | None, typer.Option("--note-file", metavar="FILE|-", help="Read the note from FILE (- for stdin).")
    ] = None,
    occurrence: Annotated[
        int | None, typer.Option(help="The quote stands in several places: link the Nth (1-based, in document order).")
    ] = None,
    accept_difference: Annotated[
        str | None,
        typer.Option(
            "--accept-difference",
            metavar="REASON",
            help="Link the source's words although the quote differs (a number, name, negation, word...), saying why; "
            "each difference is kept as a flag.",
        ),
    ] = None,
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Link a quote from a source to a claim.

    A quote not found in the source is refused, and so is one that differs
    from it in anything but typography (a number, date, name, negation,
    pronoun or word) unless --accept-difference says why; a quote found in
    several places needs --passage or --occurrence.

    A call registered without a transcript ('verify source register KEY
    --kind interview') has nothing to quote: give what was said with --said;
    it is kept and shown as a note of the call, never as a quote.
    """
    from verify.cli.claim import note_text
    from verify.workflow.evidence import link as link_evidence

    note = note_text(note, note_file)
    current = state(ctx)
    if said is not None:
        evidence_id = _link_note(
            current, claim_id, source, stance, said, note, quote, passage, locator, occurrence, accept_difference
        )
        if output is ItemFormat.json:
            print_evidence(ctx, claim_id, evidence_id)
        else:
            say(f"evidence {evidence_id} linked to claim {claim_id}: {stance} · {source} (note of a call, not a quote)")
        if stance.strip().lower() == "contradicts":
            _warn_conflict(current.database(), claim_id)
        return
    linked = link_evidence(
        current.database(),
        claim_id,
        source,
        stance,
        actor=current.actor,
        quote=quote,
        passage_id=passage,
        locator=locator,
        note=note,
        occurrence=occurrence,
        accept_difference=accept_difference,
    )
    unneeded = accept_difference is not None and not linked.differences
    if output is ItemFormat.json:  # the object says how it was stored; what needs an eye goes to stderr
        print_evidence(ctx, claim_id, linked.evidence_id)
        if unneeded:
            warn("the quote does not differ from the source: --accept-difference was not needed and is not recorded")
        if stance.strip().lower() == "contradicts":
            _warn_conflict(current.database(), claim_id)
        return
    how = {
        "exact": "exact match",
        "normalized": "matched after normalising typography",
        "fuzzy": f"fuzzy match, score {linked.score:.0f}",
    }[linked.method]
    say(
        f"evidence {linked.evidence_id} linked to claim {claim_id}: {stance} · {linked.source} {linked.locator or ''} "
        f"({how})"
    )
    if linked.method != "exact":
        say(f"stored as the source's text: “{linked.quote}”")
    for difference in linked.differences:
        say(f"⚑ quote_difference ({difference.kind}): {difference.detail}")
    if unneeded:
        say("the quote does not differ from the source: --accept-difference was not needed and is not recorded")
    if stance.strip().lower() == "contradicts":
        _warn_conflict(current.database(), claim_id)


def _link_note(
    current: Any, claim_id: int, source: str, stance: str, said: str, note: str | None, *quote_options: Any
) -> int:
    from verify.errors import VerifyError
    from verify.workflow.evidence import link_note

    if any(option is not None for option in quote_options):
        raise VerifyError(
            "--said links a note of a call; --quote, --passage, --locator, --occurrence and --accept-difference are "
            "for quotes"
        )
    return link_note(current.database(), claim_id, source, stance, said, actor=current.actor, note=note).evidence_id


def print_evidence(ctx: typer.Context, claim_id: int, evidence_id: int) -> None:
    """One evidence as ``evidence list --format json`` prints it: what link and retract print with ``--format json``."""
    from verify.claims.listing import claim_evidence

    with state(ctx).reader() as reader:
        [item] = [e for e in claim_evidence(reader, claim_id) if e.id == evidence_id]
    print_json(item.to_json())


def _warn_conflict(database: Any, claim_id: int) -> None:
    from verify.cli.claim import conflict_warning
    from verify.workflow.claims import conflict_of

    with database.read() as session:
        found = conflict_of(session, claim_id)
    if found is not None:
        warn(conflict_warning(claim_id, *found))


@app.command("list")
def list_command(
    ctx: typer.Context,
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """List a claim's evidence, retracted items included."""
    from verify.workflow.evidence import list_evidence

    with state(ctx).database().read() as session:
        rows = list_evidence(session, claim_id)
    if output is ListFormat.json:
        print_json([r.to_json() for r in rows])
    elif output is ListFormat.csv:
        print_csv(
            (r.to_json() for r in rows),
            [
                "id",
                "stance",
                "source_key",
                "locator",
                "quote",
                "anchor",
                "by",
                "at",
                "retracted",
                "retraction_reason",
                "kind",
                "source_internal",
            ],
        )
    else:
        table(
            None,
            ["id", "stance", "source", "locator", "state", "quote"],
            [
                [r.id, r.stance, r.source + (" (internal)" if r.source_internal else ""), r.locator or "", _state(r)]
                + [f"note: {r.quote}" if r.is_note else r.quote]
                for r in rows
            ],
            caption=f"{len(rows)} evidence",
        )
        for line in flag_lines(rows):
            say(line)


def flag_lines(rows: list[EvidenceItem]) -> list[str]:
    """Each evidence's flags, one a line, as 'claim show' words them (a table cell would cut them short)."""
    lines = []
    for r in rows:
        for f in r.flags:
            lines.append(f"evidence {r.id}: ⚑ {f.get('kind') or f.get('type')}: {f.get('detail') or f.get('message')}")
        if r.difference_reason:
            lines.append(
                f"evidence {r.id}: typed as “{r.submitted_quote}”; linked as the source has it because: "
                f"{r.difference_reason}"
            )
    return lines


def _state(row: EvidenceItem) -> str:
    if row.retracted:
        return "retracted"
    if row.is_note:
        return "call note"
    return {"orphaned": "orphaned: not in the new version", "reworded": "reworded: re-check"}.get(
        row.anchor or "", "active"
    )


@app.command("retract")
def retract(
    ctx: typer.Context,
    evidence_id: Annotated[int, typer.Argument(help="Evidence id.")],
    reason: Annotated[str, typer.Option(help="Why it is retracted (kept in the audit log).")],
    output: ChangedFormat = ItemFormat.table,
) -> None:
    """Retract evidence (it is kept, marked retracted and logged)."""
    from verify.workflow.evidence import retract as retract_evidence

    current = state(ctx)
    done = retract_evidence(current.database(), evidence_id, reason, actor=current.actor)
    if output is ItemFormat.json:
        print_evidence(ctx, done.claim_id, evidence_id)
        if done.status_change:
            warn(
                f"claim {done.claim_id}: {done.status_change[0]} -> {done.status_change[1]} "
                "(no supporting evidence left)"
            )
        return
    say(f"evidence {evidence_id} retracted")
    if done.status_change:
        say(f"claim {done.claim_id}: {done.status_change[0]} -> {done.status_change[1]} (no supporting evidence left)")


SUGGEST_CSV = ["passage_id", "source_key", "locator", "paragraph", "page", "score", "relevance", "relevant", "flags"]


@app.command("suggest")
def suggest(
    ctx: typer.Context,
    claim_id: Annotated[int | None, typer.Argument(help="Claim id (or --article / --all-claims).")] = None,
    article: Annotated[
        int | None, typer.Option("--article", help="Suggest for every claim of this article (JSON lines with json).")
    ] = None,
    all_claims: Annotated[
        bool, typer.Option("--all-claims", help="Suggest for every claim of every article (JSON lines with json).")
    ] = False,
    status: Annotated[
        list[str] | None, typer.Option(help="With --article/--all-claims: only claims with these statuses.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only passages of this source.")] = None,
    limit: Annotated[int, typer.Option(help="At most N suggestions.")] = 5,
    all_rows: Annotated[bool, typer.Option("--all", help="Also the passages below the relevance threshold.")] = False,
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Rank the passages most likely to support or contradict a claim, with mismatch flags.

    Only passages that stand out from the rest are shown (relevance at least
    the threshold); when none does, it says "no passage looks relevant".
    --all lists the best ones anyway, each marked relevant or not.

    With --article ID or --all-claims it suggests for many claims in one run:
    --format json prints one JSON object a line (claim_id, suggestions), for
    scripts; a terminal shows progress on stderr.
    """
    from verify.errors import VerifyError
    from verify.match.rank import suggest_for_claim

    if limit < 1:
        raise VerifyError("--limit must be at least 1")
    batch = article is not None or all_claims
    if (claim_id is not None) + (article is not None) + all_claims != 1:
        raise VerifyError("give one of: a claim id, --article ID or --all-claims")
    if status and not batch:
        raise VerifyError("--status applies to --article and --all-claims")
    if batch:
        _suggest_many(ctx, article, tuple(status or ()), source, limit, all_rows, output)
        return
    assert claim_id is not None
    with state(ctx).reader() as reader:  # plain SQL: no ORM to import at start-up
        found = [s.as_dict() for s in suggest_for_claim(reader, claim_id, source_key=source, limit=limit)]
    rows = found if all_rows else [r for r in found if r["relevant"]]
    if output is ListFormat.json:
        print_json(rows)
    elif output is ListFormat.csv:
        print_csv(_csv_rows(rows), [*SUGGEST_CSV, "note", "text"])
    else:
        print_suggestions(rows, hidden=len(found) - len(rows), best=found[0] if found else None)


def _csv_rows(rows: list[dict], claim_id: int | None = None) -> list[dict]:
    extra = {} if claim_id is None else {"claim_id": claim_id}
    return [{**extra, **r, "flags": "; ".join(f["detail"] for f in r["flags"])} for r in rows]


def _suggest_many(
    ctx: typer.Context,
    article: int | None,
    statuses: tuple[str, ...],
    source: str | None,
    limit: int,
    all_rows: bool,
    output: ListFormat,
) -> None:
    """Suggestions for many claims in one process: one JSON line, CSV rows or screen block per claim, as each ends.

    Printed as they are computed, so a script reading the lines can start on
    the first claim while the rest are ranked.
    """
    import json
    import sys

    from rich.markup import escape

    from verify.claims.listing import ClaimFilter, list_claims
    from verify.cli.progress import progress
    from verify.cli.render import console
    from verify.match.rank import suggest_for_claim
    from verify.text.safe import json_escape

    with state(ctx).reader() as reader:
        claims, _ = list_claims(reader, ClaimFilter(article=article, status=statuses))
        if output is ListFormat.csv:
            print_csv([], ["claim_id", *SUGGEST_CSV, "note", "text"])
        with progress("suggesting", total=len(claims)) as bar:
            for claim in claims:
                found = [s.as_dict() for s in suggest_for_claim(reader, claim.id, source_key=source, limit=limit)]
                rows = found if all_rows else [r for r in found if r["relevant"]]
                if output is ListFormat.json:
                    line = json.dumps({"claim_id": claim.id, "suggestions": rows}, ensure_ascii=False)
                    sys.stdout.write(json_escape(line) + "\n")
                elif output is ListFormat.csv:
                    print_csv(_csv_rows(rows, claim.id), ["claim_id", *SUGGEST_CSV, "note", "text"], header=False)
                else:
                    console(soft_wrap=True).print(f"[bold]claim {claim.id}[/bold]: {escape(claim.text)}")
                    print_suggestions(rows, hidden=len(found) - len(rows), best=found[0] if found else None)
                    console().print()
                sys.stdout.flush()
                bar.advance()


def print_suggestions(rows: list[dict], *, width: int = 300, hidden: int = 0, best: dict | None = None) -> None:
    """Numbered suggestions with matched words marked and flags underneath; says when nothing fits."""
    from rich.markup import escape

    from verify.cli.render import console, marked_snippet
    from verify.match.rank import RELEVANCE_THRESHOLD

    out = console(soft_wrap=False)
    if best is None:
        out.print("No passage matches this claim; add sources with 'verify source add'.")
    elif not rows:
        out.print(
            f"No passage looks relevant: the best, {escape(best['source_key'])} {escape(best['locator'])}, "
            f"has relevance {best['relevance']:.2f} (threshold {RELEVANCE_THRESHOLD:.2f}); "
            "--all lists them anyway, 'verify search' looks for other words."
        )
    for rank, row in enumerate(rows, start=1):
        page = f", p. {row['page']}" if row["page"] else ""
        note = f"  [italic]({escape(row['note'])})[/italic]" if row.get("note") else ""
        below = "  [italic](below the relevance threshold)[/italic]" if not row["relevant"] else ""
        out.print(
            f"[bold]{rank}. {escape(row['source_key'])}, {escape(row['locator'])}{page}[/bold]"
            f"  score {row['score']:.2f}"
            f"  relevance {row['relevance']:.2f}  (passage {row['passage_id']}){note}{below}"
        )
        out.print("   " + marked_snippet(row["text"], row["matched_terms"], width))
        for flag in row["flags"]:
            out.print(f"   [bold]! {escape(flag['kind'])}[/bold]: {escape(flag['detail'])}")
    if rows and hidden:
        out.print(f"{hidden} more below the relevance threshold: --all lists them.")
