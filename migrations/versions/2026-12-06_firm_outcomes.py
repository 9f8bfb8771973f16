"""what became of a measure for a firm: outcomes and their revisions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'firm_outcome',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=120), nullable=False),
        sa.Column('measure_code', sa.String(length=64), nullable=False),
        sa.Column('event', sa.String(length=16), nullable=False),
        sa.Column('occurred_on', sa.Date(), nullable=False),
        sa.Column('amount_yuan', sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['firm_id'], ['firm.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_firm_outcome_firm_id'), 'firm_outcome', ['firm_id'])
    op.create_index(op.f('ix_firm_outcome_tenant'), 'firm_outcome', ['tenant'])
    op.create_index(op.f('ix_firm_outcome_measure_code'), 'firm_outcome', ['measure_code'])
    op.create_table(
        'firm_outcome_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('outcome_id', sa.Integer(), nullable=False),
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('actor', sa.String(length=120), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('record', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['outcome_id'], ['firm_outcome.id']),
        sa.ForeignKeyConstraint(['firm_id'], ['firm.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('outcome_id', 'revision'),
    )
    op.create_index(op.f('ix_firm_outcome_revision_firm_id'), 'firm_outcome_revision', ['firm_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_firm_outcome_revision_firm_id'), table_name='firm_outcome_revision')
    op.drop_table('firm_outcome_revision')
    op.drop_index(op.f('ix_firm_outcome_measure_code'), table_name='firm_outcome')
    op.drop_index(op.f('ix_firm_outcome_tenant'), table_name='firm_outcome')
    op.drop_index(op.f('ix_firm_outcome_firm_id'), table_name='firm_outcome')
    op.drop_table('firm_outcome')
