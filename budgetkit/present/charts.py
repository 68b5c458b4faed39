"""Chart builders for budget tables: readable without the code, labelled in Chinese.

Size: one builder per chart kind, each short; the notebooks import them together.

Each builder takes a plain DataFrame (amounts may be `Decimal`; they become floats here, for
drawing only) and returns a `vegalite.Chart` (a Vega-Lite spec written as data, displayed and
changed like an Altair chart) with a title, axis titles, units and tooltips.
Vega-Lite has no treemap, so hierarchies (function 类/款/项) are drawn as an icicle or a
sunburst laid out here from the codes. Interactivity uses Vega-Lite params (hover, click
highlight), which work in exported HTML without a kernel.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from .vegalite import THEME, Chart, field, point, records, schema_url, when

#: Fonts tried in order: the browser or vl-convert picks the first it has (see `images`).
CJK_FONTS = (
    "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Zen Hei, Microsoft YaHei, "
    "PingFang SC, Hiragino Sans GB, sans-serif"
)
UNIT = "万元"
LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}
COLORS = {"增加": "#c0392b", "减少": "#27ae60", "合计": "#34495e"}


def _float(values: pd.Series) -> pd.Series:
    """Decimal/str/None → float (NaN for missing): money is exact upstream, floats only here."""
    return values.map(lambda v: float(v) if isinstance(v, (Decimal, int, float)) else float("nan"))


WIDTH = 560  # px: every chart's width (style)
LABEL_PX = 11  # px: the font size of labels drawn inside shapes


def fit(label: str, px: float, size: int = LABEL_PX) -> str:
    """`label` cut (…) to what fits in `px` pixels, "" when not even two characters do: a
    label never runs over its neighbour's (a CJK character is `size` wide, others half)."""
    room = px - size  # a margin of half a character each side
    width = 0.0
    for i, ch in enumerate(label):
        width += size if ord(ch) > 0x2E80 else size * 0.6
        if width > room:
            return "" if i < 2 else label[: i - 1] + "…"
    return label


def chart(data: pd.DataFrame, *, title: str = "", width: int = WIDTH, **spec: Any) -> Chart:
    """A chart drawing `data` (its rows as the spec's values), with the common look: CJK fonts
    everywhere, a readable width, no frame. `spec`: the rest of the Vega-Lite spec."""
    config = {"view": {**THEME["view"], "stroke": None}, "font": CJK_FONTS}
    top = {"$schema": schema_url(), "config": config, "data": {"values": records(data)}}
    return Chart({**top, **({"title": title} if title else {}), **spec, "width": width}, data)


def _amount_tooltip(unit: str, label: str = "项目", fmt: str = ",.2f") -> list[dict]:
    return [field(f"{label}:N"), field("金额:Q", format=fmt, title=unit)]


def sorted_bars(
    df: pd.DataFrame,
    *,
    label: str = "name",
    value: str = "amount",
    title: str = "",
    unit: str = UNIT,
    color: str | None = None,
    top: int | None = None,
) -> Chart:
    """Horizontal bars sorted by value, biggest first, each labelled with its amount."""
    data = df.copy()
    data["_v"] = _float(data[value])
    data = data.sort_values("_v", ascending=False)
    if top:
        data = data.head(top)
    data = data.rename(columns={label: "项目"})
    data["金额"] = data["_v"]
    cols = ["项目", "金额"] + ([color] if color and color in data else [])
    data = data[cols]
    base = {
        "y": field("项目:N", sort="-x", title=None, axis={"labelLimit": 260}),
        "x": field("金额:Q", title=f"金额（{unit}）"),
        "tooltip": _amount_tooltip(unit),
    }
    bars = {
        "mark": {"type": "bar"},
        "params": [point("hover", ["项目"], on="pointerover")],
        "encoding": {
            **base,
            "color": field(f"{color}:N", title=None) if color else {"value": "#4c78a8"},
            "opacity": when("hover", 1.0, 0.8, empty=False),
        },
    }
    text = {
        "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
        "encoding": {**base, "text": field("金额:Q", format=",.2f")},
    }
    return chart(data, title=title, layer=[bars, text], height={"step": 22})


