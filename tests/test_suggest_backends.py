"""Suggest and search agree on SQLite and PostgreSQL (issue 7).

The same tiny library is added through the core ``add_source`` (which fills
the shared search index) into a SQLite file and into a PostgreSQL database
made by the migrations. SQLite's suggest ranks with FTS5, PostgreSQL's with
the shared index; both must put the same passage first for every claim.
``verify search`` uses the shared index on both, so its scores are equal.
PostgreSQL is optional: without a server the PostgreSQL side is skipped
(failed when VERIFY_TEST_POSTGRES or VERIFY_TEST_REQUIRE_ALL=1 is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import postgres_server
from verify.db.engine import Database, open_database
from verify.db.migrate import upgrade
from verify.match.rank import suggest_for_text
from verify.match.search import search
from verify.workflow.archiving import SourceMeta, add_source

SOURCES = {
    "REP/CAMPS": """Training camps report

1. Member States reported new training camps in Helmand and Zabul provinces.

2. One Member State assessed that the camps host around 400 fighters and their instructors.

3. Supply routes to the camps run through the southern border districts.
""",
    "REP/FINANCE": """Financing report

1. The group's financing relies on welfare payments and charitable donations.

2. Some of the payments reach affiliates abroad through informal money transfer networks.

3. Member States froze bank accounts linked to the group's leadership in 2022.
""",
    "REP/HEALTH": """Health survey

1. Vaccination coverage against measles fell to 62 percent among children under five.

2. Malaria cases rose sharply in the eastern provinces after the floods.

3. Clinics reported shortages of antibiotics and trained midwives.
""",
}
# claim -> (source key, paragraph) of the passage that states it
CLAIMS = {
    "Around 400 fighters are hosted in the training camps.": ("REP/CAMPS", 2),
    "Welfare payments finance the group.": ("REP/FINANCE", 1),
    "Bank accounts of the leadership were frozen in 2022.": ("REP/FINANCE", 3),
    "Measles vaccination coverage among children fell to 62 percent.": ("REP/HEALTH", 1),
    "Floods were followed by a sharp rise in malaria cases.": ("REP/HEALTH", 2),
    "Clinics lack antibiotics.": ("REP/HEALTH", 3),
}
QUERIES = ["training camps Helmand", "money transfer networks", "malaria floods eastern provinces"]


def _fill(database: Database, folder: Path) -> Database:
    upgrade(database)
    for key, text in SOURCES.items():
        path = folder / f"{key.replace('/', '_')}.txt"
        path.write_text(text, encoding="utf-8")
        add_source(database, folder / "sources", str(path), SourceMeta(key=key), actor="tester")
    return database


@pytest.fixture(scope="module")
def sqlite_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("sqlite_library")
    database = _fill(open_database(str(folder / "claims.db"), create=True, check_schema=False), folder)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def postgres_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    server = postgres_server()
    name = server.create()
    folder = tmp_path_factory.mktemp("postgres_library")
    database = open_database(server.url_for(name), create=True, check_schema=False)
    try:
        yield _fill(database, folder)
    finally:
        database.dispose()
        server.drop(name)


def _top(database: Database, claim: str) -> tuple[str, int | None]:
    with database.read() as session:
        found = suggest_for_text(session, claim, limit=5, with_flags=False)
    assert found, f"no suggestion for {claim!r}"
    return found[0].source.key, found[0].paragraph


def test_sqlite_puts_the_stating_passage_first(sqlite_library: Database) -> None:
    assert {claim: _top(sqlite_library, claim) for claim in CLAIMS} == CLAIMS


@pytest.mark.postgres
def test_postgres_ranks_the_same_passage_first(sqlite_library: Database, postgres_library: Database) -> None:
    on_sqlite = {claim: _top(sqlite_library, claim) for claim in CLAIMS}
    on_postgres = {claim: _top(postgres_library, claim) for claim in CLAIMS}
    assert on_postgres == on_sqlite == CLAIMS


@pytest.mark.postgres
def test_search_scores_are_identical_on_both_backends(sqlite_library: Database, postgres_library: Database) -> None:
    """Both backends rank ``verify search`` with the shared index: same hits, same scores."""
    for query in QUERIES:
        with sqlite_library.read() as session:
            left = [(h.source, h.paragraph, h.score) for h in search(session, query, limit=5)]
        with postgres_library.read() as session:
            right = [(h.source, h.paragraph, h.score) for h in search(session, query, limit=5)]
        assert left and left == right, query
