"""A table's header rows → what each column means.

Headers are trees: a label spans the columns to its right up to the next column labelled in
its row or a row above. Each column's meaning comes from its path, top to bottom:

    本年收入 › 财政拨款 › 一般公共预算拨款      → gpb
    本年收入 › 小计                            → current (a generic total is its group's)
    上年结转结余 › 一般公共预算资金              → carryover.gpb (上年结转 qualifies below)
    2025年执行数 › 基本支出                     → prior_actual.basic (the year before)
    2026年预算数 › 年初预算数 › 小计             → total (the document's own figure)
    预算数 › 公务用车购置及运行费 › 小计 (决算)   → budget.total of item vehicle

Measures are those of tables.toml; qualifiers ("scopes") are atoms of columns.toml [scopes],
joined in a fixed order (prior_actual, carryover, change, …). A path that names nothing known
leaves the column unmapped: its figures are reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import catalog
from ..catalog.templates import Template
from ..layout import Block
from .labels import header_role, norm_label, vocab, year_of

ROW_ROLES = frozenset(
    {"code", "name", "project_name", "unit_name", "unit_code", "skip", "subset", "text"}
)
#: Roles of the columns that label a row (a header spanning one of them heads a side).
LABEL_ROLES = frozenset({"code", "name", "project_name", "unit_name", "unit_code"})
#: Measures that, as a group label above other measures, qualify them (上年结转 › 一般公共预算).
QUALIFYING_MEASURES = frozenset({"carryover"})


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    label: str  # the header path as printed, " › "-joined
    role: str | None  # a ROW_ROLES role, a (possibly scoped) measure, or None when unknown
    item: str | None = None  # the 三公 item a column prints (items as columns)

    @property
    def is_measure(self) -> bool:
        return self.role is not None and self.role not in ROW_ROLES


def _numbering(cells: tuple[str, ...]) -> bool:
    marks = ("※", "*", "＊", "**", "栏次", "行次")
    return all(c.replace(" ", "") in marks or c.isdigit() for c in cells if c)


def _spans(rows: list[list[str]], width: int) -> list[list[tuple[str, int, int]]]:
    """Per header row, its labels with the columns they span [start, end)."""
    labelled = [[bool(r[k]) if k < len(r) else False for k in range(width)] for r in rows]
    out: list[list[tuple[str, int, int]]] = []
    for ri, r in enumerate(rows):
        cells = (r + [""] * width)[:width]
        if len(r) == 1 and r[0]:
            out.append([(r[0], 0, width)])  # a table-wide label ("2026年预算数")
            continue
        row: list[tuple[str, int, int]] = []
        k = 0
        while k < width:
            if not cells[k]:
                k += 1
                continue
            m = k + 1
            while m < width and not any(labelled[rr][m] for rr in range(ri + 1)):
                m += 1
            row.append((cells[k], k, m))
            k = m
        out.append(row)
    return out


def _paths(rows: list[list[str]], width: int, table: str, tpl: Template) -> list[list[str]]:
    """Header labels covering each column, top to bottom. A label spanning a row-label
    column as well as value columns (收入 over 项目 | 预算数) heads a side, not a measure: it
    is left out of the value columns' paths."""
    spans = _spans(rows, width)
    spec = catalog().tables.get(table)
    # in a two-sided summary every label over a row-label column heads a side (收入, 本年收入);
    # elsewhere a measure over one heads a panel of its own (人员经费 | 公用经费)
    measures = {} if spec is not None and spec.two_sided else catalog().measures
    own: dict[int, str] = {}  # column → its lowest label that starts there
    for row in spans:
        for label, a, _b in row:
            own[a] = label
    row_cols = {j for j, lab in own.items() if header_role(table, lab, tpl) in LABEL_ROLES}
    paths: list[list[str]] = [[] for _ in range(width)]
    for row in spans:
        for label, a, b in row:
            side = (
                b - a > 1
                and any(j in row_cols for j in range(a, b))
                and header_role(table, label, tpl) not in measures  # 人员经费 heads a panel
            )
            for j in range(a, b):
                if side and j not in row_cols:
                    continue
                paths[j].append(label)
    return paths


