"""The §10 sequencing bar: 100 placements, 6 parties, 150 conditions, 12 steps, proven optimal or
conflicts named within 2 s of solve time, peak memory at most 250 MiB; and how solve time grows at
25, 50, 100 and 200 placements.

Scenarios come from ``benchmarks.generate`` (one package placing every move of the catalogue, so
that every condition bites).  Each case runs in its own process, so that its peak memory (the
process's maximum resident set) is its own.  Two variants per seed:

* ``as-generated``: the conditions exactly as generated.  Random rules usually collide, so this
  mostly measures how fast the colliding rules are named.
* ``valid-draft``: the rules the drafted package breaks are dropped, so the rules can hold and the
  solver has to optimise all four priorities (and name the parties' conflicts).

Solve time is the wall-clock time of ``sequence()`` with ortools already imported (its import,
about 0.3-0.5 s, is reported apart); CPU time is shown beside it because the shared machines are
noisy.  Run from the repository root:

    python benchmarks/sequencing.py            # the bar, and the growth table
    python benchmarks/sequencing.py --seeds 10 # more seeds per size
    python benchmarks/sequencing.py --baseline ../old-checkout   # before/after, in one run

With ``--baseline DIR`` (another checkout of the repository, e.g. ``git worktree add ../old
main``), every case is also run on that tree's code, alternating with this one so that both see
the same load, and the report compares the two: solve times side by side, and whether both
trees gave the same answer (the same options, conflicts and status).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (25, 50, 100, 200)
BAR_SIZE = 100
BAR_SECONDS = 2.0
BAR_MIB = 250.0


def run_case(placements: int, seed: int, variant: str, tree: Path = ROOT) -> dict:
    """One sequencing run of the code in ``tree``, measured; called in a child process."""
    sys.path.insert(0, str(tree))
    started = time.perf_counter()
    import ortools.sat.python.cp_model  # noqa: F401  (measured apart from the solve)

    import_seconds = time.perf_counter() - started
    from benchmarks.generate import generate
    from negotiator.domain.evaluate import Checker
    from negotiator.domain.model import Catalogue
    from negotiator.domain.sequencing import sequence

    scenario = generate(parties=6, moves=placements, conditions=150, packages=1,
                        placements_per_package=placements, steps=12, seed=seed)
    catalogue, package = scenario.catalogue, scenario.packages[0]
    if variant == "valid-draft":
        broken = {r.text for r in Checker(catalogue).check(package).rules if not r.passed}
        catalogue = Catalogue(catalogue.parties, catalogue.issues, catalogue.moves, catalogue.positions,
                              tuple(c for c in catalogue.conditions if not (c.party is None and c.text in broken)))
    wall, cpu = time.perf_counter(), time.process_time()
    result = sequence(catalogue, package)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    best = result.best
    return {
        "placements": placements,
        "seed": seed,
        "variant": variant,
        "status": result.status,
        "proven": bool(best and best.proven),
        "satisfied": len(best.satisfied) if best else None,
        "conflicts": len(result.conflicts),
        "rules_conflict": result.rules_conflict,
        "seconds": wall,
        "cpu_seconds": cpu,
        "import_seconds": import_seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "answer": hashlib.sha256(repr(_answer(result)).encode()).hexdigest()[:16],
    }


def _answer(result) -> tuple:
    """What sequencing answered, in fields every version has (later ones added fields to its
    result types, such as a conflict's era, that would make a plain repr differ)."""
    options = [(tuple(map(tuple, o.steps)), tuple(o.satisfied), o.max_exposure, o.total_exposure, o.moved, o.proven)
               for o in result.options]
    return result.status, options, [(c.party, c.text) for c in result.conflicts]


def settled(case: dict) -> bool:
    """Proven optimal, or the conflicting conditions named."""
    return case["proven"] or (case["status"] == "infeasible" and case["conflicts"] > 0)


def measure(placements: int, seed: int, variant: str, tree: Path = ROOT) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--case", str(placements), str(seed), variant, "--tree", str(tree)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    return json.loads(output)


def compare_with(baseline: Path, seeds: int) -> int:
    """Run every case on ``baseline`` and on this tree, alternating, and print both."""
    pairs = []
    for n in SIZES:
        for variant in ("as-generated", "valid-draft"):
            for seed in range(1, seeds + 1):
                before = measure(n, seed, variant, baseline)
                after = measure(n, seed, variant)
                pairs.append((before, after))
    print(f"{'placements':>10} {'variant':>13} {'seed':>4} {'status':>10} {'before s':>8} {'after s':>8} "
          f"{'before cpu':>10} {'after cpu':>9} {'same answer':>11}")
    for before, after in pairs:
        print(f"{after['placements']:>10} {after['variant']:>13} {after['seed']:>4} {after['status']:>10} "
              f"{before['seconds']:>8.2f} {after['seconds']:>8.2f} {before['cpu_seconds']:>10.2f} "
              f"{after['cpu_seconds']:>9.2f} {'yes' if before['answer'] == after['answer'] else 'NO':>11}")
    print()
    print("totals by size (solve seconds, before -> after; cpu seconds, before -> after):")
    for n in SIZES:
        group = [(b, a) for b, a in pairs if a["placements"] == n]
        print(f"  {n:>4}: {sum(b['seconds'] for b, _ in group):.2f} -> {sum(a['seconds'] for _, a in group):.2f} s, "
              f"cpu {sum(b['cpu_seconds'] for b, _ in group):.2f} -> {sum(a['cpu_seconds'] for _, a in group):.2f} s")
    differ = sum(1 for b, a in pairs if b["answer"] != a["answer"])
    print(f"answers: {len(pairs) - differ}/{len(pairs)} identical")
    return 0 if not differ else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per size and variant (default 5)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another checkout of the repository: run every case on both and compare")
    parser.add_argument("--case", nargs=3, metavar=("PLACEMENTS", "SEED", "VARIANT"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        placements, seed, variant = args.case
        print(json.dumps(run_case(int(placements), int(seed), variant, args.tree.resolve())))
        return 0
    if args.baseline:
        return compare_with(args.baseline.resolve(), args.seeds)

    cases = [measure(n, seed, variant) for n in SIZES for variant in ("as-generated", "valid-draft")
             for seed in range(1, args.seeds + 1)]
    print(f"{'placements':>10} {'variant':>13} {'seed':>4} {'status':>10} {'proven':>6} {'sat':>3} "
          f"{'conflicts':>9} {'solve s':>8} {'cpu s':>6} {'peak MiB':>8}")
    for c in cases:
        print(f"{c['placements']:>10} {c['variant']:>13} {c['seed']:>4} {c['status']:>10} {c['proven']!s:>6} "
              f"{c['satisfied'] if c['satisfied'] is not None else '-':>3} {c['conflicts']:>9} "
              f"{c['seconds']:>8.2f} {c['cpu_seconds']:>6.2f} {c['peak_mib']:>8.1f}")
    print()
    print("growth (valid-draft): placements, median / max solve seconds, median cpu seconds")
    for n in SIZES:
        group = [c for c in cases if c["placements"] == n and c["variant"] == "valid-draft"]
        seconds = [c["seconds"] for c in group]
        print(f"  {n:>4}: {statistics.median(seconds):.2f} / {max(seconds):.2f} s, "
              f"cpu {statistics.median(c['cpu_seconds'] for c in group):.2f} s")
    imports = [c["import_seconds"] for c in cases]
    print(f"ortools import (not in solve times): median {statistics.median(imports):.2f} s")

    bar = [c for c in cases if c["placements"] == BAR_SIZE]
    slow = [c for c in bar if not settled(c) or c["seconds"] > BAR_SECONDS]
    heavy = [c for c in cases if c["peak_mib"] > BAR_MIB]
    worst = max(c["seconds"] for c in bar)
    peak = max(c["peak_mib"] for c in cases)
    print()
    print(f"bar: {BAR_SIZE} placements, 6 parties, 150 conditions, 12 steps -> "
          f"{len(bar) - len(slow)}/{len(bar)} settled within {BAR_SECONDS:g} s (worst {worst:.2f} s); "
          f"peak memory {peak:.1f} MiB (bar {BAR_MIB:g} MiB)")
    ok = not slow and not heavy
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
