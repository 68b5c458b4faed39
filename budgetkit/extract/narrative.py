"""情况说明: the narrative part of a disclosure → `Statement`s and `Fact`s.

Size: one phrase grammar (tokens, subjects, figure words, 其中 parts) read in one pass per
paragraph; its vocabulary is data (standard/narrative.toml), the grammar stays together.

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
from functools import cache

from ..catalog import Ref
from ..catalog.classification import economic, function_aliases, function_classes
from ..catalog.templates import Template, template
from ..model import Fact, Statement
from ..reader.lines import Line
from .prose import _BRACKETS, _CN, _LEVEL1, _LEVEL2, Paragraph, Prose, norm, part_paragraphs

# --------------------------------------------------------------------------------------------
# Vocabularies: template data (standard/narrative.toml)
# --------------------------------------------------------------------------------------------

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class Topic:
    """A narrative topic: where the tables print its figure, and what a share of it is of."""

    zh: str
    lookups: tuple[Ref, ...] = ()
    base: str | None = None  # topic whose figure a share (占 x%) of this topic is taken of
    strict: bool = False  # a row the table does not print is no figure (not 0)


@dataclass(frozen=True)
class Vocab:
    topics: dict[str, Topic]
    scopes: tuple[tuple[str, re.Pattern[str]], ...]
    fact_only_scopes: frozenset[str]
    subjects: tuple[tuple[re.Pattern[str], frozenset[str] | None, str], ...]
    function_topics: dict[str, str]
    facts: tuple[tuple[str, str, str, re.Pattern[str]], ...]
    fact_triggers: dict[str, re.Pattern[str]]
    planned: re.Pattern[str]
    planned_items: frozenset[str]
    statement_facts: dict[str, tuple[str, str]]
    change_sums: tuple
    final: FinalVocab
    economic_fund: re.Pattern[str]  # words naming the fund an economic 款 is spent from
    economic_scopes: frozenset[str]  # sections about that fund
    narrow: dict[str, tuple[str, ...]]  # topic → its 其中 parts that are its own ((): all)
    parts: dict[str, tuple[tuple[re.Pattern[str], str], ...]]  # topic → its 其中 parts' topics


@dataclass(frozen=True)
class FinalVocab:
    """How the narrative of final accounts names its figures (narrative.final)."""

    figures: tuple[tuple[re.Pattern[str], str], ...]  # subject ending → figure
    figure_subjects: tuple[tuple[re.Pattern[str], str], ...]  # subject that is only a figure
    versus_budget: re.Pattern[str]
    relations: tuple[tuple[re.Pattern[str], str], ...]

    def figure_of(self, subject: str) -> tuple[str, str | None]:
        """(subject without its figure words, figure); "" as subject: about the one before."""
        base, figure = subject, None
        for pat, fig in self.figures:
            if m := pat.search(subject):
                base, figure = subject[: m.start()], fig
                break
        for pat, fig in self.figure_subjects:
            if pat.search(base) or pat.search(subject):
                return "", fig
        return base, figure


@cache
def _economic_items() -> dict[str, str]:
    """款 of the economic classification by name (委托业务费 → 30227), leaving out names that
    are also a function class's (其他支出)."""
    functions = set(function_classes().values()) | set(function_aliases())
    return {n: c for c, n in economic().items() if len(c) == 5 and n not in functions}


_FUNCTION_MARK = re.compile(r"[（(]\d*[类款项][)）]|[（(]\d{3,7}[)）]")


