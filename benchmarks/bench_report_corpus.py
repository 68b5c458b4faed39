"""`budgetkit report --corpus` at scale: per-report cost over N documents with --jobs 2, where
the time goes, and the bytes written per report.

    python benchmarks/bench_report_corpus.py [--documents 60] [--jobs 2] [--paths]

The corpus is N copies of the seed, 4 years (2022–2025) of N/4 departments (`测试市第k局`), so
trend has a series to find and compare has 4 region/year groups. It is built with `corpus
build`, then `run_reports(corpus=…)` writes the default reports (structure, trend,
performance per document, compare per region and year). `--paths` also runs the same
documents given as files (the index reads every document again and trend scans the folder),
for comparison.

Target (issue 11): 1,000 reports in at most 5 minutes on this 2-core machine (0.3 s per
report). The figures say how far each part is from it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
SEED_NAME = "昌吉回族自治州人民政府驻北京联络处"


def make_documents(folder: Path, n: int) -> list[Path]:
    seed = SEED.read_text("utf-8")
    out = []
    for i in range(n):
        year = 2022 + i % 4
        text = seed.replace(SEED_NAME, f"测试市第{i // 4}局").replace("2024", str(year))
        p = folder / f"doc{i:05}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
        out.append(p)
    return out


def _size(paths) -> int:
    return sum(Path(p).stat().st_size for p in paths if p and Path(p).exists())


def figures(result, wall: float) -> dict:
    from bench_report import breakdown

    ok = [o for o in result.outcomes if o.status == "ok"]
    n = len(result.outcomes)
    per = wall / n if n else 0.0
    html = _size(o.html for o in ok) / max(len(ok), 1)
    ipynb = _size(o.ipynb for o in ok) / max(len(ok), 1)
    by_nb: dict[str, list[float]] = {}
    for o in ok:
        by_nb.setdefault(o.notebook, []).append(o.seconds)
    return {
        "reports": n,
        "failed": len(result.failures),
        "wall_s": round(wall, 1),
        "per_report_s": round(per, 3),
        "projected_1000_reports_min": round(per * 1000 / 60, 1),
        "mean_seconds_by_notebook": {k: round(sum(v) / len(v), 3) for k, v in by_nb.items()},
        "breakdown_s": {k: round(v, 3) for k, v in breakdown(result).items()},
        "bytes_per_report": {"html": int(html), "ipynb": int(ipynb)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--paths", action="store_true", help="also run the documents as files")
    args = ap.parse_args(argv)

    import budgetkit.present  # noqa: F401  (before papermill: skips jsonschema's slow import)
    from budgetkit.corpus import build
    from budgetkit.report import run_reports

    out: dict = {"documents": args.documents, "jobs": args.jobs}
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as d:
        tmp = Path(d)
        docs = make_documents(tmp / "docs", args.documents)
        t = time.perf_counter()
        build([tmp / "docs"], tmp / "corpus", jobs=args.jobs)
        out["corpus_build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        result = run_reports([], tmp / "reports", jobs=args.jobs, corpus=tmp / "corpus")
        out["corpus"] = figures(result, time.perf_counter() - t)
        if result.failures:
            print(result.summary(), file=sys.stderr)
        if args.paths:
            t = time.perf_counter()
            result = run_reports(docs, tmp / "reports-paths", jobs=args.jobs)
            out["paths"] = figures(result, time.perf_counter() - t)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    per = out["corpus"]["per_report_s"]
    print(
        f"target: ≤ 0.3 s per report (1,000 in 5 min): {per} s → {'met' if per <= 0.3 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
