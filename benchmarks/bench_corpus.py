"""Coverage self-check over a corpus, and read+check speed against pdfplumber's extract_text.

    python benchmarks/bench_corpus.py [FOLDER ...] [--no-pdfplumber]

One line per document: recognised tables, printed amounts read, read amounts confirmed by an
identity, error findings, read+check seconds (and pdfplumber's plain extract_text seconds of
the same file). Totals at the end: documents fully read (every money table recognised, every
amount column mapped, every printed amount read, no error finding), tables recognised, and
the time ratio (target ≤ 0.5). Default folder: ../shared/corpus next to the repository.
Figures go in the issue notes; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import budgetkit  # noqa: E402
from budgetkit.errors import BudgetkitError  # noqa: E402

SUFFIXES = {".pdf", ".txt", ".html", ".htm"}


def _plumber(path: Path) -> float:
    import pdfplumber

    t = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    ap.add_argument("--no-pdfplumber", action="store_true")
    args = ap.parse_args()
    files = sorted(
        p for f in args.folders for p in Path(f).rglob("*") if p.suffix.lower() in SUFFIXES
    )
    n = complete = tables = unrec = printed = read = witnessed = 0
    ours = theirs = 0.0
    for p in files:
        t = time.perf_counter()
        try:
            doc = budgetkit.read(p)
            cov = doc.coverage()
        except BudgetkitError as exc:
            print(f"REFUSED {p.name}: {exc.reason if hasattr(exc, 'reason') else exc}")
            continue
        dt = time.perf_counter() - t
        pl = _plumber(p) if p.suffix.lower() == ".pdf" and not args.no_pdfplumber else None
        if pl is not None:
            ours += dt
            theirs += pl
        n += 1
        complete += cov.complete
        money = [x for x in cov.tables if x.known is None]
        tables += sum(1 for x in money if x.table)
        unrec += cov.unrecognised
        printed += cov.printed
        read += cov.read
        witnessed += cov.witnessed
        errs = sum(cov.errors.values())
        speed = f"{dt:5.2f}s" + (f" (pdfplumber {pl:5.2f}s)" if pl is not None else "")
        print(
            f"{'FULL' if cov.complete else '    '} {p.parent.name}/{p.name[:48]:48} "
            f"tables {sum(1 for x in money if x.table):2}/{len(money):2}  "
            f"read {cov.share_read():6.1%}  confirmed {cov.share_witnessed():6.1%}  "
            f"errors {errs:3}  {speed}"
        )
    print(
        f"\n{n} documents read ({len(files) - n} refused), {complete} fully read; "
        f"tables recognised {tables}/{tables + unrec}; amounts read {read}/{printed} "
        f"({read / max(printed, 1):.1%}), {witnessed} of them ({witnessed / max(read, 1):.1%}) "
        f"in an identity that holds"
    )
    if theirs:
        print(
            f"PDF read+check {ours:.1f}s vs pdfplumber extract_text {theirs:.1f}s: "
            f"ratio {ours / theirs:.2f} (target ≤ 0.50)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
