"""Excel workbook of one or more documents (`budgetkit export PATH... --xlsx FILE`).

Sheets, with Chinese headers:
- 概要: one row per document: department, year, kind, unit, the headline figures and their
  warnings, and the number of findings by severity;
- one sheet per canonical table (in catalogue order, titled by the catalogue's name): a row
  per printed row with its document, code, 类/款/项, name, one column per measure in 万元
  and where it was printed (page, line);
- 审核发现: every finding (rule, severity, table, message, expected, actual, place);
- 来源: every figure, long, with the cell as printed, its unit, file, page and line.

Amounts are numbers in 万元, shown with the precision they were printed with (a column of
元 amounts keeps its six decimals in 万元; 万元 amounts two). A value a float cannot hold
exactly (more than 15 significant digits) is written as exact text instead. Every string
is written as a string: text from documents never becomes a formula or a link. The file is
written atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..catalog import catalog
from ..catalog.fields import fields
from ..money import fmt_wan
from .atomic import write_atomically

MAX_ROWS = 1_048_576  # rows of an Excel sheet, header included
MAX_TEXT = 32_767  # characters of an Excel cell
MAX_DECIMALS = 10

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
LEVEL_ZH = {1: "类", 2: "款", 3: "项"}
KIND_ZH = {"budget": "预算", "final": "决算"}
SCOPE_ZH = {"department": "部门", "unit": "单位"}
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _side_zh(side: str | None) -> str | None:
    if not side:
        return None
    base, _, n = side.partition("#")
    zh = {"income": "收入", "expenditure": "支出"}.get(base, base)
    return f"{zh}{n}" if n else zh


def _decimals(v: Decimal) -> int:
    exp = v.as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -exp)) if isinstance(exp, int) else 0


class _Sheet:
    """One logical sheet: a header and rows, continued on a new sheet past Excel's limit."""

    def __init__(self, book, name: str, header: Sequence[str], widths: Sequence[int]):
        self.book, self.name, self.header, self.widths = book, name, list(header), widths
        self.part = 0
        self.row = MAX_ROWS  # forces a first sheet
        self.ws: Any = None  # the current xlsxwriter worksheet (untyped library)

    def _new(self) -> None:
        self.part += 1
        name = self.name if self.part == 1 else f"{self.name[:26]}（续{self.part}）"
        self.ws = self.book.add_worksheet(_unique(self.book, name))
        bold = self.book.bk_formats["header"]
        for j, (h, w) in enumerate(zip(self.header, self.widths, strict=True)):
            self.ws.set_column(j, j, w)
            self.ws.write_string(0, j, h, bold)
        self.ws.freeze_panes(1, 0)
        self.row = 1

    def add(self, values: Sequence[Any], formats: Sequence[Any] | None = None) -> None:
        if self.row >= MAX_ROWS:
            self._new()
        for j, v in enumerate(values):
            _write(self.ws, self.row, j, v, formats[j] if formats else None, self.book)
        self.row += 1


def _unique(book, name: str) -> str:
    name = name.translate(_BAD_SHEET_CHARS).strip("'")[:31] or "Sheet"
    taken = {ws.get_name() for ws in book.worksheets()}
    base, k = name, 2
    while name in taken:
        name = f"{base[:28]}_{k}"
        k += 1
    return name


def _write(ws, row: int, col: int, v: Any, fmt, book) -> None:
    if v is None or (isinstance(v, float) and v != v):
        return
    if isinstance(v, Decimal):
        f = float(v)
        if Decimal(repr(f)) == v.normalize():
            ws.write_number(row, col, f, fmt)
        else:  # a float would round it: keep it exact, as text
            ws.write_string(row, col, fmt_wan(v) or "", book.bk_formats["exact"])
    elif isinstance(v, bool):
        ws.write_boolean(row, col, v)
    elif isinstance(v, int):
        ws.write_number(row, col, v)
    else:
        s = str(v)
        ws.write_string(row, col, s if len(s) <= MAX_TEXT else s[: MAX_TEXT - 1] + "…")


class _Formats:
    """Cell formats, made once per workbook: amounts by number of decimals."""

    def __init__(self, book) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        self.exact = book.add_format({"align": "right"})
        self._amounts: dict[int, Any] = {}

    def __getitem__(self, key: str):
        return getattr(self, key)

    def amount(self, decimals: int):
        if decimals not in self._amounts:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._amounts[decimals] = self.book.add_format({"num_format": pattern})
        return self._amounts[decimals]


def _doc_labels(doc) -> list[Any]:
    m = doc.meta
    return [m.source, m.department, m.year]


def _summary_sheet(book, docs: Sequence) -> None:
    figs = fields().figures
    header = ["文件", "部门", "年度", "类别", "范围", "表格单位"]
    header += [f"{f.zh}（万元）" for f in figs.values()]
    header += ["提示", "错误", "警告", "提示（info）"]
    widths = [40, 30, 6, 6, 6, 8] + [16] * len(figs) + [60, 6, 6, 10]
    sheet = _Sheet(book, "概要", header, widths)
    for doc in docs:
        m = doc.meta
        by_key = {f.key: f for f in doc.figures()}
        values = [
            m.source, m.department, m.year, KIND_ZH.get(m.kind, m.kind),
            SCOPE_ZH.get(m.scope, m.scope), m.unit_as_printed,
        ]  # fmt: skip
        formats: list[Any] = [None] * len(values)
        for key in figs:
            v = by_key[key].value if key in by_key else None
            values.append(v)
            formats.append(book.bk_formats.amount(_decimals(v)) if v is not None else None)
        warnings = doc.summary()["warnings"]
        values.append("；".join(f"{figs[w['figure']].zh}: {w['reason']}" for w in warnings) or None)
        found = doc.findings()
        values += [sum(f.severity == s for f in found) for s in ("error", "warning", "info")]
        formats += [None] * 4
        sheet.add(values, formats)


