"""review queue: items, comments, audit, corrections; the findings table migrated away

Revision ID: 0003
Revises: 0002

Every finding becomes a review item (``queue_items``) keyed by its stable identity; the old
``findings`` rows (all still ``open``: nothing could change them) are carried over from the
findings of each submission's stored record, which keeps their params. Downgrading writes the
items still detected back as findings.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('queue_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=64), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=True),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('message_ko', sa.Text(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('detected', sa.Boolean(), nullable=False),
    sa.Column('assignee', sa.String(length=100), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('supplement_note', sa.Text(), nullable=True),
    sa.Column('closed_by', sa.String(length=100), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'identity', name='uq_queue_items_identity')
    )
    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_items_assignee'), ['assignee'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_items_indicator'), ['indicator'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_items_rule'), ['rule'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_items_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_items_submission_id'), ['submission_id'], unique=False)

    op.create_table('value_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=False),
    sa.Column('component', sa.String(length=32), nullable=True),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('original_value', sa.JSON(), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('value_corrections', schema=None) as batch_op:
        batch_op.create_index('ix_value_corrections_target', ['submission_id', 'indicator', 'component'], unique=False)

    op.create_table('queue_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('field', sa.String(length=96), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['queue_items.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_audit_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_audit_submission_id'), ['submission_id'], unique=False)

    op.create_table('queue_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['queue_items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_comments_item_id'), ['item_id'], unique=False)

    _findings_to_items()
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_rule'))
        batch_op.drop_index(batch_op.f('ix_findings_submission_id'))

    op.drop_table('findings')


def downgrade() -> None:
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=True),
    sa.Column('message_ko', sa.Text(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_rule'), ['rule'], unique=False)

    _items_to_findings()
    with op.batch_alter_table('queue_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_comments_item_id'))

    op.drop_table('queue_comments')
    with op.batch_alter_table('queue_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_audit_submission_id'))
        batch_op.drop_index(batch_op.f('ix_queue_audit_item_id'))

    op.drop_table('queue_audit')
    with op.batch_alter_table('value_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_value_corrections_target')

    op.drop_table('value_corrections')
    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_items_submission_id'))
        batch_op.drop_index(batch_op.f('ix_queue_items_state'))
        batch_op.drop_index(batch_op.f('ix_queue_items_rule'))
        batch_op.drop_index(batch_op.f('ix_queue_items_indicator'))
        batch_op.drop_index(batch_op.f('ix_queue_items_assignee'))

    op.drop_table('queue_items')


_submissions = sa.table('submissions', sa.column('id', sa.Integer), sa.column('record', sa.JSON),
                        sa.column('processed_at', sa.DateTime(timezone=True)))
_findings = sa.table('findings', sa.column('submission_id', sa.Integer), sa.column('rule', sa.String),
                     sa.column('severity', sa.String), sa.column('indicator', sa.String), sa.column('message_ko', sa.Text),
                     sa.column('source', sa.JSON), sa.column('state', sa.String))
_items = sa.table('queue_items', *(sa.column(name, type_) for name, type_ in (
    ('id', sa.Integer), ('submission_id', sa.Integer), ('identity', sa.String), ('rule', sa.String),
    ('indicator', sa.String), ('severity', sa.String), ('state', sa.String), ('message_ko', sa.Text),
    ('source', sa.JSON), ('params', sa.JSON), ('detected', sa.Boolean), ('created_at', sa.DateTime(timezone=True)),
    ('updated_at', sa.DateTime(timezone=True)))))
_audit = sa.table('queue_audit', sa.column('submission_id', sa.Integer), sa.column('item_id', sa.Integer),
                  sa.column('actor', sa.String), sa.column('at', sa.DateTime(timezone=True)), sa.column('field', sa.String),
                  sa.column('before', sa.JSON), sa.column('after', sa.JSON), sa.column('note', sa.Text))


def _findings_to_items() -> None:
    """An open item per finding of every submission that has findings, from its stored record (which has the params)."""
    bind = op.get_bind()
    with_findings = {row[0] for row in bind.execute(sa.select(_findings.c.submission_id).distinct())}
    if not with_findings:
        return
    from review_queue.worklist.identity import identities  # the identity as defined when this revision was written

    for sub_id, record, processed_at in bind.execute(
            sa.select(_submissions.c.id, _submissions.c.record, _submissions.c.processed_at)
            .where(_submissions.c.id.in_(with_findings)).order_by(_submissions.c.id)):
        findings = (record or {}).get('findings') or []
        at = processed_at or datetime.now(timezone.utc)
        for key, f in zip(identities(findings), findings):
            item_id = bind.execute(sa.insert(_items).values(
                submission_id=sub_id, identity=key, rule=f['rule'], indicator=f.get('indicator'),
                severity=f['severity'], state='open', message_ko=f['message_ko'], source=f.get('source'),
                params=f.get('params'), detected=True, created_at=at, updated_at=at).returning(_items.c.id)).scalar_one()
            bind.execute(sa.insert(_audit).values(submission_id=sub_id, item_id=item_id, actor='pipeline', at=at,
                                                  field='state', before=None, after='open',
                                                  note='기존 발견사항에서 옮겨 옴 (0003)'))


def _items_to_findings() -> None:
    """The items still detected, back as findings (reviewers' states beyond resolved/waived become open)."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_items.c.submission_id, _items.c.rule, _items.c.severity, _items.c.indicator,
                                  _items.c.message_ko, _items.c.source, _items.c.state)
                        .where(_items.c.detected.is_(True)).order_by(_items.c.id)).all()
    if rows:
        bind.execute(sa.insert(_findings), [
            {'submission_id': r.submission_id, 'rule': r.rule, 'severity': r.severity, 'indicator': r.indicator,
             'message_ko': r.message_ko, 'source': r.source,
             'state': r.state if r.state in ('resolved', 'waived') else 'open'} for r in rows])
