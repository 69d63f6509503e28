"""follow_up_clicks: each click on a follow-up button, counted with the feedback totals

Revision ID: issue16_follow_up_clicks
Revises: issue17_known_blocks
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue16_follow_up_clicks'
down_revision = 'issue17_known_blocks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_up_clicks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('source', sa.String(length=1), nullable=False),
    sa.Column('ref_id', sa.BigInteger(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('follow_up_clicks')
