"""a rate limit per API key

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_key') as batch_op:
        batch_op.add_column(sa.Column('rate_limit_per_minute', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_key') as batch_op:
        batch_op.drop_column('rate_limit_per_minute')
