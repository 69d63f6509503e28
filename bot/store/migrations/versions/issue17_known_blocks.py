"""known_blocks: the story revision each posted "what we know" block shows

Revision ID: issue17_known_blocks
Revises: issue17_visits
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue17_known_blocks'
down_revision = 'issue17_visits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('known_blocks',
    sa.Column('delivery_key', sa.String(length=255), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('delivery_key')
    )
    op.create_index('ix_known_blocks_story_id', 'known_blocks', ['story_id'])


def downgrade() -> None:
    op.drop_index('ix_known_blocks_story_id', table_name='known_blocks')
    op.drop_table('known_blocks')
