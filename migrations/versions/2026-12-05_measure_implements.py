"""the scheme a measure implements

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('measure') as batch_op:
        batch_op.add_column(sa.Column('implements', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_measure_implements'), ['implements'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('measure') as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_implements'))
        batch_op.drop_column('implements')
