"""The condition language (DESIGN §3): parsing, canonical text, and errors a user can read."""

from __future__ import annotations

import re
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    metrics_of,
    moves_of,
    operands_of,
    references,
)
from negotiator.domain.errors import ConditionSyntaxError
from negotiator.domain.language import (
    MAX_DEPTH,
    number_text,
    parse,
    to_text,
)
from negotiator.domain.model import KEYWORDS, MOVE_CODE


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("includes rok.food-aid", Includes("rok.food-aid")),
        ("excludes usa.strike", Excludes("usa.strike")),
        ("a before b", Before("a", "b")),
        ("a after b", After("a", "b")),
        ("a with b", With("a", "b")),
        ("dprk.freeze by step 2", ByStep("dprk.freeze", 2)),
        ("kaesong.wage >= 300", Quantity("kaesong.wage", ">=", 300.0)),
        ("kaesong.wage<=100", Quantity("kaesong.wage", "<=", 100.0)),
        ("x > -2.5", Quantity("x", ">", -2.5)),
        ("x < 0.25", Quantity("x", "<", 0.25)),
        ("x = 7", Quantity("x", "=", 7.0)),
        ("x != 7", Quantity("x", "!=", 7.0)),
        ("balance >= 0", Metric("balance", ">=", 0.0)),
        ("exposure <= 2", Metric("exposure", "<=", 2.0)),
        ("steps <= 4", Metric("steps", "<=", 4.0)),
        ("not includes a", Not(Includes("a"))),
        ("not not includes a", Not(Not(Includes("a")))),
        ("includes a and includes b and includes c", And((Includes("a"), Includes("b"), Includes("c")))),
        ("includes a or includes b", Or((Includes("a"), Includes("b")))),
        # and binds tighter than or
        ("includes a or includes b and includes c", Or((Includes("a"), And((Includes("b"), Includes("c")))))),
        ("includes a and includes b or includes c", Or((And((Includes("a"), Includes("b"))), Includes("c")))),
        ("(includes a or includes b) and includes c", And((Or((Includes("a"), Includes("b"))), Includes("c")))),
        # not binds tighter than and
        ("not includes a and includes b", And((Not(Includes("a")), Includes("b")))),
        ("not (includes a and includes b)", Not(And((Includes("a"), Includes("b"))))),
        ("((includes a))", Includes("a")),
        ("a before b if includes c", Guarded(Before("a", "b"), "if", Includes("c"))),
        ("a before b or includes d unless c with e", Guarded(Or((Before("a", "b"), Includes("d"))), "unless", With("c", "e"))),
        ("  includes\ta  ", Includes("a")),
        # a keyword followed by more code characters is a move code
        ("includes before.x", Includes("before.x")),
        ("steps-2 >= 1", Quantity("steps-2", ">=", 1.0)),
    ],
)
def test_text_parses_to_the_tree_it_says(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("kaesong.wage>=300", "kaesong.wage >= 300"),
        ("x >= 300.50", "x >= 300.5"),
        ("x >= 0.00001", "x >= 0.00001"),
        ("x >= -0", "x >= 0"),
        ("(includes a)", "includes a"),
        ("includes a and (includes b and includes c)", "includes a and (includes b and includes c)"),
        ("includes a or (includes b and includes c)", "includes a or includes b and includes c"),
        ("(includes a or includes b) and includes c", "(includes a or includes b) and includes c"),
        ("not (includes a)", "not includes a"),
        ("not(includes a or includes b)", "not (includes a or includes b)"),
        ("a before b   unless  (includes c)", "a before b unless includes c"),
    ],
)
def test_canonical_text_is_single_spaced_with_only_the_parentheses_needed(text, canonical):
    assert to_text(parse(text)) == canonical


