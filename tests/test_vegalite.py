"""Charts as Vega-Lite data (`present.vegalite`): values JSON can hold, displayed by whatever
renderer Altair has active, changed the Altair way."""

from __future__ import annotations

import json
from decimal import Decimal

import altair as alt
import numpy as np
import pandas as pd

import budgetkit
from budgetkit.analysis import structure
from budgetkit.present import charts, render
from budgetkit.present.vegalite import field, records, when

from .conftest import SEED


def test_values_are_plain_json_and_missing_is_null():
    df = pd.DataFrame(
        {
            "名称": ["甲", None, "丙"],
            "金额": [1.5, float("nan"), float("inf")],
            "个数": np.array([1, 2, 3], dtype="int64"),
            "精确": [Decimal("0.10"), Decimal("NaN"), None],
        }
    )
    rows = records(df)
    assert json.loads(json.dumps(rows, allow_nan=False)) == [
        {"名称": "甲", "金额": 1.5, "个数": 1, "精确": 0.1},
        {"名称": None, "金额": None, "个数": 2, "精确": None},
        {"名称": "丙", "金额": None, "个数": 3, "精确": None},
    ]
    assert type(rows[0]["个数"]) is int


def test_shorthand_and_conditions_are_vega_lite():
    assert field("sum(金额):Q", title=None) == {
        "aggregate": "sum",
        "field": "金额",
        "type": "quantitative",
        "title": None,
    }
    assert when("hover", 1.0, 0.8, empty=False) == {
        "condition": {"param": "hover", "value": 1.0, "empty": False},
        "value": 0.8,
    }


def test_a_chart_displays_through_the_active_renderer():
    chart = charts.icicle(structure.by_function(budgetkit.read(SEED)))
    previous = alt.renderers.active
    try:
        alt.renderers.enable("mimetype")  # JupyterLab's own Vega-Lite view: no budgetkit renderer
        bundle, _ = chart._repr_mimebundle_()
        spec = next(v for k, v in bundle.items() if k.startswith("application/vnd.vegalite"))
        assert spec["data"]["values"] == records(chart.data)
        assert spec["title"].startswith("支出功能分类")
        render.enable()
        html = chart._repr_mimebundle_()["text/html"]
        assert "vegaEmbed" in html and "一般公共服务支出" in html
    finally:
        alt.renderers.enable(previous)


def test_properties_copy_and_altair_methods_still_work():
    chart = charts.sorted_bars(pd.DataFrame({"name": ["甲", "乙"], "amount": [2, 1]}), title="示例")
    wider = chart.properties(width=700)
    assert wider.to_dict()["width"] == 700 and chart.to_dict()["width"] == charts.WIDTH
    assert wider.data is chart.data
    configured = chart.configure_axis(labelFontSize=14)  # an Altair method, on an Altair copy
    assert configured.to_dict()["config"]["axis"] == {"labelFontSize": 14}
    spec = chart.to_dict()
    spec["width"] = 1
    assert chart.to_dict()["width"] == charts.WIDTH  # to_dict gives a copy
