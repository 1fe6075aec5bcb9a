"""bundles: the delivery the clerk recorded (post, hand) beside the medium it came on

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bundles') as batch:
        batch.add_column(sa.Column('delivery', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bundles') as batch:
        batch.drop_column('delivery')
