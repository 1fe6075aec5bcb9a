"""The reviewers' web app (web) through FastAPI's TestClient: sign-in everywhere, CSRF, escaping,
role rules, source pictures and tables, corrections, supplement letters, uploads and `intake user add`.

Submissions are built directly (a small PDF and DOCX made here, kept in a temporary raw store) so these tests
run in seconds; tests/test_web_browser.py drives the same app in Chromium on the processed samples.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from intake.rawstore import RawStore
from review_queue import worklist
from review_queue.store import record_submission
from schemas.provenance import Provenance
from schemas.submission import Applicant, Bundle, BundleFile, Finding, IndicatorValue, Submission
from tests.conftest import wait_upload_done
from web.accounts import authenticate, create_user
from web.app import create_app
from web.config import Settings

ROOT = Path(__file__).resolve().parents[1]
EVIL_FILE = '<script>alert("file")</script>.pdf'
EVIL_NOTE = '<img src=x onerror=alert("note")>'
PASSWORDS = {"admin": "admin-password-1", "clerk": "clerk-password-1", "kim": "kim-password-1",
             "lee": "lee-password-1"}
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pdf() -> bytes:
    """A one-page PDF with a value at a known box (x 100–200, top 100–120 in PDF points)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    height = A4[1]
    page.rect(100, height - 120, 100, 20)
    page.drawString(105, height - 115, "3.11")
    page.save()
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["code", "name", "value"], ["A-1-2", "awards", "4"], ["A-1-3", "kpi", "O"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _submission(store: RawStore) -> Submission:
    pdf, docx = _pdf(), _docx()
    pdf_sha, _ = store.put(pdf)
    docx_sha, _ = store.put(docx)
    box = (100.0, 100.0, 200.0, 120.0)
    in_pdf = Provenance(file=EVIL_FILE, page=1, table=0, row=1, col=1, bbox=box, method="text_layer")
    in_docx = Provenance(file="02_제안서.docx", table=0, row=1, col=2, method="docx")
    return Submission(
        programme="city-2025",
        bundle=Bundle(id="usb-web-test", channel="usb", received_at=datetime(2025, 9, 23, 2, 30, tzinfo=timezone.utc),
                      files=[BundleFile(name=EVIL_FILE, sha256=pdf_sha, role="quantitative_proposal",
                                        media_type=PDF_TYPE, pages=1, size=len(pdf)),
                             BundleFile(name="02_제안서.docx", sha256=docx_sha, role="evidence", media_type=DOCX_TYPE,
                                        size=len(docx))]),
        applicant={"name": "시험군", "registration_no": "402-83-01251"},
        indicators={"A-2-1": IndicatorValue(value=3.11, unit="개/만명", stated_text="3.11",
                                            components={"A": 9, "B": 6, "C": 4.82}, recomputed=3.112, source=in_pdf),
                    "A-1-2": IndicatorValue(value=4, unit="건", stated_text="4", source=in_docx)},
        findings=[
            Finding(rule="indicator.recompute_mismatch", severity="warning", indicator="A-2-1",
                    message_ko=f"A-2-1 재계산 불일치 ({EVIL_FILE} 1쪽)", source=in_pdf),
            Finding(rule="indicator.count_mismatch", severity="warning", indicator="A-1-2",
                    message_ko="A-1-2 건수 불일치", source=in_docx),
            Finding(rule="indicator.missing", severity="blocker", indicator="C-9-2",
                    message_ko="정량지표 요약표에 C-9-2 '온실가스'의 값이 없습니다."),
            Finding(rule="document.missing", severity="blocker", message_ko="필수 제출서류 ③ 누락"),
        ])


class Processed:
    """Stand-in for the process_bundle flow in the upload tests: notes what it was given."""

    def __init__(self):
        self.calls: list[tuple] = []

    def __call__(self, entry, out_dir, received_at, database_url, store_root):
        self.calls.append((Path(entry), received_at))


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{root / 'web.db'}"
    store = RawStore(root / "store")
    submission_id = record_submission(_submission(store), url)
    for name, password in PASSWORDS.items():
        create_user(name, {"admin": "admin", "clerk": "clerk"}.get(name, "reviewer"), password, url=url)
    processor = Processed()
    settings = Settings(database_url=url, store_root=root / "store", out_root=root / "out", secret="s" * 48,
                        processor=processor, upload_max_bytes=3 * 1024**2)
    app = create_app(settings)
    with TestClient(app) as anonymous:  # runs the lifespan: the upload worker
        yield {"app": app, "url": url, "settings": settings, "submission": submission_id, "processor": processor,
               "client": anonymous, "root": root}


def item_id(web, rule: str) -> int:
    return worklist.list_items(submission=web["submission"], rule=rule, url=web["url"])[0].id


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(app, name: str, password: str | None = None, base_url: str = "http://testserver") -> TestClient:
    client = TestClient(app, base_url=base_url)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": password or PASSWORDS[name], "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def page_token(client: TestClient, path: str = "/submissions") -> str:
    return csrf_of(client.get(path).text)


# --- sign-in ------------------------------------------------------------------------------------------------

def test_health_and_sign_in_need_no_session(web):
    client = web["client"]
    assert client.get("/health").json() == {"status": "ok"}
    page = client.get("/login")
    assert page.status_code == 200 and "로그인" in page.text
    assert client.get("/static/app.css").status_code == 200


def test_every_route_requires_a_session(web):
    client = web["client"]
    checked = 0
    from web.routes import admin, auth, intake, items, submissions, values
    from web.routes import queue as queue_routes

    routes = [r for m in (admin, auth, intake, items, queue_routes, submissions, values) for r in m.router.routes]
    for route in routes:
        if not isinstance(route, APIRoute) or route.path in ("/login", "/health"):
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path).replace("1.1", "1.pdf")
        for method in route.methods:
            response = client.request(method, path, follow_redirects=False)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path)
                assert response.json()["detail"] == "로그인이 필요합니다"
            else:
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"].startswith("/login?next=")
            checked += 1
    assert checked >= 25
    nowhere = client.get("/no/such/page", follow_redirects=False)
    assert nowhere.status_code == 303 and nowhere.headers["location"] == "/login?next=%2Fno%2Fsuch%2Fpage"
    assert client.get(f"/items/{item_id(web, 'indicator.recompute_mismatch')}/source.png?view=crop",
                      follow_redirects=False).status_code == 303  # stored files too


