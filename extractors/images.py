"""Raster image helpers shared by the extractors."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 80_000_000  # refuse decompression bombs disguised as pictures


def to_png(data: bytes) -> bytes | None:
    """The image re-encoded as PNG, or None when Pillow cannot read it (EMF, WMF, corrupt)."""
    try:
        with Image.open(BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                return None
            out = BytesIO()
            img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB").save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
