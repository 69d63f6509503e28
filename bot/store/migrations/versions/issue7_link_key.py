"""deliveries.link_key: a message linking to another row's message (follow-up update posts)

Revision ID: issue7_link_key
Revises: issue8_rate_windows
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue7_link_key'
down_revision = 'issue8_rate_windows'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_key', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('link_key')
