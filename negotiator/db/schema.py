"""Which schema revisions this version of negotiator knows, and the cheap check against them.

Alembic is not imported here: every command reads the database's revision with one query and
compares it to this list (a test keeps the list equal to the migration scripts' history).
"""

from __future__ import annotations

from negotiator.domain.errors import SchemaMismatch

# Oldest first; the last one is the head the code is written for.
KNOWN_REVISIONS = ("0001", "0002", "0003")
HEAD_REVISION = KNOWN_REVISIONS[-1]


def check_revision(revision: str | None, where: str) -> None:
    """Refuse a database without a schema, with an older one, or with a newer one."""
    if revision == HEAD_REVISION:
        return
    if revision is None:
        raise SchemaMismatch(f"{where} has no negotiator schema; run `negotiator init` (or `negotiator db upgrade`)")
    refuse_newer(revision, where)
    raise SchemaMismatch(
        f"the database schema at {where} is at revision {revision}, older than this negotiator "
        f"({HEAD_REVISION}); run `negotiator db upgrade`"
    )


def refuse_newer(revision: str | None, where: str) -> None:
    """Refuse a schema revision this negotiator does not know: a newer version made it, and no
    command of this version may read, write or migrate it."""
    if revision is None or revision in KNOWN_REVISIONS:
        return
    raise SchemaMismatch(
        f"the database schema at {where} is at revision {revision}, which this negotiator "
        f"(schema {HEAD_REVISION}) does not know: it was made by a newer version; upgrade negotiator"
    )