@cache
def _function_names() -> re.Pattern[str]:
    names = sorted({*function_classes().values(), *function_aliases()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def _economic_subject(subject: str, scope: str | None, v: Vocab) -> bool:
    """An economic 款 named as the fund's spending (一般公共预算安排委托业务费), not a function
    item (机关事业单位基本养老保险缴费支出（2080505）, 住房保障支出-住房改革支出-住房公积金) nor a
    project's own allocation (资金分配情况：劳务费 22.4 万元)."""
    if _FUNCTION_MARK.search(subject) or _function_names().search(subject):
        return False
    return scope in v.economic_scopes or bool(v.economic_fund.search(subject))


def _subject_pattern(p: str) -> re.Pattern[str]:
    """A subject rule's pattern; "@economic" stands for any 款 of the economic classification."""
    if p == "@economic":
        names = sorted(_economic_items(), key=len, reverse=True)
        return re.compile(f"(?:{'|'.join(map(re.escape, names))})(?!支出)")
    return re.compile(p)


@cache
def vocab(tpl: Template | None = None) -> Vocab:
    """The narrative vocabulary of a template (the standard's by default)."""
    n = (tpl or template()).section("narrative")
    return Vocab(
        topics={
            k: Topic(
                v["zh"],
                tuple(Ref(*r) for r in v.get("lookups", ())),
                v.get("base"),
                v.get("strict", False),
            )
            for k, v in n["topics"].items()
        },
        scopes=tuple((k, re.compile(p)) for k, p in n["scopes"]),
        fact_only_scopes=frozenset(n["fact_only_scopes"]),
        subjects=tuple(
            (_subject_pattern(p), frozenset(sc.split()) if sc else None, t)
            for p, sc, t in n["subjects"]
        ),
        function_topics=dict(n["function_topics"]),
        facts=tuple(
            (t, i, u, re.compile(p.replace("NUM", f"(?P<v>{NUM})"))) for t, i, u, p in n["facts"]
        ),
        fact_triggers={k: re.compile(v) for k, v in n["fact_triggers"].items()},
        planned=re.compile(n["planned"]),
        planned_items=frozenset(n["planned_items"]),
        statement_facts={k: (v[0], v[1]) for k, v in n["statement_facts"].items()},
        change_sums=tuple(tuple(x) for x in n["change_sums"]),
        economic_fund=re.compile(n["economic"]["fund"]),
        economic_scopes=frozenset(n["economic"]["scopes"]),
        narrow={p: tuple(n["narrow"][p]) for p in n["narrow"]},
        parts={
            p: tuple((re.compile(pat), t) for pat, t in rules) for p, rules in n["parts"].items()
        },
        final=FinalVocab(
            figures=tuple((re.compile(f"(?:{p})$"), f) for p, f in n["final"]["figures"]),
            figure_subjects=tuple((re.compile(p), f) for p, f in n["final"]["figure_subjects"]),
            versus_budget=re.compile(n["final"]["versus_budget"]),
            relations=tuple((re.compile(p), r) for p, r in n["final"]["relations"]),
        ),
    )


def topics(tpl: Template | None = None) -> dict[str, Topic]:
    return vocab(tpl).topics


_TOKEN = re.compile(
    rf"(?P<done>(?:完成|为)了?(?P<dscope>年初|全年|调整)?预算数?"
    rf"(?:(?P<dnum>{NUM})(?P<dunit>万元|元))?的?(?P<dpct>{NUM})%)"
    rf"|(?P<done2>预算(?:完成|执行)率(?:为|达)?(?P<d2pct>{NUM})%)"
    rf"|(?P<chg>(?P<cdir>增加|减少|增长|下降|降低|减|增)(?P<cnum>{NUM})(?P<cunit>万元|元))"
    rf"|(?P<grw>(?P<gdir>增长|下降|减少|增加|降低|上升)了?(?P<gnum>{NUM})%)"
    rf"|(?P<shr>占(?P<sof>[^，,。；;%\d]{{0,30}}?)(?P<snum>{NUM})%)"
    rf"|(?P<flat>持平)"
    rf"|(?P<amt>(?P<anum>{NUM})(?P<aunit>万元|亿元|万(?![\u4e00-\u9fff])|元))"
)
_NEGATIVE = frozenset({"减少", "下降", "降低", "减"})
_REASON = re.compile(r"(主要原因|原因主要)(是|为|：|:)?")
_CLASS_CODE = re.compile(r"[（(]\d{3,7}[)）]")  # a class named with its code: 商品和服务支出（302）
_SENTENCE = re.compile(r"[^。；;]*[。；;]?")
_CLAUSE = re.compile(r"[，,：:]")
_SUBJECT_STRIP = (
    re.compile(
        rf"^(其中|包括|按.{{2,4}}分类(支出)?划分为|[{_CN}]+、|[（(][{_CN}\d]+[)）]|\d+[、.．]|[“”\"'‘’]|\s)+"
    ),
    re.compile(r"(比|较|与)(上年|\d{4}年)\S*$"),
    re.compile(r"^.*?\d{4}年(度)?(的)?"),
    re.compile(r"((预算数|预算|合计|共计|总额)(为|是)|为|是|预算数|合计|共计)$"),
    re.compile(r"[“”\"'‘’]"),
)
_SUBJECT_STRIP_FINAL = (
    *_SUBJECT_STRIP[:3],
    re.compile(r"((合计|共计|总额)(为|是)|为|是|合计|共计)$"),
    *_SUBJECT_STRIP[4:],
)
_GENERIC = re.compile(r"^(其中|包括|合计|共计|总计|预算|预算数|当年|本年|中|)$")
_LEVEL_MARK = re.compile(r"（([类款项])）")


def _clean_subject(text: str, final: bool = False) -> str:
    """The subject words of a clause; in final accounts the words saying which figure it is
    (预算, 决算) stay for `FinalVocab.figure_of`."""
    s = text.translate(_BRACKETS)
    for pat in _SUBJECT_STRIP_FINAL if final else _SUBJECT_STRIP:
        s = pat.sub("", s)
    return s.strip("，,：:；;。 ")


def _subject(lead: str, printed: bool = False, final: bool = False, last: bool = False) -> str:
    """The subject a figure refers to: the last non-generic clause of the text before it
    (with `last`, only the last clause: a change after a description of what the amount
    is, 其他收入 878.44 万元，包括存款利息收入…等，比上年增加 326.11 万元, is the amount's).

    With `printed`, an amount whose lead is only generic ("合计") keeps that word as printed
    rather than an empty subject.
    """
    pieces = [p for p in _CLAUSE.split(lead) if not _REASON.search(p)]
    for piece in reversed(pieces[-1:] if last else pieces):
        s = _clean_subject(piece, final)
        if not _GENERIC.match(s):
            return s
    if printed:
        for piece in reversed(pieces):
            if s := piece.strip("，,：:；;。“”\"' "):
                return s
    return ""


def _key(name: str) -> str:
    return _ENUMERATION.sub("", norm(name).translate(_BRACKETS))


_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.．](?!\d))"
)


