"""What pairing split publications costs (issue 9 item 4).

    python benchmarks/bench_pairing.py [--copies 20] [--jobs 2]

1. `budgetkit.read(narrative, tables)` of the Beijing 信访办 2026 pair (corpus, when present)
   against reading its two files one by one.
2. `parse_batch` over N documents published whole (copies of the seed, each a distinct
   department) against the same N published split (each copy cut into a narrative file and a
   tables file, as `tests/conftest.py` does): the split batch reads each pair a second time as
   one document, so it costs about twice the reading of the pairs.
3. `corpus build` of the same split copies, then a rebuild (nothing read again).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import budgetkit  # noqa: E402
from budgetkit.document import parse  # noqa: E402
from budgetkit.store.batch import parse_batch  # noqa: E402

SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
SEED_NAME = "昌吉回族自治州人民政府驻北京联络处"
NARRATIVE = (slice(0, 66), slice(370, None))  # as tests/conftest.py
TABLES = (slice(0, 6), slice(66, 370))
CORPUS = [ROOT / "data" / "corpus", ROOT.parent / "shared" / "corpus"]
BJ = (
    "beijing/2026年北京市信访办公室部门预算.pdf",
    "beijing/政府办公厅_附件2：北京市信访办公室2026年度部门预算报表.pdf",
)


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def copies(folder: Path, n: int, split: bool) -> list[Path]:
    lines = SEED.read_text("utf-8").split("\n")
    out = []
    for i in range(n):
        text = [ln.replace(SEED_NAME, f"测试市第{i}局") for ln in lines]
        if not split:
            p = folder / f"whole{i:03}.txt"
            p.write_text("\n".join(text), "utf-8")
            out.append(p)
            continue
        for name, parts in (("n", NARRATIVE), ("t", TABLES)):
            p = folder / f"{name}{i:03}.txt"
            p.write_text("\n".join(x for part in parts for x in text[part]), "utf-8")
            out.append(p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    root = next((c for c in CORPUS if (c / BJ[0]).is_file()), None)
    if root is not None:
        n, t = root / BJ[0], root / BJ[1]
        apart = timed(lambda: (parse(n), parse(t)))
        together = timed(lambda: budgetkit.read(n, t))
        print(f"Beijing pair: read apart {apart:.2f} s, read(narrative, tables) {together:.2f} s")
    else:
        print("Beijing pair: corpus not present, skipped")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for split in (False, True):
            folder = tmp / ("split" if split else "whole")
            folder.mkdir()
            files = copies(folder, args.copies, split)
            t0 = time.perf_counter()
            r = parse_batch(files, tmp / f"out-{folder.name}", jobs=args.jobs)
            s = time.perf_counter() - t0
            print(
                f"parse --jobs {args.jobs}, {args.copies} documents {folder.name}: {s:.2f} s "
                f"({len(r.written)} written, {len(r.paired)} paired, "
                f"{s / args.copies * 1000:.0f} ms/document)"
            )
        from budgetkit.corpus import build

        t0 = time.perf_counter()
        first = build([tmp / "split"], tmp / "corpus", jobs=args.jobs)
        a = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = build([tmp / "split"], tmp / "corpus", jobs=args.jobs)
        b = time.perf_counter() - t0
        print(
            f"corpus build, {args.copies} split documents: {a:.2f} s ({first.read} reads, "
            f"{len(first.paired)} paired); rebuild {b:.2f} s ({again.read} read)"
        )


if __name__ == "__main__":
    main()
