"""The ``verify`` command: global options and the sub-commands, one module each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verify import __version__
from verify.cli import article, claim, db, evidence, model, report, review, search, source, status
from verify.cli import export as export_cli
from verify.cli.errors import VerifyGroup
from verify.cli.state import State, default_actor

app = typer.Typer(
    cls=VerifyGroup,
    name="verify",
    help="Check an article's claims against their sources, and publish the sourcing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"verify {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_: Annotated[
        str,
        typer.Option("--db", envvar="VERIFY_DB", help="Database file, or a SQLAlchemy URL (postgresql+psycopg://…)."),
    ] = "claims.db",
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            envvar="VERIFY_SOURCES",
            help="Folder of archived source documents (default: verify.toml's sources, else ./sources).",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="VERIFY_USER",
            help="Reviewer name recorded in the audit log (default: verify.toml's reviewer, else the OS user).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Check an article's claims against their sources, and publish the sourcing."""
    from verify.config import load_settings
    from verify.db.engine import sqlite_path

    settings = load_settings(sqlite_path(db_))  # verify.toml beside the database, or VERIFY_CONFIG
    ctx.obj = State(
        db=db_,
        sources=sources or settings.sources or Path("sources"),
        actor=(actor or "").strip() or settings.reviewer or default_actor(),
        settings=settings,
    )
    ctx.call_on_close(ctx.obj.close)


app.command("init")(db.init)
app.command("status")(status.status)
app.command("search")(search.search)
app.command("review")(review.review)
app.add_typer(article.app, name="article")
app.add_typer(claim.app, name="claim")
app.add_typer(source.app, name="source")
app.add_typer(evidence.app, name="evidence")
app.add_typer(db.app, name="db")
app.add_typer(report.app, name="report")
app.add_typer(model.app, name="model")
app.command("export")(export_cli.export)
app.command("import")(export_cli.import_)


def main() -> None:
    app()
