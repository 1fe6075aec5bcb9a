"""The web app in a real browser (tests/web_live.py starts it): sign-in, the queue, items with their sources,
corrections, letters, CSRF and the intake desk.

Set INTAKE_WEB_SCREENSHOT=docs/item-view.png to write the README's screenshot of the item view.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

from review_queue import worklist
from tests.web_live import only_item


def test_signed_out_requests_go_to_sign_in(browser, live):
    context = browser.new_context()
    page = context.new_page()
    for path in ("/queue", "/submissions", f"/items/{only_item(live, 'document.missing', live['pureun'])}", "/intake"):
        page.goto(live["base"] + path)
        assert page.url.startswith(live["base"] + "/login?next="), page.url
        assert page.locator("h1").inner_text() == "로그인"
    response = page.request.get(live["base"] + "/api/queue")
    assert response.status == 401
    context.close()


def test_wrong_password_stays_on_sign_in(browser, live):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live["base"] + "/login")
    page.fill("input[name=name]", "kim")
    page.fill("input[name=password]", "not-the-password")
    page.click("form[action='/login'] button[type=submit]")
    assert "맞지 않습니다" in page.locator(".flash-error").inner_text()
    context.close()


def test_filter_the_queue_and_open_an_item_with_its_source_crop(signed_in, live):
    page = signed_in("kim")
    page.goto(live["base"] + "/queue")
    assert page.locator("tr.item-row").count() >= 5
    page.select_option("select[name=rule]", "indicator.recompute_mismatch")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**rule=indicator.recompute_mismatch**")
    rows = page.locator("tr.item-row")
    assert rows.count() == 1 and "재계산" in rows.first.inner_text() and page.locator("#matching").inner_text() == "1"
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/*")
    crop, whole = page.locator("#source-crop"), page.locator("#source-page")
    crop.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#source-crop').complete && "
                           "document.querySelector('#source-page').complete")
    assert crop.evaluate("img => img.naturalWidth") > 0 and whole.evaluate("img => img.naturalWidth") > 0
    assert crop.evaluate("img => img.naturalWidth / img.naturalHeight") > 1.5  # a strip around the cell
    png = page.request.get(crop.evaluate("img => img.src"))
    assert png.headers["content-type"] == "image/png" and png.body()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "정량지표 평가제안서" in page.locator("#source .where").inner_text()
    assert page.locator("#value-extracted").inner_text().startswith("3.11")
    assert "520" in page.locator("#components").inner_text()
    shot = os.environ.get("INTAKE_WEB_SCREENSHOT")
    if shot:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=shot, clip={"x": 0, "y": 0, "width": 1360, "height": 1000})


def test_keyboard_moves_the_selection_and_opens_items(signed_in, live):
    page = signed_in("kim")
    page.goto(live["base"] + "/queue?state=all")
    rows = page.locator("tr.item-row")
    ids = [rows.nth(i).get_attribute("data-id") for i in range(rows.count())]
    assert len(ids) >= 3
    selected = lambda: page.locator("tr.item-row.selected").get_attribute("data-id")  # noqa: E731
    assert selected() == ids[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert selected() == ids[2] and page.locator("tr.item-row[aria-selected=true]").count() == 1
    page.keyboard.press("k")
    assert selected() == ids[1]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/items/{ids[1]}")
    page.keyboard.press("u")
    page.wait_for_url("**/queue**")


def test_resolve_with_r_updates_the_row_and_the_counts(signed_in, live):
    page = signed_in("kim")
    page.goto(live["base"] + f"/queue?rule=document.missing&submission={live['pureun']}")
    resolved_before = int(page.locator("[data-count-state=resolved]").inner_text())
    row = page.locator("tr.item-row").first
    assert row.get_attribute("class").split().count("selected") == 1
    page.keyboard.press("r")
    assert page.locator("#action-dialog").is_visible()
    page.fill("#action-note", "자체평가표를 공문으로 받음")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('tr.item-row [data-role=state]').textContent === '해결'")
    page.wait_for_function(f"() => document.querySelector('[data-count-state=resolved]').textContent === "
                           f"'{resolved_before + 1}'")
    item = worklist.get_item(int(row.get_attribute("data-id")), url=live["url"])
    assert (item.state, item.closed_by, item.resolution_note) == ("resolved", "kim", "자체평가표를 공문으로 받음")
    page.keyboard.press("w")  # a closed item cannot be waived: nothing opens
    assert not page.locator("#action-dialog").is_visible()


def test_correct_a_value_and_see_it_in_the_effective_record(signed_in, live):
    page = signed_in("kim")
    target = only_item(live, "indicator.recompute_mismatch", live["pureun"])
    page.goto(live["base"] + f"/items/{target}")
    page.select_option("#correct-form select[name=component]", "A")
    page.fill("#correct-form input[name=value]", "9")
    page.fill("#correct-form input[name=note]", "근거자료 4쪽: 9개")
    page.click("#correct-form button[type=submit]")
    page.wait_for_load_state()
    assert "보정했습니다" in page.locator(".flash").inner_text()
    first = page.locator("#components tbody tr").first.inner_text()
    assert "520" in first and "9" in first and "보정됨" in first
    effective = page.request.get(live["base"] + f"/submissions/{live['pureun']}/effective.json").json()
    a21 = effective["indicators"]["A-2-1"]
    assert a21["components"]["A"] == 9 and a21["original_components"]["A"] == 520 and a21["corrected_by"] == "kim"
    assert page.locator("#value-extracted").inner_text().startswith("3.11")  # the extracted value stays


def test_supplement_request_and_the_letter_downloads(signed_in, live):
    import docx
    import pdfplumber

    target = worklist.list_items(submission=live["pureun"], rule="indicator.missing", indicator="C-9-2",
                              url=live["url"])[0].id
    reviewer = signed_in("kim")
    reviewer.goto(live["base"] + f"/items/{target}")
    note = "C-9-2 온실가스 배출량 감소비율의 값과 근거자료를 제출하십시오."
    reviewer.fill("#action-form textarea[name=note]", note)
    reviewer.click("#action-form button[value=request_supplement]")
    reviewer.wait_for_load_state()
    assert reviewer.locator("#item-state").inner_text() == "보완 요청"

    clerk = signed_in("clerk")
    clerk.goto(live["base"] + f"/submissions/{live['pureun']}")
    deadline = (datetime.now() + timedelta(days=10)).date()
    clerk.fill("#letter-form input[name=deadline]", deadline.isoformat())
    clerk.click("#letter-form button[type=submit]")
    clerk.wait_for_load_state()
    with clerk.expect_download() as download:
        clerk.locator("a.letter-docx").first.click()
    letter = docx.Document(download.value.path())
    text = "\n".join(c.text for t in letter.tables for r in t.rows for c in r.cells)
    assert note in text and f"{deadline.month}월 {deadline.day}일" in text
    with clerk.expect_download() as download:
        clerk.locator("a.letter-pdf").first.click()
    with pdfplumber.open(download.value.path()) as pdf:
        pdf_text = "".join(p.extract_text() or "" for p in pdf.pages).replace("\n", "").replace(" ", "")
    assert "보완요구서" in pdf_text and "C-9-2온실가스배출량감소" in pdf_text and "근거자료를제출하십시오" in pdf_text


def test_a_form_without_the_csrf_token_is_refused(signed_in, live):
    page = signed_in("kim")
    target = only_item(live, "service.self_score_exceeds_max", live["service"])
    refused = page.request.post(live["base"] + f"/items/{target}/action", form={"action": "resolve", "note": "x"},
                                max_redirects=0)
    assert refused.status == 403
    page.goto(live["base"] + f"/items/{target}")
    page.evaluate("document.querySelector('#action-form input[name=csrf_token]').remove()")
    with page.expect_response(lambda r: r.url.endswith(f"/items/{target}/action")) as response:
        page.click("#action-form button[value=resolve]")
    assert response.value.status == 403
    assert "CSRF" in page.locator("main").inner_text()
    assert worklist.get_item(target, url=live["url"]).state == "open"


def test_upload_an_email_bundle_and_watch_it_processed(signed_in, live):
    page = signed_in("clerk")
    page.goto(live["base"] + "/intake")
    page.set_input_files("#files", str(live["hanbit"]))
    assert page.locator("input[name=delivery][value=email]").is_checked()  # a mail carries its own time
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/intake/uploads/*")
    page.evaluate("""() => { const state = document.querySelector('#upload-state');
        window.seenStates = [state.textContent];
        new MutationObserver(() => window.seenStates.push(state.textContent))
            .observe(state, {childList: true, characterData: true, subtree: true}); }""")
    page.wait_for_function("() => document.querySelector('#upload-state').textContent === '처리 완료'"
                           " || document.querySelector('#upload-state').textContent === '실패'", timeout=300_000)
    assert page.locator("#upload-state").inner_text() == "처리 완료", page.locator("#upload-detail").inner_text()
    assert page.locator(".steps li.done").count() == page.locator(".steps li").count() == 6
    assert re.search(r"서류 \d+건 처리", page.locator("#upload-detail").inner_text())
    seen = page.evaluate("window.seenStates")
    assert any(s.startswith(("파일 추출 중", "매핑·검사 중", "결과 기록 중")) for s in seen), seen  # the stages, not one wait
    page.click("#upload-result a")
    page.wait_for_url("**/submissions/*")
    assert "한빛시" in page.locator("h1").inner_text()
    assert "서류 4/4" in page.locator(".page-head").inner_text()
    incoming = list((live["work"] / "incoming" / "web").rglob("city-hanbit.eml"))
    assert len(incoming) == 1 and not incoming[0].stat().st_mode & 0o111
