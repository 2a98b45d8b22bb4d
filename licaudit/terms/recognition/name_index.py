"""The name index: every spelling of a license, folded, mapped to the catalog or to what it is.

Built from the catalog (ids, Hub ids, aliases, names), the Hub's former license ids, and on first
miss the SPDX license list and ScanCode's database. A license those lists know and the catalog
lacks is still recognised, with ScanCode's category read conservatively, so the finding can say
what it is; its terms stay unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from licaudit.terms.catalog import Catalog, License
from licaudit.terms.recognition.evidence import Method
from licaudit.terms.recognition.license_data import KnownLicense, known_names
from licaudit.terms.recognition.normalisation import fold_name
from licaudit.terms.recognition.urls import url_key
from licaudit.terms.vocabulary import Category

# ScanCode's categories read conservatively: anything short of free is proprietary.
SCANCODE_CATEGORIES = {
    "Permissive": Category.PERMISSIVE,
    "Public Domain": Category.PUBLIC_DOMAIN,
    "Copyleft": Category.COPYLEFT,
    "Copyleft Limited": Category.WEAK_COPYLEFT,
}
# Keys too plain to be read as a license inside a sentence ("other licenses", "unknown", "cc").
_NOT_IN_PROSE = frozenset(
    {"other", "unknown", "cc", "openai", "none", "no", "public", "free", "proprietary", "na", "n a"}
)
PUBLIC_DOMAIN = "LicenseRef-Public-Domain"


@dataclass(frozen=True)
class Target:
    """What a key means: a catalog license, or a license only the SPDX/ScanCode lists know."""

    license: License | None
    known: KnownLicense | None
    method: Method
    note: str | None = None

    @property
    def known_as(self) -> str:
        if self.license is not None:
            return self.license.name
        assert self.known is not None
        return f"{self.known.names[0] if self.known.names else self.known.spdx_id} ({self.known.spdx_id})"

    @property
    def category(self) -> Category:
        if self.license is not None:
            return self.license.category
        assert self.known is not None
        return SCANCODE_CATEGORIES.get(self.known.scancode_category or "", Category.PROPRIETARY)


class NameIndex:
    def __init__(self, catalog: Catalog, hub_history: dict[str, str], cache_dir: Path | None = None) -> None:
        self.catalog = catalog
        self.hub_history = hub_history
        self.cache_dir = cache_dir
        self._known_targets: dict[int, Target] = {}

    @cached_property
    def catalog_keys(self) -> dict[str, Target]:
        """Every catalog spelling, folded (built on first use: a trace of catalog ids never needs it)."""
        catalog = self.catalog
        keys: dict[str, Target] = {}
        for license_ in catalog.licenses.values():
            for name in (license_.id, *license_.hub_ids):
                keys.setdefault(fold_name(name), Target(license_, None, Method.ID))
            for name in license_.aliases:
                keys.setdefault(fold_name(name), Target(license_, None, Method.ALIAS))
            keys.setdefault(fold_name(license_.name), Target(license_, None, Method.NAME))
        for old_id, license_id in self.hub_history.items():
            found = catalog.licenses.get(license_id)
            if found is not None:
                note = f"former Hub license id {old_id!r}"
                keys.setdefault(fold_name(old_id), Target(found, None, Method.HUB_HISTORY, note))
        keys.pop("", None)
        return keys

    def lookup(self, text: str) -> Target | None:
        key = fold_name(text)
        return self.catalog_keys.get(key) or self.known(key)

    def lookup_key(self, key: str) -> Target | None:
        return self.catalog_keys.get(key) or self.known(key)

    def in_prose(self, key: str, license_context: bool) -> Target | None:
        """The target of a key found inside a sentence. Where the sentence does not speak of a license,
        only the catalog's multi-word names count ("the MIT Media Lab" names no license)."""
        if key in _NOT_IN_PROSE:
            return None
        single = " " not in key and not any(c.isdigit() for c in key)
        found = self.catalog_keys.get(key)
        if found is not None:
            return found if (license_context or not single) else None
        if single or not license_context:
            return None  # a plain word a list knows ("python", "json") is no license in prose
        return self.known(key)

    def lookup_url(self, url: str) -> Target | None:
        return self.known_urls.get(url_key(url))

    def catalog_target(self, license_id: str, method: Method, note: str | None = None) -> Target | None:
        found = self.catalog.lookup(license_id)
        return Target(found, None, method, note) if found is not None else None

    def known(self, key: str) -> Target | None:
        """The SPDX or ScanCode license a folded spelling names (the lists load on first call)."""
        index = known_names(self.cache_dir).keys.get(key)
        if index is None:
            return None
        found = self._known_targets.get(index)
        if found is None:
            found = self._known_targets[index] = self._target_of(known_names(self.cache_dir).licenses[index])
        return found

    @cached_property
    def known_urls(self) -> dict[str, Target]:
        urls: dict[str, Target] = {}
        for license_ in self.catalog.licenses.values():
            if license_.url:
                urls.setdefault(url_key(license_.url), Target(license_, None, Method.URL))
        shared: set[str] = set()
        listed: dict[str, Target] = {}
        for known in known_names(self.cache_dir).licenses:
            if known.scancode_key is None:
                continue
            target = self._target_of(known)
            for url in {url_key(u) for u in known.urls}:
                if url in listed and listed[url].known != known:
                    shared.add(url)  # a page many licenses list (gnu.org/licenses/) names none of them
                listed.setdefault(url, Target(target.license, target.known, Method.URL))
        for url, target in listed.items():
            if url not in shared:
                urls.setdefault(url, target)
        return urls

    def _target_of(self, known: KnownLicense) -> Target:
        for name in (known.spdx_id, *known.other_ids):
            for variant in _base_ids(name):
                found = self.catalog.lookup(variant)
                if found is not None:
                    return Target(found, known, Method.NAME)
        if known.scancode_category == "Public Domain":
            public = self.catalog.licenses.get(PUBLIC_DOMAIN)
            if public is not None:
                note = f"ScanCode's {known.names[0] if known.names else known.spdx_id}: a public-domain dedication"
                return Target(public, known, Method.NAME, note)
        return Target(None, known, Method.NAME)


def _base_ids(name: str) -> list[str]:
    """The id and its versions without "or later" ("GPL-3.0-or-later", "gpl-3.0-plus", "GPL-2.0+")."""
    variants = [name]
    for suffix in ("-or-later", "-plus", "+"):
        if name.endswith(suffix):
            variants += [name[: -len(suffix)], name[: -len(suffix)] + "-only"]
    return variants
