"""eras: positions and conditions that hold in one government of a party, and package dates.

Adds the ``era`` table (a dated period of one party), ``position.era_id`` and
``condition.era_id`` (NULL: standing, in every era) and ``package.date``.  A party's positions
were unique per move; they become unique per move and era, with one standing position per party
and move kept by a partial unique index (NULL eras are distinct in a unique constraint).

Downgrading removes the era positions and conditions with the eras (the older schema cannot tell
them from standing ones), and package dates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate may render AutoString columns)
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() removes (read by `negotiator db downgrade`, which asks before losing data).
# A row with a value in position.era_id or condition.era_id is removed with its era.
DROPS: list[str] = [
    "table era",
    "column position.era_id",
    "column condition.era_id",
    "column package.date",
]

_STANDING = "era_id IS NULL"


def upgrade() -> None:
    op.create_table('era',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('source', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint('"end" IS NULL OR "end" > start', name=op.f('ck_era_start_before_end')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_era_party_id_party'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_era')),
    sa.UniqueConstraint('party_id', 'name', name=op.f('uq_era_party_id_name'))
    )
    with op.batch_alter_table('era', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_era_party_id'), ['party_id'], unique=False)

    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.add_column(sa.Column('era_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint('uq_position_party_id_move_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_position_party_id_move_id_era_id'),
                                          ['party_id', 'move_id', 'era_id'])
        batch_op.create_foreign_key(batch_op.f('fk_position_era_id_era'), 'era', ['era_id'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.create_index(batch_op.f('ix_position_era_id'), ['era_id'], unique=False)
    op.create_index('uq_position_standing', 'position', ['party_id', 'move_id'], unique=True,
                    sqlite_where=sa.text(_STANDING), postgresql_where=sa.text(_STANDING))

    with op.batch_alter_table('condition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('era_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_condition_era_id_era'), 'era', ['era_id'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.create_index(batch_op.f('ix_condition_era_id'), ['era_id'], unique=False)

    with op.batch_alter_table('package', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date', sa.Date(), nullable=True))


def downgrade() -> None:
    # Era rows cannot be kept as standing ones: they would say a government's view held always.
    op.execute("DELETE FROM position WHERE era_id IS NOT NULL")
    op.execute("DELETE FROM condition WHERE era_id IS NOT NULL")

    with op.batch_alter_table('package', schema=None) as batch_op:
        batch_op.drop_column('date')

    with op.batch_alter_table('condition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_condition_era_id'))
        batch_op.drop_constraint(batch_op.f('fk_condition_era_id_era'), type_='foreignkey')
        batch_op.drop_column('era_id')

    op.drop_index('uq_position_standing', table_name='position')
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_era_id'))
        batch_op.drop_constraint(batch_op.f('fk_position_era_id_era'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_position_party_id_move_id_era_id'), type_='unique')
        batch_op.drop_column('era_id')
        batch_op.create_unique_constraint(batch_op.f('uq_position_party_id_move_id'), ['party_id', 'move_id'])

    with op.batch_alter_table('era', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_era_party_id'))
    op.drop_table('era')
