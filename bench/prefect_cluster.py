"""A real Prefect set-up on 127.0.0.1 for the scale-out test and bench: a server, a process work pool, this checkout's
deployments (flows/deployments.py) and N workers, each in its own process group, all stopped on exit.

    with PrefectCluster(work_dir, workers=2) as cluster:
        runs = cluster.run_drop(drop_folder, out_dir)   # dispatch_folder/drop-folder, then every bundle's run
                                                        # (each with its state, times and the worker that ran it)
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POOL = "intake-scale"

# Runs a deployment and waits for it, then for every run of the bundle deployment it started; prints JSON.
RUN_AND_WAIT = r"""
import asyncio, json, sys, time
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId, FlowRunFilter, FlowRunFilterId
from prefect.deployments import run_deployment

name, bundle_deployment, parameters, timeout = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4])
start = time.time()
dispatch = run_deployment(name, parameters=parameters, timeout=timeout, as_subflow=False)

async def wait():
    async with get_client() as client:
        deployment = await client.read_deployment_by_name(bundle_deployment)
        while True:
            runs = await client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
            if runs and all(r.state and r.state.is_final() for r in runs) or time.time() - start > timeout:
                return runs
            await asyncio.sleep(1)

runs = asyncio.run(wait())
print(json.dumps({"dispatch": dispatch.state.type.value if dispatch.state else None, "started": start,
                  "runs": [{"state": r.state.type.value if r.state else None, "name": r.name,
                            "parameters": r.parameters,
                            "worker": (r.labels or {}).get("prefect.worker.name"),
                            "start": r.start_time.timestamp() if r.start_time else None,
                            "end": r.end_time.timestamp() if r.end_time else None} for r in runs]}))
"""


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrefectCluster:
    def __init__(self, work: Path, workers: int = 2, *, dask: bool = False, startup: float = 240):
        self.work = Path(work)
        self.workers = workers
        self.startup = startup
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.processes: list[subprocess.Popen] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "INTAKE_"))}
        self.env.update(PREFECT_HOME=str(self.work / "prefect"), PREFECT_API_URL=self.url,
                        PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
                        PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="1",
                        INTAKE_DATABASE_URL=f"sqlite:///{self.work / 'intake.db'}",
                        INTAKE_STORE_DIR=str(self.work / "store"), OMP_THREAD_LIMIT="1",
                        PATH=f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}")
        if dask:
            self.env["INTAKE_DASK_ADDRESS"] = "local"

    def __enter__(self) -> PrefectCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = open(self.work / log, "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        self.processes.append(proc)
        return proc

    def _cli(self, *args: str) -> None:
        subprocess.run([str(BIN / "prefect"), *args], cwd=ROOT, env=self.env, check=True, capture_output=True,
                       timeout=self.startup)

    def start(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self._spawn([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                    "server.log")
        def healthy() -> bool:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:  # noqa: S310 - local
                return response.status == 200

        self._wait_until(healthy, f"Prefect server on port {self.port} not healthy: see {self.work / 'server.log'}")
        self._cli("work-pool", "create", POOL, "--type", "process")
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from flows.deployments import deploy_to_pool; "
                        "deploy_to_pool(sys.argv[1], Path(sys.argv[2]), None, Path(sys.argv[3]), None)",
                        POOL, str(self.work / "drop"), str(self.work / "out")],
                       cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=self.startup)
        for i in range(self.workers):
            self._spawn([str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--name", f"worker-{i + 1}",
                         "--limit", "1"], f"worker-{i + 1}.log")
        self._wait_for_workers()

    def _wait_for_workers(self) -> None:
        """Until every worker polls the pool (ONLINE): on a busy machine a worker takes seconds to start, and runs
        dispatched before then all went to the first one."""
        request = urllib.request.Request(f"{self.url}/work_pools/{POOL}/workers/filter", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})

        def all_online() -> bool:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local
                return sum(w.get("status") == "ONLINE" for w in json.loads(response.read())) >= self.workers

        self._wait_until(all_online, f"{self.workers} Prefect workers not online: see {self.work}/worker-*.log")

    def _wait_until(self, ready, failure: str) -> None:
        """Poll ``ready()`` (an unreachable server counts as not ready) until it holds, for at most ``startup`` s."""
        deadline = time.monotonic() + self.startup
        while True:
            try:
                if ready():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(failure)
            time.sleep(0.5)

    def run_drop(self, drop: Path, out: Path, timeout: float = 1800) -> dict:
        """Run dispatch_folder over ``drop``; wait for every bundle's run. Wall time in ``wall`` (first start to last
        end, seconds)."""
        parameters = {"drop": str(drop), "out_root": str(out)}
        done = subprocess.run([sys.executable, "-c", RUN_AND_WAIT, "dispatch_folder/drop-folder",
                               "process_bundle/bundle", json.dumps(parameters), str(timeout)],
                              cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout + 120)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
        ends = [r["end"] for r in result["runs"] if r["end"]]
        result["wall"] = (max(ends) - result["started"]) if ends else None
        return result

    def stop(self) -> None:
        for proc in reversed(self.processes):  # workers first, the server last
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except OSError:
                    pass
        for proc in reversed(self.processes):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.processes.clear()
