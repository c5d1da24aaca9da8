"""Every rule on data, as pure functions that return problems (DESIGN §14).

Each writer — every command, ``import`` and ``seed``, ``sequence --save-as``, any future one —
judges what it is about to store with these functions and stores nothing while one returns a
problem, so that what one writer accepts another never refuses: any database the commands can
build exports to a file that imports into an empty database.

* :mod:`~negotiator.domain.rules.problems`: the ``Problem`` value and ``raise_first``;
* :mod:`~negotiator.domain.rules.values`: codes and names, text, whole numbers, quantities;
* :mod:`~negotiator.domain.rules.catalogue`: parties, issues, moves, positions;
* :mod:`~negotiator.domain.rules.conditions`: condition text, references and duplicates;
* :mod:`~negotiator.domain.rules.eras`: eras, what names one, and choices of era (``--era``);
* :mod:`~negotiator.domain.rules.packages`: packages, steps, placements, status, tracking and the
  one "latest level event wins".

Rules that need context (the catalogue, a package) take domain values, never a session.
"""

from __future__ import annotations

from negotiator.domain.rules.catalogue import (
    actor_change_problems,
    bound_problems,
    bounds_measuring,
    choice_problems,
    issue_problems,
    move_problems,
    move_reference_problems,
    party_problems,
    position_problems,
    reference_problems,
    stance_problems,
    unit_problems,
)
from negotiator.domain.rules.conditions import (
    atoms,
    condition_problems,
    duplicate_problems,
    parsed,
    quantity_moves,
    tree_problems,
)
from negotiator.domain.rules.eras import (
    era_problems,
    era_reference_problems,
    era_removal_problems,
    era_unique_problems,
    overlap_problems,
    parse_pins,
    pin_problems,
    position_key_problems,
    unknown_era,
)
from negotiator.domain.rules.packages import (
    DATED_KINDS,
    EDITABLE,
    TRACKABLE,
    based_on_problems,
    editable_problems,
    event_date_problems,
    event_problems,
    is_forward,
    latest_levels,
    level_history_problems,
    level_on,
    moves_known_problems,
    not_after_today_problems,
    not_before_problems,
    ordinal_problems,
    package_problems,
    placement_notes,
    placement_once_problems,
    placement_problems,
    quantity_problems,
    repeated_placements,
    status_problems,
    step_label_problems,
    trackable_problems,
    transition_problems,
)
from negotiator.domain.rules.problems import Problem, problem, raise_first
from negotiator.domain.rules.values import (
    LIMIT,
    MAX_CODE,
    code_problems,
    number_problems,
    required_problems,
    text_problems,
    whole_number_problems,
)

__all__ = [
    "DATED_KINDS",
    "EDITABLE",
    "LIMIT",
    "MAX_CODE",
    "TRACKABLE",
    "Problem",
    "actor_change_problems",
    "atoms",
    "based_on_problems",
    "bound_problems",
    "bounds_measuring",
    "choice_problems",
    "code_problems",
    "condition_problems",
    "duplicate_problems",
    "editable_problems",
    "era_problems",
    "era_reference_problems",
    "era_removal_problems",
    "era_unique_problems",
    "event_date_problems",
    "event_problems",
    "is_forward",
    "issue_problems",
    "latest_levels",
    "level_history_problems",
    "level_on",
    "move_problems",
    "move_reference_problems",
    "moves_known_problems",
    "not_after_today_problems",
    "not_before_problems",
    "number_problems",
    "ordinal_problems",
    "overlap_problems",
    "package_problems",
    "parse_pins",
    "parsed",
    "party_problems",
    "pin_problems",
    "placement_notes",
    "placement_once_problems",
    "placement_problems",
    "position_key_problems",
    "position_problems",
    "problem",
    "quantity_moves",
    "quantity_problems",
    "raise_first",
    "reference_problems",
    "repeated_placements",
    "required_problems",
    "stance_problems",
    "status_problems",
    "step_label_problems",
    "text_problems",
    "trackable_problems",
    "transition_problems",
    "tree_problems",
    "unit_problems",
    "unknown_era",
    "whole_number_problems",
]
