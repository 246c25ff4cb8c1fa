"""The commands people run all day start quickly: on a SQLite file, no ORM is loaded.

Wall-time goals live in ``benchmarks/bench_claims.py``; this test guards the
cause of most start-up time (importing SQLAlchemy, SQLModel and pydantic costs
about 0.4 s) so a stray import cannot slow every ``verify status`` again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLE = Path(__file__).resolve().parents[1] / "articles" / "taliban-strategy-al-qaeda.txt"
TITLE = "The Taliban’s Strategy to Strengthen and Govern al-Qaeda"

PROBE = """
import contextlib, io, json, sys
from verify.cli.app import main
sys.argv = ["verify", *json.loads(sys.argv[1])]
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main()
except SystemExit as exit:
    code = exit.code or 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "sqlmodel", "pydantic", "alembic", "rich"})
print(json.dumps({"code": code, "heavy": heavy, "stdout": out.getvalue()}))
"""


def probe(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "claims.db"
    for args in (("init",), ("article", "add", str(ARTICLE), "--title", TITLE)):
        subprocess.run([sys.executable, "-m", "verify", "--db", str(db), *args], check=True, capture_output=True)
    return db


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--format", "json"),
        ("claim", "list", "--format", "json"),
        ("claim", "list", "--status", "unreviewed", "--format", "csv"),
        ("article", "list", "--format", "json"),
    ],
)
def test_listing_commands_do_not_load_the_orm(database, args):
    result = probe("--db", str(database), *args)
    assert result["code"] == 0
    assert result["heavy"] == []
    assert result["stdout"]


def test_status_table_loads_only_the_terminal_renderer(database):
    result = probe("--db", str(database), "status")
    assert result["code"] == 0 and "71 claims" in result["stdout"]
    assert result["heavy"] == ["rich"]


def test_the_listing_matches_what_the_orm_reads(database):
    listed = json.loads(probe("--db", str(database), "claim", "list", "--format", "json")["stdout"])
    from sqlmodel import select

    from verify.db.engine import open_database
    from verify.db.models import Claim

    db = open_database(str(database))
    try:
        with db.read() as session:
            claims = session.exec(
                select(Claim).where(Claim.status != "withdrawn").order_by(Claim.paragraph, Claim.sentence)
            ).all()
            expected = [(c.id, c.text, c.attribution, c.version, c.changed) for c in claims]
    finally:
        db.dispose()
    assert [(r["id"], r["text"], r["attribution"], r["version"], r["changed"]) for r in listed] == expected
    assert any(r["attribution"] for r in listed)


@pytest.mark.postgres
def test_listing_on_postgresql_reads_with_psycopg_alone(database, tmp_path):
    """A desk's shared database: the same commands read through psycopg, the same output as on the file."""
    from tests.conftest import postgres_server

    server = postgres_server()
    name = server.create()
    url = server.url_for(name)
    try:
        subprocess.run(
            [sys.executable, "-m", "verify", "db", "copy", str(database), url], check=True, capture_output=True
        )
        for args in (
            ("status", "--format", "json"),
            ("claim", "list", "--format", "json"),
            ("article", "list", "--format", "json"),
        ):
            on_server = probe("--db", url, *args)
            assert on_server["code"] == 0 and on_server["heavy"] == []
            assert on_server["stdout"] == probe("--db", str(database), *args)["stdout"]
    finally:
        server.drop(name)


REPORT = """Monitoring report

1. Member States reported that the Taliban continued to host al-Qaeda leaders in Kabul safe houses.

2. The group trained around 400 fighters in camps in Helmand province.

3. Financing relied on charitable donations and informal hawala networks.
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """The article and one source: something for ``search`` and ``evidence suggest`` to find."""
    folder = tmp_path_factory.mktemp("library")
    db = folder / "claims.db"
    report = folder / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    env = {**os.environ, "VERIFY_SOURCES": str(folder / "sources"), "VERIFY_USER": "tester"}
    for args in (
        ("init",),
        ("article", "add", str(ARTICLE), "--title", TITLE),
        ("source", "add", str(report), "--key", "REP/1"),
    ):
        subprocess.run(
            [sys.executable, "-m", "verify", "--db", str(db), *args], check=True, capture_output=True, env=env
        )
    return db


def _claim_about_fighters(db: Path) -> int:
    claims = json.loads(probe("--db", str(db), "claim", "list", "--format", "json")["stdout"])
    return next(c["id"] for c in claims if "fighters" in c["text"].lower())


@pytest.mark.parametrize("command", ["search", "suggest"])
def test_search_and_suggest_do_not_load_the_orm(library, command):
    args = (
        ["search", "fighters Helmand camps", "--format", "json"]
        if command == "search"
        else ["evidence", "suggest", str(_claim_about_fighters(library)), "--all", "--format", "json"]
    )
    result = probe("--db", str(library), *args)
    assert result["code"] == 0
    assert result["heavy"] == []
    found = json.loads(result["stdout"])
    assert found and found[0]["source_key"] == "REP/1"


def test_suggest_without_the_orm_matches_the_session_path(library):
    """The plain-SQL start-up path and a library caller's ORM session rank the same passages, with the same scores."""
    from verify.db.engine import open_database
    from verify.match.rank import suggest_for_claim

    claim_id = _claim_about_fighters(library)
    listed = json.loads(
        probe("--db", str(library), "evidence", "suggest", str(claim_id), "--all", "--format", "json")["stdout"]
    )
    db = open_database(str(library))
    try:
        with db.read() as session:
            expected = [s.as_dict() for s in suggest_for_claim(session, claim_id, limit=5)]
    finally:
        db.dispose()
    assert listed == json.loads(json.dumps(expected))


