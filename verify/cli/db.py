"""``verify init`` and ``verify db``: creating and upgrading the claims database."""

from __future__ import annotations

from typing import Annotated

import typer

from verify.cli.render import say
from verify.cli.state import state

app = typer.Typer(help="Create, inspect and upgrade the claims database.", no_args_is_help=True)


def init(ctx: typer.Context) -> None:
    """Create an empty claims database (or upgrade an existing one to the current schema)."""
    from verify.workflow.schema import upgrade_database as upgrade

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
    from verify.workflow.schema import upgrade_database as upgrade

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
    say(
        f"schema: {stored or '(empty)'}; this verify needs {HEAD}"
        + ("" if stored == HEAD else " - run 'verify db upgrade'")
    )


@app.command("copy")
def copy_command(
    src: Annotated[str, typer.Argument(metavar="SRC", help="Database to copy from: a file or a SQLAlchemy URL.")],
    dst: Annotated[
        str, typer.Argument(metavar="DST", help="Database to copy into (created or upgraded; must hold no data).")
    ],
) -> None:
    """Copy every row to another database (e.g. SQLite -> PostgreSQL): 'export' then 'import' in one step.

    Both databases' exports are compared afterwards; files under sources/ are not copied.
    """
    from verify.db.engine import open_database
    from verify.errors import VerifyError
    from verify.exports.dump import export_data, import_data, parse_export, to_json
    from verify.workflow.schema import upgrade_database as upgrade

    source = open_database(src)
    try:
        with source.read() as session:
            exported = to_json(export_data(session))
    finally:
        source.dispose()
    target = open_database(dst, create=True, check_schema=False)
    try:
        upgrade(target)
        counts = import_data(target, parse_export(exported, src), advice="copy into a new, empty database instead")
        with target.read() as session:
            if to_json(export_data(session)) != exported:
                raise VerifyError(
                    f"the copy in {dst} does not export the same as {src}; compare 'verify export' of both"
                )
    finally:
        target.dispose()
    say(f"copied {src} to {dst}: " + ", ".join(f"{n} {key}" for key, n in counts.items()))
    say("exports of both databases are identical; copy the sources/ folder alongside")
