"""The layering of STYLE.md holds: a pure domain, and a command line that starts without the heavy
libraries."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import negotiator

PACKAGE = Path(negotiator.__file__).resolve().parent
FORBIDDEN_IN_DOMAIN = {"sqlalchemy", "sqlmodel", "click", "yaml", "alembic"}
HEAVY = ["sqlalchemy", "sqlmodel", "alembic", "ortools", "yaml"]


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE / "domain")))
def test_domain_imports_no_database_cli_or_yaml(path):
    assert _imported_roots(path) & FORBIDDEN_IN_DOMAIN == set()


def _modules_loaded_by(args: list[str]) -> set[str]:
    probe = (
        "import sys, json\n"
        "from negotiator.cli import cli\n"
        "try:\n"
        f"    cli.main({args!r}, prog_name='negotiator', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["party", "--help"], ["matrix", "--help"]])
def test_help_and_version_load_no_heavy_library(args):
    loaded = _modules_loaded_by(args)
    assert {m for m in loaded if m.split(".")[0] in HEAVY} == set()


def test_every_command_has_help_text():
    from negotiator.cli import cli

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    missing = [path for path, command in walk(cli, "negotiator") if not (command.help or "").strip()]
    assert missing == []


def test_version_matches_the_package():
    result = subprocess.run([sys.executable, "-m", "negotiator", "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"negotiator {negotiator.__version__}"
