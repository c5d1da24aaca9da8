"""Running the Alembic migrations from negotiator itself (``init``, ``db upgrade/downgrade/current``).

The migration scripts ship inside the installed package (see ``negotiator.paths``), so this works
from any directory after a plain ``pip install``.  On SQLite, foreign keys are off while a
migration runs (batch mode copies tables) and checked once it is done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from negotiator.domain.errors import InvalidValue, NegotiatorError
from negotiator.paths import migrations_dir

if TYPE_CHECKING:
    from negotiator.db.engine import Store


def _config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def _run(store: "Store", action) -> None:
    from alembic.util.exc import CommandError

    engine = store.engine("migrate")
    try:
        with engine.connect() as connection:
            try:
                action(_config(connection))
            except CommandError as exc:
                raise InvalidValue(str(exc)) from None
            connection.commit()
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise NegotiatorError(f"migration left {len(broken)} broken references in {store.display}")
    finally:
        engine.dispose()


def upgrade(store: "Store", revision: str = "head") -> None:
    from alembic import command

    if store.path is not None:
        store.path.parent.mkdir(parents=True, exist_ok=True)
    _run(store, lambda config: command.upgrade(config, revision))


def downgrade(store: "Store", revision: str) -> None:
    from alembic import command

    _run(store, lambda config: command.downgrade(config, revision))


def script_revisions() -> list[str]:
    """Every revision in the migration scripts, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def server_defaults_differ(context, inspected_column, metadata_column, inspected_default, metadata_default, rendered_metadata_default):
    """Alembic's default comparison, except that quoting of a literal default is not a difference.

    SQLite reports ``DEFAULT ''`` back as the text ``''`` while the model says the empty string;
    both are the same default.  Anything else is left to Alembic (None).
    """

    def bare(value):
        if value is None:
            return None
        text = str(getattr(value, "arg", value))
        text = getattr(text, "text", text)
        text = str(text).strip()
        while text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        text = text.split("::", 1)[0]
        if len(text) >= 2 and text[0] == text[-1] == "'":
            text = text[1:-1]
        return text

    if bare(inspected_default) == bare(rendered_metadata_default):
        return False
    return None
