"""Licenses and restrictions: which carried terms are the license of an artifact, which only reach it.

The license of a model or dataset is the licenses that bind its weights and its data. Terms of use
of an API, and output terms that reached it through generated data (a `generated_by`,
`translated_by` or `distilled_from` edge), are restrictions on it: they are reported and written
down with the path that brings them, never written as its `license:`.
"""

from __future__ import annotations

from dataclasses import dataclass

from licaudit.terms.catalog import Catalog
from licaudit.terms.flow_rules import FlowRules
from licaudit.terms.propagation import CarriedTerm
from licaudit.terms.vocabulary import Category, Scope


@dataclass(frozen=True)
class CarriedRestriction:
    """A restriction that reaches an artifact without being its license, with its path."""

    license_id: str
    license_name: str
    term_id: str
    kind: str
    summary: str
    path: tuple[str, ...]  # origin first, the artifact last
    relations: tuple[str, ...]

    def as_record(self) -> dict[str, object]:
        return {
            "license": self.license_id,
            "name": self.license_name,
            "term": self.term_id,
            "kind": self.kind,
            "summary": self.summary,
            "path": list(self.path),
            "relations": list(self.relations),
        }


def binds_as_license(carried: CarriedTerm, catalog: Catalog, rules: FlowRules) -> bool:
    """True when the term's license binds the artifact's weights or data; False for API terms and
    for output terms that came through generated data."""
    license_ = catalog.licenses.get(carried.term.license_id)
    if license_ is None or license_.category is Category.API_TERMS:
        return False
    if carried.scope is Scope.OUTPUTS:
        return False
    return not any(rules.relations[relation].activates_outputs for relation in carried.relations)


def restriction_of(carried: CarriedTerm, catalog: Catalog) -> CarriedRestriction:
    license_ = catalog.licenses.get(carried.term.license_id)
    return CarriedRestriction(
        license_id=carried.term.license_id,
        license_name=license_.name if license_ is not None else carried.term.license_id,
        term_id=carried.term.id,
        kind=carried.term.kind.value,
        summary=carried.term.summary,
        path=tuple(str(a) for a in carried.path),
        relations=tuple(r.value for r in carried.relations),
    )


def restrictions_reaching(carried: list[CarriedTerm], catalog: Catalog, rules: FlowRules) -> list[CarriedRestriction]:
    """The restrictions among carried terms (not licenses, not mere duties), each once."""
    found: dict[tuple[str, str], CarriedRestriction] = {}
    for term in carried:
        if term.term.license_id not in catalog.licenses or binds_as_license(term, catalog, rules):
            continue
        restriction = restriction_of(term, catalog)
        found.setdefault((restriction.license_id, restriction.term_id), restriction)
    return list(found.values())
