"""An ipywidgets explorer of one budget, for JupyterLab (the logic is plain functions).

    from budgetkit.present.explorer import Explorer
    Explorer("data").show()     # pick a document, drill 类 → 款 → 项, 万元 / %, see the rows

The pure parts are testable without a kernel:

- `documents(folder)`: the disclosures in a folder (.txt, .pdf), by name;
- `drill(doc, parent, table)`: the children of a function code (类 when `parent` is None),
  with amount, share of the whole table, and where each row was printed;
- `rows_behind(doc, code)`: every figure of that code in every table, with file/page/line;
- `path(parent)`: the breadcrumb 类 → 款 → 项 of a code.

Widgets need a live kernel; run headless (papermill, nbconvert) they show as static text,
so notebooks also display `static_view(...)`, an Altair chart + table that exports to HTML.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import structure

TABLES = {
    "expenditure": "部门支出总体情况表（全部资金）",
    "gpb_expenditure": "一般公共预算支出情况表",
}
UNITS = ("万元", "占比 %")


def documents(folder: str | Path) -> list[Path]:
    """Disclosure files (.txt, .pdf) under `folder`, sorted by name."""
    root = Path(folder)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in (".txt", ".pdf"))


@lru_cache(maxsize=32)
def _read(path: str):
    import budgetkit

    return budgetkit.read(path)


def path(code: str | None) -> list[str]:
    """Ancestors of a code, top first: '2010302' → ['201', '20103', '2010302']."""
    if not code:
        return []
    return [code[:n] for n in (3, 5, 7) if len(code) >= n]


def drill(doc, parent: str | None = None, table: str = "expenditure") -> pd.DataFrame:
    """Children of `parent` (类 rows when None): code, name, amount, basic, project, share of
    the table's total (`share`, float; `pct`, display %), and file/page/line."""
    rows = structure.by_function(doc, table=table)
    kids = rows[rows["level"] == 1] if parent is None else rows[rows["parent"] == parent]
    top = rows[rows["level"] == 1]
    total = sum((v for v in top["amount"] if v is not None), structure.ZERO)
    out = kids.drop(columns=["share", "pct"]).copy()
    out["share"] = [float(v / total) if total else float("nan") for v in out["amount"]]
    out["pct"] = [
        (v * 100 / total).quantize(structure.CENT) if total else None for v in out["amount"]
    ]
    keep = [
        "code",
        "层级",
        "name",
        "amount",
        "basic",
        "project",
        "share",
        "pct",
        "file",
        "page",
        "line",
    ]
    return out[[c for c in keep if c in out]].reset_index(drop=True)


def rows_behind(doc, code: str) -> pd.DataFrame:
    """Every figure printed for `code` in any table: table, name, measure, amount, printed,
    unit, file, page, line (the provenance a reader needs to find it in the source)."""
    a = doc.amounts
    hit = a[a["code"] == code]
    return hit[
        ["table", "code", "name", "measure", "amount", "printed", "unit", "file", "page", "line"]
    ].reset_index(drop=True)


def static_view(doc, parent: str | None = None, table: str = "expenditure", unit: str = "万元"):
    """(chart, rows): what the explorer shows for `parent`, as an Altair chart + DataFrame."""
    from . import charts

    kids = drill(doc, parent, table)
    name = TABLES.get(table, table)
    where = " → ".join(path(parent)) or "全部类"
    chart = charts.share_bars(kids, label="name", title=f"{name}：{where}", detail="code")
    return chart, kids


def _svg(chart) -> str:
    """The chart as SVG text (vl-convert, no JS): an Output widget then shows it as is.

    Inside an ipywidgets Output the offline renderer's script output would be re-sent with
    every redraw (and nbclient stalls on it headless); SVG is small and needs nothing.
    """
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


class Explorer:
    """Pick a document, drill down the function hierarchy, switch 万元 / %, see the rows."""

    def __init__(self, folder: str | Path, document: str | Path | None = None):
        self.files = documents(folder)
        self.document = str(document or (self.files[0] if self.files else ""))
        self.parent: str | None = None
        self.table = "expenditure"
        self.unit = UNITS[0]
        self._widget: Any = None

    # state ---------------------------------------------------------------------------------
    @property
    def doc(self):
        return _read(self.document)

    def view(self) -> pd.DataFrame:
        return drill(self.doc, self.parent, self.table)

    def down(self, code: str) -> None:
        if len(code) < 7:
            self.parent = code

    def up(self) -> None:
        trail = path(self.parent)
        self.parent = trail[-2] if len(trail) > 1 else None

    # widgets -------------------------------------------------------------------------------
    def widget(self):
        import ipywidgets as w

        pick = w.Dropdown(
            options=[(p.name, str(p)) for p in self.files] or [(self.document, self.document)],
            value=self.document,
            description="文件",
            layout=w.Layout(width="95%"),
        )
        table = w.ToggleButtons(options=[(v, k) for k, v in TABLES.items()], value=self.table)
        unit = w.ToggleButtons(options=list(UNITS), value=self.unit, description="单位")
        crumbs = w.HBox()
        children = w.Select(rows=8, description="下级", layout=w.Layout(width="95%"))
        out = w.Output()
        behind = w.Output()

        def refresh(*_):
            self.document, self.table, self.unit = pick.value, table.value, unit.value
            kids = self.view()
            up = w.Button(description="↑ 上一级", disabled=self.parent is None)
            up.on_click(lambda _: (self.up(), refresh()))
            crumbs.children = [up, w.Label(" → ".join(path(self.parent)) or "全部类（类）")]
            opts = [
                (f"{r.code} {r.name}  {self._fmt(r)}", r.code) for r in kids.itertuples(index=False)
            ]
            children.unobserve_all()
            children.options = opts
            children.value = None
            children.observe(on_pick, names="value")
            out.clear_output()
            with out:
                from IPython.display import SVG, display

                chart, _ = static_view(self.doc, self.parent, self.table)
                display(SVG(_svg(chart)))
            behind.clear_output()

        def on_pick(change):
            code = change["new"]
            if not code:
                return
            behind.clear_output()
            with behind:
                from IPython.display import display

                display(rows_behind(self.doc, code))
            if len(code) < 7:
                self.down(code)
                refresh()

        for c in (pick, table, unit):
            c.observe(lambda _: refresh(), names="value")
        pick.observe(lambda _: setattr(self, "parent", None), names="value")
        refresh()
        self._widget = w.VBox(
            [
                pick,
                table,
                unit,
                crumbs,
                children,
                out,
                w.HTML("<b>所选科目的原始数据（出处）</b>"),
                behind,
            ]
        )
        return self._widget

    def _fmt(self, r) -> str:
        if self.unit == UNITS[0]:
            return f"{r.amount} 万元"
        return f"{r.pct}%"

    def show(self):
        from IPython.display import display

        display(self.widget())
