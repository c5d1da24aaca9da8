"""SQLModel tables for every row of DESIGN §2, with the constraints the database enforces.

The schema itself is only ever made by the Alembic migrations in the top-level ``migrations/``;
these classes are what the migrations are compared against (a test checks they do not drift)
and what write commands use.  Read paths do not import this module: ``negotiator.db.load`` reads
with plain SQL so that ``negotiator check`` starts quickly.

Every constraint is named by the convention on the metadata, from the first migration on, so that
later migrations can alter them by name on SQLite (batch mode) and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

Day = date  # ``PackageRow.date`` shadows the name in that class

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

_STANCES = "stance IN ('demand', 'offer', 'oppose')"
_STATUSES = "status IN ('draft', 'proposed', 'agreed', 'implementing', 'completed', 'collapsed')"
_LEVELS = "level IN ('0', '1', '2', '3', 'reversed')"
_OPS = "bound_op IS NULL OR bound_op IN ('>=', '<=', '>', '<', '=', '!=')"


class PartyRow(SQLModel, table=True):
    __tablename__ = "party"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class IssueRow(SQLModel, table=True):
    __tablename__ = "issue"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    title: str = Field(sa_column=Column(Text, nullable=False))


class MoveRow(SQLModel, table=True):
    __tablename__ = "move"
    __table_args__ = (CheckConstraint("cost >= 0", name="cost_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    actor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    issue_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("issue.id", ondelete="RESTRICT"), nullable=True, index=True),
    )
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    unit: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cost: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    reversible: bool = Field(default=True, nullable=False)
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class EraRow(SQLModel, table=True):
    """A dated period of one party (its end excluded; no end: ongoing)."""

    __tablename__ = "era"
    __table_args__ = (
        UniqueConstraint("party_id", "name"),
        CheckConstraint('"end" IS NULL OR "end" > start', name="start_before_end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(
        sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    name: str = Field(sa_column=Column(Text, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    start: date = Field(sa_column=Column(Date, nullable=False))
    end: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class PositionRow(SQLModel, table=True):
    __tablename__ = "position"
    __table_args__ = (
        # One position per party, move and era; NULL eras are distinct in a unique constraint, so
        # the one standing position per party and move is the partial index below.
        UniqueConstraint("party_id", "move_id", "era_id"),
        Index("uq_position_standing", "party_id", "move_id", unique=True,
              sqlite_where=text("era_id IS NULL"), postgresql_where=text("era_id IS NULL")),
        CheckConstraint(_STANCES, name="stance"),
        CheckConstraint("weight >= 1", name="weight_positive"),
        CheckConstraint(_OPS, name="bound_op"),
        CheckConstraint("(bound_op IS NULL) = (bound_value IS NULL)", name="bound_complete"),
    )

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(
        sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    move_id: int = Field(
        sa_column=Column(Integer, ForeignKey("move.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    era_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("era.id", ondelete="RESTRICT"), nullable=True, index=True),
    )
    stance: str = Field(sa_column=Column(Text, nullable=False))
    weight: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    bound_op: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    bound_value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ConditionRow(SQLModel, table=True):
    __tablename__ = "condition"

    id: int | None = Field(default=None, primary_key=True)
    party_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=True, index=True),
    )
    era_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("era.id", ondelete="RESTRICT"), nullable=True, index=True),
    )
    name: str | None = Field(default=None, sa_column=Column(Text, nullable=True, unique=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    soft: bool = Field(default=False, nullable=False)
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class PackageRow(SQLModel, table=True):
    __tablename__ = "package"
    __table_args__ = (CheckConstraint(_STATUSES, name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default="draft", sa_column=Column(Text, nullable=False, server_default="draft"))
    based_on_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("package.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    # When it was or will be proposed or signed: the day it is judged on, unless told otherwise.
    date: Day | None = Field(default=None, sa_column=Column(Date, nullable=True))


class StepRow(SQLModel, table=True):
    __tablename__ = "step"
    __table_args__ = (
        UniqueConstraint("package_id", "ordinal"),
        # Lets placement reference (step, package) together, so a placement's package is its step's.
        UniqueConstraint("id", "package_id"),
        CheckConstraint("ordinal <> 0", name="ordinal_not_zero"),
    )

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(
        sa_column=Column(Integer, ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    # 1..n between commands; negative only transiently, while a command renumbers.
    ordinal: int = Field(sa_column=Column(Integer, nullable=False))
    label: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    due: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class PlacementRow(SQLModel, table=True):
    __tablename__ = "placement"
    __table_args__ = (
        UniqueConstraint("package_id", "move_id"),
        ForeignKeyConstraint(
            ["step_id", "package_id"],
            ["step.id", "step.package_id"],
            ondelete="CASCADE",
            name="fk_placement_step_package",
        ),
        CheckConstraint(_LEVELS, name="level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(
        sa_column=Column(Integer, ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    step_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    move_id: int = Field(
        sa_column=Column(Integer, ForeignKey("move.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    quantity: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    level: str = Field(default="0", sa_column=Column(Text, nullable=False, server_default="0"))


class EventRow(SQLModel, table=True):
    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(
        sa_column=Column(Integer, ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    placement_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("placement.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    # The move's code is kept as text so the history survives the placement's removal.
    move: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    old: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


# In foreign-key order: a table comes after every table it refers to.
ALL_TABLES = ("party", "issue", "move", "era", "position", "condition", "package", "step", "placement", "event")
