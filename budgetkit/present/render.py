"""Offline chart rendering: every chart is plain HTML + an inline `vegaEmbed` call.

Altair's default output loads Vega from a CDN, so an exported report shows nothing offline.
`enable()` registers an Altair renderer, "budgetkit", whose `text/html` output is:

- for the first chart a kernel displays: the Vega + Vega-Lite + vega-embed bundle (from
  vl-convert, about 0.9 MB, no network) in one inline `<script>`, defining `window.vegaEmbed`;
- for every chart: a `<div>` and a small script that calls `vegaEmbed` on the spec.

A notebook executed by papermill and exported by nbconvert (see `report`) therefore carries
the library once and draws every chart with no network; Vega-Lite params/selections keep
working without a kernel. JupyterLab runs the same scripts for trusted outputs. The bundle is
built once per vl-convert version and cached on disk (building it takes ~1.5 s).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

RENDERER = "budgetkit"

#: vega-embed options: SVG (crisp, searchable text, inspectable by tests) and no action
#: links that would leave the page (the Vega editor is online).
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

_state = {"bundle_sent": False}


def vegalite_version() -> str:
    """The Vega-Lite version Altair writes, as vl-convert names it (e.g. '6.4')."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    have = vlc.get_vegalite_versions()
    return wanted if wanted in have else have[-1]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "budgetkit"


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script that sets `window.vegaEmbed`.

    Cached on disk by vl-convert and Vega-Lite version; written atomically.
    """
    import vl_convert as vlc

    version = vegalite_version()
    path = _cache_dir() / f"vega-bundle-{vlc.__version__}-vl{version}.js"  # type: ignore[attr-defined]
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = vlc.javascript_bundle(vl_version=version)  # type: ignore[call-arg]  # snippet is optional
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs the rebuild next time
    return text


def _script_safe(json_text: str) -> str:
    """JSON that cannot close the `<script>` element it sits in (`<\\/` is `</` in JS)."""
    return json_text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


_BUNDLE_OPEN = '<script type="text/javascript">\n(function(){if (window.vegaEmbed) return;\n'
_BUNDLE_CLOSE = "\n})();\n</script>\n"
#: What stands in a stored notebook for the bundle its HTML report carries (`without_bundle`).
BUNDLE_NOTE = "<!-- budgetkit: the Vega bundle is in this notebook's HTML report -->\n"


@cache
def bundle_html() -> str:
    """`<script>` defining `vegaEmbed`, unless a previous one already did (page-wide)."""
    return (
        _BUNDLE_OPEN
        + re.sub(r"</(script)", r"<\\/\1", vega_bundle(), flags=re.I)
        + "\n})();\n</script>\n"
    )


def without_bundle(nb: Any) -> int:
    """Replace the Vega bundle in `nb`'s outputs by a note, in place, and say how many: the
    executed notebook stored beside its HTML report (which keeps the bundle and opens
    offline) need not carry another 0.9 MB. Re-running the notebook puts it back."""
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = _html(out)
            if (start := html.find(_BUNDLE_OPEN)) >= 0:
                end = html.find(_BUNDLE_CLOSE, start)  # a find, not a regex: 0.9 MB to skip
                if end >= 0:
                    out["data"]["text/html"] = (
                        html[:start] + BUNDLE_NOTE + html[end + len(_BUNDLE_CLOSE) :]
                    )
                    n += 1
    return n


def _html(output: Any) -> str:
    """A notebook output's text/html ("" when it has none)."""
    html = output.get("data", {}).get("text/html")
    return "".join(html) if isinstance(html, list) else html if isinstance(html, str) else ""


def has_bundle(output: Any) -> bool:
    """Whether a notebook output carries the Vega bundle."""
    return _BUNDLE_OPEN in _html(output)


