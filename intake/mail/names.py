"""Attachment file names: cleaned, NFC, and kept apart when two share a name."""

from __future__ import annotations

import unicodedata


def clean_name(name: str) -> str:
    """A received file name as it may be kept: NFC, no path, no control characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    return "" if name in {".", ".."} else name


class _Names:
    """Names for the files of one mail: unnamed parts become noname1, noname2…; duplicates get (2), (3)…"""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.unnamed = 0
        self.next_twin: dict[str, int] = {}  # the next number to try per name: thousands of twins stay linear

    def take(self, name: str | None) -> str:
        name = clean_name(name or "")
        if not name:
            self.unnamed += 1
            name = f"noname{self.unnamed}"
        if name in self.used:  # two attachments with one name: keep both
            stem, dot, ext = name.rpartition(".")
            if not dot or not stem:
                stem, ext = name, ""
            n = self.next_twin.get(name, 2)
            while (candidate := f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})") in self.used:
                n += 1
            self.next_twin[name] = n + 1
            name = candidate
        self.used.add(name)
        return name


