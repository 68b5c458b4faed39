"""Values a notebook records for tests and tools, invisible in the exported HTML.

`record("total", amount)` displays an output with only a budgetkit MIME type: JupyterLab and
nbconvert show nothing for it, but it is stored in the executed `.ipynb`, where
`recorded(nb)` reads it back (like scrapbook's glue, without the dependency).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MIME = "application/vnd.budgetkit.record+json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # DataFrame
        return [{k: _jsonable(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def record(name: str, value: Any) -> None:
    """Store `value` (Decimal → exact string) under `name` in the notebook's outputs."""
    from IPython.display import display

    display({MIME: {"name": name, "value": _jsonable(value)}}, raw=True)


def recorded(nb: Any) -> dict[str, Any]:
    """name → value of every `record` call in an executed notebook (node or path)."""
    if not hasattr(nb, "cells"):
        import nbformat

        nb = nbformat.read(str(nb), as_version=4)
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(MIME)
            if data:
                values[data["name"]] = data["value"]
    return values
