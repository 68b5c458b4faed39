"""The findings issue #2 requires on the seed, end to end through `budgetkit.read(...).check()`."""

from __future__ import annotations

import pytest

import budgetkit

from .conftest import SEED


@pytest.fixture(scope="module")
def findings():
    return budgetkit.read(SEED).check()


def _one(df, rule, **eq):
    hit = df[df.rule == rule]
    for k, v in eq.items():
        hit = hit[hit[k] == v]
    assert len(hit) >= 1, f"no {rule} {eq}"
    return hit.iloc[0]


def test_no_error_on_the_correct_seed(findings):
    assert list(findings[findings.severity == "error"].rule) == []


def test_basic_personnel_public_rounding(findings):
    f = _one(findings, "table.row_sum.rounding", table="gpb_basic")
    assert (f.severity, f.expected, f.actual) == ("info", "160.31", "160.32")


def test_weights_add_to_90(findings):
    w = findings[findings.rule == "performance.weights.total"]
    assert len(w) == 3 and set(w.severity) == {"info"}
    assert all("90" in m and "预算执行率" in m for m in w.message)


def test_retiree_increase_disagrees(findings):
    f = _one(findings, "profile.retirees.increase")
    assert f.severity == "warning" and "3" in f.message and "2" in f.message


def test_item_changes_sum_to_30_14(findings):
    f = _one(findings, "narrative.change.sum.rounding")
    assert (f.severity, f.expected, f.actual) == ("info", "30.13", "30.14")


def test_growth_from_zero(findings):
    f = _one(findings, "narrative.growth.from_zero")
    assert f.severity == "warning" and "100.00%" in f.message and f.location.endswith("line 438")