@pytest.mark.parametrize(
    ("text", "column", "problem", "expected"),
    [
        ("", 1, "empty condition", "a move code"),
        ("includes", 9, "unexpected end of condition", "a move code"),
        ("includes before", 10, "'before' is a reserved word, not a move code", "a move code"),
        ("a before", 9, "unexpected end of condition", "a move code"),
        ("a befor b", 3, "unexpected 'befor'", "'before'"),
        ("Includes a", 1, "unexpected character 'I' (keywords and move codes are lower-case)", "'includes'"),
        ("a >= ", 5, "unexpected end of condition", "a number"),
        ("a >= x", 6, "unexpected 'x'", "a number"),
        ("a >= 1e5", 7, "unexpected 'e5'", "the end of the condition"),
        ("a by step 2.5", 11, "a step is a whole number, not '2.5'", "a whole number"),
        ("a by step -1", 11, "a step is a whole number, not '-1'", "a whole number"),
        ("a @ b", 3, "unexpected character '@'", "'before'"),
        ("(includes a", 12, "unexpected end of condition", "')'"),
        ("includes a)", 11, "unexpected ')'", "'and'"),
        ("(a before b if includes c)", 13, "unexpected 'if'", "')'"),
        ("not (a before b if includes c)", 17, "unexpected 'if'", "')'"),
        ("a before b if c before d if e before f", 26, "unexpected 'if'", "the end of the condition"),
        ("includes a and", 15, "unexpected end of condition", "'not'"),
        ("balance", 8, "unexpected end of condition", "a comparison (>= <= > < = !=)"),
        ("includes a\nincludes b", 11, "unexpected character '\\n'", "'and'"),
    ],
)
def test_bad_text_raises_a_syntax_error_with_column_problem_and_expectations(text, column, problem, expected):
    with pytest.raises(ConditionSyntaxError) as caught:
        parse(text)
    error = caught.value
    assert (error.column, error.problem) == (column, problem)
    assert expected in error.expected


def test_the_error_message_shows_the_text_and_a_caret_under_the_problem():
    with pytest.raises(ConditionSyntaxError) as caught:
        parse("dprk.freeze befor usa.delist-sst")
    assert str(caught.value).splitlines() == [
        (
            "bad condition at column 13: unexpected 'befor'; expected 'after', 'before', 'by', 'with', "
            "a comparison (>= <= > < = !=)"
        ),
        "  dprk.freeze befor usa.delist-sst",
        "              ^",
    ]


def test_tabs_and_line_breaks_are_shown_as_spaces_so_the_caret_stays_under_the_problem():
    with pytest.raises(ConditionSyntaxError) as caught:
        parse("includes\ta\n")
    lines = str(caught.value).splitlines()
    # the line break after "includes a" is column 11
    assert lines[1:] == ["  includes a ", "  " + " " * 10 + "^"]


@pytest.mark.parametrize("keyword", sorted(KEYWORDS))
def test_no_keyword_is_accepted_as_a_move_code(keyword):
    with pytest.raises(ConditionSyntaxError):
        parse(f"includes {keyword}")


def test_nesting_up_to_the_limit_parses_and_beyond_it_is_a_syntax_error():
    deepest = "(" * MAX_DEPTH + "includes a" + ")" * MAX_DEPTH
    assert parse(deepest) == Includes("a")
    assert parse("not " * MAX_DEPTH + "includes a") is not None
    with pytest.raises(ConditionSyntaxError, match="nest more than"):
        parse("(" * (MAX_DEPTH + 1) + "includes a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ConditionSyntaxError, match="nest more than"):
        parse("not " * 5000 + "includes a")


def test_to_text_refuses_if_below_the_top_level():
    with pytest.raises(ValueError):
        to_text(Not(Guarded(Includes("a"), "if", Includes("b"))))


# --- properties ----------------------------------------------------------------------------------

codes = st.from_regex(MOVE_CODE, fullmatch=True).filter(lambda c: c not in KEYWORDS)
ops = st.sampled_from([">=", "<=", ">", "<", "=", "!="])
numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
atoms = st.one_of(
    codes.map(Includes),
    codes.map(Excludes),
    st.builds(Before, codes, codes),
    st.builds(After, codes, codes),
    st.builds(With, codes, codes),
    st.builds(ByStep, codes, st.integers(0, 10**6)),
    st.builds(Quantity, codes, ops, numbers),
    st.builds(Metric, st.sampled_from(["balance", "exposure", "steps"]), ops, numbers),
)
expressions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=8,
)
trees = st.one_of(expressions, st.builds(Guarded, expressions, st.sampled_from(["if", "unless"]), expressions))


