"""HWP 5 (OLE compound file) through ``hangulang`` 0.1.x, the Python binding of a Rust engine on the rhwp parser.

Why hangulang. Four PyPI candidates were compared on the shared corpus: the 36 pyhwp fixtures, whose
``index.xhtml`` (pyhwp's own converter) gives 81 expected cells with rowspan/colspan, and the 67 hwplib
files, whose ``PrvText`` preview (written by Hancom) lists 336 table cells as ``<text>``:

=================  =================  =====================  =================  ======================
library            pyhwp cells        hwplib preview cells   time (36 + 67)     licence
                   (merged 2)         exact / ignoring ws
=================  =================  =====================  =================  ======================
hangulang 0.1.1    81/81, merged 2/2  92.9 % / 92.9 %        0.1 s + 0.5 s      MIT (rhwp core: MIT)
hwp-hwpx-parser    79/81, merged 0/2  53.0 % / 92.6 %        0.2 s + 0.6 s      Apache-2.0
pyhwp 0.1b15       81/81 (circular:   53.3 % / 92.9 %;       2-5 s + 10-16 s    AGPL-3.0-or-later
                   it wrote the HTML) 28 of 67 files raise
rhwp-python 0.8.1  does not import on Debian 12 (needs a newer FreeType)        MIT
=================  =================  =====================  =================  ======================

(The preview misses common to all are the DRM, distribution and truncated files and paragraph text in
angle brackets. hwp-hwpx-parser and pyhwp drop HWP's fixed-width spaces, "[ 문서번호 ]" becoming
"[문서번호]"; hangulang keeps them as U+2007.)

hangulang keeps merged cells (row/col/row_span/col_span), nested tables, captions, headers/footers,
footnotes, equations and embedded pictures, gives layout page numbers, reads in milliseconds, and is
MIT-licensed. hwp-hwpx-parser flattens every table to ragged rows without spans and inlines nested
tables into the parent cell; pyhwp is AGPL (it would bind a product shipped to agencies), unmaintained
since 2020, and raises on 28 of the 67 hwplib files (most lack the ``HwpSummaryInformation`` stream
it requires).
hangulang is alpha (0.1.x): pin it, and keep the checks below that do not depend on it.

Known gaps: old-Hangul syllables stay in Hancom's private-use area (U+F53A for "ᄒᆞᆫ", for example);
the Rust engine writes diagnostics straight to stderr (``LAYOUT_OVERFLOW`` lines from the layout
pass that gives page numbers, CFB repair notes for malformed files), not through logging; a Rust panic surfaces as
``pyo3_runtime.PanicException`` (a ``BaseException``), which is re-raised here as a ``RuntimeError`` so
that ``extractors.registry`` turns it into an unreadable document.

Before hangulang sees a file, this module reads the FileHeader with olefile: password, DRM and
distribution (read-only) documents get a fatal ``DocumentProblem`` (an ``unreadable.*`` code whose Korean
sentence is in checks/rules.yaml); streams shorter than their
directory entry (a truncated file) and deflate streams that inflate past ``MAX_INFLATED`` are refused.
An HWPX package saved with the .hwp extension goes to ``extract_hwpx``.
"""

from __future__ import annotations

import struct
from io import BytesIO

import hangulang
import olefile

from extractors.hwp_parts.payload import PayloadMapper
from extractors.hwp_parts.protection import (
    HWP_COMPRESSED,
    OLE_MAGIC,
    ZIP_MAGIC,
    drm_wrapped,
    hwp_header_problem,
    inflated_size,
    unreadable,
)
from extractors.hwpx import extract_hwpx
from extractors.model import (
    UNREADABLE_BOMB,
    UNREADABLE_DISTRIBUTION,
    UNREADABLE_DRM,
    UNREADABLE_ENCRYPTED_HANCOM,
    UNREADABLE_HWP3,
    Document,
    DocumentProblem,
)

MAX_INFLATED = 512 * 1024**2  # all deflated streams of one document together
_SIGNATURE = b"HWP Document File"


def extract_hwp(doc: Document, data: bytes) -> Document:
    if data.startswith(ZIP_MAGIC):  # an HWPX package saved as .hwp
        return extract_hwpx(doc, data)
    if drm_wrapped(data):
        return doc.unreadable(UNREADABLE_DRM, "wrapped by a document-security (DRM) product")
    if data.startswith(_SIGNATURE + b" V3"):
        return doc.unreadable(UNREADABLE_HWP3, "HWP 3.0 signature")
    if not data.startswith(OLE_MAGIC):
        raise ValueError("not an HWP 5 file: no OLE compound-file signature")
    problem = _precheck(data)
    if problem:
        doc.problems.append(problem)
        return doc
    payload = _convert(data)
    if isinstance(payload, DocumentProblem):
        doc.problems.append(payload)
        return doc
    return PayloadMapper(doc).fill(payload)


def _precheck(data: bytes) -> DocumentProblem | None:
    """Protection flags, truncated streams and deflate bombs, from the compound file's own directory."""
    with olefile.OleFileIO(BytesIO(data)) as ole:
        if not ole.exists("FileHeader"):
            raise ValueError("OLE file without a FileHeader stream: not an HWP 5 document")
        header = ole.openstream("FileHeader").read(256)
        if not header.startswith(_SIGNATURE) or len(header) < 40:
            raise ValueError("FileHeader without the HWP signature")
        properties = struct.unpack_from("<I", header, 36)[0]
        problem = hwp_header_problem(properties)
        if problem:
            return problem
        budget = MAX_INFLATED
        for entry in ole.listdir(streams=True, storages=False):
            path = "/".join(entry)
            raw = ole.openstream(path).read()
            if len(raw) < ole.get_size(path):
                raise ValueError(f"stream {path} is cut short ({len(raw)} of {ole.get_size(path)} bytes): truncated file")
            if properties & HWP_COMPRESSED and entry[0] in ("BodyText", "DocInfo", "BinData"):
                budget -= inflated_size(raw, budget)
                if budget < 0:
                    return unreadable(UNREADABLE_BOMB, f"deflated streams inflate past {MAX_INFLATED} bytes")
    return None


def _convert(data: bytes) -> dict | DocumentProblem:
    """hangulang's payload, or the fatal problem of a protected document; other failures raise."""
    try:
        return hangulang.convert_to_payload(data, include_locations=True)
    except hangulang.UnsupportedFormatError as exc:
        message = str(exc).lower()
        if "distribution" in message:
            return unreadable(UNREADABLE_DISTRIBUTION, f"hangulang: {exc}")
        if "drm" in message:
            return unreadable(UNREADABLE_DRM, f"hangulang: {exc}")
        if "encrypt" in message or "password" in message:
            return unreadable(UNREADABLE_ENCRYPTED_HANCOM, f"hangulang: {exc}", kind="HWP")
        raise ValueError(f"hangulang cannot read this file: {exc}") from exc
    except Exception:
        raise
    except BaseException as exc:  # pyo3_runtime.PanicException derives from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise RuntimeError(f"the HWP parser panicked: {exc}") from exc
