"""``verify source``: register, retrieve, list, show and check source documents."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from verify.cli.render import ItemFormat, ListFormat, console, print_csv, print_json, say, table
from verify.cli.state import state

app = typer.Typer(help="Register, retrieve, inspect and check source documents.", no_args_is_help=True)

Key = Annotated[str | None, typer.Option(help="Source key (free text, e.g. S/2023/370 or zawahiri-2013).")]
Title = Annotated[str | None, typer.Option(help="Title of the document.")]
Publisher = Annotated[str | None, typer.Option(help="Publisher or author.")]
Date = Annotated[str | None, typer.Option("--date", help="Date of the document: YYYY, YYYY-MM or YYYY-MM-DD.")]
Url = Annotated[str | None, typer.Option(help="Original URL of the document.")]
Series = Annotated[str | None, typer.Option(help="Report series, e.g. a monitoring team's reports.")]
Kind = Annotated[
    str | None,
    typer.Option("--kind", metavar="KIND", help="What the source is: document, report, dataset, web or interview."),
]
Internal = Annotated[
    bool | None,
    typer.Option(
        "--internal/--public",
        help="Internal: the newsroom's own material, cited in the internal appendix and exports but never in public "
        "outputs (default: internal for an interview, public otherwise).",
    ),
]
Person = Annotated[str | None, typer.Option("--person", help="An interview: who was interviewed.")]
Role = Annotated[str | None, typer.Option("--role", help="An interview: their role or capacity.")]
Method = Annotated[
    str | None, typer.Option("--method", help="An interview: how it was done (phone, in person, email, video).")
]
MaxSize = Annotated[str, typer.Option("--max-size", help="Refuse downloads or files larger than this.")]
Timeout = Annotated[
    float, typer.Option("--timeout", metavar="<seconds>", help="Give up a download after this many seconds in all.")
]


def _progress() -> Any:
    """A rich progress bar shown only for downloads over 1 MB, on stderr; drawn only on a terminal."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    holder: dict[str, Any] = {}

    def update(done: int, total: int | None) -> None:
        if "bar" not in holder:
            err = console(stderr=True)
            if (total or done) < 1024 * 1024 or not err.is_terminal:  # rich would still write a newline
                return
            bar = Progress(
                "downloading",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=err,
                transient=True,
            )
            bar.start()
            holder["bar"], holder["task"] = bar, bar.add_task("download", total=total)
        holder["bar"].update(holder["task"], completed=done, total=total)
        if total is not None and done >= total:
            holder["bar"].stop()

    update.stop = lambda: holder["bar"].stop() if "bar" in holder else None  # type: ignore[attr-defined]
    return update


PAGES_WORTH_A_BAR = 20  # shorter documents are read before a bar could be drawn


def _page_progress() -> Any:
    """A progress bar for reading a long PDF, on stderr; drawn only on a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    holder: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in holder:
            err = console(stderr=True)
            if total < PAGES_WORTH_A_BAR or not err.is_terminal:
                return
            bar = Progress(
                "reading pages", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True
            )
            bar.start()
            holder["bar"], holder["task"] = bar, bar.add_task("pages", total=total)
        holder["bar"].update(holder["task"], completed=done)

    update.stop = lambda: holder["bar"].stop() if "bar" in holder else None  # type: ignore[attr-defined]
    return update


def _report(result: Any) -> None:
    messages = {
        "registered": f"registered source {result.key} (not yet retrieved)",
        "unchanged": f"source {result.key} already archived with these bytes (version {result.version}); nothing "
        "changed",
        "edited": f"source {result.key} already archived with these bytes (version {result.version}); "
        f"corrected: {', '.join(result.edited)}",
        "added": f"added source {result.key}: {result.passages} passages, {result.media_type}, sha256 "
        f"{(result.sha256 or '')[:12]}…",
        "retrieved": f"retrieved source {result.key}: {result.passages} passages, sha256 {(result.sha256 or '')[:12]}…",
        "new_version": f"source {result.key} changed: archived as version {result.version} ({result.passages} "
        "passages); the old version is kept",
    }
    what = ", ".join(p for p in (result.kind, "internal" if result.internal else None) if p)
    say(messages[result.outcome] + (f" [{what}]" if what and result.outcome in ("added", "retrieved") else ""))
    if result.outcome == "new_version" and (result.reanchored or result.orphaned):
        reworded = (
            f" ({len(result.reworded)} with different wording: evidence {', '.join(map(str, result.reworded))})"
            if result.reworded
            else ""
        )
        say(
            f"evidence re-anchored in the new version: {result.reanchored}{reworded}; orphaned (quote not found): "
            f"{result.orphaned}"
        )
    if result.orphaned or result.reworded:
        say("see 'verify source check' for the evidence to re-check")


@app.command("add")
def add(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="URL|PATH|SYMBOL", help="A URL, a local file (- for stdin, with --key), or a UN document symbol."
        ),
    ],
    key: Key = None,
    title: Title = None,
    publisher: Publisher = None,
    date: Date = None,
    url: Url = None,
    series: Series = None,
    kind: Kind = None,
    internal: Internal = None,
    person: Person = None,
    role: Role = None,
    method: Method = None,
    max_size: MaxSize = "100MB",
    timeout: Timeout = 300,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Retrieve a document, archive it under sources/ and split it into citable passages.

    An interview's notes or transcript are added the same way, with --kind
    interview and who, role, date and method; an interview is internal unless
    --public is given.
    """
    from verify.cli.article import _parse_size
    from verify.workflow.archiving import SourceMeta, add_source

    current = state(ctx)
    progress, pages = _progress(), _page_progress()
    try:
        result = add_source(
            current.database(),
            current.sources,
            target,
            SourceMeta(key, title, publisher, date, url, series, kind, internal, person, role, method),
            actor=current.actor,
            max_bytes=_parse_size(max_size),
            progress=progress,
            timeout=timeout,
            on_page=pages,
        )
    finally:
        progress.stop()
        pages.stop()
    if output is ItemFormat.json:
        print_source(ctx, result.key, result)
    else:
        _report(result)


