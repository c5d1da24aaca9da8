"""``party``, ``issue`` and ``move``: add, list, show, edit, rm (``position`` is in
``negotiator.cli.positions``).

Thin: parse options, call ``negotiator.db.catalogue`` inside one write transaction, or load the
catalogue and render a table from ``negotiator.domain.listings``.
"""

from __future__ import annotations

import click

from negotiator.cli.common import done, emit, note, output_options, pass_store
from negotiator.db.load import read_catalogue

_KEEP_HELP = "Leave unset to keep the current value."


def _keep(value):
    from negotiator.db.catalogue import KEEP

    return KEEP if value is None else value


def _report_removed(what: str, removed: list[str]) -> None:
    done(f"removed {what}" + (f" and {len(removed)} dependent row(s): {', '.join(removed)}" if removed else ""))


# --- party -----------------------------------------------------------------------------------


@click.group()
def party() -> None:
    """The parties to the talks, such as USA, ROK and DPRK."""


@party.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Full name, e.g. \"Republic of Korea\".")
@click.option("--notes", default="", help="Free text.")
@click.option("--source", default="", help="Where this comes from: file and passage.")
@pass_store
def party_add(store, code: str, name: str, notes: str, source: str) -> None:
    """Add a party.

    \b
    Example:
      negotiator party add MNG --name Mongolia
    """
    from negotiator.db.catalogue import add_party

    with store.write() as session:
        add_party(session, code, name, notes, source)
    done(f"added party {code}")


@party.command("list")
@output_options
@pass_store
def party_list(store, fmt: str, output: str | None) -> None:
    """List parties, with the number of moves each can make.

    \b
    Example:
      negotiator party list --format csv --output parties.csv
    """
    from negotiator.domain.listings import parties_table

    emit(fmt, output, table=parties_table(read_catalogue(store)))


@party.command("show")
@click.argument("code")
@output_options
@pass_store
def party_show(store, code: str, fmt: str, output: str | None) -> None:
    """Show a party with its moves, positions and conditions.

    \b
    Example:
      negotiator party show DPRK
    """
    from negotiator.domain.listings import party_record, record_table

    catalogue = read_catalogue(store)
    record = party_record(catalogue, catalogue.party(code))
    emit(fmt, output, table=record_table(record), document=record)


@party.command("edit")
@click.argument("code")
@click.option("--code", "new_code", default=None, help="New code. " + _KEEP_HELP)
@click.option("--name", default=None, help=_KEEP_HELP)
@click.option("--notes", default=None, help=_KEEP_HELP)
@click.option("--source", default=None, help=_KEEP_HELP)
@pass_store
def party_edit(store, code: str, new_code, name, notes, source) -> None:
    """Change a party's code, name or notes.

    \b
    Example:
      negotiator party edit JPN --name Japan
    """
    from negotiator.db.catalogue import edit_party

    with store.write() as session:
        edit_party(session, code, new_code=_keep(new_code), name=_keep(name), notes=_keep(notes), source=_keep(source))
    done(f"updated party {new_code or code}")


@party.command("rm")
@click.argument("code")
@click.option("--cascade", is_flag=True, help="Also remove its moves, positions and conditions.")
@pass_store
def party_rm(store, code: str, cascade: bool) -> None:
    """Remove a party (refused while moves, positions or conditions refer to it, unless --cascade).

    \b
    Example:
      negotiator party rm JPN --cascade
    """
    from negotiator.db.catalogue import remove_party

    with store.write() as session:
        removed = remove_party(session, code, cascade=cascade)
    _report_removed(f"party {code}", removed)


# --- issue -----------------------------------------------------------------------------------


@click.group()
def issue() -> None:
    """Negotiating tracks or topics, such as kaesong, nll or japan-dprk."""


@issue.command("add")
@click.argument("code")
@click.option("--title", required=True, help="e.g. \"Kaesong Industrial Complex\".")
@pass_store
def issue_add(store, code: str, title: str) -> None:
    """Add an issue.

    \b
    Example:
      negotiator issue add sanctions --title "UN and national sanctions"
    """
    from negotiator.db.catalogue import add_issue

    with store.write() as session:
        add_issue(session, code, title)
    done(f"added issue {code}")


@issue.command("list")
@output_options
@pass_store
def issue_list(store, fmt: str, output: str | None) -> None:
    """List issues with their number of moves.

    \b
    Example:
      negotiator issue list
    """
    from negotiator.domain.listings import issues_table

    emit(fmt, output, table=issues_table(read_catalogue(store)))


@issue.command("show")
@click.argument("code")
@output_options
@pass_store
def issue_show(store, code: str, fmt: str, output: str | None) -> None:
    """Show an issue and the moves on it.

    \b
    Example:
      negotiator issue show kaesong --format json
    """
    from negotiator.domain.errors import UnknownCode
    from negotiator.domain.listings import record_table

    catalogue = read_catalogue(store)
    found = [i for i in catalogue.issues if i.code == code]
    if not found:
        raise UnknownCode("issue", code, [i.code for i in catalogue.issues])
    record = {
        "code": found[0].code,
        "title": found[0].title,
        "moves": [m.code for m in catalogue.moves if m.issue == code],
    }
    emit(fmt, output, table=record_table(record), document=record)


@issue.command("edit")
@click.argument("code")
@click.option("--code", "new_code", default=None, help="New code. " + _KEEP_HELP)
@click.option("--title", default=None, help=_KEEP_HELP)
@pass_store
def issue_edit(store, code: str, new_code, title) -> None:
    """Change an issue's code or title.

    \b
    Example:
      negotiator issue edit kaesong --title "Kaesong Industrial Complex"
    """
    from negotiator.db.catalogue import edit_issue

    with store.write() as session:
        edit_issue(session, code, new_code=_keep(new_code), title=_keep(title))
    done(f"updated issue {new_code or code}")


