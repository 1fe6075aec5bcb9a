"""The live web app the browser tests drive (session fixtures, shared by tests/test_web_browser.py and
tests/test_web_values.py through tests/conftest.py): Playwright with Debian's Chromium (/usr/bin/chromium)
against `intake serve` on 127.0.0.1, over a temporary store holding processed sample bundles.

Samples are processed with the plain pipeline functions (tests/pipeline.py, raw files kept in the raw
store so pages can be rendered): 푸른군 as generated (제1판), then 푸른군 with one component changed so that
A-2-1 no longer recomputes (제2판: a finding with a PDF source box), and the service sample. 한빛시's e-mail is
uploaded through the intake desk, which runs the real process_bundle flow in the server. Under CI a missing Chromium or Playwright fails instead of skipping.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from review_queue import worklist
from samples.make_samples import load_specs, write_bundle
from samples.variants import apply_defect
from tests.pipeline import process_plain
from web.accounts import create_user

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
USERS = {"kim": ("reviewer", "kim-password-1"), "clerk": ("clerk", "clerk-password-1"),
         "admin": ("admin", "admin-password-1")}


def _unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must be able to run the browser tests: {why} (scripts/services.sh ensure_chromium)")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory, browser):
    work = tmp_path_factory.mktemp("web-live")
    url = f"sqlite:///{work / 'web.db'}"
    specs = {s["id"]: s for s in load_specs()}
    pureun = apply_defect(specs["city-pureun"], {"id": "a21", "set": {"components/A-2-1/A": 520}})
    ids = {}
    for spec in (specs["city-pureun"], pureun, specs["service-mobility"]):  # 푸른군 제1판, then its 제2판 with A-2-1 changed
        path = write_bundle(spec, work / "bundles")
        _, ids[spec["id"]] = process_plain(path, datetime.fromisoformat(spec["received_at"]), url, work / "store")
    for name, (role, password) in USERS.items():
        create_user(name, role, password, url=url)
    hanbit = write_bundle(specs["city-hanbit"], work / "bundles")
    port = _free_port()
    env = {**os.environ, "INTAKE_WEB_SECRET": "browser-test-secret-" + "x" * 32, "INTAKE_WORKERS": "2"}
    intake = Path(sys.executable).with_name("intake")
    log = open(work / "server.log", "wb")
    server = subprocess.Popen([str(intake), "serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", url,
                               "--store", str(work / "store"), "--out", str(work / "out")],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # its own group: Prefect's server under it is stopped with it
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError((work / "server.log").read_text(errors="replace"))
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer /health")
        yield {"base": base, "url": url, "pureun": ids[pureun["id"]], "pureun_first": ids["city-pureun"],
               "service": ids["service-mobility"],
               "hanbit": hanbit, "work": work}
    finally:
        _stop_group(server)
        log.close()


def _stop_group(server: subprocess.Popen) -> None:
    """Stop the server and whatever it started (the Prefect server its uploads' flows ran on)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    time.sleep(1)  # children leave after their parent
    try:
        os.killpg(server.pid, signal.SIGKILL)  # any child still there
    except ProcessLookupError:
        pass


@pytest.fixture
def signed_in(browser, live):
    contexts = []

    def open_as(name: str):
        context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="ko-KR",
                                      timezone_id="Asia/Seoul", accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(live["base"] + "/login")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", USERS[name][1])
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, page.content()
        return page

    yield open_as
    for context in contexts:
        context.close()


def only_item(live, rule: str, submission: int) -> int:
    items = worklist.list_items(submission=submission, rule=rule, url=live["url"])
    assert len(items) == 1
    return items[0].id


