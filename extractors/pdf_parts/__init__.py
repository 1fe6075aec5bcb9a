"""Parts of the PDF extractor (extractors/pdf.py): text blocks, tables, figures, garbage detection."""
