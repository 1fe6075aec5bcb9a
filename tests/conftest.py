"""Shared fixtures: the third-party corpus, and the sample bundles processed once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from tests.web_live import browser, live, signed_in  # noqa: F401  (the live web app of the browser tests, one per session)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is expected at {CORPUS} (set INTAKE_SHARED_DIR)")
    return CORPUS


@pytest.fixture(scope="session")
def sample_specs() -> dict[str, dict]:
    specs = {}
    for path in sorted((ROOT / "samples" / "specs").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        specs[spec["id"]] = spec
    return specs


@pytest.fixture(scope="session")
def processed(tmp_path_factory) -> dict:
    """Run the README's main job (`intake process-samples`) once, into a temporary store and output dir."""
    work = tmp_path_factory.mktemp("samples")
    env = {**os.environ, "INTAKE_DATABASE_URL": f"sqlite:///{work / 'intake.db'}", "COLUMNS": "160"}
    intake = Path(sys.executable).with_name("intake")
    run = subprocess.run([str(intake), "process-samples", "--out", str(work / "out")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    status = subprocess.run([str(intake), "status", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    return {"out": work / "out", "stdout": run.stdout, "status": json.loads(status.stdout),
            "submissions": {p.parent.name: json.loads(p.read_text(encoding="utf-8"))
                            for p in (work / "out").glob("*/submission.json")}}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The review store on SQLite and on the real PostgreSQL that .ci/run starts (INTAKE_TEST_POSTGRES_URL),
    each test in a schema of its own; without one, PostgreSQL cases skip locally and fail in CI."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    pg = os.environ.get("INTAKE_TEST_POSTGRES_URL")
    if not pg:
        if os.environ.get("CI"):
            pytest.fail("CI must start PostgreSQL (scripts/services.sh) and set INTAKE_TEST_POSTGRES_URL")
        pytest.skip("no PostgreSQL here; .ci/run starts one")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(pg)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{pg}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def wait_upload_done(client, upload_id: int, seconds: float = 300) -> dict:
    """Poll the desk's upload status (a TestClient of the web app) until its worker has finished with it."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        status = client.get(f"/api/uploads/{upload_id}").json()
        if status["done"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert status["done"], status
    return status
