"""flags on evidence, their acceptance, review leases, note references of passages

* ``evidence.flags``: what a careful checker must look at before relying on
  the evidence (a quote that differs from the source in a number or a name,
  a number mismatch or hedge found by the suggestion that was linked);
  ``difference_reason`` is the reason given when a differing quote was
  accepted at link time, ``flags_accepted_*`` who accepted the flags for a
  verdict, when and why.
* ``review_lease``: who has a claim open in ``verify review``; it expires and
  is not a status change, so viewing a claim writes nothing that reaches a report.
* ``passage.note_refs``: the note numbers a passage cites, with their offsets,
  after the markers were taken out of its text.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flags", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("difference_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("flags_accepted_by", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("flags_accepted_at", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("flags_accepted_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("passage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_refs", sa.JSON(), nullable=True))
    op.create_table(
        "review_lease",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(), nullable=False),
        sa.Column("acquired_at", sa.String(), nullable=False),
        sa.Column("expires_at", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"]),
        sa.PrimaryKeyConstraint("claim_id"),
    )


def downgrade() -> None:
    op.drop_table("review_lease")
    with op.batch_alter_table("passage", schema=None) as batch_op:
        batch_op.drop_column("note_refs")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("flags_accepted_reason")
        batch_op.drop_column("flags_accepted_at")
        batch_op.drop_column("flags_accepted_by")
        batch_op.drop_column("difference_reason")
        batch_op.drop_column("flags")
