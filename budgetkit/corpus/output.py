"""Printing a query's result: CSV, JSON (exact decimals as strings) or an aligned table."""

from __future__ import annotations

import csv
import json
import math
from datetime import date, datetime
from decimal import Decimal

from ..money import fmt_wan


def _text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, Decimal):
        return fmt_wan(v) or ""  # never None: v is a Decimal
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _json(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, Decimal):
        return _text(v)  # exact: never through a float
    if isinstance(v, date | datetime):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def print_frame(df, fmt: str, out) -> None:
    cols = [str(c) for c in df.columns]
    rows = df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        w.writerows([_text(v) for v in r] for r in rows)
    elif fmt == "json":
        json.dump([dict(zip(cols, map(_json, r), strict=True)) for r in rows], out,
                  ensure_ascii=False, indent=1)  # fmt: skip
        out.write("\n")
    else:
        body = [[_text(v) for v in r] for r in rows]
        widths = [max([_width(c)] + [_width(r[i]) for r in body]) for i, c in enumerate(cols)]
        for line in [cols, ["-" * w for w in widths], *body]:
            out.write("  ".join(_pad(v, w) for v, w in zip(line, widths, strict=True)).rstrip())
            out.write("\n")
        out.write(f"({len(body)} row{'s' if len(body) != 1 else ''})\n")


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))
