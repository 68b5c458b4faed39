"""Store: parsed documents written to a folder (CSV + Parquet + datapackage.json) and loaded
back without re-reading the sources."""

from .folder import doc_id, load, write

__all__ = ["doc_id", "load", "write"]