def hierarchy_layout(
    df: pd.DataFrame, *, code: str = "code", name: str = "name", value: str = "amount"
) -> pd.DataFrame:
    """Rows with 3/5/7-digit codes → one rectangle per node: level, start, end (0–1), parent.

    Children are placed inside their parent's span in code order, each sized by its own
    amount over the parent's (so a parent whose children do not add up shows the gap).
    """
    data = df[[code, name, value]].dropna(subset=[code]).copy()
    data["code"] = data[code].astype(str)
    data["level"] = data["code"].str.len().map({3: 1, 5: 2, 7: 3})
    data = data.dropna(subset=["level"]).drop_duplicates("code")
    data["level"] = data["level"].astype(int)
    data["金额"] = _float(data[value])
    data["名称"] = data[name]
    data["parent"] = data["code"].map(lambda c: {5: c[:3], 7: c[:5]}.get(len(c)))
    spans: dict[str | None, tuple[float, float, float]] = {}
    rows = []
    top = data[data.level == 1]
    total = top["金额"].sum() or 1.0
    spans[None] = (0.0, 1.0, total)
    for lvl in (1, 2, 3):
        level_rows = data[data.level == lvl].sort_values("code")
        cursor: dict[str | None, float] = {}
        for r in level_rows.itertuples():
            parent = r.parent if lvl > 1 else None
            if parent not in spans:
                continue  # orphan: its parent row is not printed
            p0, p1, pv = spans[parent]
            start = cursor.get(parent, p0)
            width = (p1 - p0) * (r.金额 / pv) if pv else 0.0
            spans[r.code] = (start, start + width, r.金额)
            cursor[parent] = start + width
            rows.append(
                {
                    "code": r.code,
                    "名称": r.名称,
                    "level": lvl,
                    "层级": LEVEL_NAMES[lvl],
                    "parent": parent,
                    "金额": r.金额,
                    "占比": r.金额 / total,
                    "start": start,
                    "end": start + width,
                    "类": r.code[:3],
                }
            )
    return pd.DataFrame(rows)


def _hierarchy_tooltip(unit: str) -> list[dict]:
    return [
        field("code:N", title="科目编码"),
        field("名称:N"),
        field("金额:Q", format=",.2f", title=unit),
        field("占比:Q", format=".1%"),
    ]


def icicle(
    df: pd.DataFrame, *, title: str = "支出功能分类（类 → 款 → 项）", unit: str = UNIT, **cols: str
) -> Chart:
    """Function hierarchy as an icicle: one band per level, width = share of the total.

    Click a 类 to highlight its 款 and 项; hover for the amount and share.
    """
    data = hierarchy_layout(df, **cols)
    data["标签"] = [  # no rows (a narrative-only document): no labels either
        fit(n, (e - s) * WIDTH)
        for n, s, e in zip(
            data.get("名称", ()), data.get("start", ()), data.get("end", ()), strict=True
        )
    ]
    base = {
        "x": field("start:Q", axis=None, scale={"domain": [0, 1]}),
        "x2": {"field": "end"},
        "y": field("层级:N", sort=["类", "款", "项"], title=None),
        "tooltip": _hierarchy_tooltip(unit),
    }
    rects = {
        "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
        "params": [point("pick", ["类"], on="click", clear="dblclick")],
        "encoding": {
            **base,
            "color": field("类:N", title="类", legend=None),
            "opacity": when("pick", 1.0, 0.35),
        },
    }
    labels = {
        "mark": {"type": "text", "fontSize": LABEL_PX, "color": "white"},
        "transform": [
            {"filter": "datum['标签'] != ''"},
            {"calculate": "(datum.start + datum.end) / 2", "as": "mid"},
        ],
        "encoding": {  # a text mark has no x2: it is placed at the middle
            **{k: v for k, v in base.items() if k != "x2"},
            "x": field("mid:Q"),
            "text": field("标签:N"),
        },
    }
    return chart(data, title=title, layer=[rects, labels], height=150)


