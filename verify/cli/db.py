"""``verify init`` and ``verify db``: creating and upgrading the claims database."""

from __future__ import annotations

import typer

from verify.cli.render import say
from verify.cli.state import state

app = typer.Typer(help="Create, inspect and upgrade the claims database.", no_args_is_help=True)


def init(ctx: typer.Context) -> None:
    """Create an empty claims database (or upgrade an existing one to the current schema)."""
    from verify.db.migrate import upgrade

    current = state(ctx)
    database = current.database(create=True, check_schema=False)
    before, after = upgrade(database)
    if before == after:
        say(f"database {current.db} is up to date (schema {after})")
    elif before is None:
        say(f"created database {current.db} (schema {after})")
    else:
        say(f"upgraded database {current.db} from schema {before} to {after}")


@app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """Upgrade the database schema to the version this verify needs."""
    from verify.db.migrate import upgrade

    current = state(ctx)
    before, after = upgrade(current.database(check_schema=False))
    say(f"schema {before or '(empty)'} -> {after}" if before != after else f"schema is current ({after})")


@app.command("status")
def status_command(ctx: typer.Context) -> None:
    """Show the schema version of the database and the version this verify needs."""
    from verify.db.migrate import HEAD, stored_revision

    current = state(ctx)
    stored = stored_revision(current.database(check_schema=False))
    say(f"database: {current.db}")
    say(f"schema: {stored or '(empty)'}; this verify needs {HEAD}" + ("" if stored == HEAD else " - run 'verify db upgrade'"))
