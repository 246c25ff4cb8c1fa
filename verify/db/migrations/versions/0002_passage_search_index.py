"""passage full-text search index

SQLite: an FTS5 table over passage text (porter stemming, diacritics folded),
kept in step with the passage table by triggers. Other databases get their
own index in later revisions.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE passage_fts USING fts5(
        text, content='passage', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
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
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS passage_fts_update",
    "DROP TRIGGER IF EXISTS passage_fts_delete",
    "DROP TRIGGER IF EXISTS passage_fts_insert",
    "DROP TABLE IF EXISTS passage_fts",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
