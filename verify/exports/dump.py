"""The full export (json, jsonl) and the import that restores it into an empty database.

The export is every row of every table, columns as stored, ordered by id,
under ``format_version`` — no export time, no absolute paths, no "file
present" flags — so the same database always gives the same bytes and an
export can be diffed, archived or moved to another backend (SQLite ->
PostgreSQL). The archived files under ``sources/`` are not included; copy the
folder alongside.

Import writes the rows back verbatim (ids, timestamps and the audit log
included, and it logs nothing itself), in one transaction, into a database
that holds no data; so importing an export and exporting again gives the same
bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from verify.db.engine import Database
from verify.db.models import Article, ArticleRevision, Claim, Event, Evidence, Note, Passage, Signoff, Source
from verify.errors import VerifyError

FORMAT_VERSION = 1
# Export key -> table, in an order that satisfies every foreign key on import.
TABLES: dict[str, Table] = {
    "articles": Article.__table__,  # type: ignore[attr-defined]
    "revisions": ArticleRevision.__table__,  # type: ignore[attr-defined]
    "sources": Source.__table__,  # type: ignore[attr-defined]
    "passages": Passage.__table__,  # type: ignore[attr-defined]
    "claims": Claim.__table__,  # type: ignore[attr-defined]
    "evidence": Evidence.__table__,  # type: ignore[attr-defined]
    "notes": Note.__table__,  # type: ignore[attr-defined]
    "events": Event.__table__,  # type: ignore[attr-defined]
    "signoffs": Signoff.__table__,  # type: ignore[attr-defined]
}


def _rows(session: Session, table: Table) -> Iterator[dict[str, Any]]:
    for row in session.execute(select(table).order_by(table.c.id)):
        yield dict(row._mapping)


def export_data(session: Session) -> dict[str, Any]:
    """Everything in the database as plain data, keyed as in :data:`TABLES`."""
    data: dict[str, Any] = {"format_version": FORMAT_VERSION}
    for key, table in TABLES.items():
        data[key] = list(_rows(session, table))
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(session: Session) -> str:
    """One JSON object a line: a header, then ``{"table": key, "row": {...}}`` in export order."""
    lines = [json.dumps({"format_version": FORMAT_VERSION}, ensure_ascii=False)]
    for key, table in TABLES.items():
        lines.extend(json.dumps({"table": key, "row": row}, ensure_ascii=False) for row in _rows(session, table))
    return "\n".join(lines) + "\n"


def parse_export(raw: str, name: str) -> dict[str, Any]:
    """Read a json or jsonl export into the json shape; any problem is one readable error."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as whole:
        data = _parse_jsonl(raw, name, whole)
    if not isinstance(data, dict) or "format_version" not in data:
        raise VerifyError(
            f"{name} is not a verify export (no format_version); export one with 'verify export --format json'"
        )
    if data["format_version"] != FORMAT_VERSION:
        raise VerifyError(
            f"{name} has export format {data['format_version']!r}; this verify reads format {FORMAT_VERSION}"
        )
    unknown = sorted(set(data) - set(TABLES) - {"format_version"})
    if unknown:
        raise VerifyError(f"{name} has unknown sections: {', '.join(unknown)}")
    for key in TABLES:
        rows = data.setdefault(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise VerifyError(f"{name}: '{key}' must be a list of objects")
    return data


def _parse_jsonl(raw: str, name: str, whole: json.JSONDecodeError) -> dict[str, Any]:
    lines = [line for line in raw.splitlines() if line.strip()]
    try:
        header = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or "format_version" not in header:
        raise VerifyError(f"{name} is not valid JSON (line {whole.lineno}: {whole.msg})") from None
    data: dict[str, Any] = {"format_version": header["format_version"]}
    for number, line in enumerate(lines[1:], start=2):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise VerifyError(f"{name} line {number} is not valid JSON: {exc.msg}") from None
        if not isinstance(record, dict) or record.get("table") not in TABLES or not isinstance(record.get("row"), dict):
            raise VerifyError(f'{name} line {number} is not a {{"table": …, "row": {{…}}}} record')
        data.setdefault(record["table"], []).append(record["row"])
    return data


def _check_rows(key: str, table: Table, rows: list[dict[str, Any]]) -> None:
    columns = {c.name for c in table.columns}
    required = {c.name for c in table.columns if not c.nullable and c.default is None and c.server_default is None}
    for index, row in enumerate(rows, start=1):
        extra = set(row) - columns
        missing = required - {k for k, v in row.items() if v is not None}
        if extra or missing:
            problem = f"unknown field {sorted(extra)[0]!r}" if extra else f"missing {sorted(missing)[0]!r}"
            raise VerifyError(f"'{key}' item {index} has {problem}")


def _holds_data(session: Session) -> list[str]:
    found = []
    for key, table in TABLES.items():
        count = session.execute(select(func.count()).select_from(table)).scalar()
        if count:
            found.append(f"{count} {key}")
    return found


def _check_source_paths(rows: list[dict[str, Any]], sources_dir: Path | None) -> None:
    """Refuse the whole import when a source folder would lie outside ``sources/``."""
    from verify.ingest.paths import source_path_problem

    for index, row in enumerate(rows, start=1):
        problem = source_path_problem(row.get("path"), sources_dir)
        if problem:
            raise VerifyError(
                f"'sources' item {index} (key {row.get('key')!r}) has path {row.get('path')!r}, which {problem}; "
                "a source path must be a folder inside sources/; nothing was imported"
            )


def import_data(
    db: Database,
    data: dict[str, Any],
    *,
    advice: str | None = None,
    sources_dir: Path | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Restore an export into ``db``, which must hold no data; returns rows per section.

    ``advice`` replaces the hint given when ``db`` is not empty (``db copy`` names its own command).
    ``on_step`` is told each stage ("claims", "the search index") as it starts, for a progress display.
    Every source path is checked first (relative, no ``..``, and with ``sources_dir`` no symlink
    leading out of it), so a hostile file cannot make ``source check`` read elsewhere.
    """
    for key, table in TABLES.items():
        _check_rows(key, table, data[key])
    _check_source_paths(data["sources"], sources_dir)
    with db.write() as session:
        found = _holds_data(session)
        if found:
            raise VerifyError(
                f"database {db.url} is not empty ({', '.join(found[:3])}); "
                + (advice or "import into a new one: 'verify --db NEW.db init', then 'verify --db NEW.db import FILE'")
            )
        try:
            for key, table in TABLES.items():
                if data[key]:
                    if on_step is not None:
                        on_step(f"importing {key}")
                    session.execute(insert(table), data[key])
            session.flush()
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise VerifyError(f"the export does not fit the database: {detail}") from None
        from verify.match.index import rebuild_on_connection

        if on_step is not None:
            on_step("building the search index")
        rebuild_on_connection(session.connection())  # the search index is derived data, not exported
        if db.engine.dialect.name == "postgresql":
            for table in TABLES.values():
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    return {key: len(data[key]) for key in TABLES}
