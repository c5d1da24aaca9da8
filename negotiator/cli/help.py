"""``help terms``: the glossary, in plain words, shipped with the code.

The terms are data here, written once: ``help terms`` prints them wrapped to the terminal, and
``docs/glossary.md`` is the same text as Markdown (a test keeps the two equal).
"""

from __future__ import annotations

import textwrap

import click

_GLOSSARY = """
valid
    A package is valid when it obeys every rule: the conditions that belong to no party, such as
    "rok.thaad-suspend before rok.thaad-complete". An invalid package breaks an agreed
    order of things whoever looks at it.

satisfied
    A package satisfies a party when every one of that party's conditions holds, and so does
    every bound on its positions (DPRK demanding a wage of at least 300 acts as the condition
    "kaesong.wage >= 300"). Soft conditions are reported and counted, but do not decide.
    "satisfied 5/6" means five of its six conditions hold and none of the failures is hard.

no stake
    A party has no stake in a package when it has no condition of its own in force and neither
    acts in nor values any move placed in it. Its verdict reads "no stake" rather than
    "satisfied 0/0", and counts of satisfied parties are given over the parties with a stake,
    e.g. "5/5 (1 without stake)".

balance
    What a package has been worth to a party so far, step by step. Each placed move counts: plus
    its weight when the party demands it, minus its weight when the party opposes it, minus its
    cost when the party makes it itself, and nothing otherwise. The balance after step 2 adds up
    the moves of steps 1 and 2.

gain
    A party's net gain is its balance after the last step: what the whole package is worth to
    it. "min gain" is the gain of the worst-off party, "total gain" the sum over all parties.

exposure
    The most a party is ever out of pocket while the package is carried out: how far its balance
    falls below zero at its lowest step (0 when it never does). A party that gives first and
    gets later is exposed; "exposure <= 2" is a common condition.

reciprocity
    The share of a package's steps that are reciprocal, from 0 to 1. A step is reciprocal when
    at least two parties act in it and each of them gets something it values from another
    party's move in that same step: action for action.

first move
    The first step in which a party does something itself (none if it never acts). Comparing
    first moves shows who has to go first.

first gain
    The first step that holds a move the party values, one it demands (none if there is none). A
    party whose first gain comes long after its first move is being asked for trust.

era
    A dated period of one party in which its positions and conditions hold, typically a
    government (South Korea under Roh Moo-hyun, then under Lee Myung-bak). A party is judged in
    the era that contains the as-of date: --as-of, else the package's date, else today.
    Positions and conditions with no era are standing: they hold in every era, unless an era
    position on the same move replaces one.

robust
    A package robustly satisfies a party when it satisfies it in every one of the party's eras
    that overlap the package's window, from the as-of date to the due date of its last step: it
    survives a change of government on the way.

dominance
    Package A dominates package B when, for every party, A gives at least as much gain and at
    most as much exposure, A satisfies every party that B satisfies, and at least one of these
    is strictly better. A dominated package can be set aside.

Pareto
    Among some packages, one is Pareto-optimal in gains when no other gives every party at least
    as much and one party more. The Pareto frontier is the set of such packages: moving along
    it, one party's gain is bought with another's. "compare" marks the Pareto-optimal packages
    among those it is given; "compose --pareto" finds the frontier among every package that
    satisfies the parties it considers, one package for each point.

ZOPA
    The zone of possible agreement on a quantity. For a move with a unit (the Kaesong wage in
    USD/month), each party accepts the quantities its position's bound and its conditions on
    that quantity alone allow; the zone is where they all meet. When it is empty, the fewest
    parties whose demands cannot meet are named (DPRK >= 300, ROK < 300: no agreement).
    "compose" aims a quantity at the middle of the zone.

implementation level
    How far an agreed move has been carried out: 0 not started, 1 minimal, 2 intermediate, 3
    full, or reversed (counted as 0). "status" values each move at its level divided by 3.

current step
    While an agreement is in force (agreed or implementing), the first step not yet carried out
    in full.

overdue
    A step whose due date has passed, while the agreement is in force, without the step carried
    out in full.

in arrears
    A party is in arrears when one of its own moves in the current step or in an overdue step is
    below full level: it still owes something the agreement has already asked of it. Before an
    agreement and after a package is completed or has collapsed, nobody is in arrears.
"""


def _terms(text: str) -> tuple[tuple[str, str], ...]:
    """(term, meaning) pairs from the glossary text: a term alone on a line, its meaning indented below."""
    entries = []
    for block in text.strip().split("\n\n"):
        term, *meaning = block.split("\n")
        entries.append((term.strip(), " ".join(line.strip() for line in meaning)))
    return tuple(entries)


TERMS = _terms(_GLOSSARY)


def terms_text(width: int, only: list[str] | None = None) -> str:
    """The glossary as plain text: each term, then its meaning indented and wrapped to ``width``."""
    width = max(width, 40)
    blocks = []
    for term, meaning in TERMS:
        if only is not None and term not in only:
            continue
        body = textwrap.fill(meaning, width, initial_indent="    ", subsequent_indent="    ")
        blocks.append(f"{term}\n{body}")
    return "\n\n".join(blocks) + "\n"


def terms_markdown() -> str:
    """The glossary as the Markdown of ``docs/glossary.md``."""
    lines = [
        "# Glossary",
        "",
        "The words negotiator uses, in plain terms. `negotiator help terms` prints the same text.",
        "",
    ]
    for term, meaning in TERMS:
        lines += [f"**{term}**", textwrap.fill(meaning, 100), ""]
    return "\n".join(lines)


@click.group("help")
def help_group() -> None:
    """Help beyond --help: the glossary of terms."""


@help_group.command("terms")
@click.argument("words", nargs=-1, metavar="[TERM]...")
def terms(words: tuple[str, ...]) -> None:
    """Print the glossary: valid, satisfied, no stake, balance, gain, exposure, reciprocity, first
    move and first gain, era, robust, dominance, Pareto, ZOPA.

    \b
    Examples:
      negotiator help terms
      negotiator help terms exposure reciprocity
    """
    import shutil

    only = None
    if words:
        from negotiator.domain.errors import UnknownCode

        known = {term.lower(): term for term, _ in TERMS}
        only = []
        for word in words:
            found = known.get(word.lower())
            if found is None:
                raise UnknownCode("term", word, [term for term, _ in TERMS])
            only.append(found)
    width = min(shutil.get_terminal_size().columns, 100) - 1
    click.echo(terms_text(width, only), nl=False)
