"""The recogniser: any string a card, a tag or a LICENSE file holds, read into licenses with evidence.

Order of reading, most certain first: the whole string as a known name (catalog id, Hub id, alias,
former Hub id, SPDX or ScanCode name, Creative Commons spelled any way), a URL, a full license text
(matched with a score), then the licenses named inside prose, and always the restrictive wording.
Readings are memoised per string: dumps repeat the same few thousand license strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path

from licaudit.terms.catalog import Catalog, License
from licaudit.terms.recognition.creative_commons import (
    CreativeCommons,
    creative_commons_mentions,
    parse_creative_commons,
)
from licaudit.terms.recognition.evidence import Combination, Method, Reading, Recognition, bounded_quote
from licaudit.terms.recognition.license_data import license_text
from licaudit.terms.recognition.name_index import NameIndex, Target
from licaudit.terms.recognition.normalisation import fold_name, without_later
from licaudit.terms.recognition.phrases import restrictive_phrases
from licaudit.terms.recognition.text_match import FULL_MATCH, match_text
from licaudit.terms.recognition.urls import URL, read_license_url
from licaudit.terms.vocabulary import Category, TermKind

# The catalog entries that stand for restrictive wording found in a text (rules/licenses).
STATED_NON_COMMERCIAL = "LicenseRef-licaudit-Stated-Non-Commercial"
STATED_RESEARCH_ONLY = "LicenseRef-licaudit-Stated-Research-Only"
CC_FAMILY = "LicenseRef-hub-cc"
_PHRASE_LICENSES = {TermKind.NON_COMMERCIAL: STATED_NON_COMMERCIAL, TermKind.RESEARCH_ONLY: STATED_RESEARCH_ONLY}
_RESTRICTIVE = frozenset({Category.NON_COMMERCIAL, Category.RESEARCH_ONLY})
_ANY_OF = re.compile(
    r"\bor\b|\beither\b|dual[\s-]*licen[cs]ed|at\s+(?:your|the\s+user'?s?)\s+(?:option|choice)|\bchoose\b|\bchoice\b",
    re.IGNORECASE,
)
_DUAL = re.compile(r"dual[\s-]*licen[cs]ed|at\s+(?:your|the\s+user'?s?)\s+(?:option|choice)|\beither\b", re.IGNORECASE)
_WITH_EXCEPTION = re.compile(r"\s+with\s+[\w.+-]+\s*$", re.IGNORECASE)
_COMMA_VERSION = re.compile(r",\s*(?=v(?:ersion)?\.?\s*\d)", re.IGNORECASE)
_LICENSE_WORD = re.compile(r"licen[cs]|\bunder\b|copyright|\bterms\b|public\s+domain", re.IGNORECASE)
# A card that says its license is unknown or undefined (in whole or for a part of it).
_UNKNOWN_STATED = re.compile(
    r"\blicen[cs](?:e|ing)\b[^.\n]{0,60}?\b(?:is|are|remains?)\s+(?:unknown|unclear|undefined|not\s+specified)\b"
    r"|\b(?:unknown|undefined|unspecified)\s+licen[cs]e\b|:\s*undefined\b"
    r"|\b(?:its|their)\s+own\s+(?:\w+\s+)?licen[cs]es?\b",
    re.IGNORECASE,
)
UNKNOWN_PLACEHOLDER = "LicenseRef-hub-unknown"
# "MIT AND", "OR Apache-2.0": an operator whose other license is missing names an unknown one.
_DANGLING = re.compile(r"^\s*(?:and|or|with)\b|\b(?:and|or|with)\s*$|[,&]\s*$", re.IGNORECASE)
WHOLE_TEXT_SHARE = 0.6  # of a text's shingles: from here it is a license text, not prose quoting one
SHORT_PROSE = 160
# An SPDX-style expression the expression parser could not read (unbalanced parentheses, an operator
# with no operand): the licenses found in it are not the whole of it, so the rest is unknown.
_OPERATOR = re.compile(r"\b(?:AND|OR|WITH)\b")
_EMPTY_OPERAND = re.compile(r"\(\s*(?:AND|OR|WITH)\b|\b(?:AND|OR|WITH)\s*\)|\b(?:AND|OR|WITH)\s+(?:AND|OR|WITH)\b")


def _malformed_expression(text: str) -> bool:
    if len(text) > SHORT_PROSE or _OPERATOR.search(text) is None:
        return False
    return text.count("(") != text.count(")") or _EMPTY_OPERAND.search(text) is not None


# characters: a string this short is a license field, not a paragraph
_SEGMENTS = re.compile(r"[;:,!?\n|*`\[\]()<>{}]+|\.(?!\d)\s*|\s-\s|/+(?=\s)")
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)]*\)")
LONG_TEXT = 600  # characters: from here a text is tried as a whole license text first
MAX_PROSE_CHARS = 20_000
MAX_WINDOW = 10  # words in the longest name looked up inside prose


class Recogniser:
    def __init__(
        self, catalog: Catalog, hub_history: dict[str, str] | None = None, cache_dir: Path | None = None
    ) -> None:
        self.catalog = catalog
        self.index = NameIndex(catalog, hub_history or {}, cache_dir)
        self.cache_dir = cache_dir
        self._read = lru_cache(maxsize=65536)(self._read_uncached)

    @cached_property
    def _markers(self) -> list[tuple[str, License]]:
        return sorted(
            (
                (" ".join(marker.split()).lower(), license_)
                for license_ in self.catalog.licenses.values()
                for marker in license_.text_markers
                if marker.strip()
            ),
            key=lambda m: -len(m[0]),
        )

    def read(self, text: str, field: str = "", line: int | None = None) -> Reading:
        """How a string is read; `field` and `line` say where it came from (kept in the evidence)."""
        reading = self._read(text)
        if not field and line is None:
            return reading
        return Reading(
            reading.text,
            tuple(_located(r, field, line) for r in reading.recognitions),
            reading.combination,
            tuple(_located(r, field, line) for r in reading.restrictions),
        )

    # -- the whole string -------------------------------------------------------------------------

    def _read_uncached(self, text: str) -> Reading:
        stripped = text.strip().strip("`'\"*_ ")
        if not stripped:
            return Reading(text, ())
        whole = self.recognise_name(stripped)
        if whole is not None:
            return Reading(text, (whole,))
        if URL.fullmatch(stripped):
            found = self.recognise_url(stripped)
            return Reading(text, (found,) if found is not None else ())
        if len(stripped) >= LONG_TEXT:
            matched, share, own = self._text_match(stripped)
            if matched is not None and matched.confidence >= FULL_MATCH and share >= WHOLE_TEXT_SHARE:
                # A license text: only wording its known text lacks restricts (an added clause).
                return Reading(text, (matched,), Combination.ALL, self._restrictions(stripped, [matched], own))
            prose = self._read_prose(stripped[:MAX_PROSE_CHARS])
            if matched is not None and matched.confidence < FULL_MATCH and prose.recognitions:
                # The names the text states win over a partial match, except the license the text is a
                # modified copy of: that one keeps the text match and its "modified" note.
                same = [matched if r.license_id == matched.license_id else r for r in prose.recognitions]
                return Reading(text, tuple(_unique(same)), prose.combination, prose.restrictions)
            if matched is None:
                return prose
            if matched.confidence < FULL_MATCH:
                return Reading(text, (matched,), Combination.ALL, self._restrictions(stripped, [matched]))
            # A whole license text inside other prose (a card quoting its data's licenses): both bind.
            both = _unique([*prose.recognitions, matched])
            return Reading(text, tuple(both), Combination.ALL, self._restrictions(stripped, both))
        return self._read_prose(stripped[:MAX_PROSE_CHARS])

    def recognise_name(self, name: str) -> Recognition | None:
        """A string that is a license name as a whole (no prose around it)."""
        quote = bounded_quote(name)
        name = _WITH_EXCEPTION.sub("", name)  # an exception only adds permissions: the base license bounds
        key = fold_name(name)
        target = self.index.catalog_keys.get(key)
        if target is not None:
            return _recognition(target, quote, 1.0 if target.method is not Method.NAME else 0.95)
        if "+" in key.split():
            base = self.index.catalog_keys.get(without_later(key))
            if base is not None:
                return _recognition(base, quote, 0.95, "'or later': the named version's terms bind at least")
        cc = parse_creative_commons(name)
        if cc is not None:
            return self._creative_commons(cc, quote, Method.NAME)
        known = self.index.known(key) or self.index.known(without_later(key))
        return _recognition(known, quote, 0.9) if known is not None else None

    def recognise_url(self, url: str) -> Recognition | None:
        quote = bounded_quote(url)
        shaped = read_license_url(url)
        if shaped is not None:
            cc = parse_creative_commons(shaped.name.replace("-", " ")) if shaped.name.startswith("CC-") else None
            if cc is not None:
                port = shaped.port
                return self._creative_commons(CreativeCommons(cc.elements, cc.version, port), quote, Method.URL)
            target = self.index.lookup(shaped.name)
            if target is None and "+" not in shaped.name:
                target = self.index.lookup(f"{shaped.name}-only")
            if target is not None:
                return _recognition(Target(target.license, target.known, Method.URL, target.note), quote, 0.95)
        listed = self.index.lookup_url(url)
        return _recognition(listed, quote, 0.9) if listed is not None else None

    def recognise_text(self, text: str) -> Recognition | None:
        """A full license text: matched against ScanCode's texts with a score, else by catalog markers."""
        return self._text_match(text)[0]

    def _text_match(self, text: str) -> tuple[Recognition | None, float, str]:
        """(the recognition, the share of the text that is that license, the license's own text folded)."""
        matched = match_text(text, cache_dir=self.cache_dir)
        if matched is not None:
            target = self.index._target_of(matched.known)
            note = (
                f"modified text: {matched.coverage:.0%} of the {matched.known.spdx_id} text found"
                if matched.coverage < FULL_MATCH
                else None
            )
            quote = bounded_quote(text[:200])
            found = _recognition(Target(target.license, target.known, Method.TEXT_MATCH, note), quote, matched.coverage)
            return found, matched.share, _folded(license_text(matched.known))
        folded = " ".join(text.split()).lower()
        for needle, license_ in self._markers:
            if needle in folded:
                note = "modified or unknown text: no known license text matches; a marker phrase names this one"
                marker = Recognition(
                    license_.id, license_.name, license_.category, Method.MARKER, 0.5, needle, note=note
                )
                return marker, 0.0, ""
        return None, 0.0, ""

    # -- prose ------------------------------------------------------------------------------------

    def _read_prose(self, text: str) -> Reading:
        found: list[tuple[int, Recognition | None]] = []  # with where each was found: the text's order
        for match in URL.finditer(text):
            found.append((match.start(), self.recognise_url(match.group(0).rstrip(".,;:"))))
        masked = URL.sub(lambda m: " " * len(m.group(0)), text)
        masked = _MARKDOWN_LINK_TARGET.sub(lambda m: " " * len(m.group(0)), masked)
        masked = masked.replace("[", " ").replace("]", " ")
        for start, end in creative_commons_mentions(masked):
            cc = parse_creative_commons(masked[start:end])
            if cc is not None:
                found.append((start, self._creative_commons(cc, bounded_quote(masked[start:end]), Method.NAME)))
                masked = masked[:start] + " " * (end - start) + masked[end:]
        found += self._names_in(masked)
        ordered = [r for _, r in sorted(found, key=lambda item: item[0])]
        unique = _without_vague_families(_unique(ordered))
        combination = Combination.ANY if len(unique) > 1 and self._offers_a_choice(text) else Combination.ALL
        return Reading(text, tuple(unique), combination, self._restrictions(text, unique))

    @staticmethod
    def _offers_a_choice(text: str) -> bool:
        """ "MIT or Apache-2.0", "dual-licensed": a choice. In long prose an "or" proves nothing: all bind."""
        if _DUAL.search(text):
            return True
        return len(text) <= SHORT_PROSE and _ANY_OF.search(text) is not None

    def _names_in(self, text: str) -> list[tuple[int, Recognition | None]]:
        """Catalog and list names inside sentences: the longest window of words first."""
        found: list[tuple[int, Recognition | None]] = []
        text = _COMMA_VERSION.sub(" ", text).replace('"', " ")  # "Apache License, Version 2.0" is one name
        short = len(text) <= SHORT_PROSE
        for start, segment in _segments(text):
            context = short or _LICENSE_WORD.search(segment) is not None
            words = fold_name(segment).split()
            position = 0
            while position < len(words):
                for size in range(min(MAX_WINDOW, len(words) - position), 0, -1):
                    key = " ".join(words[position : position + size])
                    target = self.index.in_prose(key, context)
                    if target is None and "+" in key.split():
                        target = self.index.in_prose(without_later(key), context)
                    if target is not None:
                        found.append((start, _recognition(target, bounded_quote(segment), 0.85)))
                        position += size
                        break
                else:
                    position += 1
        return found

    def _restrictions(
        self, text: str, found: list[Recognition], license_text: str | None = None
    ) -> tuple[Recognition, ...]:
        """Restrictive wording no license found already stands for, and statements that the license is
        unknown: both bind whichever license is chosen. Inside a matched license text (`license_text`,
        folded), wording that text itself has is the license speaking, not an added restriction."""
        restrictions: list[Recognition] = []
        if not all(r.category in _RESTRICTIVE for r in found) or not found:
            phrases = [
                p for p in restrictive_phrases(text) if license_text is None or _folded(p.words) not in license_text
            ]
            for phrase in phrases[:1]:  # one holds the verdict; its quote names the first
                restrictions.append(self._stated(_PHRASE_LICENSES[phrase.kind], phrase.quote, 1.0))
        if license_text is not None:
            return tuple(restrictions)  # "unknown" statements are prose; a license text has its own words
        unknown = _UNKNOWN_STATED.search(_MARKDOWN_LINK_TARGET.sub("", text).replace("[", "").replace("]", ""))
        unknown = unknown or (_DANGLING.search(text) if len(text) <= SHORT_PROSE else None)
        if unknown is not None:
            restrictions.append(self._stated(UNKNOWN_PLACEHOLDER, bounded_quote(unknown.group(0)), 0.8))
        elif _malformed_expression(text):
            restrictions.append(self._stated(UNKNOWN_PLACEHOLDER, bounded_quote(text), 0.8))
        return tuple(restrictions)

    def _stated(self, license_id: str, quote: str, confidence: float) -> Recognition:
        """What stated wording stands for; a catalog without that entry still fails closed (unknown)."""
        license_ = self.catalog.licenses.get(license_id)
        if license_ is None:
            return Recognition(None, license_id, Category.UNKNOWN, Method.PHRASE, confidence, quote)
        return Recognition(license_.id, license_.name, license_.category, Method.PHRASE, confidence, quote)

    def _creative_commons(self, cc: CreativeCommons, quote: str, method: Method) -> Recognition | None:
        if cc.public_domain_mark:
            target = self.index.lookup("Public Domain Mark 1.0")
            return _recognition(target, quote, 0.95) if target is not None else None
        if cc.is_family:
            family = self.catalog.licenses.get(CC_FAMILY)
            if family is None:
                return None
            note = "no Creative Commons license or version named: the family's most restrictive terms"
            return Recognition(family.id, family.name, family.category, Method.FAMILY, 0.6, quote, note=note)
        wanted = cc.spdx_like_id
        exact = self.catalog.lookup(wanted)
        port_note = f"ported license ({wanted} {cc.port}) read as {wanted}" if cc.port else None
        if exact is not None:
            return Recognition(
                exact.id, exact.name, exact.category, method, 0.9 if cc.port else 0.95, quote, note=port_note
            )
        member = self._nearest_cc(cc)
        if member is None:
            return None
        stated = f"version {cc.version}" if cc.version else "no version"
        note = f"{wanted} ({stated}) is not catalogued: read as {member.id}, the same elements"
        return Recognition(member.id, member.name, member.category, Method.FAMILY, 0.7, quote, note=note)

    def _nearest_cc(self, cc: CreativeCommons) -> License | None:
        """The catalogued version with the same elements: the stated version's nearest, else the latest."""
        base = "CC-" + "-".join(e for e in ("BY", "NC", "ND", "SA") if e in cc.elements or e == "BY")
        members = [
            lic
            for lic in self.catalog.licenses.values()
            if lic.id.startswith(base + "-") and lic.id[len(base) + 1 :][:1].isdigit()
        ]
        if not members:
            return None
        if cc.version is None:
            return max(members, key=lambda lic: lic.id)
        return min(members, key=lambda lic: abs(float(lic.id[len(base) + 1 :]) - float(cc.version or 0)))


