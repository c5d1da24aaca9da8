"""Where the bundled Alembic migrations and scenario seeds live.

In an installed wheel they are copied inside the package (``negotiator/migrations`` and
``negotiator/seeds``); in a source checkout they are the top-level ``migrations/`` and
``seeds/`` folders beside the package.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def migrations_dir() -> Path:
    return _bundled("migrations")


def seeds_dir() -> Path:
    return _bundled("seeds")
