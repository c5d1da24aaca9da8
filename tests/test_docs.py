"""The documentation that ships with the code: the glossary in one place, help and docs that stand
alone (no section numbers, no pointers to files the repository does not have), links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from negotiator.cli import cli
from negotiator.cli.help import TERMS, terms_markdown, terms_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
GLOSSARY_TERMS = ["valid", "satisfied", "no stake", "balance", "gain", "exposure", "reciprocity", "first move",
                  "first gain", "era", "robust", "dominance", "Pareto", "ZOPA", "implementation level",
                  "current step", "overdue", "in arrears"]


def test_the_glossary_defines_every_term_once():
    assert [term for term, _ in TERMS] == GLOSSARY_TERMS
    assert all(len(meaning.split()) >= 12 for _, meaning in TERMS)


def test_docs_glossary_is_the_text_help_terms_prints():
    assert (ROOT / "docs" / "glossary.md").read_text() == terms_markdown()


def test_help_terms_wraps_to_the_width(monkeypatch):
    text = terms_text(60)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert text.count("\n\n") == len(TERMS) - 1


def test_help_terms_prints_one_term_asked_for():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["help", "terms", "reciprocity"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "reciprocity" and "action for action" in " ".join(result.output.split())
    assert "exposure\n" not in result.output


def _commands():
    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    return list(walk(cli, "negotiator"))


@pytest.mark.parametrize("path, command", _commands(), ids=lambda value: value if isinstance(value, str) else "")
def test_help_text_stands_alone(path, command):
    import click

    with click.Context(command, info_name=path) as context:
        text = command.get_help(context)
    assert "§" not in text and "DESIGN" not in text


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_user_pages_stand_alone(page):
    text = page.read_text()
    assert "§" not in text and "DESIGN.md" not in text and "../shared" not in text


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_links_and_images_in_user_pages_resolve(page):
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text())
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    missing = [t for t in local if not (page.parent / t).exists()]
    assert missing == []


def test_the_readme_shows_a_chart_made_by_the_tool():
    readme = (ROOT / "README.md").read_text()
    (image,) = re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+\.svg)\)", readme)
    svg = (ROOT / image).read_text()
    assert svg.startswith("<?xml") and "Matplotlib" in svg and "balance after each step" in svg
    assert "negotiator chart balance" in readme and "negotiator report" in readme
