"""Restrictive wording: non-commercial, research-only, academic-only, evaluation-only, in English and
Korean. Any text that says so holds the artifact back, whatever license it also names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from licaudit.terms.vocabulary import TermKind

# Wording that permits both ("commercial and non-commercial use", "commercial/research purposes"):
# it mentions the restricted word without restricting anything.
_BOTH = re.compile(
    r"\bcommercial\s*(?:and|or|/|&)\s*(?:non[\s-]?commercial|research)\b|\bnon[\s-]?commercial\s*(?:and|or|/|&)\s*commercial\b"
    r"|\b(?:including|even)\s+commercial(?:ly)?\b",
    re.IGNORECASE,
)
_NON_COMMERCIAL = re.compile(
    r"\bnon[\s-]?commerc?ial\b|\bnon[\s-]?commerical\b"
    r"|\bnot\s+(?:be\s+)?(?:used\s+|permitted\s+|allowed\s+)?for\s+(?:any\s+)?commercial\b"
    r"|\bno\s+commercial\s+(?:use|purposes?|usage|exploitation)\b"
    r"|\bcommercial\s+(?:use|usage|purposes?|exploitation)\s+(?:is\s+|are\s+)?(?:strictly\s+)?"
    r"(?:not\s+(?:permitted|allowed)|prohibited|forbidden|disallowed|restricted)\b"
    r"|\b(?:may|must|shall|can)\s*not\s+(?:be\s+)?(?:used\s+)?(?:for\s+|in\s+)?(?:any\s+)?commercial\b"
    r"|\bfor\s+any\s+commercial\s+purpose\b"
    r"|비\s*상업|상업적\s*(?:이용|사용|용도)\s*(?:을|를)?\s*(?:금지|불가|제한|할\s*수\s*없)|영리\s*목적\s*(?:의\s*)?(?:이용|사용)?\s*(?:금지|불가)",
    re.IGNORECASE,
)
_RESEARCH_ONLY = re.compile(
    r"\b(?:research|academic|scientific|educational|evaluation|non[\s-]?profit)\s+(?:and\s+\w+\s+)?"
    r"(?:use|usage|purposes?)\s+only\b"
    r"|\b(?:research|academic|evaluation|educational)[\s-]+only\b"
    r"|\bonly\s+(?:be\s+used\s+)?for\s+(?:non[\s-]?commercial\s+)?(?:academic\s+|scientific\s+)?"
    r"(?:research|academic|evaluation|educational)\b"
    r"|\b(?:solely|exclusively|strictly)\s+(?:for\s+)?(?:the\s+purpose\s+of\s+)?(?:non[\s-]?commercial\s+)?"
    r"(?:academic\s+|scientific\s+)?(?:research|academic|evaluation|educational)\b"
    r"|\bfor\s+(?:the\s+)?(?:sole\s+)?(?:purposes?\s+of\s+)?(?:academic|scientific|non[\s-]?commercial)?\s*"
    r"research\s+(?:purposes?\s+|use\s+)?only\b"
    r"|\bscientific\s+fair\s+use\b"
    r"|\bsole\s+purpose\s+of\s+(?:\w+\s+){0,4}research\b"
    r"|연구\s*(?:목적|용)|학술\s*(?:목적|연구)|평가\s*목적",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RestrictivePhrase:
    kind: TermKind  # NON_COMMERCIAL or RESEARCH_ONLY
    quote: str  # the phrase with a little context
    words: str = ""  # the phrase alone


def restrictive_phrases(text: str) -> list[RestrictivePhrase]:
    """Every restrictive phrase in the text (at most one of each kind), quoted with context."""
    masked = _BOTH.sub(lambda m: " " * len(m.group(0)), text)
    found: list[RestrictivePhrase] = []
    for kind, pattern in ((TermKind.NON_COMMERCIAL, _NON_COMMERCIAL), (TermKind.RESEARCH_ONLY, _RESEARCH_ONLY)):
        match = pattern.search(masked)
        if match is not None:
            found.append(RestrictivePhrase(kind, _context(text, match.start(), match.end()), match.group(0)))
    return found


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")
