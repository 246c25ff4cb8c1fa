"""source kinds and internal sources; interviews; evidence that is a note of a call

A source now says what it is (``kind``: document, report, dataset, web,
interview; null for sources archived before, read as an unstated kind) and
whether it is the newsroom's own material (``internal``, never shown in
public outputs). An interview carries who was interviewed (``person``), in
what capacity (``role``), how (``method``: phone, in person, email, video)
and, for a call recorded without a transcript, the reporter's ``summary``.

Evidence gets a ``kind``: ``quote`` (anchored in the source's text, every
row so far) or ``note`` (what was said on an unrecorded call, in the
reporter's words: not a quote, not anchored).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE ADD/DROP COLUMN on both backends: on SQLite, a batch "recreate" of ``source`` would drop a
# table that passages and evidence point at, which foreign keys forbid inside the upgrade's transaction.
def source_columns() -> list[sa.Column]:
    return [
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False, server_default="0"),  # '0' is false on both backends
        sa.Column("person", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("method", sa.String(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    for column in source_columns():
        op.add_column("source", column)
    op.add_column("evidence", sa.Column("kind", sa.String(), nullable=False, server_default="quote"))


def downgrade() -> None:
    op.drop_column("evidence", "kind")  # SQLite 3.35+ drops a plain column in place
    for column in reversed(source_columns()):
        op.drop_column("source", column.name)
