"""Hints: what a card's prose suggests about lineage ("fine-tuned from X"), quoted, never a fact."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SCANNED_CHARS = 200_000
MAX_HINTS = 20
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
# A name: `owner/repo`, or a product name with an optional capitalised or numbered second word
# ("Google Translate", "Claude 2"); case-sensitive inside, so "GPT-4 and" stops at "GPT-4".
_NAME = r"\[?`?((?-i:[A-Za-z0-9][\w.\-]*(?:/[\w.\-]*[\w\-])?(?: [0-9][\w.\-]*| [A-Z][\w\-]*)?))`?\]?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "fine-tuned from",
        re.compile(r"fine-?\s?tun(?:ed|ing)\s+(?:version\s+of|from|on\s+top\s+of|of)\s+" + _NAME, re.I),
    ),
    ("trained on", re.compile(r"\btrained\s+on\s+(?:the\s+)?" + _NAME, re.I)),
    (
        "generated with",
        re.compile(r"\b(?:generated|created|produced|synthesi[sz]ed)\s+(?:with|by|using)\s+" + _NAME, re.I),
    ),
    ("translated with", re.compile(r"\btranslated\s+(?:with|by|using)\s+" + _NAME, re.I)),
    ("distilled from", re.compile(r"\bdistilled\s+from\s+" + _NAME, re.I)),
)


@dataclass(frozen=True)
class Hint:
    """A low-confidence lineage clue: `phrase` (e.g. "generated with"), what it names, the sentence."""

    phrase: str
    subject: str
    sentence: str

    def describe(self) -> str:
        return f"{self.phrase} {self.subject}: “{self.sentence}”"


def find_hints(text: str) -> list[Hint]:
    """Every hint in the prose, in order, at most MAX_HINTS, each sentence quoted (bounded)."""
    found: list[Hint] = []
    seen: set[tuple[str, str]] = set()
    for piece in _SENTENCE_BREAK.split(text[:MAX_SCANNED_CHARS]):
        sentence = " ".join(piece.split())
        if len(sentence) < 8:
            continue
        for phrase, pattern in _PATTERNS:
            for hit in pattern.finditer(sentence):
                subject = hit.group(1).strip(".,;:`[]()")
                key = (phrase, subject.lower())
                if not subject or key in seen:
                    continue
                seen.add(key)
                found.append(Hint(phrase, subject, sentence[:300]))
                if len(found) >= MAX_HINTS:
                    return found
    return found
