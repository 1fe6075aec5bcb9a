"""kill -9 of `intake ingest --drop` and `intake serve` at random moments, then a clean run, counting what was lost.

    nice -n 10 .venv/bin/python bench/faults.py [--ingest-kills 30] [--serve-kills 20] [--per-round 3]
                                              [--seed 1] [--temporary-server] [--horizon 60]

Ingest: each round starts from an empty store and database and a drop folder of real bundles (the generated
samples as .eml, .zip and folder, plus hostile entries: a memo alone, a broken zip, a folder and a zip of one
name); ``intake ingest --drop`` is killed with SIGKILL at a random moment ``--per-round`` times, then run to
the end. Then: every drop entry must be one bundle row in a done state with its output, every bag's files
must match its row, no queue item may exist twice, ``intake verify`` must pass, and no process started by the
killed commands may be left (checked after every kill). Serve: on a processed store, ``intake serve`` is
killed at random moments while a reviewer resolves items through the JSON API; every resolution the server
acknowledged (HTTP 200) must be in the store afterwards. The resident Prefect server (flows.resident) is
shared by the runs and stopped at the end; ``--temporary-server`` makes every command start its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
INTAKE = str(Path(sys.executable).with_name("intake"))
ADMIN_PASSWORD = "faults-admin-password"


class Lab:
    """One store, database and drop folder; its environment marks every process the commands start."""

    def __init__(self, base: Path, name: str, prefect_home: Path, temporary_server: bool) -> None:
        self.root = base / name
        self.drop, self.out, self.store = self.root / "drop", self.root / "out", self.root / "store"
        self.root.mkdir(parents=True)
        self.url = f"sqlite:///{self.root / 'intake.db'}"
        self.env = {**os.environ, "INTAKE_DATABASE_URL": self.url, "INTAKE_STORE_DIR": str(self.store),
                    "PREFECT_HOME": str(prefect_home), "INTAKE_FAULTS_LAB": str(self.root), "COLUMNS": "160",
                    "INTAKE_PREFECT_RESIDENT": "0" if temporary_server else "1"}

    def run(self, *args: str, timeout: float = 900, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([INTAKE, *args], cwd=self.root, env=self.env, capture_output=True, text=True,
                              timeout=timeout, input=stdin)

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([INTAKE, *args], cwd=self.root, env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)


def fill_drop(drop: Path) -> list[str]:
    """The drop folder's entries: the generated samples as they arrive, and a few hostile ones."""
    from samples.make_samples import load_specs, write_bundle

    drop.mkdir(parents=True, exist_ok=True)
    for spec in load_specs()[:3]:
        write_bundle(spec, drop)
    (drop / "메모.txt").write_text("회의 메모입니다.\n", encoding="utf-8")
    (drop / "broken.zip").write_bytes(b"PK\x03\x04" + os.urandom(4000))
    (drop / "twin").mkdir()
    (drop / "twin" / "a.txt").write_text("a", encoding="utf-8")
    with zipfile.ZipFile(drop / "twin.zip", "w") as zf:
        zf.writestr("a/b.txt", "b")
        zf.writestr("a", "file a")  # a file and a folder of one name
    return sorted(p.name for p in drop.iterdir())


def lab_processes(lab: Lab, spare: set[int]) -> list[str]:
    """Processes carrying the lab's mark, other than ``spare`` (the resident server and its children)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.pid in spare or proc.pid == os.getpid():
                continue
            if proc.environ().get("INTAKE_FAULTS_LAB") == str(lab.root):
                found.append(f"{proc.pid} {' '.join(proc.info['cmdline'] or [])[:120]}")
        except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
            continue
    return found


def resident_pids(prefect_home: Path) -> set[int]:
    """The resident server's keeper (``python -m flows.resident``, meant to outlive commands) and its children."""
    import psutil

    spare = set()
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "flows.resident" in (proc.info["cmdline"] or []) and proc.environ().get("PREFECT_HOME") == str(prefect_home):
                spare |= {proc.pid, *(c.pid for c in proc.children(recursive=True))}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return spare


