"""The commands people run all day start quickly: on a SQLite file, no ORM is loaded.

Wall-time goals live in ``benchmarks/bench_claims.py``; this test guards the
cause of most start-up time (importing SQLAlchemy, SQLModel and pydantic costs
about 0.4 s) so a stray import cannot slow every ``verify status`` again.
"""

from __future__ import annotations

import json
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
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "claims.db"
    for args in (("init",), ("article", "add", str(ARTICLE), "--title", TITLE)):
        subprocess.run([sys.executable, "-m", "verify", "--db", str(db), *args], check=True, capture_output=True)
    return db


@pytest.mark.parametrize(
    "args",
    [("status", "--format", "json"), ("claim", "list", "--format", "json"), ("claim", "list", "--status", "unreviewed", "--format", "csv"),
     ("article", "list", "--format", "json")],
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
            claims = session.exec(select(Claim).where(Claim.status != "withdrawn").order_by(Claim.paragraph, Claim.sentence)).all()
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
        subprocess.run([sys.executable, "-m", "verify", "db", "copy", str(database), url], check=True, capture_output=True)
        for args in (("status", "--format", "json"), ("claim", "list", "--format", "json"), ("article", "list", "--format", "json")):
            on_server = probe("--db", url, *args)
            assert on_server["code"] == 0 and on_server["heavy"] == []
            assert on_server["stdout"] == probe("--db", str(database), *args)["stdout"]
    finally:
        server.drop(name)
