"""Presentation: Altair charts with Chinese labels, offline rendering, static images.

- `charts`: chart builders (sorted bars, icicle/sunburst, waterfall, stacked shares);
- `render`: an Altair renderer whose output opens offline (Vega JS inlined once per notebook);
- `images`: PNG/SVG export with a CJK font;
- `record`: values a notebook records for tests and the batch runner.

Nothing here is imported by `budgetkit` itself: the CLI stays free of Altair.
"""

import sys as _sys

# jsonschema (imported by Altair) eagerly imports `rfc3987_syntax` when installed, which
# compiles ~35 Lark grammars at import: about 1 s on every kernel start, for an `iri` format
# checker that no Vega-Lite or notebook schema uses (python-jsonschema/jsonschema#1428).
# Blocking it before jsonschema loads makes that checker unavailable and nothing else.
if "jsonschema._format" not in _sys.modules:
    _sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None blocks the import
