"""articles.updated_at indexed: the answer index's store check reads only what changed

Without it, ``Engine.refresh``'s check for updated reports (``updated_at > the newest seen``)
read every article, about once a second at 100k articles (docs/benchmarks.md, "The answer
index's store checks").

Revision ID: issue12_updated_at_index
Revises: issue19_id_blocks
Create Date: 2026-12-04
"""
from alembic import op

revision = 'issue12_updated_at_index'
down_revision = 'issue19_id_blocks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_articles_updated_at', 'articles', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_articles_updated_at', table_name='articles')
