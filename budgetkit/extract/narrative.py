"""情况说明: the narrative part of a disclosure → `Statement`s and `Fact`s.

A statement is one subject with its figures, e.g.

    一般公共预算 232.31 万元，占 67.87%，比上年预算增加 30.13 万元，增长 14.90%，主要原因是…

Its `topic` (see `TOPICS`) tells the checks which table figure it must agree with. Facts are
single named figures (政府采购, 国有资产, 预算绩效, 机关运行经费, 三公, 收支总预算, staffing
changes) with stable `topic`/`item` ids (see `FACTS`).

Works on both the Xinjiang template ("第三部分 … 部门预算情况说明") and Shanghai's
("部门预算编制说明", "其他相关情况说明", "…经费情况说明"). PDF lines are joined into
paragraphs first, so a figure wrapped over two lines ("增长\\n100.00%") still reads.

The prose helpers (`parts`, `paragraphs`) are shared with `profile` and `glossary`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..model import Fact, Statement
from ..reader.lines import Line
from .prose import _BRACKETS, _CN, _LEVEL1, _LEVEL2, Paragraph, norm, part_paragraphs

# --------------------------------------------------------------------------------------------
# Vocabularies (data)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lookup:
    """Where a topic's figure sits in the tables: `row` is "total" (the 总计/合计 row), "code"
    (the statement's function code) or an item id of `ROW_NAMES`."""

    table: str
    measure: str
    row: str = "total"
    side: str | None = None
    blank_is_zero: bool = True  # False when a template may lack the row altogether


@dataclass(frozen=True, slots=True)
class Topic:
    zh: str
    lookups: tuple[Lookup, ...] = ()
    base: str | None = None  # topic whose figure a share (占 x%) of this topic is taken of


def _t(zh: str, *lookups: Lookup, base: str | None = None) -> Topic:
    return Topic(zh, lookups, base)


L = Lookup
#: Canonical narrative topics → where the checks find the table figure to compare against.
TOPICS: dict[str, Topic] = {
    "summary.total": _t(
        "收支总预算",
        L("summary", "total", "total", "income"),
        L("income", "total"),
        L("expenditure", "total"),
    ),
    "income.total": _t("收入预算", L("income", "total"), L("summary", "total", "total", "income")),
    "income.fiscal": _t("财政拨款收入", L("income", "fiscal"), base="income.total"),
    "income.gpb": _t("一般公共预算收入", L("income", "gpb"), base="income.total"),
    "income.gov_fund": _t("政府性基金预算收入", L("income", "gov_fund"), base="income.total"),
    "income.soe": _t("国有资本经营预算收入", L("income", "soe"), base="income.total"),
    "income.unit_funds": _t("单位资金", L("income", "unit_funds"), base="income.total"),
    "income.business": _t("事业收入", L("income", "business"), base="income.total"),
    "income.operating": _t("事业单位经营收入", L("income", "operating"), base="income.total"),
    "income.other": _t("其他收入", L("income", "other"), base="income.total"),
    "income.carryover": _t("上年结转结余", L("income", "carryover"), base="income.total"),
    "expenditure.total": _t(
        "支出预算", L("expenditure", "total"), L("summary", "total", "total", "expenditure")
    ),
    "expenditure.basic": _t("基本支出", L("expenditure", "basic"), base="expenditure.total"),
    "expenditure.project": _t("项目支出", L("expenditure", "project"), base="expenditure.total"),
    "expenditure.function": _t(
        "支出功能分类科目", L("expenditure", "total", "code"), base="expenditure.total"
    ),
    "fiscal.total": _t(
        "财政拨款收支总预算",
        L("fiscal_summary", "total", "total", "income"),
        L("income", "fiscal"),
    ),
    "gpb.total": _t(
        "一般公共预算拨款",
        L("gpb_expenditure", "total"),
        L("fiscal_summary", "gpb", "total", "expenditure"),
        L("income", "gpb"),
    ),
    "gpb.basic": _t("一般公共预算基本支出", L("gpb_expenditure", "basic"), base="gpb.total"),
    "gpb.project": _t("一般公共预算项目支出", L("gpb_expenditure", "project"), base="gpb.total"),
    "gpb.function": _t(
        "一般公共预算支出功能分类科目", L("gpb_expenditure", "total", "code"), base="gpb.total"
    ),
    "gpb.basic.personnel": _t("人员经费", L("gpb_basic", "personnel"), base="gpb.basic"),
    "gpb.basic.public": _t("公用经费", L("gpb_basic", "public"), base="gpb.basic"),
    "gov_fund.total": _t("政府性基金预算支出", L("gov_fund", "total"), L("income", "gov_fund")),
    "soe.total": _t("国有资本经营预算支出", L("soe_capital", "total"), L("income", "soe")),
    "three_public.total": _t("“三公”经费", L("three_public", "total")),
    "three_public.abroad": _t("因公出国（境）费", L("three_public", "total", "abroad")),
    "three_public.vehicle": _t("公务用车购置及运行费", L("three_public", "total", "vehicle")),
    "three_public.vehicle_purchase": _t(
        "公务用车购置费", L("three_public", "total", "vehicle_purchase")
    ),
    "three_public.vehicle_operation": _t(
        "公务用车运行费", L("three_public", "total", "vehicle_operation")
    ),
    "three_public.reception": _t("公务接待费", L("three_public", "total", "reception")),
    "operating_costs": _t(
        "机关运行经费", L("three_public", "total", "operating_costs", blank_is_zero=False)
    ),
    "project.total": _t("项目预算安排规模"),  # per-project: no canonical table figure yet
}
del L

#: Labelled (non-code) table rows the lookups refer to: item id → printed names.
ROW_NAMES: dict[str, re.Pattern[str]] = {
    k: re.compile(v)
    for k, v in {
        "total": r"^(总计|合计|收入总计|支出总计|本年收入合计|本年支出合计)$",
        "abroad": r"^(其中：)?因公出国[（(]境[)）]费$",
        "vehicle": r"^公务用车购置及运行(维护)?费(（小计）|\(小计\))?$",
        "vehicle_purchase": r"^(其中：)?公务用车购置费$",
        "vehicle_operation": r"^(其中：)?公务用车运行(维护)?费$",
        "reception": r"^(其中：)?公务接待费$",
        "operating_costs": r"^机关运行经费(预算数?)?$",
    }.items()
}

#: Heading → scope of the section (first match wins; a sub-heading wins over its heading).
SCOPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (k, re.compile(v))
    for k, v in (
        ("procurement", r"政府采购"),
        ("assets", r"国有资产|资产占[有用]"),
        ("performance", r"预算绩效|绩效目标"),
        ("operating_costs", r"运行经费"),
        ("three_public", r"三公"),
        ("gov_fund", r"政府性基金"),
        ("soe", r"国有资本经营"),
        ("carryover", r"结转结余"),
        ("gpb", r"一般公共预算"),
        ("fiscal", r"财政拨款收支"),
        ("summary", r"收支预算情况|收支总预算"),
        ("income", r"收入预算"),
        ("expenditure", r"支出预算"),
    )
)
#: Scopes whose figures are facts only (no statements: no table figure to compare with).
FACT_ONLY_SCOPES = frozenset({"procurement", "assets", "performance"})

