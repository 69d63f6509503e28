"""feed_owners: feeds added from chat belong to the scope that added them (issue 13)

Feeds added from chat before this revision get no owner: they are no longer polled or
posted anywhere until someone adds them again (they were posted everywhere before).

Revision ID: issue13_feed_owners
Revises: issue7_link_key
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue13_feed_owners'
down_revision = 'issue7_link_key'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=300), nullable=False),
    sa.Column('added_by', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feed_id', 'scope', name='uq_feed_owner')
    )
    op.create_index(op.f('ix_feed_owners_feed_id'), 'feed_owners', ['feed_id'], unique=False)
    op.create_index(op.f('ix_feed_owners_scope'), 'feed_owners', ['scope'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_feed_owners_scope'), table_name='feed_owners')
    op.drop_index(op.f('ix_feed_owners_feed_id'), table_name='feed_owners')
    op.drop_table('feed_owners')