@settings(max_examples=200, deadline=None)
@given(trees)
def test_parsing_the_canonical_text_of_a_tree_gives_the_same_tree(tree):
    assert parse(to_text(tree)) == tree


@settings(max_examples=200, deadline=None)
@given(numbers)
def test_number_text_reads_back_as_the_same_number(value):
    text = number_text(value)
    assert "e" not in text and float(text) == value


VOCABULARY = sorted(KEYWORDS) + ["(", ")", ">=", "<=", ">", "<", "=", "!=", "a", "b.c", "d-1", "3", "-2.5", "1.", "!", " ", "\t", "\n", "é", "A"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(VOCABULARY), max_size=12).map(" ".join)))
def test_any_string_parses_or_raises_a_condition_syntax_error_and_nothing_else(text):
    try:
        tree = parse(text)
    except ConditionSyntaxError as error:
        assert 1 <= error.column <= len(text) + 1
        assert str(error).count("\n") == 2
    else:
        assert parse(to_text(tree)) == tree


# --- the one dispatch over the tree ----------------------------------------------------------------

# One example of every construct, with the Visitor method it must reach.
CONSTRUCTS = [
    (Includes("a"), "includes"),
    (Excludes("a"), "excludes"),
    (Before("a", "b"), "before"),
    (After("a", "b"), "after"),
    (With("a", "b"), "with_"),
    (ByStep("a", 2), "by_step"),
    (Quantity("a", ">=", 3.0), "quantity"),
    (Metric("steps", "<=", 3.0), "metric"),
    (Not(Includes("a")), "not_"),
    (And((Includes("a"), Includes("b"))), "and_"),
    (Or((Includes("a"), Includes("b"))), "or_"),
    (Guarded(Includes("a"), "if", Includes("b")), "guarded"),
]


class _Naming(Visitor[str]):
    """Answers with the name of the method that was called."""

    def includes(self, node: Includes) -> str:
        return "includes"

    def excludes(self, node: Excludes) -> str:
        return "excludes"

    def before(self, node: Before) -> str:
        return "before"

    def after(self, node: After) -> str:
        return "after"

    def with_(self, node: With) -> str:
        return "with_"

    def by_step(self, node: ByStep) -> str:
        return "by_step"

    def quantity(self, node: Quantity) -> str:
        return "quantity"

    def metric(self, node: Metric) -> str:
        return "metric"

    def not_(self, node: Not) -> str:
        return "not_"

    def and_(self, node: And) -> str:
        return "and_"

    def or_(self, node: Or) -> str:
        return "or_"

    def guarded(self, node: Guarded) -> str:
        return "guarded"


def test_every_node_class_has_an_example_here():
    assert {type(node) for node, _ in CONSTRUCTS} == set(typing.get_args(Node))


@pytest.mark.parametrize(("node", "method"), CONSTRUCTS, ids=lambda x: x if isinstance(x, str) else "")
def test_visit_calls_the_method_of_the_node_construct(node, method):
    assert _Naming().visit(node) == method


def test_visit_refuses_what_is_not_a_condition_node():
    with pytest.raises(TypeError, match="not a condition node"):
        _Naming().visit("includes a")  # type: ignore[arg-type]


def test_a_visitor_missing_a_construct_cannot_be_created():
    class Partial(Visitor[str]):
        def includes(self, node: Includes) -> str:
            return "includes"

    with pytest.raises(TypeError, match="abstract"):
        Partial()  # type: ignore[abstract]