@issue.command("rm")
@click.argument("code")
@click.option("--cascade", is_flag=True, help="Detach its moves from it (the moves stay).")
@pass_store
def issue_rm(store, code: str, cascade: bool) -> None:
    """Remove an issue (refused while moves are on it, unless --cascade).

    \b
    Example:
      negotiator issue rm nll --cascade
    """
    from negotiator.db.catalogue import remove_issue

    with store.write() as session:
        removed = remove_issue(session, code, cascade=cascade)
    _report_removed(f"issue {code}", removed)


# --- move ------------------------------------------------------------------------------------


@click.group()
def move() -> None:
    """Moves: things one party can do, such as rok.food-aid-private or kaesong.wage."""


@move.command("add")
@click.argument("code")
@click.option("--actor", required=True, help="The party that makes the move.")
@click.option("--title", required=True)
@click.option("--issue", "issue_code", default=None, help="The issue it belongs to.")
@click.option("--description", default="")
@click.option("--unit", default=None,
              help="Unit of its quantity, e.g. USD/month (moves with a unit take --qty when placed).")
@click.option(
    "--cost",
    default="1",
    show_default=True,
    help="What the move costs its actor (integer ≥ 0, on the scale of weights).",
)
@click.option("--reversible/--irreversible", default=True, show_default=True)
@click.option("--source", default="", help="Where this comes from: file and passage.")
@pass_store
def move_add(store, code, actor, title, issue_code, description, unit, cost, reversible, source) -> None:
    """Add a move.

    \b
    Examples:
      negotiator move add rok.fertilizer --actor ROK --title Fertilizer --cost 2
      negotiator move add rok.rice-aid --actor ROK --issue north-south \\
          --unit tonnes --title "Ship rice to the North"
    """
    from negotiator.db.catalogue import add_move

    with store.write() as session:
        add_move(session, code, actor, title, issue_code, description, unit, cost, reversible, source)
    done(f"added move {code}")


@move.command("list")
@click.option("--actor", default=None, help="Only moves made by this party.")
@click.option("--issue", "issue_code", default=None, help="Only moves on this issue.")
@output_options
@pass_store
def move_list(store, actor, issue_code, fmt: str, output: str | None) -> None:
    """List moves.

    \b
    Examples:
      negotiator move list --actor DPRK
      negotiator move list --issue kaesong --format csv
    """
    from negotiator.domain.errors import UnknownCode
    from negotiator.domain.listings import moves_table

    catalogue = read_catalogue(store)
    if actor:
        catalogue.party(actor)
    issues = [i.code for i in catalogue.issues]
    if issue_code and issue_code not in issues:
        raise UnknownCode("issue", issue_code, issues)
    emit(fmt, output, table=moves_table(catalogue, actor=actor, issue=issue_code))


@move.command("show")
@click.argument("code")
@output_options
@pass_store
def move_show(store, code: str, fmt: str, output: str | None) -> None:
    """Show a move and every party's position on it.

    \b
    Example:
      negotiator move show rok.food-aid-government
    """
    from negotiator.domain.listings import move_record, record_table

    catalogue = read_catalogue(store)
    record = move_record(catalogue, catalogue.move(code))
    emit(fmt, output, table=record_table(record), document=record)


@move.command("edit")
@click.argument("code")
@click.option("--code", "new_code", default=None, help="New code. " + _KEEP_HELP)
@click.option("--actor", default=None, help=_KEEP_HELP)
@click.option("--title", default=None, help=_KEEP_HELP)
@click.option("--issue", "issue_code", default=None, help=_KEEP_HELP + " '' detaches it.")
@click.option("--description", default=None, help=_KEEP_HELP)
@click.option("--unit", default=None, help=_KEEP_HELP + " '' removes it.")
@click.option("--cost", default=None, help=_KEEP_HELP)
@click.option("--reversible/--irreversible", default=None)
@click.option("--source", default=None, help=_KEEP_HELP)
@pass_store
def move_edit(store, code, new_code, actor, title, issue_code, description, unit, cost, reversible, source) -> None:
    """Change a move.

    \b
    Example:
      negotiator move edit rok.food-aid-private --cost 2 --source "Sigal, 2009"
    """
    from negotiator.db.catalogue import edit_move

    with store.write() as session:
        edit_move(
            session,
            code,
            new_code=_keep(new_code),
            actor=_keep(actor),
            title=_keep(title),
            issue=_keep(issue_code),
            description=_keep(description),
            unit=_keep(unit),
            cost=_keep(cost),
            reversible=_keep(reversible),
            source=_keep(source),
        )
    done(f"updated move {new_code or code}")


@move.command("rm")
@click.argument("code")
@click.option(
    "--cascade",
    is_flag=True,
    help="Also remove its positions, its placements in packages and the conditions naming it.",
)
@pass_store
def move_rm(store, code: str, cascade: bool) -> None:
    """Remove a move (refused while positions, placements or conditions refer to it, unless --cascade).

    A move placed in an agreed (or later) package is never removed, even with --cascade: that
    package's steps are what the parties signed.

    \b
    Example:
      negotiator move rm rok.psi-join --cascade
    """
    from negotiator.db.catalogue import remove_move

    with store.write() as session:
        removed = remove_move(session, code, cascade=cascade)
    _report_removed(f"move {code}", removed)


__all__ = ["issue", "move", "note", "party"]
