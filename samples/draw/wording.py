"""How a value, a code, a mark, a date or a page is written, as the bundle's variants choose."""

from __future__ import annotations

import re
from datetime import date

# The 00.00 / 0,000 / 000 of a seed template, with the unit written after it.
PLACEHOLDER = re.compile(r"0(?:[0,.]*0)?\s?(천명|백만원|개소|가구|건|개|명|종|%|대|기|회)?")
MARK_SLOT = re.compile(r"[O0]/X")  # the O/X (or 0/X) a template leaves for a mark


def number(value, v: dict, decimals: int | None = None) -> str:
    """An integer with or without thousands commas; a float with ``decimals`` (2 unless given)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is written as a mark")
    if isinstance(value, int) and decimals is None:
        return f"{value:,}" if v.get("comma", True) else str(value)
    text = f"{value:,.{2 if decimals is None else decimals}f}"
    return text if v.get("comma", True) else text.replace(",", "")


def with_unit(text: str, unit: str | None, v: dict) -> str:
    if not unit:
        return text
    return f"{text} {unit}" if v.get("unit_space") else f"{text}{unit}"


def fill(template: str, numbers: list[str], flags: list[bool], v: dict) -> str:
    """A seed template with its 00 runs replaced by ``numbers`` and its O/X slots by marks, in order."""
    numbers, flags = list(numbers), list(flags)
    text = MARK_SLOT.sub(lambda _m: mark(flags.pop(0), v) if flags else _m.group(0), template)

    def one(m: re.Match) -> str:
        if not numbers:
            return m.group(0)
        return with_unit(numbers.pop(0), m.group(1), v)

    return PLACEHOLDER.sub(one, text)


def mark(flag: bool, v: dict) -> str:
    yes, no = v["marks"]
    return yes if flag else no


def box(checked: bool, v: dict) -> str:
    on, off = v["checkbox"]
    return on if checked else off


def options_line(options: list[str], chosen: str | None, v: dict, gap: str = "   ") -> str:
    """A row of checkbox options (■ 대도시   □ 중소도시) with one ticked."""
    return gap.join(f"{box(o == chosen, v)} {o}" for o in options)


def code_text(code: str, v: dict) -> str:
    style = v.get("code_style", "plain")
    if style == "none":
        return ""
    if style == "endash":
        return code.replace("-", "–")
    if style == "dot":
        return code + "."
    if style == "spaced":
        return code.replace("-", " - ")
    return code


DATE_FORMATS = {
    "'yy.mm": lambda d: f"'{d.year % 100:02d}.{d.month:02d}",
    "yyyy.mm.dd": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    "yyyy-mm-dd": lambda d: d.isoformat(),
    "'yy.m.d": lambda d: f"'{d.year % 100:02d}.{d.month}.{d.day}",
    "yyyy년 m월": lambda d: f"{d.year}년 {d.month}월",
}


def date_text(d: date, v: dict) -> str:
    return DATE_FORMATS[v["date_fmt"]](d)


def pages_text(pages: list[int], v: dict) -> str:
    """Evidence pages as cited: one page, or a range of two (p.3~4, 3-4, 3~4쪽, 근거자료 3~4p)."""
    style = v["page_cite"]
    if len(pages) == 1:
        n = str(pages[0])
    else:
        n = f"{pages[0]}{'-' if style == 'N' else '~'}{pages[-1]}"
    return {"p.N": f"p.{n}", "N": n, "N쪽": f"{n}쪽", "근거자료 Np": f"근거자료 {n}p"}[style]


def phone_text(phone: str, v: dict) -> str:
    area, mid, last = phone.split("-")
    return {"dash": phone, "paren": f"({area}){mid}-{last}", "dot": f"{area}.{mid}.{last}"}[v["phone_fmt"]]


def regno_text(regno: str, v: dict) -> str:
    return {"dash": regno, "plain": regno.replace("-", ""), "space": regno.replace("-", " ")}[v["regno_fmt"]]