def _scope_string(atoms: list[str], kind: str, tpl: Template) -> str | None:
    v = vocab(tpl)
    drop = v.scope_drop.get(kind, {})
    kept = []
    for a in atoms:
        a = drop.get(a, a)
        if a and a not in kept:
            kept.append(a)
    if any(a not in v.scope_order for a in kept):
        return None
    kept.sort(key=v.scope_order.index)
    return "_".join(kept)


def resolve(path: list[str], table: str, tpl: Template, *, kind: str, year: int | None):
    """(role, item) of a header path (see module doc); role None when unknown."""
    measures = catalog().measures
    groups = vocab(tpl).groups.get(table, {})
    atoms: list[str] = []
    item = None
    prefix = ""
    roles: list[str | None] = []
    for label in path:
        y, rest = year_of(label)
        if y is not None and year is not None:
            if y == year - 1:
                atoms.append(vocab(tpl).years.get("previous", "prior"))
            elif y != year:
                return None, None  # another year's figures: not read
            label = rest
            if not label:
                roles.append("total")
                continue
        if norm_label(label) in groups:
            prefix = groups[norm_label(label)]
            roles.append(None)
            continue
        role = header_role(table, label, tpl, kind)
        if role and role.startswith("scope:"):
            atoms.append(role[6:])
            roles.append("total")
            continue
        if role and role.startswith("item:"):
            item = role[5:]
            roles.append("total")
            continue
        roles.append(role)
    leaf = roles[-1] if roles else None
    row_role = leaf if leaf in ROW_ROLES else None
    if row_role is None and leaf is None:
        row_role = next((r for r in reversed(roles) if r in ROW_ROLES), None)
    if row_role is not None:
        return row_role, None
    known = [r for r in roles if r is not None]
    if not known:
        return None, None
    base = None
    ancestors = roles[:-1]
    if leaf is not None and leaf != "total":
        base = leaf
        for r in ancestors:
            if r in QUALIFYING_MEASURES and r != base and r not in atoms:
                atoms.insert(0, r)
    else:
        base = next(
            (r for r in reversed(ancestors) if r and r != "total" and r not in ROW_ROLES), "total"
        )
    if leaf is None and base == "total" and not atoms and item is None:
        return None, None
    if prefix:
        base = f"{prefix}_{base}"
    if base not in measures:
        return None, None
    scope = _scope_string(atoms, kind, tpl)
    if scope is None:
        return None, None
    return (f"{scope}.{base}" if scope else base), item


def row_scope(label: str, table: str, tpl: Template, *, kind: str, year: int | None):
    """The qualifier a row label gives its figures (2025年 → prior, 增减变化金额 → change;
    the document's own year → ""), or None when the label is not a qualifier."""
    y, rest = year_of(label)
    atoms: list[str] = []
    if y is not None:
        if year is None or y not in (year, year - 1):
            return None
        if y == year - 1:
            atoms.append(vocab(tpl).years.get("previous", "prior"))
        label = rest
    if label:
        role = header_role(table, label, tpl, kind)
        if role == "total" and y is not None:
            pass
        elif role and role.startswith("scope:"):
            atoms.append(role[6:])
        else:
            return None
    elif y is None:
        return None
    return atoms


def rescope(measure: str, atoms: list[str], tpl: Template, kind: str) -> str | None:
    """A measure with more qualifiers: rescope("total", ["prior"]) → "prior.total"."""
    scope, _, base = measure.rpartition(".")
    joined = _scope_string([*(scope.split("_") if scope else []), *atoms], kind, tpl)
    if joined is None:
        return None
    return f"{joined}.{base}" if joined else base


