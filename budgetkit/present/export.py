"""Executed notebook → one self-contained HTML page without code cells.

nbconvert's `lab` template loads require.js and MathJax from a CDN; this template (a child of
it, kept here as a string so no data file has to be packaged) drops those scripts and adds a
header naming the report's parameters. Chart outputs carry their own JS (see `render`), so
the page opens offline. The exporter is built once per process and reused.
"""

from __future__ import annotations

import html
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

TEMPLATE_NAME = "budgetkit_report.html.j2"

_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block extra_css -%}
<style type="text/css">
  .bk-report-header { font: 13px/1.5 sans-serif; color: #555; border-bottom: 1px solid #ddd;
    margin: 0 0 1em 0; padding: 0.5em 0; }
  .bk-report-header table { border-collapse: collapse; }
  .bk-report-header td { padding: 0 1em 0 0; vertical-align: top; }
  .bk-chart { width: 100%; }
  @media print {
    @page { size: A4; margin: 15mm 12mm; }
    body { font-size: 10.5pt; }
    .vega-embed details, .vega-actions, .vega-bindings, button, input, select,
    .bk-download { display: none !important; }
    .jp-Cell, .jp-OutputArea-output, table, figure, svg { break-inside: avoid; }
    h2, h3 { break-after: avoid; }
    a { color: inherit; text-decoration: none; }
  }
</style>
{%- if resources.budgetkit -%}
<meta name="budgetkit-parameters" content="{{ resources.budgetkit.parameters_json | e }}">
{%- endif -%}
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{%- if resources.budgetkit -%}
<div class="bk-report-header">{{ resources.budgetkit.header }}</div>
{%- endif -%}
{%- endblock body_header -%}
"""


@cache
def html_exporter() -> Any:
    """An nbconvert HTMLExporter that hides code and prompts and fetches nothing."""
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="zh",
    )
    exporter.template_file = TEMPLATE_NAME
    return exporter


def shown_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters as a page shows them: a path by its file or folder name only (the
    page must not reveal where it was built; the .ipynb keeps the full parameters)."""

    def name(v: Any) -> Any:
        if isinstance(v, list):
            return [name(x) for x in v]
        if isinstance(v, str) and os.path.isabs(v):
            return Path(v).name
        return v

    return {k: name(v) for k, v in parameters.items()}


def _header(title: str, parameters: dict[str, Any], generated: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td><code>{html.escape(json.dumps(v, ensure_ascii=False))}</code></td></tr>"
        for k, v in shown_parameters(parameters).items()
    )
    gen = " · ".join(f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in generated.items())
    return f"<strong>{html.escape(title)}</strong><table>{rows}</table><div>{gen}</div>"


def _without_records(nb: Any) -> Any:
    """A copy of `nb` without the invisible `record` outputs (nbconvert warns about them),
    and with the Vega bundle left out (`render.without_bundle`): nbconvert parses and
    re-serialises every page, and the bundle is three quarters of it."""
    import copy

    from .record import MIME
    from .render import has_bundle, without_bundle

    nb = copy.copy(nb)
    nb.cells = [copy.copy(c) for c in nb.cells]
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [
                copy.deepcopy(o) if has_bundle(o) else o  # changed below
                for o in cell.outputs
                if set(o.get("data", {})) != {MIME}
            ]
    without_bundle(nb)
    return nb


def _is_heading(cell: Any) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")


def _is_empty(output: Any) -> bool:
    """An output that shows nothing: a table or chart without data (`render.EMPTY_CLASS`)."""
    from .render import EMPTY_CLASS

    page = output.get("data", {}).get("text/html", "")
    page = "".join(page) if isinstance(page, list) else page
    return EMPTY_CLASS in page and "<table" not in page and "bk-chart" not in page


def _sections(nb: Any) -> list[list[Any]]:
    """The cells cut at every markdown heading (the first section holds the title)."""
    sections: list[list[Any]] = [[]]
    for cell in nb.cells:
        if _is_heading(cell) and sections[-1]:
            sections.append([])
        sections[-1].append(cell)
    return sections


def _shows_nothing(section: list[Any]) -> bool:
    """Every output of the section's code is an empty table or chart (at least one is)."""
    outputs = [o for c in section if c.cell_type == "code" for o in c.get("outputs", [])]
    return bool(outputs) and all(_is_empty(o) for o in outputs)


def without_empty_sections(nb: Any) -> tuple[Any, bool]:
    """(a copy of `nb` without the sections that have no data, whether anything is left
    beyond the title): a report says what the document holds, not what it lacks."""
    import copy

    kept = [s for i, s in enumerate(_sections(nb)) if i == 0 or not _shows_nothing(s)]
    nb = copy.copy(nb)
    nb.cells = [c for s in kept for c in s]
    shown = any(c.cell_type == "code" and c.get("outputs") for s in kept[1:] for c in s) or any(
        o.get("output_type") == "error"
        for c in kept[0]
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    return nb, shown


def has_content(nb: Any) -> bool:
    """Whether the exported page shows anything beyond its title and heading."""
    return without_empty_sections(_without_records(nb))[1]


def notebook_to_html(
    nb: Any, *, title: str = "", parameters: dict | None = None, generated: dict | None = None
) -> str:
    """HTML of an executed notebook node: outputs and prose only, parameters in the header."""
    from .render import BUNDLE_NOTE, bundle_html

    parameters = parameters or {}
    nb, _ = without_empty_sections(_without_records(nb))
    resources = {
        "metadata": {"name": title or "budgetkit report"},
        "budgetkit": {
            "parameters_json": json.dumps(shown_parameters(parameters), ensure_ascii=False),
            "header": _header(title, parameters, generated or {}),
        },
    }
    body, _ = html_exporter().from_notebook_node(nb, resources=resources)
    return body.replace(BUNDLE_NOTE, bundle_html(), 1)  # where the first chart had it
