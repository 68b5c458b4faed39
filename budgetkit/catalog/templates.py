"""Templates: what a finance bureau's disclosure template prints, declared as data and chosen
per document (never merged with other provinces').

A template is a TOML file, or a folder of TOML files read as one (`standard/`), in
`budgetkit/data/templates/` or in a folder named by `BUDGETKIT_TEMPLATES` (paths separated by
os.pathsep) or passed to `use_folder()`. It declares

    name = "shaanxi"
    extends = "standard"            # its parent; knowledge not declared here is the parent's
    [detect]                        # evidence that a document follows it (regular expressions)
    cover = ["西安市"]               # on the first pages
    titles = ["部门综合预算"]        # in table titles

and any section of the standard template ([titles], [headers], [rows], [narrative], …),
which it extends: tables are keyed dicts (a key overrides the parent's), ordered pattern lists
put the child's entries first. Reading a document resolves one effective template for it (its
own file over its parents) and records which one and on what evidence in `doc.meta`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import BudgetkitError

STANDARD = "standard"
COVER_LINES = 40  # lines of the first pages searched for cover evidence


class TemplateError(BudgetkitError):
    """A template file is malformed or names a parent that does not exist."""


_extra_dirs: list[Path] = []


def use_folder(path: str | Path) -> None:
    """Also read templates from `path` (later folders win over earlier ones and the package)."""
    p = Path(path)
    if p not in _extra_dirs:
        _extra_dirs.append(p)
    _raw_templates.cache_clear()
    template.cache_clear()


def _folders() -> list[Any]:
    out: list[Any] = [resources.files("budgetkit").joinpath("data", "templates")]
    env = os.environ.get("BUDGETKIT_TEMPLATES", "")
    out += [Path(p) for p in env.split(os.pathsep) if p]
    return out + _extra_dirs


def _load(entry: Any) -> dict:
    """One template from a .toml file or a folder of them (merged in file-name order)."""
    if entry.is_dir():
        data: dict = {}
        for f in sorted(entry.iterdir(), key=lambda p: p.name):
            if f.name.endswith(".toml"):
                data = merge(data, _toml(f))
        data.setdefault("name", entry.name)
        return data
    data = _toml(entry)
    data.setdefault("name", entry.name.removesuffix(".toml"))
    return data


def _toml(f: Any) -> dict:
    try:
        return tomllib.loads(f.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"template {f}: {exc}") from None


@cache
def _raw_templates() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for folder in _folders():
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".toml") or (
                entry.is_dir() and not entry.name.startswith(("_", "."))
            ):
                t = _load(entry)
                out[t["name"]] = t
    if STANDARD not in out:
        raise TemplateError("the standard template is missing")
    return out


RECORD_DEPTH = 3  # [titles.rules].three_public: a keyed entry, replaced whole


def merge(parent: Any, child: Any, depth: int = 0) -> Any:
    """Child over parent: sections and keyed tables merge key by key, lists put the child's
    items first; a keyed entry (a title rule, a topic) is the child's whole, so that a child's
    `three_public = { all = ["公务经费"] }` does not keep the parent's words."""
    if isinstance(parent, dict) and isinstance(child, dict) and depth < RECORD_DEPTH:
        out = dict(parent)
        for k, v in child.items():
            out[k] = merge(parent[k], v, depth + 1) if k in parent else v
        return out
    if isinstance(parent, list) and isinstance(child, list):
        seen = {repr(x) for x in child}
        return child + [x for x in parent if repr(x) not in seen]
    return child


@dataclass(frozen=True)
class Template:
    """The effective knowledge for one document: a template merged over its parents."""

    name: str
    chain: tuple[str, ...]  # the template, then its parents up to standard
    data: dict = field(repr=False)

    def section(self, name: str) -> Any:
        return self.data.get(name, {})

    def __hash__(self) -> int:
        return hash(self.chain)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and other.chain == self.chain

    @cached_property
    def detect(self) -> dict[str, list[re.Pattern[str]]]:
        raw = _raw_templates()[self.name].get("detect", {})
        return {k: [re.compile(p) for p in v] for k, v in raw.items()}


@cache
def template(name: str = STANDARD) -> Template:
    """The effective template `name` (its file over its parents')."""
    raws = _raw_templates()
    if name not in raws:
        raise TemplateError(f"no template named {name!r} (known: {', '.join(sorted(raws))})")
    chain: list[str] = []
    cur: str | None = name
    while cur is not None:
        if cur in chain:
            raise TemplateError(f"template {name!r}: `extends` loops through {cur!r}")
        if cur not in raws:
            raise TemplateError(f"template {chain[-1]!r} extends unknown template {cur!r}")
        chain.append(cur)
        cur = raws[cur].get("extends") if cur != STANDARD else None
        if cur is None and chain[-1] != STANDARD:
            cur = STANDARD
    data: dict = {}
    for n in reversed(chain):
        data = merge(data, {k: v for k, v in raws[n].items() if k not in ("detect", "extends")})
    return Template(name, tuple(chain), data)


def names() -> list[str]:
    return sorted(_raw_templates())


@dataclass(frozen=True, slots=True)
class Choice:
    template: Template
    evidence: tuple[str, ...]  # what matched, e.g. ("cover: 上海市",)


def choose(cover: list[str], titles: list[str]) -> Choice:
    """The template whose detection evidence the document shows most of (standard when none).

    `cover` is the text of the first lines, `titles` the table titles. Each pattern that
    matches counts once; a deeper template (more specific) wins a tie.
    """
    best: tuple[int, int, str] = (0, 0, STANDARD)
    found: dict[str, list[str]] = {}
    text = {"cover": "\n".join(cover), "titles": "\n".join(titles)}
    for name in names():
        if name == STANDARD:
            continue
        t = template(name)
        hits = [
            f"{where}: {m.group(0)}"
            for where, pats in t.detect.items()
            for p in pats
            if (m := p.search(text.get(where, "")))
        ]
        if hits:
            found[name] = hits
            key = (len(hits), len(t.chain), name)
            if key[:2] > best[:2]:
                best = key
    return Choice(template(best[2]), tuple(found.get(best[2], ())))
