"""One module per format, all producing ``extractors.model.Document``; ``extractors.registry`` picks by content."""

from extractors.model import Cell, Document, Figure, Page, Table, TextBlock

__all__ = ["Cell", "Document", "Figure", "Page", "Table", "TextBlock"]