def _table_rows(doc, table: str) -> list[dict]:
    """The printed rows of one table of a document, measures by id (as `Document.table`, with
    the budget unit a row belongs to)."""
    rows: dict[tuple, dict] = {}
    for a in doc.parsed.amounts:
        if a.table != table:
            continue
        r = rows.setdefault(
            (a.side or "", a.row),
            {
                "org": getattr(a, "org", None),
                "side": a.side,
                "code": a.code,
                "level": a.level,
                "name": a.name,
                "unit": a.unit,
                "page": a.line.page,
                "line": a.line.lineno,
                "values": {},
            },
        )
        r["values"][a.measure] = a.value
    return list(rows.values())


def _table_sheets(book, docs: Sequence) -> None:
    cat = catalog()
    for tid, spec in cat.tables.items():
        per_doc = [(doc, _table_rows(doc, tid)) for doc in docs]
        per_doc = [(d, rows) for d, rows in per_doc if rows]
        if not per_doc:
            continue
        present = {m for _, rows in per_doc for r in rows for m in r["values"]}
        measures = [m for m in spec.measures if m in present] + sorted(present - set(spec.measures))
        has_org = any(r["org"] for _, rows in per_doc for r in rows)
        head = ["文件", "部门", "年度"] + (["预算单位"] if has_org else [])
        head += (["收支方"] if spec.two_sided else []) + ["科目编码", "级次", "名称"]
        lead = len(head)
        head += [f"{cat.measure_label(m)}（万元）" for m in measures] + ["原单位", "页", "行"]
        widths = [30, 24, 6] + ([24] if has_org else []) + ([6] if spec.two_sided else [])
        widths += [10, 5, 36] + [16] * len(measures) + [7, 5, 5]
        sheet = _Sheet(book, spec.zh, head, widths)
        for doc, rows in per_doc:
            # the document's printed precision, per column (元 tables keep 6 decimals in 万元)
            places = {
                m: max((_decimals(r["values"][m]) for r in rows if m in r["values"]), default=2)
                for m in measures
            }
            formats = [None] * lead + [book.bk_formats.amount(max(2, places[m])) for m in measures]
            formats += [None] * 3
            for r in rows:
                values = _doc_labels(doc) + ([r["org"]] if has_org else [])
                values += [_side_zh(r["side"])] if spec.two_sided else []
                values += [r["code"], LEVEL_ZH.get(r["level"]), r["name"]]
                values += [r["values"].get(m) for m in measures]
                values += [r["unit"], r["page"], r["line"]]
                sheet.add(values, formats)


def _findings_sheet(book, docs: Sequence) -> None:
    cat = catalog()
    head = [
        "文件",
        "部门",
        "规则",
        "严重程度",
        "表",
        "科目编码",
        "说明",
        "应为",
        "实为",
        "页",
        "行",
    ]
    sheet = _Sheet(book, "审核发现", head, [30, 24, 30, 8, 18, 10, 80, 14, 14, 5, 5])
    for doc in docs:
        for f in doc.findings():
            table = cat.tables[f.table].zh if f.table in cat.tables else f.table
            sheet.add(
                [f.file, doc.meta.department, f.rule, SEVERITY_ZH.get(f.severity, f.severity),
                 table, f.code, f.message, f.expected, f.actual, f.page, f.line]
            )  # fmt: skip


def _provenance_sheet(book, docs: Sequence) -> None:
    cat = catalog()
    head = [
        "表",
        "收支方",
        "预算单位",
        "科目编码",
        "名称",
        "栏目",
        "金额（万元）",
        "原文",
        "原单位",
    ]
    head += ["文件", "页", "行"]
    widths = [18, 6, 20, 10, 36, 20, 16, 18, 7, 40, 5, 5]
    sheet = _Sheet(book, "来源", head, widths)
    for doc in docs:
        for a in doc.parsed.amounts:
            table = cat.tables[a.table].zh if a.table in cat.tables else a.table
            fmt = book.bk_formats.amount(max(2, _decimals(a.value)))
            sheet.add(
                [table, _side_zh(a.side), getattr(a, "org", None), a.code, a.name,
                 cat.measure_label(a.measure), a.value, a.printed, a.unit,
                 a.line.file or doc.meta.source, a.line.page, a.line.lineno],
                [None] * 6 + [fmt] + [None] * 5,
            )  # fmt: skip


def write_xlsx(docs: Iterable, path: str | Path) -> Path:
    """Write the documents' workbook to `path` atomically; returns `path`."""
    import xlsxwriter

    docs = list(docs)

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,  # document text is never a formula
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "constant_memory": True,  # rows go straight to disk: batches of any size
            },
        )
        book.bk_formats = _Formats(book)  # xlsxwriter's own `formats` is taken
        _summary_sheet(book, docs)
        _table_sheets(book, docs)
        _findings_sheet(book, docs)
        _provenance_sheet(book, docs)
        try:
            book.close()
        except xlsxwriter.exceptions.XlsxWriterException as exc:  # e.g. a full disk
            raise OSError(str(exc)) from exc

    return write_atomically(path, write)
