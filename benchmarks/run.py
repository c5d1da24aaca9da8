"""Every bar of DESIGN §10 measured in one run, printed as one table.

    python benchmarks/run.py            # the §10 sizes (about 5 minutes on a 2-core machine)
    python benchmarks/run.py --quick    # smaller sizes, to try the runner

Each figure stands beside the baseline it is compared to, measured in the same run (the shared
machines are noisy, so only ratios and counts mean something), the target and pass/FAIL.  The
individual scripts (startup.py, bulk_check.py, sequencing.py, composing.py, export.py, report.py) give more detail on
their own bar.  Exits 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bulk_check, composing, export, report, sequencing, startup  # noqa: E402
from benchmarks.measure import NEGOTIATOR, Bar, peak_mib, print_table  # noqa: E402

CONDITIONS = 60


def bulk_bars(sizes: list[int], repeat: int) -> list[Bar]:
    """µs per package × condition of ``check --all`` (whole command, CSV), statements, memory."""
    settings = argparse.Namespace(
        parties=6, moves=120, conditions=CONDITIONS, placements=30, steps=6, seed=1,
        workdir=tempfile.gettempdir(), fresh=False,
    )
    bars, statements = [], {}
    for packages in sizes:
        db = bulk_check.database(settings, packages)
        seconds = bulk_check.run_command(db, "csv", repeat)
        per = seconds / (packages * CONDITIONS) * 1e6
        # The 5 µs bar is set at 10,000 packages; at smaller sizes start-up dominates, so the
        # figure is reported for how it scales, not judged.
        judged = packages >= 10_000
        bars.append(Bar(f"bulk check: check --all, {packages:,} packages (csv)", per, "µs/pkg×cond", None,
                        f"{seconds:.2f} s in all", "≤ 5 µs" if judged else "(scaling, reported)",
                        per <= 5.0 or not judged))
        statements[packages] = bulk_check.count_statements(db)
        if packages == sizes[-1]:
            for fmt in ("csv", "json"):
                command = [*NEGOTIATOR, "--db", str(db), "check", "--all", "--format", fmt, "--output", "/dev/null"]
                memory = peak_mib(command)
                bars.append(Bar(f"bulk check: peak memory, {packages:,} packages ({fmt})", memory, "MiB", None, "",
                                "≤ 250 MiB", memory <= 250))
    small, large = sizes[0], sizes[-1]
    bars.append(Bar(f"bulk check: SQL statements at {large:,} packages", statements[large], "", statements[small],
                    f"at {small:,} packages", "equal", statements[large] == statements[small]))
    return bars


def sequencing_bars(sizes: list[int], seeds: int) -> list[Bar]:
    bars = []
    for placements in sizes:
        cases = [sequencing.measure(placements, seed, variant)
                 for seed in range(1, seeds + 1) for variant in ("as-generated", "valid-draft")]
        worst = max(case["seconds"] for case in cases)
        settled = all(sequencing.settled(case) for case in cases)
        memory = max(case["peak_mib"] for case in cases)
        is_bar = placements == sequencing.BAR_SIZE
        bars.append(Bar(
            f"sequencing: {placements} placements, 12 steps (worst of {len(cases)})", worst, "s",
            statistics.median(case["seconds"] for case in cases), "median",
            "≤ 2 s, proven or conflicts named" if is_bar else "growth (all settled)",
            settled and (worst <= sequencing.BAR_SECONDS or not is_bar),
        ))
        if is_bar:
            bars.append(Bar(f"sequencing: peak memory, {placements} placements", memory, "MiB", None, "",
                            "≤ 250 MiB", memory <= 250))
    return bars


def composing_bars(seeds: int) -> list[Bar]:
    """Both composition bars (each the worst of its cases, beside the median time ``sequence``
    takes to order every move of the same catalogue), and the peak memory of all of them."""
    cases = composing.cases(seeds)
    bars = []
    targets = {"40": "≤ 10 s, proven optimal or conflicts named",
               "150": "≤ 30 s, valid, most parties satisfied, gap shown"}
    for size, shape in composing.SIZES.items():
        group = [c for c in cases if c["size"] == size and c["variant"] != "time-limited"]
        bars.append(Bar(
            f"composition: pool of {size} moves, {shape['parties']} parties, {shape['conditions']} conditions, "
            f"{shape['steps']} steps, maxmin (worst of {len(group)})",
            max(c["seconds"] for c in group), "s",
            statistics.median(c["baseline_seconds"] for c in group), "sequence of the same moves, median",
            targets[size], all(composing.passed(c) for c in group),
        ))
    limited = [c for c in cases if c["variant"] == "time-limited"]
    bars.append(Bar(
        f"composition: pool of 150, --time-limit {composing.SHORT_LIMIT:g} (worst of {len(limited)}): answer and gap",
        max(c["seconds"] for c in limited), "s", None, "; ".join(c["gap"] or "proven" for c in limited),
        "valid, on time, gap shown", all(composing.passed(c) for c in limited),
    ))
    memory = max(c["peak_mib"] for c in cases)
    bars.append(Bar("composition: peak memory", memory, "MiB", None, "", "≤ 500 MiB", memory <= composing.BAR_MIB))
    return bars


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    bars: list[Bar] = []
    bars += startup.run(repeat=5 if args.quick else 9)
    bars += sequencing_bars([25, 100] if args.quick else [25, 50, 100, 200], seeds=1 if args.quick else 3)
    bars += composing_bars(seeds=1 if args.quick else 3)
    bars += export.run(repeat=3 if args.quick else 7)
    bars += report.run(repeat=3 if args.quick else 5)
    # Last: counting its SQL statements runs `check --all` inside this process, and on Linux a
    # child's peak memory (ru_maxrss) starts from its parent's, which would inflate the others.
    bars += bulk_bars([100, 1_000] if args.quick else [1_000, 10_000], repeat=1 if args.quick else 3)
    print_table(bars)
    return 0 if all(bar.passed for bar in bars) else 1


if __name__ == "__main__":
    sys.exit(main())
