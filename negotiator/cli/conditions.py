"""``condition add/list/show/edit/rm/test``: the parties' acceptance rules, in the language of §3.

Thin: each command calls ``negotiator.db.conditions`` inside one write transaction, or reads and
hands a table from ``negotiator.domain.verdicts`` to the renderer.  A condition is judged on save
by ``negotiator.domain.rules`` (as ``import`` judges it) and stored in canonical form.
"""

from __future__ import annotations

import click

from negotiator.cli.common import done, emit, output_options, pass_store
from negotiator.cli.eras import check_pins, judging, judging_options
from negotiator.db.load import read


def _ref(value: str) -> str:
    return value.strip()


@click.group()
def condition() -> None:
    """Each party's conditions on a package, and rules every package must obey."""


@condition.command("add")
@click.argument("words", nargs=-1, required=True, metavar='PARTY "TEXT" | --rule "TEXT"')
@click.option("--rule", is_flag=True, help="A rule every package must obey (no party).")
@click.option("--name", default=None, help="A handle to refer to it by, e.g. abductions-first.")
@click.option("--soft", is_flag=True, help="Reported and counted, but does not decide satisfaction.")
@click.option("--era", "era_name", default=None, metavar="NAME",
              help="Only in this era of PARTY (default: standing, in every era).")
@click.option("--source", default="", help="Where this comes from: file and passage.")
@pass_store
def condition_add(store, words: tuple[str, ...], rule: bool, name: str | None, soft: bool, era_name: str | None,
                  source: str) -> None:
    """Add a condition of PARTY, or with --rule a rule for every package.

    A condition with --era holds only in that era of PARTY, on top of its standing ones.

    \b
    Examples:
      negotiator condition add JPN --name abductions-first \\
          "dprk.abduction-accounting before jpn.grant-aid" --source "Sigal, 2009"
      negotiator condition add DPRK "exposure <= 3" --soft
      negotiator condition add ROK --era lee \\
          "dprk.verification-protocol before rok.energy-aid"
      negotiator condition add --rule "usa.energy-aid with rok.energy-aid"

    \b
    Condition language (one condition per line):
      includes M | excludes M            M is / is not in the package
      A before B | A after B | A with B  order of steps, when B / A is placed
      M by step N                        M, if placed, is in step N or earlier
      M >= 300   (>= <= > < = !=)        M's quantity, if placed (none: fails)
      balance >= 0 | exposure <= 2       net gain / most out of pocket
      steps <= 4                         the number of steps
      not X, X and Y, X or Y, ( ... )    'and' binds tighter than 'or'
      X if G | X unless G                only at the top level
    """
    from negotiator.db.conditions import add_condition

    if rule:
        if len(words) != 1:
            raise click.UsageError('with --rule give only the text: condition add --rule "TEXT"')
        party, text = None, words[0]
    else:
        if len(words) != 2:
            raise click.UsageError('give a party and the text: condition add PARTY "TEXT" (or --rule "TEXT")')
        party, text = words
    with store.write() as session:
        row = add_condition(session, party, text, name=name, soft=soft, source=source, era=era_name)
        ident, canonical = row.id, row.text
    owner = (f"for {party}" if party else "(a rule)") + (f" in era {era_name}" if era_name else "")
    done(f"added condition {name or ident} {owner}: {canonical}")


@condition.command("list")
@click.option("--party", default=None, help="Only this party's conditions.")
@click.option("--rules", is_flag=True, help="Only the rules (conditions without a party).")
@output_options
@pass_store
def condition_list(store, party: str | None, rules: bool, fmt: str, output: str | None) -> None:
    """List stored conditions with their ids and eras (position bounds are listed by `position list`).

    \b
    Example:
      negotiator condition list --party JPN
    """
    from negotiator.db.conditions import stored_conditions
    from negotiator.domain.verdicts import conditions_table

    with store.read() as connection:
        stored = stored_conditions(connection, party=party, rules=rules)
    emit(fmt, output, table=conditions_table(stored))


