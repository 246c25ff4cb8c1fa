"""public notes: a note is either internal (the default) or an explanation for readers

``verify claim note ID TEXT --public`` writes an explanation that the public
appendix prints under the claim (why it is only partly verified, what the
dispute is); every other note stays internal. Existing notes were written as
internal working notes, so they become ``public = false``.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_column("public")
