"""The quantitative indicators: present, readable, recomputable, consistent with their forms and evidence."""

from __future__ import annotations

from typing import Iterator

from checks.catalogue import catalogue, finding, where_ko
from mapping.formula import decimals_of
from mapping.submission import MappedBundle
from mapping.values import UnparseableValue, compact, parse_stated
from schemas.programme import CityProgramme
from schemas.settings import settings
from schemas.submission import Finding


def _city(m: MappedBundle) -> CityProgramme | None:
    return m.programme if isinstance(m.programme, CityProgramme) and m.by_role("quantitative_proposal") else None


def check_summary(m: MappedBundle) -> Iterator[Finding]:
    programme = _city(m)
    if programme is None:
        return
    if m.summary is not None and not (m.summary.values or m.summary.unparseable or m.summary.placeholders):
        # nothing of the 요약표 was read: one item, not a missing indicator for each of 50 and the domains
        proposals = m.forms_of("quantitative_proposal")
        if proposals:
            rule = catalogue()["indicator.summary_unreadable"]
            scanned = any(d.text_source in ("ocr", "mixed") for d in proposals)
            yield finding(rule.id, file=", ".join(d.file for d in proposals),
                          why=rule.word("scanned" if scanned else "not_found"))
            return
    for row, text in (m.summary.unparseable if m.summary else []):
        source = row.provenance
        yield finding("indicator.value_unparseable", indicator=row.indicator.code, code=row.indicator.code,
                      name=row.indicator.name, text=text, where=where_ko(source), source=source)
    selected = m.submission.selected_domains
    domains = {d.code: d for d in programme.domain_rules.domains}
    reported_domains = {programme.indicator(c).domain for c in m.submission.indicators}
    selection = catalogue()["domains.selection_invalid"]
    for domain in domains.values():
        if domain.kind == "mandatory" and domain.code not in reported_domains:
            yield finding(selection.id, why=selection.word("mandatory_missing", code=domain.code, name=domain.name))
    if len(selected) != programme.domain_rules.choose_optional:
        yield finding(selection.id, why=selection.word("optional_count", expected=programme.domain_rules.choose_optional,
                                                       count=len(selected),
                                                       selected=", ".join(selected) or selection.word("none_selected")))
    read_by_ocr = any(v.source and v.source.method == "ocr" for v in m.submission.indicators.values())
    scanned = [d for d in m.forms_of("quantitative_proposal") if d.text_source in ("ocr", "mixed")] if read_by_ocr else []
    for code in programme.reported_codes(selected):
        if code in m.submission.indicators:
            continue
        if scanned and _maybe_unread(m, programme, code):
            yield finding("indicator.unread_on_scan", indicator=code, code=code, name=programme.indicator(code).name,
                          file=", ".join(d.file for d in scanned))
        else:
            yield finding("indicator.missing", indicator=code, code=code, name=programme.indicator(code).name)


def _maybe_unread(m: MappedBundle, programme: CityProgramme, code: str) -> bool:
    """Whether an indicator not reported on a scanned 요약표 may be there unread, rather than left out: its row was
    found without a value, its own form was found, it stands before the first row told or after the last (the
    table may go on on a page not read), or a row with a value that could not be told (its name unread, and the
    form's order leaving more than one place for it) stands where the form lists it. Else the indicator is
    missing: every row read where it would stand was told to be another."""
    summary = m.summary
    if summary is None or code in summary.rows_of or code in m.details or code in summary.unplaced_could_be:
        return True
    order = {indicator.code: i for i, indicator in enumerate(programme.indicators)}
    told = [order[c] for c in summary.rows_of if c in order]
    return not told or not min(told) < order[code] < max(told)


def check_recompute(m: MappedBundle) -> Iterator[Finding]:
    """The stated value against the value its components give, at the precision the value is stated in."""
    if _city(m) is None:
        return
    for code, entry in m.submission.indicators.items():
        if entry.recomputed is None or not isinstance(entry.value, (int, float)) or isinstance(entry.value, bool):
            continue
        places = max(decimals_of(entry.stated_text or ""), 0)
        if abs(round(entry.recomputed, places) - float(entry.value)) > 0.5 * 10 ** -places + 1e-9:
            indicator = m.programme.indicator(code)
            components = ", ".join(f"{k}={v:g}" for k, v in entry.components.items())
            yield finding("indicator.recompute_mismatch", indicator=code, code=code, name=indicator.name,
                          stated=entry.stated_text, formula=indicator.formula, components=components,
                          recomputed=f"{entry.recomputed:.{max(places, 2)}f}", where=where_ko(entry.source), source=entry.source)


