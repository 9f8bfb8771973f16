"""firms on file and key tenants

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('firm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(length=120), nullable=False),
    sa.Column('external_ref', sa.String(length=120), nullable=True),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm')),
    sa.UniqueConstraint('tenant', 'external_ref', name=op.f('uq_firm_tenant'))
    )
    with op.batch_alter_table('firm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_tenant'), ['tenant'], unique=False)

    op.create_table('firm_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_firm_revision_firm_id_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_revision')),
    sa.UniqueConstraint('firm_id', 'revision', name=op.f('uq_firm_revision_firm_id'))
    )
    with op.batch_alter_table('firm_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_revision_firm_id'), ['firm_id'], unique=False)

    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenant', sa.String(length=120), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_column('tenant')

    with op.batch_alter_table('firm_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_revision_firm_id'))

    op.drop_table('firm_revision')
    with op.batch_alter_table('firm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_tenant'))

    op.drop_table('firm')
