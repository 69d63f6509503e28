"""articles.changed_at: when an article's text was stored, indexed for the answer index

``updated_at`` is a revision's own date from its feed, so a revision dated before one
already indexed was never indexed (docs/benchmarks.md, "The answer index's store checks").
Existing rows get ``coalesce(updated_at, fetched_at)``: the best guess of when their
current text arrived (a saved answer index is rebuilt once anyway: its format changed).

Revision ID: issue12_changed_at
Revises: issue12_updated_at_index
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue12_changed_at'
down_revision = 'issue12_updated_at_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE articles SET changed_at = coalesce(updated_at, fetched_at)")
    op.create_index('ix_articles_changed_at', 'articles', ['changed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_articles_changed_at', table_name='articles')
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('changed_at')