#: Subject (as printed, cleaned) → topic. (pattern, scopes it applies in or None, topic).
SUBJECTS: tuple[tuple[re.Pattern[str], frozenset[str] | None, str], ...] = tuple(
    (re.compile(p), frozenset(s.split()) if s else None, t)
    for p, s, t in (
        (r"预算安排规模|项目总预算", "", "project.total"),
        (r"因公出国", "", "three_public.abroad"),
        (r"公务用车购置及运行", "", "three_public.vehicle"),
        (r"公务用车购置", "", "three_public.vehicle_purchase"),
        (r"公务用车运行", "", "three_public.vehicle_operation"),
        (r"公务接待", "", "three_public.reception"),
        (r"三公", "", "three_public.total"),
        (r"运行经费", "", "operating_costs"),
        (r"人员经费", "", "gpb.basic.personnel"),
        (r"公用经费", "", "gpb.basic.public"),
        (r"（[类款项]）", "expenditure", "expenditure.function"),
        (r"（[类款项]）", "", "gpb.function"),
        (
            r"财政拨款收支总预算|财政拨款收入|财政拨款支出|^财政拨款(合计|小计)?$",
            "",
            "fiscal.total",
        ),
        (r"收支总预算", "", "summary.total"),
        (r"一般公共预算.*基本支出", "", "gpb.basic"),
        (r"一般公共预算.*项目支出", "", "gpb.project"),
        (r"一般公共预算", "income", "income.gpb"),
        (r"一般公共预算", "", "gpb.total"),
        (r"政府性基金", "income", "income.gov_fund"),
        (r"政府性基金", "", "gov_fund.total"),
        (r"国有资本经营", "income", "income.soe"),
        (r"国有资本经营", "", "soe.total"),
        (r"单位资金", "", "income.unit_funds"),
        (r"事业单位经营收入", "", "income.operating"),
        (r"事业收入", "", "income.business"),
        (r"其他收入", "", "income.other"),
        (r"上年结转", "", "income.carryover"),
        (r"基本支出", "gpb", "gpb.basic"),
        (r"基本支出", "", "expenditure.basic"),
        (r"项目支出", "gpb", "gpb.project"),
        (r"项目支出", "", "expenditure.project"),
        (r"收入预算|收入合计|收入总计", "", "income.total"),
        (r"支出预算|支出合计|支出总计", "", "expenditure.total"),
    )
)