def test_wrong_password_is_refused(web):
    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    for name, password in (("kim", "wrong-password"), ("nobody", "kim-password-1"), ("kim", "")):
        response = client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 401 and "맞지 않습니다" in response.text
        assert "intake_session" not in response.cookies
    assert client.get("/queue", follow_redirects=False).status_code == 303
    ok = client.post("/login", data={"name": "kim", "password": PASSWORDS["kim"], "csrf_token": token,
                                     "next": "/submissions"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/submissions"
    assert client.get("/queue").status_code == 200


def test_repeated_failures_lock_the_name_for_a_while(web):
    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    create_user("locked", "reviewer", "locked-password-1", url=web["url"])
    codes = [client.post("/login", data={"name": "locked", "password": "nope", "csrf_token": token}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]
    right = client.post("/login", data={"name": "locked", "password": "locked-password-1", "csrf_token": token})
    assert right.status_code == 429  # even the right password waits


def test_session_cookie_flags_and_sign_out(web):
    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": "kim", "password": PASSWORDS["kim"], "csrf_token": token},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # plain http, auto
    over_https = TestClient(web["app"], base_url="https://testserver")
    token = csrf_of(over_https.get("/login").text)
    cookie = over_https.post("/login", data={"name": "kim", "password": PASSWORDS["kim"], "csrf_token": token},
                             follow_redirects=False).headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie
    always = Settings(database_url=web["url"], store_root=web["settings"].store_root, secret="s" * 48,
                      secure_cookies="always", start_worker=False)
    behind_proxy = TestClient(create_app(always))  # TLS ends at the agency's proxy: the app sees http
    assert "secure" in behind_proxy.get("/login").headers["set-cookie"].lower()

    session = client.cookies.get("intake_session")
    out = client.post("/logout", data={"csrf_token": page_token(client)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    replay = TestClient(web["app"], cookies={"intake_session": session})
    assert replay.get("/queue", follow_redirects=False).status_code == 303  # the session ended on the server
    forged = TestClient(web["app"], cookies={"intake_session": session[:-4] + "AAAA"})
    assert forged.get("/api/queue").status_code == 401


# --- CSRF ---------------------------------------------------------------------------------------------------

def test_forms_without_the_right_csrf_token_are_refused(web):
    kim = sign_in(web["app"], "kim")
    target = item_id(web, "document.missing")
    for data in ({"action": "resolve", "note": "x"}, {"action": "resolve", "note": "x", "csrf_token": "wrong"}):
        response = kim.post(f"/items/{target}/action", data=data, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text
    assert kim.post(f"/api/items/{target}/resolve", json={"note": "x"}).status_code == 403
    assert kim.post(f"/api/items/{target}/resolve", json={}, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert kim.post("/logout", follow_redirects=False).status_code == 403
    other = sign_in(web["app"], "lee")  # another session's token is wrong here too
    assert kim.post(f"/items/{target}/action", data={"action": "resolve", "csrf_token": page_token(other)},
                    follow_redirects=False).status_code == 403
    assert worklist.get_item(target, url=web["url"]).state == "open"
    anonymous = TestClient(web["app"])
    refused = anonymous.post("/login", data={"name": "kim", "password": PASSWORDS["kim"]}, follow_redirects=False)
    assert refused.status_code == 403  # the sign-in form carries its own token

    started = kim.post(f"/api/items/{target}/start_review", json={}, headers={"X-CSRF-Token": page_token(kim)})
    assert started.status_code == 200 and started.json()["item"]["state"] == "in_review"
    worklist.reopen(target, actor="kim", url=web["url"])


# --- escaping -----------------------------------------------------------------------------------------------

def test_file_names_notes_and_extracted_text_are_escaped(web):
    kim = sign_in(web["app"], "kim")
    target = item_id(web, "indicator.recompute_mismatch")
    token = page_token(kim)
    assert kim.post(f"/items/{target}/comment", data={"text": EVIL_NOTE, "csrf_token": token},
                    follow_redirects=False).status_code == 303
    assert kim.post(f"/items/{target}/action", data={"action": "start_review", "note": "", "csrf_token": token},
                    follow_redirects=False).status_code == 303
    assert kim.post(f"/items/{target}/action", data={"action": "reopen", "note": EVIL_NOTE, "csrf_token": token},
                    follow_redirects=False).status_code == 303
    pages = [kim.get(f"/items/{target}").text, kim.get(f"/submissions/{web['submission']}").text,
             kim.get("/queue").text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html
    assert "&lt;img src=x onerror=alert(" in pages[0]
    api = kim.get(f"/api/items/{target}").json()
    assert EVIL_FILE in api["message_ko"]  # JSON keeps the text; only HTML escapes it
    download = kim.get(f"/submissions/{web['submission']}/files/0")
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.content.startswith(b"%PDF")


def test_pages_carry_security_headers(web):
    kim = sign_in(web["app"], "kim")
    headers = kim.get("/queue").headers
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"


# --- roles --------------------------------------------------------------------------------------------------

def test_reviewer_cannot_manage_accounts(web):
    kim = sign_in(web["app"], "kim")
    assert kim.get("/admin/users").status_code == 403
    token = page_token(kim)
    made = kim.post("/admin/users", data={"name": "mallory", "role": "admin", "password": "mallory-password-1",
                                          "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 403 and authenticate("mallory", "mallory-password-1", web["url"]) is None
    admin = sign_in(web["app"], "admin")
    assert admin.get("/admin/users").status_code == 200
    created = admin.post("/admin/users", data={"name": "park", "role": "reviewer", "password": "park-password-1",
                                               "display_name": "박검토", "csrf_token": page_token(admin)},
                         follow_redirects=False)
    assert created.status_code == 303 and authenticate("park", "park-password-1", web["url"]).role == "reviewer"
    weak = admin.post("/admin/users", data={"name": "weak", "role": "reviewer", "password": "short",
                                            "csrf_token": page_token(admin)})
    assert "10자 이상" in weak.text and authenticate("weak", "short", web["url"]) is None


def test_reviewer_cannot_resolve_an_item_assigned_to_someone_else(web):
    url = web["url"]
    target = item_id(web, "indicator.missing")
    admin, kim, clerk = sign_in(web["app"], "admin"), sign_in(web["app"], "kim"), sign_in(web["app"], "clerk")
    assigned = admin.post(f"/items/{target}/assign", data={"assignee": "lee", "csrf_token": page_token(admin)},
                          follow_redirects=False)
    assert assigned.status_code == 303 and worklist.get_item(target, url=url).assignee == "lee"
    token = page_token(kim)
    refused = kim.post(f"/items/{target}/action", data={"action": "resolve", "note": "내가 해결", "csrf_token": token},
                       follow_redirects=False)
    assert refused.status_code == 403
    assert kim.post(f"/api/items/{target}/resolve", json={}, headers={"X-CSRF-Token": token}).status_code == 403
    assert kim.post(f"/items/{target}/correct", data={"value": "1", "csrf_token": token},
                    follow_redirects=False).status_code == 403
    assert kim.post(f"/items/{target}/assign", data={"assignee": "kim", "csrf_token": token},
                    follow_redirects=False).status_code == 403  # nor take it over
    assert clerk.post(f"/items/{target}/action", data={"action": "resolve", "csrf_token": page_token(clerk)},
                      follow_redirects=False).status_code == 403  # clerks do not decide
    assert worklist.get_item(target, url=url).state == "open"
    assert "다른 검토위원(lee)에게 배정된 항목" in kim.get(f"/items/{target}").text

    lee = sign_in(web["app"], "lee")
    done = lee.post(f"/items/{target}/action", data={"action": "resolve", "note": "근거자료로 확인",
                                                     "csrf_token": page_token(lee)}, follow_redirects=False)
    assert done.status_code == 303
    item = worklist.get_item(target, url=url)
    assert (item.state, item.closed_by, item.resolution_note) == ("resolved", "lee", "근거자료로 확인")
    assert [a.actor for a in item.audit][-2:] == ["lee", "lee"]
    worklist.reopen(target, actor="lee", url=url)
    worklist.assign(target, actor="admin", assignee=None, url=url)


def test_reviewer_works_unassigned_items_and_takes_them(web):
    url = web["url"]
    target = item_id(web, "document.missing")
    kim = sign_in(web["app"], "kim")
    token = page_token(kim)
    assert kim.post(f"/items/{target}/assign", data={"assignee": "lee", "csrf_token": token},
                    follow_redirects=False).status_code == 403  # only admins give items to others
    assert kim.post(f"/items/{target}/assign", data={"assignee": "kim", "csrf_token": token},
                    follow_redirects=False).status_code == 303
    waived = kim.post(f"/api/items/{target}/waive", json={"note": ""}, headers={"X-CSRF-Token": token})
    assert waived.status_code == 422 and "사유" in waived.json()["detail"]  # a waiver needs a reason
    waived = kim.post(f"/api/items/{target}/waive", json={"note": "공문으로 면제"}, headers={"X-CSRF-Token": token})
    assert waived.status_code == 200 and waived.json()["item"]["state"] == "waived"
    again = kim.post(f"/items/{target}/action", data={"action": "resolve", "csrf_token": token})
    assert "처리하지 못했습니다" in again.text  # an invalid transition comes back as a message on the item page
    counts = kim.get("/api/queue/counts").json()
    assert counts["by_state"]["waived"] == 1
    worklist.reopen(target, actor="kim", url=url)
    worklist.assign(target, actor="admin", assignee=None, url=url)


def test_clerk_has_the_intake_desk_and_reviewer_has_not(web):
    assert sign_in(web["app"], "clerk").get("/intake").status_code == 200
    assert sign_in(web["app"], "kim").get("/intake").status_code == 403
    assert sign_in(web["app"], "admin").get("/intake").status_code == 200


# --- item view: sources, values, corrections ---------------------------------------------------------------

def test_pdf_source_is_cropped_and_docx_cell_is_highlighted(web):
    kim = sign_in(web["app"], "kim")
    pdf_item = item_id(web, "indicator.recompute_mismatch")
    html = kim.get(f"/items/{pdf_item}").text
    assert 'id="source-crop"' in html and 'id="source-page"' in html and "1쪽" in html
    from PIL import Image

    crop = kim.get(f"/items/{pdf_item}/source.png?view=crop")
    page = kim.get(f"/items/{pdf_item}/source.png?view=page")
    assert crop.headers["content-type"] == page.headers["content-type"] == "image/png"
    crop_image, page_image = Image.open(io.BytesIO(crop.content)), Image.open(io.BytesIO(page.content))
    assert crop_image.width < page_image.width * 3 and page_image.width == 900
    assert (255, 214, 0) != crop_image.convert("RGB").getpixel((crop_image.width // 2, crop_image.height // 2))
    assert kim.get(f"/items/{pdf_item}/source.png?view=other").status_code == 404

    docx_item = item_id(web, "indicator.count_mismatch")
    html = kim.get(f"/items/{docx_item}").text
    cell = re.search(r'<td class="hl" id="source-cell">([^<]*)</td>', html)
    assert cell and cell.group(1) == "4" and "source-crop" not in html
    none = item_id(web, "document.missing")
    assert "원문 위치 정보가 없습니다" in kim.get(f"/items/{none}").text
    assert kim.get(f"/items/{none}/source.png").status_code == 404


def test_values_page_lists_every_indicator_and_opens_each_source(web):
    kim = sign_in(web["app"], "kim")
    sub = web["submission"]
    html = kim.get(f"/submissions/{sub}/values").text
    rows = {code: status for status, code in re.findall(r'<tr class="value-row status-(\w+)[^"]*" data-code="([^"]+)"', html)}
    from schemas.loader import load_programme

    assert set(rows) == {i.code for i in load_programme("city-2025").indicators}
    assert rows["A-2-1"] == rows["A-1-2"] == "mapped" and rows["C-9-2"] in ("missing", "not_chosen")
    assert rows["A-1-1"] == "missing"
    table = kim.get(f"/submissions/{sub}/source", params={"key": "v:A-1-2"}).text
    cell = re.search(r'<td class="hl" id="source-cell">([^<]*)</td>', table)
    assert cell and cell.group(1) == "4"  # a DOCX source: the table with its cell marked
    assert 'id="source-crop"' in kim.get(f"/submissions/{sub}/source", params={"key": "v:A-2-1"}).text
    crop = kim.get(f"/submissions/{sub}/source.png", params={"key": "v:A-2-1", "view": "crop"})
    assert crop.headers["content-type"] == "image/png"
    for key in ("c:A-2-1:A", "v:A-1-1", "l:A-1-2:x", "nonsense"):  # nothing recorded there: a Korean 404
        missing = kim.get(f"/submissions/{sub}/source", params={"key": key})
        assert missing.status_code == 404 and "원문 위치 정보가 없습니다" in missing.text
    searched = kim.get(f"/submissions/{sub}/values", params={"q": "a-2-1"}).text
    assert re.findall(r'data-code="([^"]+)"', searched) == ["A-2-1"]
    with_findings = kim.get(f"/submissions/{sub}/values", params={"findings": "1"}).text
    assert set(re.findall(r'tr class="value-row[^"]*" data-code="([^"]+)"', with_findings)) == {"A-2-1", "A-1-2", "C-9-2"}


def test_bulk_action_goes_through_each_items_rules_and_names_the_refused(web):
    store = RawStore(web["root"] / "store")
    bulk = _submission(store).model_copy(update={"bundle": Bundle(id="usb-bulk", channel="usb", files=[]),
                                                 "applicant": Applicant(name="일괄군")})
    sub = record_submission(bulk, web["url"])
    ids = [i.id for i in worklist.list_items(submission=sub, url=web["url"])]
    worklist.assign(ids[0], actor="admin", assignee="lee", url=web["url"])
    kim = sign_in(web["app"], "kim")
    kim.get(f"/queue?submission={sub}&q=누락")  # the list to come back to
    form = {"ids": [str(i) for i in ids], "action": "resolve", "note": "일괄 확인"}
    assert kim.post("/queue/bulk", data=form, follow_redirects=False).status_code == 403  # no CSRF token
    token = page_token(kim)
    unreasoned = kim.post("/queue/bulk", data={**form, "action": "waive", "note": " ", "csrf_token": token},
                          follow_redirects=False)
    assert unreasoned.status_code == 303
    assert all(i.state == "open" for i in worklist.list_items(submission=sub, url=web["url"]))
    done = kim.post("/queue/bulk", data={**form, "csrf_token": token}, follow_redirects=False)
    back = done.headers["location"]
    assert done.status_code == 303 and f"submission={sub}&" in back and "q=%EB%88%84%EB%9D%BD" in back
    flash = kim.get(back).text
    assert f"{len(ids) - 1}건 처리했습니다" in flash and f"#{ids[0]}" in flash
    states = {i.id: (i.state, i.resolution_note) for i in worklist.list_items(submission=sub, url=web["url"])}
    assert states[ids[0]] == ("open", None)  # lee's item: kim may not decide it
    assert all(states[i] == ("resolved", "일괄 확인") for i in ids[1:])


def test_a_queue_refusal_is_said_in_korean_and_times_are_labelled(web):
    kim = sign_in(web["app"], "kim")
    assert "접수 2025-09-23 11:30 (KST)" in kim.get(f"/submissions/{web['submission']}").text  # 02:30 UTC
    missing = kim.get("/items/99999")
    assert missing.status_code == 404 and "그런 검토 항목이 없습니다" in missing.text and "no review item" not in missing.text


def test_item_shows_value_components_recomputed_and_rule(web):
    kim = sign_in(web["app"], "kim")
    html = kim.get(f"/items/{item_id(web, 'indicator.recompute_mismatch')}").text
    assert 'id="value-extracted">3.11 개/만명' in html and 'id="value-recomputed">3.112' in html
    assert "(A + B) / C" in html and "인구수(만명)" in html and "4.82" in html
    assert "지표값 재계산 불일치" in html and "규칙 설명" in html and "{code}" not in html  # rendered, not the template


def test_correction_flows_into_effective_record_and_keeps_the_extracted_value(web):
    url = web["url"]
    target = item_id(web, "indicator.recompute_mismatch")
    kim = sign_in(web["app"], "kim")
    token = page_token(kim)
    bad = kim.post(f"/items/{target}/correct", data={"value": "많음", "component": "A", "csrf_token": token})
    assert "보정하지 못했습니다" in bad.text
    done = kim.post(f"/items/{target}/correct", data={"value": "10", "component": "A", "note": "근거자료 4쪽",
                                                      "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    effective = kim.get(f"/submissions/{web['submission']}/effective.json").json()["indicators"]["A-2-1"]
    assert effective["components"]["A"] == 10 and effective["original_components"] == {"A": 9}
    assert effective["corrected_by"] == "kim" and effective["correction_note"] == "근거자료 4쪽"
    html = kim.get(f"/items/{target}").text
    assert "보정됨" in html and 'id="corrections"' in html
    worklist.withdraw_correction(web["submission"], "A-2-1", component="A", actor="kim", url=url)


# --- supplement letters -------------------------------------------------------------------------------------

def test_supplement_request_letter_as_docx_and_pdf(web):
    import docx
    import pdfplumber

    target = item_id(web, "indicator.missing")
    kim, clerk = sign_in(web["app"], "kim"), sign_in(web["app"], "clerk")
    note = "C-9-2 온실가스 배출량 감소비율과 산출 근거를 제출하십시오."
    assert kim.post(f"/items/{target}/action", data={"action": "request_supplement", "note": note,
                                                     "csrf_token": page_token(kim)},
                    follow_redirects=False).status_code == 303
    page = clerk.get(f"/submissions/{web['submission']}").text
    assert note in page and 'id="letter-form"' in page
    deadline = (datetime.now(timezone.utc) + timedelta(days=14)).date()
    refused = kim.post(f"/submissions/{web['submission']}/letters",
                       data={"deadline": deadline.isoformat(), "csrf_token": page_token(kim)}, follow_redirects=False)
    assert refused.status_code == 403  # letters are the clerks' work
    past = clerk.post(f"/submissions/{web['submission']}/letters",
                      data={"deadline": "2020-01-01", "csrf_token": page_token(clerk)})
    assert "오늘 이후" in past.text
    made = clerk.post(f"/submissions/{web['submission']}/letters",
                      data={"deadline": deadline.isoformat(), "csrf_token": page_token(clerk)})
    links = re.findall(r'href="(/letters/\d+\.(?:docx|pdf))"', made.text)
    assert len(links) == 2, made.text
    docx_bytes = clerk.get(links[0]).content
    text = "\n".join(cell.text for table in docx.Document(io.BytesIO(docx_bytes)).tables
                     for row in table.rows for cell in row.cells)
    assert note in text and f"{deadline.year}년 {deadline.month}월 {deadline.day}일" in text
    assert EVIL_FILE not in text  # the item had no source: "-"
    pdf = clerk.get(links[1])
    assert pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        pdf_text = "".join(p.extract_text() or "" for p in document.pages).replace("\n", "")
    assert "보완요구서" in pdf_text and "온실가스" in pdf_text
    worklist.reopen(target, actor="kim", url=web["url"])


# --- intake desk --------------------------------------------------------------------------------------------

def test_upload_is_saved_under_incoming_and_processed_by_the_worker(web):
    clerk = sign_in(web["app"], "clerk")
    token = page_token(clerk, "/intake")
    files = [("files", ("폴더/1_신청서.pdf", b"%PDF-1.4 one", "application/pdf")),
             ("files", ("폴더/하위/../../../탈출.pdf", b"%PDF-1.4 two", "application/pdf")),
             ("files", ("", b"", "application/octet-stream"))]
    response = clerk.post("/intake", data={"delivery": "post", "received_at": "2025-09-23T11:30", "csrf_token": token},
                          files=files, follow_redirects=False)
    assert response.status_code == 303, response.text
    upload_id = int(response.headers["location"].rsplit("/", 1)[1])
    status = wait_upload_done(clerk, upload_id)
    assert status["state"] == "processed" and status["step"] == status["steps"] - 1
    entry, received_at = web["processor"].calls[-1]
    incoming = web["settings"].store_root.parent / "incoming" / "web"
    assert entry.parent.parent == incoming and entry.name == "bundle"
    assert received_at == datetime(2025, 9, 23, 2, 30, tzinfo=timezone.utc)
    saved = sorted(p.relative_to(entry).as_posix() for p in entry.rglob("*") if p.is_file())
    assert saved == ["폴더/1_신청서.pdf", "폴더/하위/탈출.pdf"]  # nothing escapes the upload folder
    assert all(not p.stat().st_mode & 0o111 for p in entry.rglob("*") if p.is_file())
    receipt = (entry.parent / "bundle.receipt.json").read_text(encoding="utf-8")
    assert '"channel": "post"' in receipt and "2025-09-23T11:30:00+09:00" in receipt
    page = clerk.get(f"/intake/uploads/{upload_id}").text
    assert "처리 완료" in page and "폴더/1_신청서.pdf" in page


def test_desk_progress_outcome_and_delivery_are_shown_in_korean(web):
    from sqlalchemy.orm import Session

    from review_queue.database import engine_for
    from review_queue.store import record_bundle, set_bundle_state
    from review_queue.web_tables import WebUpload

    url = web["url"]
    store = RawStore(web["root"] / "store")
    posted = _submission(store).model_copy(update={
        "bundle": Bundle(id="usb-posted", channel="usb", files=[]), "applicant": Applicant(name="우편군")})
    record_bundle("usb-posted", channel="usb", source_path="x", sender=None, subject=None, received_at=None,
                  file_count=5, url=url)
    with Session(engine_for(url)) as session, session.begin():
        row = WebUpload(created_by="clerk", delivery="post", entry="x", file_names=["a.zip"], bundle_id="usb-posted",
                        state="processing")
        session.add(row)
        session.flush()
        upload = row.id
    clerk = sign_in(web["app"], "clerk")
    for detail, expected in (("extracting 2/5", "파일 추출 중 (2/5)"), ("assessing", "매핑·검사 중")):
        set_bundle_state("usb-posted", "processing", detail, url=url)
        status = clerk.get(f"/api/uploads/{upload}").json()
        assert status["step_ko"] == expected and 0 < status["step"] < status["steps"] - 1
    submission = record_submission(posted, url)
    with Session(engine_for(url)) as session, session.begin():
        row = session.get(WebUpload, upload)
        row.state, row.submission_id = "processed", submission
    status = clerk.get(f"/api/uploads/{upload}").json()
    blockers = sum(f.severity == "blocker" for f in posted.findings)
    assert status["step_ko"] == "처리 완료" and f"차단 발견사항 {blockers}건" in status["detail_ko"]
    assert not re.search(r"[A-Za-z]{3,}", status["detail_ko"])
    page = clerk.get(f"/submissions/{submission}").text
    assert "우편" in page.split('class="page-head"')[1].split("</div>")[0] and "USB" not in page
    listing = clerk.get("/submissions").text
    assert "우편" in listing


def test_upload_rules_and_limits(web):
    clerk = sign_in(web["app"], "clerk")
    token = page_token(clerk, "/intake")
    no_time = clerk.post("/intake", data={"delivery": "hand", "csrf_token": token},
                         files=[("files", ("a.zip", b"PK\x03\x04", "application/zip"))])
    assert "접수 일시를 입력하십시오" in no_time.text
    nothing = clerk.post("/intake", data={"delivery": "post", "received_at": "2025-09-23T11:30", "csrf_token": token})
    assert "올릴 파일을 고르십시오" in nothing.text
    mail = clerk.post("/intake", data={"delivery": "post", "received_at": "2025-09-23T11:30", "csrf_token": token},
                      files=[("files", (EVIL_NOTE + ".eml", b"From: a@b\r\n\r\nhi", "message/rfc822"))],
                      follow_redirects=False)
    upload_id = int(mail.headers["location"].rsplit("/", 1)[1])
    wait_upload_done(clerk, upload_id)
    entry, received_at = web["processor"].calls[-1]
    assert entry.is_file() and entry.suffix == ".eml" and received_at is None  # e-mail: the message's Date
    listing = clerk.get("/intake").text
    assert "&lt;img src=x" in listing and "<img src=x" not in listing
    too_big = clerk.post("/intake", data={"delivery": "post", "received_at": "2025-09-23T11:30", "csrf_token": token},
                         files=[("files", ("big.zip", b"0" * (6 * 1024**2), "application/zip"))])
    assert too_big.status_code == 413 and "허용 크기" in too_big.text
    form = {"delivery": "post", "received_at": "2025-09-23T11:30", "csrf_token": token}
    over_budget = clerk.post("/intake", data=form,
                             files=[("files", ("a.zip", b"0" * (3 * 1024**2 + 10), "application/zip"))])
    assert "허용 크기" in over_budget.text  # within the slack of the stream cap, caught while saving
    assert not [p for p in (web["settings"].store_root.parent / "incoming" / "web").rglob("a.zip")]


# --- command line -------------------------------------------------------------------------------------------

def _intake(*args: str, url: str, stdin: str = "") -> subprocess.CompletedProcess:
    intake = Path(sys.executable).with_name("intake")
    env = {**os.environ, "INTAKE_DATABASE_URL": url, "COLUMNS": "160"}
    return subprocess.run([str(intake), *args], input=stdin, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_intake_user_add_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'users.db'}"
    made = _intake("user", "add", "choi", "--role", "reviewer", "--display-name", "최검토", "--password-stdin",
                   url=url, stdin="choi-password-1\n")
    assert made.returncode == 0, made.stdout + made.stderr
    user = authenticate("choi", "choi-password-1", url)
    assert user is not None and (user.role, user.display_name) == ("reviewer", "최검토")
    twice = _intake("user", "add", "choi", "--role", "reviewer", "--password-stdin", url=url, stdin="choi-password-1\n")
    assert twice.returncode == 1 and "이미 있습니다" in twice.stderr
    bad_role = _intake("user", "add", "han", "--role", "boss", "--password-stdin", url=url, stdin="han-password-1\n")
    assert bad_role.returncode == 1
    short = _intake("user", "add", "han", "--role", "clerk", "--password-stdin", url=url, stdin="short\n")
    assert short.returncode == 1 and authenticate("han", "short", url) is None
    assert _intake("user", "add", "pipeline", "--role", "admin", "--password-stdin", url=url,
                   stdin="pipeline-password\n").returncode == 1
    listed = _intake("user", "list", url=url)
    assert "choi\t검토위원\t사용" in listed.stdout


def test_password_hashes_are_argon2(web):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from review_queue.database import engine_for
    from review_queue.web_tables import WebUser

    with Session(engine_for(web["url"])) as session:
        hashes = session.scalars(select(WebUser.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(p in h for h in hashes for p in PASSWORDS.values())


def test_scoring_api_serves_the_export_record(web):
    """A scoring system pulls the same record as `intake export`, read-only and behind sign-in."""
    import json

    import jsonschema

    from schemas.export import EXPORT_SCHEMA_PATH

    client = sign_in(web["app"], "kim")
    from review_queue.store import list_submissions

    listing = client.get("/api/submissions").json()
    ids = [row["id"] for row in listing]
    assert web["submission"] in ids and ids == [row["id"] for row in list_submissions(web["url"])]
    record = client.get(f"/api/submissions/{web['submission']}").json()
    jsonschema.Draft202012Validator(json.loads(EXPORT_SCHEMA_PATH.read_text(encoding="utf-8"))).validate(record)
    assert record["submission_id"] == web["submission"] and record["review_items"]
    assert client.get("/api/submissions/999999").status_code == 404
    assert client.post(f"/api/submissions/{web['submission']}").status_code == 405  # read-only


def test_spaces_case_or_many_names_give_no_fresh_tries(web):
    """The lockout counts a name as sign-in reads it (`kim`, ` KIM `), and one address trying many names is
    held back too (LoginThrottle.address_limit)."""
    from web.auth import LoginThrottle

    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    create_user("spaced", "reviewer", "spaced-password-1", url=web["url"])
    spellings = ["spaced", " spaced", "SPACED ", "  Spaced  ", "spaced\t", " sPaced"]
    codes = [client.post("/login", data={"name": n, "password": "nope", "csrf_token": token}).status_code
             for n in spellings]
    assert codes == [401] * 5 + [429]
    throttle = LoginThrottle(limit=5, address_limit=3)
    for n in ("a", "b", "c"):
        throttle.failed(n, "10.0.0.9")
    assert throttle.blocked("d", "10.0.0.9") and not throttle.blocked("d", "10.0.0.10")


def test_ids_past_64_bits_are_not_found_not_a_server_error(web):
    """An id no database row can have (≥ 2⁶³, or 0) in any route with an id: 404 in Korean, never a 500."""
    client = sign_in(web["app"], "kim")
    huge = 2**63
    for path in (f"/items/{huge}", f"/api/items/{huge}", f"/submissions/{huge}", f"/api/submissions/{huge}",
                 f"/submissions/{huge}/effective.json", f"/intake/uploads/{huge}", f"/api/uploads/{huge}", "/items/0"):
        response = client.get(path)
        assert response.status_code in (404, 403), (path, response.status_code)
        assert response.status_code != 404 or "찾는 페이지가 없습니다" in response.text or "detail" in response.text


def test_hsts_is_sent_only_when_configured(web, tmp_path):
    """INTAKE_WEB_HSTS_SECONDS (Settings.hsts_seconds) adds Strict-Transport-Security to every response;
    by default it is not sent (a plain-http deployment must stay reachable)."""
    assert "strict-transport-security" not in web["client"].get("/login").headers
    settings = Settings(database_url=web["url"], store_root=tmp_path / "store", secret="s" * 48,
                        hsts_seconds=31_536_000, start_worker=False)
    response = TestClient(create_app(settings)).get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_large_posts_outside_the_upload_are_refused_before_they_are_spooled(web):
    """A 2 MB POST to /login (no session, no CSRF token) is 413 at once, by its Content-Length or, chunked,
    while it streams — never parsed whole; the upload keeps its own, larger cap."""
    client = TestClient(web["app"])
    declared = client.post("/login", content=b"name=" + b"x" * (2 * 1024**2),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert declared.status_code == 413 and "허용 크기" in declared.text

    def chunks():
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MB without a Content-Length

    chunked = client.post("/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 413 and "허용 크기" in chunked.text
