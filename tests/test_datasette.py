"""A claims database in the tools desks already use: sqlite-utils and Datasette, as they are.

Both find the passage full-text index on their own (declared ``content="passage"``
by migration 0007), search it, list the views, and Datasette hides verify's
internal tables with the shipped ``docs/datasette-metadata.json``.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest

sqlite_utils = pytest.importorskip("sqlite_utils")
datasette_app = pytest.importorskip("datasette.app")

REPO = Path(__file__).resolve().parents[1]
LIBRARY = REPO / "tests" / "data" / "library"
METADATA = REPO / "docs" / "datasette-metadata.json"
VIEWS = {"claims_with_status", "evidence_with_locator", "claims_unsupported"}
INTERNAL = {"alembic_version", "search_block", "search_document", "search_stats", "review_lease"}


@pytest.fixture
def library_db(run, workspace) -> Path:
    """The shipped article and two fictional UN-style reports (tests/data/library), through the CLI."""
    assert run("init").exit_code == 0
    assert run("article", "add", str(REPO / "articles" / "taliban-strategy-al-qaeda.txt")).exit_code == 0
    for name, key in (("S-TEST-2023-14.txt", "S/TEST/2023/14"), ("S-TEST-2024-92.txt", "S/TEST/2024/92")):
        result = run("source", "add", str(LIBRARY / name), "--key", key)
        assert result.exit_code == 0, result.stderr
    return workspace.db


def containing(db: Path, word: str) -> set[int]:
    """Passage ids whose text has ``word`` as a whole word, read without any index."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, text FROM passage").fetchall()
    finally:
        conn.close()
    return {pid for pid, text in rows if re.search(rf"\b{word}\b", text, re.IGNORECASE)}


def datasette_get(db: Path, path: str, metadata: dict | None = None):
    async def get():
        ds = datasette_app.Datasette([str(db)], metadata=metadata)
        return await ds.client.get(path)

    return asyncio.run(get())


def test_sqlite_utils_detects_and_searches_the_passage_index(library_db):
    db = sqlite_utils.Database(library_db)
    try:
        assert db["passage"].detect_fts() == "passage_fts"
        expected = containing(library_db, "Kandahar")
        assert expected  # the reports name it
        found = [row["id"] for row in db["passage"].search("Kandahar", columns=["id"])]
        assert set(found) == expected and len(found) == len(expected)
        assert VIEWS <= set(db.view_names())
        # The external-content index agrees with the passage table it indexes.
        db.execute("INSERT INTO passage_fts(passage_fts) VALUES ('integrity-check')")
    finally:
        db.close()


def test_datasette_search_on_the_passage_table_matches_sqlite_utils(library_db):
    expected = containing(library_db, "Kandahar")
    response = datasette_get(library_db, "/claims/passage.json?_search=Kandahar&_shape=array&_size=max")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()} == expected
    page = datasette_get(library_db, "/claims/passage?_search=Kandahar")
    assert page.status_code == 200 and 'name="_search"' in page.text  # the search box is shown


def test_the_shipped_metadata_hides_internal_tables_and_keeps_the_views(library_db, run):
    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    listing = datasette_get(library_db, "/claims.json", metadata).json()
    shown = {t["name"] for t in listing["tables"] if not t["hidden"]}
    hidden = {t["name"] for t in listing["tables"] if t["hidden"]}
    assert INTERNAL <= hidden and "passage_fts" in hidden
    assert {"article", "claim", "evidence", "passage", "source", "note", "event", "signoff"} <= shown
    assert {v["name"] for v in listing["views"]} == VIEWS
    unsupported = datasette_get(library_db, "/claims/claims_unsupported.json?_shape=array&_size=max", metadata)
    report = json.loads(run("report", "unsupported", "--format", "json").stdout)
    assert unsupported.status_code == 200 and [r["id"] for r in unsupported.json()] == [r["id"] for r in report]
    assert {r["reasons"] for r in unsupported.json()} == {"no_evidence"}  # nothing linked yet


def test_sqlite_utils_reads_missing_attributions_as_null(library_db):
    db = sqlite_utils.Database(library_db)
    try:
        rows = list(db.query("SELECT count(*) AS n FROM claim WHERE attribution IS NULL"))
        assert rows == [{"n": 61}]
        assert not list(db.query("SELECT id FROM claim WHERE attribution = 'null'"))
    finally:
        db.close()


def test_an_upgraded_database_has_its_existing_passages_indexed(run, tmp_path):
    """Migration 0007 fills the index from the passages already there (tests/data/schema-0001.db)."""
    import shutil

    old = tmp_path / "old.db"
    shutil.copyfile(REPO / "tests" / "data" / "schema-0001.db", old)
    result = run("--db", str(old), "db", "upgrade")
    assert result.exit_code == 0, result.stderr
    expected = containing(old, "Taliban")
    assert expected
    db = sqlite_utils.Database(old)
    try:
        assert {row["id"] for row in db["passage"].search("Taliban", columns=["id"])} == expected
    finally:
        db.close()


def test_a_database_restored_from_an_export_has_its_passages_indexed(library_db, run, tmp_path):
    """``verify import`` (and so ``verify db copy`` from PostgreSQL) fills the index as the passages go in."""
    exported = tmp_path / "export.json"
    assert run("export", "--output", str(exported)).exit_code == 0
    copy = tmp_path / "copy.db"
    assert run("--db", str(copy), "init").exit_code == 0
    result = run("--db", str(copy), "import", str(exported))
    assert result.exit_code == 0, result.stderr
    db = sqlite_utils.Database(copy)
    try:
        found = {row["id"] for row in db["passage"].search("Kandahar", columns=["id"])}
    finally:
        db.close()
    assert found == containing(library_db, "Kandahar") == containing(copy, "Kandahar")
