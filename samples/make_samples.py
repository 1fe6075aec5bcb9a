"""Generate the sample bundles in ``samples/build`` from ``samples/specs/*.yaml``.

    python -m samples.make_samples [--out samples/build]

Each spec says what a municipality or provider submitted (applicant, the stated
values of its 요약표, its stages …) and what the pipeline must find; this script
writes the documents in the spec's formats and packs them the way they arrive:
an .eml with attachments, a USB .zip, or a folder.
"""

from __future__ import annotations

import argparse
import shutil
import zipfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import yaml

from samples.forms import BUILDERS
from samples.render import RENDERERS
from schemas import load_programme

SAMPLES_DIR = Path(__file__).parent
SPECS_DIR = SAMPLES_DIR / "specs"
BUILD_DIR = SAMPLES_DIR / "build"
OPERATOR_ADDRESS = "smartcity-cert@intake.example"

MEDIA = {"docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         "pdf": ("application", "pdf")}


def load_specs() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SPECS_DIR.glob("*.yaml"))]


def render_documents(spec: dict) -> list[tuple[str, bytes]]:
    kind = load_programme(spec["programme"]).kind
    files = []
    for doc in spec["documents"]:
        fmt = doc["format"]
        content = BUILDERS[(kind, doc["kind"])](spec, doc)
        if fmt == "truncated_pdf":  # a scan that broke in transit: the first third of a PDF
            data = RENDERERS["pdf"](content)
            data = data[: len(data) // 3]
        else:
            data = RENDERERS[fmt](content)
        files.append((doc["file"], data))
    return files


def bundle_path(spec: dict, out: Path = BUILD_DIR) -> Path:
    suffix = {"email": ".eml", "usb": ".zip", "folder": ""}[spec["channel"]]
    return out / f"{spec['id']}{suffix}"


def write_bundle(spec: dict, out: Path = BUILD_DIR) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    files = render_documents(spec)
    target = bundle_path(spec, out)
    if spec["channel"] == "email":
        target.write_bytes(_email(spec, files))
    elif spec["channel"] == "usb":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files:
                zf.writestr(name, data)
    else:
        if target.exists():
            shutil.rmtree(target)
        for name, data in files:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
    return target


def _email(spec: dict, files: list[tuple[str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = spec["sender"]
    msg["To"] = OPERATOR_ADDRESS
    msg["Subject"] = f"[{spec['applicant']['name']}] 2025년 스마트도시 인증 신청서류 제출"
    msg["Date"] = format_datetime(datetime.fromisoformat(spec["received_at"]))
    msg.set_content(f"{spec['applicant']['name']}에서 스마트도시 인증 신청서류를 제출합니다.\n첨부파일 {len(files)}개를 확인 부탁드립니다.")
    for name, data in files:
        maintype, subtype = MEDIA[Path(name).suffix.lstrip(".")]
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def build_all(out: Path = BUILD_DIR) -> list[tuple[dict, Path]]:
    return [(spec, write_bundle(spec, out)) for spec in load_specs()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BUILD_DIR)
    args = parser.parse_args()
    for spec, path in build_all(args.out):
        print(f"{spec['id']}: {path}")


if __name__ == "__main__":
    main()
