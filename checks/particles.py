"""Korean particles after a value: the catalogue writes `'{title}'이(가)`, the clerk reads `'신청서'가`.

The choice (이/가, 을/를, 은/는, 와/과, 으로/로 …) is made by `tossi`, which reads the word's last
syllable, numbers included. A word ending in Latin letters (`USB`, `CCTV`) is read by the Korean name of
its last letter, which tossi cannot do by itself.
"""

from __future__ import annotations

import re

import tossi

# Both spellings of each alternation the catalogue may write, as tossi names the particle.
_MARKERS = {"이(가)": "이", "가(이)": "이", "을(를)": "을", "를(을)": "을", "은(는)": "은", "는(은)": "은",
            "와(과)": "와", "과(와)": "와", "(으)로": "(으)로", "(이)나": "(이)나", "(이)라": "(이)라",
            "(이)며": "(이)며", "(이)고": "(이)고"}
_PATTERN = re.compile(r"(\S+?)(" + "|".join(re.escape(m) for m in sorted(_MARKERS, key=len, reverse=True)) + ")")
# How the last Latin letter of a word is said in Korean (A 에이, L 엘, M 엠 …): what tossi is given instead.
_LETTER_SAID = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                        "에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 더블유 엑스 와이 지".split()))


def _spoken(word: str) -> str:
    stripped = word.rstrip("'\")]}’”»")
    if stripped and stripped[-1].upper() in _LETTER_SAID:
        return _LETTER_SAID[stripped[-1].upper()]
    return word


def with_particles(text: str) -> str:
    """``text`` with every written-out alternation (`이(가)`, `을(를)` …) replaced by the particle that fits."""
    if not text or "(" not in text:
        return text
    return _PATTERN.sub(lambda m: m.group(1) + _pick(m.group(1), _MARKERS[m.group(2)]), text)


def _pick(word: str, particle: str) -> str:
    picked = tossi.pick(_spoken(word), particle)
    # A word tossi cannot read (`…` for a value not given) still gets one form, never the written-out pair.
    return tossi.pick("가", particle) if "(" in picked else picked
