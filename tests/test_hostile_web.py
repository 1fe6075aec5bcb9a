"""Hostile uploads through the web desk with the real process_bundle flow behind it."""

from __future__ import annotations

import re

import yaml
from fastapi.testclient import TestClient

from flows.process import process_saved_upload
from web.accounts import create_user
from tests.conftest import wait_upload_done
from tests.test_web import ROOT, csrf_of, sign_in
from web.app import create_app
from web.config import Settings


def test_an_upload_that_is_no_submission_says_so_on_the_desk(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    create_user("clerk", "clerk", "clerk-password-1234", url=url)
    settings = Settings(database_url=url, store_root=tmp_path / "store", out_root=tmp_path / "out", secret="s" * 48,
                        processor=process_saved_upload, upload_max_bytes=3 * 1024**2)
    app = create_app(settings)
    with TestClient(app):  # the lifespan starts the upload worker
        clerk = sign_in(app, "clerk", "clerk-password-1234")
        token = csrf_of(clerk.get("/intake").text)
        response = clerk.post("/intake", data={"delivery": "post", "received_at": "2025-09-23T11:30", "csrf_token": token},
                              files=[("files", ("회의메모.txt", "회의 메모입니다.\n".encode(), "text/plain"))],
                              follow_redirects=False)
        assert response.status_code == 303, response.text
        upload_id = int(response.headers["location"].rsplit("/", 1)[1])
        status = wait_upload_done(clerk, upload_id)

        rule = yaml.safe_load((ROOT / "checks" / "rules.yaml").read_text(encoding="utf-8"))["bundle.not_submission"]
        assert status["state"] == "not_submission" and status["bundle_state"] == "not_submission"
        assert status["step_ko"] == rule["title"] and status["step_ko"] != "처리 완료"
        assert status["detail_ko"].startswith(rule["message_ko"].split("(")[0]) and "회의메모.txt" in status["detail_ko"]
        desk = clerk.get("/intake").text
        row = re.search(rf'<tr data-upload="{upload_id}".*?</tr>', desk, re.S).group(0)
        assert rule["title"] in row and "upload-not_submission" in row and "처리 완료" not in row
        page = clerk.get(f"/intake/uploads/{upload_id}").text
        assert rule["title"] in page and "회의메모.txt" in page