# Worked by hand: the canonical text, the moves, the metrics and the compared quantities.
REFERENCES = [
    (Includes("a"), "includes a", {"a"}, set(), set()),
    (Excludes("b.x"), "excludes b.x", {"b.x"}, set(), set()),
    (After("a", "b"), "a after b", {"a", "b"}, set(), set()),
    (With("a", "a"), "a with a", {"a"}, set(), set()),
    (ByStep("a", 0), "a by step 0", {"a"}, set(), set()),
    (Quantity("w", "!=", -2.5), "w != -2.5", {"w"}, set(), {"w"}),
    (Metric("balance", ">", 1.0), "balance > 1", set(), {"balance"}, set()),
    (Not(Or((Includes("a"), Metric("steps", "=", 2.0)))), "not (includes a or steps = 2)", {"a"}, {"steps"}, set()),
    (
        And((Or((Before("a", "b"), Quantity("w", ">=", 300.0))), Not(Includes("c")), And((With("d", "e"), ByStep("f", 1))))),
        "(a before b or w >= 300) and not includes c and (d with e and f by step 1)",
        {"a", "b", "c", "d", "e", "f", "w"}, set(), {"w"},
    ),
    (
        Or((And((Includes("a"), Metric("exposure", "<=", 2.0))), Or((Includes("b"), Quantity("a", "<", 1.0))))),
        "includes a and exposure <= 2 or (includes b or a < 1)",
        {"a", "b"}, {"exposure"}, {"a"},
    ),
    (
        Guarded(Or((Before("a", "b"), Metric("balance", ">=", 0.0))), "unless", Not(And((Includes("c"), Metric("steps", "<", 4.0))))),
        "a before b or balance >= 0 unless not (includes c and steps < 4)",
        {"a", "b", "c"}, {"balance", "steps"}, set(),
    ),
]


@pytest.mark.parametrize(("tree", "text", "moves", "metrics", "quantities"), REFERENCES, ids=lambda x: x if isinstance(x, str) else "")
def test_text_moves_metrics_and_quantities_agree_with_the_hand_worked_table(tree, text, moves, metrics, quantities):
    assert to_text(tree) == text
    assert (moves_of(tree), metrics_of(tree)) == (moves, metrics)
    assert references(tree).quantities == quantities


@pytest.mark.parametrize(
    ("tree", "operands"),
    [
        (Includes("a"), ()),
        (Metric("steps", "<=", 3.0), ()),
        (Not(Includes("a")), (Includes("a"),)),
        (And((Includes("a"), Excludes("b"), Includes("c"))), (Includes("a"), Excludes("b"), Includes("c"))),
        (Or((Includes("a"), Excludes("b"))), (Includes("a"), Excludes("b"))),
        (Guarded(Includes("a"), "unless", Excludes("b")), (Includes("a"), Excludes("b"))),
    ],
)
def test_operands_of_gives_the_parts_a_node_is_built_from_in_order(tree, operands):
    assert operands_of(tree) == operands


@settings(max_examples=200, deadline=None)
@given(trees)
def test_moves_and_metrics_are_the_words_of_the_canonical_text(tree):
    words = set(re.findall(r"[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*", to_text(tree)))
    assert moves_of(tree) == words - KEYWORDS
    assert metrics_of(tree) == words & {"balance", "exposure", "steps"}


@settings(max_examples=200, deadline=None)
@given(trees)
def test_the_references_of_a_compound_are_those_of_its_operands(tree):
    operands = operands_of(tree)
    if operands:
        parts = [references(o) for o in operands]
        assert references(tree).moves == frozenset().union(*(p.moves for p in parts))
        assert references(tree).metrics == frozenset().union(*(p.metrics for p in parts))
        assert references(tree).quantities == frozenset().union(*(p.quantities for p in parts))
