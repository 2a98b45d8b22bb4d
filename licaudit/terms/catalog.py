"""The license catalog: one `rules/licenses/*.yaml` file per license, looked up by any alias."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from licaudit.errors import DataFileError
from licaudit.terms.vocabulary import DUTY_KINDS, Category, Effect, Scope, TermKind
from licaudit.yaml_data import Fields, iter_yaml_files, load_yaml_file

_LICENSE_ID = re.compile(r"^[A-Za-z0-9.\-+]+$")
_FOLD = re.compile(r"[\s_\-,/:]+")
_LICENSE_KEYS = {
    "schema_version", "id", "name", "category", "commercial_use", "url", "hub_ids", "aliases",
    "text_markers", "history", "terms", "notes", "spdx",
}  # fmt: skip
_TERM_KEYS = {"id", "kind", "summary", "clause", "source", "value", "effect", "applies_to", "notes"}
# Built once: iterating an enum is slow, and the catalog checks a few hundred terms on every run.
_CATEGORIES = frozenset(c.value for c in Category)
_TERM_KINDS = frozenset(k.value for k in TermKind)
_EFFECTS = frozenset(e.value for e in Effect)
_SCOPES = frozenset(s.value for s in Scope)


def fold_license_name(text: str) -> str:
    """Case, space, dash and underscore insensitive key: "CC BY-NC 4.0" == "cc-by-nc-4.0"."""
    return _FOLD.sub("-", text.strip().strip("\"'()[]").lower()).strip("-")


@dataclass(frozen=True)
class Term:
    """One obligation or restriction of a license, with the clause that imposes it."""

    license_id: str
    id: str
    kind: TermKind
    summary: str
    clause: str | None
    source: str | None
    scope: Scope = Scope.ARTIFACT
    value: int | None = None
    effect_overrides: tuple[tuple[str, Effect], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.license_id, self.id)

    def override_for(self, use: str) -> Effect | None:
        for name, effect in self.effect_overrides:
            if name == use:
                return effect
        return None


@dataclass(frozen=True)
class HistoryEntry:
    date: str
    note: str
    source: str | None


@dataclass(frozen=True)
class License:
    id: str
    name: str
    category: Category
    commercial_use: Effect
    url: str | None
    hub_ids: tuple[str, ...]
    aliases: tuple[str, ...]
    text_markers: tuple[str, ...]
    terms: tuple[Term, ...]
    history: tuple[HistoryEntry, ...]
    notes: str | None
    path: str

    @property
    def is_unknown(self) -> bool:
        return self.category is Category.UNKNOWN


@dataclass
class Catalog:
    """Every catalogued license, indexed by folded id, Hub id and alias."""

    licenses: dict[str, License] = field(default_factory=dict)
    _index: dict[str, str] = field(default_factory=dict)

    def add(self, license_: License) -> None:
        if license_.id in self.licenses:
            other = self.licenses[license_.id].path
            raise DataFileError(license_.path, None, f"license id {license_.id!r} also defined in {other}")
        self.licenses[license_.id] = license_
        for name in (license_.id, *license_.hub_ids, *license_.aliases):
            key = fold_license_name(name)
            owner = self._index.get(key)
            if owner is not None and owner != license_.id:
                raise DataFileError(license_.path, None, f"name {name!r} already belongs to license {owner!r}")
            self._index[key] = license_.id

    def lookup(self, name: str) -> License | None:
        license_id = self._index.get(fold_license_name(name))
        return self.licenses[license_id] if license_id is not None else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        matches = difflib.get_close_matches(fold_license_name(name), list(self._index), n=limit * 3)
        seen: list[str] = []
        for match in matches:
            license_id = self._index[match]
            if license_id not in seen:
                seen.append(license_id)
        return seen[:limit]

    def hub_ids(self) -> dict[str, str]:
        return {hub_id: lic.id for lic in self.licenses.values() for hub_id in lic.hub_ids}


def load_catalog(folder: Path, read: Callable[[Path], object] = load_yaml_file) -> Catalog:
    catalog = Catalog()
    for path in iter_yaml_files(folder):
        catalog.add(parse_license(read(path), path))
    return catalog


def parse_license(data: object, path: Path) -> License:
    fields = Fields(data, path, "license")
    fields.schema_version()
    fields.reject_unknown(_LICENSE_KEYS)
    license_id = fields.text("id")
    if not _LICENSE_ID.match(license_id):
        raise fields.error(f"`id` {license_id!r} may hold only letters, digits, '.', '-' and '+'")
    if path.stem != license_id:
        raise fields.error(f"file name must be {license_id}.yaml")
    terms = tuple(_parse_term(term, license_id) for term in fields.mappings("terms"))
    term_ids = [term.id for term in terms]
    if len(set(term_ids)) != len(term_ids):
        raise fields.error(f"duplicate term ids in {term_ids}")
    history = tuple(
        HistoryEntry(date=h.text("date"), note=h.text("note"), source=h.opt_text("source"))
        for h in fields.mappings("history")
    )
    return License(
        id=license_id,
        name=fields.text("name"),
        category=Category(fields.choice("category", _CATEGORIES)),
        commercial_use=Effect(fields.choice("commercial_use", {"allowed", "conditional", "forbidden", "unknown"})),
        url=fields.opt_text("url"),
        hub_ids=tuple(fields.text_list("hub_ids")),
        aliases=tuple(fields.text_list("aliases")),
        text_markers=tuple(fields.text_list("text_markers")),
        terms=terms,
        history=history,
        notes=fields.opt_text("notes"),
        path=str(path),
    )


def _parse_term(term: Fields, license_id: str) -> Term:
    term.reject_unknown(_TERM_KEYS)
    kind = TermKind(term.choice("kind", _TERM_KINDS))
    clause, source = term.opt_text("clause"), term.opt_text("source")
    if kind not in DUTY_KINDS and (clause is None or source is None):
        raise term.error(f"a `{kind}` term must quote its `clause` and name its `source`")
    value_raw = term.data.get("value")
    if value_raw is not None and (not isinstance(value_raw, int) or isinstance(value_raw, bool)):
        raise term.error("`value` must be an integer")
    if kind is TermKind.MAU_CAP and value_raw is None:
        raise term.error("a `mau_cap` term needs its `value` (the number of monthly active users)")
    overrides: list[tuple[str, Effect]] = []
    effect = term.mapping("effect")
    if effect is not None:
        for use, value in effect.data.items():
            if value not in _EFFECTS:
                raise effect.error(f"effect for {use!r} is {value!r}; allowed: {[e.value for e in Effect]}")
            overrides.append((str(use), Effect(value)))
    scopes = term.text_list("applies_to") or ["artifact"]
    if len(scopes) != 1 or scopes[0] not in _SCOPES:
        raise term.error(f"`applies_to` must be one of {[s.value for s in Scope]}")
    return Term(
        license_id=license_id,
        id=term.text("id"),
        kind=kind,
        summary=term.opt_text("summary") or kind.value.replace("_", " "),
        clause=clause,
        source=source,
        scope=Scope(scopes[0]),
        value=value_raw,
        effect_overrides=tuple(overrides),
    )
