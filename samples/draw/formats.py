"""Hancom documents and the ways a bundle is packed: the formats a submission really arrives in.

Drawn from a stream of their own (``format_rng``), after the layout choices, so a seed keeps every
choice it drew before these were added and only its documents' formats and packing change:

- ``hancom``: the bundle has documents written in Hancom Office, as HWPX or HWP 5; ``hancom_documents``
  records which (the proposal most often, as cities write it there);
- ``email_variant``: an e-mail sent plainly, forwarded by the department that collected the files (the
  original attached as ``message/rfc822``, or quoted inline with its attachments carried over), or
  carrying one zip of everything with CP949 member names;
- ``usb_archive`` and ``usb_nested``: a USB delivery packed as zip or 7z, with a zip inside the zip (the
  whole folder zipped again, or the evidence folder zipped on its own);
- ``summary_header_again``: a city proposal written in a word processor (DOCX, HWPX, HWP) has the
  요약표's header typed again as a row in the middle of the table, where a page ended.

Every choice is recorded under ``variants`` in expected.json, as the development set records them.
"""

from __future__ import annotations

import random

FORMATS = {
    "hancom": ["none", "none", "hwpx", "hwpx", "hwp", "hwp"],
    "email_variant": ["plain", "plain", "forward", "zip"],
    "forward_as_attachment": [True, True, False],
    "usb_archive": ["zip", "zip", "7z"],
    "usb_nested": ["none", "none", "whole", "folder"],
    "summary_header_again": [False, False, True],
}
LATER = ("summary_header_again",)
# Documents an office writes in Hancom, and how likely each is to be one of them.
HANCOM_SLOTS = {"city": {"quantitative_proposal": 0.8, "application": 0.5, "qualitative_self_assessment": 0.5},
                "service": {"service_proposal": 0.8, "application": 0.5, "self_evaluation": 0.4}}
FORMAT_KEYS = {"quantitative_proposal": "proposal_format", "service_proposal": "proposal_format",
               "application": "app_format", "qualitative_self_assessment": "qual_format",
               "self_evaluation": "self_eval_format"}


def format_rng(seed: int) -> random.Random:
    return random.Random(seed * 104_729 + 17)


def draw_formats(rng: random.Random, kind: str, variants: dict) -> None:
    """Add the format and packing choices to ``variants`` (drawn in a fixed order, whatever applies)."""
    drawn = {key: rng.choice(options) for key, options in FORMATS.items() if key not in LATER}
    slots = {slot: rng.random() < p for slot, p in HANCOM_SLOTS[kind].items()}
    zip_names, zip_tree = rng.choice(["cp949", "cp949", "utf8"]), rng.choice(["folders", "flat"])
    drawn.update({key: rng.choice(FORMATS[key]) for key in LATER})  # added later: drawn last, earlier draws kept
    hancom: dict[str, str] = {}
    if drawn["hancom"] != "none":
        chosen = [s for s, yes in slots.items() if yes] or [next(iter(slots))]
        for slot in chosen:
            if slot.endswith("proposal") and variants.get("summary_split") == "page_flow":
                continue  # the 요약표 runs over a printed page only in a PDF
            hancom[slot] = drawn["hancom"]
            variants[FORMAT_KEYS[slot]] = drawn["hancom"]
    variants["hancom"] = drawn["hancom"] if hancom else "none"
    variants["hancom_documents"] = hancom
    email = variants["channel"] == "email"
    variants["email_variant"] = drawn["email_variant"] if email else None
    variants["forward_as_attachment"] = drawn["forward_as_attachment"] if variants["email_variant"] == "forward" else None
    if variants["email_variant"] == "zip":  # as Windows Explorer's "send to compressed folder" names members
        variants.update(zip_names=zip_names, zip_tree=zip_tree)
    usb_zip = variants["channel"] == "usb_zip"
    variants["usb_archive"] = drawn["usb_archive"] if usb_zip else None
    variants["usb_nested"] = drawn["usb_nested"] if usb_zip and drawn["usb_archive"] == "zip" else None
    variants["summary_header_again"] = (drawn["summary_header_again"] and kind == "city"
                                        and variants["proposal_format"] != "pdf")
    if variants["usb_nested"] == "folder":
        variants["zip_tree"] = "folders"  # the evidence folder is what gets zipped


def format_space(kind: str) -> dict[str, list]:
    """The options each class can take for a programme kind (a service has no 요약표)."""
    space = {key: list(dict.fromkeys(options)) for key, options in FORMATS.items()}
    if kind != "city":
        space["summary_header_again"] = [False]
    return space