def check_detail_forms(m: MappedBundle) -> Iterator[Finding]:
    """요약표 against each indicator's own form: its stated value and the items it lists."""
    if _city(m) is None:
        return
    for code, detail in m.details.items():
        entry = m.submission.indicators.get(code)
        if entry is None:
            continue
        if detail.stated_text and entry.value is not None:
            try:
                detail_value = parse_stated(detail.indicator, detail.stated_text)
            except UnparseableValue:
                detail_value = None
            if detail_value is not None and detail_value != entry.value and compact(detail.stated_text) != compact(entry.stated_text or ""):
                source = detail.stated_provenance
                yield finding("indicator.summary_detail_mismatch", indicator=code, code=code, name=detail.indicator.name,
                              summary=entry.stated_text, detail=detail.stated_text, where=where_ko(source), source=source)
        if detail.indicator.listed_items and detail.items and isinstance(entry.value, int) and not isinstance(entry.value, bool):
            if len(detail.items) != entry.value:
                source = detail.items[0].provenance
                yield finding("indicator.count_mismatch", indicator=code, code=code, name=detail.indicator.name,
                              stated=entry.value, listed=len(detail.items), where=where_ko(source), source=source)


def _months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def check_periods(m: MappedBundle) -> Iterator[Finding]:
    """Dated items of the two-year indicators inside the allowed window, and within one span of months."""
    if _city(m) is None:
        return
    words = catalogue()["indicator.period_out_of_window"]
    for code, detail in m.details.items():
        period = detail.indicator.period
        if period.kind != "two_year" or not period.window_start:
            continue
        dated = [i for i in detail.items if i.month]
        rule = words.word("window", start=period.window_start, end=period.window_end, span=period.span_months)
        inside = []
        for item in dated:
            if not (period.window_start <= item.month <= period.window_end):
                source = item.provenance
                yield finding("indicator.period_out_of_window", indicator=code, code=code, name=detail.indicator.name,
                              item=item.text, month=item.month, rule=rule, where=where_ko(source), source=source)
            else:
                inside.append(item)
        if inside and period.span_months:
            first = min(i.month for i in inside)
            for item in inside:
                if _months_between(first, item.month) >= period.span_months:
                    source = item.provenance
                    yield finding("indicator.period_out_of_window", indicator=code, code=code, name=detail.indicator.name,
                                  item=item.text, month=item.month,
                                  rule=words.word("span", window=rule, first=first, span=period.span_months),
                                  where=where_ko(source), source=source)


def check_evidence_pages(m: MappedBundle) -> Iterator[Finding]:
    """Every cited evidence page exists in the evidence documents (pages counted over all of them, in order)."""
    if _city(m) is None:
        return
    evidence = m.by_role("evidence")
    if not evidence or any(not d.readable for d in m.documents) or not any(d.page_count for d in evidence):
        return  # no way to count pages: an unreadable file may be the evidence (a finding of its own)
    total = sum(d.page_count or 0 for d in evidence if d.media_type == "application/pdf" or d.text_source == "ocr") \
        or sum(d.page_count or 0 for d in evidence)
    for code, entry in m.submission.indicators.items():
        missing = [p for p in entry.evidence_pages if p > total or p < 1]
        if missing:  # one finding per indicator, naming its first missing page
            yield finding("indicator.evidence_page_missing", indicator=code, code=code,
                          name=m.programme.indicator(code).name, page=missing[0], total=total,
                          where=where_ko(entry.source), source=entry.source)


def check_duplicates(m: MappedBundle) -> Iterator[Finding]:
    programme = _city(m)
    if programme is None:
        return
    for code, detail in m.details.items():
        for other in detail.indicator.no_overlap_with:
            theirs = {compact(i.text): i for i in m.details[other].items} if other in m.details else {}
            for item in detail.items:
                if compact(item.text) in theirs:
                    source = item.provenance
                    yield finding("indicator.duplicate_entry", indicator=code, item=item.text, code=code,
                                  name=detail.indicator.name, other=other, other_name=programme.indicator(other).name,
                                  where=where_ko(source), source=source)


def check_ocr_confidence(m: MappedBundle) -> Iterator[Finding]:
    if _city(m) is None:
        return
    # a cell whose text could not be read as a value already has its finding (indicator.value_unparseable, naming
    # the cell and its text): one finding for one cell
    unparseable = {row.indicator.code for row, _ in (m.summary.unparseable if m.summary else [])}
    for code, entry in m.submission.indicators.items():
        if code in unparseable:
            continue
        confidence = entry.source.model_dump().get("confidence") if entry.source else None
        if confidence is not None and confidence < settings().ocr_min_confidence:
            yield finding("ocr.low_confidence", indicator=code, code=code, name=m.programme.indicator(code).name,
                          text=entry.stated_text, confidence=confidence, where=where_ko(entry.source), source=entry.source)
