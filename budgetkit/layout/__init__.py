"""Layout stage: a document's lines → table blocks and prose (see `blocks`)."""

from .blocks import Block, Layout, is_data_row, segment, unit_of

__all__ = ["Block", "Layout", "is_data_row", "segment", "unit_of"]