def columns_of(block: Block, width: int, tpl: Template, *, kind: str = "budget", year=None):
    """Meaning of each column of a block from its header rows."""
    table = block.table or ""
    rows = [list(h.cells) for h in block.header if not _numbering(h.cells)]
    for upper, lower in zip(rows, rows[1:], strict=False):
        _repair_displaced(upper, lower, table, tpl)
    paths = _paths(rows, width, table, tpl)
    cols = []
    for j, path in enumerate(paths):
        role, item = resolve(path, table, tpl, kind=kind, year=year) if path else (None, None)
        if role is None and len(path) > 1:  # a label wrapped into two header rows
            joined = ["".join(path[k:]) for k in range(len(path) - 1)]
            for cand in joined:
                role, item = resolve([cand], table, tpl, kind=kind, year=year)
                if role is not None:
                    break
        cols.append(Column(j, " › ".join(path), role, item))
    cols = _one_code_group(cols, paths)
    if any(c.item for c in cols):  # items printed as columns: a generic total is the items'
        # … or, beside a 三公 subtotal and meetings/training columns, their grand total
        items = {c.item for c in cols}
        grand = "total" in items and bool(items & {"meetings", "training"})
        cols = [
            Column(c.index, c.label, c.role, "grand" if grand else "total")
            if c.item is None and c.is_measure and _under_total(paths[c.index], table, tpl, kind)
            else c
            for c in cols
        ]
    return cols


def _one_code_group(cols: list[Column], paths: list[list[str]]) -> list[Column]:
    """The row's code is the first classification's: code columns under another header
    (部门预算经济科目编码 | 政府预算经济科目编码, 30113 | 50103) label the row, not its code.
    A code column after a measure column starts a panel of its own (人员经费 | 公用经费)."""
    first = None
    panel_ends = False
    out = []
    for c in cols:
        if c.is_measure:
            panel_ends = True
        if c.role == "code":
            if first is not None and panel_ends:
                first = None
            panel_ends = False
            parent = tuple(paths[c.index][:-1])
            leaf = norm_label(paths[c.index][-1]) if paths[c.index] else ""
            group = parent or (("类款项",) if leaf in ("类", "款", "项") else (leaf,))
            if first is None:
                first = group
            elif group != first:
                c = Column(c.index, c.label, "text", c.item)
        out.append(c)
    return out


def _under_total(path: list[str], table: str, tpl: Template, kind: str) -> bool:
    """A column is (under) a generic total: 合计, or 总计 › 一般公共预算."""
    return any(header_role(table, year_of(lab)[1] or lab, tpl, kind) == "total" for lab in path)


def _repair_displaced(upper: list[str], lower: list[str], table: str, tpl: Template) -> None:
    """Put back a sub-column label that a PDF-to-text conversion pushed to the row's end.

    Merged header cells are sometimes converted one cell short, leaving the last sub-label
    of a group at the far right, beneath a different column's own label (seed 表2: 上级国有资本
    经营预算安排的转移支付 printed under 非财政拨款结转结余). A sub-label cannot sit under
    another measure, so it is moved back to the first free slot after its siblings and the
    upper row's labels from there shift right by one.
    """
    j = max((i for i, c in enumerate(lower) if c), default=None)
    if j is None or (j < len(upper) and upper[j]) or not upper or upper[-1] or len(upper) <= j:
        return
    k = max((i for i in range(j) if upper[i]), default=None)
    over = header_role(table, upper[k], tpl) if k is not None else None
    sub = header_role(table, lower[j], tpl)
    if (
        over in (None, "name", "code", "skip")
        or sub in (None, "name", "code", "skip")
        or over == sub
        or (k is not None and k < len(lower) and lower[k])  # the label to the left heads a group
    ):
        return
    s = j
    while s > 0 and not lower[s - 1]:
        s -= 1
    if s == j or s == 0:
        return
    lower[s], lower[j] = lower[j], ""
    upper.insert(s, "")
    upper.pop()
