"""The encoder of the condition language: each construct of a condition tree as a literal of the
sequencing model.

Every atom is written in terms of the questions an :class:`~.encoding.Encoding` answers: is a
move *present*, which step is it *by*, is one placement *earlier* than another or in the *same
step*, does a quantity or a metric hold.  A move that is not in the package leaves an ordering
atom true (there is nothing to order) and ``includes`` false, exactly as the evaluator judges it.
Because each atom asks :meth:`~.encoding.Encoding.present` rather than assuming the answer,
presence can become a variable without touching this module; while it is the constant True the
"present" parts fold away and the literal is the order literal alone.

Adding an atom to the language means a node class and its case in
``negotiator.domain.conditions.Visitor``, the grammar, and a method here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from negotiator.domain.sequencing.literals import Lit, negate

if TYPE_CHECKING:
    from negotiator.domain.sequencing.encoding import Encoding


class ConditionLiterals(Visitor[Lit]):
    """The literal of a condition tree in ``encoding``, as judged for ``party`` (None: a rule).

    The parts of a compound condition go through :meth:`Encoding.literal`, so that a part shared
    by several conditions is encoded once.
    """

    def __init__(self, encoding: Encoding, party: str | None):
        self.encoding = encoding
        self.party = party

    def _part(self, node: Node) -> Lit:
        return self.encoding.literal(node, self.party)

    # Atoms -----------------------------------------------------------------------------------------
    def includes(self, node: Includes) -> Lit:
        return self.encoding.present(node.move)

    def excludes(self, node: Excludes) -> Lit:
        return negate(self.encoding.present(node.move))

    def before(self, node: Before) -> Lit:
        """``first before second``: if second is present, first is present and in an earlier step."""
        encoding = self.encoding
        later = encoding.present(node.second)
        if later is False:
            return True
        if node.first == node.second:
            return negate(later)
        earlier = encoding.present(node.first)
        if earlier is False:
            return negate(later)
        order = encoding.earlier(node.first, node.second)
        return encoding.implies(later, encoding.conjunction([earlier, order]))

    def after(self, node: After) -> Lit:
        return self._part(Before(node.second, node.first))

    def with_(self, node: With) -> Lit:
        """``first with second``: both absent, or both present in the same step."""
        encoding = self.encoding
        one, other = encoding.present(node.first), encoding.present(node.second)
        if one is False and other is False:
            return True
        if node.first == node.second:
            return True
        if one is False:
            return negate(other)
        if other is False:
            return negate(one)
        together = encoding.conjunction([one, other, encoding.same_step(node.first, node.second)])
        if one is True and other is True:
            return together
        return encoding.disjunction([encoding.conjunction([negate(one), negate(other)]), together])

    def by_step(self, node: ByStep) -> Lit:
        """``move by step k``: if the move is present, it is in step k or earlier."""
        encoding = self.encoding
        present = encoding.present(node.move)
        if present is False or node.step >= encoding.problem.steps:
            return True
        if node.step < 1:
            return negate(present)
        return encoding.implies(present, encoding.by_step(node.move, node.step - 1))

    def quantity(self, node: Quantity) -> Lit:
        """``move OP value``: if the move is present, its quantity is ``OP value``."""
        encoding = self.encoding
        present = encoding.present(node.move)
        if present is False:
            return True
        return encoding.implies(present, encoding.quantity_holds(node.move, node.op, node.value))

    def metric(self, node: Metric) -> Lit:
        return self.encoding.metric(node.name, node.op, node.value, self.party)

    # Compounds -------------------------------------------------------------------------------------
    def not_(self, node: Not) -> Lit:
        return negate(self._part(node.operand))

    def and_(self, node: And) -> Lit:
        return self.encoding.conjunction([self._part(o) for o in node.operands])

    def or_(self, node: Or) -> Lit:
        return self.encoding.disjunction([self._part(o) for o in node.operands])

    def guarded(self, node: Guarded) -> Lit:
        guard = self._part(node.guard)
        body = self._part(node.body)
        return self.encoding.disjunction([negate(guard), body] if node.kind == "if" else [guard, body])
