"""The command line fails in Korean: one Korean line for the clerk, an English log line for the operator,
exit status 2 for a usage error and 1 for a refusal, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[가-힣]")


def _intake(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    intake = Path(sys.executable).with_name("intake")
    env = {**os.environ, "COLUMNS": "120", "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    return subprocess.run([str(intake), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _clerk_lines(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (run.stdout + run.stderr).splitlines() if line.strip() and not line.startswith("[log]")]


@pytest.mark.parametrize(("args", "status"), [
    (("export", "99999", "--out", "x"), 1),
    (("report", "99999", "--out", "x"), 1),
    (("queue", "show", "99999"), 1),
    (("queue", "resolve", "99999"), 1),
    (("export",), 2),  # no --out
    (("export", "--out", "x.json"), 2),  # no submission for JSON
    (("export", "--format", "xlsx", "--programme", "nope", "--out", "x.xlsx"), 2),
    (("process", "/no/such/bundle", "--out", "x"), 2),
    (("process", ".", "--out", "x", "--received-at", "어제"), 2),
    (("no-such-command",), 2),
    (("status", "--no-such-option"), 2),
    (("ingest",), 2),
    (("process", "{empty}", "--out", "x"), 2),  # an empty folder is no bundle
])
def test_error_is_one_korean_line_and_an_english_log_line(tmp_path, args, status):
    empty = tmp_path / "빈 폴더"
    (empty / "하위").mkdir(parents=True)
    (empty / ".DS_Store").write_bytes(b"\0")
    run = _intake(tmp_path, *(a.format(empty=empty) for a in args))
    assert run.returncode == status, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    lines = _clerk_lines(run)
    assert len(lines) == 1 and HANGUL.search(lines[0]), lines
    assert not re.search(r"\b[A-Z]\w+(Error|Exception)\b", lines[0]), lines[0]  # class names only in the log
    logs = [line for line in run.stderr.splitlines() if line.startswith("[log]")]
    assert len(logs) == 1 and not HANGUL.search(logs[0].split(":", 1)[0]), logs


def test_missing_submission_names_the_number(tmp_path):
    line = _clerk_lines(_intake(tmp_path, "report", "99999", "--out", str(tmp_path / "r")))[0]
    assert "99999" in line and "제출" in line
    assert not (tmp_path / "r").exists()  # nothing written for a submission that is not there


def test_password_is_asked_twice_in_korean(tmp_path):
    intake = Path(sys.executable).with_name("intake")
    run = subprocess.run([str(intake), "user", "add", "pak", "--role", "reviewer", "--database-url",
                          f"sqlite:///{tmp_path / 'u.db'}"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         input="a-long-password\nb-long-password\na-long-password\na-long-password\n",
                         start_new_session=True)  # no terminal: getpass reads stdin
    shown = run.stdout + run.stderr
    assert run.returncode == 0, shown
    assert "비밀번호 확인" in shown and "두 비밀번호가 다릅니다" in shown and "계정을 만들었습니다: pak (검토위원)" in shown
    assert "Repeat for confirmation" not in shown and "do not match" not in shown
