"""The HTML brief: one self-contained page, from a Jinja2 template with every text escaped.

The page holds its styles and its charts (SVG, inline); it loads nothing when it is opened, and
says so to the browser: its Content-Security-Policy allows no script, no connection and no file
from anywhere (``default-src 'none'``), only its own inline styles and data images.  So it can
be mailed and opened anywhere, and even a title written as ``<script>`` could not run -- it is
escaped anyway (Jinja2's autoescape), like every text that comes from the database.
"""

from __future__ import annotations

import re
from pathlib import Path

from negotiator.domain.brief import Brief, PackageBrief

TEMPLATES = Path(__file__).resolve().parent / "templates"

_XML_PROLOGUE = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')
_CODE = re.compile(r"`([^`\n]+)`")  # an inline code span, as in Markdown: `sequence`


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG document as an element of the page: no XML prologue, and its element ids (clip
    paths, markers) prefixed so that two charts on one page never share an id."""
    body = _XML_PROLOGUE.sub("", svg)
    body = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', body)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)


def _charts(brief: Brief) -> dict[str, str]:
    """Every chart of the page, as inline SVG, by key: ``balance:PKG``, ``implementation:PKG``,
    ``pareto``."""
    from negotiator.briefing import charts

    colours = charts.Colours([code for code, _ in brief.parties])
    made: dict[str, str] = {}

    def add(key: str, figure) -> None:
        made[key] = inline_svg(charts.render(figure, "svg"), f"c{len(made)}")

    with charts.style():
        for package in brief.packages:
            if package.has_steps:
                add(f"balance:{package.name}", charts.balance_figure([package], colours))
            if package.implementation is not None and package.implementation.dates:
                add(f"implementation:{package.name}", charts.implementation_figure([package], colours))
        if brief.comparison is not None:
            add("pareto", charts.pareto_figure(brief.comparison))
    return made


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every text is escaped, whatever the template's file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["number"] = _number
    environment.filters["level"] = _level
    environment.filters["inline_code"] = inline_code
    return environment


def inline_code(text: str):
    """Plain text as HTML: every character escaped, and each span between backticks (a command
    or a name, written as in Markdown) set as ``<code>``."""
    from markupsafe import Markup, escape

    parts = _CODE.split(text)  # text, code, text, code, ..., text
    return Markup("").join(escape(part) if i % 2 == 0 else Markup("<code>%s</code>") % part
                           for i, part in enumerate(parts))


def _number(value: float) -> str:
    from negotiator.domain.model import format_number

    return format_number(round(value, 2))


def _level(level: str) -> str:
    from negotiator.domain.tracker import level_text

    return level_text(level)


def _verdict_class(package: PackageBrief) -> str:
    return "ok" if package.summary.valid and package.summary.satisfied == package.summary.with_stake else "fail"


def render_page(brief: Brief) -> str:
    """The HTML text of ``brief``."""
    from markupsafe import Markup

    charts = {key: Markup(svg) for key, svg in _charts(brief).items()}  # our own SVG, its texts escaped
    template = _environment().get_template("brief.html.j2")
    return template.render(brief=brief, charts=charts, verdict_class=_verdict_class)
