"""The evidence of one recognition: what was read, where, how, what it means and how sure licaudit is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from licaudit.terms.vocabulary import Category


class Method(StrEnum):
    """How a license was recognised, from the most to the least certain."""

    ID = "id"  # a catalog, Hub or SPDX identifier
    HUB_HISTORY = "hub-history"  # an identifier the Hub's license list once had
    ALIAS = "alias"  # a catalog alias
    NAME = "name"  # a license name from the catalog, the SPDX list or ScanCode
    URL = "url"  # a license URL (creativecommons.org, opensource.org, spdx.org, ...)
    TEXT_MATCH = "text-match"  # the full text matched a known license text
    MARKER = "marker"  # a phrase that only that license text contains
    FAMILY = "family"  # a family named without its version or port: the conservative member
    PHRASE = "phrase"  # restrictive wording ("non-commercial", "research only", "비상업적")


class Combination(StrEnum):
    """How several licenses found in one string bind together."""

    ALL = "all"  # every one applies (AND, lists, per-subset licenses)
    ANY = "any"  # the licensee chooses (OR, dual-licensed)


@dataclass(frozen=True)
class Recognition:
    """One license read from a string: the catalog id, or what it is when the catalog lacks it."""

    license_id: str | None  # the catalog id; None when recognised but not catalogued
    known_as: str  # the name it was recognised as (SPDX/ScanCode name, or the catalog's)
    category: Category  # the catalog's category, or the conservative reading of ScanCode's
    method: Method
    confidence: float  # 0..1
    quote: str  # the words that were read (bounded)
    field: str = ""  # card field or file the text came from
    line: int | None = None
    note: str | None = None  # e.g. "ported license 3.0 ES read as CC-BY-3.0", "modified text"

    @property
    def catalogued(self) -> bool:
        return self.license_id is not None


@dataclass(frozen=True)
class Reading:
    """How a whole string is read: the licenses in it, how they combine, and the restrictions the
    text states besides (restrictive wording, "license unknown"), which bind whatever is chosen."""

    text: str
    recognitions: tuple[Recognition, ...]
    combination: Combination = Combination.ALL
    restrictions: tuple[Recognition, ...] = ()

    @property
    def everything(self) -> tuple[Recognition, ...]:
        return self.recognitions + self.restrictions

    @property
    def recognised(self) -> bool:
        return bool(self.recognitions) and all(r.catalogued for r in self.everything)


MAX_QUOTE_CHARS = 200


def bounded_quote(text: str) -> str:
    """One line, at most MAX_QUOTE_CHARS: quotes are shown in reports and findings."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_QUOTE_CHARS else flat[: MAX_QUOTE_CHARS - 1] + "…"