def chart_html(spec: dict, *, include_bundle: bool, embed_options: dict | None = None) -> str:
    """HTML that draws one Vega-Lite `spec` offline (with the bundle when asked)."""
    div = f"bk-chart-{uuid.uuid4().hex[:12]}"
    options = {**EMBED_OPTIONS, **(embed_options or {})}
    spec_json = _script_safe(json.dumps(spec, ensure_ascii=False))
    opt_json = _script_safe(json.dumps(options, ensure_ascii=False))
    script = f"""<div id="{div}" class="bk-chart"></div>
<script type="text/javascript">
(function(spec, opt) {{
  var el = document.currentScript && document.currentScript.previousElementSibling;
  if (!el || el.id !== "{div}") el = document.getElementById("{div}");
  function fail(msg) {{ el.textContent = "图表无法显示 (chart failed): " + msg; }}
  function draw() {{ window.vegaEmbed(el, spec, opt).catch(function(e) {{ fail(e); }}); }}
  if (window.vegaEmbed) {{ draw(); return; }}
  var tries = 0, timer = setInterval(function() {{
    if (window.vegaEmbed) {{ clearInterval(timer); draw(); }}
    else if (++tries > 200) {{ clearInterval(timer);
      fail("Vega not loaded; run budgetkit.present.render.enable() and re-run the first chart"); }}
  }}, 50);
}})({spec_json}, {opt_json});
</script>
"""
    return (bundle_html() if include_bundle else "") + script


#: Marks an output that shows nothing (an empty chart or table): `present.export` leaves
#: out a section whose outputs all carry it.
EMPTY_CLASS = "bk-empty"


def _rows(spec: Any) -> int | None:
    """Rows of data anywhere in a Vega-Lite spec (None when it has no data of its own)."""
    found = None
    if isinstance(spec, dict):
        for key, v in spec.items():
            if key == "datasets" and isinstance(v, dict):
                found = (found or 0) + sum(len(x) for x in v.values() if isinstance(x, list))
            elif key == "values" and isinstance(v, list):
                found = (found or 0) + len(v)
            elif isinstance(v, dict | list):
                n = _rows(v)
                found = found if n is None else (found or 0) + n
    elif isinstance(spec, list):
        for v in spec:
            n = _rows(v)
            found = found if n is None else (found or 0) + n
    return found


def _data_rows(spec: dict) -> list[dict]:
    """The rows a chart draws: its largest dataset (inline `values` when it has none)."""
    sets = [v for v in (spec.get("datasets") or {}).values() if isinstance(v, list)]
    values = (spec.get("data") or {}).get("values") if isinstance(spec.get("data"), dict) else None
    if isinstance(values, list):
        sets.append(values)
    rows = max(sets, key=len, default=[])
    return [r for r in rows if isinstance(r, dict)]


def chart_title(spec: Any) -> str:
    """A chart's title as text: its own, else the first of its layers or panels ('')."""
    if not isinstance(spec, dict):
        return ""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    if title:
        return str(title)
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for part in spec.get(key) or []:
            if found := chart_title(part):
                return found
    return ""


def empty_html(title: Any = "") -> str:
    """What stands for a chart without data: a note, never an empty frame."""
    from html import escape

    what = f"“{escape(str(title))}”" if title else "图表"
    return f"<p class='bk-note {EMPTY_CLASS}'>（{what}没有数据 · no data）</p>"


def renderer(spec: dict, embed_options: dict | None = None, **_: Any) -> dict[str, str]:
    """Altair renderer: a MIME bundle whose `text/html` draws offline (bundle on first use);
    a chart without a row of data is a note saying so."""
    title = chart_title(spec)
    if _rows(spec) == 0:
        return {"text/html": empty_html(title), "text/plain": f"<Chart without data: {title}>"}
    include = not _state["bundle_sent"]
    _state["bundle_sent"] = True
    from .download import csv_link

    rows = _data_rows(spec)
    own = (spec.get("usermeta") or {}).get("csv", True)  # False: the caller offers the rows
    link = csv_link(rows, str(title or "chart")) if rows and own else ""
    return {
        "text/html": chart_html(spec, include_bundle=include, embed_options=embed_options) + link,
        "text/plain": f"<Chart: {title}>" if title else "<Chart>",
    }


def enable(**embed_options: Any) -> None:
    """Make Altair charts display through the offline renderer (call once per notebook).

    The next chart carries the bundle again: a kernel that runs several notebooks (the warm
    kernel of `budgetkit report`) must give each page its own copy.
    """
    import altair as alt

    reset()
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, renderer)
    if embed_options:
        alt.renderers.enable(RENDERER, embed_options=embed_options)
    else:
        alt.renderers.enable(RENDERER)


def reset() -> None:
    """Send the bundle again with the next chart (e.g. after reloading JupyterLab's page)."""
    _state["bundle_sent"] = False


def standalone_html(chart: Any, title: str = "") -> str:
    """One chart as a complete offline HTML page (for `images.save(..., 'x.html')`)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    from html import escape

    return (
        f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"</head><body>\n{chart_html(spec, include_bundle=True)}</body></html>\n"
    )
