"""Analyses of parsed disclosures: pure functions from `Document`s to pandas DataFrames.

- `structure`: funding sources, function 类/款/项 and economic 类/款 breakdowns, basic vs
  project, personnel vs public, 三公 and 机关运行经费, procurement, assets, per-staff figures;
  shares that add up to exactly 100% (largest remainder);
- `trend`: one department over years (`series`), last year reconstructed from one document's
  narrative (`reconstruct`, `reconstruction_check`), change bridges, cross-department
  comparison;
- `indicators`: the 绩效目标 hierarchy, quantified vs qualitative targets, weights, targets
  below last year's actual, cost indicators vs budget, 三公 "只减不增".

Money stays `Decimal` (万元); floats only for shares and growth rates. No Altair here: the
charts are in `budgetkit.present.charts`.
"""

from . import indicators, structure, trend

__all__ = ["indicators", "structure", "trend"]