def sunburst(
    df: pd.DataFrame, *, title: str = "支出功能分类（类 → 款 → 项）", unit: str = UNIT, **cols: str
) -> Chart:
    """The same hierarchy as rings (inner 类, outer 项); hover for amount and share."""
    data = hierarchy_layout(df, **cols)
    data["r0"] = (data["level"] - 1) * 60 + 30
    data["r1"] = data["level"] * 60 + 28
    tau = 2 * 3.141592653589793
    data["t0"] = data["start"] * tau
    data["t1"] = data["end"] * tau
    return chart(
        data,
        title=title,
        width=380,
        height=380,
        mark={"type": "arc", "stroke": "white"},
        encoding={
            "theta": field("t0:Q", scale=None),
            "theta2": {"field": "t1"},
            "radius": field("r0:Q", scale=None),
            "radius2": {"field": "r1"},
            "color": field("类:N", legend=None),
            "tooltip": _hierarchy_tooltip(unit),
        },
    )


def waterfall(
    steps: pd.DataFrame,
    *,
    start: tuple[str, Any],
    end_label: str = "本年",
    label: str = "label",
    change: str = "change",
    title: str = "变动分解",
    unit: str = UNIT,
) -> Chart:
    """A bridge from `start` = (label, amount) through signed `change` steps to the end total."""
    s_label, s_value = start
    rows = [
        {"项目": s_label, "起": 0.0, "止": float(s_value), "类型": "合计", "变动": float(s_value)}
    ]
    level = float(s_value)
    for r in steps.itertuples(index=False):
        delta = float(getattr(r, change))
        rows.append(
            {
                "项目": getattr(r, label),
                "起": level,
                "止": level + delta,
                "类型": "增加" if delta >= 0 else "减少",
                "变动": delta,
            }
        )
        level += delta
    rows.append({"项目": end_label, "起": 0.0, "止": level, "类型": "合计", "变动": level})
    data = pd.DataFrame(rows)
    order = list(data["项目"])
    band = WIDTH / len(data)  # px per step: names and amounts are kept inside it
    x = field("项目:N", sort=order, title=None, axis={"labelAngle": 0, "labelLimit": int(band) - 4})
    bars = {
        "mark": {"type": "bar", "size": 36},
        "encoding": {
            "x": x,
            "y": field("起:Q", title=f"金额（{unit}）"),
            "y2": {"field": "止"},
            "color": field(
                "类型:N", scale={"domain": list(COLORS), "range": list(COLORS.values())}, title=None
            ),
            "tooltip": [field("项目:N"), field("变动:Q", format="+,.2f", title=unit)],
        },
    }
    text = {
        "mark": {"type": "text", "dy": -6, "fontSize": LABEL_PX},
        "transform": [{"calculate": "max(datum['起'], datum['止'])", "as": "top"}],
        "encoding": {"x": x, "y": field("top:Q"), "text": field("变动:Q", format=",.2f")},
    }
    longest = max(len(f"{v:,.2f}") for v in data["变动"]) * LABEL_PX * 0.6
    layers = [bars, text] if longest <= band - 4 else [bars]  # else the tooltip tells
    return chart(data, title=title, layer=layers, height=300)


def stacked_shares(
    df: pd.DataFrame,
    *,
    category: str,
    part: str,
    value: str = "amount",
    title: str = "构成",
    unit: str = UNIT,
) -> Chart:
    """One 100% bar per `category`, split by `part`; tooltips give amount and share."""
    data = df[[category, part]].copy()
    data["金额"] = _float(df[value])
    data = data.rename(columns={category: "分组", part: "组成"})
    return chart(
        data,
        title=title,
        height={"step": 32},
        params=[point("pick", ["组成"], bind="legend")],
        transform=[
            {"joinaggregate": [{"op": "sum", "field": "金额", "as": "合计"}], "groupby": ["分组"]},
            {"calculate": "datum['金额'] / datum['合计']", "as": "占比"},
        ],
        mark={"type": "bar"},
        encoding={
            "y": field("分组:N", title=None),
            "x": field("sum(金额):Q", stack="normalize", title="占比", axis={"format": "%"}),
            "color": field("组成:N", title=None),
            "opacity": when("pick", 1.0, 0.3),
            "tooltip": [
                field("分组:N"),
                field("组成:N"),
                field("金额:Q", format=",.2f", title=unit),
                field("占比:Q", format=".1%"),
            ],
        },
    )


