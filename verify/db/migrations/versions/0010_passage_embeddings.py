"""passage embeddings: the vectors of the optional semantic stage, stored with the search index

``passage_embedding`` holds one unit-length vector per passage (float32,
little-endian, packed), the id of the model that computed it (a fingerprint of
its weights: vectors of another model are never compared) and the source, so a
source's vectors are replaced or refreshed together. Derived data, like the
search index: written when a source is added while a model is configured, or
by ``verify model embed`` for sources added before. The table starts empty.

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passage_embedding",
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(), nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["passage_id"], ["passage.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("passage_id"),
    )
    with op.batch_alter_table("passage_embedding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passage_embedding_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("passage_embedding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passage_embedding_source_id"))
    op.drop_table("passage_embedding")
