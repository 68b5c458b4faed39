"""Command line: the same powers as the library, for one file or many.

    budgetkit summary PATH [--json]       key figures (万元, exact)
    budgetkit check PATH [--json]         every identity; exit 1 on any error finding
    budgetkit amounts PATH [--format csv|json]   the long table of all amounts
    budgetkit parse PATH... --out DIR     CSV + Parquet + datapackage.json
    budgetkit report PATH... --out DIR    notebook reports (HTML) and an index

Exit status: 0 ok, 1 an error finding (check), 2 a file that cannot be read.
Heavy libraries (pandas, papermill, altair) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from dataclasses import asdict

from . import __version__
from .errors import BudgetkitError
from .money import fmt_wan

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


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

    doc = Document(_parse(args.path))
    out = doc.summary()
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    m = doc.meta
    print(
        f"{m.department}  {m.year} 年{'预算' if m.kind == 'budget' else '决算'}  (表格单位：{m.unit_as_printed})"
    )
    for key, spec in fields().figures.items():
        v = out[key]
        print(f"  {spec.zh:<12}{(v + ' 万元') if v is not None else '—':>20}")
    for w in out["warnings"]:
        print(f"  ! {fields().figures[w['figure']].zh}: {w['reason']}")
    return EXIT_OK


def cmd_check(args) -> int:
    from .check import run_checks

    parsed = _parse(args.path)
    found = run_checks(parsed)
    if args.json:
        print(
            json.dumps(
                {
                    "document": _meta_json(parsed.meta),
                    "findings": [{**asdict(f), "location": f.location} for f in found],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        counts = {s: sum(f.severity == s for f in found) for s in ("error", "warning", "info")}
        print(
            f"{parsed.meta.source}: {counts['error']} error, {counts['warning']} warning, {counts['info']} info"
        )
        for f in found:
            print(f"  [{f.severity}] {f.rule}  {f.message}  ({f.location})")
    return EXIT_FINDINGS if any(f.severity == "error" for f in found) else EXIT_OK


def cmd_amounts(args) -> int:
    from .document import Document

    df = Document(_parse(args.path)).amounts
    rows = [
        {k: ("" if _missing(v) else fmt_wan(v) if k == "amount" else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return EXIT_OK
    w = csv.DictWriter(sys.stdout, fieldnames=list(df.columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return EXIT_OK


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "nan")


def cmd_parse(args) -> int:
    from .document import Document
    from .store import write

    docs, status = [], EXIT_OK
    for path in args.paths:
        try:
            docs.append(Document(_parse(path)))
        except BudgetkitError as exc:
            print(f"budgetkit: {exc}", file=sys.stderr)
            status = EXIT_UNREADABLE
    if docs:
        pkg = write(docs, args.out)
        print(f"wrote {len(docs)} document(s) to {pkg.parent} ({pkg.name})")
    return status


def cmd_report(args) -> int:
    from .report import print_progress, run_reports

    notebooks = [n.strip() for n in args.notebooks.split(",") if n.strip()]
    paths = [p for p in args.paths if os.path.isfile(p)]
    for p in sorted(set(args.paths) - set(paths)):  # the rest of the batch still runs
        print(f"budgetkit: {p}: no such file", file=sys.stderr)
    if not paths:
        return EXIT_UNREADABLE
    result = run_reports(
        paths,
        args.out,
        notebooks,
        jobs=args.jobs,
        force=args.force,
        progress=print_progress,
        reuse_kernel=not args.fresh_kernels,
    )
    print(result.summary())
    return EXIT_UNREADABLE if len(paths) < len(args.paths) else result.exit_code


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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="budgetkit",
        description="Read, check and report Chinese budget disclosures (部门预算公开).",
    )
    p.add_argument("--version", action="version", version=f"budgetkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summary", help="key figures of a disclosure (万元, exact)")
    s.add_argument("path")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_summary)
    c = sub.add_parser("check", help="check every identity; exit 1 when any finding is an error")
    c.add_argument("path")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_check)
    a = sub.add_parser("amounts", help="the long table of every amount (万元) with provenance")
    a.add_argument("path")
    a.add_argument("--format", choices=("csv", "json"), default="csv")
    a.set_defaults(func=cmd_amounts)
    w = sub.add_parser("parse", help="write canonical tables as CSV + Parquet + datapackage.json")
    w.add_argument("paths", nargs="+", metavar="PATH")
    w.add_argument("--out", required=True, metavar="DIR")
    w.set_defaults(func=cmd_parse)
    r = sub.add_parser("report", help="run the analysis notebooks and write HTML reports + index")
    r.add_argument("paths", nargs="+", metavar="PATH")
    r.add_argument("--out", required=True, metavar="DIR")
    r.add_argument("--notebooks", default="structure,trend,performance")
    r.add_argument("--jobs", type=int, default=1)
    r.add_argument("--force", action="store_true", help="redo reports that are up to date")
    r.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a new kernel for every report (default: each job reuses one, namespace reset)",
    )
    r.set_defaults(func=cmd_report)
    n = sub.add_parser(
        "inspect",
        help="coverage self-check: template, tables and columns recognised, amounts read and "
        "confirmed by an identity",
    )
    n.add_argument("path")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=cmd_inspect)
    k = sub.add_parser("rules", help="the rule catalogue: every finding's id, severity and meaning")
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
        print(f"budgetkit: {exc}", file=sys.stderr)
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
            f"budgetkit: {path}: internal error ({type(exc).__name__}: {exc}); "
            "rerun with BUDGETKIT_DEBUG=1 and report it",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