def print_source(ctx: typer.Context, key: str, result: Any = None) -> None:
    """The source as ``source show --format json`` prints it; after ``source add``, followed by what happened."""
    from verify.ingest.catalogue import show_source

    with state(ctx).reader() as reader:
        shown = show_source(reader, key, False).to_json()
    if result is not None:
        shown.update(
            outcome=result.outcome,
            edited=result.edited,
            reanchored=result.reanchored,
            orphaned=result.orphaned,
            reworded=result.reworded,
            embedded=result.embedded,
        )
    print_json(shown)


@app.command("register")
def register(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Source key; a UN symbol is recognised as such.")],
    title: Title = None,
    publisher: Publisher = None,
    date: Date = None,
    url: Url = None,
    series: Series = None,
    kind: Kind = None,
    internal: Internal = None,
    person: Person = None,
    role: Role = None,
    method: Method = None,
    summary: Annotated[
        str | None, typer.Option("--summary", help="A call without a transcript: what was said, in your words.")
    ] = None,
) -> None:
    """Record a cited source without retrieving it (fetch it later with 'verify source fetch').

    With --kind interview it records a call or meeting that has no
    transcript: who, role, date, method and a summary. Evidence from it is a
    note of what was said ('verify evidence link CLAIM --source KEY --said
    TEXT'), shown as such, never as a quote.
    """
    from verify.workflow.archiving import SourceMeta, register_source

    current = state(ctx)
    meta = SourceMeta(key, title, publisher, date, url, series, kind, internal, person, role, method, summary)
    result = register_source(current.database(), key, meta, actor=current.actor)
    if result.outcome == "registered" and result.kind == "interview" and not url:
        say(f"registered interview {result.key} ({'internal' if result.internal else 'public'}; no transcript)")
        return
    _report(result)


@app.command("fetch")
def fetch(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Key of a registered source.")],
    max_size: MaxSize = "100MB",
    timeout: Timeout = 300,
) -> None:
    """Retrieve a registered source from its URL or UN symbol (a changed copy becomes a new version)."""
    from verify.cli.article import _parse_size
    from verify.workflow.archiving import fetch_registered

    current = state(ctx)
    progress, pages = _progress(), _page_progress()
    try:
        result = fetch_registered(
            current.database(),
            current.sources,
            key,
            actor=current.actor,
            max_bytes=_parse_size(max_size),
            progress=progress,
            timeout=timeout,
            on_page=pages,
        )
    finally:
        progress.stop()
        pages.stop()
    _report(result)


@app.command("edit")
def edit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Source key.")],
    title: Title = None,
    date: Date = None,
    publisher: Publisher = None,
    series: Series = None,
    symbol: Annotated[str | None, typer.Option(help="UN document symbol, e.g. S/2023/370.")] = None,
    url: Url = None,
    kind: Kind = None,
    internal: Internal = None,
    person: Person = None,
    role: Role = None,
    method: Method = None,
    summary: Annotated[
        str | None, typer.Option("--summary", help="A call without a transcript: what was said.")
    ] = None,
    output: Annotated[
        ItemFormat, typer.Option("--format", help="Output format (json: the source, as 'source show' prints it).")
    ] = ItemFormat.table,
) -> None:
    """Correct a source's metadata (audited; citations and attributions follow). An empty value clears a field."""
    from verify.workflow.sources import edit_source

    current = state(ctx)
    given: dict[str, Any] = {
        "title": title,
        "date": date,
        "publisher": publisher,
        "series": series,
        "symbol": symbol,
        "url": url,
        "kind": kind,
        "internal": internal,
        "person": person,
        "role": role,
        "method": method,
        "summary": summary,
    }
    changes = edit_source(
        current.database(),
        current.sources,
        key,
        {name: value for name, value in given.items() if value is not None},
        actor=current.actor,
    )
    if output is ItemFormat.json:
        print_source(ctx, key)
        return
    if not changes:
        say(f"source {key}: nothing changed (the values are already recorded)")
    for change in changes:
        say(f"source {key}: {change.field} {_shown(change.old)} -> {_shown(change.new)}")


