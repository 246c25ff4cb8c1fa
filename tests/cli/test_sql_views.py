"""The read-only SQL views of the schema (claims_with_status, evidence_with_locator, claims_unsupported).

They are what a data person queries with Datasette, sqlite-utils or psql; each
must say what verify's own commands say on the same database, on both backends.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import DBAPIError

from tests.golden.update import template

VIEWS = ("claims_with_status", "evidence_with_locator", "claims_unsupported")


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def cli_json(run, *args: str):
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_claims_unsupported_lists_what_the_report_lists_with_the_same_reasons(reports_db, run):
    assert run("evidence", "retract", "1", "--reason", "wrong paragraph").exit_code == 0  # claim 3 loses support
    report = cli_json(run, "report", "unsupported")
    view = reports_db.rows("SELECT id, reasons, status, text FROM claims_unsupported ORDER BY article_id, id")
    assert [(r["id"], r["reasons"].split(",")) for r in view] == [(r["id"], r["reasons"]) for r in report]
    assert {"no_evidence", "disputed", "partly_verified"} <= {
        reason for r in view for reason in r["reasons"].split(",")
    }
    assert 3 in [r["id"] for r in view]


def test_claims_with_status_matches_claim_list_and_the_csv_sign_offs(reports_db, run):
    claims = {c["id"]: c for c in cli_json(run, "claim", "list")}
    view = reports_db.rows("SELECT * FROM claims_with_status ORDER BY id")
    assert [r["id"] for r in view] == sorted(claims)
    for row in view:
        claim = claims[row["id"]]
        assert (row["status"], row["kind"], row["text"], row["assignee"]) == (
            claim["status"],
            claim["kind"],
            claim["text"],
            claim["assignee"],
        )
        assert {k: row[k] for k in ("supports", "contradicts", "context")} == claim["evidence_counts"]
    signed = {r["id"]: r["signed_off_by"] for r in view if r["signed_off_by"]}
    assert signed == {3: "editor", 9: "editor"}
    assert view[0]["article_title"].startswith("The Taliban")


def test_evidence_with_locator_has_one_row_per_evidence_retracted_included(reports_db, run):
    assert run("evidence", "retract", "1", "--reason", "wrong paragraph").exit_code == 0
    listed = cli_json(run, "evidence", "list", "3")
    view = reports_db.rows("SELECT * FROM evidence_with_locator ORDER BY id")
    assert len(view) == reports_db.query("SELECT count(*) FROM evidence")[0][0] == 6
    first = view[0]
    assert (first["claim_id"], first["stance"], first["source_key"], first["in_force"]) == (
        3,
        "supports",
        "S/TEST/2023/14",
        0,
    )
    assert first["retracted_by"] == "tester" and first["retraction_reason"] == "wrong paragraph"
    assert first["locator"] == listed[0]["locator"] and first["quote"] == listed[0]["quote"]
    assert all(r["in_force"] == 1 for r in view[1:]) and all(r["locator"] for r in view)


def test_the_views_are_read_only(reports_db):
    for view in VIEWS:
        with pytest.raises(DBAPIError):
            reports_db.execute(f"DELETE FROM {view}")
    if not reports_db.is_sqlite:
        updatable = reports_db.query(
            "SELECT table_name, is_updatable, is_insertable_into FROM information_schema.views"
            " WHERE table_name IN ('claims_with_status', 'evidence_with_locator', 'claims_unsupported')"
        )
        assert sorted(updatable) == [(name, "NO", "NO") for name in sorted(VIEWS)]
    assert reports_db.query("SELECT count(*) FROM claims_with_status")[0][0] == 71


def test_a_missing_attribution_is_sql_null(article_db, run):
    """61 of the shipped article's 71 claims have no attribution (10 name or continue one): NULL, not 'null'."""
    assert article_db.query("SELECT count(*) FROM claim WHERE attribution IS NULL") == [(61,)]
    claims = cli_json(run, "claim", "list")
    assert sum(c["attribution"] is None for c in claims) == 61


def downgrade(url: str, target: str) -> None:
    """Alembic's downgrade on verify's own migration scripts (verify has no command for it)."""
    from alembic import command

    from verify.db import migrate
    from verify.db.engine import open_database

    database = open_database(url, check_schema=False)
    try:
        config = migrate._config()
        with database.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, target)
    finally:
        database.dispose()


def test_the_migration_downgrades_and_upgrades_turning_json_null_into_sql_null(article_db, run):
    names = "('claims_with_status', 'evidence_with_locator', 'claims_unsupported', 'passage_fts')"
    objects = (
        f"SELECT count(*) FROM sqlite_master WHERE name IN {names}"
        if article_db.is_sqlite
        else f"SELECT count(*) FROM information_schema.views WHERE table_name IN {names}"
    )
    assert article_db.query(objects) == [(4 if article_db.is_sqlite else 3,)]
    downgrade(article_db.url, "0006")
    assert article_db.query(objects) == [(0,)]
    # What 0006 and before wrote for a claim without attribution: the JSON text null.
    json_null = "'null'" if article_db.is_sqlite else "'null'::json"
    article_db.execute(f"UPDATE claim SET attribution = {json_null} WHERE attribution IS NULL")
    assert article_db.query("SELECT count(*) FROM claim WHERE attribution IS NULL") == [(0,)]
    assert run("claim", "list").exit_code == 2  # the schema is older than this verify
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert article_db.query("SELECT count(*) FROM claim WHERE attribution IS NULL") == [(61,)]
    assert article_db.query(objects) == [(4 if article_db.is_sqlite else 3,)]
    assert article_db.query("SELECT count(*) FROM claims_unsupported")[0][0] > 0
