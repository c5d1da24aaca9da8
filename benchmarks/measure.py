"""Measuring tools shared by the benchmark scripts: timing commands, peak memory, the result table.

Every figure is compared with a baseline measured in the same run (DESIGN §10): the machines are
shared and noisy, so only ratios and counts mean something.  Timings are the median of several
runs; peak memory is the maximum resident set size of one run of the command, read by a small
wrapper process so that the benchmark's own memory does not count.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEGOTIATOR = [sys.executable, "-m", "negotiator"]

_PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


@dataclass
class Bar:
    """One line of the benchmark table."""

    name: str
    figure: float
    unit: str
    baseline: float | None
    baseline_label: str
    target: str
    passed: bool

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.figure / self.baseline


def env() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(ROOT) + os.pathsep + environment.get("PYTHONPATH", "")
    return environment


def run_once(command: list[str], cwd: str | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(), cwd=cwd)
    return time.perf_counter() - started


def median_time(command: list[str], repeat: int = 5, cwd: str | None = None) -> float:
    run_once(command, cwd)  # warm the file cache
    return statistics.median(run_once(command, cwd) for _ in range(repeat))


def interleaved(commands: dict[str, list[str]], repeat: int = 7) -> dict[str, float]:
    """Median time of each command, runs interleaved so that machine noise hits all alike."""
    for command in commands.values():
        run_once(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(run_once(command))
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_mib(command: list[str]) -> float:
    """Peak resident memory of one run of ``command``, in MiB."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, check=True, env=env())
    return int(out.stdout.strip()) / 1024


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "ortools", "yaml")


def modules_loaded(args: list[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of the ``heavy`` libraries ``negotiator ARGS`` imports (for the --help/--version bar)."""
    probe = (
        "import sys, json\n"
        "from negotiator.cli import cli\n"
        "try:\n"
        f"    cli.main({args!r}, prog_name='negotiator', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = {tuple(heavy)!r}\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(json.dumps(sorted(roots & set(heavy))), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env())
    return json.loads(out.stderr.strip().splitlines()[-1])


def print_table(bars: list[Bar]) -> None:
    headers = ("bar", "figure", "baseline", "ratio", "target", "result")
    rows = []
    for bar in bars:
        figure = f"{bar.figure:.3g} {bar.unit}".strip()
        baseline = f"{bar.baseline:.3g} ({bar.baseline_label})" if bar.baseline is not None else bar.baseline_label
        ratio = f"{bar.ratio:.2f}" if bar.ratio is not None else ""
        rows.append((bar.name, figure, baseline, ratio, bar.target, "pass" if bar.passed else "FAIL"))
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    for line in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