def donut(
    df: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "amount",
    pct: str | None = "pct",
    title: str = "",
    unit: str = UNIT,
) -> Chart:
    """Parts of a whole as a ring, each labelled with its share; hover for the amount."""
    data = pd.DataFrame({"组成": df[label].astype(str), "金额": _float(df[value])})
    total = data["金额"].sum() or 1.0
    data["占比"] = (_float(df[pct]) / 100 if pct and pct in df else data["金额"] / total).to_numpy()
    data = data[data["金额"] > 0]
    data["标签"] = [f"{p:.2%}" for p in data["占比"]]
    base = {
        "theta": field("金额:Q", stack=True),
        "order": field("金额:Q", sort="descending"),
        "color": field("组成:N", title=None, sort={"field": "金额", "order": "descending"}),
        "tooltip": [*_amount_tooltip(unit, "组成"), field("占比:Q", format=".2%")],
    }
    ring = {
        "mark": {"type": "arc", "innerRadius": 70, "outerRadius": 130, "stroke": "white"},
        "params": [point("hover", ["组成"], on="pointerover")],
        "encoding": {**base, "opacity": when("hover", 1.0, 0.85, empty=False)},
    }
    text = {
        "mark": {"type": "text", "radius": 152, "fontSize": 12, "fontWeight": "bold"},
        "encoding": {**base, "text": field("标签:N")},
    }
    return chart(data, title=title, width=460, layer=[ring, text], height=340)


def share_bars(
    df: pd.DataFrame,
    *,
    label: str = "name",
    value: str = "amount",
    title: str = "",
    unit: str = UNIT,
    detail: str | None = None,
    share: str | None = None,
    shown: str = "万元",
) -> Chart:
    """Sorted bars with a switch (radio buttons under the chart) between 万元 and % of total.

    The switch is a Vega-Lite parameter: it works in the exported HTML without a kernel.
    `detail` names a column shown in the tooltip (e.g. the function code); `share` one
    holding each row's share (0–1) of a larger whole (else: of these rows' total); `shown`
    is where the switch starts (万元 or 占比).
    """
    data = pd.DataFrame({"项目": df[label].astype(str), "金额": _float(df[value])})
    if detail:
        data["编码"] = df[detail].astype(str).to_numpy()
    total = data["金额"].sum() or 1.0
    data["占比"] = _float(df[share]).to_numpy() if share else data["金额"] / total
    switch = {
        "name": "显示",
        "value": shown,
        "bind": {"input": "radio", "options": ["万元", "占比"], "name": "显示单位（unit）："},
    }
    tooltip = [*_amount_tooltip(unit), field("占比:Q", format=".2%")]
    if detail:
        tooltip.insert(0, field("编码:N", title="科目编码"))
    base: dict[str, Any] = {
        "transform": [
            {"calculate": "显示 == '万元' ? datum['金额'] : datum['占比'] * 100", "as": "值"},
            {
                "calculate": "显示 == '万元' ? format(datum['金额'], ',.2f') "
                ": format(datum['占比'], '.2%')",
                "as": "标签",
            },
        ],
        "encoding": {
            "y": field("项目:N", sort="-x", title=None, axis={"labelLimit": 260}),
            "x": field("值:Q", title=f"金额（{unit}）或占比（%）"),
            "tooltip": tooltip,
        },
    }
    bars = {**base, "mark": {"type": "bar", "color": "#4c78a8"}}
    text = {
        **base,
        "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
        "encoding": {**base["encoding"], "text": field("标签:N")},
    }
    return chart(data, title=title, layer=[bars, text], params=[switch], height={"step": 22})


