"""A resident local Prefect server that one-shot commands share, stopped when nobody has used it for a while.

Prefect runs a flow against an API. Without ``PREFECT_API_URL`` it starts a temporary server for every
process (``SubprocessASGIServer``, 10–40 s here) and stops it at exit, so each ``intake process`` paid that
start. Prefect's own advice is a dedicated server; this keeps one for the embedded default:

- ``attach()`` (the CLI calls it before the flow runs) reuses the server recorded in
  ``$PREFECT_HOME/resident.json`` when it answers, else starts a keeper process
  (``python -m flows.resident``) that runs Prefect's own ``SubprocessASGIServer`` detached from the command;
- every attached command holds a shared lock on ``resident.lease`` for its whole life;
- the keeper stops the server once it could take that lock exclusively for ``INTAKE_PREFECT_IDLE_SECONDS``
  (default 600) in a row, or on SIGTERM (``intake prefect-stop``).

A ``PREFECT_API_URL`` set by the operator (a real server with workers) is always used as is. This module
imports only the standard library; the keeper imports Prefect.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

STARTUP_SECONDS = 180  # a cold start runs Prefect's migrations
_lease = None  # this process's open lease file: the shared lock lives as long as the process


def home() -> Path:
    return Path(os.environ.get("PREFECT_HOME", "var/prefect"))


def idle_seconds() -> float:
    return float(os.environ.get("INTAKE_PREFECT_IDLE_SECONDS", "600"))


def attach(start: bool = True) -> str | None:
    """Point this process at the resident server (starting it if ``start``); the API URL, or None when the
    operator's own PREFECT_API_URL is set or no server runs and none was to be started."""
    global _lease
    if os.environ.get("PREFECT_API_URL"):
        return None
    root = home()
    root.mkdir(parents=True, exist_ok=True)
    lease = open(root / "resident.lease", "a+")  # noqa: SIM115 - held open on purpose, for the process's life
    fcntl.flock(lease, fcntl.LOCK_SH)  # waits while a keeper is shutting its server down
    with _exclusive(root / "resident.lock"):
        url = running_url(root)
        if url is None and start:
            url = _start(root)
    if url is None:
        lease.close()
        return None
    _lease = lease
    os.environ["PREFECT_API_URL"] = url
    return url


def running_url(root: Path) -> str | None:
    """The recorded server's API URL when its keeper lives and the server answers."""
    try:
        state = json.loads((root / "resident.json").read_text(encoding="utf-8"))
        os.kill(int(state["pid"]), 0)
        with urllib.request.urlopen(f"{state['url']}/health", timeout=3) as response:  # noqa: S310 - our own URL
            return state["url"] if response.status == 200 else None
    except (OSError, ValueError, KeyError):
        return None


def stop(root: Path | None = None) -> bool:
    """Ask the keeper to stop its server now; True when one was running."""
    root = root or home()
    try:
        pid = int(json.loads((root / "resident.json").read_text(encoding="utf-8"))["pid"])
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError, KeyError):
        return False
    for _ in range(100):
        if not (root / "resident.json").exists():
            break
        time.sleep(0.1)
    return True


@contextmanager
def _exclusive(path: Path):
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(root: Path) -> str:
    (root / "resident.json").unlink(missing_ok=True)
    with open(root / "resident.log", "ab") as out:
        subprocess.Popen([sys.executable, "-m", "flows.resident", "--port", str(_free_port())],  # noqa: S603
                         stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
                         cwd=os.getcwd(), env=os.environ.copy())
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        url = running_url(root)
        if url:
            log.info("resident Prefect server at %s", url)
            return url
        time.sleep(0.2)
    raise RuntimeError(f"the resident Prefect server did not start within {STARTUP_SECONDS} s (see {root / 'resident.log'})")


def keep(port: int) -> None:
    """The keeper: run Prefect's server on ``port`` until idle (see the module's doc) or SIGTERM."""
    from prefect.server.api.server import SubprocessASGIServer

    from flows.runtime import tie_prefect_server

    tie_prefect_server()  # the server ends with this keeper, even when the keeper is killed
    root = home()
    # One keeper per PREFECT_HOME: a command killed while its keeper was starting lets the next command start
    # another; the later one leaves at once (the lock goes with its holder, kill -9 included).
    keeper_lock = open(root / "resident.keeper", "a+")  # noqa: SIM115 - held for the keeper's life
    try:
        fcntl.flock(keeper_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        log.warning("another keeper runs for %s; this one leaves", root)
        return
    server = SubprocessASGIServer(port)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    server.start(timeout=STARTUP_SECONDS)
    (root / "resident.json").write_text(json.dumps({"url": server.api_url, "pid": os.getpid()}), encoding="utf-8")
    log.warning("resident Prefect server at %s (stops after %.0f s unused)", server.api_url, idle_seconds())
    idle_since = None
    with open(root / "resident.lease", "a+") as lease:
        try:
            while not stopping and server.server_process is not None and server.server_process.poll() is None:
                time.sleep(1)
                try:
                    fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody attached
                except OSError:
                    idle_since = None
                    continue
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= idle_seconds():
                    break  # keep the lock: a command arriving now waits, then starts a new server
                fcntl.flock(lease, fcntl.LOCK_UN)
        finally:
            (root / "resident.json").unlink(missing_ok=True)
            server.stop()
            log.warning("resident Prefect server stopped")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    keep(parser.parse_args().port)
