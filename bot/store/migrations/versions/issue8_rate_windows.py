"""rate_windows: the PostgreSQL-held shared rate-limit budget (scale-out)

Revision ID: issue8_rate_windows
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue8_rate_windows'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_windows',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('rate_windows')
