"""The examples in the user docs are real: every JSON example in docs/json.md parses, and has the
shape of what its command prints on the Korea seed; the scenario in docs/scenario-files.md imports.

In docs/json.md each ```json block follows the command that printed it, in a ```console block of
one line, ``$ negotiator ARGS``.  The examples may be cut (fewer list entries, shorter texts), so
only their structure is compared: the same keys in every object, recursively, and for a list the
structure of its first element."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
JSON_PAGE = ROOT / "docs" / "json.md"
SCENARIO_PAGE = ROOT / "docs" / "scenario-files.md"

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.S | re.M)


def _blocks(page: Path) -> list[tuple[str, str]]:
    """Every fenced block of the page, as (language, body), in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(page.read_text())]


def _json_examples() -> list[tuple[list[str], str]]:
    """(command arguments without `negotiator`, JSON text) for every ```json block of docs/json.md;
    each must follow a one-line ```console block `$ negotiator ...`."""
    examples = []
    previous: tuple[str, str] | None = None
    for language, body in _blocks(JSON_PAGE):
        if language == "json":
            assert previous is not None and previous[0] == "console", f"no command before the example:\n{body[:200]}"
            (line,) = previous[1].strip().splitlines()
            assert line.startswith("$ negotiator "), line
            examples.append((shlex.split(line)[2:], body))
        previous = (language, body)
    return examples


EXAMPLES = _json_examples()


def _structure_mismatches(documented, real, where: str = "$") -> list[str]:
    """Where the documented example's keys differ from the real output's: objects must have the
    same keys, lists are compared by their first element (when both have one)."""
    if isinstance(documented, dict) and isinstance(real, dict):
        problems = []
        if set(documented) != set(real):
            missing, extra = sorted(set(real) - set(documented)), sorted(set(documented) - set(real))
            problems.append(f"{where}: missing keys {missing}, keys not in the output {extra}")
        for key in sorted(set(documented) & set(real)):
            problems += _structure_mismatches(documented[key], real[key], f"{where}.{key}")
        return problems
    if isinstance(documented, list) and isinstance(real, list):
        if documented and real:
            return _structure_mismatches(documented[0], real[0], f"{where}[0]")
        return []
    if isinstance(documented, (dict, list)) != isinstance(real, (dict, list)) and None not in (documented, real):
        return [f"{where}: documented {type(documented).__name__}, printed {type(real).__name__}"]
    return []


def test_the_json_page_shows_examples_of_each_command():
    commands = {args[0] if args[0] not in ("package", "party") else " ".join(args[:2]) for args, _ in EXAMPLES}
    assert {"check", "package show", "compare", "sequence", "status", "compose", "zopa"} <= commands


@pytest.mark.parametrize("language, body", [b for b in _blocks(JSON_PAGE) if b[0] == "json"],
                         ids=lambda value: value if value == "json" else "")
def test_every_json_block_parses(language, body):
    json.loads(body)


@pytest.mark.parametrize("args, body", EXAMPLES, ids=[" ".join(args) for args, _ in EXAMPLES])
def test_json_examples_have_the_shape_the_command_prints(args, body, korea_sqlite, tmp_path):
    db = tmp_path / "korea.db"
    shutil.copyfile(korea_sqlite, db)
    assert "--format" in args and args[args.index("--format") + 1] == "json"
    real = json.loads(Cli(str(db)).ok(*args).stdout)
    assert _structure_mismatches(json.loads(body), real) == []


def test_the_structure_check_sees_a_missing_key():
    assert _structure_mismatches({"a": [{"b": 1}]}, {"a": [{"b": 1, "c": 2}]}) == [
        "$.a[0]: missing keys ['c'], keys not in the output []"]
    assert _structure_mismatches({"a": [], "b": None}, {"a": [{"x": 1}], "b": {"y": 2}}) == []


YAML_EXAMPLES = [body for language, body in _blocks(SCENARIO_PAGE) if language == "yaml"]


def test_the_scenario_page_has_an_example():
    assert YAML_EXAMPLES


@pytest.mark.parametrize("body", YAML_EXAMPLES, ids=lambda body: body.split(":")[0])
def test_scenario_examples_import_into_an_empty_database(body, tmp_path):
    scenario = tmp_path / "example.yaml"
    scenario.write_text(body)
    cli = Cli(str(tmp_path / "e.db"))
    cli.ok("import", str(scenario))
    assert cli.ok("check", "--all").stdout
