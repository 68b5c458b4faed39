"""Chart builders for budget tables: readable without the code, labelled in Chinese.

Size: one builder per chart kind, each short; the notebooks import them together.

Each builder takes a plain DataFrame (amounts may be `Decimal`; they become floats here, for
drawing only) and returns an Altair chart with a title, axis titles, units and tooltips.
Vega-Lite has no treemap, so hierarchies (function 类/款/项) are drawn as an icicle or a
sunburst laid out here from the codes. Interactivity uses Vega-Lite params (hover, click
highlight), which work in exported HTML without a kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from types import MethodType
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

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


def style(chart: Any, width: int = WIDTH) -> Any:
    """Common look: CJK fonts everywhere, a readable width; marked as the library's own."""
    return built(
        chart.properties(width=width).configure(font=CJK_FONTS).configure_view(stroke=None)
    )


def library_chart(build: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator of the library's chart functions: Altair checks every object against the
    Vega-Lite schema as it is made (its "debug mode"), a third of a chart's cost; the specs
    these functions make are validated by the tests instead, so they build without it."""

    @wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with debug_mode(False):
            return build(*args, **kwargs)

    return wrapper


def built(chart: Any) -> Any:
    """Mark a chart the library built (every function here): it is displayed and exported
    without Altair's JSON-schema validation, a quarter of a report's chart time. The specs
    are validated by the tests instead (tests/test_charts.py). A chart changed afterwards
    (`.properties(...)` makes a copy) is an ordinary chart again, validated as usual."""
    object.__setattr__(chart, "to_dict", MethodType(_unvalidated, chart))  # not a spec field
    return chart


def _unvalidated(self: Any, *args: Any, **kwargs: Any) -> dict:
    if not args:
        kwargs.setdefault("validate", False)
    return type(self).to_dict(self, *args, **kwargs)


@library_chart
def sorted_bars(
    df: pd.DataFrame,
    *,
    label: str = "name",
    value: str = "amount",
    title: str = "",
    unit: str = UNIT,
    color: str | None = None,
    top: int | None = None,
) -> alt.Chart:
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
    hover = alt.selection_point(on="pointerover", fields=["项目"], empty=False)
    base = alt.Chart(data, title=title).encode(
        y=alt.Y("项目:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("金额:Q", title=f"金额（{unit}）"),
        tooltip=[alt.Tooltip("项目:N"), alt.Tooltip("金额:Q", format=",.2f", title=unit)],
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color(f"{color}:N", title=None) if color else alt.value("#4c78a8"),
            opacity=alt.condition(hover, alt.value(1.0), alt.value(0.8)),
        )
        .add_params(hover)
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("金额:Q", format=",.2f")
    )
    return style(alt.layer(bars, text).properties(height=alt.Step(22)))


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


@library_chart
def icicle(
    df: pd.DataFrame, *, title: str = "支出功能分类（类 → 款 → 项）", unit: str = UNIT, **cols: str
) -> alt.Chart:
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
    pick = alt.selection_point(fields=["类"], on="click", clear="dblclick")
    base = alt.Chart(data, title=title).encode(
        x=alt.X("start:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
        x2="end:Q",
        y=alt.Y("层级:N", sort=["类", "款", "项"], title=None),
        tooltip=[
            alt.Tooltip("code:N", title="科目编码"),
            alt.Tooltip("名称:N"),
            alt.Tooltip("金额:Q", format=",.2f", title=unit),
            alt.Tooltip("占比:Q", format=".1%"),
        ],
    )
    rects = (
        base.mark_rect(stroke="white", strokeWidth=1)
        .encode(
            color=alt.Color("类:N", title="类", legend=None),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        )
        .add_params(pick)
    )
    labels = (
        base.transform_filter("datum['标签'] != ''")
        .mark_text(fontSize=LABEL_PX, color="white")
        .encode(x=alt.X("mid:Q"), text="标签:N")
        .transform_calculate(mid="(datum.start + datum.end) / 2")
    )
    return style(alt.layer(rects, labels).properties(height=150))


@library_chart
def sunburst(
    df: pd.DataFrame, *, title: str = "支出功能分类（类 → 款 → 项）", unit: str = UNIT, **cols: str
) -> alt.Chart:
    """The same hierarchy as rings (inner 类, outer 项); hover for amount and share."""
    data = hierarchy_layout(df, **cols)
    data["r0"] = (data["level"] - 1) * 60 + 30
    data["r1"] = data["level"] * 60 + 28
    tau = 2 * 3.141592653589793
    data["t0"] = data["start"] * tau
    data["t1"] = data["end"] * tau
    return style(
        alt.Chart(data, title=title)
        .mark_arc(stroke="white")
        .encode(
            theta=alt.Theta("t0:Q", scale=None),
            theta2="t1:Q",
            radius=alt.Radius("r0:Q", scale=None),
            radius2="r1:Q",
            color=alt.Color("类:N", legend=None),
            tooltip=[
                alt.Tooltip("code:N", title="科目编码"),
                alt.Tooltip("名称:N"),
                alt.Tooltip("金额:Q", format=",.2f", title=unit),
                alt.Tooltip("占比:Q", format=".1%"),
            ],
        )
        .properties(height=380),
        width=380,
    )


@library_chart
def waterfall(
    steps: pd.DataFrame,
    *,
    start: tuple[str, Any],
    end_label: str = "本年",
    label: str = "label",
    change: str = "change",
    title: str = "变动分解",
    unit: str = UNIT,
) -> alt.Chart:
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
    base = alt.Chart(data, title=title).encode(
        x=alt.X(
            "项目:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=int(band) - 4)
        )
    )
    bars = base.mark_bar(size=36).encode(
        y=alt.Y("起:Q", title=f"金额（{unit}）"),
        y2="止:Q",
        color=alt.Color(
            "类型:N", scale=alt.Scale(domain=list(COLORS), range=list(COLORS.values())), title=None
        ),
        tooltip=[alt.Tooltip("项目:N"), alt.Tooltip("变动:Q", format="+,.2f", title=unit)],
    )
    text = (
        base.mark_text(dy=-6, fontSize=LABEL_PX)
        .encode(y=alt.Y("top:Q"), text=alt.Text("变动:Q", format=",.2f"))
        .transform_calculate(top="max(datum['起'], datum['止'])")
    )
    longest = max(len(f"{v:,.2f}") for v in data["变动"]) * LABEL_PX * 0.6
    layers = (bars, text) if longest <= band - 4 else (bars,)  # else the tooltip tells
    return style(alt.layer(*layers).properties(height=300))


@library_chart
def stacked_shares(
    df: pd.DataFrame,
    *,
    category: str,
    part: str,
    value: str = "amount",
    title: str = "构成",
    unit: str = UNIT,
) -> alt.Chart:
    """One 100% bar per `category`, split by `part`; tooltips give amount and share."""
    data = df[[category, part]].copy()
    data["金额"] = _float(df[value])
    data = data.rename(columns={category: "分组", part: "组成"})
    pick = alt.selection_point(fields=["组成"], bind="legend")
    return style(
        alt.Chart(data, title=title)
        .transform_joinaggregate(合计="sum(金额)", groupby=["分组"])
        .transform_calculate(占比="datum['金额'] / datum['合计']")
        .mark_bar()
        .encode(
            y=alt.Y("分组:N", title=None),
            x=alt.X("sum(金额):Q", stack="normalize", title="占比", axis=alt.Axis(format="%")),
            color=alt.Color("组成:N", title=None),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.3)),
            tooltip=[
                alt.Tooltip("分组:N"),
                alt.Tooltip("组成:N"),
                alt.Tooltip("金额:Q", format=",.2f", title=unit),
                alt.Tooltip("占比:Q", format=".1%"),
            ],
        )
        .add_params(pick)
        .properties(height=alt.Step(32))
    )


@library_chart
def donut(
    df: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "amount",
    pct: str | None = "pct",
    title: str = "",
    unit: str = UNIT,
) -> alt.Chart:
    """Parts of a whole as a ring, each labelled with its share; hover for the amount."""
    data = pd.DataFrame({"组成": df[label].astype(str), "金额": _float(df[value])})
    total = data["金额"].sum() or 1.0
    data["占比"] = (_float(df[pct]) / 100 if pct and pct in df else data["金额"] / total).to_numpy()
    data = data[data["金额"] > 0]
    data["标签"] = [f"{p:.2%}" for p in data["占比"]]
    hover = alt.selection_point(on="pointerover", fields=["组成"], empty=False)
    base = alt.Chart(data, title=title).encode(
        theta=alt.Theta("金额:Q", stack=True),
        order=alt.Order("金额:Q", sort="descending"),
        color=alt.Color("组成:N", title=None, sort=alt.SortField("金额", order="descending")),
        tooltip=[
            alt.Tooltip("组成:N"),
            alt.Tooltip("金额:Q", format=",.2f", title=unit),
            alt.Tooltip("占比:Q", format=".2%"),
        ],
    )
    ring = (
        base.mark_arc(innerRadius=70, outerRadius=130, stroke="white")
        .encode(opacity=alt.condition(hover, alt.value(1.0), alt.value(0.85)))
        .add_params(hover)
    )
    text = base.mark_text(radius=152, fontSize=12, fontWeight="bold").encode(text="标签:N")
    return style(alt.layer(ring, text).properties(height=340), width=460)


@library_chart
def share_bars(
    df: pd.DataFrame,
    *,
    label: str = "name",
    value: str = "amount",
    title: str = "",
    unit: str = UNIT,
    detail: str | None = None,
) -> alt.Chart:
    """Sorted bars with a switch (radio buttons under the chart) between 万元 and % of total.

    The switch is a Vega-Lite parameter: it works in the exported HTML without a kernel.
    `detail` names a column shown in the tooltip (e.g. the function code).
    """
    data = pd.DataFrame({"项目": df[label].astype(str), "金额": _float(df[value])})
    if detail:
        data["编码"] = df[detail].astype(str).to_numpy()
    total = data["金额"].sum() or 1.0
    data["占比"] = data["金额"] / total
    show = alt.param(
        name="显示",
        value="万元",
        bind=alt.binding_radio(options=["万元", "占比"], name="显示单位（unit）："),
    )
    tooltip = [
        alt.Tooltip("项目:N"),
        alt.Tooltip("金额:Q", format=",.2f", title=unit),
        alt.Tooltip("占比:Q", format=".2%"),
    ]
    if detail:
        tooltip.insert(0, alt.Tooltip("编码:N", title="科目编码"))
    base = (
        alt.Chart(data, title=title)
        .transform_calculate(
            值=f"{show.name} == '万元' ? datum['金额'] : datum['占比'] * 100",
            标签=f"{show.name} == '万元' ? format(datum['金额'], ',.2f') : format(datum['占比'], '.2%')",
        )
        .encode(
            y=alt.Y("项目:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("值:Q", title=f"金额（{unit}）或占比（%）"),
            tooltip=tooltip,
        )
    )
    bars = base.mark_bar(color="#4c78a8")
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="标签:N")
    return style(alt.layer(bars, text).add_params(show).properties(height=alt.Step(22)))


@library_chart
def trend_lines(
    series: pd.DataFrame,
    *,
    label: str = "label",
    year: str = "year",
    value: str = "amount",
    title: str = "历年预算",
    unit: str = UNIT,
) -> alt.Chart:
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
    pick = alt.selection_point(fields=["项目"], bind="legend")
    tooltip = [
        alt.Tooltip("项目:N"),
        alt.Tooltip("年度:O"),
        alt.Tooltip("金额:Q", format=",.2f", title=unit),
    ]
    if "增长率" in data:
        tooltip.append(alt.Tooltip("增长率:Q", format="+.2%", title="比上年"))
    chart = (
        alt.Chart(data, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("年度:O", title="年度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("金额:Q", title=f"金额（{unit}）"),
            color=alt.Color("项目:N", title="项目（点击图例突出显示）"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
            tooltip=tooltip,
        )
        .add_params(pick)
        .properties(height=320)
    )
    return style(chart)


@library_chart
def count_bars(
    df: pd.DataFrame,
    *,
    category: str = "level1",
    parts: tuple[str, ...] = ("quantified", "qualitative"),
    names: tuple[str, ...] = ("定量（有数值）", "定性（无数值）"),
    title: str = "",
    unit: str = "个",
) -> alt.Chart:
    """Stacked counts per category (e.g. indicators per 一级指标: quantified / qualitative)."""
    rows = []
    for r in df.to_dict("records"):
        for p, n in zip(parts, names, strict=True):
            rows.append({"分类": str(r[category]), "类型": n, "个数": int(r[p] or 0)})
    data = pd.DataFrame(rows)
    return style(
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("分类:N", title=None, sort="-x"),
            x=alt.X(
                "sum(个数):Q", title=f"个数（{unit}）", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            color=alt.Color(
                "类型:N",
                title=None,
                scale=alt.Scale(domain=list(names), range=["#4c78a8", "#f58518"]),
            ),
            tooltip=[alt.Tooltip("分类:N"), alt.Tooltip("类型:N"), alt.Tooltip("个数:Q")],
        )
        .properties(height=alt.Step(28))
    )


@library_chart
def weight_bars(
    df: pd.DataFrame,
    *,
    label: str = "project",
    value: str = "total",
    expected: float = 100,
    title: str = "各绩效目标表的分值权重合计",
) -> alt.Chart:
    """Weight total per table against the expected total (a dashed rule at 100)."""
    data = pd.DataFrame({"表": df[label].astype(str), "权重合计": _float(df[value])}).dropna()
    bars = (
        alt.Chart(data, title=title)
        .mark_bar(color="#4c78a8")
        .encode(
            y=alt.Y("表:N", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "权重合计:Q",
                title="分值权重合计（分）",
                scale=alt.Scale(domain=[0, max(expected, 100) + 5]),
            ),
            tooltip=[alt.Tooltip("表:N"), alt.Tooltip("权重合计:Q")],
        )
    )
    text = bars.mark_text(align="left", dx=3).encode(text="权重合计:Q")
    rule = (
        alt.Chart(pd.DataFrame({"x": [expected]}))
        .mark_rule(strokeDash=[4, 4], color="#c0392b")
        .encode(x="x:Q")
    )
    return style(alt.layer(bars, text, rule).properties(height=alt.Step(28)))