@pytest.mark.postgres
def test_search_and_suggest_on_postgresql_read_with_psycopg_alone(library):
    from tests.conftest import postgres_server

    server = postgres_server()
    name = server.create()
    url = server.url_for(name)
    claim_id = str(_claim_about_fighters(library))
    try:
        subprocess.run(
            [sys.executable, "-m", "verify", "db", "copy", str(library), url], check=True, capture_output=True
        )
        for args in (
            ("search", "fighters Helmand camps", "--format", "json"),
            ("evidence", "suggest", claim_id, "--all", "--format", "json"),
        ):
            on_server = probe("--db", url, *args)
            assert on_server["code"] == 0 and on_server["heavy"] == []
            assert on_server["stdout"] == probe("--db", str(library), *args)["stdout"]
    finally:
        server.drop(name)


@pytest.fixture(scope="module")
def reviewed(library, tmp_path_factory) -> tuple[Path, int]:
    """A copy of the library where one claim has evidence, a note, a verdict and an editor's sign-off."""
    folder = tmp_path_factory.mktemp("reviewed")
    db = folder / "claims.db"
    db.write_bytes(library.read_bytes())
    claim_id = _claim_about_fighters(db)
    env = {**os.environ, "VERIFY_SOURCES": str(library.parent / "sources"), "VERIFY_USER": "amina"}
    for user, args in (
        ("amina", ("evidence", "link", str(claim_id), "--source", "REP/1", "--stance", "supports", "--passage", "2")),
        ("amina", ("claim", "note", str(claim_id), "para. 2 gives the number")),
        ("amina", ("claim", "mark", str(claim_id), "verified")),
        ("bob", ("claim", "signoff", str(claim_id))),
    ):
        subprocess.run(
            [sys.executable, "-m", "verify", "--db", str(db), *args],
            check=True,
            capture_output=True,
            env={**env, "VERIFY_USER": user},
        )
    return db, claim_id


def _detail_commands(claim_id: int) -> list[tuple[str, ...]]:
    return [
        ("claim", "show", str(claim_id), "--format", "json"),
        ("claim", "show", str(claim_id)),
        ("source", "show", "REP/1", "--format", "json"),
        ("source", "show", "REP/1"),
        ("source", "show", "REP/1", "--passages", "--format", "json"),
        ("source", "show", "REP/1", "--passages"),
        ("report", "unsupported", "--require-signoff", "--format", "json"),
        ("report", "unsupported", "--format", "csv"),
        ("report", "unsupported", "--format", "md"),
        ("report", "unsupported"),
    ]


@pytest.mark.parametrize("number", range(10))
def test_detail_and_report_commands_do_not_load_the_orm(reviewed, number):
    """claim show, source show (with and without passages) and report unsupported: plain SQL, every format."""
    db, claim_id = reviewed
    args = _detail_commands(claim_id)[number]
    result = probe("--db", str(db), *args)
    assert result["code"] == 0, result
    # Tables are drawn with rich; no format loads SQLAlchemy's ORM, SQLModel or pydantic.
    assert result["heavy"] == ([] if "--format" in args else ["rich"])
    assert result["stdout"]


def test_detail_and_report_without_the_orm_match_the_session_path(reviewed):
    """The start-up path and a library caller's ORM session give the same claim, source and unsupported list."""
    from verify.claims.listing import show_claim
    from verify.db.engine import open_database
    from verify.ingest.catalogue import show_source
    from verify.reports.unsupported import UnsupportedOptions, unsupported_claims

    db, claim_id = reviewed
    shown = json.loads(probe("--db", str(db), "claim", "show", str(claim_id), "--format", "json")["stdout"])
    source = json.loads(probe("--db", str(db), "source", "show", "REP/1", "--passages", "--format", "json")["stdout"])
    unsupported = json.loads(
        probe("--db", str(db), "report", "unsupported", "--require-signoff", "--format", "json")["stdout"]
    )
    database = open_database(str(db))
    try:
        with database.read() as session:
            expected = (
                show_claim(session, claim_id).to_json(),
                show_source(session, "REP/1", True).to_json(),
                [row.to_json() for row in unsupported_claims(session, UnsupportedOptions(require_signoff=True))],
            )
    finally:
        database.dispose()
    assert [shown, source, unsupported] == json.loads(json.dumps(expected))
    assert shown["status"] == "verified" and shown["evidence"][0]["source_key"] == "REP/1"
    assert shown["evidence"][0]["page"] is None and shown["notes"][0]["text"] == "para. 2 gives the number"
    assert [p["locator"] for p in source["passages"]] == ["para. 1", "para. 2", "para. 3"]
    assert claim_id not in [row["id"] for row in unsupported]  # verified, evidenced and signed off


@pytest.mark.postgres
def test_detail_and_report_on_postgresql_read_with_psycopg_alone(reviewed):
    from tests.conftest import postgres_server

    db, claim_id = reviewed
    server = postgres_server()
    name = server.create()
    url = server.url_for(name)
    try:
        subprocess.run([sys.executable, "-m", "verify", "db", "copy", str(db), url], check=True, capture_output=True)
        for args in _detail_commands(claim_id):
            on_server = probe("--db", url, *args)
            assert on_server["code"] == 0 and "sqlalchemy" not in on_server["heavy"]
            assert "sqlmodel" not in on_server["heavy"] and "pydantic" not in on_server["heavy"]
            assert on_server["stdout"] == probe("--db", str(db), *args)["stdout"]
    finally:
        server.drop(name)
