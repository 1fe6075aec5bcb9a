"""Parts of the OCR extractor (extractors/ocr.py): image preparation, ruling lines, Tesseract, numbers."""
