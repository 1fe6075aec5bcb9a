"""A USB delivery: a zip as Windows Explorer makes it (CP949 names, no UTF-8 flag) or as a newer tool
does (UTF-8 flag), or the folder copied as is (a Mac keeps NFD names) — with the junk a USB stick
collects (.DS_Store, __MACOSX/ resource forks, Thumbs.db)."""

from __future__ import annotations

import random
import unicodedata
import zipfile
from pathlib import Path

from samples.draw.fixed_bytes import ZIP_TIME

APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(16)


class Cp949Name(zipfile.ZipInfo):
    """A member whose name is stored in CP949 with the UTF-8 flag clear, as Korean Windows writes it."""

    def _encodeFilenameFlags(self):  # zipfile's own hook, overridden to keep the CP949 bytes
        return self.filename.encode("cp949"), self.flag_bits & ~0x800


def junk_files(rng: random.Random, paths: list[str], top: str) -> list[tuple[str, bytes]]:
    out = [(f"{top}/.DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(rng.randint(20, 60)))]
    if rng.random() < 0.6:
        out.append((f"{top}/Thumbs.db", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32)))
    for path in paths[: rng.randint(1, len(paths))]:
        folder, _, name = path.rpartition("/")
        out.append((f"__MACOSX/{folder}/._{name}", APPLE_DOUBLE))
    return out


def write_zip(target: Path, members: list[tuple[str, bytes]], names: str) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        folders = []
        for path, _ in members:
            parts = path.split("/")[:-1]
            for n in range(1, len(parts) + 1):
                folder = "/".join(parts[:n]) + "/"
                if folder not in folders:
                    folders.append(folder)
        for folder in folders:  # explicit directory entries, as Explorer writes them
            info = (Cp949Name if names == "cp949" else zipfile.ZipInfo)(folder, date_time=ZIP_TIME)
            info.external_attr = 0x10
            zf.writestr(info, b"")
        for path, data in members:
            info = (Cp949Name if names == "cp949" else zipfile.ZipInfo)(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def write_folder(root: Path, members: list[tuple[str, bytes]], nfd: bool) -> None:
    for path, data in members:
        target = root / (unicodedata.normalize("NFD", path) if nfd else path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
