"""visits: when each user last asked or was posted to, per conversation (`since my last visit`)

Revision ID: issue17_visits
Revises: issue7_link_key
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue17_visits'
down_revision = 'issue7_link_key'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'channel_id', 'user_id', name='uq_visit')
    )


def downgrade() -> None:
    op.drop_table('visits')
