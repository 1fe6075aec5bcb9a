"""One module per format, all producing ``extractors.model.Document``."""

from extractors.model import Cell, Document, Page, Provenance, Table, TextBlock
from extractors.registry import extract

__all__ = ["Cell", "Document", "Page", "Provenance", "Table", "TextBlock", "extract"]