#: National 支出功能分类 类 (function classes): used to resolve a class named without （类）
#: when the tables' names are not passed in.
CLASSES: dict[str, str] = {
    "201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出",
    "205": "教育支出", "206": "科学技术支出", "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出", "209": "社会保险基金支出", "210": "卫生健康支出",
    "211": "节能环保支出", "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出",
    "215": "资源勘探工业信息等支出", "216": "商业服务业等支出", "217": "金融支出",
    "219": "援助其他地区支出", "220": "自然资源海洋气象等支出", "221": "住房保障支出",
    "222": "粮油物资储备支出", "223": "国有资本经营预算支出", "224": "灾害防治及应急管理支出",
    "227": "预备费", "229": "其他支出", "230": "转移性支出", "231": "债务还本支出",
    "232": "债务付息支出", "233": "债务发行费用支出", "234": "抗疫特别国债安排的支出",
}  # fmt: skip

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

#: Prose facts: (topic, item, unit, pattern with one group `v`). An item prefixed "planned_"
#: is taken from a sentence about planned purchases (安排购置) — see `_PLANNED`.
FACTS: tuple[tuple[str, str, str, re.Pattern[str]], ...] = tuple(
    (t, i, u, re.compile(p.replace("NUM", f"(?P<v>{NUM})")))
    for t, i, u, p in (
        ("procurement", "total", "万元", r"政府采购预算(?:总额|金额)?(?:为|共计)?NUM万元"),
        ("procurement", "goods", "万元", r"政府采购货物预算(?:为)?NUM万元"),
        ("procurement", "works", "万元", r"政府采购工程预算(?:为)?NUM万元"),
        ("procurement", "services", "万元", r"政府采购服务预算(?:为)?NUM万元"),
        ("procurement", "sme_reserved", "万元", r"面向中小企业预留政府采购项目预算(?:金额)?(?:为)?NUM万元"),
        ("procurement", "small_micro_reserved", "万元", r"小微企业预留政府采购项目预算(?:金额)?(?:为)?NUM万元"),
        ("assets", "houses_area", "平方米", r"房屋(?:面积)?NUM平方米"),
        ("assets", "houses_value", "万元", r"房屋(?:面积)?[\d.,]+平方米[，,]价值NUM万元"),
        ("assets", "vehicles_count", "辆", r"(?<![用他])车辆NUM辆"),
        ("assets", "vehicles_value", "万元", r"(?<![用他])车辆[\d.,]+辆[，,]价值NUM万元"),
        ("assets", "vehicles.general_count", "辆", r"一般公务用车NUM辆"),
        ("assets", "vehicles.general_value", "万元", r"一般公务用车[\d.,]+辆[，,]价值NUM万元"),
        ("assets", "vehicles.law_enforcement_count", "辆", r"执法执勤用车NUM辆"),
        ("assets", "vehicles.law_enforcement_value", "万元", r"执法执勤用车[\d.,]+辆[，,]价值NUM万元"),
        ("assets", "vehicles.special_count", "辆", r"特种专业技术用车NUM辆"),
        ("assets", "vehicles.minister_count", "辆", r"部级领导干部用车NUM辆"),
        ("assets", "vehicles.leader_count", "辆", r"主要领导干部用车NUM辆"),
        ("assets", "vehicles.confidential_count", "辆", r"机要通信用车NUM辆"),
        ("assets", "vehicles.emergency_count", "辆", r"应急保障用车NUM辆"),
        ("assets", "vehicles.retiree_count", "辆", r"离退休干部用车NUM辆"),
        ("assets", "vehicles.other_count", "辆", r"其他(?:车辆|用车)NUM辆"),
        ("assets", "vehicles.other_value", "万元", r"其他车辆[\d.,]+辆[，,]价值NUM万元"),
        ("assets", "furniture_value", "万元", r"办公家具价值NUM万元"),
        ("assets", "other_value", "万元", r"其他资产价值NUM万元"),
        ("assets", "equipment_50_count", "台", r"(?<!\d)50万元(?:（含）)?以上(?:大型)?设备(?:（不含车辆）)?NUM台"),
        ("assets", "equipment_100_count", "台", r"(?<!\d)100万元(?:（含）)?以上(?:大型)?设备(?:（不含车辆）)?NUM台"),
        ("performance", "overall_count", "个", r"整体(?:预算)?绩效目标NUM个"),
        ("performance", "overall_amount", "万元", r"整体(?:预算)?绩效目标[\d,]+个[，,]涉及(?:预算)?金额NUM万元"),
        ("performance", "fiscal_projects_count", "个", r"(?<!非)财政拨款项目NUM个"),
        ("performance", "fiscal_projects_amount", "万元", r"(?<!非)财政拨款项目[\d,]+个[，,]涉及(?:预算)?金额NUM万元"),
        ("performance", "nonfiscal_projects_count", "个", r"非财政拨款项目NUM个"),
        ("performance", "nonfiscal_projects_amount", "万元", r"非财政拨款项目[\d,]+个[，,]涉及(?:预算)?金额NUM万元"),
        ("performance", "projects_count", "个", r"绩效目标的项目共?NUM个"),
        ("performance", "projects_amount", "万元", r"绩效目标的项目共?[\d,]+个[，,]涉及项目预算资金NUM万元"),
        ("staffing", "retirees_increase", "人", r"退休人员增加NUM[名人]"),
        ("staffing", "retirees_decrease", "人", r"退休人员减少NUM[名人]"),
        ("staffing", "staff_increase", "人", r"在职人员增加NUM[名人]"),
        ("staffing", "staff_decrease", "人", r"在职人员减少NUM[名人]"),
    )
)  # fmt: skip
#: A sentence is searched for a topic's facts only when it contains the topic's trigger.
FACT_TRIGGERS: dict[str, re.Pattern[str]] = {
    "procurement": re.compile(r"政府采购"),
    "assets": re.compile(r"平方米|辆|价值|设备"),
    "performance": re.compile(r"绩效|项目\d+个"),
    "staffing": re.compile(r"人员[增减]"),
}
_PLANNED = re.compile(r"安排购置|计划购置|拟购置")
_PLANNED_ITEMS = frozenset({"vehicles_count", "equipment_50_count", "equipment_100_count"})

