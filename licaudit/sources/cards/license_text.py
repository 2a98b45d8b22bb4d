"""License texts: a LICENSE file or a `license_link` URL, identified by the catalog's text markers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

MAX_LICENSE_BYTES = 1_000_000


@dataclass(frozen=True)
class TextIdentification:
    """How a license text (a LICENSE file, a `license_link` target) was read."""

    expression: str  # catalog ids, joined with AND when the text also states restrictions
    quote: str  # the words that identify it
    method: str  # "text-match", "marker", "name", "phrase", ...
    confidence: float  # 0..1 (a text match: the share of the known license text found)
    problem: str | None = None  # e.g. "modified text: 87% of the Apache-2.0 text found" (a finding)


class LicenseIdentifier(Protocol):
    """What the sources need from the license catalog (implemented in `licaudit.terms.identify`)."""

    def lookup_name(self, name: str) -> str | None:
        """The catalog id a license name or alias means, if any."""

    def identify_text(self, text: str) -> tuple[str, str] | None:
        """(catalog id, the marker phrase found) for a full license text, if a marker matches."""

    def identify_license_text(self, text: str) -> TextIdentification | None:
        """A full license text read with its evidence and score; None when nothing in it is known."""


class NoIdentifier:
    def lookup_name(self, name: str) -> str | None:
        return None

    def identify_text(self, text: str) -> tuple[str, str] | None:
        return None

    def identify_license_text(self, text: str) -> TextIdentification | None:
        return None
