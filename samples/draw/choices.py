"""The layout, wording and packaging choices a bundle is drawn with — the freedom the forms leave.

Every choice is recorded under ``variants`` in ``expected.json``. ``CHOICES`` lists each class's
options (tests draw many seeds and check every option occurs); ``draw_variants`` picks one of
each, repeated options weighing more, then settles the few that depend on another.
"""

from __future__ import annotations

import random

from samples.draw.render_pdf import symbol_font

MARKS = [["O", "X"], ["○", "×"], ["있음", "없음"], ["예", "아니오"], ["해당", "해당없음"], ["Y", "N"], ["✓", "✗"]]
CHECKBOXES = [["■", "□"], ["☑", "☐"], ["[V]", "[ ]"], ["[■]", "[  ]"], ["●", "○"]]

COMMON = {
    "channel": ["email", "email", "usb_zip", "folder"],
    "name_style": ["utf8", "euckr", "outlook", "split"],  # how an e-mail names its attachments
    "zip_names": ["cp949", "cp949", "utf8"],  # a USB zip's member names: CP949 without the UTF-8 flag, or UTF-8
    "junk": [False, True],  # .DS_Store, __MACOSX/, Thumbs.db beside the documents
    "nfd_names": [False, True],  # a folder copied from a Mac keeps decomposed (NFD) names
    "zip_tree": ["folders", "flat"],  # documents in numbered sub-folders, or all at the top
    "file_names": [0, 1, 2, 3],  # naming scheme of the files (see names.py)
    "regno_fmt": ["dash", "plain", "space"],
    "phone_fmt": ["dash", "paren", "dot"],
    "rep_title": [False, True],  # 대표자 written with the office title (수원시장 홍길동)
    "checkbox": CHECKBOXES,
    "app_format": ["docx", "docx", "pdf"],
    "date_fmt": ["'yy.mm", "yyyy.mm.dd", "yyyy-mm-dd", "'yy.m.d", "yyyy년 m월"],
    "page_cite": ["p.N", "N", "N쪽", "근거자료 Np"],
    "group_cells": ["merge", "repeat", "blank"],
    "blank_rows": [False, False, True],
    "title_style": ["heading", "bold"],
}

CITY = {
    "summary_layout": ["seed", "seed", "combined", "nameonly", "numbered"],
    "summary_split": ["none", "two_tables", "page_flow"],
    "name_wording": ["summary", "form"],  # indicator names as the 요약표 or as the detail form titles them
    "code_style": ["plain", "plain", "endash", "dot", "none", "spaced"],
    "stated": ["tpl", "tpl", "bare", "detail"],  # the seed's summary words, a bare value, the detail form's words
    "comma": [True, True, False],
    "unit_space": [False, False, True],
    "units": [True, True, False],  # a bare value with or without its unit
    "marks": MARKS,
    "comps_layout": ["cols", "rows"],
    "year_layout": ["rows", "rows", "flat"],  # two-year components: a row per year, or all in one row
    "letters": ["none", "label", "value"],  # (A) after the label, before the value, or not written
    "nested": [False, False, True],  # the data table inside the form's 자료구축양식 cell
    "xlsx_annex": [False, True],  # a workbook of calculations (산출내역) beside the proposal
    "pop_unit": ["form", "form", "persons", "both"],  # population in the form's 만명/천명, in 명, or both
    "pop_label": [0, 1, 2, 3],
    "totals": ["총계", "합계", "none"],
    "stage_style": ["label", "num", "labelnum", "checkbox", "stagecol"],
    "unselected": ["dash", "omit"],  # unselected optional domains: rows with - , or left out (요약표, 자체평가표)
    "selfset_style": ["named", "bare"],
    "size_words": ["checkbox", "word"],  # 신청 유형 as checkboxes or the word written out
    "proposal_format": ["docx", "pdf", "pdf"],
    "qual_format": ["docx", "docx", "pdf", "xlsx"],
    "window_start": [1, 1, 1, 3, 6, 8],  # the city's two-year window starts in this month of 2023
}

SERVICE = {
    "numbering": ["criteria", "form"],  # sub-items in 참고1's numbering or the 자체평가표's own
    "points_col": [True, True, False],  # the 배점 column kept or dropped
    "proposal_format": ["docx", "pdf"],
    "self_eval_format": ["docx", "pdf", "xlsx"],
    "privacy_consent": [False, True],
    "joint": [False, False, True],
}


def draw_variants(rng: random.Random, kind: str) -> dict:
    space = {**COMMON, **(CITY if kind == "city" else SERVICE)}
    variants = {key: rng.choice(options) for key, options in space.items()}
    if not symbol_font():  # no font to print ☑ ☐ ✓ ✗ in a PDF: the marks the Korean font has
        if "✓" in variants.get("marks", []):
            variants["marks"] = ["○", "×"]
        variants["checkbox"] = ["■", "□"] if "☑" in variants["checkbox"] else variants["checkbox"]
    if kind == "city" and variants["summary_split"] == "page_flow":
        variants["proposal_format"] = "pdf"  # a table runs over a printed page only in a PDF
    if variants["channel"] != "folder":
        variants["nfd_names"] = False
    if variants["channel"] != "usb_zip":
        variants["zip_names"] = None
    if variants["channel"] != "email":
        variants["name_style"] = None
    if variants["channel"] == "email":
        variants["junk"] = False
        variants["zip_tree"] = "flat"
    return variants


def choice_space(kind: str) -> dict[str, list]:
    """Each class's distinct options for a programme kind (for the tests' reachability check)."""
    from samples.draw.formats import format_space  # drawn after these, from a stream of their own (formats.py)

    space = {**COMMON, **(CITY if kind == "city" else SERVICE), **format_space(kind)}
    out = {}
    for key, options in space.items():
        seen = []
        for option in options:
            if option not in seen:
                seen.append(option)
        out[key] = seen
    return out
