"""Command line: the same powers as the library, for one file or many.

Size: one small function and one argparse parser per subcommand; each calls the library.

    budgetkit summary PATH... [--json]      key figures (万元, exact), one document after another
    budgetkit check PATH... [--json] [--min-severity S]   every identity; exit 1 on an error
    budgetkit amounts PATH [--format csv|json] [--output FILE]   the long table of all amounts
    budgetkit export PATH... --xlsx FILE    an Excel workbook: tables, findings, provenance
    budgetkit parse PATH... --out DIR [--jobs N]   CSV + Parquet + datapackage.json
    budgetkit corpus build PATH... --out DIR       every document as one dataset (Parquet + DuckDB)
    budgetkit corpus query DIR "SQL"               SQL over a corpus
    budgetkit report PATH... --out DIR      notebook reports (HTML) and an index
    budgetkit report --corpus DIR [--out OUT]      the same for a corpus, plus comparisons

Exit status: 0 ok, 1 an error finding (check), 2 a file that cannot be read or written; with
several documents, the worst of them (each bad file is reported and the others still run).
Heavy libraries (pandas, papermill, altair) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import unicodedata
from dataclasses import asdict

from . import __version__
from .errors import BudgetkitError
from .money import fmt_wan

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
SEVERITIES = ("info", "warning", "error")  # in increasing order


def shown(text: object) -> str:
    """Text from a file name or a document made safe for one terminal line: control, format
    (bidi, zero-width) and line-separator characters are printed as escapes (\\n, \\u202e),
    so a name cannot break the line, reorder it or hide characters."""
    out = []
    for c in str(text):
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(c.encode("unicode_escape").decode("ascii"))
        else:
            out.append(c)
    return "".join(out)


def _error_line(path: str, exc: BaseException) -> str:
    """`budgetkit: <file>: <reason>` on one line (the reason names the file only once)."""
    msg = str(exc)
    if not msg.startswith(str(path)):
        msg = f"{path}: {msg}"
    return f"budgetkit: {shown(msg)}"


def each_document(paths: list[str], run) -> int:
    """`run(path) -> exit status` for every path, in order; an unreadable file is reported on
    stderr and the others still run. Returns the worst exit status."""
    status = EXIT_OK
    for path in paths:
        try:
            status = max(status, run(path))
        except BudgetkitError as exc:
            print(_error_line(path, exc), file=sys.stderr)
            status = EXIT_UNREADABLE
        except (BrokenPipeError, KeyboardInterrupt):
            raise
        except Exception as exc:  # one document's bug does not stop the batch
            if os.environ.get("BUDGETKIT_DEBUG"):
                raise
            print(
                _error_line(
                    path,
                    RuntimeError(
                        f"internal error ({type(exc).__name__}: {exc}); "
                        "rerun with BUDGETKIT_DEBUG=1 and report it"
                    ),
                ),
                file=sys.stderr,
            )
            status = EXIT_UNREADABLE
        sys.stdout.flush()
    return status


def _parse(path):
    from .document import parse

    return parse(path)


def _meta_json(meta) -> dict:
    return {
        "department": meta.department,
        "year": meta.year,
        "kind": meta.kind,
        "scope": meta.scope,
        "unit_as_printed": meta.unit_as_printed,
        "source": meta.source,
        "format": meta.format,
    }


def cmd_summary(args) -> int:
    from .catalog.fields import fields
    from .document import Document

    def one(path: str) -> int:
        doc = Document(_parse(path))
        out = doc.summary()
        if args.json:  # one JSON object per line (JSON Lines), naming its file
            print(json.dumps({"file": path, **out}, ensure_ascii=False))
            return EXIT_OK
        m = doc.meta
        kind = "预算" if m.kind == "budget" else "决算"
        print(shown(f"{path}: {m.department}  {m.year} 年{kind}  (表格单位：{m.unit_as_printed})"))
        for key, spec in fields().figures.items():
            v = out[key]
            print(f"  {spec.zh:<12}{(v + ' 万元') if v is not None else '—':>20}")
        for w in out["warnings"]:
            print(shown(f"  ! {fields().figures[w['figure']].zh}: {w['reason']}"))
        return EXIT_OK

    return each_document(args.paths, one)


def cmd_check(args) -> int:
    from .check import run_checks

    least = SEVERITIES.index(args.min_severity)

    def one(path: str) -> int:
        parsed = _parse(path)
        found = run_checks(parsed)
        listed = [f for f in found if SEVERITIES.index(f.severity) >= least]
        if args.json:  # one JSON object per line (JSON Lines)
            doc = {
                "document": _meta_json(parsed.meta),
                "findings": [{**asdict(f), "location": f.location} for f in listed],
            }
            print(json.dumps(doc, ensure_ascii=False))
        else:
            counts = {s: sum(f.severity == s for f in found) for s in ("error", "warning", "info")}
            print(
                shown(
                    f"{parsed.meta.source}: {counts['error']} error, {counts['warning']} warning, "
                    f"{counts['info']} info"
                )
            )
            for f in listed:
                print(shown(f"  [{f.severity}] {f.rule}  {f.message}  ({f.location})"))
        return EXIT_FINDINGS if any(f.severity == "error" for f in found) else EXIT_OK

    return each_document(args.paths, one)


def cmd_amounts(args) -> int:
    from .document import Document

    df = Document(_parse(args.path)).amounts
    rows = [
        {k: ("" if _missing(v) else fmt_wan(v) if k == "amount" else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(df.columns), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        text = buf.getvalue()
    if args.output:  # a file for people: written atomically, CSV with a BOM for Excel
        from .export import write_text_atomically

        write_text_atomically(args.output, text, bom=args.format == "csv")
    else:  # a stream for programs: no BOM
        sys.stdout.write(text)
    return EXIT_OK


def cmd_export(args) -> int:
    from .document import Document
    from .export import write_xlsx

    docs = []

    def one(path: str) -> int:
        docs.append(Document(_parse(path)))
        return EXIT_OK

    status = each_document(args.paths, one)
    if not docs:
        print("budgetkit: no document could be read; nothing written", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        write_xlsx(docs, args.xlsx)
    except BudgetkitError as exc:
        print(_error_line(args.xlsx, exc), file=sys.stderr)
        return EXIT_UNREADABLE
    print(shown(f"wrote {len(docs)} document(s) to {args.xlsx}"))
    return status


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "nan")


def cmd_parse(args) -> int:
    from .store.batch import parse_batch

    def progress(i, n, path, error):
        if error:
            print(f"budgetkit: {error}", file=sys.stderr)

    result = parse_batch(args.paths, args.out, jobs=args.jobs, progress=progress)
    for line in result.paired + result.notes:  # split publications read as one document
        print(shown(line), file=sys.stderr)
    if result.package:
        n = len(result.written)
        print(f"wrote {n} document(s) to {result.package.parent} ({result.package.name})")
    return EXIT_UNREADABLE if result.failed else EXIT_OK


def cmd_report(args) -> int:
    from .report import print_progress, run_reports

    notebooks = [n.strip() for n in (args.notebooks or "").split(",") if n.strip()] or None
    if bool(args.paths) == bool(args.corpus):
        print("budgetkit report: give documents (PATH...) or --corpus DIR", file=sys.stderr)
        return EXIT_UNREADABLE
    paths = [p for p in args.paths if os.path.isfile(p)]
    for p in sorted(set(args.paths) - set(paths)):  # the rest of the batch still runs
        print(f"budgetkit: {p}: no such file", file=sys.stderr)
    if args.paths and not paths:
        return EXIT_UNREADABLE
    from .corpus.scheduler import default_jobs

    result = run_reports(
        paths,
        args.out,
        notebooks,
        jobs=args.jobs or default_jobs(),
        force=args.force,
        progress=print_progress,
        reuse_kernel=not args.fresh_kernels,
        language=args.language,
        corpus=args.corpus,
        address=args.scheduler,
    )
    for line in result.notes:  # split publications read as one document
        print(shown(line), file=sys.stderr)
    print(result.summary())
    return EXIT_UNREADABLE if len(paths) < len(args.paths) else result.exit_code


def cmd_corpus_build(args) -> int:
    from .corpus import build

    tty = sys.stderr.isatty()
    last = [0.0]

    def progress(phase, i, n, path, error):
        import time

        if phase == "assemble":
            print(("\r" if tty else "") + "writing the dataset…", file=sys.stderr)
            return
        now = time.monotonic()
        if i == n or now - last[0] > (0.2 if tty else 5):
            last[0] = now
            end = "" if tty and i < n else "\n"
            print(f"\rread {i}/{n} document(s)", end=end, file=sys.stderr, flush=True)

    missing = [p for p in args.paths if not os.path.exists(p)]
    for p in missing:  # the rest still builds
        print(f"budgetkit: {p}: no such file or folder", file=sys.stderr)
    result = build(
        [p for p in args.paths if p not in missing],
        args.out,
        jobs=args.jobs,
        address=args.scheduler,
        progress=progress,
    )
    print(result.summary())
    for line in result.paired + result.notes:  # split publications read as one document
        print(shown(line), file=sys.stderr)
    for f in result.failed:
        print(f"budgetkit: {f['path']}: {f['reason']}", file=sys.stderr)
    return EXIT_UNREADABLE if missing or result.failed else EXIT_OK


def cmd_corpus_query(args) -> int:
    from .corpus import open as open_corpus
    from .corpus.output import print_frame

    with open_corpus(args.dir) as c:
        print_frame(c.sql(args.sql), args.format, sys.stdout)
    return EXIT_OK


def cmd_inspect(args) -> int:
    from .document import Document

    doc = Document(_parse(args.path))
    cov = doc.coverage()
    m = doc.meta
    if args.json:
        from dataclasses import asdict

        out = {
            "document": _meta_json(m),
            "template": cov.template,
            "template_evidence": list(cov.evidence),
            "publication": cov.publication,
            "tables": [asdict(t) for t in cov.tables],
            "printed": cov.printed,
            "read": cov.read,
            "witnessed": cov.witnessed,
            "stray": cov.stray,
            "errors": dict(cov.errors),
            "complete": cov.complete,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return EXIT_OK
    why = "; ".join(cov.evidence) or "no regional evidence"
    print(f"{m.source}: {m.department} {m.year} {m.kind} ({m.scope}, {cov.publication})")
    print(f"  template {cov.template} ({why})")
    for t in cov.tables:
        name = t.table or (f"[{t.known}]" if t.known else "UNRECOGNISED")
        pages = (
            f"p.{t.pages[0]}" + (f"-{t.pages[-1]}" if len(t.pages) > 1 else "") if t.pages else ""
        )
        print(f"  {name:<20} {pages:<9} {t.label} {t.title}  ({t.evidence})")
        if t.known is None and t.table is not None:
            print(f"      amounts {t.read}/{t.cells} read, {t.witnessed} in an identity that holds")
        for u in t.unmapped:
            print(f"      unmapped column: {u}")
    print(
        f"  printed {cov.printed} amounts, read {cov.read} ({cov.share_read():.1%}), "
        f"{cov.witnessed} ({cov.share_witnessed():.1%} of read) confirmed by an identity"
        + (f"; {cov.stray} in rows outside any table" if cov.stray else "")
    )
    if cov.errors:
        print("  errors: " + ", ".join(f"{k} ×{v}" for k, v in cov.errors.most_common()))
    print("  complete: every table recognised, column mapped, amount read, identity holding"
          if cov.complete else "  not complete")  # fmt: skip
    return EXIT_OK


def cmd_rules(args) -> int:
    from .catalog.rules import markdown_table, rules

    if args.markdown:
        print(markdown_table())
    elif args.json:
        print(
            json.dumps(
                [
                    {"id": r.id, "severity": r.severity, "rounding": r.rounding,
                     "description": r.description, "message": r.message}
                    for r in rules().values()
                ],
                ensure_ascii=False,
                indent=1,
            )
        )  # fmt: skip
    else:
        for r in rules().values():
            print(f"{r.id:<42}{r.severity:<9}{r.description}")
    return EXIT_OK


DESCRIPTIONS = {
    "summary": """Print the headline figures of each document (万元, exact): income and
