"""An ipywidgets explorer of one budget, for JupyterLab (the logic is plain functions).

    from budgetkit.present.explorer import Explorer
    Explorer("data").show()     # pick a document, drill 类 → 款 → 项, 万元 / %, see the rows

The pure parts are testable without a kernel:

- `documents(folder)`: the disclosures in a folder (.txt, .pdf), by name;
- `drill(doc, parent, table)`: the children of a function code (the top rows when `parent` is
  None), with amount, share of the whole table, and where each row was printed;
- `trail(doc, code, table)`: the breadcrumb 类 → 款 → 项 of a code, as (code, name) pairs;
- `rows_behind(doc, code)`: every figure of that code in every table, with file/page/line;
- `path(parent)`: the ancestors of a code by its digits (when the table does not print them).

Widgets need a live kernel; run headless (papermill, nbconvert) they show as static text,
so notebooks also display `static_view(...)`, an Altair chart + table that exports to HTML.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from ..analysis import structure

TABLES = {
    "expenditure": "部门支出总体情况表（全部资金）",
    "gpb_expenditure": "一般公共预算支出情况表",
}
UNITS = ("万元", "占比 %")
#: the explorer's unit → the value of the chart's 显示 switch (charts.share_bars)
_CHART_UNIT = {"万元": "万元", "占比 %": "占比", "占比": "占比"}
TOP = "全部类"


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


def _rows(doc, table: str) -> pd.DataFrame:
    return structure.by_function(doc, table=table)


def _is_top(rows: pd.DataFrame) -> pd.Series:
    """Rows with no parent printed in the table: the 类, or the 项 of a table printing only
    7-digit codes (北京, 泉州) — there the top of the drill-down is what is printed."""
    return ~rows["parent"].isin(set(rows["code"]))


def drill(doc, parent: str | None = None, table: str = "expenditure") -> pd.DataFrame:
    """Children of `parent` (the top rows when None): code, name, amount, basic, project,
    share of the table's total (`share`, float; `pct`, display %), and file/page/line."""
    rows = _rows(doc, table)
    top = rows[_is_top(rows)]
    kids = top if parent is None else rows[rows["parent"] == parent]
    total = sum((v for v in top["amount"] if v is not None), structure.ZERO)
    out = kids.drop(columns=["share", "pct"]).copy()
    out["share"] = [
        float(v / total) if total and v is not None else float("nan") for v in out["amount"]
    ]
    out["pct"] = [
        (v * 100 / total).quantize(structure.CENT) if total and v is not None else None
        for v in out["amount"]
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


def trail(doc, code: str | None, table: str = "expenditure") -> list[tuple[str, str]]:
    """(code, name) of `code` and its ancestors printed in the table, top first: what the
    breadcrumb shows. Empty for the top (None) or a code the table does not print."""
    rows = _rows(doc, table)
    by_code = {r.code: r for r in rows.itertuples(index=False)}
    out: list[tuple[str, str]] = []
    while code in by_code and len(out) < len(by_code):
        r = by_code[code]
        out.append((r.code, str(r.name)))
        code = r.parent if isinstance(r.parent, str) else None
    return out[::-1]


def has_children(doc, code: str, table: str = "expenditure") -> bool:
    """Whether the table prints rows below `code` (a 类 or 款 with its 款/项)."""
    return bool((_rows(doc, table)["parent"] == code).any())


def rows_behind(doc, code: str) -> pd.DataFrame:
    """Every figure printed for `code` in any table: table, name, measure, amount, printed,
    unit, file, page, line (the provenance a reader needs to find it in the source)."""
    a = doc.amounts
    hit = a[a["code"] == code]
    return hit[
        ["table", "code", "name", "measure", "amount", "printed", "unit", "file", "page", "line"]
    ].reset_index(drop=True)


def static_view(doc, parent: str | None = None, table: str = "expenditure", unit: str = "万元"):
    """(chart, rows): what the explorer shows for `parent` in `unit` (万元 or 占比), as a
    chart (its 显示 switch set to the unit; 占比 = share of the table's total, `drill`'s
    `share`) + DataFrame."""
    from . import charts

    kids = drill(doc, parent, table)
    name = TABLES.get(table, table)
    where = " → ".join(n for _, n in trail(doc, parent, table)) or TOP
    # 占比 is of the whole table, as in the 下级 list, not of the bars shown (at 款/项 level
    # those are one branch, and their shares of it would contradict the list)
    chart = charts.share_bars(
        kids,
        label="name",
        title=f"{name}：{where}",
        detail="code",
        share="share",
        shown=_CHART_UNIT.get(unit, unit),
    )
    return chart, kids


def _svg(chart) -> str:
    """The chart as SVG text (vl-convert, no JS): an Output widget then shows it as is.

    Inside an ipywidgets Output the offline renderer's script output would be re-sent with
    every redraw (and nbclient stalls on it headless); SVG is small and needs nothing.
    """
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


class Explorer:
    """Pick a document, drill down the function hierarchy, switch 万元 / %, see the rows.

    State (`document`, `table`, `unit`, `parent`) lives here; the widgets only show it and
    change it, so every control acts through `refresh()`. After `widget()`, the controls are
    in `self.controls` (pick, table, unit, crumbs, children, out, behind) and the chart last
    drawn in `self.chart` / `self.svg`.
    """

    def __init__(self, folder: str | Path, document: str | Path | None = None):
        self.root = Path(folder)
        self.files = documents(folder)
        self.document = str(document or (self.files[0] if self.files else ""))
        self.parent: str | None = None
        self.table = "expenditure"
        self.unit = UNITS[0]
        self.controls: Any = None
        self.chart: Any = None
        self.svg = ""
        self._widget: Any = None
        self._quiet = False

    # state ---------------------------------------------------------------------------------
    @property
    def doc(self):
        return _read(self.document)

    def view(self) -> pd.DataFrame:
        return drill(self.doc, self.parent, self.table)

    def down(self, code: str) -> bool:
        """Make `code` the parent if the table prints rows below it; whether it did."""
        if has_children(self.doc, code, self.table):
            self.parent = code
            return True
        return False

    def up(self) -> None:
        crumbs = trail(self.doc, self.parent, self.table)
        self.parent = crumbs[-2][0] if len(crumbs) > 1 else None

    def _go_up(self) -> None:
        self.up()
        self.refresh()

    def crumbs(self) -> list[tuple[str | None, str]]:
        """The breadcrumb as (code, name) pairs, starting at (None, 全部类)."""
        return [(None, TOP), *trail(self.doc, self.parent, self.table)]

    def _label(self, path: str) -> str:
        p = Path(path)
        try:
            return str(p.relative_to(self.root))
        except ValueError:
            return p.name

    # widgets -------------------------------------------------------------------------------
    def widget(self):
        import ipywidgets as w

        files = [str(p) for p in self.files] or [self.document]
        if self.document not in files:
            files.insert(0, self.document)
        pick = w.Dropdown(
            options=[(self._label(f), f) for f in files],
            value=self.document,
            description="文件",
            layout=w.Layout(width="95%"),
        )
        table = w.ToggleButtons(
            options=[(v, k) for k, v in TABLES.items()],
            value=self.table,
            style={"button_width": "auto"},  # the full table names, not cut
        )
        unit = w.ToggleButtons(options=list(UNITS), value=self.unit, description="单位")
        crumbs = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        children = w.Select(
            options=[], value=None, rows=8, description="下级", layout=w.Layout(width="95%")
        )
        out = w.Output()
        behind = w.Output()
        self.controls = SimpleNamespace(
            pick=pick,
            table=table,
            unit=unit,
            crumbs=crumbs,
            children=children,
            out=out,
            behind=behind,
        )

        def on_file(change):
            if self._quiet:
                return
            self.document, self.parent = change["new"], None  # a new file starts at the top
            behind.clear_output()
            self.refresh()

        def on_table(change):
            if self._quiet:
                return
            self.table = change["new"]
            if self.parent and not self._safe(lambda: trail(self.doc, self.parent, self.table)):
                self.parent = None  # the other table does not print this code
            self.refresh()

        def on_unit(change):
            if self._quiet:
                return
            self.unit = change["new"]
            self.refresh()

        def on_pick(change):
            code = change["new"]
            if self._quiet or not code:
                return
            behind.clear_output()
            with behind:
                from IPython.display import display

                display(self._behind(code))
            if self.down(code):
                self.refresh()

        pick.observe(on_file, names="value")
        table.observe(on_table, names="value")
        unit.observe(on_unit, names="value")
        children.observe(on_pick, names="value")
        self.refresh()
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

    def _safe(self, f):
        try:
            return f()
        except Exception:  # an unreadable file: refresh() says so
            return None

    def refresh(self) -> None:
        """Redraw breadcrumb, 下级 list and chart from the state."""
        import ipywidgets as w
        from IPython.display import HTML, SVG, display

        c = self.controls
        self._quiet = True  # setting the list is not the reader picking from it
        try:
            c.pick.value, c.table.value, c.unit.value = self.document, self.table, self.unit
            try:
                kids = self.view()
                error = None
            except Exception as exc:  # a file budgetkit cannot read: say so, keep the widget
                kids, error = None, f"无法读取 {self._label(self.document)}：{exc}"
            c.children.index = None
            c.children.options = (
                []
                if kids is None
                else [
                    (f"{r.code} {r.name}  {self._fmt(r)}", r.code)
                    for r in kids.itertuples(index=False)
                ]
            )
        finally:
            self._quiet = False

        up = w.Button(description="↑ 上一级", disabled=self.parent is None)
        up.on_click(lambda _: self._go_up())
        parts: list[Any] = [up]
        trail_ = self.crumbs() if error is None else [(None, TOP)]
        for i, (code, name) in enumerate(trail_):
            if i:
                parts.append(w.Label("→"))
            b = w.Button(
                description=name,
                tooltip=code or TOP,
                disabled=i == len(trail_) - 1,  # where we are
                layout=w.Layout(width="auto"),
            )
            b.on_click(lambda _, code=code: self._jump(code))
            parts.append(b)
        c.crumbs.children = parts

        c.out.clear_output()
        with c.out:
            if error is not None:
                self.chart, self.svg = None, ""
                display(HTML(f"<p style='color:#b00'>{escape(error)}</p>"))
            else:
                self.chart, _ = static_view(self.doc, self.parent, self.table, self.unit)
                self.svg = _svg(self.chart)
                display(SVG(self.svg))

    def _behind(self, code: str):
        """The rows behind `code` as a table with Chinese headers (show.table escapes)."""
        from . import show

        rows = rows_behind(self.doc, code)
        names = ", ".join(dict.fromkeys(str(n) for n in rows["name"]))
        return show.table(
            rows,
            ["table", "measure", "printed", "unit", "amount", "file", "page", "line"],
            labels={"amount": "万元"},
            note=f"{code} {names}",
        )

    def _jump(self, code: str | None) -> None:
        self.parent = code
        self.refresh()

    def _fmt(self, r) -> str:
        if self.unit == UNITS[0]:
            return f"{r.amount} 万元"
        return f"{r.pct}%"

    def show(self):
        from IPython.display import display

        display(self.widget())