class Names(dict):
    """code → printed name (from the tables), with the normalised lookups `resolve_code` needs
    computed once: every code's key, and the 类 keys (the national classes' where the tables
    print none)."""

    def __init__(self, mapping: Mapping[str, str] | None = None):
        pairs = list((mapping or {}).items())
        if pairs and not pairs[0][0].isdigit():  # given as name → code: turn it round
            pairs = [(c, n) for n, c in pairs]
        super().__init__(pairs)
        self.keys_by_code = {c: _key(n) for c, n in pairs}
        self.class_keys = _class_keys() | {
            c: n for c, n in self.keys_by_code.items() if len(c) == 3
        }


@cache
def _class_keys() -> dict[str, str]:
    return {c: _key(n) for c, n in function_classes().items()}


def resolve_code(subject: str, names: Mapping[str, str] | None = None) -> str | None:
    """Function code of a subject like "A（类）B（款）C（项）" or a bare class name.

    `names` maps codes to printed names (code → name: names repeat across 款, e.g. 事业运行,
    so the code is the better key; a name → code mapping is accepted too). The chain is
    resolved 类 → 款 → 项, each level under its parent. Returns None unless every
    named level resolves (a 类 code for a 项 subject would be a wrong figure).
    """
    if not isinstance(names, Names):
        names = Names(names)
    table, classes = names.keys_by_code, names.class_keys
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
        bare = name.removesuffix("支出")  # 一般公共服务（类） names 一般公共服务支出
        hits = [
            c
            for c, n in pool.items()
            if len(c) == depth
            and c.startswith(code)
            and (n == name or n.removesuffix("支出") == bare)
        ]
        if len(hits) != 1:
            return None
        code = hits[0]
    return code or None


