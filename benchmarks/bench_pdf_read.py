"""Benchmark: read+check (`parse` then every identity) of each corpus PDF against pdfplumber's plain
`page.extract_text()` over all pages of the same file, in the same run; then the whole corpus
read serially and in parallel over 2 processes.

    python benchmarks/bench_pdf_read.py [--repeat N] [DIR]

Target: reading at most 1.5× the extract_text baseline (goal ≤ 1×). Times are the best of N
runs (warm: imports and the OS file cache are excluded from the comparison).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pdfplumber

from budgetkit.check import run_checks
from budgetkit.document import parse
from budgetkit.reader import read_source

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "data" / "shanghai"
WORKERS = 2


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _baseline(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _read(path: Path) -> int:
    return len(run_checks(parse(path)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pdfs = sorted(args.dir.glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs in {args.dir}")

    print(f"{'document':<34} {'pages':>5} {'read+check s':>12} {'extract_text s':>15} {'ratio':>6}")
    tot_read = tot_base = 0.0
    for path in pdfs:
        t_read = _best(lambda p=path: _read(p), args.repeat)
        t_base = _best(lambda p=path: _baseline(p), args.repeat)
        tot_read += t_read
        tot_base += t_base
        pages = read_source(path).pages
        print(
            f"{path.stem[:34]:<34} {pages:>5} {t_read:>12.3f} {t_base:>15.3f} {t_read / t_base:>6.2f}"
        )
    print(f"{'total':<34} {'':>5} {tot_read:>12.3f} {tot_base:>15.3f} {tot_read / tot_base:>6.2f}")

    serial = _best(lambda: [_read(p) for p in pdfs], args.repeat)
    with ProcessPoolExecutor(WORKERS) as pool:
        list(pool.map(_read, pdfs))  # start the workers and import budgetkit in them
        parallel = _best(lambda: list(pool.map(_read, pdfs)), args.repeat)
    print(
        f"whole corpus ({len(pdfs)} PDFs): serial {serial:.3f} s, "
        f"{WORKERS} processes {parallel:.3f} s, speed-up {serial / parallel:.2f}×"
    )


if __name__ == "__main__":
    main()
