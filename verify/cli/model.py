"""``verify model``: the optional sentence-embedding model of the semantic stage (docs/search.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verify.cli.render import ItemFormat, print_json, say
from verify.cli.state import state

app = typer.Typer(
    help="The optional sentence-embedding model that re-ranks suggestions by meaning (VERIFY_MODEL).",
    no_args_is_help=True,
)


def _configured() -> Path:
    from verify.errors import VerifyError
    from verify.match.model import MODEL_ENV, configured_model_dir

    folder = configured_model_dir()
    if folder is None:
        raise VerifyError(f"no model configured: set {MODEL_ENV} to a model folder (see 'verify model fetch')")
    return folder


@app.command("show")
def show(
    ctx: typer.Context,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Show the configured model (VERIFY_MODEL) and how many passages have its vectors."""
    from verify.match.model import configured_model_dir, load_model
    from verify.workflow.semantic import embedding_summary

    folder = configured_model_dir()
    encoder = load_model(folder) if folder is not None else None
    stored = embedding_summary(state(ctx).database())
    data = {
        "model": str(folder) if folder else None,
        "model_id": encoder.model_id if encoder else None,
        "dimension": encoder.dimension if encoder else None,
        "vectors": stored,
    }
    if output is ItemFormat.json:
        print_json(data)
        return
    if encoder is None:
        say("no model configured (VERIFY_MODEL unset): suggestions are ranked by words alone")
    else:
        mine = stored.get(encoder.model_id, 0)
        say(f"model: {folder} (id {encoder.model_id}, {encoder.dimension} dimensions)")
        say(f"passages with its vectors: {mine}")
    others = sum(v for k, v in stored.items() if encoder is None or k != encoder.model_id)
    if others:
        say(f"stored vectors not of this model (unused): {others}")


@app.command("embed")
def embed(
    ctx: typer.Context,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Recompute every source's vectors, not only the missing ones.")
    ] = False,
    output: Annotated[ItemFormat, typer.Option("--format", help="Output format.")] = ItemFormat.table,
) -> None:
    """Store the configured model's vectors for sources added before it was configured (or all, with --refresh)."""
    from verify.match.model import load_model
    from verify.workflow.semantic import embed_library

    encoder = load_model(_configured())
    result = embed_library(state(ctx).database(), encoder, refresh=refresh)
    if output is ItemFormat.json:
        print_json(result.to_json())
        return
    say(
        f"embedded {result.passages} passages of {result.sources} sources with {encoder.folder.name}; "
        f"{result.already} sources already had its vectors"
    )


@app.command("fetch")
def fetch(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Model name on the hub, e.g. OWNER/MODEL.")],
    to: Annotated[
        Path | None, typer.Option("--to", help="Model folder to create (default: ~/.cache/verify/models/NAME).")
    ] = None,
    hub: Annotated[
        str | None,
        typer.Option("--hub", envvar="VERIFY_MODEL_HUB", help="Model hub base URL (default https://huggingface.co)."),
    ] = None,
) -> None:
    """Download a sentence-embedding model (ONNX or static) into a model folder; the only command that downloads one."""
    from verify.workflow.semantic import fetch_model

    folder = fetch_model(name, to, hub)
    say(f"fetched {name} into {folder}; use it with: export VERIFY_MODEL={folder}")
