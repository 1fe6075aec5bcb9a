"""The values page, the source of every value, the comparison of two versions, bulk actions and the Korean of
every page, in Chromium against the live app of tests/web_live.py (푸른군 제1판 and 제2판, the service sample).

Set INTAKE_WEB_SCREENSHOTS=docs to write docs/values-page.png and docs/component-crop.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

from review_queue import worklist
from schemas.loader import load_programme
from schemas.vocabulary import OPEN_STATES
from web.overview import submission_row

SHOTS = os.environ.get("INTAKE_WEB_SCREENSHOTS")
# Words that may stand in Korean pages: acronyms and format names, and the units the programme data writes.
ALLOWED_WORDS = {"PDF", "XLSX", "XLS", "DOCX", "HWP", "HWPX", "API", "CCTV", "WIFI", "JSON", "CSV", "ZIP", "USB",
                 "KST", "ID", "OCR", "CSRF", "IOT", "GIS", "BIS", "ITS", "AI", "ICT", "DB", "EML", "MSG", "PNG", "KB",
                 "MB", "LTE", "IP", "QR", "GPS", "DRT", "BIM", "CO", "TCO", "EQ", "KWH", "MW", "KW", "TOE", "LED", "ESS",
                 "EV", "PM", "SOC", "KM", "GB", "TB", "LOD", "SW", "HW", "UI", "UX", "OS", "SNS", "URL", "APP",
                 "CITS", "LIDAR", "UAM", "MAAS", "PPP", "RPA", "IT", "PC", "BEMS", "FEMS", "HEMS", "AMI", "IOE", "AR", "VR",
                 "KPI", "HIS", "ENTER"}  # ENTER: the key, as printed on it
MAX_SOURCE_PAGES = 40  # each renders a stored page: enough to see every kind of source
SKIP_LINKS = ("/files/", "/letters/", ".png", ".json", "/api/", "/logout", "/static/")


def _shown_number(text: str):
    text = text.strip().split("\n")[0].strip()
    if text in ("예(O)", "아니오(X)"):
        return text == "예(O)"
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _same(shown, value) -> bool:
    if isinstance(value, bool) or isinstance(shown, bool):
        return shown is value
    return shown is not None and value is not None and abs(shown - float(value)) <= 1e-4 * max(1.0, abs(float(value)))


def _rows(page) -> dict[str, dict]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('tr.value-row')].map(r => [
        r.dataset.code, {code: r.querySelector('td.code').innerText, value: r.querySelector('td.value').innerText,
                         status: r.querySelector('.status').innerText, changed: r.classList.contains('changed'),
                         changes: [...r.querySelectorAll('[data-change]')].map(b => b.dataset.change),
                         parts: r.querySelector('td.components').innerText}]))""")


def test_the_values_page_shows_every_indicator_and_the_mapped_values_with_their_codes(signed_in, live):
    _, record = submission_row(live["url"], live["pureun"])
    programme = load_programme(record["programme"])
    mapped = record["indicators"]
    assert len(mapped) >= 40
    page = signed_in("kim")
    page.goto(live["base"] + f"/submissions/{live['pureun']}")
    page.click("#values-link")
    page.wait_for_url("**/values")
    rows = _rows(page)
    assert set(rows) == {i.code for i in programme.indicators}  # mapped or not, every indicator is listed
    found = [code for code, entry in mapped.items()
             if rows.get(code, {}).get("code") == code and _same(_shown_number(rows[code]["value"]), entry["value"])]
    assert len(found) / len(mapped) >= 0.9, sorted(set(mapped) - set(found))
    reported = programme.reported_codes(record.get("selected_domains") or [])
    assert all(rows[c]["status"] == "누락" for c in reported if c not in mapped)
    assert "A=" in rows["A-2-1"]["parts"] and "520" in rows["A-2-1"]["parts"]
    stages = page.locator("tr.stage-row")
    assert stages.count() == sum(len(a.sub_areas) for a in programme.qualitative_areas)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "values-page.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 900})

    page.select_option("select[name=category]", "C")
    page.fill("#value-search", "온실가스")
    page.click("#value-filters button[type=submit]")
    page.wait_for_url("**q=**")
    shown = list(_rows(page))
    assert shown and all(c.startswith("C-") for c in shown)
    assert all("온실가스" in programme.indicator(c).name or c in page.locator("#indicator-values").inner_text()
               for c in shown)


