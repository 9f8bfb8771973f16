"""a measure's summary and body in Chinese

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('measure') as batch_op:
        batch_op.add_column(sa.Column('summary_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('body_zh', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('measure') as batch_op:
        batch_op.drop_column('body_zh')
        batch_op.drop_column('summary_zh')
