"""one search index: compact postings; the SQLite FTS5 table and its triggers are dropped

``verify evidence suggest`` now ranks with the search index of revision 0004
(the one ``verify search`` uses) on every backend, so the FTS5 table of
revision 0002, which only SQLite files had, is no longer read. Dropping its
triggers also stops every passage insert from writing a second index.
Downgrading recreates and refills it.

The postings move from one row per (term, passage) (``search_posting``) to
one row per (term, source) holding packed arrays (``search_block``);
``search_stats.format`` records which layout built the index, 0 for any
index built before. The new table is created empty: ``verify db upgrade``
rebuilds the index with verify's own code in the same transaction
(verify.workflow.schema), since a migration never imports application code.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS passage_fts_update",
    "DROP TRIGGER IF EXISTS passage_fts_delete",
    "DROP TRIGGER IF EXISTS passage_fts_insert",
    "DROP TABLE IF EXISTS passage_fts",
]
# As revision 0002 created them (copied: a migration does not import another).
SQLITE_RESTORE = [
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    op.drop_table("search_posting")
    op.create_table(
        "search_block",
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("max_tf", sa.Integer(), nullable=False),
        sa.Column("min_length", sa.Integer(), nullable=False),
        sa.Column("passage_ids", sa.LargeBinary(), nullable=False),
        sa.Column("tfs", sa.LargeBinary(), nullable=False),
        sa.Column("lengths", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("term", "source_id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("search_block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_block_source_id"), ["source_id"], unique=False)
    with op.batch_alter_table("search_stats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("format", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("search_stats", schema=None) as batch_op:
        batch_op.drop_column("format")
    with op.batch_alter_table("search_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_block_source_id"))
    op.drop_table("search_block")
    op.create_table(
        "search_posting",
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("tf", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["passage_id"], ["passage.id"]),
        sa.PrimaryKeyConstraint("term", "passage_id"),
        sqlite_with_rowid=False,
    )
    # The older index is empty now: emptying its documents too makes that verify's upgrade rebuild it.
    op.execute("DELETE FROM search_document")
    op.execute("DELETE FROM search_stats")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_RESTORE:
            op.execute(statement)
