"""The hostile bundles of issue 13 built as such, each run through `intake process` (or the web app as a real
process) under bench/proctree.py: exit code, finding codes, wall time, peak memory of the process tree and of its
largest process, and `intake verify` afterwards.

    nice -n 10 .venv/bin/python bench/hostile_cases.py [--cases zip3g,many1mib,mime20k,tiny10k,upload500]
                                                     [--work /tmp/somewhere] [--keep]

Cases (built in a temporary folder outside the repository, several GB of disk for a while):
  zip3g      a ~3 MB zip holding one 3 GiB member (deflated zeros) beside a real application form
  many1mib   1,900 members of 1 MiB each (incompressible, stored: a 2.0 GB zip)
  mime20k    an e-mail of 20,000 MIME parts (small attachments) beside a real application form
  tiny10k    a zip of 10,000 tiny members
  upload500  a 500 MB zip uploaded to `intake serve` (sign-in, desk upload, processing), the server's tree measured
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

import proctree  # noqa: E402

INTAKE = str(Path(sys.executable).with_name("intake"))
PASSWORD = "hostile-cases-password"
MIB = 1024**2


def _form() -> tuple[str, bytes]:
    """A real application form (신청서) from the sample generator, so each bundle also holds something to read."""
    from samples.make_samples import load_specs, render_documents

    return next((n, d) for n, d in render_documents(load_specs()[0]) if n.lower().endswith(".pdf"))


def build_zip3g(folder: Path) -> Path:
    path = folder / "zip3g.zip"
    name, form = _form()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(name, form)
        zeros = bytes(64 * MIB)
        with zf.open("근거자료/대용량.bin", "w", force_zip64=True) as member:
            for _ in range(48):  # 3 GiB
                member.write(zeros)
    return path


def build_many1mib(folder: Path) -> Path:
    path = folder / "many1mib.zip"
    name, form = _form()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(name, form)
        for i in range(1900):
            zf.writestr(f"사진/photo{i:04d}.bin", os.urandom(MIB))
    return path


def build_mime20k(folder: Path) -> Path:
    path = folder / "mime20k.eml"
    name, form = _form()
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "city@example.kr", "intake@example.kr", "스마트도시 인증 신청서류"
    mail.set_content("신청서류를 제출합니다.")
    mail.add_attachment(form, maintype="application", subtype="pdf", filename=name)
    for i in range(20_000 - 2):
        mail.add_attachment(f"part {i}\n".encode(), maintype="application", subtype="octet-stream",
                            filename=f"part{i:05d}.dat")
    path.write_bytes(mail.as_bytes())
    return path


def build_tiny10k(folder: Path) -> Path:
    path = folder / "tiny10k.zip"
    name, form = _form()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, form)
        for i in range(10_000):
            zf.writestr(f"작은파일/t{i:05d}.txt", f"{i}\n")
    return path


def build_upload500(folder: Path) -> Path:
    path = folder / "upload500.zip"
    name, form = _form()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(name, form)
        for i in range(50):  # 50 × 10,000,000 bytes: a 500 MB upload
            zf.writestr(f"사진/scan{i:02d}.bin", os.urandom(10_000_000))
    return path


BUILDERS = {"zip3g": build_zip3g, "many1mib": build_many1mib, "mime20k": build_mime20k, "tiny10k": build_tiny10k,
            "upload500": build_upload500}


def _env(lab: Path) -> dict[str, str]:
    return {**os.environ, "INTAKE_DATABASE_URL": f"sqlite:///{lab / 'intake.db'}", "INTAKE_STORE_DIR": str(lab / "store"),
            "PREFECT_HOME": str(lab.parent / "prefect"), "COLUMNS": "160"}


def _findings(out: Path) -> str:
    codes = Counter()
    for path in out.rglob("submission.json"):
        codes.update(f["rule"] for f in json.loads(path.read_text(encoding="utf-8"))["findings"])
    return ", ".join(f"{rule}×{n}" if n > 1 else rule for rule, n in sorted(codes.items())) or "(no submission.json)"


def run_process(case: str, bundle: Path, lab: Path) -> dict:
    lab.mkdir(parents=True)
    measured = proctree.run([INTAKE, "process", str(bundle), "--out", str(lab / "out")], cwd=lab, env=_env(lab),
                            timeout=3600)
    verify = subprocess.run([INTAKE, "verify"], cwd=lab, env=_env(lab), capture_output=True, text=True, timeout=1800)
    return {"case": case, "size": bundle.stat().st_size, "exit": measured.returncode, "findings": _findings(lab / "out"),
            "wall": measured.wall, "tree_mb": measured.peak_mb, "process_mb": measured.peak_process_mb,
            "verify": "clean" if verify.returncode == 0 else "FAILED", "left": len(measured.left_behind),
            "stderr": measured.stderr[-600:] if measured.returncode else ""}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _upload(port: int, bundle: Path, outcome: dict) -> None:
    """Sign in, upload the bundle on the intake desk, wait until it is processed, then stop the server (SIGTERM)."""
    import httpx
    import psutil

    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=600) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token})
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/intake").text).group(1)
            with bundle.open("rb") as stream:
                response = client.post("/intake", data={"delivery": "post", "received_at": "2025-09-23T11:30",
                                                        "csrf_token": token},
                                       files=[("files", (bundle.name, stream, "application/zip"))], follow_redirects=False)
            outcome["http"] = response.status_code
            if response.status_code == 303:
                upload = int(response.headers["location"].rsplit("/", 1)[1])
                while time.monotonic() < deadline + 3600:
                    status = client.get(f"/api/uploads/{upload}").json()
                    if status["done"]:
                        outcome["upload"] = f"{status['state']} ({status['step_ko']})"
                        break
                    time.sleep(2)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        for child in psutil.Process().children(recursive=True):
            try:
                if "serve" in child.cmdline() and str(port) in child.cmdline():
                    child.send_signal(signal.SIGTERM)
            except psutil.Error:
                continue


def run_upload(case: str, bundle: Path, lab: Path) -> dict:
    lab.mkdir(parents=True)
    env = _env(lab)
    subprocess.run([INTAKE, "user", "add", "clerk", "--role", "clerk", "--password-stdin"], cwd=lab, env=env,
                   input=PASSWORD + "\n", text=True, capture_output=True, timeout=300, check=True)
    port = _free_port()
    outcome: dict = {}
    driver = threading.Thread(target=_upload, args=(port, bundle, outcome))
    driver.start()
    measured = proctree.run([INTAKE, "serve", "--port", str(port), "--out", str(lab / "out")], cwd=lab, env=env,
                            timeout=7200)
    driver.join()
    verify = subprocess.run([INTAKE, "verify"], cwd=lab, env=env, capture_output=True, text=True, timeout=1800)
    stopped = measured.returncode == -signal.SIGTERM  # the driver stops the server once the upload is processed
    return {"case": case, "size": bundle.stat().st_size, "exit": "TERM" if stopped else measured.returncode,
            "findings": f"HTTP {outcome.get('http')}, {outcome.get('upload', outcome.get('error'))}; "
                        + _findings(lab / "out"),
            "wall": measured.wall, "tree_mb": measured.peak_mb, "process_mb": measured.peak_process_mb,
            "verify": "clean" if verify.returncode == 0 else "FAILED", "left": len(measured.left_behind), "stderr": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(BUILDERS))
    parser.add_argument("--work", type=Path, help="folder for the bundles and stores (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="intake-hostile-", dir=args.work))
    rows = []
    try:
        for case in [c for c in args.cases.split(",") if c]:
            started = time.monotonic()
            bundle = BUILDERS[case](work)
            print(f"built {case}: {bundle.stat().st_size / MIB:.1f} MiB in {time.monotonic() - started:.0f} s", flush=True)
            runner = run_upload if case == "upload500" else run_process
            row = runner(case, bundle, work / f"lab-{case}")
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            bundle.unlink()
            if not args.keep:
                shutil.rmtree(work / f"lab-{case}", ignore_errors=True)
    finally:
        subprocess.run([INTAKE, "prefect-stop"], env={**os.environ, "PREFECT_HOME": str(work / "prefect")},
                       capture_output=True, timeout=120)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'case':10} {'MiB':>7} {'exit':>4} {'wall s':>7} {'tree MiB':>8} {'max proc':>8} {'verify':>6} {'left':>4}  findings")
    for r in rows:
        print(f"{r['case']:10} {r['size'] / MIB:7.1f} {r['exit']:4} {r['wall']:7.0f} {r['tree_mb']:8.0f} "
              f"{r['process_mb']:8.0f} {r['verify']:>6} {r['left']:4}  {r['findings']}")
        if r["stderr"]:
            print(f"           stderr: {r['stderr']}")
    print(proctree.machine_load())


if __name__ == "__main__":
    main()
