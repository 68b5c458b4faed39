"""Normalise stage: table blocks → canonical `Amount`s with exact values and provenance.

Columns get their meaning from their header paths (`columns`); a row's classification code
comes from its code columns or its name cell (`codes`); a labelled row (合计, 一、本年收入) gets
its item from the template's row vocabulary. Rows of subordinate budget units (a 预算单位 /
单位名称 column) are kept apart by `org`: the department's own figures have org None. Values in
columns that mean nothing known are reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..catalog import catalog
from ..catalog.rules import finding
from ..catalog.templates import Template
from ..errors import MalformedNumber
from ..layout import Block
from ..model import Amount, Finding, TableInfo, Unreadable
from ..money import UNITS, looks_like_amount, parse_amount, to_wan
from .codes import bad_code_cells, code_from_context, inherit, split_code, unit_code
from .columns import ROW_ROLES, Column, columns_of, rescope, row_scope
from .labels import class_code, header_role, norm_label, row_item
from .wrapped import join_wrapped

_UNIT_SUFFIX = ("（本级）", "本级")


def _segments(cols: list[Column]) -> list[list[Column]]:
    """Split columns into panels: a code or name column after a measure column starts one."""
    segs: list[list[Column]] = [[]]
    seen_measure = False
    for c in cols:
        if c.role in ("code", "name") and seen_measure:
            segs.append([])
            seen_measure = False
        if c.is_measure:
            seen_measure = True
        segs[-1].append(c)
    return segs


def _side_names(block: Block, segs: list[list[Column]]) -> list[str]:
    """income / expenditure for each panel of a two-sided table (later expenditure panels of
    a four-panel summary are expenditure#2, expenditure#3)."""
    out: list[str] = []
    for k, seg in enumerate(segs):
        first = seg[0].index if seg else 0
        side = None
        for h in block.header:
            above = next(
                (h.cells[i] for i in range(min(first, len(h.cells) - 1), -1, -1) if h.cells[i]),
                "",
            )
            if "支出" in above:
                side = "expenditure"
                break
            if "收入" in above:
                side = "income"
                break
        side = side or ("income", "expenditure")[min(k, 1)]
        n = out.count(side) + sum(1 for s in out if s.startswith(side + "#"))
        out.append(side if n == 0 else f"{side}#{n + 1}")
    return out


@dataclass
class _Org:
    """A budget unit's row in a table that lists subordinate units."""

    name: str
    row: int  # index into the block's body
    amounts: list[Amount] = field(default_factory=list)


def _unit_key(name: str) -> str:
    n = norm_label(name)
    for s in _UNIT_SUFFIX:
        n = n.removesuffix(s)
    return n


class _Reader:
    def __init__(self, block: Block, source: str, unit: str, tpl: Template, kind, year):
        self.block = block
        self.source = source
        self.unit = unit
        self.tpl = tpl
        self.table = block.table or ""
        width = max((len(b.cells) for b in block.body), default=0)
        width = max(width, max((len(h.cells) for h in block.header), default=0))
        self.cols = _text_columns(columns_of(block, width, tpl, kind=kind, year=year), block)
        self.block = block = replace(block, body=join_wrapped(block.body, self.cols))
        self.kind, self.year = kind, year
        self.item_rank: dict[str, int] = {}  # items printed as columns: one row each, in order
        for c in self.cols:
            if c.item:
                self.item_rank.setdefault(c.item, len(self.item_rank))
        self.findings: list[Finding] = []
        self.amounts: list[Amount] = []
        self.unreadable: list[Unreadable] = []  # cells of measure columns that are not numbers
        self.reported: set[int] = set()

    def read(self, department: str | None) -> None:
        spec = catalog().tables[self.table]
        segs = _segments(
            self.cols
        )  # panels side by side (two-sided summaries, 人员经费 | 公用经费)
        sides = _side_names(self.block, segs) if spec.two_sided else [None] * len(segs)
        unit_cols = [c for c in self.cols if c.role in ("unit_name", "unit_code")]
        orgs: list[_Org] = []
        current_org: _Org | None = None
        has_total_row = False
        row_no = 0
        last_code: dict[int, str] = {}  # per panel: the code of the previous coded row
        for bi, line in enumerate(self.block.body):
            cells = line.cells
            get = lambda c, cells=cells: cells[c.index] if c.index < len(cells) else ""  # noqa: E731
            unit_name = " ".join(get(c) for c in unit_cols if get(c)).strip()
            item_cols = 0
            total_row_no = None  # a line's panels that each print their total: one total row
            for k, seg in enumerate(segs):
                code_cells = [get(c) for c in seg if c.role == "code"]
                name = next((get(c) for c in seg if c.role == "name" and get(c)), "")
                project = next((get(c) for c in seg if c.role == "project_name" and get(c)), "")
                if not name and project:
                    name, project = project, ""
                if not unit_cols and unit_code(code_cells) and name:
                    unit_name, code_cells = name, []  # 125003 西安市安全生产执法监察支队
                    name = ""
                is_unit_row = bool(unit_name) and not any(code_cells) and not name
                if is_unit_row and row_item(unit_name, self.tpl) == "total":
                    is_unit_row = False  # 合计 printed in the unit column: the total row
                if unit_name and not name and not any(code_cells):
                    name = unit_name
                code, label = split_code(code_cells, name)
                if not label and not code and not any(get(c) for c in seg):
                    continue
                bad = bad_code_cells(code_cells)
                if bad:
                    code = code_from_context(code_cells, last_code.get(k))
                    self._bad_code(line, label, code, code_cells, bad)
                elif code is None and any(code_cells):
                    code = inherit(code_cells, last_code.get(k))
                if code:
                    last_code[k] = code
                item = None if code else self._panel_total(label, seg) or row_item(label, self.tpl)
                if not label and not code and total_row_no is not None and not spec.two_sided:
                    item = "total"  # 公用经费合计 printed across two panels: its value is here
                if code is None and item is None and self.by_function(sides[k]):
                    code = class_code(label)  # 一、一般公共服务支出 printed without 201
                scope = None
                if not code and item is None:
                    scope = row_scope(label, self.table, self.tpl, kind=self.kind, year=self.year)
                if is_unit_row and item != "total":
                    item = "total"
                if item == "total" and not is_unit_row and not code:
                    has_total_row = True
                org = current_org
                at = row_no
                if item == "total" and not spec.two_sided:
                    at = row_no if total_row_no is None else total_row_no
                    total_row_no = at
                row_amounts = self._cells(line, seg, sides[k], code, label, item, project, at)
                if scope:
                    row_amounts = self._rescoped(row_amounts, scope)
                if is_unit_row:
                    org = _Org(unit_name, bi)
                    orgs.append(org)
                    current_org = org
                    org.amounts.extend(row_amounts)
                elif org is not None:
                    org.amounts.extend(row_amounts)
                self.amounts.extend(row_amounts)
                item_cols = max(
                    item_cols, max((a.row - row_no + 1 for a in row_amounts), default=1)
                )
                row_no += max(1, item_cols)
        self._assign_orgs(orgs, has_total_row, department)

    def _assign_orgs(self, orgs: list[_Org], has_total_row: bool, department: str | None):
        """The department's own rows keep org None; each subordinate unit's rows get its name.

        With a 合计 row, every unit row is a unit's. Without one, a lone unit row is the
        department's total (its rows the department's), and the first of several unit rows is
        when it names the department or equals the sum of the others.
        """
        if not orgs:
            return
        named: dict[int, str] = {}
        if has_total_row:
            dept_org = None
        elif len(orgs) == 1:
            dept_org = orgs[0]
        else:
            first, rest = orgs[0], orgs[1:]
            same_name = department and _unit_key(first.name) == _unit_key(department)
            dept_org = first if same_name or _sums_to(first, rest) else None
        for o in orgs:
            if o is dept_org:
                continue
            for a in o.amounts:
                named[id(a)] = o.name
        if named:
            self.amounts = [
                _with_org(a, named[id(a)]) if id(a) in named else a for a in self.amounts
            ]

    def _panel_total(self, label: str, seg: list[Column]) -> str | None:
        """人员经费合计 under the 人员经费 panel: the total of the panel's own measure (in a
        one-sided table whose panels print different measures side by side)."""
        if catalog().tables[self.table].two_sided:
            return None
        lab = norm_label(label)
        for suffix in ("合计", "小计", "总计"):
            stem = lab.removesuffix(suffix)
            if stem != lab and stem:
                role = header_role(self.table, stem, self.tpl, self.kind)
                if role and role != "total" and any(c.role == role for c in seg):
                    return "total"
        return None

    def _cells(self, line, seg, side, code, label, item, project, row_no) -> list[Amount]:
        out: list[Amount] = []
        for c in seg:
            text = c.index < len(line.cells) and line.cells[c.index] or ""
            if not text or c.role in ROW_ROLES:
                continue
            ratio = c.role is not None and _is_ratio(c.role)
            try:
                value = parse_amount(
                    text.strip().removesuffix("%") if ratio else text,
                    f"{self.source}:{line.where()}",
                )
            except MalformedNumber:
                if c.role is not None:  # never a figure, and never a blank (0) either
                    item_, row = (
                        (c.item, row_no + self.item_rank[c.item]) if c.item else (item, row_no)
                    )
                    self.unreadable.append(
                        Unreadable(
                            self.table, side, row, item_, c.role, code, label, self.unit, text,
                            line,
                        )
                    )  # fmt: skip
                self.findings.append(
                    finding(
                        "read.number.malformed", self.source, line, table=self.table,
                        code=code, actual=text, title=self.block.title, row=label,
                        label=c.label, printed=text,
                    )
                )  # fmt: skip
                continue
            if value is None:
                continue
            if c.role is None:
                self._unknown_column(line, c, code, label, text)
                continue
            measure, row_item_, name, row = c.role, item, label, row_no
            if project:
                name = f"{label}｜{project}"
            if c.item:  # an item printed as a column: one row per item, named by the item
                row_item_ = c.item
                name = catalog().items.get(c.item, {}).get("zh", c.label)
                row = row_no + self.item_rank[c.item]
            out.append(
                Amount(
                    table=self.table,
                    code=code,
                    name=name,
                    measure=measure,
                    value=value if ratio else to_wan(value, self.unit),
                    printed=text,
                    unit="%" if ratio else self.unit,
                    line=line,
                    side=side,
                    row=row,
                    item=row_item_,
                )
            )
        return out

    def by_function(self, side: str | None) -> bool:
        """Rows named by national function classes: a function-classified table, or a
        summary's expenditure side."""
        spec = catalog().tables[self.table]
        if spec.two_sided:
            return bool(side and side.startswith("expenditure"))
        return spec.classification == "function"

    def _rescoped(self, amounts: list[Amount], atoms: list[str]) -> list[Amount]:
        """A row whose label qualifies its figures (2025年, 增减变化金额)."""
        out = []
        for a in amounts:
            m = rescope(a.measure, atoms, self.tpl, self.kind)
            if m is not None:
                out.append(replace(a, measure=m))
        return out

    def _unknown_column(self, line, c: Column, code, label, text) -> None:
        if c.index in self.reported:
            return
        self.reported.add(c.index)
        self.findings.append(
            finding(
                "read.column.unknown", self.source, line, table=self.table, code=code,
                actual=text, title=self.block.title, column=c.index + 1,
                label=c.label or "?", row=label, printed=text,
            )
        )  # fmt: skip

    def _bad_code(self, line, label, code, code_cells, bad) -> None:
        printed = " ".join(c for c in code_cells if c)
        self.findings.append(
            finding(
                "table.code.malformed", self.source, line, table=self.table, code=code,
                expected=code, actual=printed, title=self.block.title, row=label,
                printed=printed, why=bad,
                outcome=f"按上一行的类/款读作 {code}" if code else "无法确定科目，该行不参与科目核对",
            )
        )  # fmt: skip


def _text_columns(cols: list[Column], block: Block) -> list[Column]:
    """A column whose header means nothing known but whose cells are mostly words (采购类别:
    A-货物, 指导性目录) labels its rows: it is the row name when the table has none, else text
    that is not a figure. A column of numbers stays unknown (reported, not read)."""
    has_name = any(c.role == "name" for c in cols)
    out = []
    for c in cols:
        if c.role is None:
            cells = [ln.cells[c.index] for ln in block.body if c.index < len(ln.cells)]
            cells = [x for x in cells if x]
            words = sum(1 for x in cells if not looks_like_amount(x.strip().removesuffix("%")))
            if cells and words * 2 >= len(cells):
                role = "text" if has_name else "name"
                has_name = True
                c = Column(c.index, c.label, role, c.item)
        out.append(c)
    return out


def _is_ratio(measure: str) -> bool:
    """A percentage column (增减%, 完成预算%): printed as a percent, not money."""
    return "pct" in measure.rpartition(".")[0]


def _sums_to(first: _Org, rest: list[_Org]) -> bool:
    """The first unit row equals the sum of the other unit rows in every column it prints."""
    tot = {a.measure: a.value for a in first.amounts if a.code is None}
    if not tot:
        return False
    sums: dict[str, Decimal] = {}
    for o in rest:
        for a in o.amounts:
            if a.code is None and a.item == "total":
                sums[a.measure] = sums.get(a.measure, Decimal(0)) + a.value
    return all(
        abs(sums.get(m, Decimal(0)) - v) <= Decimal("0.0001") * len(rest) for m, v in tot.items()
    )


def _with_org(a: Amount, org: str) -> Amount:
    return replace(a, org=org)


def normalise(
    block: Block,
    source: str,
    default_unit: str | None,
    tpl: Template,
    *,
    kind: str = "budget",
    year: int | None = None,
    department: str | None = None,
    unreadable: list[Unreadable] | None = None,
) -> tuple[list[Amount], TableInfo, list[Finding]]:
    """One block → its amounts, what was found, and reading findings.

    Cells of measure columns that do not read as numbers are appended to `unreadable`.
    """
    unit = block.unit or default_unit
    note = "；".join(n.text for n in block.notes) or None
    empty = bool(block.notes) and not any(
        looks_like_amount(c) and parse_amount(c) for b in block.body for c in b.cells
    )

    def info(columns=(), cells=0, read=0, unmapped=()) -> TableInfo:
        return TableInfo(
            table=block.table,
            title=block.title,
            unit=unit,
            line=block.title_line,
            empty=empty,
            note=note,
            columns=tuple(columns),
            label=block.label,
            evidence=block.evidence,
            known=block.known,
            pages=tuple(block.pages),
            cells=cells,
            read=read,
            unmapped=tuple(unmapped),
        )

    if block.table is None:
        if block.known is not None:
            return [], info(), []
        f = finding("read.table.unrecognised", source, block.title_line, title=block.title)
        return [], info(), [f]
    if unit not in UNITS:
        f = finding(
            "read.unit.missing", source, block.title_line, table=block.table, title=block.title
        )
        return [], info(), [f]
    r = _Reader(block, source, unit, tpl, kind, year)
    r.read(department)
    if unreadable is not None:
        unreadable.extend(r.unreadable)
    cols = ((c.label, c.role) for c in r.cols)
    unmapped = [r.cols[i].label or f"第{i + 1}栏" for i in sorted(r.reported)]
    return r.amounts, info(cols, _cells(r.block, r.cols), len(r.amounts), unmapped), r.findings


def _cells(block: Block, cols: list[Column]) -> int:
    """Printed amounts in the block's value columns (row-label, skip and subset columns are
    not values)."""
    values = {c.index for c in cols if c.role not in ROW_ROLES}
    n = 0
    for line in block.body:
        for j, c in enumerate(line.cells):
            if j in values and c and looks_like_amount(c.strip().removesuffix("%")):
                n += 1
    return n
