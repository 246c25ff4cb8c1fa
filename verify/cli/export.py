"""``verify export`` and ``verify import``: the database as files, and back."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from verify.cli.render import say
from verify.cli.report import emit
from verify.cli.state import state


class CsvTable(StrEnum):
    claims = "claims"
    evidence = "evidence"


class ExportFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    claimreview = "claimreview"
    csl_json = "csl-json"


def export(
    ctx: typer.Context,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="json/jsonl: everything (importable); csv: one row per claim (or per evidence, --table); "
            "claimreview: schema.org markup; csl-json: the sources.",
        ),
    ] = ExportFormat.json,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to FILE (atomically) instead of stdout; - is stdout.")
    ] = None,
    article: Annotated[int | None, typer.Option("--article", help="Only this article (csv and claimreview).")] = None,
    table: Annotated[
        CsvTable, typer.Option("--table", help="csv: one row per claim, or one row per evidence (retracted included).")
    ] = CsvTable.claims,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel", help="csv for Excel and Google Sheets: UTF-8 byte order mark, date-times they recognise, CRLF."
        ),
    ] = False,
    org: Annotated[
        str | None,
        typer.Option("--org", help="ClaimReview author: the organisation (default: verify.toml's organisation)."),
    ] = None,
    review_url: Annotated[
        str | None,
        typer.Option(
            "--review-url",
            help="ClaimReview url: the page publishing the public appendix; each review is URL#claim-<id> "
            "(default: verify.toml's review_url).",
        ),
    ] = None,
    include_unsigned: Annotated[
        bool,
        typer.Option("--include-unsigned", help="ClaimReview: also verdicts without a current sign-off."),
    ] = False,
) -> None:
    """Export the database: everything as json/jsonl, claims or evidence as csv, ClaimReview, or sources as CSL-JSON."""
    from verify.errors import VerifyError

    if article is not None and output_format not in (ExportFormat.csv, ExportFormat.claimreview):
        raise VerifyError("--article applies to --format csv and claimreview; json and jsonl export everything")
    if (org or review_url or include_unsigned) and output_format is not ExportFormat.claimreview:
        raise VerifyError("--org, --review-url and --include-unsigned apply to --format claimreview")
    if (excel or table is not CsvTable.claims) and output_format is not ExportFormat.csv:
        raise VerifyError("--table and --excel apply to --format csv")
    settings = state(ctx).settings
    with state(ctx).database().read() as session:
        if output_format is ExportFormat.json:
            from verify.exports.dump import export_data, to_json

            text = to_json(export_data(session))
        elif output_format is ExportFormat.jsonl:
            from verify.exports.dump import to_jsonl

            text = to_jsonl(session)
        elif output_format is ExportFormat.csv and table is CsvTable.evidence:
            from verify.exports import evidence_csv

            text = evidence_csv.to_csv(evidence_csv.evidence_rows(session, article), excel=excel)
        elif output_format is ExportFormat.csv:
            from verify.exports.claims_csv import claim_rows, to_csv

            text = to_csv(claim_rows(session, article), excel=excel)
        elif output_format is ExportFormat.claimreview:
            from verify.exports.claimreview import claim_reviews, script_safe_json

            done = claim_reviews(
                session,
                article_id=article,
                org=org or settings.organisation,
                review_url=review_url or settings.review_url,
                include_unsigned=include_unsigned,
                wording=settings.internal_wording,
            )
            if done.unsigned:
                from verify.cli.render import warn

                warn(
                    f"warning: {done.unsigned} verdict(s) without a current sign-off left out "
                    "('verify claim signoff ID', or --include-unsigned to export them anyway)"
                )
            if done.missing and done.reviews:
                from verify.cli.render import warn

                what = " and ".join(done.missing)
                warn(
                    f"warning: article {done.article_id} records no {what}, so the reviewed claims' appearance lacks "
                    f"{'them' if len(done.missing) > 1 else 'it'}; give it when importing "
                    "('verify article add FILE --url URL --author NAME')"
                )
            text = script_safe_json(done.reviews)
        else:
            from verify.exports.csl import csl_items

            text = _json(csl_items(session))
    emit(text, output, "data" if output_format is ExportFormat.csv else "json")


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def import_(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="A json or jsonl file written by 'verify export' (- for stdin).")
    ],
    max_size: Annotated[str, typer.Option("--max-size", help="Refuse larger input.")] = "256MB",
) -> None:
    """Restore a json/jsonl export into an empty database (after 'verify init'); sources/ files are not included."""
    from verify.cli.article import _parse_size
    from verify.cli.progress import progress
    from verify.errors import VerifyError
    from verify.exports.dump import import_data, parse_export
    from verify.exports.values import check_values
    from verify.ingest.reading import display_name, read_input

    shown = display_name(path)
    name = "standard input" if shown == "standard input" else path.name
    with progress(f"reading {name}") as bar:
        data = read_input(
            path,
            cap=_parse_size(max_size),
            what="an export file",
            reject_nul="it is not an export; give a file written by 'verify export'",
        )
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raise VerifyError(f"{shown} is not UTF-8 text; give a file written by 'verify export'") from None
        bar.step(f"checking {name}")
        data_ = parse_export(raw, name)
        check_values(data_, name)
        counts = import_data(state(ctx).database(), data_, sources_dir=state(ctx).sources, on_step=bar.step)
    say(
        f"imported {shown if shown == 'standard input' else path.name}: "
        + ", ".join(f"{n} {key}" for key, n in counts.items())
    )
