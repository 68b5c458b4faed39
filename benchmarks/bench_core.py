"""Core speed: read+check of the seed (warm, per document) and cold `budgetkit summary`
wall time against a bare `python -c "import pandas"` in the same run.

    python benchmarks/bench_core.py [--runs N]

Targets (issue #2): read+check < 20 ms warm; cold CLI ≤ 1.5× the bare pandas import.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"


def warm(n: int) -> float:
    from budgetkit.check import run_checks
    from budgetkit.document import parse

    run_checks(parse(SEED))  # warm caches (catalog, regexes)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        run_checks(parse(SEED))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cold(cmd: list[str], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    n = ap.parse_args().runs
    w = warm(max(n * 4, 40))
    cli = cold([sys.executable, "-m", "budgetkit.cli", "summary", str(SEED), "--json"], n)
    bare = cold([sys.executable, "-c", "import pandas"], n)
    print(f"read+check seed (warm, median of {max(n * 4, 40)}): {w * 1000:.1f} ms   target < 20 ms")
    print(f"cold `budgetkit summary --json` (median of {n}):     {cli * 1000:.0f} ms")
    print(f"bare `python -c 'import pandas'` (median of {n}):   {bare * 1000:.0f} ms")
    print(f"ratio CLI / bare pandas import: {cli / bare:.2f}x   target ≤ 1.5x")


if __name__ == "__main__":
    main()
