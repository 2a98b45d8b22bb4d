"""The catalog as the sources need it: license names to ids, full license texts read by the recogniser."""

from __future__ import annotations

from licaudit.sources.cards.license_text import TextIdentification
from licaudit.terms.catalog import Catalog
from licaudit.terms.expressions import LicenseNormaliser

MAX_IDENTIFIED_CHARS = 400_000


class CatalogIdentifier:
    """Implements `licaudit.sources.cards.license_text.LicenseIdentifier` over the catalog."""

    def __init__(self, catalog: Catalog, normaliser: LicenseNormaliser | None = None) -> None:
        self.catalog = catalog
        self.normaliser = normaliser or LicenseNormaliser(catalog)  # its recogniser is built on first need

    def lookup_name(self, name: str) -> str | None:
        found = self.catalog.lookup(name)
        if found is not None:
            return found.id
        recognised = self.normaliser.recogniser.recognise_name(name)
        return recognised.license_id if recognised is not None else None

    def identify_text(self, text: str) -> tuple[str, str] | None:
        found = self.identify_license_text(text)
        return (found.expression, found.quote) if found is not None else None

    def identify_license_text(self, text: str) -> TextIdentification | None:
        reading = self.normaliser.recogniser.read(text[:MAX_IDENTIFIED_CHARS])
        if not reading.recognitions:
            return None
        if len(reading.recognitions) > 1 or any(not r.catalogued for r in reading.everything):
            return None  # several licenses or one the catalog lacks: not one license text
        (found,) = reading.recognitions
        assert found.license_id is not None
        ids = [found.license_id, *(r.license_id for r in reading.restrictions if r.license_id)]
        problems = [p for p in (found.note, *(f"states: {r.quote!r}" for r in reading.restrictions)) if p]
        return TextIdentification(
            expression=" AND ".join(dict.fromkeys(ids)),
            quote=found.quote,
            method=found.method.value,
            confidence=found.confidence,
            problem="; ".join(problems) or None,
        )
