"""HWP 5 (OLE compound file) through ``hangulang`` 0.1.x, the Python binding of a Rust engine on the rhwp parser.

Why hangulang: ``bench/hwp_readers.py`` compares it with unhwp, hwp-hwpx-parser, hwpforge and
python-hwpx on the shared corpus (pyhwp's ``index.xhtml`` cells with spans, Hancom's ``PrvText``
previews) and on drawn forms; the figures and the reasons are in the README ("Reading HWP and HWPX").
In short: hangulang, unhwp, hwpforge and python-hwpx read HWP 5 tables equally well (hwp-hwpx-parser
drops spans); hangulang also gives layout page numbers and is the fastest of them. pyhwp is AGPL-3.0
and unmaintained since 2020; rhwp-python does not import on Debian 12.

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
        entries = ["/".join(entry).casefold() for entry in ole.listdir(streams=True, storages=True)]
        if len(set(entries)) < len(entries):  # CFB names are unique per storage; hangulang's lenient retry can then allocate GBs
            raise ValueError("the compound file's directory names one entry twice: damaged file")
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