def _shown(value: str | None) -> str:
    return "(none)" if value is None else repr(value)


@app.command("list")
def list_command(
    ctx: typer.Context,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Include superseded versions.")] = False,
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """List sources: key, title, date, whether retrieved, passages."""
    from verify.ingest.catalogue import list_sources

    with state(ctx).reader() as reader:  # plain SQL: no ORM to import at start-up
        rows = list_sources(reader, include_old=all_versions)
    if output is ListFormat.json:
        print_json([r.to_json() for r in rows])
    elif output is ListFormat.csv:
        print_csv(
            (r.to_json() for r in rows),
            [
                "key",
                "version",
                "current",
                "title",
                "publisher",
                "date",
                "url",
                "retrieved_at",
                "sha256",
                "media_type",
                "passages",
                "kind",
                "internal",
            ],
        )
    else:
        table(
            None,
            ["key", "v", "kind", "date", "state", "passages", "title"],
            [
                [
                    r.key,
                    r.version,
                    (r.kind or "") + (" (internal)" if r.internal else ""),
                    r.date or "",
                    _state(r),
                    r.passage_count,
                    r.title or _interview_label(r),
                ]
                for r in rows
            ],
            caption=f"{len(rows)} sources",
        )


def _state(entry: Any) -> str:
    if entry.unrecorded_call:
        return "call, no transcript"
    return "retrieved" if entry.retrieved else "not retrieved"


def _interview_label(entry: Any) -> str:
    """``Ana Ruiz, ministry spokesperson (phone)``: what stands for an interview's title."""
    if entry.kind != "interview":
        return ""
    who = ", ".join(p for p in (entry.person, entry.role) if p)
    return who + (f" ({entry.method})" if entry.method else "")


@app.command("show")
def show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Source key.")],
    passages: Annotated[bool, typer.Option("--passages", help="Also list the passages with their locators.")] = False,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Show a source's metadata (and its passages)."""
    from verify.ingest.catalogue import show_source

    with state(ctx).reader() as reader:  # plain SQL: no ORM to import at start-up
        detail = show_source(reader, key, passages)
    if output is ItemFormat.json:
        print_json(detail.to_json())
        return
    out = console(soft_wrap=True)
    for field in (
        "key",
        "version",
        "title",
        "publisher",
        "date",
        "symbol",
        "series",
        "url",
        "final_url",
        "retrieved_at",
        "sha256",
        "size",
        "media_type",
        "extractor",
        "extractor_version",
        "path",
        "passage_count",
        "kind",
        "internal",
        "person",
        "role",
        "method",
        "summary",
    ):
        value = getattr(detail, field)
        if field in ("person", "role", "method", "summary") and value is None:
            continue
        if field == "internal":
            value = "yes: never named in public outputs" if value else "no"
        label = "passages" if field == "passage_count" else field
        out.print(f"{label:>17}: {'' if value is None else value}", markup=False, highlight=False)
    if detail.passages is not None:
        table(
            None,
            ["id", "locator", "page", "text"],
            [[p.passage_id, p.locator, p.page or "", p.text] for p in detail.passages],
        )


@app.command("check")
def check(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="Only this source.")] = None,
    online: Annotated[
        bool, typer.Option("--online", help="Also re-fetch and report reissued or vanished documents.")
    ] = False,
    output: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Re-hash the archived files (exit 1 if anything changed or is missing); nothing is overwritten."""
    from verify.errors import EXIT_FINDINGS
    from verify.workflow.archive_check import check_sources

    current = state(ctx)
    findings = check_sources(current.database(), current.sources, key, online=online)
    rows = [
        {"source_key": f.key, "version": f.version, "state": f.state, "problem": f.is_problem, "detail": f.detail}
        for f in findings
    ]
    if output is ListFormat.json:
        print_json(rows)
    elif output is ListFormat.csv:
        print_csv(rows, ["source_key", "version", "state", "problem", "detail"])
    else:
        table(
            None,
            ["key", "v", "state", "detail"],
            [[r["source_key"], r["version"], r["state"], r["detail"]] for r in rows],
        )
        problems = sum(bool(r["problem"]) for r in rows)
        say(f"{problems} problem(s) found" if problems else "archive intact")
    if any(bool(f.is_problem) for f in findings):
        raise typer.Exit(EXIT_FINDINGS)
