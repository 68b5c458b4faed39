"""Report stage: run the notebooks with papermill over many documents (runner), keep warm
kernels (kernel), write HTML reports and the index."""

from .runner import NOTEBOOK_DIR, NOTEBOOKS, print_progress, run_reports

__all__ = ["NOTEBOOK_DIR", "NOTEBOOKS", "print_progress", "run_reports"]