def topic_of(
    subject: str,
    scope: str | None,
    names: Mapping[str, str] | None = None,
    tpl: Template | None = None,
):
    """(topic, code) of a subject in a section of `scope`; (None, None) when not attributable."""
    v = vocab(tpl)
    for pat, scopes, topic in v.subjects:
        if (m := pat.search(subject)) and (scopes is None or scope in scopes):
            if topic.endswith(".economic") and not _economic_subject(subject, scope, v):
                continue
            if topic.endswith(".function"):
                return topic, resolve_code(subject, names)
            if topic.endswith(".economic"):
                return topic, _economic_items().get(m.group(0))
            return topic or None, None  # "": a named part of a figure, no topic
    code = resolve_code(subject, names)
    if code:
        return v.function_topics.get(scope or "", v.function_topics[""]), code
    return None, None


def _scope(v: Vocab, *headings: str | None) -> str | None:
    for h in headings:
        if h:
            for scope, pat in v.scopes:
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
    share_of: str | None = None
    change: Decimal | None = None
    growth: Decimal | None = None
    reason: str | None = None
    end: int = 0
    figure: str | None = None
    completion: Decimal | None = None
    relation: str | None = None
    budget_change: Decimal | None = None
    budget_growth: Decimal | None = None
    parent: _Draft | None = None  # the figure a 其中 clause breaks down