@condition.command("show")
@click.argument("ref", metavar="ID|NAME")
@output_options
@pass_store
def condition_show(store, ref: str, fmt: str, output: str | None) -> None:
    """Show one condition and the moves it names."""
    from negotiator.db.conditions import stored_condition
    from negotiator.domain.conditions import moves_of
    from negotiator.domain.language import parse
    from negotiator.domain.listings import record_table

    with store.read() as connection:
        found = stored_condition(connection, _ref(ref))
    record = dict(found._asdict())
    record["moves"] = sorted(moves_of(parse(found.text)))
    emit(fmt, output, table=record_table(record), document=record)


@condition.command("edit")
@click.argument("ref", metavar="ID|NAME")
@click.option("--text", default=None, help="New text (checked as on add).")
@click.option("--party", default=None, help="Give it to another party.")
@click.option("--rule", is_flag=True, help="Make it a rule (no party).")
@click.option("--name", default=None, help='New name ("" removes it).')
@click.option("--soft/--hard", default=None, help="Soft conditions are reported but do not decide.")
@click.option("--era", "era_name", default=None, metavar="NAME", help="Make it hold only in this era of its party.")
@click.option("--no-era", is_flag=True, help="Make it standing: it holds in every era.")
@click.option("--source", default=None, help="New source.")
@pass_store
def condition_edit(store, ref: str, text, party, rule: bool, name, soft, era_name, no_era: bool, source) -> None:
    """Change a condition's text, party, era, name, softness or source.

    \b
    Examples:
      negotiator condition edit rok-no-confiscatory-rents --soft
      negotiator condition edit 21 --text "kaesong.wage < 250"
      negotiator condition edit rok-consulted-first --era lee
    """
    from negotiator.db.conditions import KEEP, edit_condition

    if rule and party is not None:
        raise click.UsageError("give --party or --rule, not both")
    if era_name is not None and no_era:
        raise click.UsageError("give --era or --no-era, not both")
    def keep(value):
        return KEEP if value is None else value
    with store.write() as session:
        row = edit_condition(
            session,
            _ref(ref),
            text=keep(text),
            party=None if rule else keep(party),
            name=keep(name),
            soft=keep(soft),
            source=keep(source),
            era=None if no_era else keep(era_name),
        )
        label, canonical = row.name or row.id, row.text
    done(f"updated condition {label}: {canonical}")


@condition.command("rm")
@click.argument("ref", metavar="ID|NAME")
@pass_store
def condition_rm(store, ref: str) -> None:
    """Remove a condition."""
    from negotiator.db.conditions import remove_condition

    with store.write() as session:
        row = remove_condition(session, _ref(ref))
        label, canonical = row.name or row.id, row.text
    done(f"removed condition {label}: {canonical}")


@condition.command("test")
@click.argument("text")
@click.argument("packages", nargs=-1, required=True, metavar="PKG...")
@click.option("--party", default=None, help="Judge as this party's condition (needed for balance and exposure).")
@judging_options
@output_options
@pass_store
def condition_test(store, text: str, packages: tuple[str, ...], party: str | None, as_of: str | None,
                   pins: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Try condition TEXT on packages without storing it: pass or FAIL, and why.

    Balance and exposure are measured with the party's positions in force on each package's
    date (or --as-of, or in the era --era pins).

    \b
    Examples:
      negotiator condition test "dprk.disable-yongbyon before usa.delist-sst" \\
          six-party-second-phase
      negotiator condition test "exposure <= 2" kaesong-nll --party ROK
    """
    from negotiator.domain.evaluate import evaluate
    from negotiator.domain.judging import Bench
    from negotiator.domain.language import to_text
    from negotiator.domain.model import Condition
    from negotiator.domain.rules import condition_problems, raise_first
    from negotiator.domain.verdicts import condition_test_table

    chosen = judging(as_of, pins)

    def parsed(catalogue):
        if party is not None:
            catalogue.party(party)
        check_pins(catalogue, chosen)
        node, found = condition_problems(Condition(text, party), catalogue.move_by_code)
        raise_first(found)
        return node

    catalogue, drafted = read(store, packages, first=parsed)
    node = parsed(catalogue)
    bench = Bench(catalogue, chosen)
    outcomes = [(p.name, *evaluate(node, p, party, bench.view(p))) for p in drafted]
    canonical = to_text(node)
    document = [
        {"package": name, "party": party, "text": canonical, "passed": passed, "reason": reason}
        for name, passed, reason in outcomes
    ]
    emit(fmt, output, table=condition_test_table(canonical, party, outcomes), document=document)
