"""绩效目标表 → `TargetTable`s: the department-level table and each project's.

Works on `Line`s whose cells are column-aligned (the text reader's tab-separated rows, or a
PDF reader's rows aligned under the header), so the same code reads the Xinjiang template
(部门整体绩效目标表 / 项目支出绩效目标表 with weights, 上年完成值, 赋分规则) and the Shanghai
one (财政项目支出绩效目标填报表: 项目名称/项目性质/主管部门, 资金 in 元, 年度指标值, no
weights). What a label means is data (`HEAD_LABELS`, `COLUMN_PATTERNS`, `OPERATORS`);
columns are found by their header label, never by position.

A table is: a title line, a header block of label → value cells (name, owner, funds, goal),
then the indicator header row (一级指标 … 三级指标 … 指标值 …) and one row per indicator.
Blank 一级/二级 cells carry down from the row above; a row with no target, weight or new level
continues the cells of the indicator above (text wrapped onto the next row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import MalformedNumber
from ..model import Indicator, TargetTable
from ..money import parse_amount, to_wan
from ..reader.lines import Line

__all__ = ["extract", "parse_target", "TABLE_TITLE"]

#: A line whose text is a 绩效目标表 title (short, no sentence punctuation).
TABLE_TITLE = re.compile(
    r"^[^，。；,;：:]{0,30}绩效目标(?:申报|填报)?表(?:[(（][^)）]{0,12}[)）])?$"
)
_PROJECT_TITLE = re.compile(r"项目")

#: Header-block label (normalised: no spaces, no "(万元)"/"(盖章)", no "其中：") →
#: (field, priority, mode). The highest priority seen wins; "add" fields sum their values.
#: Fields not in `TargetTable` (project_total, carryover, …) are read so that their values are
#: never mistaken for another label's, then dropped. `None` marks a known label without a field.
HEAD_LABELS: dict[str, tuple[str | None, int, str]] = {
    "部门名称": ("name", 1, "set"),
    "单位名称": ("name", 1, "set"),
    "项目名称": ("name", 2, "set"),
    "预算单位": ("unit", 2, "set"),
    "主管部门": ("unit", 1, "set"),
    "实施单位": ("implementer", 1, "set"),
    "部门联系人": ("owner", 1, "set"),
    "联系人": ("owner", 1, "set"),
    "项目负责人": ("owner", 2, "set"),
    "年度绩效目标": ("goal", 2, "set"),
    "项目总体目标": ("goal", 2, "set"),
    "年度总体目标": ("goal", 2, "set"),
    "年度目标": ("goal", 2, "set"),
    "总体目标": ("goal", 1, "set"),
    "项目总目标": ("goal", 1, "set"),
    "年度预算总额": ("total", 2, "set"),
    "年度资金申请总额": ("total", 2, "set"),
    "年度资金总额": ("total", 2, "set"),
    "资金总额": ("total", 1, "set"),
    "项目资金总额": ("project_total", 1, "set"),
    "财政拨款": ("fiscal", 2, "set"),
    "当年财政拨款": ("fiscal", 2, "set"),
    "财政资金": ("fiscal", 1, "set"),
    "上级安排": ("fiscal", 1, "add"),
    "本级安排": ("fiscal", 1, "add"),
    "其他资金": ("other", 1, "set"),
    "其他": ("other", 1, "set"),
    "上年结转资金": ("carryover", 1, "set"),
    "上年结转": ("carryover", 1, "set"),
    **{
        label: (None, 0, "set")
        for label in (
            "联系电话", "项目性质", "项目类别", "项目属性", "计划开始日期", "计划完成日期",
            "项目期限", "资金来源", "年度预算", "项目资金", "绩效目标", "项目绩效目标",
        )
    },
}  # fmt: skip
_TEXT_FIELDS = {"name", "unit", "owner", "goal", "implementer"}
_AMOUNT_FIELDS = {"total", "fiscal", "other", "project_total", "carryover"}

#: Indicator header cell (normalised) → Indicator field; first match wins.
COLUMN_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        (r"^一级指标$", "level1"),
        (r"^二级指标$", "level2"),
        (r"^三级指标$", "level3"),
        (r"上年.*(完成|实际)", "prior"),
        (r"权重|^分值$", "weight"),
        (r"赋分|评分|计分", "scoring"),
        (r"依据", "basis"),
        (r"指标值$|目标值$", "target"),
    )
)

#: Comparison words → operator. Longest first so that 不低于 wins over 低于, >= over >.
OPERATORS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            ">=": "≥", "≥": "≥", "≧": "≥", "大于等于": "≥", "大于或等于": "≥", "不低于": "≥",
            "不少于": "≥", "不小于": "≥", "至少": "≥", "达到": "≥",
            "<=": "≤", "≤": "≤", "≦": "≤", "小于等于": "≤", "小于或等于": "≤", "不高于": "≤",
            "不超过": "≤", "不大于": "≤", "不多于": "≤", "至多": "≤", "控制在": "≤",
            ">": ">", "大于": ">", "高于": ">", "超过": ">", "多于": ">",
            "<": "<", "小于": "<", "低于": "<", "少于": "<",
            "=": "=", "等于": "=",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)  # fmt: skip

#: Words after a whole-cell target's unit that state its operator ("100%以上" → ≥).
SUFFIX_OPERATORS: tuple[tuple[str, str], ...] = (
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("内", "≤"),
)  # fmt: skip

#: Units accepted after a number embedded in a sentence ("开展不低于5次的…"), longest first.
#: A whole-cell target ("≥13459.00(平方米)") keeps any unit as printed.
SENTENCE_UNITS: tuple[str, ...] = tuple(
    sorted(
        ["万人次", "人次", "万元", "元", "平方米", "公里", "千米", "小时", "个月", "%", "‰", "次",
         "台", "个", "人", "名", "户", "场", "家", "份", "件", "项", "篇", "期", "所", "辆", "套",
         "本", "张", "批", "座", "处", "天", "日", "分", "条", "块", "吨", "米", "课时", "册",
         "场次", "班"],
        key=len,
        reverse=True,
    )
)  # fmt: skip

_ASCII = str.maketrans("（）：＜＞＝％．，０１２３４５６７８９", "():<>=%.,0123456789")
_SPACE = re.compile(r"\s+")
_LABEL_NOISE = re.compile(r"\((?:盖章|万元|元|千元)\)|^其中:?|:$")
_UNIT_IN_LABEL = re.compile(r"\((万元|元|千元|亿元)\)")
_OPS = "|".join(re.escape(w) for w, _ in OPERATORS)
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_WHOLE_TARGET = re.compile(
    rf"^(?P<op>{_OPS})?(?P<num>{_NUM})(?:\((?P<punit>[^()\d]{{1,8}})\)|(?P<unit>[^()\d]{{0,5}}))$"
)
_EMBEDDED = re.compile(
    rf"(?P<op>{_OPS})?(?P<num>{_NUM})(?P<unit>{'|'.join(re.escape(u) for u in SENTENCE_UNITS)})?"
)
_OPERATOR = dict(OPERATORS)
MAX_PREAMBLE = 3  # more prose than this after a title: a heading or TOC entry, not a table
_DEADLINE = re.compile(r"[底前后初末旬]|完成")
_ANY_NUMBER = re.compile(r"\d")
_PLACEHOLDER = re.compile(r"^[-—–/\\、.…]*$")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
_WEIGHT = re.compile(r"^(\d+(?:\.\d+)?)分?$")
_TOTAL_ROW = re.compile(r"^(合计|总计|小计)$")
_PAGE_NOISE = re.compile(r"^[-—\s]*(第\s*)?\d+(\s*页)?(\s*/\s*\d+)?[-—\s]*$|^共\s*\d+\s*页$")


def _norm(text: str) -> str:
    """ASCII punctuation/digits, no whitespace: for matching labels and targets."""
    return _SPACE.sub("", text.translate(_ASCII))


def _label(text: str) -> str:
    return _LABEL_NOISE.sub("", _norm(text))


def _unwrap(text: str) -> str:
    """Drop line-wrap spaces between CJK characters ("访工作管理保 障工作" → "…保障工作")."""
    return _CJK_GAP.sub("", text.strip())


def parse_target(text: str) -> tuple[str | None, Decimal | None, str | None]:
    """Printed target → (operator, value, unit); (None, None, None) when qualitative.

    ">=3 台" → ("≥", 3, "台"); "< =34.6 0万元" → ("≤", 34.60, "万元");
    "≥13459.00(平方米)" → ("≥", 13459.00, "平方米"); "=100%" → ("=", 100, "%");
    "居民参与率不低于100%" → ("≥", 100, "%"). A bare number ("90%") states the target value
    itself, so its operator is "=". Text with no number, or with more than one number
    ("不少于100人,宣传用品不少于20000份"), or a number without a comparison word or % in a
    sentence, stays qualitative: the raw text is kept and nothing is guessed.
    """
    s = _norm(text)
    if not s or not _ANY_NUMBER.search(s):
        return None, None, None
    suffix_op = None
    m = _WHOLE_TARGET.match(s)
    if m and _DEADLINE.search(m["unit"] or ""):
        return None, None, None  # "12月底前完成": a date, not a target value
    if m:
        unit = m["punit"] or m["unit"] or None
        for word, sop in SUFFIX_OPERATORS:
            if unit and unit.endswith(word) and not m["op"]:
                unit, suffix_op = unit[: -len(word)] or None, sop
                break
    else:
        hits = list(_EMBEDDED.finditer(s))
        if len(hits) != 1:
            return None, None, None
        m = hits[0]
        unit = m["unit"]
        if not m["op"] and unit not in ("%", "‰"):
            return None, None, None
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None, None, None
    op = _OPERATOR[m["op"]] if m["op"] else suffix_op or "="
    return op, value, unit


@dataclass
class _Table:
    """A table being read: header-block values, then indicator rows."""

    title: Line
    kind: str
    unit: str | None = None  # money unit printed in the header block
    heads: dict[str, tuple[int, object]] = field(default_factory=dict)  # field → (prio, value)
    pending: dict[int, tuple[str, int]] = field(default_factory=dict)  # column → (field, prio)
    columns: dict[str, int] | None = None  # indicator field → column
    rows: list[dict] = field(default_factory=list)
    carry: dict[str, str] = field(default_factory=lambda: {"level1": "", "level2": ""})

    # -- header block ------------------------------------------------------------------
    def head_row(self, line: Line) -> None:
        cells = line.cells
        pending, self.pending = self.pending, {}
        for col, (f, prio) in pending.items():  # a label whose value sits in the row below
            if col < len(cells) and cells[col] and _label(cells[col]) not in HEAD_LABELS:
                self._put(f, prio, _unwrap(cells[col]), "set")
        for i, cell in enumerate(cells):
            if not cell:
                continue
            if self.unit is None and (u := _UNIT_IN_LABEL.search(_norm(cell))):
                self.unit = u[1]
            spec = HEAD_LABELS.get(_label(cell))
            if spec is None:
                continue
            fld, prio, mode = spec
            if fld is None:
                continue
            value = next((c for c in cells[i + 1 :] if c), None)
            if value is not None and _label(value) in HEAD_LABELS:
                value = None
            if value is None:
                if fld in _TEXT_FIELDS:
                    self.pending[i] = (fld, prio)
                continue
            if fld in _AMOUNT_FIELDS:
                try:
                    amount = parse_amount(value, line.where())
                except MalformedNumber:
                    continue  # not an amount: leave the field unset rather than guess
                if amount is not None:
                    self._put(fld, prio, amount, mode)
            else:
                self._put(fld, prio, _unwrap(value), mode)

    def _put(self, fld: str, prio: int, value: object, mode: str) -> None:
        old = self.heads.get(fld)
        if old is None or prio > old[0]:
            self.heads[fld] = (prio, value)
        elif prio == old[0]:
            self.heads[fld] = (prio, old[1] + value if mode == "add" else value)  # type: ignore[operator]

    # -- indicators --------------------------------------------------------------------
    def header(self, line: Line) -> dict[str, int] | None:
        """Column map if `line` is the indicator header row (一级 … 三级指标 …)."""
        if not any("一级" in c for c in line.cells):
            return None
        labels = [_norm(c) for c in line.cells]
        if "一级指标" not in labels or "三级指标" not in labels:
            return None
        cols: dict[str, int] = {}
        for i, lab in enumerate(labels):
            for pat, fld in COLUMN_PATTERNS:
                if lab and pat.search(lab):
                    cols.setdefault(fld, i)
                    break
        return cols if "target" in cols else None

    def body_row(self, line: Line) -> None:
        assert self.columns is not None
        cells = line.cells
        get = {f: (cells[i].strip() if i < len(cells) else "") for f, i in self.columns.items()}
        filled = {f: v for f, v in get.items() if v and not _PLACEHOLDER.match(v)}
        if not filled or _TOTAL_ROW.match(_norm(next(iter(filled.values())))):
            return
        starts = (
            "target" in filled
            or "weight" in filled
            or ("level3" in filled and ({"level1", "level2"} & filled.keys()))
            or not self.rows
        )
        if starts:
            if "level1" in filled:
                self.carry = {"level1": filled["level1"], "level2": ""}
            if "level2" in filled:
                self.carry["level2"] = filled["level2"]
            self.rows.append({**self.carry, **filled, "_line": line})
            return
        prev = self.rows[-1]  # text wrapped onto this row continues the indicator above
        for f, v in filled.items():
            prev[f] = _unwrap(prev.get(f, "") + v)
            if f in self.carry:
                self.carry[f] = prev[f]

    def build(self) -> TargetTable | None:
        if not self.rows:
            return None
        heads = {f: v for f, (_, v) in self.heads.items()}
        factor_unit = self.unit or "万元"
        money = {
            f: to_wan(v, factor_unit) if isinstance(v := heads.get(f), Decimal) else None
            for f in ("total", "fiscal", "other", "carryover")
        }
        if money["total"] is None and self.kind == "department" and money["fiscal"] is not None:
            # 部门整体表 prints 资金总额 as a column of its sources: the total is their sum.
            money["total"] = money["fiscal"] + (money["other"] or Decimal(0))
        indicators = tuple(_indicator(r) for r in self.rows)
        name = heads.get("name") or self.title.text
        return TargetTable(
            kind=self.kind,
            name=str(name),
            owner=heads.get("owner"),  # type: ignore[arg-type]
            unit=heads.get("unit") or (heads.get("name") if self.kind == "department" else None),  # type: ignore[arg-type]
            total=money["total"],
            fiscal=money["fiscal"],
            other=money["other"],
            carryover=money["carryover"],
            goal=heads.get("goal"),  # type: ignore[arg-type]
            indicators=indicators,
            line=self.title,
        )


def _indicator(row: dict) -> Indicator:
    target = row.get("target", "")
    op, value, unit = parse_target(target)
    w = _WEIGHT.match(_norm(row.get("weight", "")))
    return Indicator(
        level1=_unwrap(row.get("level1", "")),
        level2=_unwrap(row.get("level2", "")),
        level3=_unwrap(row.get("level3", "")),
        target=target,
        operator=op,
        value=value,
        unit=unit,
        weight=Decimal(w[1]) if w else None,
        basis=row.get("basis") or None,
        prior=row.get("prior") or None,
        scoring=row.get("scoring") or None,
        line=row["_line"],
    )


def _is_title(line: Line) -> bool:
    return any("绩效目标" in c for c in line.cells) and bool(TABLE_TITLE.match(_norm(line.text)))


def extract(lines: list[Line]) -> list[TargetTable]:
    """Every 绩效目标表 in a document, in order. A title without an indicator header (a table
    of contents entry, "本部门无…") gives no table."""
    out: list[TargetTable] = []
    table: _Table | None = None
    last_row: Line | None = None
    page_break = False  # prose skipped at a page change: the next row must fit the table
    preamble = 0  # prose lines between a title and its first row ("(2024 年)", "单位：万元")

    def close() -> None:
        nonlocal table
        if table is not None and (built := table.build()) is not None:
            out.append(built)
        table = None

    for line in lines:
        if _is_title(line):
            close()
            kind = "project" if _PROJECT_TITLE.search(line.text) else "department"
            table, last_row, page_break, preamble = _Table(line, kind), None, False, 0
            continue
        if table is None:
            continue
        if not line.is_row:
            if _PAGE_NOISE.match(line.text.strip()):
                continue
            if last_row is None:  # "(2024 年)" under the title; too much prose: not a table
                preamble += 1
                if preamble > MAX_PREAMBLE:
                    close()
                continue
            if line.page is not None and line.page != last_row.page:
                page_break = True  # running header/footer on the page a table continues onto
                continue
            close()
            continue
        cols = table.header(line)
        if page_break and not cols and len(line.cells) != len(last_row.cells):  # type: ignore[union-attr]
            close()  # what follows the page break is not this table's continuation
            continue
        page_break = False
        if cols:
            table.columns = table.columns or cols
        elif table.columns is None:
            table.head_row(line)
        else:
            table.body_row(line)
        last_row = line
    close()
    return out
