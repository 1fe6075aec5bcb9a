"""Seed files for bench/fuzz.py: generated samples, the shared corpus and the devset (read in place, never copied).

Small files only (≤ 1.5 MB, bundles ≤ 6 MB; images re-encoded at most 800 px wide) so that a mutant costs
seconds, not minutes.
"""

from __future__ import annotations

import io
import os
import random
import unicodedata
import zipfile
from email.message import EmailMessage
from pathlib import Path

import fuzz_mutants as mx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))
EXTENSIONS = {"pdf": (".pdf",), "docx": (".docx",), "xlsx": (".xlsx",), "hwpx": (".hwpx",), "hwp": (".hwp",),
              "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff"), "eml": (".eml",), "msg": (".msg",),
              "zip": (".zip",), "7z": (".7z",)}
PER_FORMAT = 12  # seed files per format, spread over the available ones


def _generated() -> list[tuple[str, bytes]]:
    from samples.make_samples import load_specs, render_documents

    files = []
    for spec in load_specs()[:2]:
        files += render_documents(spec)
    return files


def _image() -> tuple[str, bytes]:
    from PIL import Image, ImageDraw

    from samples.render import korean_font

    image = Image.new("L", (360, 80), 255)
    from PIL import ImageFont

    ImageDraw.Draw(image).text((8, 20), "정량지표 평가제안서 12.5%", fill=0, font=ImageFont.truetype(korean_font(), 28))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "scan.png", out.getvalue()


def _from_disk(fmt: str) -> list[tuple[str, bytes]]:
    limit = 6 * 1024**2 if fmt in ("eml", "msg", "zip", "7z") else 1536 * 1024
    paths = sorted(p for base in (SHARED / "corpus", SHARED / "devset") if base.is_dir() for p in base.rglob("*")
                   if p.is_file() and p.suffix.lower() in EXTENSIONS[fmt] and p.stat().st_size <= limit)
    step = max(1, len(paths) // PER_FORMAT)
    files = [(p.name, p.read_bytes()) for p in paths[::step][:PER_FORMAT]]
    return [_smaller_image(n, d) for n, d in files] if fmt == "image" else files


IMAGE_SIDE = 800  # pixels: a 1920×1080 screenshot's noise mutants took 40 s of OCR each, a page scan's detail is not needed


def _smaller_image(name: str, data: bytes) -> tuple[str, bytes]:
    """A large image re-encoded smaller in its own format (and TIFF compression): the decoder sees the same
    structures, OCR of its mutants takes seconds instead of tens of seconds."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) <= IMAGE_SIDE:
            return name, data
        fmt, compression = image.format, image.info.get("compression")
        image.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
        out = io.BytesIO()
        image.save(out, fmt, **({"compression": compression} if fmt == "TIFF" and compression else {}))
    return name, out.getvalue()


def _packed(generated: list[tuple[str, bytes]]) -> dict[str, list[tuple[str, bytes]]]:
    """Bundles packed from the generated documents, as they arrive: a zip, a 7z, an e-mail."""
    import tempfile

    import py7zr

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in generated:
            zf.writestr(f"제출서류/{name}", data)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "city@example.kr", "intake@example.kr", "스마트도시 인증 신청서류"
    mail.set_content("신청서류를 제출합니다.")
    for name, data in generated:
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    with tempfile.TemporaryDirectory() as tmp:
        with py7zr.SevenZipFile(f"{tmp}/b.7z", "w") as archive:
            for name, data in generated:
                archive.writestr(data, name)
        seven = Path(f"{tmp}/b.7z").read_bytes()
    return {"zip": [("usb.zip", out.getvalue())], "eml": [("mail.eml", mail.as_bytes())], "7z": [("usb.7z", seven)]}


def load(formats: list[str]) -> dict[str, list[tuple[str, bytes]]]:
    generated = _generated()
    packed = _packed(generated)
    seeds: dict[str, list[tuple[str, bytes]]] = {}
    for fmt in formats:
        if fmt == "folder":
            seeds["folder"] = generated
            continue
        own = [(n, d) for n, d in generated if n.lower().endswith(EXTENSIONS[fmt])] + packed.get(fmt, [])
        if fmt == "image":
            own.append(_image())
        seeds[fmt] = own + _from_disk(fmt)
        if not seeds[fmt]:
            raise SystemExit(f"no seed files for {fmt} (is the shared corpus at {SHARED}?)")
    return seeds


NAME_TWISTS = [
    lambda n: n, lambda n: n.upper(), lambda n: unicodedata.normalize("NFD", "정성평가_" + n),
    lambda n: "가" * 100 + n, lambda n: n + "\r\n", lambda n: "a/" * 30 + n, lambda n: " " + n + " ",
    lambda n: n.replace(".", "..", 1), lambda n: "x.zip.contents/" + n, lambda n: n.rsplit(".", 1)[0],
]


def folder_mutant(rng: random.Random, seeds: dict[str, list[tuple[str, bytes]]]) -> dict[str, bytes]:
    """A USB folder: seed files under twisted names (twins by case or NFC/NFD, long, CR/LF, deep, a file beside
    a folder of the name its archive's members take), some mutated, some empty, perhaps an archive of them."""
    files: dict[str, bytes] = {}
    for _ in range(rng.choice((0, 1, 3, 6))):
        name, data = rng.choice(seeds["folder"])
        if rng.random() < 0.4:
            data = rng.choice(mx.BYTE_MUTATORS)(rng, data)
        if rng.random() < 0.1:
            data = b""
        files[rng.choice(NAME_TWISTS)(name)] = data
    if files and rng.random() < 0.3:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        files["x.zip"] = out.getvalue()
    return files


def write_folder(path: Path, files: dict[str, bytes]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = path / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError:  # a name this file system refuses (too long): the folder holds the rest
            continue
