"""imap_taken

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('imap_taken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=512), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored', sa.Boolean(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mailbox', 'uidvalidity', 'uid', name='uq_imap_taken_uid')
    )
    with op.batch_alter_table('imap_taken', schema=None) as batch_op:
        batch_op.create_index('ix_imap_taken_sha256', ['mailbox', 'sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('imap_taken', schema=None) as batch_op:
        batch_op.drop_index('ix_imap_taken_sha256')

    op.drop_table('imap_taken')
