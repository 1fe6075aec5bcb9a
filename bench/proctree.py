"""Run a command and measure its whole process tree: wall time, CPU seconds, peak memory of the tree (sampled
from /proc: summed resident sets, and summed proportional sets, which count a page shared by several processes
once in all), and the processes it left running after it ended.

Used by bench/speed.py; standard library only (Linux /proc).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_SECONDS = 0.1


@dataclass
class Measured:
    wall: float
    cpu: float  # user + system seconds: the command's own (exact) + its descendants' (each as last sampled, 0.1 s apart)
    peak_mb: float  # highest summed RSS of the tree seen while it ran
    returncode: int
    peak_process_mb: float = 0.0  # highest RSS of any one process of the tree
    # highest summed PSS: the workers forked from one server share its loaded modules and Tesseract's library, which
    # summed RSS counts once per worker
    peak_pss_mb: float = 0.0
    left_behind: list[str] = field(default_factory=list)  # "pid cmdline" of descendants alive after the end
    stdout: str = ""
    stderr: str = ""


TICKS = os.sysconf("SC_CLK_TCK")


def _table() -> dict[int, tuple[int, int, float]]:
    """pid → (parent pid, rss kB, own CPU seconds) for every process."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            out[int(entry)] = (int(fields[1]), int(fields[21]) * PAGE_KB, (int(fields[11]) + int(fields[12])) / TICKS)
        except (OSError, IndexError, ValueError):
            continue
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _descendants(root: int, table: dict[int, tuple[int, int, float]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    seen, todo = set(), [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def run(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float = 3600,
        expected_resident: tuple[str, ...] = ("flows.resident",)) -> Measured:
    """Run ``cmd``; processes whose command line contains one of ``expected_resident`` (the resident Prefect
    server, which outlives commands on purpose) are not counted as left behind, nor in the tree's memory."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = peak_one = peak_pss = 0
    seen: set[int] = set()
    cpu: dict[int, float] = {}
    done = threading.Event()
    resident: set[int] = set()

    def sample() -> None:
        nonlocal peak, peak_one, peak_pss
        while not done.is_set():
            table = _table()
            tree = _descendants(proc.pid, table) | {proc.pid}
            for pid in tree - seen - resident:
                if any(mark in cmdline(pid) for mark in expected_resident):
                    resident.add(pid)
            for pid in list(resident):  # the resident server's own children (uvicorn) appear later
                resident.update(_descendants(pid, table))
            tree -= resident
            seen.update(tree)
            peak = max(peak, sum(table[p][1] for p in tree if p in table))
            peak_one = max([peak_one, *(table[p][1] for p in tree if p in table)])
            peak_pss = max(peak_pss, sum(_pss_kb(p) for p in tree))
            cpu.update({p: table[p][2] for p in tree if p in table})
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    time.sleep(1.0)  # let pools that shut down asynchronously finish
    alive = [pid for pid in seen if pid != proc.pid and os.path.exists(f"/proc/{pid}")
             and not _is_zombie(pid)]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)  # the command, exactly
    cpu.pop(proc.pid, None)
    return Measured(wall=wall, cpu=own + sum(cpu.values()), peak_mb=peak / 1024, returncode=proc.returncode,
                    peak_process_mb=peak_one / 1024, peak_pss_mb=peak_pss / 1024,
                    left_behind=[f"{pid} {cmdline(pid)[:120]}" for pid in alive], stdout=stdout, stderr=stderr)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


def machine_load() -> str:
    """The 1/5/15-minute load averages and the number of cores, for the report."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"
