"""Vega-Lite specs as plain data: the `Chart` the library's chart functions return.

The chart functions (`charts`, `execution`) write their Vega-Lite specs as dicts. Building
the same specs with Altair objects cost most of a report's chart time: every `.encode()` and
`.mark_*()` deep-copies the object tree, and each channel is checked against the schema as
it is made. The specs are validated by the tests instead (`Chart.to_dict(validate=True)`).

A `Chart` displays like an Altair chart (through Altair's active renderer: the offline one
of `render.enable()` in reports), and Altair's chart methods (`.configure_axis`, `.save`…)
are there too: the spec is turned into an Altair chart on first use of one (`to_altair`).
"""

from __future__ import annotations

import copy
import math
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd

TYPES = {"N": "nominal", "Q": "quantitative", "O": "ordinal", "T": "temporal"}
#: What Altair's default theme adds to every spec: the same look as an Altair chart.
THEME = {"view": {"continuousWidth": 300, "continuousHeight": 300}}


def field(shorthand: str, **props: Any) -> dict:
    """An encoding channel from Altair's shorthand: `"金额:Q"`, `"sum(金额):Q"`."""
    name, _, kind = shorthand.rpartition(":")
    channel: dict[str, Any] = {}
    if m := re.fullmatch(r"(\w+)\((.+)\)", name):
        channel["aggregate"], name = m.groups()
    return {**channel, "field": name, "type": TYPES[kind], **props}


def when(param: str, yes: Any, no: Any, *, empty: bool = True) -> dict:
    """A channel whose value is `yes` where the selection `param` holds, else `no`."""
    test = {"param": param, "value": yes, **({} if empty else {"empty": False})}
    return {"condition": test, "value": no}


def point(name: str, fields: list[str], **select: Any) -> dict:
    """A point selection parameter (`on`, `clear` in `select`; `bind="legend"` on the param)."""
    bind = select.pop("bind", None)
    return {
        "name": name,
        "select": {"type": "point", "fields": fields, **select},
        **({"bind": bind} if bind else {}),
    }


def _plain(v: Any) -> Any:
    """A value as JSON can hold it: missing and non-finite → null, numpy → Python."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, Decimal):
        return float(v) if v.is_finite() else None
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v)


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of `df` as Vega-Lite `values`."""
    cols = [str(c) for c in df.columns]
    return [
        {c: _plain(v) for c, v in zip(cols, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


class Chart:
    """A Vega-Lite spec (a dict) and the DataFrame it draws (`data`)."""

    def __init__(self, spec: dict, data: pd.DataFrame | None = None) -> None:
        self.spec = spec
        self.data = data if data is not None else pd.DataFrame()

    def to_dict(self, validate: bool = False) -> dict:
        """A copy of the spec; `validate=True` checks it against the Vega-Lite schema
        (`jsonschema.ValidationError` when it does not hold)."""
        spec = copy.deepcopy(self.spec)
        if validate:  # Altair's validator: the schema's refs are not all URIs to jsonschema
            from altair.utils.schemapi import validate_jsonschema

            validate_jsonschema(spec, _schema())
        return spec

    def properties(self, **props: Any) -> Chart:
        """A copy with top-level properties set (`width`, `usermeta`…), as Altair's."""
        return Chart({**self.spec, **props}, self.data)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """What Altair's active renderer makes of the spec (a bundle, or bundle + metadata)."""
        import altair as alt

        render = alt.renderers.get()
        return render(self.spec) if render else {"text/plain": repr(self)}

    def to_altair(self) -> Any:
        """The same chart as an Altair object (to change it the Altair way)."""
        import altair as alt

        for key, cls in (("layer", alt.LayerChart), ("hconcat", alt.HConcatChart)):
            if key in self.spec:
                return cls.from_dict(self.spec, validate=False)
        return alt.Chart.from_dict(self.spec, validate=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # IPython probes `_repr_*_`: never build Altair for that
            raise AttributeError(name)
        return getattr(self.to_altair(), name)

    def __repr__(self) -> str:
        from .render import chart_title

        return f"<Chart {chart_title(self.spec)!r}: {len(self.data)} rows>"


@cache
def _schema() -> dict:
    from altair.vegalite.v6.schema.core import load_schema

    return load_schema()


def schema_url() -> str:
    import altair as alt

    return str(alt.SCHEMA_URL)