def _recognition(target: Target, quote: str, confidence: float, note: str | None = None) -> Recognition:
    license_ = target.license
    return Recognition(
        license_.id if license_ is not None else None,
        target.known_as,
        target.category,
        target.method,
        confidence,
        quote,
        note=note or target.note,
    )


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


def _segments(text: str) -> list[tuple[int, str]]:
    """The text cut at punctuation that ends a name, each piece with its offset."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for separator in _SEGMENTS.finditer(text):
        if separator.start() > start:
            pieces.append((start, text[start : separator.start()]))
        start = separator.end()
    if start < len(text):
        pieces.append((start, text[start:]))
    return pieces


def _without_vague_families(found: list[Recognition]) -> list[Recognition]:
    """ "Creative Commons" beside a named CC license only repeats it: the family adds nothing."""
    named_cc = any(r.license_id and r.license_id.startswith(("CC-", "CC0")) for r in found)
    return [r for r in found if not (named_cc and r.license_id == CC_FAMILY and r.method is Method.FAMILY)]


def _located(recognition: Recognition, field: str, line: int | None) -> Recognition:
    return Recognition(
        recognition.license_id,
        recognition.known_as,
        recognition.category,
        recognition.method,
        recognition.confidence,
        recognition.quote,
        field,
        line,
        recognition.note,
    )


def _unique(found: Sequence[Recognition | None]) -> list[Recognition]:
    seen: set[str] = set()
    unique: list[Recognition] = []
    for recognition in found:
        if recognition is None:
            continue
        key = recognition.license_id or recognition.known_as
        if key not in seen:
            seen.add(key)
            unique.append(recognition)
    return unique