def keepers(prefect_home: Path) -> list[int]:
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "flows.resident" in (proc.info["cmdline"] or []) and proc.environ().get("PREFECT_HOME") == str(prefect_home):
                found.append(proc.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def orphans_after_kill(lab: Lab, prefect_home: Path, grace: float = 20.0) -> list[str]:
    """Processes of the killed command still there after ``grace`` seconds, and resident keepers beyond one."""
    deadline = time.monotonic() + grace
    while True:
        left = lab_processes(lab, resident_pids(prefect_home))
        left += [f"{pid} a second resident keeper" for pid in keepers(prefect_home)[1:]]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def check_store(lab: Lab, entries: list[str]) -> dict:
    from sqlalchemy import create_engine, text

    from review_queue.store import list_bundles

    bundles = list_bundles(lab.url)
    by_entry = Counter(Path(b["source_path"]).name for b in bundles)
    done = {Path(b["source_path"]).name for b in bundles if b["state"] in ("processed", "not_submission")}
    bags = [p for p in (lab.store / "bags").iterdir() if not p.name.startswith(".")] if (lab.store / "bags").exists() else []
    files_off = 0
    for b in bundles:
        manifest = lab.store / "bags" / b["id"] / "intake-manifest.json"
        if manifest.exists():
            listed = [f for f in json.loads(manifest.read_text(encoding="utf-8"))["files"] if f["role"] == "file"]
            files_off += len(listed) != b["files"]
    with create_engine(lab.url).connect() as conn:
        dup_items = conn.execute(text("SELECT COUNT(*) FROM (SELECT submission_id, identity FROM queue_items "
                                      "GROUP BY submission_id, identity HAVING COUNT(*) > 1) d")).scalar()
        items = conn.execute(text("SELECT COUNT(*) FROM queue_items")).scalar()
    outputs = sum(1 for p in lab.out.glob("*/submission.json"))
    spools = len(list((lab.store / ".spool").glob("spool-*")))  # after the clean run: none of its own, none swept late
    verify = lab.run("verify", timeout=600)
    return {"entries": len(entries), "lost": sum(1 for e in entries if by_entry[e] == 0),
            "not_done": sum(1 for e in entries if e not in done), "duplicated": sum(n - 1 for n in by_entry.values() if n > 1),
            "bags": len(bags), "files_off": files_off, "items": items, "dup_items": dup_items, "outputs": outputs,
            "spools_left": spools, "verify_ok": verify.returncode == 0}


def ingest_rounds(base: Path, prefect_home: Path, kills: int, per_round: int, horizon: float, rng: random.Random,
                  temporary: bool) -> tuple[list[dict], list[str]]:
    results, orphans = [], []
    rounds = max(1, -(-kills // per_round))
    for r in range(rounds):
        lab = Lab(base, f"ingest-{r}", prefect_home, temporary)
        entries = fill_drop(lab.drop)
        for _ in range(min(per_round, kills - r * per_round)):
            proc = lab.start("ingest", "--drop", str(lab.drop), "--out", str(lab.out))
            moment = rng.uniform(0.5, horizon)
            try:
                proc.wait(moment)  # finished before the kill came: nothing to kill this time
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            orphans += orphans_after_kill(lab, prefect_home)
        clean = lab.run("ingest", "--drop", str(lab.drop), "--out", str(lab.out))
        try:
            result = check_store(lab, entries) | {"clean_exit": clean.returncode}
        except Exception as exc:  # a store the kills left unreadable: counted, and the other rounds still run
            print(f"  round {r + 1}: store unreadable: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
            result = {"entries": len(entries), "lost": len(entries), "not_done": len(entries), "unreadable": 1,
                      "verify_ok": False, "clean_exit": clean.returncode}
        results.append(result)
        print(f"  ingest round {r + 1}/{rounds}: {result}", flush=True)
    return results, orphans


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _decide(port: int, items: list[int], acked: dict[int, str], stop: threading.Event) -> None:
    """Sign in and resolve items one after another through the JSON API; note each the server acknowledged."""
    import re

    import httpx

    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"name": "admin", "password": ADMIN_PASSWORD, "csrf_token": token})
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/queue").text).group(1)
            for item in items:
                if stop.is_set():
                    return
                response = client.post(f"/api/items/{item}/resolve", json={"note": "faults bench"},
                                       headers={"X-CSRF-Token": token})
                if response.status_code == 200:
                    acked[item] = response.json()["item"]["state"]
    except (httpx.HTTPError, AttributeError):
        return  # the server was killed under us: what it acknowledged is in ``acked``


def serve_kills(base: Path, prefect_home: Path, kills: int, rng: random.Random, temporary: bool) -> tuple[dict, list[str]]:
    import httpx
    from sqlalchemy import create_engine, text

    lab = Lab(base, "serve", prefect_home, temporary)
    fill_drop(lab.drop)
    lab.run("ingest", "--drop", str(lab.drop), "--out", str(lab.out))
    lab.run("user", "add", "admin", "--role", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    with create_engine(lab.url).connect() as conn:
        todo = [row[0] for row in conn.execute(text("SELECT id FROM queue_items WHERE state = 'open' ORDER BY id"))]
    acked: dict[int, str] = {}
    orphans: list[str] = []
    for _ in range(kills):
        port = _free_port()
        proc = lab.start("serve", "--port", str(port), "--store", str(lab.store))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        stop = threading.Event()
        pending = [i for i in todo if i not in acked]
        worker = threading.Thread(target=_decide, args=(port, pending, acked, stop))
        worker.start()
        time.sleep(rng.uniform(0.2, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        worker.join(30)
        orphans += orphans_after_kill(lab, prefect_home)
    with create_engine(lab.url).connect() as conn:
        states = dict(conn.execute(text("SELECT id, state FROM queue_items")).all())
    kept = sum(states.get(item) == state for item, state in acked.items())
    verify = lab.run("verify", timeout=600)
    return {"kills": kills, "acknowledged": len(acked), "kept": kept, "verify_ok": verify.returncode == 0}, orphans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest-kills", type=int, default=30)
    parser.add_argument("--serve-kills", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=3, help="kills of ingest before each round's clean run")
    parser.add_argument("--horizon", type=float, default=60.0, help="latest kill moment after start, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--temporary-server", action="store_true", help="INTAKE_PREFECT_RESIDENT=0 for every command")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="intake-faults-"))
    prefect_home = base / "prefect"
    started = time.monotonic()
    try:
        ingest, orphans = ingest_rounds(base, prefect_home, args.ingest_kills, args.per_round, args.horizon, rng,
                                        args.temporary_server) if args.ingest_kills else ([], [])
        serve, serve_orphans = serve_kills(base, prefect_home, args.serve_kills, rng, args.temporary_server) \
            if args.serve_kills else ({}, [])
    finally:
        env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
        subprocess.run([INTAKE, "prefect-stop"], env=env, capture_output=True, timeout=120)
    import psutil

    deadline, first_seen = time.monotonic() + 30, []
    while True:  # a loaded machine may take seconds to let the stopped server's processes exit
        left = [p for p in psutil.process_iter() if _lab_mark(p, base)]
        first_seen = first_seen or [f"{p.pid} {' '.join(_cmdline(p))[:120]}" for p in left]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(1)
    left_after = round(30 - (deadline - time.monotonic())) if not left else None
    total = Counter()
    for r in ingest:
        total.update({k: v for k, v in r.items() if isinstance(v, int) and not isinstance(v, bool)})
    print(f"\n{'what':44} {'count':>8}")
    rows = [("ingest kills (SIGKILL)", args.ingest_kills), ("ingest rounds (each ends with a clean run)", len(ingest)),
            ("drop entries over all rounds", total["entries"]), ("  lost (no bundle row)", total["lost"]),
            ("  not processed after the clean run", total["not_done"]), ("  duplicated bundle rows", total["duplicated"]),
            ("  bags whose files differ from their row", total["files_off"]), ("queue items", total["items"]),
            ("  duplicated queue items", total["dup_items"]),
            ("spool folders left after the clean runs", total["spools_left"]),
            ("rounds whose store could not be read", total["unreadable"]),
            ("rounds with intake verify clean", sum(r["verify_ok"] for r in ingest)),
            ("rounds whose clean run exited 0", sum(r["clean_exit"] == 0 for r in ingest)),
            ("serve kills (SIGKILL)", serve.get("kills", 0)), ("  decisions acknowledged (HTTP 200)", serve.get("acknowledged", 0)),
            ("  acknowledged decisions kept", serve.get("kept", 0)),
            ("  serve store verify clean", int(serve.get("verify_ok", True))),
            ("processes left 20 s after a kill", len(orphans) + len(serve_orphans)),
            ("processes left 30 s after prefect-stop at the end", len(left))]
    for what, count in rows:
        print(f"{what:44} {count:>8}")
    for line in (orphans + serve_orphans)[:10]:
        print(f"  left: {line}")
    if first_seen:
        print(f"  still running right after prefect-stop ({'gone after ' + str(left_after) + ' s' if left_after is not None else 'never gone'}):")
        for line in first_seen[:10]:
            print(f"    {line}")
    print(f"{time.monotonic() - started:.0f} s, seed {args.seed}, "
          f"{'temporary' if args.temporary_server else 'resident'} Prefect server")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


def _cmdline(proc) -> list[str]:
    try:
        return proc.cmdline()
    except Exception:  # gone meanwhile
        return []


def _lab_mark(proc, base: Path) -> bool:
    try:
        return proc.pid != os.getpid() and proc.environ().get("INTAKE_FAULTS_LAB", "").startswith(str(base))
    except Exception:  # gone, or not ours to read
        return False


if __name__ == "__main__":
    main()