def _wan(v: Decimal, unit: str) -> Decimal:
    """A stated amount in 万元, exactly (the narrative may state 元 or 亿元)."""
    return v.scaleb(4) if unit == "亿元" else v.scaleb(-4) if unit == "元" else v


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _drafts(para: Paragraph, final: FinalVocab | None = None) -> list[_Draft]:
    """Figures of one paragraph grouped by subject, with the stated reason.

    With `final` (final accounts), a subject's figure words say which figure of it an amount
    is (年初预算 139.01 万元，支出决算 296.05 万元: one subject, two figures), and completion
    rates, differences from the budget and the stated relation to it are read too.
    """
    text = para.text
    out: list[_Draft] = []
    cur: _Draft | None = None
    bare: str | None = None  # a sentence that is only a subject (1.X（类）Y（款）Z（项）。)
    reason_open = False  # the last sentence ended inside a reason that may continue after ；
    parent: _Draft | None = None  # 其中: the figures up to the sentence's end are its parts
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.span()
        if s0 == s1:
            continue
        sentence = sm.group()
        rm = _REASON.search(sentence)
        stop = s0 + rm.start() if rm else s1
        tokens = [
            t for t in _TOKEN.finditer(text, s0, stop) if final or not (t["done"] or t["done2"])
        ]
        relations = _relations(text, s0, s1, final) if final else []
        if cur is not None and reason_open and not tokens and not rm and not relations:
            cur.reason = (cur.reason or "") + sentence  # a reason continued after "；"
            reason_open = not sentence.endswith("。")
            continue
        reason_open = False
        if final and not tokens and not rm and not relations:
            bare = _clean_subject(_ENUMERATION.sub("", sentence.strip()))  # 1.X（类）Y（款）。
            continue
        prev = s0
        versus_budget = False  # the last change was on the budget (its growth is too)
        for t in tokens:
            while relations and relations[0][0] < t.start() and cur is not None:
                cur.relation = relations.pop(0)[1]
            lead = text[prev : t.start()]
            prev = t.end()
            if "其中" in lead and t["amt"]:  # the figure broken down: the last one named
                parent = next((d for d in reversed(out) if d.subject), cur)
            subject = _subject(lead, bool(t["amt"]), final is not None, last=not t["amt"])
            figure = None
            if final and t["amt"]:
                subject, figure = final.figure_of(subject)
                if not subject and figure is not None:
                    # 年初预算 0 万元，支出决算 296.05 万元: the subject before's
                    subject = bare or (cur.subject if cur is not None else "")
                    bare = None
            elif final and (t["chg"] or t["grw"]):
                if t["chg"]:
                    versus_budget = bool(final.versus_budget.search(_clean_subject(lead)))
                if versus_budget and cur is not None:
                    v = _wan(_num(t["cnum"]), t["cunit"]) if t["chg"] else _num(t["gnum"])
                    negative = (t["cdir"] if t["chg"] else t["gdir"]) in _NEGATIVE
                    if t["chg"]:
                        cur.budget_change = -v if negative else v
                    else:
                        cur.budget_growth = -v if negative else v
                    cur.end = t.end()
                    continue
            if final and (t["done"] or t["done2"]) and cur is not None:
                cur.completion = _num(t["dpct"] or t["d2pct"])
                cur.end = t.end()
                if t["dnum"]:  # 完成预算 0 万元的 0%: the budget is stated too
                    scope = {"年初": "initial", "调整": "adjusted"}.get(t["dscope"], "budget")
                    budget = _Draft(cur.subject, para.line_at(t.start()), t.start())
                    budget.amount, budget.figure = _wan(_num(t["dnum"]), t["dunit"]), scope
                    budget.end = t.end()
                    out.append(budget)
                continue
            if t["amt"] or cur is None or subject:
                cur = _Draft(subject, para.line_at(t.start()), t.start(), parent=parent)
                cur.figure = None if figure == "actual" else figure
                out.append(cur)
            cur.end = t.end()
            if t["amt"]:
                v = _num(t["anum"])
                cur.amount = _wan(v, t["aunit"])
            elif t["chg"]:
                v = _num(t["cnum"])
                v = _wan(v, t["cunit"])
                cur.change = -v if t["cdir"] in _NEGATIVE else v
            elif t["grw"]:
                v = _num(t["gnum"])
                cur.growth = -v if t["gdir"] in _NEGATIVE else v
            elif t["shr"]:
                cur.share = _num(t["snum"])
                cur.share_of = _share_of(t["sof"])
            elif t["flat"]:
                cur.change = Decimal(0)
        if cur is not None:
            for _, relation in relations:
                cur.relation = relation
        bare = None  # a subject sentence names the figures of the sentence after it only
        if sentence.endswith("。"):
            parent = None
        if rm and cur is not None:
            reason = text[s0 + rm.end() : s1].strip()
            cur.reason = (cur.reason + reason) if (cur.reason and not tokens) else reason
            reason_open = sentence.endswith(("；", ";"))
    for d in out:
        if d.reason:
            d.reason = d.reason.rstrip("。；;，, ") or None
    return out


_SHARE_WORDS = re.compile(r"(的)?(比重|比例|份额)?(为|达)?$")


def _share_of(words: str | None) -> str | None:
    """What a share is of, as printed (占本年支出合计的 14.27% → 本年支出合计), None if unsaid."""
    s = _SHARE_WORDS.sub("", (words or "").strip())
    return s or None


def _relations(text: str, s0: int, s1: int, final: FinalVocab) -> list[tuple[int, str]]:
    """(position, relation) of each 决算数大于/小于/等于预算数 in a sentence, in order."""
    found = [(m.start(), rel) for pat, rel in final.relations for m in pat.finditer(text, s0, s1)]
    return sorted(found)


def _sentence_around(text: str, start: int, end: int) -> str:
    a = max(text.rfind("。", 0, start), text.rfind("；", 0, start)) + 1
    b = text.find("。", end)
    return text[a : (b + 1 if b >= 0 else len(text))]


