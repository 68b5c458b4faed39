"""What the text checks (`check/text.py`, issue 10 point 4) cost over a corpus.

    python benchmarks/bench_text.py [FOLDER ...] [--repeat 3]

Each document is read once (not timed); then the `text.*` checks run `--repeat` times on its
parsed records and the best time is kept. One line per document: its lines, paragraphs'
source lines (prose), text findings and milliseconds; the total at the end, next to the
time of all the other check families on the same documents. Default folder: data/corpus.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budgetkit.check import RULES  # noqa: E402
from budgetkit.check import text as text_checks  # noqa: E402
from budgetkit.document import parse  # noqa: E402
from budgetkit.errors import BudgetkitError  # noqa: E402

SUFFIXES = {".pdf", ".txt", ".html", ".htm"}


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=[str(ROOT / "data" / "corpus")])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = sorted(
        p for f in args.folders for p in Path(f).rglob("*") if p.suffix.lower() in SUFFIXES
    )
    others = [import_module(f"budgetkit.check.{n}") for n in RULES if n != "text"]
    total = rest = 0.0
    n = found = 0
    for p in files:
        try:
            parsed = parse(p)
        except BudgetkitError:
            continue
        dt, fs = _best(lambda parsed=parsed: list(text_checks.check(parsed)), args.repeat)
        do, _ = _best(
            lambda parsed=parsed: [f for m in others for f in m.check(parsed)], args.repeat
        )
        total, rest, n, found = total + dt, rest + do, n + 1, found + len(fs)
        print(
            f"{dt * 1000:8.1f} ms  {len(parsed.lines):6d} lines  {len(parsed.prose):6d} prose  "
            f"{len(fs):3d} text findings  {p.relative_to(p.parents[1])}"
        )
    print(
        f"{n} documents: text checks {total:.3f} s ({found} findings); "
        f"the other check families {rest:.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
