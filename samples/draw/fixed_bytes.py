"""Same seed, same bytes: pin the timestamps that python-docx, openpyxl and zipfile take from the clock."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from io import BytesIO

ZIP_TIME = (2025, 9, 15, 9, 0, 0)  # a zip member's time when the packer has none to give


def pin_ooxml(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML package with fixed member times and fixed created/modified properties."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", text)
                body = text.encode("utf-8")
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, body)
    return out.getvalue()
