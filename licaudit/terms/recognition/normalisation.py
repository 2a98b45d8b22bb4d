"""Normalisation: the one key a license name folds to, whatever its case, punctuation or version form.

`fold_name` is idempotent (folding a folded key changes nothing) and ignores case and the
punctuation around and between words, so "The Apache License, Version 2.0", "apache-2.0" and
"Apache 2" share one key. Words that never tell licenses apart ("the", "license", "version",
"international", "unported", "generic") are dropped; versions become `N.M`; "or later" becomes `+`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "‐": "-", "‑": "-"})
# "or later" in its spellings, before punctuation is dropped.
_OR_LATER = re.compile(r"(?:\bor\b|\band\b)[\s-]*(?:any\s+)?(?:later|newer|greater)(?:\s+versions?)?|\+", re.IGNORECASE)
_ONLY = re.compile(r"[\s-]only\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w.+]+|(?<!\d)\.|\.(?!\d)|_")
_PLUS = re.compile(r"\s*\+\s*")
_VERSION_WORD = re.compile(r"^v(?:er(?:sion)?)?\.?(\d+(?:\.\d+)*)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
# Words that never distinguish one license from another.
_NOISE = frozenset(
    {"the", "license", "licence", "licenses", "licences", "licensed", "version", "ver", "international",
     "unported", "generic", "a", "an", "lic"}
)  # fmt: skip
# Spellings that mean the same word.
_SYNONYMS = {"non-commercial": "noncommercial", "share-alike": "sharealike", "no-derivatives": "noderivatives"}
_JOINED = re.compile(r"\b(non|share|no)[\s-]+(commercial|alike|derivatives|derivs)\b")
_GLUED_VERSION = re.compile(r"\b(a?gpl|lgpl|gfdl|fdl|mpl|epl|eupl|cc)\s*v?\.?\s*(?=\d)")  # "AGPLv3", "GNU GPL v.3"
_V_DOT = re.compile(r"\bv\.\s*(?=\d)")
_CLAUSES = re.compile(r"\b(\d)[\s-]*clause\b")  # "3-Clause" names a variant, not a version


def _join(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2)


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """The normalised key of a license name (see the module docstring)."""
    value = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    value = _ONLY.sub(" ", value)
    value = _OR_LATER.sub(" + ", value)
    value = _JOINED.sub(_join, value)
    value = _CLAUSES.sub(r"\1clause", value)
    value = _GLUED_VERSION.sub(r"\1 ", value)
    value = _V_DOT.sub("v", value)
    value = _NON_WORD.sub(" ", value)
    words: list[str] = []
    for word in _PLUS.sub(" + ", value).split():
        version = _VERSION_WORD.match(word)
        if version is not None and (word.startswith("v") and len(word) > 1):
            word = version.group(1)
        if _NUMBER.match(word):
            word = _version(word)
        if word in _NOISE:
            continue
        if (word == "+" and not words) or (words and words[-1] == word):
            continue  # "The MIT License (MIT)": a repeated word adds nothing
        words.append(word)
    return " ".join(words)


def _version(number: str) -> str:
    """`4` -> `4.0`, `4.0.0` -> `4.0`, `2.1` stays: one spelling per version."""
    parts = number.split(".")
    while len(parts) > 2 and parts[-1] == "0":
        parts.pop()
    if len(parts) == 1:
        if len(parts[0]) > 2:  # a year or a number that is no version (e.g. 2023)
            return parts[0]
        parts.append("0")
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


def without_later(key: str) -> str:
    """The key with its "or later" mark removed: the named version bounds the terms."""
    return " ".join(word for word in key.split() if word != "+")