def test_a_component_opens_its_crop_and_a_self_score_its_table_cell(signed_in, live):
    page = signed_in("kim")
    page.goto(live["base"] + f"/submissions/{live['pureun']}/values")
    page.click("a.src[data-key='c:A-2-1:A']")
    page.wait_for_url("**/source?key=**")
    assert "A-2-1 구성 요소 A" in page.locator("h1").inner_text()
    where = page.locator("#source-where").inner_text()
    assert "정량지표 평가제안서" in where and "쪽" in where
    crop = page.locator("#source-crop")
    page.wait_for_function("() => document.querySelector('#source-crop').complete")
    assert crop.evaluate("img => img.naturalWidth") > 0
    assert crop.evaluate("img => img.naturalWidth / img.naturalHeight") > 1.5  # a strip around the cell
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "component-crop.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 900})

    _, record = submission_row(live["url"], live["service"])
    scores = record["service"]["self_scores"]
    assert set(record["service"]["self_score_sources"]) == set(scores)  # every score keeps its cell
    key, score = next(iter(scores.items()))
    page.goto(live["base"] + f"/submissions/{live['service']}/values")
    assert page.locator("tr.score-row").count() >= len(scores)
    page.click(f"tr.score-row[data-key='{key}'] a.src")
    page.wait_for_url("**/source?key=**")
    cell = page.locator("#source-table #source-cell")
    assert _same(_shown_number(cell.inner_text()), score)

    over = worklist.list_items(submission=live["service"], rule="service.self_score_exceeds_max", url=live["url"])[0]
    page.goto(live["base"] + f"/items/{over.id}")  # the item on a self-score shows the score's cell
    score = record["service"]["self_scores"][over.indicator]
    assert _same(_shown_number(page.locator("#source-table #source-cell").inner_text()), score)


def test_an_item_shows_the_crops_of_its_components(signed_in, live):
    item = worklist.list_items(submission=live["pureun"], rule="indicator.recompute_mismatch", url=live["url"])[0]
    page = signed_in("kim")
    page.goto(live["base"] + f"/items/{item.id}")
    crops = page.locator("#component-crops img")
    assert crops.count() == 3  # A, B and C of A-2-1, each boxed on its PDF page
    page.wait_for_function("() => [...document.querySelectorAll('#component-crops img')].every(i => i.complete)")
    assert all(crops.nth(n).evaluate("img => img.naturalWidth") > 0 for n in range(3))
    assert "5쪽" in page.locator("#component-crops figcaption").first.inner_text()
    if SHOTS:
        page.locator("#components").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -120)")
        page.screenshot(path=str(Path(SHOTS) / "item-component-crop.png"))
    page.click("#components a.src[data-key='c:A-2-1:A']")
    page.wait_for_url("**/source?key=**")
    assert "A-2-1 구성 요소 A" in page.locator("h1").inner_text()


def test_two_versions_compared_mark_what_changed(signed_in, live):
    page = signed_in("kim")
    page.goto(live["base"] + f"/submissions/{live['pureun']}/values")
    page.click("#compare-link")
    page.wait_for_url("**compare=**")
    assert "제1판" in page.locator("#compare-note").inner_text()
    rows = _rows(page)
    changed = {code: r for code, r in rows.items() if r["changed"]}
    assert list(changed) == ["A-2-1"] and changed["A-2-1"]["changes"] == ["component"]  # 제2판 changed only (A)
    assert "이전" in changed["A-2-1"]["parts"]
    page.check("input[name=changed]")
    page.click("#value-filters button[type=submit]")
    page.wait_for_url("**changed=1**")
    assert list(_rows(page)) == ["A-2-1"]