expenditure totals, basic and project expenditure, fiscal and general-public-budget
appropriation, 三公. A figure that is derived rather than printed, or that an identity
contradicts, is listed under it with the reason (the `warnings` of --json).""",
    "check": """Check every identity each document must satisfy (totals, hierarchies,
cross-table agreement, narrative vs tables, staffing, performance weights) and list the
findings with their rule id, severity, message (quoting the table's title as printed) and
place. Exit status 1 when any finding is an error.""",
    "amounts": """Print every figure of the document's tables, one per row, in 万元 with the
cell as printed, its unit and where it is (file, page, line). --output writes a file
instead (atomically; CSV with a UTF-8 byte-order mark, which Excel needs to show Chinese);
standard output never gets one, so pipes and scripts read plain UTF-8.""",
    "export": """Write an Excel workbook (.xlsx) of the documents: a summary sheet, one
sheet per canonical table with Chinese headers and amounts as numbers in 万元 shown with
their printed precision, a sheet of findings and a sheet of every figure's provenance.
The file is written atomically; documents that cannot be read are reported and left out.""",
    "parse": """Write each document's canonical tables, amounts, statements, targets and
findings as CSV and Parquet, with a datapackage.json describing them; `budgetkit.load`
reads them back.""",
    "report": """Run the analysis notebooks (structure, trend, performance, and execution
for final accounts) with papermill for each document and write offline HTML reports, the
executed notebooks and an index.html. With --corpus DIR, the documents are those of a corpus
dataset: the index comes from the dataset, trend finds other years through the department
key, and compare runs once per region and year. One failing document or notebook never
stops the others.""",
    "inspect": """The coverage self-check of a document: which template was chosen and why,
every table and column recognised, how many printed amounts were read and how many an
identity that holds confirms.""",
    "rules": """The rule catalogue: every finding's rule id, severity and what must hold
(--markdown prints the README's table).""",
}
EPILOG = """exit status: 0 ok, 1 an error finding (check), 2 a file that cannot be read or
written; with several documents, the worst of them."""


def _sub(sub, name: str, help: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help,
        description=DESCRIPTIONS[name],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of jobs ≥ 1")
    return n


def _parallel_options(p, work: str) -> None:
    """--jobs and --scheduler: what runs `work` (local processes or a Dask cluster)."""
    p.add_argument("--jobs", type=_jobs, default=None, metavar="N", help="default: all cores")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help=f"run {work} on a Dask cluster (e.g. tcp://host:8786); see docs/scaling.md",
    )


def _corpus_parser(sub) -> None:
    c = sub.add_parser(
        "corpus",
        help="many documents as one dataset (Parquet + DuckDB): build it, query it",
        description="A corpus: every document under the given paths as one dataset.",
    )
    csub = c.add_subparsers(dest="corpus_command", required=True)
    b = csub.add_parser(
        "build",
        help="read every document (folders recursively) into DIR; only changed files are re-read",
        description="Build or update a corpus dataset: Parquet tables by year, corpus.duckdb, "
        "datapackage.json. Incremental, resumable, atomic (readers never see a half-built one).",
    )
    b.add_argument("paths", nargs="+", metavar="PATH")
    b.add_argument("--out", required=True, metavar="DIR")
    _parallel_options(b, "the reading")
    b.set_defaults(func=cmd_corpus_build)
    q = csub.add_parser(
        "query",
        help="run SQL over a corpus (tables: documents, amounts, findings, …)",
        description="Run one SQL query (DuckDB) over the corpus tables and print the result.",
    )
    q.add_argument("dir", metavar="DIR")
    q.add_argument("sql", metavar="SQL")
    q.add_argument("--format", choices=("csv", "json", "table"), default="table")
    q.set_defaults(func=cmd_corpus_query)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="budgetkit",
        description="Read, check and report Chinese budget disclosures (部门预算公开).",
        epilog=EPILOG,
    )
    p.add_argument("--version", action="version", version=f"budgetkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = _sub(sub, "summary", "key figures of disclosures (万元, exact)")
    s.add_argument("paths", nargs="+", metavar="PATH", help="text or PDF disclosures")
    s.add_argument(
        "--json", action="store_true", help="one JSON object per document and line (JSON Lines)"
    )
    s.set_defaults(func=cmd_summary)
    c = _sub(sub, "check", "check every identity; exit 1 when any finding is an error")
    c.add_argument("paths", nargs="+", metavar="PATH", help="text or PDF disclosures")
    c.add_argument(
        "--json", action="store_true", help="one JSON object per document and line (JSON Lines)"
    )
    c.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="info",
        help="list only findings at least this severe (default: all; the counts and the exit "
        "status still count every finding)",
    )
    c.set_defaults(func=cmd_check)
    a = _sub(sub, "amounts", "the long table of every amount (万元) with provenance")
    a.add_argument("path")
    a.add_argument("--format", choices=("csv", "json"), default="csv")
    a.add_argument(
        "-o", "--output", metavar="FILE", help="write FILE (CSV with a BOM for Excel) instead"
    )
    a.set_defaults(func=cmd_amounts)
    x = _sub(sub, "export", "an Excel workbook of documents: tables, findings, provenance")
    x.add_argument("paths", nargs="+", metavar="PATH", help="text or PDF disclosures")
    x.add_argument("--xlsx", required=True, metavar="FILE", help="the workbook to write")
    x.set_defaults(func=cmd_export)
    w = _sub(sub, "parse", "write canonical tables as CSV + Parquet + datapackage.json")
    w.add_argument("paths", nargs="+", metavar="PATH")
    w.add_argument("--out", required=True, metavar="DIR")
    w.add_argument(
        "--jobs", type=_jobs, default=1, metavar="N", help="documents read in parallel (default 1)"
    )
    w.set_defaults(func=cmd_parse)
    r = _sub(sub, "report", "run the analysis notebooks and write HTML reports + index")
    r.add_argument("paths", nargs="*", metavar="PATH")
    r.add_argument(
        "--corpus",
        metavar="DIR",
        help="report on every document of a corpus (`corpus build`), plus one comparison per "
        "region and year",
    )
    r.add_argument("--out", default="reports", metavar="DIR", help="default: reports")
    r.add_argument(
        "--notebooks",
        default=None,
        help="comma-separated (default: structure,trend,performance,execution, and compare "
        "with --corpus)",
    )
    _parallel_options(r, "the reports")
    r.add_argument("--force", action="store_true", help="redo reports that are up to date")
    r.add_argument(
        "--language",
        choices=("zh", "en", "both"),
        default="zh",
        help="language of the reports' tables, figures and findings (default zh)",
    )
    r.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a new kernel for every report (default: each job reuses one, namespace reset)",
    )
    r.set_defaults(func=cmd_report)
    n = _sub(
        sub,
        "inspect",
        "coverage self-check: template, tables and columns recognised, amounts read and "
        "confirmed by an identity",
    )
    n.add_argument("path")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=cmd_inspect)
    _corpus_parser(sub)
    k = _sub(sub, "rules", "the rule catalogue: every finding's id, severity and meaning")
    fmt = k.add_mutually_exclusive_group()
    fmt.add_argument("--markdown", action="store_true", help="the README's rule table")
    fmt.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_rules)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BudgetkitError as exc:
        print(f"budgetkit: {shown(exc)}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:  # reports already written stay (each is complete or absent)
        print("budgetkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user; BUDGETKIT_DEBUG=1 shows it
        if os.environ.get("BUDGETKIT_DEBUG"):
            raise
        path = getattr(args, "path", None) or ", ".join(getattr(args, "paths", []) or [])
        print(
            shown(
                f"budgetkit: {path}: internal error ({type(exc).__name__}: {exc}); "
                "rerun with BUDGETKIT_DEBUG=1 and report it"
            ),
            file=sys.stderr,
        )
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