#: Statement topics that are also recorded as facts: topic → (fact topic, item prefix).
STATEMENT_FACTS: dict[str, tuple[str, str]] = {
    "operating_costs": ("operating_costs", ""),
    "summary.total": ("summary", "total"),
    "three_public.total": ("three_public", "total"),
    "three_public.abroad": ("three_public", "abroad"),
    "three_public.vehicle": ("three_public", "vehicle"),
    "three_public.vehicle_purchase": ("three_public", "vehicle_purchase"),
    "three_public.vehicle_operation": ("three_public", "vehicle_operation"),
    "three_public.reception": ("three_public", "reception"),
}

# --------------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    rf"(?P<chg>(?P<cdir>增加|减少|增长|下降|降低|减|增)(?P<cnum>{NUM})万元)"
    rf"|(?P<grw>(?P<gdir>增长|下降|减少|增加|降低|上升)了?(?P<gnum>{NUM})%)"
    rf"|(?P<shr>占[^，,。；;%\d]{{0,30}}?(?P<snum>{NUM})%)"
    rf"|(?P<flat>持平)"
    rf"|(?P<amt>(?P<anum>{NUM})(?P<aunit>万元|亿元|万(?![\u4e00-\u9fff])))"
)
_NEGATIVE = frozenset({"减少", "下降", "降低", "减"})
_REASON = re.compile(r"(主要原因|原因主要)(是|为|：|:)?")
_SENTENCE = re.compile(r"[^。；;]*[。；;]?")
_CLAUSE = re.compile(r"[，,：:]")
_SUBJECT_STRIP = (
    re.compile(rf"^(其中|包括|[{_CN}]+、|[（(][{_CN}\d]+[)）]|\d+[、.．]|[“”\"'‘’]|\s)+"),
    re.compile(r"(比|较|与)(上年|\d{4}年)\S*$"),
    re.compile(r"^.*?\d{4}年(度)?(的)?"),
    re.compile(r"((预算数|预算|合计|共计|总额)(为|是)|为|是|预算数|合计|共计)$"),
    re.compile(r"[“”\"'‘’]"),
)
_GENERIC = re.compile(r"^(其中|包括|合计|共计|总计|预算|预算数|当年|本年|中|)$")
_LEVEL_MARK = re.compile(r"（([类款项])）")


