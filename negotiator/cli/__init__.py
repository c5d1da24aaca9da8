"""The ``negotiator`` command line: one root group, thin commands, one place for errors.

Command modules (``COMMAND_MODULES``) are imported eagerly, but each imports only click and light
modules at the top; the database, YAML, ortools and tabulate are imported inside the commands
that use them, so ``negotiator --help`` and ``--version`` load none of them (a test checks it).

Errors: any :class:`~negotiator.domain.errors.NegotiatorError` escaping a command, and any usage
mistake click detects, become one ``Error: ...`` line on stderr here, with exit status 1 (2 for
usage errors).  Nothing else in the package prints errors.  Ctrl-C ends the command with exit
status 130 and one short line; the write transaction it interrupted rolls back, so nothing is
written.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn

import click

from negotiator import __version__
from negotiator.domain.errors import NegotiatorError

# (module, attribute) of every command or group added to the root; each engineer adds a line.
COMMAND_MODULES = [
    ("negotiator.cli.database", "init"),
    ("negotiator.cli.database", "db"),
    ("negotiator.cli.catalogue", "party"),
    ("negotiator.cli.catalogue", "issue"),
    ("negotiator.cli.catalogue", "move"),
    ("negotiator.cli.positions", "position"),
    ("negotiator.cli.eras", "era"),
    ("negotiator.cli.conditions", "condition"),
    ("negotiator.cli.check", "check"),
    ("negotiator.cli.matrix", "matrix"),
    ("negotiator.cli.sequence", "compare"),
    ("negotiator.cli.sequence", "sequence"),
    ("negotiator.cli.compose", "compose"),
    ("negotiator.cli.compose", "zopa"),
    ("negotiator.cli.packages", "package"),
    ("negotiator.cli.tracking", "track"),
    ("negotiator.cli.tracking", "status"),
    ("negotiator.cli.tracking", "log"),
    ("negotiator.cli.scenario", "import_command"),
    ("negotiator.cli.scenario", "export_command"),
    ("negotiator.cli.scenario", "seed"),
    ("negotiator.cli.demo", "demo"),
    ("negotiator.cli.report", "report"),
    ("negotiator.cli.report", "chart"),
    ("negotiator.cli.help", "help_group"),
]

EXAMPLES = """
\b
Examples:
  negotiator demo  # a guided tour, in its own database (negotiator-demo.db)
  negotiator init  # create an empty database (./negotiator.db)
  negotiator party add MNG --name Mongolia
  negotiator party list --format json
  negotiator --db postgresql+psycopg://me@dbhost/talks party list
"""


def _database_error_text(exc: BaseException) -> str | None:
    """One line for a database failure that reached the top (locked, read-only, unreachable)."""
    if not type(exc).__module__.startswith("sqlalchemy"):
        return None
    from negotiator.db.engine import describe_db_error

    return describe_db_error(exc)


INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C (128 + SIGINT)


class Interrupted(Exception):
    """Ctrl-C during a command, carried past click (which would print a blank line and exit 1)."""


class RootGroup(click.Group):
    """The root group; its ``main`` is the one place where errors become ``Error:`` lines."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None

    def main(
        self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
        standalone_mode: bool = True, **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (Interrupted, KeyboardInterrupt):
            _interrupted()
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort as exc:
            # click turns Ctrl-C at a prompt (or while parsing) into Abort; the interrupt stays
            # attached as its cause or context.
            if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
                _interrupted()
            _fail("aborted", 1)
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            _fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except NegotiatorError as exc:
            _fail(str(exc), 1)
        except OSError as exc:
            if exc.errno is None:
                raise
            _fail(f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc), 1)
        except Exception as exc:
            message = _database_error_text(exc)
            if message is None:
                raise
            _fail(message, 1)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, status: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


def _interrupted() -> NoReturn:
    click.echo("interrupted", err=True)
    sys.exit(INTERRUPTED)


@click.group("negotiator", cls=RootGroup, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="NEGOTIATOR_DB",
    metavar="PATH|URL",
    help="Database: a SQLite file path or an SQLAlchemy URL (postgresql+psycopg://...). "
    "Default ./negotiator.db, or $NEGOTIATOR_DB.",
)
@click.version_option(__version__, "--version", prog_name="negotiator", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Plan, check, sequence and track multi-party negotiation packages.

    negotiator keeps what each party demands, offers and opposes, and each party's conditions,
    in one database; drafts reciprocal step-by-step packages; checks which parties' conditions a
    package satisfies and why not; finds better orderings; and tracks implementation over time.
    """
    from negotiator.cli.common import waiting_note
    from negotiator.db.engine import Store

    ctx.obj = Store(db)
    waiting_note(ctx.obj)


def _register() -> None:
    for module_name, attribute in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        cli.add_command(getattr(module, attribute))


_register()


def main() -> None:
    cli.main(prog_name="negotiator")
