"""tools desks already use: passage full text for Datasette and sqlite-utils, read-only views, NULL attributions

SQLite files get an FTS5 index over passage text again, declared the way
Datasette and sqlite-utils look for one (``content="passage"``, double
quotes), so ``?_search=`` on the passage table and ``sqlite-utils search``
work on a claims database as it is. It is an external-content table: the text
is stored once, in ``passage``; triggers keep the index in step with it.
verify itself never reads it (``verify search`` and ``evidence suggest`` rank
with the search index of revision 0004 on every backend). A later migration
that rebuilds ``passage`` in batch mode drops these triggers with the old
table, and must create them again.

A missing attribution (and a passage without note references) was written as
the JSON text ``null``; it is now SQL NULL, so ``WHERE attribution IS NULL``
finds it. Downgrading leaves the NULLs, which older versions read the same.

Three views for people reading the data with SQL, on every backend; each joins
or aggregates, so PostgreSQL cannot update through them either:
``claims_with_status``, ``evidence_with_locator`` and ``claims_unsupported``
(the claims ``verify report unsupported`` lists by default, with its reasons).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS_UP = [
    """CREATE VIRTUAL TABLE passage_fts USING fts5(
        text, content="passage", content_rowid="id",
        tokenize="porter unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER passage_fts_insert AFTER INSERT ON passage BEGIN
        INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER passage_fts_delete AFTER DELETE ON passage BEGIN
        INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER passage_fts_update AFTER UPDATE OF text ON passage BEGIN
        INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    "INSERT INTO passage_fts(passage_fts) VALUES ('rebuild')",
]
SQLITE_FTS_DOWN = [
    "DROP TRIGGER IF EXISTS passage_fts_update",
    "DROP TRIGGER IF EXISTS passage_fts_delete",
    "DROP TRIGGER IF EXISTS passage_fts_insert",
    "DROP TABLE IF EXISTS passage_fts",
]

# The JSON text 'null' -> SQL NULL (a json column has no equality operator on PostgreSQL).
NULLS = {
    "sqlite": [
        "UPDATE claim SET attribution = NULL WHERE attribution = 'null'",
        "UPDATE passage SET note_refs = NULL WHERE note_refs = 'null'",
    ],
    "postgresql": [
        "UPDATE claim SET attribution = NULL WHERE json_typeof(attribution) = 'null'",
        "UPDATE passage SET note_refs = NULL WHERE json_typeof(note_refs) = 'null'",
    ],
}


def _in_force(stance: str) -> str:
    return (
        f"(SELECT count(*) FROM evidence e WHERE e.claim_id = c.id AND e.stance = '{stance}'"
        " AND e.retracted_at IS NULL)"
    )


# The latest unlapsed sign-off, when it names the claim's current status (verify.db.queries.signoffs).
CURRENT_SIGNOFF = (
    "LEFT JOIN signoff so ON so.id = (SELECT max(s2.id) FROM signoff s2"
    " WHERE s2.claim_id = c.id AND s2.lapsed_at IS NULL) AND so.status = c.status"
)

CLAIMS_WITH_STATUS = f"""CREATE VIEW claims_with_status AS
SELECT c.id, c.article_id, a.title AS article_title, c.paragraph, c.sentence, c.kind, c.status, c.assignee,
    c.changed, {_in_force("supports")} AS supports, {_in_force("contradicts")} AS contradicts,
    {_in_force("context")} AS context, so.signed_by AS signed_off_by, so.signed_at AS signed_off_at,
    c.text, c.updated_at, c.updated_by
FROM claim c JOIN article a ON a.id = c.article_id {CURRENT_SIGNOFF}"""

EVIDENCE_WITH_LOCATOR = """CREATE VIEW evidence_with_locator AS
SELECT e.id, e.claim_id, c.text AS claim_text, e.stance, s.key AS source_key, s.version AS source_version,
    s.title AS source_title, COALESCE(e.locator, p.locator) AS locator, p.page, e.passage_id, e.quote, e.anchor,
    e.flags, e.note, e.added_by, e.added_at,
    CASE WHEN e.retracted_at IS NULL THEN 1 ELSE 0 END AS in_force,
    e.retracted_by, e.retracted_at, e.retraction_reason
FROM evidence e JOIN claim c ON c.id = e.claim_id JOIN source s ON s.id = e.source_id
LEFT JOIN passage p ON p.id = e.passage_id"""


def _anchored(anchor: str) -> str:
    return f"EXISTS (SELECT 1 FROM evidence e WHERE e.claim_id = c.id AND e.anchor = '{anchor}' AND e.retracted_at IS NULL)"


# verify.reports.unsupported.REASON_RULES with the default options (opinions left out, sign-off not required),
# in the same order; tests/test_datasette.py checks the view against the report.
REASONS = [
    ("no_evidence", "supports = 0 AND kind IN ('factual', 'quote')"),
    ("no_verdict", "supports > 0 AND status IN ('unreviewed', 'in_progress')"),
    ("changed", "changed"),
    ("conflict", "contradicts > 0 AND status IN ('verified', 'partly_verified')"),
    ("disputed", "status = 'disputed'"),
    ("partly_verified", "status = 'partly_verified'"),
    ("orphaned_evidence", "orphaned"),
    ("evidence_reworded", "reworded"),
]
_REASON_LIST = " || ".join(f"CASE WHEN {test} THEN '{name},' ELSE '' END" for name, test in REASONS)

CLAIMS_UNSUPPORTED = f"""CREATE VIEW claims_unsupported AS
SELECT id, article_id, paragraph, sentence, kind, status, assignee, rtrim({_REASON_LIST}, ',') AS reasons, text
FROM (
    SELECT c.id, c.article_id, c.paragraph, c.sentence, c.kind, c.status, c.assignee, c.changed, c.text,
        {_in_force("supports")} AS supports, {_in_force("contradicts")} AS contradicts,
        {_anchored("orphaned")} AS orphaned, {_anchored("reworded")} AS reworded
    FROM claim c
    WHERE c.status NOT IN ('withdrawn', 'opinion') AND c.kind != 'opinion'
) AS checked
WHERE {" OR ".join(test for _, test in REASONS)}"""

VIEWS = {
    "claims_with_status": CLAIMS_WITH_STATUS,
    "evidence_with_locator": EVIDENCE_WITH_LOCATOR,
    "claims_unsupported": CLAIMS_UNSUPPORTED,
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in NULLS.get(dialect, []):
        op.execute(statement)
    if dialect == "sqlite":
        for statement in SQLITE_FTS_UP:
            op.execute(statement)
    for statement in VIEWS.values():
        op.execute(statement)


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS_DOWN:
            op.execute(statement)
