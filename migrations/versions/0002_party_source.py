"""party source: where each party's entry comes from, like moves, positions and conditions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:58:19.131885
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate may render AutoString columns)
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() removes (read by `negotiator db downgrade`, which asks before losing data).
DROPS: list[str] = ["column party.source"]


def upgrade() -> None:
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Text(), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_column('source')

