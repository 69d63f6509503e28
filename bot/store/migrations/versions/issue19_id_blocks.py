"""id_blocks: blocks of answer ids reserved per process on SQLite (no collisions between two
processes on one file)

Revision ID: issue19_id_blocks
Revises: issue16_follow_up_clicks
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue19_id_blocks'
down_revision = 'issue16_follow_up_clicks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Seeded on first use (bot/store/later.py), past the ids a process of the previous
    # version may have handed out without writing them.
    op.create_table('id_blocks',
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('next_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('table_name')
    )


def downgrade() -> None:
    op.drop_table('id_blocks')
