"""Find known phrases (document titles, programme terms) in Korean text.

Korean forms space the same words differently (`정량지표 평가제안서`, `정량지표평가제안서`,
`정량 지표 평가 제안서`), so both the phrases and the text are compacted (spaces and
punctuation dropped, see mapping.values.compact) and matched character by character.
The texts are short (a document's head, a file name) and the phrases a few dozen, so every
occurrence of every phrase is found with ``str.find``. spaCy's PhraseMatcher, used before, cost
a second of every command's start; pyahocorasick, tried next, corrupted the heap of one process
in about twenty (`double free or corruption`, SIGSEGV; its automaton is not thread-safe).
"""

from __future__ import annotations

from dataclasses import dataclass

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
        self._labels_of: dict[str, list[str]] = {}
        for label, variants in phrases.items():
            for key in sorted({compact(v) for v in variants if compact(v)}):
                self.phrases.setdefault(key, label)
                self._labels_of.setdefault(key, []).append(label)

    def find(self, text: str, already_compact: bool = False) -> list[PhraseMatch]:
        """Every occurrence of every phrase, earliest first, then longest."""
        key = text if already_compact else compact(text)
        if not key:
            return []
        matches = []
        for phrase, labels in self._labels_of.items():
            start = key.find(phrase)
            while start >= 0:
                matches.extend(PhraseMatch(label, start, start + len(phrase), phrase) for label in labels)
                start = key.find(phrase, start + 1)
        return sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
