"""Fields, views and headline figures (`data/fields.toml`), declared once.

A view's columns (and their order) feed the Document's DataFrames, the CLI's CSV/JSON and the
datapackage schemas; a figure's `from` list says where a headline figure may be printed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import Ref

TYPES = ("string", "integer", "boolean", "decimal", "number", "date")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    zh: str
    en: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class View:
    name: str
    description: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True, slots=True)
class FigureSpec:
    key: str
    zh: str
    en: str
    sources: tuple[Ref, ...]
    narrative: tuple[str, ...] = ()  # topics stating it when no table prints it
    # among one topic's statements, those whose subject (or the words before it in its
    # sentence) match `prefer` and not `avoid` state the figure itself (see figures._stated)
    prefer: re.Pattern[str] | None = None
    avoid: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Fields:
    fields: dict[str, Field]
    views: dict[str, View]
    figures: dict[str, FigureSpec]


@cache
def fields() -> Fields:
    data = tomllib.loads(
        resources.files("budgetkit").joinpath("data", "fields.toml").read_text("utf-8")
    )
    fs = {}
    for name, f in data["fields"].items():
        if f["type"] not in TYPES:
            raise ValueError(f"fields.toml: {name}: unknown type {f['type']!r}")
        fs[name] = Field(name, f["type"], f["zh"], f["en"], f.get("description", ""))
    views = {
        name: View(name, v["description"], tuple(fs[c] for c in v["fields"]))
        for name, v in data["views"].items()
    }
    figures = {
        key: FigureSpec(
            key,
            f["zh"],
            f["en"],
            tuple(Ref(*r) for r in f["from"]),
            tuple(f.get("narrative", ())),
            re.compile(f["narrative_prefer"]) if "narrative_prefer" in f else None,
            re.compile(f["narrative_avoid"]) if "narrative_avoid" in f else None,
        )
        for key, f in data["figures"].items()
    }
    return Fields(fs, views, figures)


def view(name: str) -> View:
    return fields().views[name]
