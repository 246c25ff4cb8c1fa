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
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("person", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("method", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(), nullable=False, server_default="quote"))


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("summary")
        batch_op.drop_column("method")
        batch_op.drop_column("role")
        batch_op.drop_column("person")
        batch_op.drop_column("internal")
        batch_op.drop_column("kind")