def _clean_subject(text: str) -> str:
    s = text.translate(_BRACKETS)
    for pat in _SUBJECT_STRIP:
        s = pat.sub("", s)
    return s.strip("，,：:；;。 ")


def _subject(lead: str, printed: bool = False) -> str:
    """The subject a figure refers to: the last non-generic clause of the text before it.

    With `printed`, an amount whose lead is only generic ("合计") keeps that word as printed
    rather than an empty subject.
    """
    pieces = [p for p in _CLAUSE.split(lead) if not _REASON.search(p)]
    for piece in reversed(pieces):
        s = _clean_subject(piece)
        if not _GENERIC.match(s):
            return s
    if printed:
        for piece in reversed(pieces):
            if s := piece.strip("，,：:；;。“”\"' "):
                return s
    return ""


def _key(name: str) -> str:
    return norm(name).translate(_BRACKETS)


_CLASS_KEYS = {c: _key(n) for c, n in CLASSES.items()}
_last_keyed: tuple[object, dict, dict] = (None, {}, _CLASS_KEYS)


def _keyed(names: Mapping[str, str] | None) -> tuple[dict, dict]:
    """Normalised (all codes, class codes) of a names mapping, remembered for the last one."""
    global _last_keyed
    if names is None:
        return {}, _CLASS_KEYS
    if _last_keyed[0] is not names:
        pairs = names.items()
        if names and not next(iter(names)).isdigit():  # given as name → code: turn it round
            pairs = ((c, n) for n, c in names.items())
        table = {k: _key(v) for k, v in pairs}
        _last_keyed = (names, table, _CLASS_KEYS | {c: n for c, n in table.items() if len(c) == 3})
    return _last_keyed[1], _last_keyed[2]


