"""The catalog as the sources need it: license names to ids, full license texts by their markers."""

from __future__ import annotations

import re

from licaudit.terms.catalog import Catalog

_SPACES = re.compile(r"\s+")
MAX_IDENTIFIED_CHARS = 400_000


class CatalogIdentifier:
    """Implements `licaudit.sources.cards.license_text.LicenseIdentifier` over the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._markers = sorted(
            (
                (_SPACES.sub(" ", marker).strip().lower(), marker, license_.id)
                for license_ in catalog.licenses.values()
                for marker in license_.text_markers
                if marker.strip()
            ),
            key=lambda m: -len(m[0]),  # the longest, most specific marker first
        )

    def lookup_name(self, name: str) -> str | None:
        found = self.catalog.lookup(name)
        return found.id if found is not None else None

    def identify_text(self, text: str) -> tuple[str, str] | None:
        folded = _SPACES.sub(" ", text[:MAX_IDENTIFIED_CHARS]).lower()
        for needle, marker, license_id in self._markers:
            if needle in folded:
                return license_id, marker
        return None
