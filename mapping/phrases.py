"""Find known phrases (document titles, programme terms) in Korean text with an Aho-Corasick automaton.

Korean forms space the same words differently (`정량지표 평가제안서`, `정량지표평가제안서`,
`정량 지표 평가 제안서`), so both the phrases and the text are compacted (spaces and
punctuation dropped, see mapping.values.compact) and matched character by character.
pyahocorasick finds every occurrence of every phrase in one pass and imports in milliseconds
(spaCy's PhraseMatcher, used before, cost a second of every command's start).
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from mapping.values import compact


@dataclass(frozen=True)
class PhraseMatch:
    label: str  # what the phrase stands for: a role, a programme
    start: int  # offsets in the compacted text
    end: int
    phrase: str  # the compacted phrase that matched


class PhraseIndex:
    def __init__(self, phrases: dict[str, list[str]]):
        self.phrases: dict[str, str] = {}  # compacted phrase -> the first label that lists it
        labels_of: dict[str, list[str]] = {}
        for label, variants in phrases.items():
            for key in sorted({compact(v) for v in variants if compact(v)}):
                self.phrases.setdefault(key, label)
                labels_of.setdefault(key, []).append(label)
        self._automaton = ahocorasick.Automaton()
        for key, labels in labels_of.items():
            self._automaton.add_word(key, (key, tuple(labels)))
        if labels_of:
            self._automaton.make_automaton()

    def find(self, text: str, already_compact: bool = False) -> list[PhraseMatch]:
        """Every occurrence of every phrase, earliest first, then longest."""
        key = text if already_compact else compact(text)
        if not key or not self.phrases:
            return []
        matches = [PhraseMatch(label, end + 1 - len(phrase), end + 1, phrase)
                   for end, (phrase, labels) in self._automaton.iter(key) for label in labels]
        return sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
