"""search index kept in the database, shared by SQLite and PostgreSQL

An inverted index in ordinary tables, so every backend ranks the same way.
The tables are created empty: the index is application data (its terms come
from verify's tokenizer), so ``verify db upgrade`` fills it from the passages
of current sources in the same transaction (verify.workflow.schema); a
migration never imports application code.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["passage_id"], ["passage.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("passage_id"),
    )
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_document_source_id"), ["source_id"], unique=False)
    op.create_table(
        "search_posting",
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("tf", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["passage_id"], ["passage.id"]),
        sa.PrimaryKeyConstraint("term", "passage_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "search_stats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("total_length", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("search_stats")
    op.drop_table("search_posting")
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_document_source_id"))
    op.drop_table("search_document")
