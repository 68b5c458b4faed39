"""The national classifications (data/classification.toml): code → name, and names → codes
for rows and subjects printed without their code."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def _data() -> dict[str, dict[str, str]]:
    text = resources.files("budgetkit").joinpath("data", "classification.toml").read_text("utf-8")
    return tomllib.loads(text)


def function_classes() -> dict[str, str]:
    """支出功能分类 类: code → name."""
    return dict(_data()["function"])


def economic() -> dict[str, str]:
    """部门预算支出经济分类 类/款: code → name."""
    return dict(_data()["economic"])


def government_economic() -> dict[str, str]:
    """政府预算支出经济分类 类/款: code → name."""
    return dict(_data()["government_economic"])
