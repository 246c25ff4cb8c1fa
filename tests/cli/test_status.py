"""``verify status``: progress per article (by status, by kind, share reviewed, reviewers) and sources."""

from __future__ import annotations

import json

from tests.conftest import ARTICLE_TITLE
from verify.db.models import CLAIM_KINDS, CLAIM_STATUSES

ARTICLE_KEYS = {
    "id",
    "title",
    "url",
    "revision",
    "claims",
    "withdrawn",
    "by_status",
    "by_kind",
    "reviewed",
    "share_reviewed",
    "reviewers",
}


def execute(workspace, sql: str, *params: object) -> None:
    workspace.execute(sql, *params)


def status_json(run) -> dict:
    result = run("status", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_empty_database(run, workspace):
    assert run("init").exit_code == 0
    assert status_json(run) == {"articles": [], "sources": []}
    result = run("status")
    assert result.exit_code == 0
    assert "No articles yet" in result.stdout and "verify article add" in result.stdout


def test_json_shape_for_the_shipped_article(article_db, run):
    report = status_json(run)
    assert set(report) == {"articles", "sources"}
    (article,) = report["articles"]
    assert ARTICLE_KEYS <= set(article)  # the documented keys (later issues may add more)
    assert (article["id"], article["title"], article["revision"], article["claims"]) == (
        1,
        ARTICLE_TITLE,
        1,
        71,
    )
    assert list(article["by_status"]) == list(CLAIM_STATUSES)
    assert article["by_status"]["unreviewed"] == 71 and sum(article["by_status"].values()) == 71
    assert list(article["by_kind"]) == list(CLAIM_KINDS) and sum(article["by_kind"].values()) == 71
    assert (article["reviewed"], article["share_reviewed"], article["reviewers"]) == (0, 0.0, [])
    assert report["sources"] == []


def test_verdicts_assignments_and_share_reviewed(article_db, run):
    execute(
        article_db,
        "INSERT INTO source (id, key, version, is_current, created_at, created_by) VALUES (1, 'S/2023/370', 1, TRUE, "
        "'x', 'x')",
    )
    execute(
        article_db,
        "INSERT INTO evidence (claim_id, source_id, quote, stance, anchor, added_by, added_at) "
        "VALUES (25, 1, 'leaders in Kabul', 'supports', 'exact', 'amira', '2024-01-01T00:00:00Z')",
    )
    assert run("claim", "mark", "25", "verified", user="amira").exit_code == 0
    assert run("claim", "mark", "26", "disputed", "--note", "UN says 400-600", user="amira").exit_code == 0
    assert run("claim", "mark", "27", "unsupported", "--note", "not in S/2023/370", user="bilal").exit_code == 0
    assert run("claim", "mark", "28", "in_progress", user="bilal").exit_code == 0
    assert run("claim", "mark", "5", "opinion", user="chen").exit_code == 0
    assert run("claim", "assign", "28", "bilal").exit_code == 0
    assert run("claim", "assign", "29", "bilal").exit_code == 0
    assert run("claim", "assign", "30", "dana").exit_code == 0

    (article,) = status_json(run)["articles"]
    assert {k: v for k, v in article["by_status"].items() if v} == {
        "unreviewed": 66,
        "in_progress": 1,
        "verified": 1,
        "disputed": 1,
        "unsupported": 1,
        "opinion": 1,
    }
    assert article["reviewed"] == 4
    assert article["share_reviewed"] == round(4 / 71, 4)
    assert article["reviewers"] == [
        {"name": "amira", "assigned": 0, "verdicts": 2},
        {"name": "bilal", "assigned": 2, "verdicts": 1},
        {"name": "chen", "assigned": 0, "verdicts": 1},
        {"name": "dana", "assigned": 1, "verdicts": 0},
    ]
    table = run("status")
    assert table.exit_code == 0
    assert "71 claims, 4 with a verdict (6%)" in table.stdout
    assert "amira (0 assigned, 2 verdicts)" in table.stdout
    assert "Sources" in table.stdout and "S/2023/370" in table.stdout


def test_registered_sources_are_listed_as_not_yet_retrieved(article_db, run):
    execute(
        article_db,
        "INSERT INTO source (key, version, is_current, title, published, url, created_at, created_by) VALUES "
        "('S/2023/370', 1, TRUE, 'Fourteenth report of the Monitoring Team', '2023-06-01', "
        "'https://undocs.org/S/2023/370', 'x', 'x')",
    )
    (source,) = status_json(run)["sources"]
    assert (source["key"], source["retrieved"], source["retrieved_at"], source["passages"]) == (
        "S/2023/370",
        False,
        None,
        0,
    )
    assert "not yet retrieved" in run("status").stdout


def test_each_article_is_reported_separately(article_db, run, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Another Piece\n\nThe group met in Kabul in 2023. It may return.\n", encoding="utf-8")
    assert run("article", "add", str(other)).exit_code == 0
    articles = status_json(run)["articles"]
    assert [(a["id"], a["title"], a["claims"]) for a in articles] == [
        (1, ARTICLE_TITLE, 71),
        (2, "Another Piece", 2),
    ]
    assert "Article 2: Another Piece" in run("status").stdout
