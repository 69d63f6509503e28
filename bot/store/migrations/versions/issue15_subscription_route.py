"""subscriptions.route: the platform's routing number of the space, so the outbox picks a
shard's rows by a stored column (set by the sender of a sharded platform; NULL until then)

Revision ID: issue15_subscription_route
Revises: issue7_link_key
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'issue15_subscription_route'
down_revision = 'issue7_link_key'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subscriptions') as batch:
        batch.add_column(sa.Column('route', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subscriptions') as batch:
        batch.drop_column('route')
