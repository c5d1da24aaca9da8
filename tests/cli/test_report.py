"""``report`` and ``chart`` on the Korea seed and on hostile input: self-contained, escaped pages,
charts in SVG and PNG, and one ``Error:`` line with no file for every mistake."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import Cli

PACKAGES = ["august-2009-reengagement", "freeze-alliance-first", "freeze-dprk-first", "fukuda-2008",
            "japan-dprk-step-by-step", "kaesong-nll", "six-party-second-phase"]


@pytest.fixture
def korea(korea_sqlite, tmp_path) -> Cli:
    path = tmp_path / "korea.db"
    shutil.copyfile(korea_sqlite, path)
    return Cli(str(path))


@pytest.fixture
def korea_html(korea, tmp_path) -> str:
    korea.ok("report", "--all", "--output", str(tmp_path / "korea.html"))
    return (tmp_path / "korea.html").read_text()


def test_report_all_has_a_section_grid_and_balance_chart_per_package(korea_html):
    for name in PACKAGES:
        section = korea_html.split(f'<section class="package" id="pkg-{name}">')[1].split("</section>")[0]
        assert '<table class="grid">' in section and '<table class="verdicts">' in section
        assert "balance after each step" in section and "<svg" in section


def test_report_shows_each_verdict_with_its_reason(korea, korea_html):
    import html
    import json

    for check in json.loads(korea.ok("check", "--all", "--format", "json").stdout):
        section = korea_html.split(f'id="pkg-{check["package"]}"')[1].split("</section>")[0]
        for party in check["parties"]:
            word, css = (("no stake", "nostake") if not party["stake"] else ("satisfied", "ok") if party["satisfied"]
                         else ("NOT satisfied", "fail"))
            passed = f'{party["passed"]}/{party["total"]}'
            assert re.search(rf'<td class="verdict {css}">{word}</td>\s*<td class="num">{passed}</td>', section)
            for condition in party["conditions"]:
                assert html.escape(condition["reason"]) in section


def test_report_of_several_packages_compares_them_with_a_pareto_chart(korea_html):
    comparison = korea_html.split('<section id="comparison">')[1].split("</section>")[0]
    assert '<table class="comparison">' in comparison and "Pareto-optimal" in comparison and "<svg" in comparison


def test_a_package_being_carried_out_shows_its_implementation_over_time(korea_html):
    section = korea_html.split('id="pkg-six-party-second-phase"')[1].split("</section>")[0]
    assert "implementation over time" in section
    assert re.search(r"<td>usa.delist-sst</td><td>USA</td><td class=\"ok\">3 full</td><td>2008-10-11</td>", section)


def test_the_page_loads_nothing_from_anywhere(korea_html):
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', korea_html)
    assert policy and "default-src 'none'" in policy.group(1)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", korea_html)
    assert "<script" not in korea_html and "@import" not in korea_html and "url(http" not in korea_html


def test_charts_on_one_page_never_share_an_element_id(korea_html):
    ids = re.findall(r'\bid="([^"]+)"', korea_html)
    assert len(ids) == len(set(ids))
    referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', korea_html))
    assert referenced <= set(ids)


HOSTILE = [
    ("party", "add", "USA", "--name", "<script>alert('party')</script>"),
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("move", "add", "usa.aid", "--actor", "USA", "--title", "Aid of $300 & <b>more</b>"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze"),
    ("position", "add", "DPRK", "demand", "usa.aid", "--weight", "3"),
    ("position", "add", "USA", "demand", "dprk.freeze", "--weight", "2"),
    ("package", "new", "p", "--title", "<script>alert('title')</script>", "--description", "<img src=x onerror=alert(1)>"),
    ("package", "step", "add", "p", "--label", "<script>alert('step')</script> from $70 to $300"),
    ("package", "place", "p", "dprk.freeze", "--step", "1"),
    ("package", "step", "add", "p", "--label", "then"),
    ("package", "place", "p", "usa.aid", "--step", "2"),
    ("package", "status-set", "p", "agreed", "--on", "2020-01-15"),
    ("track", "p", "dprk.freeze", "3", "--on", "2020-02-01", "--note", "<script>alert('note')</script>"),
    ("package", "new", "empty", "--title", "Nothing yet"),
]


@pytest.fixture
def hostile(sqlite_template, tmp_path) -> Cli:
    """A small scenario full of markup, on SQLite only: a brief reads the database as every
    command does, and what is tested here is the page."""
    path = tmp_path / "hostile.db"
    shutil.copyfile(sqlite_template, path)
    cli = Cli(str(path))
    for command in HOSTILE:
        cli.ok(*command)
    return cli


def test_script_in_titles_labels_and_notes_comes_out_escaped(hostile, tmp_path):
    hostile.ok("report", "p", "empty", "--output", str(tmp_path / "r.html"), "--title", "<script>alert('brief')</script>")
    page = (tmp_path / "r.html").read_text()
    assert "<script" not in page and "<img" not in page and "<b>more" not in page
    for text in ("brief", "title", "step", "note"):
        assert f"&lt;script&gt;alert(&#39;{text}&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # Inside the balance chart the label is SVG text, escaped by the SVG writer, dollars intact.
    assert re.search(r"&lt;script&gt;alert\('step'\)&lt;/script&gt;", page)


def test_a_package_with_no_steps_gets_a_note_instead_of_a_grid(hostile, tmp_path):
    hostile.ok("report", "empty", "--output", str(tmp_path / "r.html"))
    section = (tmp_path / "r.html").read_text().split('id="pkg-empty"')[1]
    assert "no steps yet" in section and "<svg" not in section


@pytest.mark.parametrize("kind", ["balance", "exposure", "implementation"])
@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_chart_writes_an_svg_or_png(hostile, tmp_path, kind, suffix):
    target = tmp_path / f"chart.{suffix}"
    outcome = hostile.ok("chart", kind, "p", "--output", str(target))
    data = target.read_bytes()
    if suffix == "svg":
        assert data.startswith(b"<?xml") and b"<svg" in data and b"<script" not in data
    else:
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert outcome.stderr.strip() == f"wrote {target}"


def test_the_same_chart_twice_is_the_same_file(korea, tmp_path):
    korea.ok("chart", "balance", "kaesong-nll", "--output", str(tmp_path / "a.svg"))
    korea.ok("chart", "balance", "kaesong-nll", "--output", str(tmp_path / "b.svg"))
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_pareto_chart_of_several_packages(korea, tmp_path):
    korea.ok("chart", "pareto", *PACKAGES, "--output", str(tmp_path / "p.svg"))
    svg = (tmp_path / "p.svg").read_text()
    assert "fukuda-2008 (dominated)" in svg and "japan-dprk-step-by-step" in svg


@pytest.mark.parametrize(
    "args, message",
    [
        (("report", "p", "--output", "{tmp}/missing/r.html"), "the folder {tmp}/missing does not exist"),
        (("chart", "balance", "p", "--output", "{tmp}/missing/c.svg"), "the folder {tmp}/missing does not exist"),
        (("chart", "balanse", "p", "--output", "{tmp}/c.svg"), "unknown chart kind 'balanse' (did you mean 'balance'?)"),
        (("chart", "pareto", "p", "--output", "{tmp}/c.svg"), "a Pareto chart compares packages: name at least two"),
        (("chart", "pareto", "p", "p", "--output", "{tmp}/c.svg"), "a Pareto chart compares packages: name at least two"),
        (("chart", "balance", "empty", "--output", "{tmp}/c.svg"), "package 'empty' has no steps: there is nothing to chart"),
        (("chart", "exposure", "p", "empty", "--output", "{tmp}/c.svg"), "package 'empty' has no steps"),
        (("chart", "implementation", "empty", "--output", "{tmp}/c.png"), "package 'empty' has no steps"),
        (("chart", "balance", "p", "--output", "{tmp}/c.jpg"), "name a file ending in .svg or .png"),
        (("report", "p", "--output", "{tmp}/r.pdf"), "name a file ending in .html or .htm"),
        (("report", "q", "--output", "{tmp}/r.html"), "unknown package 'q'"),
        (("chart", "balance", "q", "--output", "{tmp}/c.svg"), "unknown package 'q'"),
    ],
)
def test_mistakes_get_one_error_line_and_write_nothing(hostile, tmp_path, db_snapshot, args, message):
    before, files = db_snapshot(hostile.db), sorted(tmp_path.iterdir())
    outcome = hostile(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert outcome.exit_code == 1
    assert outcome.error_lines == [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(outcome.error_lines) == 1 and message.replace("{tmp}", str(tmp_path)) in outcome.error_lines[0]
    assert sorted(tmp_path.iterdir()) == files
    assert db_snapshot(hostile.db) == before


def test_implementation_chart_of_an_untracked_package_says_how_to_track(korea, tmp_path):
    outcome = korea("chart", "implementation", "kaesong-nll", "--output", str(tmp_path / "c.svg"))
    assert outcome.exit_code == 1
    assert outcome.error_lines == [
        ("Error: package 'kaesong-nll' has no implementation updates to chart: record them with "
         "'negotiator track kaesong-nll MOVE LEVEL'")
    ]


def test_a_failed_report_leaves_the_file_that_was_there(hostile, tmp_path):
    target = tmp_path / "r.html"
    target.write_text("previous brief")
    outcome = hostile("report", "p", "nope", "--output", str(target))
    assert outcome.exit_code == 1
    assert target.read_text() == "previous brief"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_report_needs_packages_or_all(sqlite_template, tmp_path):
    shutil.copyfile(sqlite_template, tmp_path / "empty.db")
    cli = Cli(str(tmp_path / "empty.db"))
    outcome = cli("report", "--output", str(tmp_path / "r.html"))
    assert outcome.exit_code == 2 and "name the packages, or use --all" in outcome.stderr
    assert cli("report", "--all", "--output", str(tmp_path / "r.html")).error_lines == [
        "Error: the database holds no package to report on"
    ]


def _modules_loaded_by(args: list[str]) -> set[str]:
    from tests.test_architecture import _modules_loaded_by as probe

    return {m.split(".")[0] for m in probe(args)}


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["chart", "--help"], ["help", "terms"]])
def test_help_imports_no_plotting_or_template_library(args):
    assert _modules_loaded_by(args) & {"matplotlib", "jinja2", "markupsafe", "numpy", "PIL"} == set()


def test_check_imports_no_plotting_or_template_library(korea):
    probe = (
        "import sys, json\n"
        "from negotiator.cli import cli\n"
        "try:\n"
        f"    cli.main(['--db', {korea.db!r}, 'check', 'kaesong-nll'], prog_name='negotiator', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    loaded = {m.split(".")[0] for m in __import__("json").loads(result.stderr.strip().splitlines()[-1])}
    assert "sqlalchemy" in loaded  # it did run the check
    assert loaded & {"matplotlib", "jinja2", "markupsafe"} == set()


def test_a_package_shows_its_date_and_robustness_only_when_asked(korea, tmp_path):
    plain = tmp_path / "plain.html"
    robust = tmp_path / "robust.html"
    korea.ok("report", "six-party-second-phase", "--output", str(plain))
    korea.ok("report", "six-party-second-phase", "--robust", "--output", str(robust))
    page, judged = plain.read_text(), robust.read_text()
    assert "dated 2007-10-03" in page and "<th>era judged in</th>" in page
    assert "robust across eras" not in page
    assert "<th>robust across eras</th>" in judged and "broken by lee" in judged


def test_judged_robustly_a_party_keeps_the_verdict_of_its_era_and_robustness_is_said_apart(korea, tmp_path):
    # Under Roh (the package's date) ROK is satisfied; Lee's government breaks it.
    import re

    target = tmp_path / "robust.html"
    korea.ok("report", "six-party-second-phase", "--robust", "--output", str(target))
    page = target.read_text()

    def words(html: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    table = page[page.index("<th>robust across eras</th>"):]
    start = table.index('title="Republic of Korea">ROK<')
    row = words(table[table.index(">ROK<", start) + 1:table.index("</tr>", start)])
    assert row.startswith("ROK satisfied 8/8 roh not robust : broken by lee"), row
    summary = words(page[page.index('class="summary"'):page.index("</ul>", page.index('class="summary"'))])
    assert "6/6 parties satisfied" in summary and "4/6 robust across eras" in summary


def test_an_implementation_chart_is_ticked_by_day_around_a_single_day_of_updates(korea, tmp_path):
    chart = tmp_path / "wage.svg"
    outcome = korea.ok("chart", "implementation", "kaesong-wage-2009", "--output", str(chart))
    assert "Locator" not in outcome.stderr
    labels = re.findall(r">(\d{4}-\d{2}-\d{2})</text>", chart.read_text())
    assert labels and all(label.startswith("2009-09-") for label in labels)


def _verdict_tables(page: str) -> list[list[list[str]]]:
    """Every verdict table of ``page``: its rows, each as the names (``th``/``td``) of the
    row's own cells (not of a list or table nested in a cell)."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[list[str]]] = []
            self.depth = 0  # of table elements, inside a verdict table
            self.cell = 0  # depth of open th/td in the current row

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                if self.depth or "verdicts" in (dict(attrs).get("class") or "").split():
                    if not self.depth:
                        self.tables.append([])
                    self.depth += 1
            elif self.depth == 1 and tag == "tr" and not self.cell:
                self.tables[-1].append([])
            elif self.depth == 1 and tag in ("th", "td"):
                if not self.cell:
                    self.tables[-1][-1].append(tag)
                self.cell += 1

        def handle_endtag(self, tag):
            if tag == "table" and self.depth:
                self.depth -= 1
            elif self.depth == 1 and tag in ("th", "td"):
                self.cell -= 1

    parser = Tables()
    parser.feed(page)
    parser.close()
    return parser.tables


