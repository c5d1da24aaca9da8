"""The condition language of DESIGN §3: text -> tree, and tree -> canonical text.

``parse`` turns one line of condition text into the nodes of ``negotiator.domain.conditions``;
``to_text`` prints a tree back in canonical form, so that ``parse(to_text(tree)) == tree``.
What the data allows on top of the language (its moves exist, a rule uses no balance or
exposure, ...) is checked by ``negotiator.domain.rules``.

The grammar is LALR(1), run by lark with its basic lexer.  Keywords are reserved: lark re-types a
move-code token whose whole text is a keyword, so ``before`` is always the keyword while
``before.x`` is a move code.  The parser is built once, on first use, and reused.

Every malformed input becomes a :class:`ConditionSyntaxError` with a 1-based column and what was
expected in plain words -- never another exception, whatever the string.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from negotiator.domain.comparators import LONGEST_FIRST, OPERATORS
from negotiator.domain.conditions import (
    After,
    And,
    Before,
    ByStep,
    Excludes,
    Guarded,
    Includes,
    Metric,
    Node,
    Not,
    Or,
    Quantity,
    Visitor,
    With,
)
from negotiator.domain.errors import ConditionSyntaxError
from negotiator.domain.model import KEYWORDS, format_number

# Keyword terminals are named after the word, upper-cased and prefixed with K_, so that an error
# can turn any expected terminal back into the word the analyst should type.
GRAMMAR = r"""
start: expr (_guard expr)?
_guard: K_IF | K_UNLESS

expr: term (_K_OR term)*
term: factor (_K_AND factor)*

factor: _K_NOT factor                  -> negation
      | _LPAR expr _RPAR               -> group
      | _K_INCLUDES MOVE               -> includes
      | _K_EXCLUDES MOVE               -> excludes
      | MOVE _K_BEFORE MOVE            -> before
      | MOVE _K_AFTER MOVE             -> after
      | MOVE _K_WITH MOVE              -> with_
      | MOVE _K_BY _K_STEP NUMBER      -> by_step
      | MOVE CMP NUMBER                -> quantity
      | _metric CMP NUMBER             -> metric
_metric: K_BALANCE | K_EXPOSURE | K_STEPS

K_IF: "if"
K_UNLESS: "unless"
_K_OR: "or"
_K_AND: "and"
_K_NOT: "not"
_K_INCLUDES: "includes"
_K_EXCLUDES: "excludes"
_K_BEFORE: "before"
_K_AFTER: "after"
_K_WITH: "with"
_K_BY: "by"
_K_STEP: "step"
K_BALANCE: "balance"
K_EXPOSURE: "exposure"
K_STEPS: "steps"
_LPAR: "("
_RPAR: ")"
CMP: {comparators}
MOVE: /[a-z][a-z0-9]*([.-][a-z0-9]+)*/
NUMBER: /-?[0-9]+(\.[0-9]+)?/