def extract(
    lines: Prose | list[Line],
    names: Mapping[str, str] | None = None,
    tpl: Template | None = None,
    kind: str = "budget",
) -> tuple[list[Statement], list[Fact]]:
    """Statements and facts of the 情况说明 part(s) of a document's lines.

    `names` (code → printed name, from the tables) resolves 类/款/项 subjects to codes; without
    it only 类 names resolve (via the national classification) and a 款/项 keeps its subject with code None.
    """
    v = vocab(tpl)
    final = v.final if kind == "final" else None
    statements: list[Statement] = []
    facts: list[Fact] = []
    section = sub = part_head = None
    weak = False  # a Shanghai-style part heading names what its sections are about
    for para in part_paragraphs(lines, "narrative", tpl):
        if para.heading:
            if para.is_part:
                part_head, section, sub = para.text, None, None
                weak = not _LEVEL1.match(para.text)
            elif _LEVEL2.match(para.text):
                sub = para.text
            elif _LEVEL1.match(para.text):
                section, sub = para.text, None
            continue
        scope = _scope(v, sub, section, part_head)
        facts.extend(_facts(para, v))
        if scope in v.fact_only_scopes:
            continue
        topics: dict[int, str | None] = {}
        for d in _drafts(para, final):
            topic, code = topic_of(d.subject, scope, names, tpl)
            if d.parent is not None and topic != topics.get(id(d.parent)):
                above = topics.get(id(d.parent))  # 对个人和家庭的补助（303），其中：人员经费
                narrow = v.narrow.get(above or "")
                own = narrow is not None and (not narrow or (topic or "").endswith(narrow))
                if own or _CLASS_CODE.search(d.parent.subject):
                    topic, code = None, None
                for pat, part in v.parts.get(above or "", ()):  # 财政拨款收入…其中：本年收入
                    if pat.search(d.subject):
                        topic, code = part, None
                        break
            topics[id(d)] = topic
            where = " / ".join(h for h in (part_head if weak else None, section) if h)
            st = Statement(
                section=where or part_head or "",
                subject=d.subject,
                code=code,
                amount=d.amount,
                share=d.share,
                share_of=d.share_of,
                change=d.change,
                growth=d.growth,
                reason=d.reason,
                sentence=_sentence_around(para.text, d.start, d.end),
                line=d.line,
                topic=topic,
                figure=d.figure,
                completion=d.completion,
                relation=d.relation,
                budget_change=d.budget_change,
                budget_growth=d.budget_growth,
            )
            statements.append(st)
            facts.extend(_statement_facts(st, v))
    return statements, facts


def _statement_facts(st: Statement, v: Vocab) -> Iterable[Fact]:
    if st.topic not in v.statement_facts:
        return
    topic, prefix = v.statement_facts[st.topic]
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


def _facts(para: Paragraph, v: Vocab) -> Iterable[Fact]:
    text = para.text
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group().translate(_BRACKETS)
        if not sentence:
            continue
        planned = bool(v.planned.search(sentence))
        hot = {t for t, trig in v.fact_triggers.items() if trig.search(sentence)}
        if not hot:
            continue
        for topic, item, unit, pat in v.facts:
            if topic not in hot:
                continue
            for m in pat.finditer(sentence):
                name = item
                if topic == "assets" and planned:
                    if item not in v.planned_items and not item.startswith("vehicles."):
                        continue
                    name = f"planned_{item}"
                yield Fact(
                    topic, name, _num(m["v"]), unit, sentence, para.line_at(sm.start() + m.start())
                )


def names_from(amounts: Iterable) -> Names:
    """code → printed name from table `Amount`s (function codes only), for `extract(names=)`."""
    names: dict[str, str] = {}
    for a in amounts:  # the first printing wins: later tables may decorate the name (项目名称)
        if a.code and a.code.isdigit():
            names.setdefault(a.code, a.name)
    return Names(names)
