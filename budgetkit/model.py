"""The records a parsed disclosure is made of. Plain, immutable dataclasses: the reader and
the checks work on these (fast, exact); `Document` turns them into pandas DataFrames on demand.

Money fields are `Decimal` in 万元 (see `money`); `printed` keeps the text as printed and
`unit` the unit it was printed in. Every record keeps the `Line` it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .reader.lines import Line


@dataclass(frozen=True, slots=True)
class Meta:
    department: str | None
    year: int | None
    kind: str  # "budget" (预算) or "final" (决算)
    scope: str  # "department" (部门) or "unit" (单位)
    unit_as_printed: str | None  # the tables' unit, e.g. "万元" or "元"
    source: str  # path of the file read (a split publication: its narrative file)
    format: str  # "text", "pdf", "html", "dump"
    template: str = "standard"  # the template the document was read with
    template_evidence: tuple[str, ...] = ()  # why that template (patterns that matched)
    # "full", "tables" (tables only), "narrative" (no tables), "targets", "split" (a narrative
    # file and a tables file read as one document, `pairing`)
    publication: str = "full"
    sources: tuple[str, ...] = ()  # every file read (a narrative and a tables file when split)


@dataclass(frozen=True, slots=True)
class Amount:
    """One figure of a canonical table: (table, row, measure) → value in 万元."""

    table: str  # canonical table id, e.g. "expenditure"
    code: str | None  # function/economic code as a digit string ("201", "20103", "2010302")
    name: str  # row label as printed (without the code)
    measure: str  # canonical measure id, e.g. "total", "basic"
    value: Decimal  # in 万元, exact
    printed: str  # the cell as printed
    unit: str  # printed unit of the table ("万元", "元")
    line: Line
    side: str | None = (
        None  # "income" / "expenditure" in two-sided tables (summary, fiscal_summary)
    )
    row: int = 0  # 0-based row order within the table (for stable output)
    item: str | None = None  # canonical row item for labelled rows (catalog [items]), e.g. "total"
    org: str | None = None  # the subordinate budget unit a row belongs to (None: the department)

    @property
    def level(self) -> int | None:
        """1 = 类, 2 = 款, 3 = 项 (function codes 3/5/7 digits; economic 3/5)."""
        return {3: 1, 5: 2, 7: 3}.get(len(self.code)) if self.code else None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell of a canonical table that should hold a figure but does not read as one (its
    `read.number.malformed` finding says how it is printed). It is never a figure, and never
    a blank cell (0) either: no headline figure or identity is computed from it."""

    table: str
    side: str | None
    row: int
    item: str | None
    measure: str
    code: str | None
    name: str  # row label as printed
    unit: str
    printed: str  # the cell as printed
    line: Line
    org: str | None = None  # the subordinate budget unit of the row (None: the department)


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What the reader found for one canonical table (present, empty, or unrecognised)."""

    table: str | None  # canonical id; None when the title/headers were not recognised
    title: str
    unit: str | None
    line: Line
    empty: bool = False  # declared empty (为空表 / 本部门无…)
    note: str | None = None  # the sentence declaring it empty, or other note
    columns: tuple[tuple[str, str | None], ...] = ()  # (header path, measure/role or None)
    label: str = ""  # the table's label as printed: 表1, 公开01表, 一、
    evidence: str = ""  # why the block was taken for `table` (or why not)
    known: str | None = None  # a recognised table that is not a money table (performance, …)
    pages: tuple[int, ...] = ()  # pages the table spans
    cells: int = 0  # printed amount cells in its value columns (for the coverage self-check)
    read: int = 0  # amounts read from it (they follow the previous table's in Parsed.amounts)
    unmapped: tuple[str, ...] = ()  # headers of columns that print figures but mean nothing known


@dataclass(frozen=True, slots=True)
class Statement:
    """One narrative statement about a subject, e.g.

    一般公共预算 232.31 万元，占 67.87%，比上年预算增加 30.13 万元，增长 14.90%，主要原因是…

    Each figure is optional; `change` and `growth` are signed (减少/下降 → negative).
    """

    section: str  # heading of the 情况说明 part it sits in, e.g. "二、…收入预算情况说明"
    subject: str  # what it is about, as printed: "一般公共预算", "基本支出", "公务接待费", …
    code: str | None  # function code when the subject is a 类/款/项 line
    amount: Decimal | None  # 万元
    share: Decimal | None  # percent, e.g. Decimal("67.87")
    change: Decimal | None  # 万元, signed
    growth: Decimal | None  # percent, signed
    reason: str | None
    sentence: str
    line: Line
    topic: str | None = None  # canonical topic the checks compare against (see narrative.TOPICS)
    # Final accounts (决算): which `figure` of the topic `amount` is (None: the primary figure,
    # 决算数; "budget"/"initial"/"adjusted": a 预算数; "opening"/"current"/"closing"/
    # "distribution": a flow of 年初结转和结余 + 本年收入 − 本年支出 − 结余分配 = 年末结转和结余)
    figure: str | None = None
    completion: Decimal | None = None  # 完成预算 y% (percent)
    relation: str | None = None  # 决算数大于/小于/等于预算数: "more" / "less" / "equal"
    budget_change: Decimal | None = None  # 决算数较预算数增加/减少 x 万元 (signed 决算 − 预算)
    budget_growth: Decimal | None = None  # 比预算数增长/下降 x% (signed percent)
    share_of: str | None = None  # what the share is of, as printed (占本年支出合计的 x%)


@dataclass(frozen=True, slots=True)
class Fact:
    """A single named figure from the prose: procurement, assets, 机关运行经费, counts…"""

    topic: str  # e.g. "procurement", "assets", "operating_costs", "performance", "three_public"
    item: str  # e.g. "goods", "houses_area", "vehicles_count"
    value: Decimal
    unit: str  # "万元", "平方米", "辆", "台", "个", "%"
    sentence: str
    line: Line


@dataclass(frozen=True, slots=True)
class Staffing:
    category: str  # "编制数", "实有人数", "在职", "退休", "离休"
    count: int
    increase: int | None
    line: Line


@dataclass(frozen=True, slots=True)
class Profile:
    functions: str | None
    institutions: str | None
    staffing: tuple[Staffing, ...] = ()


@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str  # 一级指标
    level2: str  # 二级指标
    level3: str  # 三级指标
    target: str  # 指标值 as printed
    operator: str | None  # "≥", "≤", "=", ">", "<", or None for qualitative
    value: Decimal | None
    unit: str | None
    weight: Decimal | None
    basis: str | None  # 指标(值)设定依据
    prior: str | None  # 上年完成值 as printed
    scoring: str | None  # 指标赋分规则
    line: Line


@dataclass(frozen=True, slots=True)
class TargetTable:
    """One 绩效目标表: the department-level table or one project's."""

    kind: str  # "department" or "project"
    name: str  # project name, or the department name
    owner: str | None  # 项目负责人 / 联系人
    unit: str | None  # 预算单位 / 部门名称
    total: Decimal | None  # 万元
    fiscal: Decimal | None
    other: Decimal | None
    goal: str | None
    indicators: tuple[Indicator, ...]
    line: Line
    carryover: Decimal | None = None  # 上年结转资金, part of the total where the table prints it


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    explanation: str
    line: Line


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a check, built from the rule catalogue (`catalog.rules.finding`)."""

    rule: str  # stable id, e.g. "table.row_sum.rounding"
    severity: str  # "error", "warning", "info"
    table: str | None
    code: str | None
    message: str  # Chinese, with the figures
    expected: str | None
    actual: str | None
    file: str  # the source file
    page: int | None = None  # 1-based PDF page (None for text files)
    line: int | None = None  # line within the page (PDF) or the file (text)

    @property
    def location(self) -> str:
        """ "file:p.N l.M" or "file:line N" (just "file" for a whole-document finding)."""
        if self.line is None:
            return self.file
        where = f"p.{self.page} l.{self.line}" if self.page is not None else f"line {self.line}"
        return f"{self.file}:{where}"


@dataclass(slots=True)
class Parsed:
    """Everything the reader extracted from one file."""

    meta: Meta
    amounts: list[Amount] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    profile: Profile | None = None
    targets: list[TargetTable] = field(default_factory=list)
    glossary: list[Term] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # problems met while reading
    unreadable: list[Unreadable] = field(default_factory=list)  # cells that are not numbers
    contents: list = field(default_factory=list)  # layout.Entry: tables a 目录 lists
    stray: list = field(default_factory=list)  # rows with amounts outside any table (Line)
    prose: list = field(default_factory=list)  # every line outside a table block (Line)
    lines: list = field(default_factory=list)  # every line read, in order (Line), for text checks
