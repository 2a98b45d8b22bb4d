"""Creative Commons licenses as people write them: any order of elements, versions, ports, no version.

"CC BY-NC-SA 4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
"cc-4 Attribution-NonCommercial", "CC BY 2.5 South Africa", "CC BY-ND 2.0 KR" all parse to the
same structure: the elements (BY, NC, SA, ND, zero, public-domain mark), the version and the port.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:\.[0-9]+)?")  # any script: a word outside CC's vocabulary ends the name
_ELEMENT_WORDS = {
    "by": "BY", "attribution": "BY",
    "nc": "NC", "noncommercial": "NC",
    "sa": "SA", "sharealike": "SA",
    "nd": "ND", "noderivatives": "ND", "noderivs": "ND",
    "zero": "ZERO", "cc0": "ZERO",
}  # fmt: skip
_JOINED = re.compile(r"\b(non|share|no)[\s-]+(commercial|alike|derivatives|derivs)\b", re.IGNORECASE)
_FILLER = frozenset(
    {"creative", "commons", "cc", "license", "licence", "licenses", "international", "unported", "generic",
     "public", "the", "version", "v", "universal", "dedication", "deed", "legalcode", "legal", "code",
     "works", "work", "derivative", "in", "of", "a", "under", "rights", "reserved", "no", "en",
     "4", "3", "2", "1"}
)  # fmt: skip
# Ports: a jurisdiction after the version (ISO codes and the names cards spell out).
_PORTS = {
    "es": "ES", "fr": "FR", "de": "DE", "at": "AT", "za": "ZA", "kr": "KR", "jp": "JP", "nl": "NL", "it": "IT",
    "au": "AU", "br": "BR", "ca": "CA", "ch": "CH", "cn": "CN", "pl": "PL", "pt": "PT", "tw": "TW", "us": "US",
    "uk": "UK", "igo": "IGO", "south": "ZA", "africa": "ZA", "spain": "ES", "france": "FR", "germany": "DE",
    "korea": "KR", "japan": "JP", "netherlands": "NL", "italy": "IT", "australia": "AU",
}  # fmt: skip
_VERSIONS = {"1.0", "2.0", "2.5", "3.0", "4.0"}


@dataclass(frozen=True)
class CreativeCommons:
    """A Creative Commons license as written: elements, version (None if unstated), port."""

    elements: frozenset[str]
    version: str | None
    port: str | None
    public_domain_mark: bool = False

    @property
    def is_family(self) -> bool:
        """ "Creative Commons" alone: no element says which license."""
        return not self.elements and not self.public_domain_mark

    @property
    def spdx_like_id(self) -> str:
        """`CC-BY-NC-SA-4.0`, `CC0-1.0`, `CC-BY-NC` (no version): the catalog's spelling."""
        if "ZERO" in self.elements:
            return "CC0-1.0"
        if self.is_family:
            return "CC"
        order = [e for e in ("BY", "NC", "ND", "SA") if e in self.elements or e == "BY"]
        base = "CC-" + "-".join(order)
        return f"{base}-{self.version}" if self.version else base


def looks_like_creative_commons(text: str) -> bool:
    lowered = text.lower()
    return (
        "creative commons" in lowered
        or "creativecommons" in lowered
        or re.search(r"\bcc(?:[\s_-]*(?:by|0|zero|4|3|2)\b|0\b|\b)", lowered) is not None
        or re.match(r"\s*attribution[\s-]+(?:non|share|no)", lowered) is not None
    )


def parse_creative_commons(text: str) -> CreativeCommons | None:
    """The CC license a short string names, or None when it names none (or names something else)."""
    if not looks_like_creative_commons(text):
        return None
    text = text.rstrip(".")
    lowered = _JOINED.sub(lambda m: m.group(1) + m.group(2), text.lower().replace("_", " "))
    if "public domain mark" in lowered or "publicdomain/mark" in lowered:
        return CreativeCommons(frozenset(), "1.0", None, public_domain_mark=True)
    elements: set[str] = set()
    version: str | None = None
    port: str | None = None
    for word in _WORD.findall(lowered):
        if word in _ELEMENT_WORDS:
            elements.add(_ELEMENT_WORDS[word])
        elif word in ("public", "domain") or word in _FILLER:
            if word in ("4", "3", "2", "1") and version is None:
                version = f"{word}.0"
            continue
        elif word.startswith("v") and word[1:] in _VERSIONS | {"4", "3", "2", "1"}:
            version = version or (word[1:] if "." in word else f"{word[1:]}.0")
        elif word in _VERSIONS:
            version = version or word
        elif word in _PORTS and (version is not None or port is None):
            port = port or _PORTS[word]
        else:
            return None  # a word no CC name has: not a CC license name (e.g. prose around it)
    if "cc0" in lowered.replace(" ", "") or "ZERO" in elements:
        return CreativeCommons(frozenset({"ZERO"}), "1.0", None)
    if not elements and version is None:
        return CreativeCommons(frozenset(), None, None)  # "Creative Commons": the family
    if elements and "BY" not in elements:
        elements.add("BY")  # every CC license but CC0 requires attribution ("CC 4.0 Non-Commercial")
    if not elements:
        return CreativeCommons(frozenset(), version, port)  # "Creative Commons 4.0 License": no elements
    return CreativeCommons(frozenset(elements), version, port)


# Where a CC mention starts inside prose, and the words that may continue it.
CC_START = re.compile(
    r"creative[\s_-]*commons|\bcc[\s_-]*(?:by|0|zero)\b|\bcc0\b|\bcc(?=[\s_-]+(?:\d|attribution|by|non|share|4\.0))"
    r"|\battribution[\s-]+(?:non|share|no)|\bcc\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"(?:[\s/()\-–,:]*"
    r"(?:creative|commons|cc0?|by|attribution|non[\s-]?commercial|noncommercial|nc|share[\s-]?alike|sa|nd|"
    r"no[\s-]?derivatives|no[\s-]?derivs|zero|universal|public\s+domain\s+(?:dedication|mark)|"
    r"international|unported|generic|public|licen[cs]e|version|v?\d(?:\.\d)?|"
    r"es|fr|de|za|kr|jp|nl|it|au|igo|south\s+africa|spain|france|germany|korea)\b)+",
    re.IGNORECASE,
)


_TOKEN_TAIL = re.compile(r"(?:[\w.]|-(?=\w))+")


def creative_commons_mentions(text: str) -> list[tuple[int, int]]:
    """Spans of CC license names inside prose (each to be parsed on its own)."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        start = CC_START.search(text, position)
        if start is None:
            return spans
        run = _CONTINUES.match(text, start.start())
        end = max(run.end() if run is not None else start.end(), start.end())
        tail = _TOKEN_TAIL.match(text, end)
        if tail is not None:
            end = tail.end()  # a mention never ends inside a token: "cc-by-nc-44" is read whole, and fails
        spans.append((start.start(), max(end, start.end())))
        position = max(end, start.end())
