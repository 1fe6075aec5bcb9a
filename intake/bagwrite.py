"""Write a BagIt bag (version 0.97, as bagit-python writes it) around payload whose SHA-256 is already known.

``bagit.make_bag`` changes the process's working directory while it runs, so two threads making bags at once broke
each other's paths (and any relative path another thread used meanwhile), and it hashes every payload byte again.
The raw store knows each payload file's hash from writing its object, so it writes the tag files itself;
``bagit.Bag(...).validate()`` still checks the result (``intake verify``).
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import bagit

PAYLOAD = "data"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"


def _encoded(path: str) -> str:
    # as bagit does: CR and LF would break a manifest line
    return path.replace("\r", "%0D").replace("\n", "%0A")


def write_payload_tags(bag_dir: Path, payload: list[tuple[str, str, int]], bag_info: dict[str, str]) -> None:
    """bagit.txt, bag-info.txt and the payload manifest of ``bag_dir``, whose files are already under ``data/``;
    ``payload`` is (path under data/, sha256, size) per file."""
    (bag_dir / PAYLOAD).mkdir(parents=True, exist_ok=True)
    (bag_dir / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    info = {"Bagging-Date": date.today().isoformat(),
            "Bag-Software-Agent": f"bagit.py v{bagit.VERSION} <{bagit.PROJECT_URL}>", **bag_info,
            "Payload-Oxum": f"{sum(size for _, _, size in payload)}.{len(payload)}"}
    lines = []
    for key in sorted(info):  # one line per field: every line boundary dropped, not only CR/LF, because bagit reads
        # the file back with str.splitlines (a .msg's subject with \x0b or \x1c in it broke `verify`: found by fuzzing)
        value = "".join(str(info[key]).splitlines())
        lines.append(f"{key}: {value}\n")
    (bag_dir / "bag-info.txt").write_text("".join(lines), encoding="utf-8")
    (bag_dir / MANIFEST).write_text("".join(f"{sha}  {_encoded(f'{PAYLOAD}/{path}')}\n" for path, sha, _ in payload),
                                    encoding="utf-8")


def write_tag_manifest(bag_dir: Path) -> None:
    """The tag manifest over every tag file at the bag's top (written last, after any tag file of the caller's)."""
    lines = []
    for name in sorted(os.listdir(bag_dir)):
        path = bag_dir / name
        if name == PAYLOAD or name.startswith("tagmanifest-") or not path.is_file():
            continue
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()} {name}\n")
    (bag_dir / TAG_MANIFEST).write_text("".join(lines), encoding="utf-8")
