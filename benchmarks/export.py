"""Export bar (DESIGN §10): ``matrix positions --format csv`` on 2,000 moves × 12 parties is no
slower than ``sqlite-utils query`` dumping the same position rows; peak memory ≤ 250 MiB.

    python benchmarks/export.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import NEGOTIATOR, Bar, interleaved, peak_mib, print_table  # noqa: E402

POSITIONS_SQL = (
    "SELECT m.code AS move, a.code AS actor, p.code AS party, x.stance, x.weight, x.bound_op, x.bound_value "
    "FROM position x JOIN move m ON m.id = x.move_id JOIN party p ON p.id = x.party_id "
    "JOIN party a ON a.id = m.actor_id ORDER BY m.code, p.code"
)


def build(folder: Path, moves: int = 2000, parties: int = 12) -> Path:
    from benchmarks.generate import generate, write_scenario

    db = folder / "export.db"
    scenario = generate(parties=parties, moves=moves, conditions=0, packages=0, placements_per_package=1, steps=1,
                        seed=7)
    write_scenario(scenario, str(db))
    return db


def run(repeat: int = 7) -> list[Bar]:
    folder = Path(tempfile.mkdtemp(prefix="ngexport"))
    try:
        db = build(folder)
        sqlite_utils = shutil.which("sqlite-utils") or "sqlite-utils"
        ours = [*NEGOTIATOR, "--db", str(db), "matrix", "positions", "--format", "csv",
                "--output", str(folder / "ours.csv")]
        theirs = [sys.executable, "-c", "import sys; from sqlite_utils.cli import cli; sys.exit(cli())",
                  "query", str(db), POSITIONS_SQL, "--csv"]
        del sqlite_utils
        times = interleaved({"ours": ours, "theirs": theirs}, repeat=repeat)
        memory = peak_mib(ours)
        return [
            Bar("export: matrix positions csv (2,000 moves × 12 parties)", times["ours"], "s", times["theirs"],
                "sqlite-utils query", "ratio ≤ 1.0", times["ours"] <= times["theirs"]),
            Bar("export: peak memory", memory, "MiB", None, "", "≤ 250 MiB", memory <= 250),
        ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    print_table(run())
