"""where each article revision came from: its format (and its address, kept in source_name)

* ``article_revision.source_format``: ``text``, ``markdown``, ``html``,
  ``docx``, ``pdf``, ``web page`` or ``web text``; ``source_name`` holds
  the file name, or the URL for a page fetched from the web. Revisions
  imported before this revision have no format recorded (shown as such).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE ADD/DROP COLUMN on both backends: on SQLite, a batch "recreate" of ``article_revision``
# would drop a table that claims point at, which foreign keys forbid inside the migration's transaction.
def upgrade() -> None:
    op.add_column("article_revision", sa.Column("source_format", sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_column("article_revision", "source_format")  # SQLite 3.35+ drops a plain column in place
