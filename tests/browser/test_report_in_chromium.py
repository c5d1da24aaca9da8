"""The Korea brief opened in a real browser (headless Chromium): it loads with no console error
and no network request, shows every verdict, and draws something.

Without Chromium the test skips with the reason shown, except under CI (``CI`` set), where it
fails: ``.ci/run`` installs Debian's ``chromium`` package when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.browser.chromium import Chromium, find
from tests.conftest import Cli


@pytest.fixture(scope="module")
def chromium():
    executable = find()
    if executable is None:
        reason = "Chromium not found (/usr/bin/chromium): install Debian's chromium package to run the browser test"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    browser = Chromium(executable)
    yield browser
    browser.close()


@pytest.fixture
def korea(korea_sqlite, tmp_path) -> Cli:
    path = tmp_path / "korea.db"
    shutil.copyfile(korea_sqlite, path)
    return Cli(str(path))


@pytest.fixture
def opened(chromium, korea, tmp_path):
    report = tmp_path / "korea.html"
    korea.ok("report", "--all", "--output", str(report))
    return chromium.page(report.as_uri()), report


def test_the_korea_brief_loads_without_console_errors(opened):
    page, _ = opened
    assert page.console_errors() == []


def test_the_korea_brief_makes_no_network_request(opened):
    page, report = opened
    # The page itself is the only thing loaded; charts and styles are inside it.
    assert page.requests() == [report.as_uri()]


def test_every_verdict_of_every_package_is_in_the_page(opened, korea):
    page, _ = opened
    checks = json.loads(korea.ok("check", "--all", "--format", "json").stdout)
    expected = []
    for check in checks:
        expected += ["no stake" if not p["stake"] else "satisfied" if p["satisfied"] else "NOT satisfied"
                     for p in check["parties"]]
        if check["rules"] or check["valid"]:
            expected.append("valid" if check["valid"] else "INVALID")
    shown = page.evaluate("Array.from(document.querySelectorAll('td.verdict')).map(cell => cell.textContent.trim())")
    assert shown == expected
    text = page.evaluate("document.body.innerText")
    reasons = [c["reason"] for check in checks for p in check["parties"] for c in p["conditions"]]
    assert reasons and all(reason in text for reason in reasons)


def test_every_chart_is_drawn_in_the_page(opened, korea):
    page, _ = opened
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('figure svg')).map(svg => svg.getBoundingClientRect().height)"
    )
    packages = json.loads(korea.ok("package", "list", "--format", "json").stdout)
    tracked = page.evaluate("document.querySelectorAll('figure.implementation svg').length")
    # a balance chart per package, one per package carried out (implementation), the Pareto chart
    assert tracked >= 1 and len(drawn) == len(packages) + tracked + 1
    assert all(height > 150 for height in drawn)


def test_a_screenshot_of_the_brief_is_not_blank(opened, tmp_path):
    from PIL import Image, ImageStat

    page, _ = opened
    shot = page.screenshot(tmp_path / "korea.png")
    image = Image.open(shot).convert("L")
    assert image.size[0] >= 1000 and image.size[1] > 5000  # the whole page, not just the window
    stats = ImageStat.Stat(image)
    assert stats.stddev[0] > 20  # text, tables and charts on a white page
    assert len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50
