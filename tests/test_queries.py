"""Each query is written once, in the module that owns its aggregate (docs/architecture.md).

The test reads the source of every module of verify and finds the queries
in it: ORM statements (``select(Claim …)``, ``session.get(Claim, …)``,
``update``/``delete``/``insert`` of a model, Core statements over
``Claim.__table__``) and SQL text (a string that
reads ``SELECT … FROM claim``). A query belongs to the aggregate of its
first model or its ``FROM``/``INTO``/``UPDATE`` table; it may appear only in
that aggregate's owner module. A second copy of "the current source by key"
in another module is what this catches.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "verify"

# Aggregate owner modules (paths under verify/) and the tables they own.
OWNERS: dict[str, set[str]] = {
    "db/queries/sources.py": {"source", "passage"},
    "db/queries/claims.py": {"claim"},
    "db/queries/evidence.py": {"evidence"},
    "db/queries/articles.py": {"article", "article_revision"},
    "db/queries/events.py": {"event", "note"},
    "db/queries/signoffs.py": {"signoff"},
    "db/queries/leases.py": {"review_lease"},
    "match/index.py": {"search_block", "search_document", "search_stats"},  # the search index, derived data
    "match/embeddings.py": {"passage_embedding"},  # the semantic stage's vectors, derived data
}
OWNER_OF = {table: module for module, tables in OWNERS.items() for table in tables}
MODELS = {
    "Source": "source",
    "Passage": "passage",
    "Claim": "claim",
    "Evidence": "evidence",
    "Article": "article",
    "ArticleRevision": "article_revision",
    "Event": "event",
    "Note": "note",
    "Signoff": "signoff",
    "ReviewLease": "review_lease",
}
# Modules allowed to query any table, and why. Keep this short.
EXCEPTIONS = {
    # Builds and rebuilds the index from every current passage on the raw connection of a schema upgrade,
    # where no session or reader exists yet.
    "match/index.py": "reads passages in bulk to build the search index",
    # The dump copies every table whole, table by table, and its import writes them back: no aggregate's question.
    "exports/dump.py": "copies every table",
}

SQL = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE)\b")
TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+([a-z_]+)\b")


def _model(node: ast.expr) -> str | None:
    """The model a select() argument names: ``Claim`` or ``Claim.id``."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) and node.id in MODELS else None


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def queries(path: Path) -> list[tuple[int, str]]:
    """(line, table) of every query in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    skipped = docstrings | parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("select", "update", "delete", "insert") and node.args:
                model = next((m for a in node.args for n in ast.walk(a) if (m := _model(n))), None)
                if model:
                    found.append((node.lineno, MODELS[model]))
            elif name == "get" and isinstance(node.func, ast.Attribute) and node.args:
                model = _model(node.args[0]) if isinstance(node.args[0], ast.Name) else None
                if model:
                    found.append((node.lineno, MODELS[model]))
        elif isinstance(node, ast.Attribute) and node.attr == "__table__" and _model(node.value):
            found.append((node.lineno, MODELS[_model(node.value)]))  # type: ignore[index]  # Core statements
        elif isinstance(node, ast.Constant | ast.JoinedStr) and id(node) not in skipped:
            text = _text(node)
            if text and SQL.search(text) and (table := TABLE.search(text)):
                found.append((node.lineno, table.group(1)))
    return sorted(set(found))


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts and p.name != "models.py"
)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_queries_live_in_their_owner_module(module: Path) -> None:
    name = module.relative_to(PACKAGE).as_posix()
    if name in EXCEPTIONS:
        return
    stray = [
        f"line {line}: a query of {table} belongs in verify/{OWNER_OF[table]}"
        for line, table in queries(module)
        if table in OWNER_OF and OWNER_OF[table] != name
    ]
    assert not stray, "; ".join(stray)


def test_the_scan_finds_queries(tmp_path: Path) -> None:
    """The scan sees both styles, so a query moved back out of its owner would be caught."""
    assert {"source", "passage"} <= {table for _, table in queries(PACKAGE / "db" / "queries" / "sources.py")}
    assert "claim" in {table for _, table in queries(PACKAGE / "db" / "queries" / "claims.py")}
    sample = tmp_path / "stray.py"
    sample.write_text(
        "from sqlmodel import select\n"
        "def f(session, reader):\n"
        "    session.exec(select(Source).where(Source.key == 'k'))\n"
        "    session.get(Claim, 1)\n"
        "    reader.rows('SELECT id FROM evidence WHERE claim_id = :c', {})\n"
        "    reader.rows(f'SELECT count(*) FROM passage WHERE id IN ({marks})')\n"
        "    session.execute(insert(Event.__table__), [])\n",
        encoding="utf-8",
    )
    assert queries(sample) == [(3, "source"), (4, "claim"), (5, "evidence"), (6, "passage"), (7, "event")]