def test_bulk_waive_with_one_reason_and_filters_kept(signed_in, live):
    earlier = worklist.list_items(submission=live["pureun_first"], state=list(OPEN_STATES), url=live["url"])
    assert len(earlier) >= 2
    page = signed_in("admin")
    page.goto(live["base"] + f"/queue?submission={live['pureun_first']}&sort=id")
    chosen = [int(page.locator("input.pick").nth(n).get_attribute("value")) for n in (0, 1)]
    for n in (0, 1):
        page.locator("input.pick").nth(n).check()
    assert page.locator("#bulk-count").inner_text() == "2"
    page.select_option("#bulk-action", "waive")
    page.fill("#bulk-note", "제2판으로 대체되어 검토하지 않음")
    page.click("#bulk-submit")
    page.wait_for_load_state()
    assert "2건 처리했습니다" in page.locator("div.flash").inner_text()
    assert f"submission={live['pureun_first']}" in page.url  # back to the same list
    for item_id in chosen:
        item = worklist.get_item(item_id, url=live["url"])
        assert (item.state, item.resolution_note, item.closed_by) == ("waived", "제2판으로 대체되어 검토하지 않음", "admin")
    trail = worklist.audit_trail(live["pureun_first"], url=live["url"])
    assert {a.item_id for a in trail if a.actor == "admin" and a.field == "state" and a.after == "waived"} == set(chosen)

    page.goto(live["base"] + f"/queue?submission={live['pureun']}&q=누락&state=all")
    page.locator("tr.item-row a").first.click()
    page.wait_for_url("**/items/*")
    page.click("#back-to-queue")
    page.wait_for_url("**/queue?**")
    assert f"submission={live['pureun']}" in page.url and "q=" in page.url


def _visible_words(page) -> list[str]:
    text = page.evaluate("""() => {
        let text = document.body.innerText;
        document.querySelectorAll('#rule, #source-table').forEach(e => { text = text.replace(e.innerText, ' '); });
        return text + ' ' + [...document.querySelectorAll('select option')].map(o => o.text).join(' ');
    }""")  # #rule: the rule's explanation (the Korean-messages work renders it); #source-table: the applicant's own table
    return re.findall(r"[A-Za-z][A-Za-z]+", text)


def _programme_words() -> set[str]:
    """Words the calls themselves write in their indicators' and items' names (Open API …): quoted, not ours."""
    from schemas.loader import programme_ids
    from schemas.programme import CityProgramme

    texts = []
    for programme_id in programme_ids():
        programme = load_programme(programme_id)
        if isinstance(programme, CityProgramme):
            texts += [i.name for i in programme.indicators] + [c.label for i in programme.indicators for c in i.components]
            texts += [s.name for a in programme.qualitative_areas for s in a.sub_areas]
        else:
            texts += [f"{s.group} {s.text}" for s in programme.sub_items()]
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z]+", text)}


def _uploaded_names(url: str) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from review_queue.database import engine_for
    from review_queue.web_tables import WebUpload

    with Session(engine_for(url)) as session:
        return [name for names in session.scalars(select(WebUpload.file_names)) for name in names or []]


def test_every_signed_in_page_is_korean(signed_in, live):
    """Crawl every page reachable from the start page and find no English word outside acronyms, format names and
    what the applicants themselves wrote (file names, bundle ids, account names)."""
    from review_queue.store import list_submissions

    page = signed_in("admin")
    own = {"kim", "clerk", "admin"} | _programme_words()
    for row in list_submissions(live["url"]):
        _, record = submission_row(live["url"], row["id"])
        own.update(w.lower() for f in (record.get("bundle") or {}).get("files") or []
                   for w in re.findall(r"[A-Za-z]+", f["name"]))
        own.update(w.lower() for w in re.findall(r"[A-Za-z]+", row["bundle_id"]))
    own.update(w.lower() for name in _uploaded_names(live["url"]) for w in re.findall(r"[A-Za-z]+", name))
    # the start page, and error pages (an item, a submission and a page that do not exist)
    seen, todo, english, sources = set(), ["/", "/items/99999999", "/submissions/99999999", "/no-such-page"], {}, 0
    while todo and len(seen) < 400:
        path = todo.pop()
        if path in seen or "/source?" in path and sources >= MAX_SOURCE_PAGES:
            continue
        seen.add(path)
        sources += "/source?" in path
        response = page.goto(live["base"] + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        words = {w for w in _visible_words(page) if w.upper() not in ALLOWED_WORDS and w.lower() not in own}
        if words:
            english[path] = sorted(words)[:40]
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlparse(urljoin(live["base"] + path, href))
            if target.netloc == urlparse(live["base"]).netloc and not any(s in target.path for s in SKIP_LINKS):
                keep = target.query and target.path.endswith(("/source", "/values"))  # a value's source; a comparison
                todo.append(target.path + (f"?{target.query}" if keep else ""))
    kinds = ("/items/", "/source?", "/values", "/queue", "/intake", "/admin/users", "/submissions/cohort")
    assert len(seen) >= 40 and all(any(k in p for p in seen) for k in kinds), sorted(seen)
    assert not english, "\n".join(f"{p}: {w}" for p, w in english.items())
