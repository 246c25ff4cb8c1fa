"""where each article revision came from: its format (and its address, kept in source_name)

* ``article_revision.source_format``: ``text``, ``markdown``, ``html``,
  ``docx``, ``pdf``, ``web page`` or ``web text``; ``source_name`` holds
  the file name, or the URL for a page fetched from the web. Revisions
  imported before this revision have no format recorded (shown as such).

Revision ID: 0008
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_format", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article_revision", schema=None) as batch_op:
        batch_op.drop_column("source_format")
