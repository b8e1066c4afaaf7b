"""`make bench`: every benchmark script in turn, then one table of every figure against its goal.

Each script prints its own figures and `RESULT<TAB>figure<TAB>value<TAB>goal<TAB>pass|FAIL` lines
(_setup.result); a script that exits with an error shows as such. Exits non-zero when a goal failed.
BENCH_ONLY=orders,http runs just those.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    found = sorted(p for p in BENCH.glob("*.py") if not p.name.startswith("_"))
    return [p for p in found if not only or p.stem in only]


def run(script: Path) -> tuple[list[list[str]], int, float]:
    print(f"== {script.relative_to(BENCH.parent)}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    results = []
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith("RESULT\t"):
            results.append(line.rstrip("\n").split("\t")[1:])
    return results, process.wait(), time.perf_counter() - started


def main() -> int:
    rows, failed = [], False
    for script in scripts():
        results, code, seconds = run(script)
        rows.extend([script.stem, *r] for r in results)
        if code != 0:
            rows.append([script.stem, "script exit code", str(code), "0", "FAIL"])
        failed = failed or code != 0 or any(r[3] != "pass" for r in results)
        print(f"== {script.name}: {seconds:.0f} s\n", flush=True)
    widths = [max(len(str(row[i])) for row in [*rows, HEADER]) for i in range(len(HEADER))]
    print("Summary")
    for row in [HEADER, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 1 if failed else 0


HEADER = ["script", "figure", "value", "goal", "result"]

if __name__ == "__main__":
    sys.exit(main())