%ignore /[ \t]+/
""".replace("{comparators}", " | ".join(f'"{op}"' for op in LONGEST_FIRST))

# What to call the terminals that are not a single word, in an error message.
_TERMINAL_WORDS = {
    "MOVE": "a move code",
    "NUMBER": "a number",
    "CMP": f"a comparison ({' '.join(OPERATORS)})",
    "_LPAR": "'('",
    "_RPAR": "')'",
    "$END": "the end of the condition",
}

# How deep parentheses and `not`s may nest, together.
MAX_DEPTH = 100

_parser = None


def _lark():
    """The LALR parser, built on first use (building it costs milliseconds; parsing, microseconds)."""
    global _parser
    if _parser is None:
        from lark import Lark

        _parser = Lark(GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False, propagate_positions=True)
    return _parser


def _expected_words(names: Iterable[str]) -> list[str]:
    words = []
    for name in names:
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
        elif name.lstrip("_").startswith("K_"):
            words.append("'" + name.lstrip("_")[2:].lower() + "'")
        else:
            words.append(name.lower())
    return words


def _shown(text: str) -> str:
    # The error shows the text with a caret under a column; tabs and line breaks would shift or
    # split that line, so each becomes one space (same length, so the column still points right).
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _expected_at(text: str, position: int) -> list[str]:
    """What the grammar accepts after ``text[:position]``, in plain words."""
    try:
        state = _lark().parse_interactive(text[:position])
        state.exhaust_lexer()
        return _expected_words(state.accepts())
    except Exception:  # noqa: BLE001  (the prefix itself does not lex or parse: say nothing rather than guess)
        return []


def _syntax_error(text: str, error: Exception) -> ConditionSyntaxError:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    shown = _shown(text)
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        if char.isupper() and char.isalpha():
            problem = f"unexpected character {char!r} (keywords and move codes are lower-case)"
        else:
            problem = f"unexpected character {char!r}"
        return ConditionSyntaxError(shown, position + 1, problem, _expected_at(text, position))
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        token = error.token
        position = token.start_pos or 0
        expected = _expected_at(text, position)
        if str(token) in KEYWORDS and "a move code" in expected:
            problem = f"'{token}' is a reserved word, not a move code"
        else:
            problem = f"unexpected {str(token)!r}"
        return ConditionSyntaxError(shown, position + 1, problem, expected)
    # The text ended too soon (lark says so with an $END token or UnexpectedEOF).
    end = len(text.rstrip())
    problem = "empty condition" if end == 0 else "unexpected end of condition"
    return ConditionSyntaxError(shown, end + 1, problem, _expected_at(text, len(text)))


def parse(text: str) -> Node:
    """Parse one condition (DESIGN §3).  Raises ConditionSyntaxError, and nothing else, on bad text."""
    from lark.exceptions import UnexpectedInput

    if not isinstance(text, str):
        raise ConditionSyntaxError(repr(text), 1, "a condition is text")
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    except RecursionError:
        raise ConditionSyntaxError(_shown(text), 1, "the condition is nested too deeply") from None
    return _condition(tree, text)


def _condition(tree, text: str) -> Node:
    children = tree.children
    body = _node(children[0], text, 0)
    if len(children) == 1:
        return body
    kind = str(children[1])
    return Guarded(body, kind, _node(children[2], text, 0))


def _node(tree, text: str, depth: int) -> Node:
    rule = tree.data
    kids = tree.children
    if rule == "expr":
        operands = tuple([_node(kid, text, depth) for kid in kids])
        return operands[0] if len(operands) == 1 else Or(operands)
    if rule == "term":
        operands = tuple([_node(kid, text, depth) for kid in kids])
        return operands[0] if len(operands) == 1 else And(operands)
    if rule in ("negation", "group"):
        if depth >= MAX_DEPTH:
            # Deeper than any analyst writes; refusing it keeps every walk over trees (the printer,
            # the evaluator's generated code, the sequencer's encoder) within Python's limits.
            raise ConditionSyntaxError(
                _shown(text), tree.meta.column, f"parentheses and 'not' nest more than {MAX_DEPTH} deep"
            )
        inner = _node(kids[0], text, depth + 1)
        return Not(inner) if rule == "negation" else inner
    if rule == "includes":
        return Includes(str(kids[0]))
    if rule == "excludes":
        return Excludes(str(kids[0]))
    if rule == "before":
        return Before(str(kids[0]), str(kids[1]))
    if rule == "after":
        return After(str(kids[0]), str(kids[1]))
    if rule == "with_":
        return With(str(kids[0]), str(kids[1]))
    if rule == "by_step":
        number = kids[1]
        if not str(number).isdigit():
            raise ConditionSyntaxError(
                _shown(text), number.start_pos + 1, f"a step is a whole number, not {str(number)!r}", ["a whole number"]
            )
        return ByStep(str(kids[0]), int(str(number)))
    if rule == "quantity":
        return Quantity(str(kids[0]), str(kids[1]), float(str(kids[2])))
    if rule == "metric":
        return Metric(str(kids[0]), str(kids[1]), float(str(kids[2])))
    raise AssertionError(f"grammar rule without a node: {rule}")


def number_text(value: float) -> str:
    """A number as the language writes it (``model.format_number``); refuses NaN and infinities."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"a condition cannot hold the number {value!r}")
    return format_number(value)


# How tightly each construct binds, for the printer's parentheses: an atom or a `not` binds
# tightest, then `and`, then `or`; `if`/`unless` only ever stands at the top.
_TIGHT, _AND, _OR, _GUARDED = 3, 2, 1, 0


class _Printer(Visitor[tuple[str, int]]):
    """Canonical text of a tree, with how tightly its outermost construct binds."""

    def includes(self, node: Includes) -> tuple[str, int]:
        return f"includes {node.move}", _TIGHT

    def excludes(self, node: Excludes) -> tuple[str, int]:
        return f"excludes {node.move}", _TIGHT

    def before(self, node: Before) -> tuple[str, int]:
        return f"{node.first} before {node.second}", _TIGHT

    def after(self, node: After) -> tuple[str, int]:
        return f"{node.first} after {node.second}", _TIGHT

    def with_(self, node: With) -> tuple[str, int]:
        return f"{node.first} with {node.second}", _TIGHT

    def by_step(self, node: ByStep) -> tuple[str, int]:
        return f"{node.move} by step {node.step}", _TIGHT

    def quantity(self, node: Quantity) -> tuple[str, int]:
        return f"{node.move} {node.op} {number_text(node.value)}", _TIGHT

    def metric(self, node: Metric) -> tuple[str, int]:
        return f"{node.name} {node.op} {number_text(node.value)}", _TIGHT

    def not_(self, node: Not) -> tuple[str, int]:
        inner, binding = self._part(node.operand)
        return (f"not ({inner})" if binding < _TIGHT else f"not {inner}"), _TIGHT

    def and_(self, node: And) -> tuple[str, int]:
        # An `or` inside an `and` needs parentheses (and binds tighter); so does a nested `and`,
        # or the printed text would parse as one flat `and` rather than this tree.
        return " and ".join(self._within(o, _AND) for o in node.operands), _AND

    def or_(self, node: Or) -> tuple[str, int]:
        return " or ".join(self._within(o, _OR) for o in node.operands), _OR

    def guarded(self, node: Guarded) -> tuple[str, int]:
        body, _ = self._part(node.body)
        guard, _ = self._part(node.guard)
        return f"{body} {node.kind} {guard}", _GUARDED

    def _part(self, node: Node) -> tuple[str, int]:
        text, binding = self.visit(node)
        if binding == _GUARDED:
            raise ValueError("'if' and 'unless' may only stand at the top level of a condition")
        return text, binding

    def _within(self, node: Node, level: int) -> str:
        """An operand of a construct binding at ``level``: bracketed unless it binds tighter."""
        text, binding = self._part(node)
        return f"({text})" if binding <= level else text


_PRINTER = _Printer()


def to_text(node: Node) -> str:
    """The canonical text of a tree: single spaces, parentheses only where the tree needs them."""
    return _PRINTER.visit(node)[0]