def resolve_code(subject: str, names: Mapping[str, str] | None = None) -> str | None:
    """Function code of a subject like "A（类）B（款）C（项）" or a bare class name.

    `names` maps codes to printed names (code → name: names repeat across 款, e.g. 事业运行,
    so the code is the better key; a name → code mapping is accepted too). The chain is
    resolved 类 → 款 → 项, each level under its parent. Returns None unless every
    named level resolves (a 类 code for a 项 subject would be a wrong figure).
    """
    table, classes = _keyed(names)
    s = _key(subject)
    bits = _LEVEL_MARK.split(s)  # [name, "类", name, "款", name, "项", rest]
    if len(bits) > 1:
        named = dict(zip(bits[1::2], bits[0::2], strict=False))
        levels = [named.get(k) for k in "类款项"]
        while levels and levels[-1] is None:
            levels.pop()
    else:
        levels = [s]
    code = ""
    for depth, name in zip((3, 5, 7), levels, strict=False):
        if not name:
            return None
        pool = classes if depth == 3 else table
        hits = [c for c, n in pool.items() if len(c) == depth and c.startswith(code) and n == name]
        if len(hits) != 1:
            return None
        code = hits[0]
    return code or None


def topic_of(subject: str, scope: str | None, names: Mapping[str, str] | None = None):
    """(topic, code) of a subject in a section of `scope`; (None, None) when not attributable."""
    for pat, scopes, topic in SUBJECTS:
        if pat.search(subject) and (scopes is None or scope in scopes):
            if topic.endswith(".function"):
                return topic, resolve_code(subject, names)
            return topic, None
    code = resolve_code(subject, names)
    if code:
        return ("expenditure.function" if scope == "expenditure" else "gpb.function"), code
    return None, None


def _scope(*headings: str | None) -> str | None:
    for h in headings:
        if h:
            for scope, pat in SCOPES:
                if pat.search(h):
                    return scope
    return None


@dataclass(slots=True)
class _Draft:
    subject: str
    line: Line
    start: int
    amount: Decimal | None = None
    share: Decimal | None = None
    change: Decimal | None = None
    growth: Decimal | None = None
    reason: str | None = None
    end: int = 0


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _drafts(para: Paragraph) -> list[_Draft]:
    """Figures of one paragraph grouped by subject, with the stated reason."""
    text = para.text
    out: list[_Draft] = []
    cur: _Draft | None = None
    reason_open = False  # the last sentence ended inside a reason that may continue after ；
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.span()
        if s0 == s1:
            continue
        sentence = sm.group()
        rm = _REASON.search(sentence)
        stop = s0 + rm.start() if rm else s1
        tokens = [t for t in _TOKEN.finditer(text, s0, stop)]
        if cur is not None and reason_open and not tokens and not rm:
            cur.reason = (cur.reason or "") + sentence  # a reason continued after "；"
            reason_open = not sentence.endswith("。")
            continue
        reason_open = False
        prev = s0
        for t in tokens:
            lead = text[prev : t.start()]
            prev = t.end()
            subject = _subject(lead, printed=bool(t["amt"]))
            if t["amt"] or cur is None or subject:
                cur = _Draft(subject, para.line_at(t.start()), t.start())
                out.append(cur)
            cur.end = t.end()
            if t["amt"]:
                v = _num(t["anum"])
                cur.amount = v * 10000 if t["aunit"] == "亿元" else v
            elif t["chg"]:
                v = _num(t["cnum"])
                cur.change = -v if t["cdir"] in _NEGATIVE else v
            elif t["grw"]:
                v = _num(t["gnum"])
                cur.growth = -v if t["gdir"] in _NEGATIVE else v
            elif t["shr"]:
                cur.share = _num(t["snum"])
            elif t["flat"]:
                cur.change = Decimal(0)
        if rm and cur is not None:
            reason = text[s0 + rm.end() : s1].strip()
            cur.reason = (cur.reason + reason) if (cur.reason and not tokens) else reason
            reason_open = sentence.endswith(("；", ";"))
    for d in out:
        if d.reason:
            d.reason = d.reason.rstrip("。；;，, ") or None
    return out


