"""Suggestions on the labelled library (tests/data/library): the right paragraph, and every planted mismatch flagged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from verify.db.engine import Database, open_database
from verify.db.migrate import upgrade
from verify.db.models import Claim
from verify.match.rank import suggest_for_claim
from verify.workflow.archiving import SourceMeta, add_source
from verify.workflow.article_import import add_article

REPO = Path(__file__).resolve().parent.parent
LIBRARY = REPO / "tests" / "data" / "library"
LABELS = json.loads((LIBRARY / "labels.json").read_text(encoding="utf-8"))
TARGET = "S/TEST/2023/14"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The shipped article and the three reports, added through the core functions (once for this module)."""
    folder = tmp_path_factory.mktemp("library")
    database = open_database(str(folder / "claims.db"), create=True, check_schema=False)
    upgrade(database)
    add_article(database, REPO / "articles" / "taliban-strategy-al-qaeda.txt", actor="tester")
    for key, name in LABELS["documents"].items():
        add_source(database, folder / "sources", str(LIBRARY / name), SourceMeta(key=key), actor="tester")
    yield database
    database.dispose()


def labelled(database: Database) -> list[tuple[int, dict[str, Any]]]:
    with database.read() as session:
        ids = {(c.paragraph, c.sentence): c.id for c in session.exec(select(Claim))}
    return [(ids[(label["paragraph"], label["sentence"])], label) for label in LABELS["claims"]]


def test_recall_at_5_on_the_2023_document(library: Database) -> None:
    claims = labelled(library)
    with library.read() as session:
        found = sum(
            any(s.paragraph == label["para"] for s in suggest_for_claim(session, claim_id, source_key=TARGET, limit=5))
            for claim_id, label in claims
        )
    assert found / len(claims) >= 0.85


def test_the_attributed_report_wins_over_other_years(library: Database) -> None:
    """Claim 9.1 cites "a June 2023 UN report": the 2022 and 2024 restatements must rank below it."""
    claim_id, label = next((c, lb) for c, lb in labelled(library) if (lb["paragraph"], lb["sentence"]) == (9, 1))
    with library.read() as session:
        top = suggest_for_claim(session, claim_id, limit=5)
    assert (top[0].source.key, top[0].paragraph) == (TARGET, label["para"])
    others = [s for s in top if s.source.key != TARGET]
    assert all(
        s.note is None and any(f["type"] == "other_report" and f["claim"] == TARGET for f in s.flags) for s in others
    )


def _matches(flag: dict[str, Any], planted: dict[str, Any]) -> bool:
    if flag["type"] != planted["type"]:
        return False
    if planted["type"] == "number_mismatch":
        return flag["claim"] in planted["claim"] and planted["passage"] in flag["passage"]
    if planted["type"] == "missing_name":
        return flag["claim"] == planted["claim"]
    return planted["passage"].lower() in flag["passage"].lower()


def test_every_planted_mismatch_is_flagged_on_its_paragraph(library: Database) -> None:
    planted = [(claim_id, label) for claim_id, label in labelled(library) if label["planted"]]
    assert sum(len(label["planted"]) for _, label in planted) == 12
    with library.read() as session:
        for claim_id, label in planted:
            suggestions = suggest_for_claim(session, claim_id, source_key=TARGET, limit=60)
            passage = next(s for s in suggestions if s.paragraph == label["para"])
            for expected in label["planted"]:
                assert any(_matches(f, expected) for f in passage.flags), (label["text"], expected, passage.flags)
