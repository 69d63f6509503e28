"""answers.session_id: follow-up context stays inside a conversation that ends (a console session)

Revision ID: issue12_answer_session
Revises: issue7_link_key
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue12_answer_session'
down_revision = 'issue7_link_key'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.add_column(sa.Column('session_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.drop_column('session_id')
