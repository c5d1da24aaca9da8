"""Scenario files (DESIGN §7): YAML text <-> domain values, with every problem as ``FILE:LINE``.

* :mod:`~negotiator.scenario.reading` (with :mod:`~negotiator.scenario.nodes`): a file read into
  domain values, every problem the file alone shows at its line;
* :mod:`~negotiator.scenario.references`: the rules that also need the database's content
  (references, units, duplicates, dates), reported at the line of the key they concern;
* :mod:`~negotiator.scenario.merge`: what importing the file would add, keep and change;
* :mod:`~negotiator.scenario.writing`: domain values written back as the same text.

Every rule comes from ``negotiator.domain.rules``, the same functions the commands call.
"""

from __future__ import annotations

from negotiator.scenario.nodes import Origin
from negotiator.scenario.reading import (
    SECTIONS,
    Origins,
    PackageOrigin,
    ParsedScenario,
    parse_scenario,
    read_scenario,
)
from negotiator.scenario.references import (
    Existing,
    check_scenario,
    units_removed,
    validate_references,
)
from negotiator.scenario.writing import write_scenario

__all__ = [
    "SECTIONS",
    "Existing",
    "Origin",
    "Origins",
    "PackageOrigin",
    "ParsedScenario",
    "check_scenario",
    "parse_scenario",
    "read_scenario",
    "units_removed",
    "validate_references",
    "write_scenario",
]
