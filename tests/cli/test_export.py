"""``verify export`` / ``verify import``: a lossless, deterministic round trip, and the publication formats."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.golden.update import template
from verify.db.engine import open_database
from verify.db.models import Article, ArticleRevision, Claim, Event, Evidence, Note, Passage, Signoff, Source
from verify.exports.dump import TABLES, export_data, import_data, to_json

SECTIONS = ["format_version", *TABLES]


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def export(run, *args: str) -> str:
    result = run("export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_export_has_everything_and_nothing_machine_dependent(reports_db, run):
    text = export(run)
    data = json.loads(text)
    assert list(data) == SECTIONS and data["format_version"] == 1
    counts = {key: len(data[key]) for key in TABLES}
    assert counts == {
        "articles": 1,
        "revisions": 1,
        "sources": 2,
        "passages": 61,
        "claims": 71,
        "evidence": 6,
        "notes": 5,
        "events": counts["events"],
        "signoffs": 2,
    }
    assert str(reports_db.root) not in text and "/tmp" not in text
    assert {s["path"] for s in data["sources"]} == {"s-test-2023-14", "test-guide"}
    assert export(run) == text  # same database, same bytes


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_import_into_an_empty_database_round_trips(reports_db, run, tmp_path, fmt):
    original = export(run)
    dumped = tmp_path / f"dump.{fmt}"
    assert run("export", "--format", fmt, "--output", str(dumped)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert run("--db", str(fresh), "init").exit_code == 0
    result = run("--db", str(fresh), "import", str(dumped))
    assert result.exit_code == 0, result.stderr
    assert "71 claims" in result.stdout
    assert run("--db", str(fresh), "export").stdout == original
    # the restored database works: reports read it, and the audit log got no "import" event
    assert run("--db", str(fresh), "--sources", str(reports_db.sources), "report", "appendix").exit_code == 0


def test_import_refuses_a_database_with_data(reports_db, run, tmp_path):
    dumped = tmp_path / "dump.json"
    dumped.write_text(export(run), encoding="utf-8")
    before = reports_db.dump()
    result = run("import", str(dumped))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "is not empty" in result.stderr
    assert reports_db.dump() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json", "is not valid JSON"),
        ("[]", "is not a verify export"),
        ('{"format_version": 99}', "export format 99"),
        ('{"format_version": 1, "claims": {}}', "'claims' must be a list"),
        ('{"format_version": 1, "widgets": []}', "unknown sections: widgets"),
        (
            '{"format_version": 1, "notes": [{"id": 1, "claim_id": 5, "author": "x", "created_at": "t", "text": "n"}]}',
            "does not fit the database",
        ),
        ('{"format_version": 1, "notes": [{"id": 1, "author": "x"}]}', "'notes' item 1 has missing"),
        ('{"format_version": 1, "notes": [{"id": 1, "colour": "x"}]}', "unknown field 'colour'"),
        ('{"format_version": 1}\n{"table": "nope", "row": {}}\n', "line 2 is not a"),
    ],
)
def test_bad_import_files_are_refused_and_change_nothing(run, workspace, tmp_path, content, says):
    assert run("init").exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    before = workspace.dump()
    result = run("import", str(bad))
    assert result.exit_code == 2, result.stdout
    assert says in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert workspace.dump() == before


def test_import_of_a_missing_file(run, workspace):
    assert run("init").exit_code == 0
    result = run("import", "nope.json")
    assert result.exit_code == 2 and "no such file: nope.json" in result.stderr


def test_csv_has_one_row_per_claim(reports_db, run):
    rows = list(csv.DictReader(io.StringIO(export(run, "--format", "csv"))))
    assert len(rows) == 71 and [int(r["id"]) for r in rows] == list(range(1, 72))
    disputed = rows[25]
    assert (disputed["status"], disputed["contradicts"], disputed["sources"]) == (
        "disputed",
        "1",
        "S/TEST/2023/14 para. 14",
    )
    assert rows[2]["signed_off_by"] == "editor"


def test_csv_cells_never_become_formulas(reports_db, run):
    assert run("claim", "note", "1", '=HYPERLINK("http://evil")').exit_code == 0
    rows = list(csv.DictReader(io.StringIO(export(run, "--format", "csv"))))
    assert rows[0]["latest_note"] == '\'=HYPERLINK("http://evil")'


def test_options_that_do_not_apply_are_refused(reports_db, run):
    assert run("export", "--org", "Desk").exit_code == 2
    assert run("export", "--include-unsigned").exit_code == 2
    assert run("export", "--format", "json", "--article", "1").exit_code == 2


def test_csl_json_sources(reports_db, run):
    items = json.loads(export(run, "--format", "csl-json"))
    un, guide = items
    assert un == {
        "id": "S/TEST/2023/14",
        "type": "report",
        "title": "Fourteenth report of the Analytical Support and Sanctions Monitoring Team",
        "author": [{"literal": "United Nations Security Council"}],
        "publisher": "United Nations",
        "number": "S/TEST/2023/14",
        "collection-title": "Analytical Support and Sanctions Monitoring Team",  # the series, read from the title
        "issued": {"date-parts": [[2023, 6, 1]]},
        "URL": "https://example.org/S-TEST-2023-14.txt",
        "accessed": {"date-parts": [[2026, 11, 26]]},
        "note": "verify key: S/TEST/2023/14\nsha256: 8413ddbf0a122bb5e97a40e245399ffa89a47429f2f41e6fbb0f344fd7160ca6",
    }
    assert guide["type"] == "document" and guide["issued"] == {"date-parts": [[2013, 9]]}


# --- round trip with generated content -------------------------------------------------------

TEXT = st.text(max_size=30)
OPTIONAL = st.none() | TEXT
STAMP = st.text(alphabet="0123456789-:TZ.", min_size=1, max_size=27)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def database_content(draw) -> list[object]:
    """Rows for every table, with foreign keys that hold."""
    rows: list[object] = []
    n_articles = draw(st.integers(1, 2))
    for a in range(1, n_articles + 1):
        rows.append(
            Article(
                id=a,
                title=draw(TEXT),
                author=draw(OPTIONAL),
                url=draw(OPTIONAL),
                published=draw(OPTIONAL),
                created_at=draw(STAMP),
                created_by=draw(TEXT),
            )
        )
        rows.append(
            ArticleRevision(
                id=a,
                article_id=a,
                number=1,
                text=draw(TEXT),
                content_hash=draw(TEXT),
                paragraph_spans=draw(st.lists(st.lists(st.integers(0, 99), min_size=2, max_size=2), max_size=3)),
                imported_at=draw(STAMP),
                imported_by=draw(TEXT),
            )
        )
    rows.append(
        Source(
            id=1,
            key=draw(TEXT),
            title=draw(OPTIONAL),
            sha256=draw(OPTIONAL),
            size=draw(st.none() | st.integers(0, 10**9)),
            is_current=draw(st.booleans()),
            text=draw(OPTIONAL),
            created_at=draw(STAMP),
            created_by=draw(TEXT),
        )
    )
    rows.append(
        Passage(id=1, source_id=1, seq=0, locator=draw(TEXT), start=0, end=draw(st.integers(0, 500)), text=draw(TEXT))
    )
    n_claims = draw(st.integers(1, 4))
    for c in range(1, n_claims + 1):
        article = draw(st.integers(1, n_articles))
        rows.append(
            Claim(
                id=c,
                article_id=article,
                revision_id=article,
                paragraph=draw(st.integers(1, 9)),
                sentence=c,
                start=0,
                end=1,
                text=draw(TEXT),
                kind=draw(st.sampled_from(["factual", "quote", "opinion"])),
                hints=draw(st.dictionaries(TEXT, JSONISH, max_size=3)),
                attribution=draw(st.none() | st.dictionaries(TEXT, JSONISH, max_size=2)),
                status=draw(st.sampled_from(["unreviewed", "verified", "disputed"])),
                assignee=draw(OPTIONAL),
                changed=draw(st.booleans()),
                version=draw(st.integers(1, 50)),
                created_at=draw(STAMP),
                updated_at=draw(STAMP),
                updated_by=draw(TEXT),
            )
        )
    for e in range(1, draw(st.integers(0, 3)) + 1):
        rows.append(
            Evidence(
                id=e,
                claim_id=draw(st.integers(1, n_claims)),
                source_id=1,
                passage_id=draw(st.none() | st.just(1)),
                quote=draw(TEXT),
                stance=draw(st.sampled_from(["supports", "contradicts", "context"])),
                anchor_score=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
                note=draw(OPTIONAL),
                added_by=draw(TEXT),
                added_at=draw(STAMP),
                retracted_at=draw(st.none() | STAMP),
            )
        )
    for n in range(1, draw(st.integers(0, 3)) + 1):
        rows.append(
            Note(
                id=n,
                claim_id=draw(st.integers(1, n_claims)),
                author=draw(TEXT),
                created_at=draw(STAMP),
                text=draw(TEXT),
            )
        )
        rows.append(
            Signoff(
                id=n,
                claim_id=draw(st.integers(1, n_claims)),
                status="verified",
                signed_by=draw(TEXT),
                signed_at=draw(STAMP),
                note=draw(OPTIONAL),
                lapsed_at=draw(st.none() | STAMP),
            )
        )
    for v in range(1, draw(st.integers(0, 4)) + 1):
        rows.append(
            Event(
                id=v,
                at=draw(STAMP),
                actor=draw(TEXT),
                action=draw(TEXT),
                article_id=draw(st.none() | st.just(1)),
                claim_id=draw(st.none() | st.just(1)),
                old=draw(OPTIONAL),
                new=draw(OPTIONAL),
                note=draw(OPTIONAL),
            )
        )
    return rows


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory) -> Path:
    from verify.db import migrate

    path = tmp_path_factory.mktemp("empty") / "empty.db"
    database = open_database(str(path), create=True, check_schema=False)
    migrate.upgrade(database)
    database.dispose()
    return path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=database_content())
def test_generated_content_round_trips_byte_for_byte(empty_database, content):
    with tempfile.TemporaryDirectory() as temp:
        first, second = Path(temp) / "a.db", Path(temp) / "b.db"
        shutil.copy(empty_database, first)
        shutil.copy(empty_database, second)
        source_db, target_db = open_database(str(first)), open_database(str(second))
        try:
            with source_db.write() as session:
                for row in content:
                    session.add(row)
                    session.flush()
            with source_db.read() as session:
                exported = to_json(export_data(session))
            import_data(target_db, json.loads(exported))
            with target_db.read() as session:
                assert to_json(export_data(session)) == exported
        finally:
            source_db.dispose()
            target_db.dispose()


def test_export_output_file_and_a_missing_folder(reports_db, run, tmp_path):
    target = tmp_path / "claims.csv"
    assert run("export", "--format", "csv", "--output", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == export(run, "--format", "csv")
    result = run("export", "--output", str(tmp_path / "nope" / "x.json"))
    assert result.exit_code == 2 and "does not exist" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "nope").exists()
