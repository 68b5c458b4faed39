"""Labels of headers and rows → what they mean, from the document's template (columns.toml).

One normalisation for every label: no whitespace or quotes, full-width brackets, no leading
enumeration (一、 1、 （一） 其中：) for row labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..catalog.templates import Template

_LABEL_DROP = re.compile(r"[\s\"“”'‘’〝〞「」]")
_PAREN = str.maketrans({"(": "（", ")": "）", ":": "：", "%": "%", "％": "%"})
# Leading enumerations: 一、 （一） (一) 1、 1. 1． (1) ① 其中：
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]?\d{1,2}[)）、.．](?!\d)|[①-⑳]|其中[:：]?)+"
)
YEAR_PREFIX = re.compile(r"^((?:19|20)\d{2})年度?")
# Generic header suffixes: any "…科目名称" is the row label, any "…科目编码" the code columns
_SUFFIX_ROLES = (("名称", "name"), ("编码", "code"), ("代码", "code"), ("科目", "name"))
_TRAILING_QUALIFIER = re.compile(r"（[^（）]*）$")


def norm_label(text: str) -> str:
    """Header/title/row label → comparable form: no whitespace or quotes, full-width parens."""
    return _LABEL_DROP.sub("", text).translate(_PAREN)


def strip_numbering(label: str) -> str:
    """Remove leading enumerations (一、 1、 （一） 其中：) from a normalised label."""
    return _NUMBERING.sub("", label)


@dataclass(frozen=True)
class _Vocab:
    headers: dict[str, str]
    kind_headers: dict[str, dict[str, str]]
    table_headers: dict[str, dict[str, str]]
    header_words: tuple[tuple[str, str], ...]
    groups: dict[str, dict[str, str]]
    rows: dict[str, str]
    scope_order: tuple[str, ...]
    scope_drop: dict[str, dict[str, str]]  # kind → atom → replacement ("" drops it)
    years: dict[str, str]


@cache
def vocab(tpl: Template) -> _Vocab:
    def normed(d: dict) -> dict[str, str]:
        return {norm_label(k): v for k, v in d.items()}

    scopes = tpl.section("scopes")
    return _Vocab(
        headers=normed(tpl.section("headers")),
        kind_headers={k: normed(m) for k, m in tpl.section("kind_headers").items()},
        table_headers={t: normed(m) for t, m in tpl.section("table_headers").items()},
        header_words=tuple(tpl.section("header_words").items()),
        groups={t: normed(m) for t, m in tpl.section("groups").items()},
        rows={strip_numbering(norm_label(k)): v for k, v in tpl.section("rows").items()},
        scope_order=tuple(scopes.get("order", ())),
        scope_drop={k: v for k, v in scopes.items() if isinstance(v, dict)},
        years=dict(tpl.section("years")),
    )


@cache
def header_role(table: str, label: str, tpl: Template, kind: str = "budget") -> str | None:
    """Role or measure of one header label in a table (None if unknown).

    A label not listed that ends in 科目名称/名称 is the row-name column, one ending in
    编码/代码 a code column (the standard's naming: 部门经济分类科目名称, …); one that starts
    with 其中 is a subset of the column before it.
    """
    v = vocab(tpl)
    lab = norm_label(label)
    if not lab:
        return None
    role = (
        v.table_headers.get(table, {}).get(lab)
        or v.kind_headers.get(kind, {}).get(lab)
        or v.headers.get(lab)
    )
    if role:
        return role
    if lab.startswith(
        "其中"
    ):  # an item of the column before (三公: 其中：公务用车购置) or a subset
        inner = header_role(table, strip_numbering(lab), tpl, kind)
        return inner if inner and inner.startswith("item:") else "subset"
    for word, r in v.header_words:
        if word in lab:
            return r
    bare = _TRAILING_QUALIFIER.sub("", lab)
    for suffix, r in _SUFFIX_ROLES:
        if bare.endswith(suffix) and len(bare) > len(suffix):
            return r
    return None


def row_item(label: str, tpl: Template) -> str | None:
    """The canonical item of a labelled row (合计 → total, 一、本年收入 → current …)."""
    return vocab(tpl).rows.get(strip_numbering(norm_label(label)))


def year_of(label: str) -> tuple[int | None, str]:
    """(year, rest) of a label that starts with a year ("2025年执行数" → (2025, "执行数"))."""
    lab = norm_label(label)
    m = YEAR_PREFIX.match(lab)
    return (int(m.group(1)), lab[m.end() :]) if m else (None, lab)
