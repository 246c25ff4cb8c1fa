"""``verify review``: walk through the claims one by one, link evidence, give verdicts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from verify.cli.state import state


def review(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Only these statuses (repeatable; default: unreviewed, in_progress).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option(help="Only these kinds (repeatable; default: factual, quote).")
    ] = None,
    paragraph: Annotated[int | None, typer.Option(help="Only this paragraph.")] = None,
    assignee: Annotated[
        str | None, typer.Option(help="Only claims assigned to NAME ('me': you; default: yours and unassigned).")
    ] = None,
    include_locked: Annotated[
        bool,
        typer.Option(
            "--include-locked",
            help="Also claims another reviewer is working on (they acted on it in the last 30 minutes); acting on one "
            "takes it over.",
        ),
    ] = False,
    suggestions: Annotated[int, typer.Option(help="Evidence suggestions per claim (1-9).", min=1, max=9)] = 5,
) -> None:
    """Review claims one by one: suggestions, linking, verdicts, notes ('?' in the session lists the keys).

    In a terminal, single keys act at once ('1' then 'v' links suggestion 1 and
    marks the claim verified; 'u' undoes). Looking writes nothing: only an
    action takes the claim (a lease) and changes it. With stdin not a
    terminal, the same commands are read one per line and the output is plain
    text.
    """
    from verify.review.queue import QueueFilter
    from verify.review.session import ReviewSession
    from verify.review.terminal import ScriptUI, TerminalUI, run

    current = state(ctx)
    where = QueueFilter(article, tuple(status or ()), tuple(kind or ()), paragraph, assignee, include_locked)
    session = ReviewSession(current.database(), current.actor, where, suggestions=suggestions)
    if sys.stdin.isatty() and sys.stdout.isatty():
        with TerminalUI(session) as terminal:
            interrupted = run(session, terminal)
    else:
        interrupted = run(session, ScriptUI(session))
    if interrupted:
        raise typer.Exit(130)