def trend_lines(
    series: pd.DataFrame,
    *,
    label: str = "label",
    year: str = "year",
    value: str = "amount",
    title: str = "历年预算",
    unit: str = UNIT,
) -> Chart:
    """One line per figure over the years; click a legend entry to highlight it."""
    data = pd.DataFrame(
        {
            "项目": series[label].astype(str),
            "年度": series[year].astype(int),
            "金额": _float(series[value]),
        }
    )
    if "growth" in series:
        data["增长率"] = (
            series["growth"]
            .map(lambda g: float(g) / 100 if g is not None else float("nan"))
            .to_numpy()
        )
    tooltip = [field("项目:N"), field("年度:O"), field("金额:Q", format=",.2f", title=unit)]
    if "增长率" in data:
        tooltip.append(field("增长率:Q", format="+.2%", title="比上年"))
    return chart(
        data,
        title=title,
        height=320,
        params=[point("pick", ["项目"], bind="legend")],
        mark={"type": "line", "point": True},
        encoding={
            "x": field("年度:O", title="年度", axis={"labelAngle": 0}),
            "y": field("金额:Q", title=f"金额（{unit}）"),
            "color": field("项目:N", title="项目（点击图例突出显示）"),
            "opacity": when("pick", 1.0, 0.15),
            "tooltip": tooltip,
        },
    )


def count_bars(
    df: pd.DataFrame,
    *,
    category: str = "level1",
    parts: tuple[str, ...] = ("quantified", "qualitative"),
    names: tuple[str, ...] = ("定量（有数值）", "定性（无数值）"),
    title: str = "",
    unit: str = "个",
) -> Chart:
    """Stacked counts per category (e.g. indicators per 一级指标: quantified / qualitative)."""
    rows = []
    for r in df.to_dict("records"):
        for p, n in zip(parts, names, strict=True):
            rows.append({"分类": str(r[category]), "类型": n, "个数": int(r[p] or 0)})
    data = pd.DataFrame(rows)
    return chart(
        data,
        title=title,
        height={"step": 28},
        mark={"type": "bar"},
        encoding={
            "y": field("分类:N", title=None, sort="-x"),
            "x": field(
                "sum(个数):Q", title=f"个数（{unit}）", axis={"tickMinStep": 1, "format": "d"}
            ),
            "color": field(
                "类型:N", title=None, scale={"domain": list(names), "range": ["#4c78a8", "#f58518"]}
            ),
            "tooltip": [field("分类:N"), field("类型:N"), field("个数:Q")],
        },
    )


def rule_at(x: float, **mark: Any) -> dict:
    """A layer drawing a vertical line at `x` (a target, 100%), with its own one-row data."""
    return {
        "data": {"values": [{"x": x}]},
        "mark": {"type": "rule", **mark},
        "encoding": {"x": field("x:Q")},
    }


def weight_bars(
    df: pd.DataFrame,
    *,
    label: str = "project",
    value: str = "total",
    expected: float = 100,
    title: str = "各绩效目标表的分值权重合计",
) -> Chart:
    """Weight total per table against the expected total (a dashed rule at 100)."""
    data = pd.DataFrame({"表": df[label].astype(str), "权重合计": _float(df[value])}).dropna()
    base = {
        "y": field("表:N", title=None, axis={"labelLimit": 260}),
        "x": field(
            "权重合计:Q",
            title="分值权重合计（分）",
            scale={"domain": [0, max(expected, 100) + 5]},
        ),
        "tooltip": [field("表:N"), field("权重合计:Q")],
    }
    bars = {"mark": {"type": "bar", "color": "#4c78a8"}, "encoding": base}
    text = {
        "mark": {"type": "text", "align": "left", "dx": 3},
        "encoding": {**base, "text": field("权重合计:Q")},
    }
    rule = rule_at(expected, strokeDash=[4, 4], color="#c0392b")
    return chart(data, title=title, layer=[bars, text, rule], height={"step": 28})
