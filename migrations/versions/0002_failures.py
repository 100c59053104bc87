"""Count failed sends, so a subscription that fails for days can be dropped.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("push_subscription") as table:
        table.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("first_failure_at", sa.DateTime(timezone=True)))


def downgrade():
    with op.batch_alter_table("push_subscription") as table:
        table.drop_column("first_failure_at")
        table.drop_column("failures")
