"""Table titles: what table a title names, by the words it contains (template data).

    recognise("部门公开表5 一般公共预算支出表（按功能分类）", tpl)
      → Title(table="gpb_expenditure", label="部门公开表5", core="一般公共预算支出表（按功能分类）",
              final=False, evidence="title words 一般公共+支出")

A title is first stripped of its decorations (labels such as 表1 / 公开01表 / 预算01表 / 一、,
which are kept as `label`), then canonicalised (收入支出 → 收支, quotes dropped); each
canonical table's rule lists the words its title must and must not contain. The rule with the
most required words wins; two equally specific rules make the title ambiguous (unrecognised).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..catalog.templates import Template

_SPACE = re.compile(r"[\s\u3000]+")
_SENTENCE = re.compile(r"[，。；！？,;]|\.{3}|…|·{3}")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")


@dataclass(frozen=True, slots=True)
class Title:
    table: str | None  # canonical table id; None when no rule matches (or several tie)
    label: str  # the decoration removed, e.g. "表1", "公开01表", "一、" ("" if none)
    core: str  # the title without its decorations
    final: bool  # 决算 (final accounts)
    evidence: str  # why: the rule's words, or why not
    known: str | None = None  # a non-money table kind ("performance", "contents", …)


@dataclass(frozen=True, slots=True)
class _Rule:
    table: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]

    def matches(self, text: str) -> bool:
        return (
            all(w in text for w in self.all)
            and (not self.any or any(w in text for w in self.any))
            and not any(w in text for w in self.none)
        )

    @property
    def weight(self) -> int:
        return len(self.all) + (1 if self.any else 0)

    def describe(self) -> str:
        words = "+".join(self.all) + (f"+({'|'.join(self.any)})" if self.any else "")
        return f"title words {words}"


@dataclass(frozen=True)
class _Compiled:
    labels: tuple[re.Pattern[str], ...]
    label_only: re.Pattern[str]
    canon: tuple[tuple[str, str], ...]
    drop: tuple[re.Pattern[str], ...]
    rules: tuple[_Rule, ...]
    known: tuple[tuple[str, str], ...]
    contents: re.Pattern[str]
    ending: re.Pattern[str]
    max_chars: int


@cache
def _compiled(tpl: Template) -> _Compiled:
    t = tpl.section("titles")
    rules = tuple(
        _Rule(table, tuple(r.get("all", ())), tuple(r.get("any", ())), tuple(r.get("none", ())))
        for table, r in t["rules"].items()
    )
    return _Compiled(
        labels=tuple(re.compile(p) for p in t["labels"]),
        label_only=re.compile(t["label_only"]),
        canon=tuple((a, b) for a, b in t["canon"]),
        drop=tuple(re.compile(p) for p in t.get("drop", ())),
        rules=rules,
        known=tuple((kind, w) for kind, words in t.get("known", {}).items() for w in words),
        contents=re.compile(t["contents"]),
        ending=re.compile(t["ending"]),
        max_chars=int(t["max_chars"]),
    )


def squeeze(text: str) -> str:
    """No whitespace (titles are justified: 收 支 总 表)."""
    return _SPACE.sub("", text)


def canonical(text: str, tpl: Template) -> str:
    c = _compiled(tpl)
    s = squeeze(text)
    for a, b in c.canon:
        s = s.replace(a, b)
    for pat in c.drop:
        s = pat.sub("", s)
    return s


def strip_label(text: str, tpl: Template) -> tuple[str, str]:
    """(label, rest): the leading decorations of a title, and the title without them."""
    c = _compiled(tpl)
    s = squeeze(text)
    label = ""
    changed = True
    while changed:
        changed = False
        for pat in c.labels:
            m = pat.match(s)
            if m and m.end() > 0 and m.end() < len(s):
                label += m.group(0)
                s = s[m.end() :]
                changed = True
    return label, s


def is_label_only(text: str, tpl: Template) -> bool:
    """A line that is only a table label ("表1", "部门公开表 7", "预算01表")."""
    return bool(_compiled(tpl).label_only.match(squeeze(text)))


def is_contents(text: str, tpl: Template) -> bool:
    return bool(_compiled(tpl).contents.match(squeeze(text)))


def title_like(text: str, tpl: Template) -> bool:
    """Short, no sentence punctuation, ends in 表 (maybe followed by a bracketed qualifier)."""
    s = squeeze(text)
    c = _compiled(tpl)
    return (
        0 < len(s) <= c.max_chars
        and not _SENTENCE.search(s)
        and not s.startswith(("-", "—", "注", "备注"))
        and bool(c.ending.search(s))
    )


def recognise(text: str, tpl: Template) -> Title | None:
    """The table a title line names, or None when the line is not title-like."""
    if not title_like(text, tpl) or is_label_only(text, tpl):
        return None
    label, core = strip_label(text, tpl)
    core = _LEADING_YEAR.sub("", core)
    s = canonical(core, tpl)
    final = "决算" in s
    c = _compiled(tpl)
    for kind, word in c.known:
        if word in s:
            return Title(None, label, core, final, f"known title word {word}", kind)
    hits = [r for r in c.rules if r.matches(s)]
    if not hits and _PART.match(label):  # 第三部分 部门决算表: the heading of the tables part
        return Title(None, label, core, final, "part heading", "heading")
    if not hits:
        return Title(None, label, core, final, "no table's title words")
    best = max(r.weight for r in hits)
    top = [r for r in hits if r.weight == best]
    if len(top) > 1:
        names = ", ".join(r.table for r in top)
        return Title(None, label, core, final, f"ambiguous title words: {names}")
    return Title(top[0].table, label, core, final, top[0].describe())


def table_of(text: str, tpl: Template) -> str | None:
    """The canonical table a table name (as listed in a table of contents) names."""
    _, core = strip_label(text, tpl)
    s = canonical(_LEADING_YEAR.sub("", core), tpl)
    hits = [r for r in _compiled(tpl).rules if r.matches(s)]
    if not hits:
        return None
    best = max(r.weight for r in hits)
    top = [r for r in hits if r.weight == best]
    return top[0].table if len(top) == 1 else None
