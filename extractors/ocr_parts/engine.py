"""Tesseract inside this process (tesserocr): each thread keeps its models loaded between calls.

Starting the ``tesseract`` command for every call (as pytesseract does) cost about 0.1 s of loading ``kor+eng``
each time, five or six times a page: a dense scanned page took 3.45 s through the command and 2.85 s in process
(bench/ocr_speed.py). tesserocr is built against the system's libtesseract (scripts/setup.sh), so a page reads
exactly as the ``tesseract`` command with the same settings reads it. The models come from the system's tessdata (Debian's
``tesseract-ocr-kor``); nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import lru_cache
from pathlib import Path

from PIL import Image

log = logging.getLogger(__name__)

# Where Debian, Fedora and Homebrew put the models; TESSDATA_PREFIX first, as Tesseract itself does
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")
# Tesseract's own settings for every call. Inverting a line it is unsure of (white on black) never helps here:
# cells are made dark on white before they are read, and the tries cost time.
VARIABLES = {"tessedit_do_invert": "0"}


class OcrUnavailable(RuntimeError):
    """No Tesseract models (tessdata) were found, or tesserocr is not installed."""


class OcrTimeout(RuntimeError):
    """A Tesseract call ran past its time."""

    def __init__(self, seconds: float):
        super().__init__(f"Tesseract stopped after {seconds:.0f} s")
        self.seconds = seconds


@lru_cache(maxsize=1)
def tessdata() -> str | None:
    """The folder holding the ``.traineddata`` models, or None."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for folder in candidates + list(TESSDATA_DIRS):
        if any(Path(folder).glob("*.traineddata")):
            return str(Path(folder)) + "/"
    return None


@lru_cache(maxsize=1)
def installed() -> frozenset[str]:
    """The languages whose models are installed (empty when tesserocr or the models are missing)."""
    # Debian's libtesseract runs OpenMP threads: one per process is faster in total (about 3 s per A4 page
    # instead of 12–33 s on two cores); the limit is read when the library loads, so it is set before the import
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except ImportError:
        return frozenset()
    folder = tessdata()
    return frozenset(tesserocr.get_languages(folder)[1]) if folder else frozenset()


_local = threading.local()


def _api(lang: str):
    """This thread's Tesseract for ``lang``, started once (a Tesseract object is not to be shared by threads)."""
    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    if lang not in apis:
        if not installed():
            raise OcrUnavailable("tesserocr or the Tesseract models (tessdata) are not installed")
        import tesserocr
        api = tesserocr.PyTessBaseAPI(path=tessdata(), lang=lang)
        log.debug("Tesseract %s in process for %s, models in %s", tesserocr.tesseract_version().split()[1], lang,
                  tessdata())
        for name, value in VARIABLES.items():
            api.SetVariable(name, value)
        apis[lang] = api
    return apis[lang]


def recognise(image: Image.Image, psm: int, lang: str, seconds: float) -> tuple[str, str]:
    """Tesseract's TSV (word rows, no header) and plain text of ``image``. Raises OcrTimeout when recognition
    runs past ``seconds`` (Tesseract checks its deadline between words and lines, so a call stops a little
    later than that)."""
    api = _api(lang)
    api.SetPageSegMode(psm)
    api.SetImage(image)
    started = time.monotonic()
    if not api.Recognize(timeout=int(seconds * 1000)):
        api.Clear()
        if time.monotonic() - started >= seconds:
            raise OcrTimeout(seconds)
        raise RuntimeError("Tesseract could not recognise the image")
    tsv, text = api.GetTSVText(0), api.GetUTF8Text()
    api.Clear()
    return tsv, text


@lru_cache(maxsize=1)
def _libc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to hand back
        return None


def release_freed_memory() -> None:
    """Hand the memory Tesseract freed after a page back to the system. glibc keeps it in each thread's arena
    otherwise, and a worker grew by about 50 MB a page up to some 390 MB (180 MB with it handed back)."""
    trim = _libc_trim()
    if trim is not None:
        trim(0)
