"""The report bar: ``negotiator report --all`` on every package of the Korea seed in ≤ 3 s, and
the plotting and template libraries kept out of every other command.

    python benchmarks/report.py

The time is the median of several runs, shown beside ``check --all`` on the same database in
the same run (the baseline: what judging the packages costs without drawing anything), so the
ratio says what the brief adds.  Peak memory is that of one run.  ``check`` and ``--help`` must
import neither matplotlib nor Jinja2 (a count of modules).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import (  # noqa: E402
    NEGOTIATOR,
    Bar,
    env,
    interleaved,
    modules_loaded,
    peak_mib,
    print_table,
)

BAR_SECONDS = 3.0
PRESENTATION = ("matplotlib", "jinja2", "markupsafe", "numpy", "PIL")


def run(repeat: int = 5) -> list[Bar]:
    folder = Path(tempfile.mkdtemp(prefix="ngreport"))
    try:
        db = folder / "korea.db"
        subprocess.run([*NEGOTIATOR, "--db", str(db), "seed", "korea"], check=True, capture_output=True, env=env())
        brief = folder / "korea.html"
        commands = {
            "report": [*NEGOTIATOR, "--db", str(db), "report", "--all", "--output", str(brief)],
            "check": [*NEGOTIATOR, "--db", str(db), "check", "--all", "--output", str(folder / "check.txt")],
        }
        times = interleaved(commands, repeat=repeat)
        packages = brief.read_text().count('<section class="package"')
        bars = [
            Bar(f"report: report --all, Korea seed ({packages} packages)", times["report"], "s", times["check"],
                "check --all", f"≤ {BAR_SECONDS:g} s", times["report"] <= BAR_SECONDS),
        ]
        memory = peak_mib(commands["report"])
        bars.append(Bar("report: peak memory", memory, "MiB", None, "", "≤ 250 MiB", memory <= 250))
        for args in (["--db", str(db), "check", "--all"], ["--help"]):
            loaded = modules_loaded(args, PRESENTATION)
            shown = "check --all" if "check" in args else "--help"
            bars.append(Bar(f"report: {shown} imports plotting/templates", len(loaded), "modules", None,
                            ", ".join(loaded) or "none", "0", not loaded))
        return bars
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    print_table(run())
