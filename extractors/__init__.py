"""One module per format, all producing ``extractors.model.Document``."""

from extractors.model import Cell, Document, Figure, Page, Provenance, Table, TextBlock
from extractors.registry import extract

__all__ = ["Cell", "Document", "Figure", "Page", "Provenance", "Table", "TextBlock", "extract"]
