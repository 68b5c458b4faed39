"""Normalise stage: table blocks → canonical `Amount`s with exact values and provenance.

Columns are given meaning by their header labels (template data in the catalog); a row's
classification code comes from its code columns, a joined code (2010302 / 201 03 02) or a
code printed before its name. Values in columns that mean nothing known are reported, not
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog import catalog, norm_label
from ..catalog.rules import finding
from ..errors import MalformedNumber
from ..layout import Block
from ..model import Amount, Finding, TableInfo, Unreadable
from ..money import UNITS, looks_like_amount, parse_amount, to_wan

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_PREFIX = re.compile(r"^(\d{3})(?:\s*(\d{2}))?(?:\s*(\d{2}))?\s*(?=[^\d\s])")
_ROLES = {"code", "name", "project_name", "skip"}


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    label: str  # header label as printed (leaf)
    role: str | None  # "code" | "name" | "project_name" | "skip" | measure id | "item:<id>" | None


def columns_of(block: Block, width: int) -> list[Column]:
    """Meaning of each column from the header rows (bottom-most known label wins)."""
    cat = catalog()
    table = block.table or ""
    rows = [list(h.cells) for h in block.header if not _numbering(h.cells)]
    for upper, lower in zip(rows, rows[1:], strict=False):
        _repair_displaced(upper, lower, table)
    groups = cat.groups.get(table, {})
    cols = []
    for j in range(width):
        labelled = [(i, r[j]) for i, r in enumerate(rows) if j < len(r) and r[j]]
        labels = [lab for _, lab in labelled]
        role, label = None, labels[-1] if labels else ""
        candidates = [(i, lab) for i, lab in reversed(labelled)]
        candidates += [(labelled[k][0], "".join(labels[k:])) for k in range(len(labels) - 1)]
        at = len(rows)
        for i, cand in candidates:
            r = cat.header_role(table, cand)
            if r:
                role, label, at = r, cand, i
                break
        if role == "total":
            role = _item_above(rows, at, j, table) or role
        if groups and role and role not in _ROLES:
            for r in rows:  # the spanning group label above: nearest label at or left of j
                above = next((r[k] for k in range(min(j, len(r) - 1), -1, -1) if r[k]), "")
                if norm_label(above) in groups:
                    role = f"{groups[norm_label(above)]}_{role}"
                    break
        cols.append(Column(j, label, role))
    return cols


def _item_above(rows: list[list[str]], at: int, j: int, table: str) -> str | None:
    """`item:<id>` when a generic total (合计/小计) sits under a spanning label naming an item.

    Tables that print their items as columns (上海 “三公”经费预算表: “三公”经费预算数 › 合计,
    公务用车购置及运行费 › 小计) total an item, not the row: the 合计 under “三公”经费预算数
    is the 三公 total, the 小计 under 公务用车购置及运行费 the vehicle item.
    """
    cat = catalog()
    for r in reversed(rows[:at]):
        above = next((r[k] for k in range(min(j, len(r) - 1), -1, -1) if r[k]), "")
        role = cat.header_role(table, above) if above else None
        if role and role.startswith("item:"):
            return role
        if role and role not in ("name", "code", "skip"):
            return None  # under another measure: a sub-total of that measure
    return None


def _repair_displaced(upper: list[str], lower: list[str], table: str) -> None:
    """Put back a sub-column label that a PDF-to-text conversion pushed to the row's end.

    Merged header cells are sometimes converted one cell short, leaving the last sub-label
    of a group at the far right, beneath a different column's own label (seed 表2: 上级国有资本
    经营预算安排的转移支付 printed under 非财政拨款结转结余). A sub-label cannot sit under
    another measure, so it is moved back to the first free slot after its siblings and the
    upper row's labels from there shift right by one.
    """
    cat = catalog()
    j = max((i for i, c in enumerate(lower) if c), default=None)
    if j is None or (j < len(upper) and upper[j]) or not upper or upper[-1] or len(upper) <= j:
        return
    k = max((i for i in range(j) if upper[i]), default=None)
    over, sub = (
        (cat.header_role(table, upper[k]) if k is not None else None),
        cat.header_role(table, lower[j]),
    )
    if (
        over in (None, "name", "code", "skip")
        or sub in (None, "name", "code", "skip")
        or over == sub
        or (k < len(lower) and lower[k])  # the label to the left heads a group: j may be in it
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


def _numbering(cells: tuple[str, ...]) -> bool:
    return all(c in ("※", "*", "＊", "栏次") or c.isdigit() for c in cells if c)


def _segments(cols: list[Column]) -> list[list[Column]]:
    """Split columns into sides: a name column after a measure column starts a new side."""
    segs: list[list[Column]] = [[]]
    seen_measure = False
    for c in cols:
        if c.role == "name" and seen_measure:
            segs.append([])
            seen_measure = False
        if c.role and c.role not in _ROLES:
            seen_measure = True
        segs[-1].append(c)
    return segs


def _side_name(block: Block, seg: list[Column], k: int) -> str:
    first = seg[0].index
    for h in block.header:
        above = next(
            (h.cells[i] for i in range(min(first, len(h.cells) - 1), -1, -1) if h.cells[i]), ""
        )
        if "支出" in above:
            return "expenditure"
        if "收入" in above:
            return "income"
    return ("income", "expenditure")[min(k, 1)]


def _bad_code_cells(cells: list[str]) -> str | None:
    """Why split 类/款/项 cells cannot be a code (None when they can, or are not split).

    In 类/款/项 columns the 类 is 3 digits and a 款/项 2 (a single digit is a 款 printed as a
    number, e.g. "2" for "02", and is accepted).
    """
    parts = [c.replace(" ", "") for c in cells]
    if len(cells) < 2 or not any(parts) or not all(p.isdigit() for p in parts if p):
        return None  # blank, or a label (合计) printed across the code columns
    if not parts[0]:
        return None  # a template that prints only the new part of a code (see _inherit)
    if not (parts[0].isdigit() and len(parts[0]) == 3):
        return f"类应为3位数字，印作“{parts[0]}”"
    for p in parts[1:]:
        if p and not (p.isdigit() and len(p) <= 2):
            return f"款/项应为2位数字，印作“{p}”"
    return None


def _inherit(cells: list[str], prev: str | None) -> str | None:
    """Code of a row that prints only its own part (类 blank under its 类 row: "" | 05 | 01),
    completed from the previous coded row."""
    parts = [c.replace(" ", "") for c in cells]
    if not prev or parts[0] or len(parts) < 2:
        return None
    if len(parts) >= 3 and not parts[1] and parts[2] and len(prev) >= 5:
        return prev[:5] + parts[2].zfill(2)  # 项 only: under the previous 款
    if parts[1]:
        return prev[:3] + "".join(p.zfill(2) for p in parts[1:] if p)  # 款 (and 项)
    return None


def _code_from_context(cells: list[str], prev: str | None) -> str | None:
    """The code of a row whose 类 is misprinted, from the previous coded row: a 项 row listed
    under its 款 (prev 款 digits equal this row's 款) or a 款 row under its 类 sibling rows.
    None when the context does not determine it."""
    parts = [c.replace(" ", "") for c in cells]
    sub = [p.zfill(2) for p in parts[1:] if p]
    if not prev or not sub or not all(p.isdigit() and len(p) == 2 for p in sub):
        return None
    if len(sub) == 2 and len(prev) >= 5 and prev[3:5] == sub[0]:
        return prev[:3] + "".join(sub)
    return None


def split_code(cells: list[str], name: str) -> tuple[str | None, str]:
    """(code, name) from code cells (类/款/项 or joined) or a code printed before the name."""
    parts = [c.replace(" ", "") for c in cells if c]
    if len(parts) > 1:  # 款/项 columns printed as numbers lose a leading zero: 301 | 2 → 30102
        parts = parts[:1] + [p.zfill(2) if len(p) == 1 and p.isdigit() else p for p in parts[1:]]
    joined = "".join(parts)
    if joined and _CODE.match(joined):
        return joined, name
    m = _CODE_PREFIX.match(name)
    if m:
        return "".join(g for g in m.groups() if g), name[m.end() :].strip()
    return None, (name or " ".join(c for c in cells if c))


def _placed(c: Column, item: str | None, row_no: int) -> tuple[str, str | None, int]:
    """(measure, item, row) of a cell: an item printed as a column (`item:<id>`) is the
    total of its own row."""
    if c.role and c.role.startswith("item:"):
        return "total", c.role[5:], row_no + c.index
    return c.role or "", item, row_no


def normalise(
    block: Block,
    source: str,
    default_unit: str | None,
    unreadable: list[Unreadable] | None = None,
) -> tuple[list[Amount], TableInfo, list[Finding]]:
    """One block → its amounts, what was found, and reading findings.

    Cells of measure columns that do not read as numbers are appended to `unreadable`.
    """
    unreadable = [] if unreadable is None else unreadable
    findings: list[Finding] = []
    table = block.table
    unit = block.unit or default_unit
    width = max((len(b.cells) for b in block.body), default=0)
    width = max(width, max((len(h.cells) for h in block.header), default=0))
    cols = columns_of(block, width)
    note = "；".join(n.text for n in block.notes) or None
    empty = bool(block.notes) and not any(
        looks_like_amount(c) and parse_amount(c) for b in block.body for c in b.cells
    )
    info = TableInfo(
        table=table,
        title=block.title,
        unit=unit,
        line=block.title_line,
        empty=empty,
        note=note,
        columns=tuple((c.label, c.role) for c in cols),
    )
    if table is None:
        findings.append(
            finding("read.table.unrecognised", source, block.title_line, title=block.title)
        )
        return [], info, findings
    if unit not in UNITS:
        findings.append(
            finding("read.unit.missing", source, block.title_line, table=table, title=block.title)
        )
        return [], info, findings
    two_sided = catalog().tables[table].two_sided
    segs = _segments(cols) if two_sided else [cols]
    amounts: list[Amount] = []
    reported: set[int] = set()
    row_no = 0
    last_code: dict[int, str] = {}  # per side: the code of the previous coded row
    for line in block.body:
        cells = line.cells
        item_cols = 0
        for k, seg in enumerate(segs):
            side = _side_name(block, seg, k) if two_sided else None
            get = lambda c, cells=cells: cells[c.index] if c.index < len(cells) else ""  # noqa: E731
            code_cells = [get(c) for c in seg if c.role == "code"]
            name = next((get(c) for c in seg if c.role == "name" and get(c)), "")
            project = next((get(c) for c in seg if c.role == "project_name" and get(c)), "")
            if not name and project:
                name, project = project, ""
            code, label = split_code(code_cells, name)
            if not label and not code and not any(get(c) for c in seg):
                continue
            loc = f"{source}:{line.where()}"
            bad = _bad_code_cells(code_cells)
            if bad:
                code = _code_from_context(code_cells, last_code.get(k))
                printed = " ".join(c for c in code_cells if c)
                findings.append(
                    finding(
                        "table.code.malformed",
                        source,
                        line,
                        table=table,
                        code=code,
                        expected=code,
                        actual=printed,
                        title=block.title,
                        row=label,
                        printed=printed,
                        why=bad,
                        outcome=f"按上一行的类/款读作 {code}"
                        if code
                        else "无法确定科目，该行不参与科目核对",
                    )
                )
            elif code is None and any(code_cells):
                code = _inherit(code_cells, last_code.get(k))
            if code:
                last_code[k] = code
            item = None if code else catalog().row_item(label)
            for c in seg:
                text = get(c)
                if not text or c.role in _ROLES:
                    continue
                try:
                    value = parse_amount(text, loc)
                except MalformedNumber:
                    if c.role is not None:  # never a figure, and never a blank (0) either
                        measure, row_item, row = _placed(c, item, row_no)
                        unreadable.append(
                            Unreadable(
                                table, side, row, row_item, measure, code, label, unit, text, line
                            )
                        )
                        if c.role.startswith("item:"):
                            item_cols = max(item_cols, c.index + 1)
                    findings.append(
                        finding(
                            "read.number.malformed",
                            source,
                            line,
                            table=table,
                            code=code,
                            actual=text,
                            title=block.title,
                            row=label,
                            label=c.label,
                            printed=text,
                        )
                    )
                    continue
                if value is None:
                    continue
                if c.role is None:
                    if c.index not in reported:
                        reported.add(c.index)
                        findings.append(
                            finding(
                                "read.column.unknown",
                                source,
                                line,
                                table=table,
                                code=code,
                                actual=text,
                                title=block.title,
                                column=c.index + 1,
                                label=c.label or "?",
                                row=label,
                                printed=text,
                            )
                        )
                    continue
                measure, row_item, row = _placed(c, item, row_no)
                name = f"{label}｜{project}" if project else label
                if c.role.startswith("item:"):
                    # an item printed as a column (上海 三公 table): one row per item, named
                    # by the item (the printed row has no label, or a year/预算数 label)
                    name = catalog().items.get(row_item, {}).get("zh", c.label)
                    item_cols = max(item_cols, c.index + 1)
                amounts.append(
                    Amount(
                        table=table,
                        code=code,
                        name=name,
                        measure=measure,
                        value=to_wan(value, unit),
                        printed=text,
                        unit=unit,
                        line=line,
                        side=side,
                        row=row,
                        item=row_item,
                    )
                )
            row_no += max(1, item_cols)
    return amounts, info, findings