def _sentence_around(text: str, start: int, end: int) -> str:
    a = max(text.rfind("。", 0, start), text.rfind("；", 0, start)) + 1
    b = text.find("。", end)
    return text[a : (b + 1 if b >= 0 else len(text))]


def extract(
    lines: list[Line], names: Mapping[str, str] | None = None
) -> tuple[list[Statement], list[Fact]]:
    """Statements and facts of the 情况说明 part(s) of a document's lines.

    `names` (code → printed name, from the tables) resolves 类/款/项 subjects to codes; without
    it only 类 names resolve (via `CLASSES`) and a 款/项 keeps its subject with code None.
    """
    statements: list[Statement] = []
    facts: list[Fact] = []
    section = sub = part_head = None
    weak = False  # a Shanghai-style part heading names what its sections are about
    for para in part_paragraphs(lines, "narrative"):
        if para.heading:
            if para.is_part:
                part_head, section, sub = para.text, None, None
                weak = not _LEVEL1.match(para.text)
            elif _LEVEL2.match(para.text):
                sub = para.text
            elif _LEVEL1.match(para.text):
                section, sub = para.text, None
            continue
        scope = _scope(sub, section, part_head)
        facts.extend(_facts(para))
        if scope in FACT_ONLY_SCOPES:
            continue
        for d in _drafts(para):
            topic, code = topic_of(d.subject, scope, names)
            where = " / ".join(h for h in (part_head if weak else None, section) if h)
            st = Statement(
                section=where or part_head or "",
                subject=d.subject,
                code=code,
                amount=d.amount,
                share=d.share,
                change=d.change,
                growth=d.growth,
                reason=d.reason,
                sentence=_sentence_around(para.text, d.start, d.end),
                line=d.line,
                topic=topic,
            )
            statements.append(st)
            facts.extend(_statement_facts(st))
    return statements, facts


def _statement_facts(st: Statement) -> Iterable[Fact]:
    if st.topic not in STATEMENT_FACTS:
        return
    topic, prefix = STATEMENT_FACTS[st.topic]
    for suffix, value, unit in (
        ("amount", st.amount, "万元"),
        ("change", st.change, "万元"),
        ("growth", st.growth, "%"),
    ):
        if value is not None:
            item = f"{prefix}.{suffix}" if prefix else suffix
            if prefix and suffix == "amount":
                item = prefix
            yield Fact(topic, item, value, unit, st.sentence, st.line)


def _facts(para: Paragraph) -> Iterable[Fact]:
    text = para.text
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group().translate(_BRACKETS)
        if not sentence:
            continue
        planned = bool(_PLANNED.search(sentence))
        hot = {t for t, trig in FACT_TRIGGERS.items() if trig.search(sentence)}
        if not hot:
            continue
        for topic, item, unit, pat in FACTS:
            if topic not in hot:
                continue
            for m in pat.finditer(sentence):
                name = item
                if topic == "assets" and planned:
                    if item not in _PLANNED_ITEMS and not item.startswith("vehicles."):
                        continue
                    name = f"planned_{item}"
                yield Fact(
                    topic, name, _num(m["v"]), unit, sentence, para.line_at(sm.start() + m.start())
                )


def names_from(amounts: Iterable) -> dict[str, str]:
    """code → printed name from table `Amount`s (function codes only), for `extract(names=)`."""
    names: dict[str, str] = {}
    for a in amounts:  # the first printing wins: later tables may decorate the name (项目名称)
        if a.code and a.code.isdigit():
            names.setdefault(a.code, a.name)
    return names
