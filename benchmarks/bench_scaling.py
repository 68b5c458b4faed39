"""How `check` time grows with the input: read + layout + extract + every check, in process,
on inputs made from the seed at doubling sizes. Linear means the time per MB stays flat.

    python benchmarks/bench_scaling.py [--max-copies 512] [--shapes copies,table,prose,titles]

Shapes (each doubles from a small size up to about `--max-copies` seeds' worth of text):
- copies: the whole seed repeated (many tables, statements, targets);
- table:  one 部门支出总体情况表 with more and more 类/款 rows;
- prose:  one 情况说明 paragraph repeated (many statements);
- titles: lines that look like table titles (the layout's title lookahead).

It prints, per size, the input size, the wall and CPU seconds and CPU seconds per MB, and
the growth of CPU time against the previous size (≈2.0× for a doubling is linear). CPU time
is what to compare on a shared machine. Issue #12 measured 2.3 s for 64 copies and 110 s for
512 copies before the fix (quadratic).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"


def _seed_lines() -> list[str]:
    return SEED.read_text("utf-8").split("\n")


def copies(n: int) -> str:
    return "\n".join(_seed_lines() * n)


def table(n: int) -> str:
    """The seed with about `n` × 20 extra rows in its expenditure table: 类 with 10 款 of
    10 项 each, every code distinct and every 类/款 the sum of its rows (as in a real table)."""
    lines = _seed_lines()
    title = lines.index("部门支出总体情况表")
    at = next(k for k in range(title, len(lines)) if lines[k].startswith("208\t05\t02\t"))
    rows: list[str] = []
    for c in range(max(1, n * 20 // 111)):
        cls = f"{100 + c % 900:03d}"  # distinct up to n = 4995
        rows.append(f"{cls}\t\t\t类{c}\t100.00\t100.00\t")
        for k in range(10):
            rows.append(f"{cls}\t{k:02d}\t\t款{c}.{k}\t10.00\t10.00\t")
            rows += [f"{cls}\t{k:02d}\t{j:02d}\t项{c}.{k}.{j}\t1.00\t1.00\t" for j in range(10)]
    return "\n".join(lines[:at] + rows + lines[at:])


def prose(n: int) -> str:
    """The seed with one narrative paragraph (amount, share, change, growth) `n` × 10 times."""
    lines = _seed_lines()
    at = next(k for k, ln in enumerate(lines) if "部门收入预算 342.31 万元" in ln)
    return "\n".join(lines[:at] + [lines[at]] * (n * 10) + lines[at:])


def titles(n: int) -> str:
    """The seed followed by `n` × 100 lines that read like a table title."""
    return "\n".join(_seed_lines() + ["部门收支总体情况表"] * (n * 100))


SHAPES = {"copies": copies, "table": table, "prose": prose, "titles": titles}


def measure(text: str, folder: Path) -> tuple[float, float, float, int]:
    """(MB, wall s, CPU s, findings) of read + check of `text` written as a file."""
    from budgetkit.check import run_checks
    from budgetkit.document import parse

    path = folder / "input.txt"
    path.write_text(text, "utf-8")
    wall, cpu = time.perf_counter(), time.process_time()
    found = run_checks(parse(path))
    return (
        path.stat().st_size / 1e6,
        time.perf_counter() - wall,
        time.process_time() - cpu,
        len(found),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-copies", type=int, default=512, help="largest size (seeds' worth)")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shapes")
    args = ap.parse_args()
    sizes = [n for n in (8, 16, 32, 64, 128, 256, 512, 1024, 2048) if n <= args.max_copies]
    measure(copies(1), Path(tempfile.mkdtemp()))  # warm caches (catalog, regexes)
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            make = SHAPES[shape.strip()]
            print(
                f"\n{shape}:  {'size':>6} {'MB':>7} {'wall s':>8} {'CPU s':>8} {'CPU s/MB':>9} {'growth':>7}"
            )
            prev = None
            for n in sizes:
                mb, wall, cpu, nf = measure(make(n), Path(tmp))
                growth = f"{cpu / prev:.2f}x" if prev else ""
                print(
                    f"{'':8}{n:>6} {mb:>7.1f} {wall:>8.2f} {cpu:>8.2f} {cpu / mb:>9.3f} {growth:>7}"
                )
                prev = cpu


if __name__ == "__main__":
    main()
