"""A PDF's figures are recorded as boxes when it is read and rendered when asked for: the pictures are the page as
pdfplumber renders it, cropped to each image's box, pixel for pixel; `intake extract` writes them as files.
Real PDFs from the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageChops

from extractors.document_record import document_record
from extractors.figures import fill_figure_data
from extractors.pdf_parts.figures import FIGURE_DPI
from extractors.registry import extract, shutdown

# A page of an EU report with a photograph; a two-page PDF whose pages are cut into 22 image tiles (the cap of
# MAX_FIGURES_PER_PAGE per page applies).
WITH_IMAGES = ["tabula-java/icdar2013-dataset/competition-dataset-eu/eu-001.pdf",
               "unstructured/pdf/invalid-pdf-structure-pdfminer-one-page.pdf"]


def _as_pdfplumber_draws(data: bytes, page_number: int, box) -> Image.Image:
    """The reference: pdfplumber's own rendering of the page (``to_image``, the file opened anew), cropped."""
    scale = FIGURE_DPI / 72
    with pdfplumber.open(BytesIO(data)) as pdf:
        page = pdf.pages[page_number - 1]
        whole = page.to_image(resolution=FIGURE_DPI, antialias=True).original
        x_origin, y_origin = page.bbox[:2]
    x0, top, x1, bottom = box
    return whole.crop((int((x0 - x_origin) * scale), int((top - y_origin) * scale),
                       int(round((x1 - x_origin) * scale)), int(round((bottom - y_origin) * scale)))).convert("RGB")


@pytest.mark.parametrize("name", WITH_IMAGES)
def test_figures_rendered_on_demand_are_the_page_as_rendered_cropped(corpus, tmp_path, name):
    data = (corpus / name).read_bytes()
    doc = extract(Path(name).name, data)
    assert doc.figures and all(f.data == b"" for f in doc.figures)  # boxes only: nothing rendered while reading
    try:
        record = document_record(doc, tmp_path / "figures", source=data)
    finally:
        shutdown()
    assert [f["path"] for f in record["figures"]] == [str(tmp_path / "figures" / f.name) for f in doc.figures]
    for figure in doc.figures:
        written = Image.open(tmp_path / "figures" / figure.name)
        assert written.format == "PNG" and (tmp_path / "figures" / figure.name).read_bytes() == figure.data
        reference = _as_pdfplumber_draws(data, figure.page, figure.bbox)
        assert written.size == reference.size
        assert ImageChops.difference(written.convert("RGB"), reference).getbbox() is None  # identical pixels


def test_a_record_without_a_figure_folder_renders_nothing(corpus):
    data = (corpus / WITH_IMAGES[0]).read_bytes()
    doc = extract("eu-001.pdf", data)
    record = document_record(doc, source=data)
    assert record["figures"] and all(f["path"] is None for f in record["figures"])
    assert all(f.data == b"" for f in doc.figures)


def test_a_pdf_that_no_longer_renders_keeps_its_record_and_loses_only_the_pictures(corpus, tmp_path):
    data = (corpus / WITH_IMAGES[0]).read_bytes()
    doc = extract("eu-001.pdf", data)
    try:
        record = document_record(doc, tmp_path / "figures", source=b"%PDF-1.4 not the file that was read")
    finally:
        shutdown()
    assert record["figures"] and all(f["path"] is None for f in record["figures"])
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())


def test_intake_extract_writes_the_figures_of_a_pdf(corpus, tmp_path):
    path = corpus / WITH_IMAGES[0]
    run = subprocess.run([str(Path(sys.executable).with_name("intake")), "extract", str(path), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    record = json.loads((tmp_path / "document.json").read_text(encoding="utf-8"))
    assert record["figures"]
    for figure in record["figures"]:
        picture = Image.open(figure["path"])
        assert picture.format == "PNG"
        assert picture.size == _as_pdfplumber_draws(path.read_bytes(), figure["page"], figure["bbox"]).size