@pytest.mark.parametrize("robust", [False, True])
def test_every_row_of_every_verdict_table_has_as_many_cells_as_its_header(korea, tmp_path, robust):
    target = tmp_path / "korea.html"
    korea.ok("report", "--all", "--output", str(target), *(["--robust"] if robust else []))
    tables = _verdict_tables(target.read_text())
    assert len(tables) == 10
    widths = set()
    for header, *rows in tables:
        assert rows and set(header) == {"th"}
        widths.add(len(header))
        for row in rows:
            assert len(row) == len(header), (header, row)
    # The tables do differ: with and without the era column, and judged robustly, its column too.
    assert widths == ({6} if robust else {4, 5})


def _data_lines(svg: str) -> dict[str, list[tuple[str, str]]]:
    """The lines drawn in a chart's plot area (clipped to it, unlike the legend's), by stroke
    colour: each as its path and its dash pattern ('' when solid)."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for d, style in re.findall(r'<path d="([^"]+)"\s+clip-path="[^"]+" style="([^"]+)"', svg):
        stroke = re.search(r"stroke: (#[0-9a-f]{6})", style)
        width = re.search(r"stroke-width: ([\d.]+)", style)
        if stroke and "fill: none" in style and width and float(width.group(1)) > 0:
            dashes = re.search(r"stroke-dasharray: ([^;]+)", style)
            lines.setdefault(stroke.group(1), []).append((" ".join(d.split()), dashes.group(1) if dashes else ""))
    return lines


@pytest.mark.parametrize(("kind", "package", "same"), [
    ("balance", "six-party-second-phase", ["ROK", "USA"]),
    ("balance", "august-2009-reengagement", ["RUS", "USA"]),
    ("implementation", "six-party-second-phase", ["CHN", "ROK", "RUS"]),
    ("implementation", "kaesong-wage-2009", ["DPRK", "ROK"]),
])
def test_parties_with_identical_series_each_get_a_visible_distinct_line(korea, tmp_path, kind, package, same):
    import json

    from negotiator.briefing.charts import Colours

    colours = Colours([p["code"] for p in json.loads(korea.ok("party", "list", "--format", "json").stdout)])
    target = tmp_path / "chart.svg"
    korea.ok("chart", kind, package, "--output", str(target))
    svg = target.read_text()
    lines = _data_lines(svg)
    drawn = [lines[colours(party)] for party in same]
    assert all(len(line) == 1 for line in drawn)  # each party's line is there, stroked
    paths = [line[0][0] for line in drawn]
    dashes = [line[0][1] for line in drawn]
    assert len(set(paths)) == len(same)  # drawn apart, not on top of each other
    assert len(set(dashes)) == len(same)  # and each in its own dash pattern
    assert f"{' = '.join(same)}</text>" in svg and "pt apart</text>" in svg  # the chart says so


def test_exposure_labels_of_the_same_value_at_the_same_step_do_not_cover_each_other(korea, tmp_path):
    target = tmp_path / "kn.svg"
    korea.ok("chart", "balance", "kaesong-nll", "--output", str(target))
    at = {text: (float(x), float(y)) for x, y, text in
          re.findall(r'x="([\d.]+)" y="([\d.]+)"[^>]*>(\w+ exposure \d+)</text>', target.read_text())}
    (jx, jy), (ux, uy) = at["JPN exposure 2"], at["USA exposure 2"]
    assert (jx, jy) != (ux, uy)
    assert abs(jx - ux) > 60 or abs(jy - uy) >= 8  # 8-point text: one line apart at least


def test_backtick_spans_in_a_description_are_code_and_everything_stays_escaped(korea_html):
    from negotiator.briefing.page import inline_code

    section = korea_html.split('id="pkg-freeze-alliance-first"')[1].split("</section>")[0]
    description = re.search(r'<p class="description">(.*?)</p>', section, re.DOTALL)
    assert description and "<code>sequence</code> shows" in description.group(1) and "`" not in description.group(1)
    assert str(inline_code("run `<script>x</script>` & <b>`")) == (
        "run <code>&lt;script&gt;x&lt;/script&gt;</code> &amp; &lt;b&gt;`")
