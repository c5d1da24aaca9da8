"""Bench the §10 bulk-check bar: ``negotiator check --all`` over 10,000 packages of 30 placements,
6 parties and 60 conditions must cost at most 5 µs per package × condition, with a number of SQL
statements that does not grow with the number of packages.

What it does, all deterministic (``benchmarks.generate`` with a fixed seed):

1. builds the scenario into a SQLite file (kept and reused between runs; ``--fresh`` rebuilds);
2. runs ``negotiator --db FILE check --all --format F --output OUT`` as a user would, in a fresh
   process, for each format asked (json, csv, table), ``--repeat`` times, and reports the best
   wall time in total and per package × condition (start-up, loading, judging and rendering
   included);
3. times the stages in-process (load, judge, shape the result, render it) so that a regression
   can be traced, and runs the command in-process on that database and on a tenth of it,
   counting the SQL statements each sends -- the two counts must be equal;
4. as a baseline for this machine's speed, times ``python -c "import sqlmodel"``.

Usage, from the repository root::

    python benchmarks/bulk_check.py                      # the §10 sizes
    python benchmarks/bulk_check.py --packages 1000      # quicker
    python benchmarks/bulk_check.py --formats json,csv,table --repeat 3

Exits with status 1 when the bar is missed (by the best format's time) or the statement counts
differ.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate, write_scenario  # noqa: E402

BAR_MICROSECONDS = 5.0


def build(path: Path, packages: int, args) -> None:
    started = time.perf_counter()
    scenario = generate(
        parties=args.parties,
        moves=args.moves,
        conditions=args.conditions,
        packages=packages,
        placements_per_package=args.placements,
        steps=args.steps,
        seed=args.seed,
    )
    path.unlink(missing_ok=True)
    write_scenario(scenario, str(path))
    print(f"built {path} ({packages} packages) in {time.perf_counter() - started:.1f} s", flush=True)


def database(args, packages: int) -> Path:
    from negotiator.db.migrate import script_revisions

    # Named by the schema too: a file built by an older negotiator is built again, not reused.
    name = (
        f"bulk-{args.parties}p-{args.moves}m-{args.conditions}c-{packages}k-"
        f"{args.placements}x{args.steps}-s{args.seed}-r{script_revisions()[-1]}.db"
    )
    path = Path(args.workdir) / name
    if args.fresh or not path.exists():
        build(path, packages, args)
    return path


def run_command(db: Path, fmt: str, repeat: int) -> float:
    """Best wall time of the real command in a fresh process."""
    best = float("inf")
    out = Path(tempfile.gettempdir()) / f"bulk-check-out.{fmt}"
    command = [sys.executable, "-m", "negotiator", "--db", str(db), "check", "--all",
               "--format", fmt, "--output", str(out)]
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
        best = min(best, elapsed)
    return best


def count_statements(db: Path) -> int:
    """SQL statements sent by ``check --all`` (in-process, every engine counted)."""
    from click.testing import CliRunner
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from negotiator.cli import cli

    sent = []

    def counted(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", counted)
    try:
        arguments = ["--db", str(db), "check", "--all", "--format", "json", "--output", os.devnull]
        result = CliRunner().invoke(cli, arguments)
        if result.exit_code != 0:
            raise SystemExit(f"check --all failed in-process: {result.output}")
    finally:
        event.remove(Engine, "before_cursor_execute", counted)
    return len(sent)


def stages(db: Path, formats: list[str]) -> dict[str, float]:
    """CPU seconds spent loading, judging and rendering (in-process, with the cycle collector
    paused as the command pauses it)."""
    import gc

    from negotiator.db.engine import Store
    from negotiator.db.load import load_catalogue, load_packages
    from negotiator.domain.evaluate import Checker
    from negotiator.domain.verdicts import check_document, check_table
    from negotiator.output import render_text

    clock = time.process_time
    timings = {}
    gc.disable()
    try:
        started = clock()
        with Store(str(db)).read() as connection:
            catalogue = load_catalogue(connection)
            packages = load_packages(connection)
        timings["load"] = clock() - started
        started = clock()
        checker = Checker(catalogue, explain_passes=False)
        checks = [checker.check(package) for package in packages]
        timings["judge"] = clock() - started
        for fmt in formats:
            started = clock()
            shaped = check_document(checks) if fmt == "json" else check_table(checks)
            timings[f"shape {fmt}"] = clock() - started
            started = clock()
            if fmt == "json":
                render_text(fmt, document=shaped)
            else:
                render_text(fmt, table=shaped)
            timings[f"render {fmt}"] = clock() - started
    finally:
        gc.enable()
    return timings


def baseline(repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlmodel"], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--placements", type=int, default=30)
    parser.add_argument("--parties", type=int, default=6)
    parser.add_argument("--conditions", type=int, default=60)
    parser.add_argument("--moves", type=int, default=120)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default="json,csv", help="comma-separated: json, csv, table")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases")
    args = parser.parse_args()

    big = database(args, args.packages)
    small = database(args, max(1, args.packages // 10))
    pairs = args.packages * args.conditions

    from negotiator.db.engine import Store
    from negotiator.db.load import load_catalogue
    from negotiator.domain.evaluate import effective_conditions

    with Store(str(big)).read() as connection:
        judged = len(effective_conditions(load_catalogue(connection)))

    print(f"\nscenario: {args.packages} packages x {args.placements} placements in {args.steps} steps, "
          f"{args.parties} parties, {args.moves} moves, {args.conditions} conditions "
          f"({judged} judged, position bounds included)")
    print(f"baseline: python -c 'import sqlmodel' {baseline(args.repeat):.3f} s")

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    print(f"\nthe command, in a fresh process (best of {args.repeat}):")
    best = float("inf")
    for fmt in formats:
        seconds = run_command(big, fmt, args.repeat)
        per_pair = seconds / pairs * 1e6
        best = min(best, per_pair)
        print(f"  check --all --format {fmt:<5} {seconds:6.2f} s  = {per_pair:.2f} µs per package x condition "
              f"({seconds / (args.packages * judged) * 1e6:.2f} µs per package x judged condition)")

    print("\nstages, in-process (CPU time):")
    for stage, seconds in stages(big, formats).items():
        print(f"  {stage:<13} {seconds:6.2f} s  = {seconds / pairs * 1e6:.2f} µs per package x condition")

    many, few = count_statements(big), count_statements(small)
    print(f"\nSQL statements: {many} for {args.packages} packages, {few} for {max(1, args.packages // 10)} packages")

    ok = best <= BAR_MICROSECONDS and many == few
    print(f"\nbar: <= {BAR_MICROSECONDS} µs per package x condition and a constant statement count: "
          + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
