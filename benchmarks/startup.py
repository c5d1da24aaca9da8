"""Start-up bars (DESIGN §10): ``negotiator check PKG`` on the demo database ≤ 1.25 × ``python -c
"import sqlmodel"``; ``--help`` and ``--version`` import neither SQLAlchemy, Alembic, ortools nor
YAML.

    python benchmarks/startup.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import NEGOTIATOR, Bar, env, interleaved, modules_loaded, peak_mib, print_table  # noqa: E402


def _demo_db(folder: Path) -> tuple[Path, str]:
    db = folder / "demo.db"
    subprocess.run([*NEGOTIATOR, "--db", str(db), "seed", "korea"], check=True, capture_output=True, env=env())
    out = subprocess.run([*NEGOTIATOR, "--db", str(db), "package", "list", "--format", "csv"],
                         check=True, capture_output=True, text=True, env=env())
    first = out.stdout.splitlines()[1].split(",")[0]
    return db, first


def run(repeat: int = 9) -> list[Bar]:
    folder = Path(tempfile.mkdtemp(prefix="ngstart"))
    try:
        db, package = _demo_db(folder)
        commands = {
            "check": [*NEGOTIATOR, "--db", str(db), "check", package],
            "party list": [*NEGOTIATOR, "--db", str(db), "party", "list"],
            "sqlmodel": [sys.executable, "-c", "import sqlmodel"],
        }
        times = interleaved(commands, repeat=repeat)
        bars = [
            Bar(f"start-up: check {package}", times["check"], "s", times["sqlmodel"], "import sqlmodel",
                "ratio ≤ 1.25", times["check"] <= 1.25 * times["sqlmodel"]),
            Bar("start-up: party list", times["party list"], "s", times["sqlmodel"], "import sqlmodel",
                "ratio ≤ 1.25", times["party list"] <= 1.25 * times["sqlmodel"]),
        ]
        for args in (["--help"], ["--version"]):
            heavy = modules_loaded(args)
            bars.append(Bar(f"start-up: {' '.join(args)} heavy imports", len(heavy), "modules", None,
                            ", ".join(heavy) or "none", "0", not heavy))
        memory = peak_mib(commands["check"])
        bars.append(Bar("start-up: check peak memory", memory, "MiB", None, "", "≤ 250 MiB", memory <= 250))
        return bars
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    print_table(run())
