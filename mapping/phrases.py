"""Find known phrases (document titles, indicator names) in Korean text with spaCy's PhraseMatcher.

Korean forms space the same words differently (`정량지표 평가제안서`, `정량지표평가제안서`,
`정량 지표 평가 제안서`), so both the phrases and the text are compacted (spaces and
punctuation dropped, see mapping.values.compact) and matched character by character:
a blank Korean pipeline's vocabulary with one token per character. Matching needs no
model download and no mecab.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from mapping.values import compact

if TYPE_CHECKING:
    from spacy.tokens import Doc


@lru_cache(maxsize=1)
def _nlp():
    import spacy  # on first use: importing spaCy costs half a second that `intake extract` and the CLI do not need

    # spacy.blank("ko") wants mecab; the rule-based tokenizer is enough since we build Docs ourselves
    return spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})


def _char_doc(text: str) -> Doc:
    from spacy.tokens import Doc

    return Doc(_nlp().vocab, words=list(text) or [" "], spaces=[False] * max(len(text), 1))


@dataclass(frozen=True)
class PhraseMatch:
    label: str  # what the phrase stands for: a role, an indicator code
    start: int  # offsets in the compacted text
    end: int
    phrase: str  # the compacted phrase that matched


class PhraseIndex:
    def __init__(self, phrases: dict[str, list[str]]):
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(_nlp().vocab)
        self.phrases: dict[str, str] = {}
        for label, variants in phrases.items():
            keys = sorted({compact(v) for v in variants if compact(v)})
            self.matcher.add(label, [_char_doc(k) for k in keys])
            for k in keys:
                self.phrases.setdefault(k, label)

    def find(self, text: str, already_compact: bool = False) -> list[PhraseMatch]:
        key = text if already_compact else compact(text)
        if not key:
            return []
        doc = _char_doc(key)
        vocab = _nlp().vocab
        return sorted((PhraseMatch(vocab.strings[match_id], start, end, key[start:end])
                       for match_id, start, end in self.matcher(doc)), key=lambda m: (m.start, -(m.end - m.start)))
