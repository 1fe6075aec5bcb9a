"""The resident Prefect server (flows.resident): started once, shared by later commands, kept while a command
is attached, stopped when unused — real processes, a real Prefect server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ATTACH = "import sys, time; from flows.resident import attach; print(attach(), flush=True); time.sleep(float(sys.argv[1]))"


def _env(tmp_path: Path, idle: float) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(tmp_path / "prefect"), "INTAKE_PREFECT_IDLE_SECONDS": str(idle)}


def _attach(env: dict, hold: float = 0) -> str:
    done = subprocess.run([sys.executable, "-c", ATTACH, str(hold)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _keeper(tmp_path: Path) -> dict | None:
    state = tmp_path / "prefect" / "resident.json"
    return json.loads(state.read_text()) if state.exists() else None


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return True
    return False


def test_one_server_shared_then_stopped_when_unused(tmp_path):
    env = _env(tmp_path, idle=3)
    first = _attach(env)
    assert first.startswith("http://127.0.0.1:") and first.endswith("/api")
    keeper = _keeper(tmp_path)
    assert _attach(env) == first and _keeper(tmp_path) == keeper  # the second command reuses it
    # an attached command keeps it: held 8 s, longer than the idle time
    holder = subprocess.Popen([sys.executable, "-c", ATTACH, "8"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == first
    time.sleep(5)
    assert _keeper(tmp_path) == keeper and not _gone(keeper["pid"])
    holder.wait(timeout=30)
    deadline = time.monotonic() + 30  # then unused: stopped, its record removed
    while time.monotonic() < deadline and not _gone(keeper["pid"]):
        time.sleep(0.5)
    assert _gone(keeper["pid"]) and _keeper(tmp_path) is None
    assert _attach(env) != ""  # a later command starts a new one
    from flows.resident import stop

    assert stop(tmp_path / "prefect")


def test_an_operators_api_url_is_used_as_is(tmp_path):
    env = {**_env(tmp_path, idle=3), "PREFECT_API_URL": "http://127.0.0.1:4200/api"}
    assert _attach(env) == "None" and _keeper(tmp_path) is None
